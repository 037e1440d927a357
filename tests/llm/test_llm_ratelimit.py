"""Client-side rate limits: requests and tokens per minute, and a run-wide pause on 429 Retry-After."""

from __future__ import annotations

import asyncio
import time

import httpx

from llmextract.extract.llm.ratelimit import RateLimitedTransport, RateLimiter, TokenBucket, estimate_tokens


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_refills_at_its_rate():
    clock = FakeClock()
    bucket = TokenBucket(60, clock)  # one per second, burst of 60
    bucket.take(60)
    assert bucket.wait_time(1) == 1.0
    clock.now = 0.5
    assert bucket.wait_time(1) == 0.5
    clock.now = 30
    assert bucket.wait_time(30) == 0.0


def test_estimate_tokens_counts_cjk_per_character():
    assert estimate_tokens("项目名称 abcdefgh") == 4 + 2


class _Recorder(httpx.AsyncBaseTransport):
    """A test double endpoint: records when each request arrived and answers from a list of statuses."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.times: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.times.append(time.monotonic())
        code = self.statuses.pop(0) if self.statuses else 200
        headers = {"Retry-After": "0.3"} if code == 429 else {}
        return httpx.Response(code, headers=headers, json={"usage": {"completion_tokens": 5}})


async def _send(transport: httpx.AsyncBaseTransport, n: int) -> None:
    async with httpx.AsyncClient(transport=transport, base_url="http://llm.test") as client:
        await asyncio.gather(*(client.post("/v1/chat/completions", json={"q": "x"}) for _ in range(n)))


def test_requests_per_minute_spaces_requests():
    inner = _Recorder([])
    limiter = RateLimiter(requests_per_minute=600, tokens_per_minute=None)  # 10/s, burst 600
    limiter.requests.take(600)  # type: ignore[union-attr]  # start with an empty bucket
    asyncio.run(_send(RateLimitedTransport(limiter, inner), 4))
    gaps = [b - a for a, b in zip(inner.times, inner.times[1:], strict=False)]
    assert all(gap >= 0.08 for gap in gaps)  # ~0.1 s apart


def test_a_429_with_retry_after_pauses_every_request():
    inner = _Recorder([429])
    limiter = RateLimiter(requests_per_minute=None, tokens_per_minute=None)
    transport = RateLimitedTransport(limiter, inner)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://llm.test") as client:
            first = await client.post("/v1/chat/completions", json={})
            assert first.status_code == 429
            await asyncio.gather(*(client.post("/v1/chat/completions", json={}) for _ in range(3)))

    asyncio.run(scenario())
    assert all(t - inner.times[0] >= 0.28 for t in inner.times[1:])
