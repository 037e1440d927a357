"""One exception root for everything llmextract raises on purpose.

Every user-facing error says what went wrong *and* what to do about it (``hint``). The CLI prints
``str(error)`` on one line and exits with ``error.exit_code``; no traceback reaches the user.
"""

from __future__ import annotations


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
