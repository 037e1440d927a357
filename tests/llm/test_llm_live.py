"""Opt-in: the LLM path against whatever endpoint the environment names (``pytest -m live``).

    LLMEXTRACT_BASE_URL=http://127.0.0.1:8765/v1 LLMEXTRACT_MODEL=gemma-3-270m LLMEXTRACT_MODE=json \\
        pytest tests/llm -m live

A capable model should read the 遗属补助 table of seed 001 as the rules do; a small one may fail validation,
which must come back as a failed chunk with a clear error, never as a crash.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from llmextract.extract.llm import LLMExtractor
from llmextract.settings import resolve_settings, without_cache


@pytest.mark.live
def test_live_endpoint_reads_yishu(seed001, yishu_chunk) -> None:
    settings = without_cache(resolve_settings())
    if not settings.configured:
        pytest.skip("no endpoint configured: set LLMEXTRACT_BASE_URL / LLMEXTRACT_MODEL (or OPENAI_*)")

    async def go():
        async with LLMExtractor(settings) as llm:
            return await llm.read_chunk(seed001, yishu_chunk)

    results = asyncio.run(go())
    print([r.usage for r in results])
    assert all(r.ok for r in results), f"the endpoint could not read the table: {[r.error for r in results]}"
    (record,) = [r for result in results for r in result.records if r.name == "遗属补助"]
    assert record.funding.annual_total == Decimal(60100)
