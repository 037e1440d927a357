"""Opt-in: the LLM path against whatever endpoint the environment names (``pytest -m live``).

    LLMEXTRACT_BASE_URL=http://127.0.0.1:8765/v1 LLMEXTRACT_MODEL=gemma-3-270m LLMEXTRACT_MODE=json \\
        pytest tests/llm -m live

A capable model should read the 遗属补助 block of seed 001 as the rules do; a small one may fail validation,
which must come back as a failed block with a clear error, never as a crash.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.extract.llm import extract_blocks_llm_sync
from llmextract.settings import resolve_settings, without_cache


@pytest.mark.live
def test_live_endpoint_reads_yishu(seed001, yishu_block) -> None:
    settings = without_cache(resolve_settings())
    if not settings.configured:
        pytest.skip("no endpoint configured: set LLMEXTRACT_BASE_URL / LLMEXTRACT_MODEL (or OPENAI_*)")
    (result,) = extract_blocks_llm_sync(seed001, [yishu_block], settings)
    print(result.usage)
    assert result.ok, f"the endpoint could not read the block: {result.error}"
    assert result.record is not None
    assert result.record.name == "遗属补助"
    assert result.record.funding.annual_total == Decimal(60100)
