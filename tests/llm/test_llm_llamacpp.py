"""Real exchanges with llama.cpp's OpenAI-compatible server (Gemma 3 270M), replayed from cassettes.

Recorded with ``/work/shared/tools/local-llm-server 8765`` running and
``pytest tests/llm/test_llm_llamacpp.py --record-mode=once`` (delete the cassettes first; a call takes from
seconds to a few minutes on 2 cores, about nine minutes in all). CI replays them with ``--record-mode=none``
(pytest-recording's default) and needs neither the server nor a key ("badkey"). A change to the prompt, the
response schema, the chunking or these settings changes the request body, so replay stops matching and these
tests fail: re-record then.

The model is tiny and reads Chinese forms poorly, which is what these tests are about: in json mode it recites
the schema until max_tokens, the cut reply is asked again on two halves of the chunk, its replies there fail
validation, the error goes back to it in a re-ask, the re-ask budget runs out and each half is reported as
failed with a clear error; in tools mode it writes digits until max_tokens under a finish_reason that does not
say so, the cut is recognised all the same and the chunk is asked again in pieces, whose replies pass grounding
while naming a label as a project (what grounding cannot catch); and llama.cpp's refusal of ``response_format``
json_schema comes back as an error that names the mode to use instead.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml

from llmextract.core.document import Document
from llmextract.core.errors import LLMError, LLMValidationError
from llmextract.extract.llm import ChunkResult, LLMExtractor
from llmextract.extract.llm.chunks import Chunk
from llmextract.settings import Mode, Settings

LLAMACPP = "http://127.0.0.1:8765/v1"
CASSETTES = Path(__file__).parents[1] / "cassettes" / "test_llm_llamacpp"
GROUNDING_ERROR = "does not occur in the table"


def llamacpp_settings(mode: Mode, max_tokens: int = 800) -> Settings:
    return Settings(
        base_url=LLAMACPP,
        api_key="badkey",  # the local server needs none; the cassettes never contain one
        model="gemma-3-270m",
        mode=mode,
        concurrency=1,
        max_reasks=1,
        max_retries=0,
        timeout=900,
        max_tokens=max_tokens,
        cache_path=None,
    )


def run(settings: Settings, doc: Document, chunk: Chunk) -> list[ChunkResult]:
    async def go() -> list[ChunkResult]:
        async with LLMExtractor(settings) as llm:
            return await llm.read_chunk(doc, chunk)

    return asyncio.run(go())


def recorded(test: str) -> list[dict]:
    return yaml.safe_load((CASSETTES / f"{test}.yaml").read_text(encoding="utf-8"))["interactions"]


@pytest.mark.vcr
def test_llamacpp_json_mode_cut_reply_is_halved_then_fails_validation_cleanly(seed001, yishu_chunk) -> None:
    cut_reply, *halves = run(llamacpp_settings("json"), seed001, yishu_chunk)
    # The model recited the schema until max_tokens: the reply was cut, so the chunk was asked again in halves …
    assert cut_reply.ok and not cut_reply.records and cut_reply.usage.completion_tokens == 800
    assert [(h.chunk.start, h.chunk.end) for h in halves] == [(11457, 11928), (11845, 12457)]
    # … where it echoed parts of the schema: each half failed validation, was re-asked once, and failed cleanly.
    for half in halves:
        assert isinstance(half.error, LLMValidationError), half.error
        assert "records: Field required" in str(half.error)
        assert "max_reasks" in (half.error.hint or "")
        assert half.usage.requests == 2  # the answer and one re-ask (max_reasks=1), no more
        assert half.usage.prompt_tokens > 0 and half.usage.completion_tokens > 0  # as the server counted them
    first, second, reask, *_ = recorded("test_llamacpp_json_mode_cut_reply_is_halved_then_fails_validation_cleanly")
    assert '"type":"json_object"' in first["request"]["body"] and "finish_reason" in first["response"]["body"]["string"]
    assert json.loads(second["request"]["body"])["max_tokens"] <= 800
    assert "records" in reask["request"]["body"] and "Field required" in reask["request"]["body"]  # error sent back


@pytest.mark.vcr
def test_llamacpp_tools_mode_unfinished_reply_is_halved_not_reasked(seed001, yishu_chunk) -> None:
    """The model fills a tool call with digits until max_tokens, and llama.cpp reports it as finish_reason
    "tool_calls": it is still a cut reply, asked again on halves (and a half cut again, on quarters) instead of
    being re-asked whole. The small pieces get valid replies — empty, or naming the label 项目 as a project:
    every string is in the table, which is all grounding can check."""
    results = run(llamacpp_settings("tools", max_tokens=300), seed001, yishu_chunk)
    spans = [(r.chunk.start, r.chunk.end, r.usage.completion_tokens) for r in results]
    assert spans == [
        (11457, 12457, 300),
        (11457, 11928, 300),
        (11457, 11700, 11),
        (11667, 11928, 10),
        (11845, 12457, 29),
    ]
    assert all(r.ok for r in results) and not results[0].records and not results[1].records
    assert [rec.name for r in results for rec in r.records] == ["项目", "项目"]
    exchanges = recorded("test_llamacpp_tools_mode_unfinished_reply_is_halved_not_reasked")
    assert len(exchanges) == 5
    assert all(len(json.loads(e["request"]["body"])["messages"]) == 2 for e in exchanges)  # no re-ask
    assert all('"tool_choice"' in e["request"]["body"] for e in exchanges)


@pytest.mark.vcr
def test_llamacpp_refuses_json_schema_with_a_clear_error(seed001, yishu_chunk) -> None:
    (result,) = run(llamacpp_settings("json_schema"), seed001, yishu_chunk)
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
