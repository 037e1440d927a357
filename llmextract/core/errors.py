"""One exception root for everything llmextract raises on purpose.

Every user-facing error says what went wrong *and* what to do about it (``hint``). The CLI prints
``str(error)`` on one line and exits with ``error.exit_code``; no traceback reaches the user.
"""

from __future__ import annotations

from llmextract.core.secrets import redact


class LLMExtractError(Exception):
    """Root of all llmextract errors."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None, path: str | None = None) -> None:
        self.message = message
        self.hint = hint
        self.path = path
        super().__init__(self.__str__())

    def __reduce__(self) -> tuple[object, ...]:
        # Errors raised in worker processes must survive pickling with their keyword-only fields.
        return (_rebuild, (type(self), self.message, self.hint, self.path))

    def describe(self) -> str:
        """The message and hint without the path, for lists that already name the file."""
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


def _rebuild(cls: type[LLMExtractError], message: str, hint: str | None, path: str | None) -> LLMExtractError:
    return cls(message, hint=hint, path=path)


class InputError(LLMExtractError):
    """The input file cannot be read as a budget disclosure. Bad input: exit code 2."""


class InputPathError(InputError):
    """The path is missing, is a directory, or cannot be read."""


class UnsupportedFormatError(InputError):
    """The file extension is not one llmextract reads."""


class EmptyFileError(InputError):
    """The file has zero bytes, or a PDF with zero pages."""


class NotAPDFError(InputError):
    """A file named .pdf whose bytes are something else (for example a saved web page)."""


class CorruptPDFError(InputError):
    """A PDF that is truncated or damaged beyond what the parser can read."""


class EncryptedPDFError(InputError):
    """A PDF that needs a password to open."""


class NoTextLayerError(InputError):
    """A PDF whose pages carry no extractable text (a scan, or fonts without a Unicode map)."""


class TextEncodingError(InputError):
    """A text file whose character encoding cannot be determined with confidence."""


class ConfigError(LLMExtractError):
    """A setting is missing or invalid (config file, environment, or argument). Bad usage: exit code 2."""


class LLMError(LLMExtractError):
    """A call to the LLM endpoint failed for good (after retries). The block is reported as failed.

    ``provider`` names the endpoint (its base URL, never its key); ``original`` is the underlying exception
    (openai, httpx or instructor), kept for debugging and never shown with secrets.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | None = None,
        provider: str | None = None,
        original: BaseException | None = None,
    ) -> None:
        self.provider = provider
        self.original = original
        # The message and hint may quote what an endpoint answered, which can echo the key.
        super().__init__(redact(message), hint=None if hint is None else redact(hint), path=path)

    def __reduce__(self) -> tuple[object, ...]:
        # The original exception may not pickle (it can hold an HTTP response); its text is enough across processes.
        original = None if self.original is None else RuntimeError(redact(repr(self.original)))
        return (_rebuild_llm, (type(self), self.message, self.hint, self.path, self.provider, original))

    def __str__(self) -> str:
        where = f"[{self.provider}] " if self.provider else ""
        return where + super().__str__()


class LLMValidationError(LLMError):
    """The model's replies kept failing validation (for example quoting text that is not in the block)
    until the re-ask budget ran out."""


def _rebuild_llm(
    cls: type[LLMError],
    message: str,
    hint: str | None,
    path: str | None,
    provider: str | None,
    original: BaseException | None,
) -> LLMError:
    return cls(message, hint=hint, path=path, provider=provider, original=original)


_MAX_MESSAGE = 300


def describe_exception(exc: BaseException) -> str:
    """``Type: message``, on one line and bounded (messages of odd content can be long)."""
    text = " ".join(str(exc).split())
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
