"""One schema-constrained call per chunk: the openai client, instructor, and the errors they raise made ours.

Three separate loops, each with one job: the :class:`RetryingTransport` resends a request after a transient
HTTP failure (a malformed or cut body included); instructor re-asks the model (at most ``max_reasks`` times)
when its reply fails validation; the runner above splits a chunk whose reply was cut at ``max_tokens`` and
gives up on a chunk, never on the batch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx
import instructor
import openai
import pydantic
from instructor.core import IncompleteOutputException, InstructorRetryException

from llmextract.core.errors import LLMError, LLMValidationError
from llmextract.core.secrets import redact, register_secret
from llmextract.extract.llm.grounding import GroundedText
from llmextract.extract.llm.ratelimit import RateLimitedTransport, RateLimiter
from llmextract.extract.llm.schema import ResponseModel, grounding_in
from llmextract.extract.llm.transport import MalformedReply, RetryingTransport, RetryPolicy, counting_requests
from llmextract.extract.prompts import Prompt
from llmextract.settings import Settings


@dataclass(frozen=True, slots=True)
class ModeSpec:
    instructor_mode: instructor.Mode
    sends: str  # what goes over the wire, for error messages
    otherwise: str  # the mode to suggest when a server rejects this one


# Each mode sends the response schema once: as the tool (tools), in the system message (json, md_json) or as
# response_format (json_schema).
MODES: Mapping[str, ModeSpec] = {
    "tools": ModeSpec(instructor.Mode.TOOLS, "tools + tool_choice", "json"),
    "json": ModeSpec(
        instructor.Mode.JSON, 'response_format {"type": "json_object"}, the schema in the prompt', "md_json"
    ),
    # llama.cpp's server answers this one with HTTP 500; it accepts json_object (mode json).
    "json_schema": ModeSpec(instructor.Mode.JSON_SCHEMA, 'response_format {"type": "json_schema", …}', "json"),
    "md_json": ModeSpec(instructor.Mode.MD_JSON, "a ```json block in the reply text", "tools"),
}
# Statuses with which servers reject a request format they do not support.
_REJECTED_FORMAT = frozenset({400, 422, 500})

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)

# Status codes whose cause the user can fix, with what to do; everything else gets a generic hint.
_STATUS_HINTS: Mapping[int, str] = {
    401: "check LLMEXTRACT_API_KEY (or OPENAI_API_KEY) for this endpoint",
    403: "the key is not allowed to use this model; check the account or pick another model",
    404: "check LLMEXTRACT_BASE_URL (it usually ends in /v1) and LLMEXTRACT_MODEL",
    429: "the endpoint kept rate-limiting after all retries; lower concurrency or raise max_retries in the config",
}


def strip_reasoning(response: Any) -> None:
    """Drop ``<think>…</think>`` from every reply before it is parsed (reasoning models emit it in content)."""
    for choice in getattr(response, "choices", None) or []:
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None)
        if isinstance(content, str) and "<think>" in content:
            message.content = _THINK.sub("", content).strip()


# Replies the model gave for the current block (1 + re-asks), counted by an instructor hook, and the current
# request's max_tokens. Per task, like the request counter, because one instructor client serves many chunks
# at once.
_REPLIES: ContextVar[list[int] | None] = ContextVar("llmextract_replies", default=None)
_MAX_TOKENS: ContextVar[int | None] = ContextVar("llmextract_max_tokens", default=None)


def mark_cut(response: Any) -> None:
    """A reply that spent all of max_tokens was cut, whatever its finish_reason says (llama.cpp's server says
    "tool_calls" for a tool call cut at max_tokens): mark it "length", so it is asked again on a smaller
    chunk instead of being re-asked whole as a validation failure."""
    limit = _MAX_TOKENS.get()
    used = getattr(getattr(response, "usage", None), "completion_tokens", None)
    if limit is None or not isinstance(used, int) or used < limit:
        return
    for choice in getattr(response, "choices", None) or []:
        if getattr(choice, "finish_reason", None) != "length":
            choice.finish_reason = "length"


def _count_reply(_response: Any) -> None:
    replies = _REPLIES.get()
    if replies is not None:
        replies[0] += 1


@dataclass(slots=True)
class Reply:
    parsed: Any  # an instance of the response model: ``.records``
    requests: int
    prompt_tokens: int
    completion_tokens: int
    replies: int = 1  # 1 + the re-asks it took; transport retries are not counted here


@dataclass(slots=True)
class FailedCall:
    error: LLMError
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cut: bool = False  # the reply stopped at max_tokens: the runner asks again with less text


class LLMClient:
    """An AsyncOpenAI client (``max_retries=0``: the transport is the one retry policy) wrapped by instructor."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        register_secret(settings.api_key)
        self.spec = MODES[settings.mode]
        policy = RetryPolicy(max_retries=settings.max_retries, backoff_cap=settings.backoff_cap)
        if settings.requests_per_minute or settings.tokens_per_minute:
            limiter = RateLimiter(settings.requests_per_minute, settings.tokens_per_minute)
            transport = RateLimitedTransport(limiter, inner=transport)
        self.transport = RetryingTransport(policy, inner=transport)
        limits = httpx.Limits(
            max_connections=max(settings.concurrency, 10), max_keepalive_connections=settings.concurrency
        )
        self._http = httpx.AsyncClient(transport=self.transport, timeout=settings.timeout, limits=limits)
        self._openai = openai.AsyncOpenAI(
            base_url=settings.base_url,
            # A local server needs no key; the openai client insists on one, and this one is never a secret.
            api_key=settings.api_key or "no-key",
            max_retries=0,
            timeout=settings.timeout,
            http_client=self._http,
        )
        self._instructor = instructor.from_openai(self._openai, mode=self.spec.instructor_mode)
        self._instructor.on("completion:response", strip_reasoning)
        self._instructor.on("completion:response", mark_cut)
        self._instructor.on("completion:response", _count_reply)

    async def aclose(self) -> None:
        await self._openai.close()

    def messages(self, prompt: Prompt, text: str) -> list[dict[str, str]]:
        return [{"role": "system", "content": prompt.system}, {"role": "user", "content": text}]

    async def extract(self, prompt: Prompt, text: str, model: ResponseModel, max_tokens: int) -> Reply | FailedCall:
        """Ask for the records of one chunk; a failure comes back as a :class:`FailedCall` with the tokens it
        spent."""
        replies = [0]
        token, limit = _REPLIES.set(replies), _MAX_TOKENS.set(max_tokens)
        try:
            with counting_requests() as sent:
                outcome = await self._extract(prompt, text, model, max_tokens, sent)
        finally:
            _REPLIES.reset(token)
            _MAX_TOKENS.reset(limit)
        if isinstance(outcome, Reply):
            outcome.replies = max(replies[0], 1)
        return outcome

    async def _extract(
        self, prompt: Prompt, text: str, model: ResponseModel, max_tokens: int, sent: list[int]
    ) -> Reply | FailedCall:
        try:
            with grounding_in(GroundedText.of(text)):
                parsed, completion = await self._instructor.chat.completions.create_with_completion(
                    model=self.settings.model,
                    messages=self.messages(prompt, text),
                    response_model=model,
                    max_retries=self.settings.max_reasks,
                    max_tokens=max_tokens,
                    temperature=self.settings.temperature,
                )
        except InstructorRetryException as exc:
            if _was_cut(exc):
                return self._cut(max_tokens, exc, exc.total_usage, sent)
            return self._failed(self._retry_error(exc), exc.total_usage, sent)
        except IncompleteOutputException as exc:
            return self._cut(max_tokens, exc, getattr(exc.last_completion, "usage", None), sent)
        except openai.APIError as exc:
            return self._failed(self._api_error(exc), None, sent)
        usage = getattr(parsed, "_total_usage", None) or completion.usage
        return Reply(
            parsed,
            sent[0],
            int(getattr(usage, "prompt_tokens", 0) or 0),
            int(getattr(usage, "completion_tokens", 0) or 0),
        )

    def _cut(self, max_tokens: int, exc: Exception, usage: Any, sent: list[int]) -> FailedCall:
        error = LLMError(
            f"the reply was cut off at max_tokens ({max_tokens}) before the JSON was complete, also on the "
            "smallest piece of the region",
            hint=f"raise max_tokens (now {self.settings.max_tokens}) in the config file",
            provider=self.settings.provider,
            original=exc,
        )
        failed = self._failed(error, usage, sent)
        failed.cut = True
        return failed

    def _failed(self, error: LLMError, usage: Any, sent: list[int]) -> FailedCall:
        return FailedCall(
            error,
            sent[0],
            int(getattr(usage, "prompt_tokens", 0) or 0),
            int(getattr(usage, "completion_tokens", 0) or 0),
        )

    def _retry_error(self, exc: InstructorRetryException) -> LLMError:
        cause = exc.__cause__
        if isinstance(cause, openai.APIError):
            return self._api_error(cause)
        last = exc.failed_attempts[-1].exception if exc.failed_attempts else cause
        return LLMValidationError(
            f"the model's reply failed validation {exc.n_attempts} time(s); last error: "
            + redact(_describe(last), (self.settings.api_key,)),
            hint="use a stronger model, try another --mode, or raise max_reasks in the config file",
            provider=self.settings.provider,
            original=exc,
        )

    def _api_error(self, exc: openai.APIError) -> LLMError:
        status = getattr(exc, "status_code", None)
        shown: BaseException = exc
        if isinstance(exc, openai.APITimeoutError):
            hint = f"the endpoint did not answer within {self.settings.timeout:g}s; raise timeout in the config file"
        elif isinstance(exc, openai.APIConnectionError) and isinstance(exc.__cause__, MalformedReply):
            shown = exc.__cause__
            hint = "the endpoint kept sending malformed or cut replies after all retries; check the server or its proxy"
        elif isinstance(exc, openai.APIConnectionError):
            hint = "check that the server is running and LLMEXTRACT_BASE_URL points to it"
        elif status in _STATUS_HINTS:
            hint = _STATUS_HINTS[status]
        elif status in _REJECTED_FORMAT:
            hint = (
                f"this server may not accept mode {self.settings.mode} ({self.spec.sends}); "
                f"try mode {self.spec.otherwise} (LLMEXTRACT_MODE or mode in the config file)"
            )
        else:
            hint = "the server failed after all retries; check its logs or retry later"
        what = f"HTTP {status}" if status else type(shown).__name__
        return LLMError(
            f"the LLM endpoint failed ({what}): {_first_line(shown, (self.settings.api_key,))}",
            hint=hint,
            provider=self.settings.provider,
            original=exc,
        )


def _describe(exc: BaseException | None) -> str:
    """A validation error as "field: message; …" (pydantic's own text spreads over many lines)."""
    if isinstance(exc, pydantic.ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]]
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        return redact("; ".join(parts) + more)
    return _first_line(exc)


def _first_line(exc: BaseException | None, secrets: tuple[str | None, ...] = ()) -> str:
    text = str(exc) if exc is not None else "unknown error"
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return redact(line, secrets)[:300]


def _was_cut(exc: InstructorRetryException) -> bool:
    """A re-ask loop that ended on a reply cut at max_tokens (instructor wraps it when it was re-asked)."""
    last = exc.failed_attempts[-1].exception if exc.failed_attempts else exc.__cause__
    return isinstance(last, IncompleteOutputException) or isinstance(exc.__cause__, IncompleteOutputException)


def reply_json(parsed: pydantic.BaseModel) -> str:
    return json.dumps(parsed.model_dump(mode="json"), ensure_ascii=False)
