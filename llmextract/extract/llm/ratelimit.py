"""Client-side rate limits for the LLM endpoint: requests per minute and tokens per minute.

An httpx transport placed under the retry policy, so retries and re-asks are paced too. Each request waits
for a request slot and for its estimated prompt tokens (the same estimator as the benchmark: one token per
CJK or full-width character, one per four other characters); the completion tokens the reply reports are
charged afterwards. A 429 carrying ``Retry-After`` pauses every request of the run, not just the one that
hit it: a rate-limited endpoint is limited for all of them.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Callable

import httpx

from llmextract.extract.llm.transport import retry_after_seconds

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def estimate_tokens(text: str) -> int:
    """One token per CJK/full-width character, ceil(len/4) per other run of non-space characters."""
    wide = len(_WIDE.findall(text))
    rest = _WIDE.sub(" ", text)
    return wide + sum(math.ceil(len(run) / 4) for run in rest.split())


class TokenBucket:
    """``rate`` units per minute, bursting up to one minute's worth; ``take`` waits until they are there."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._level = self.capacity
        self._clock = clock
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self.capacity, self._level + (now - self._updated) * self.rate)
        self._updated = now

    def wait_time(self, amount: float) -> float:
        """Seconds until ``amount`` is available (a request larger than the bucket waits for a full bucket)."""
        self._refill()
        need = min(amount, self.capacity) - self._level
        return max(0.0, need / self.rate)

    def take(self, amount: float) -> None:
        self._refill()
        self._level -= amount  # may go below zero: the debt delays the next requests


class RateLimiter:
    def __init__(self, requests_per_minute: float | None, tokens_per_minute: float | None) -> None:
        self.requests = TokenBucket(requests_per_minute) if requests_per_minute else None
        self.tokens = TokenBucket(tokens_per_minute) if tokens_per_minute else None
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, prompt_tokens: int) -> None:
        # One waiter at a time: requests are served in arrival order and none overtakes a larger one.
        async with self._lock:
            while True:
                wait = max(0.0, self._paused_until - time.monotonic())
                if self.requests is not None:
                    wait = max(wait, self.requests.wait_time(1))
                if self.tokens is not None:
                    wait = max(wait, self.tokens.wait_time(prompt_tokens))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            if self.requests is not None:
                self.requests.take(1)
            if self.tokens is not None:
                self.tokens.take(prompt_tokens)

    def charge_completion(self, tokens: int) -> None:
        if self.tokens is not None and tokens > 0:
            self.tokens.take(tokens)


class RateLimitedTransport(httpx.AsyncBaseTransport):
    def __init__(self, limiter: RateLimiter, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.limiter = limiter
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode("utf-8", errors="replace") if request.content else ""
        await self.limiter.acquire(estimate_tokens(body))
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429:
            retry_after = retry_after_seconds(response.headers)
            if retry_after:
                self.limiter.pause(retry_after)
        elif response.status_code == 200:
            await response.aread()
            self.limiter.charge_completion(_completion_tokens(response.content))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _completion_tokens(content: bytes) -> int:
    try:
        usage = json.loads(content).get("usage") or {}
    except (ValueError, AttributeError):
        return 0
    return int(usage.get("completion_tokens") or 0)
