"""Real exchanges with llama.cpp's OpenAI-compatible server (Gemma 3 270M), replayed from cassettes.

Recorded with ``/work/shared/tools/local-llm-server 8765`` running and
``pytest tests/llm/test_llm_llamacpp.py --record-mode=once`` (delete the cassettes first; each call takes about a
minute on 2 cores). CI replays them with ``--record-mode=none`` (pytest-recording's default) and needs neither
the server nor a key ("badkey"). A change to the prompt, the response schema or these settings changes the
request body, so replay stops matching and these tests fail: re-record then.

The model is tiny and reads Chinese forms poorly, which is what these tests are about: its invented text is
rejected by the grounding validators, the error goes back to it in a re-ask, the re-ask budget runs out and
the block is reported as failed with a clear error; and llama.cpp's refusal of ``response_format`` json_schema
comes back as an error that names the mode to use instead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from llmextract.core.document import Document
from llmextract.core.errors import LLMError, LLMValidationError
from llmextract.extract.llm import LLMExtractor, LLMResult
from llmextract.layout.parts import Part
from llmextract.settings import Mode, Settings

LLAMACPP = "http://127.0.0.1:8765/v1"
CASSETTES = Path(__file__).parents[1] / "cassettes" / "test_llm_llamacpp"
GROUNDING_ERROR = "does not occur in the table"


def llamacpp_settings(mode: Mode) -> Settings:
    return Settings(
        base_url=LLAMACPP,
        api_key="badkey",  # the local server needs none; the cassettes never contain one
        model="gemma-3-270m",
        mode=mode,
        concurrency=1,
        max_reasks=1,
        max_retries=0,
        timeout=600,
        max_tokens=800,
        cache_path=None,
    )


def run(settings: Settings, doc: Document, block: Part) -> LLMResult:
    async def go() -> LLMResult:
        async with LLMExtractor(settings) as llm:
            return await llm.extract_block(doc, block)

    return asyncio.run(go())


def recorded(test: str) -> list[dict]:
    return yaml.safe_load((CASSETTES / f"{test}.yaml").read_text(encoding="utf-8"))["interactions"]


@pytest.mark.vcr
def test_llamacpp_json_mode_invents_text_is_reasked_then_fails_cleanly(seed001, yishu_block) -> None:
    result = run(llamacpp_settings("json"), seed001, yishu_block)
    assert not result.ok
    assert isinstance(result.error, LLMValidationError), result.error
    assert GROUNDING_ERROR in str(result.error)
    assert "max_reasks" in (result.error.hint or "")
    assert result.usage.requests == 2  # the answer and one re-ask (max_reasks=1), no more
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0  # as the server counted them
    first, reask = recorded("test_llamacpp_json_mode_invents_text_is_reasked_then_fails_cleanly")
    assert '"type":"json_object"' in first["request"]["body"] and '"schema"' in first["request"]["body"]
    assert GROUNDING_ERROR in reask["request"]["body"]  # the validation error went back to the model


@pytest.mark.vcr
def test_llamacpp_tools_mode_bad_output_is_reasked_then_fails_cleanly(seed001, yishu_block) -> None:
    result = run(llamacpp_settings("tools"), seed001, yishu_block)
    assert not result.ok
    assert isinstance(result.error, LLMValidationError), result.error
    assert result.usage.requests == 2
    first, _reask = recorded("test_llamacpp_tools_mode_bad_output_is_reasked_then_fails_cleanly")
    assert '"tool_choice"' in first["request"]["body"]


@pytest.mark.vcr
def test_llamacpp_refuses_json_schema_with_a_clear_error(seed001, yishu_block) -> None:
    result = run(llamacpp_settings("json_schema"), seed001, yishu_block)
    assert not result.ok
    assert isinstance(result.error, LLMError) and not isinstance(result.error, LLMValidationError)
    assert "HTTP 500" in str(result.error)
    assert "try mode json" in (result.error.hint or "")
    assert result.error.provider == f"{LLAMACPP} model=gemma-3-270m"
    assert result.usage.requests == 1  # max_retries=0: the refusal is not retried here


def test_cassettes_hold_no_credentials() -> None:
    for cassette in CASSETTES.glob("*.yaml"):
        text = cassette.read_text(encoding="utf-8").lower()
        assert "authorization" not in text and "badkey" not in text and "bearer" not in text, cassette.name
