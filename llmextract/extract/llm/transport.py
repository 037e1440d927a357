"""The one retry policy for transient HTTP failures, as an httpx transport under the openai client.

The openai client's own retries are off (``max_retries=0``) and instructor's retries are re-asks after a failed
validation; this transport retries only what a later identical request can fix: 408/409/429 (honouring
``Retry-After``), 5xx, timeouts, dropped connections, and a 200 whose body is not a complete JSON completion
(malformed, or cut short with a matching Content-Length): that is the connection's fault, not the model's, so
it never reaches the re-ask loop. Waits are jittered exponential backoff, each capped at ``backoff_cap``
seconds. When the attempts run out the last response is returned as is (so the openai client raises its usual
status error) or the last network error is raised.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

log = logging.getLogger(__name__)

# Requests sent on behalf of the current block. A context variable, not a counter on the shared transport,
# because many blocks share one transport concurrently; httpx runs the transport in the caller's task.
_SENT: ContextVar[list[int] | None] = ContextVar("llmextract_requests_sent", default=None)


@contextmanager
def counting_requests() -> Iterator[list[int]]:
    """``with counting_requests() as sent: ...`` then ``sent[0]`` is how many HTTP requests were made."""
    sent = [0]
    token = _SENT.set(sent)
    try:
        yield sent
    finally:
        _SENT.reset(token)


RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,  # ConnectError, ReadError (connection reset), WriteError, CloseError
    httpx.RemoteProtocolError,  # server closed the connection mid-response
)


class MalformedReply(httpx.RemoteProtocolError):
    """A 200 from the chat endpoint whose body is not a JSON completion (it was garbled or cut in transit)."""


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0


def retry_after_seconds(headers: httpx.Headers, now: Callable[[], float] = time.time) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``, as seconds; None when absent or bad."""
    if ms := headers.get("retry-after-ms"):
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if email.utils.parsedate_tz(value) else None
        return None if parsed is None else max(parsed.timestamp() - now(), 0.0)


class RetryingTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: RetryPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpx.AsyncHTTPTransport()
        self._backoff = wait_random_exponential(multiplier=policy.backoff_base, max=policy.backoff_cap)
        self.requests = 0  # every attempt, over the transport's life
        self.retries = 0  # attempts after a transient failure

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            return min(exc.retry_after, self._policy.backoff_cap)
        return self._backoff(state)

    def _before_sleep(self, state: RetryCallState) -> None:
        self.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("transient LLM endpoint failure (%s); retry %d in %.1fs", exc, state.attempt_number, wait)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._policy.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type((_RetryableStatus, *TRANSIENT_ERRORS)),
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    self._count()
                    response = await self._inner.handle_async_request(request)
                    # Read the body here, inside the retry: a connection dropped mid-body is as transient as
                    # one dropped before the headers. (llmextract never streams, so this costs nothing.)
                    await response.aread()
                    await response.aclose()
                    if response.status_code in RETRY_STATUSES:
                        raise _RetryableStatus(response, retry_after_seconds(response.headers))
                    if response.status_code == 200 and request.url.path.endswith("/chat/completions"):
                        _check_completion(response.content, request)
                    return response
        except _RetryableStatus as exc:
            return exc.response
        raise AssertionError("unreachable: tenacity either returns, raises or re-raises")

    def _count(self) -> None:
        self.requests += 1
        sent = _SENT.get()
        if sent is not None:
            sent[0] += 1

    async def aclose(self) -> None:
        await self._inner.aclose()


def _check_completion(body: bytes, request: httpx.Request) -> None:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise MalformedReply(
            f"the endpoint answered 200 with a body that is not a JSON completion ({len(body)} bytes)",
            request=request,
        )
