"""One request over real HTTP against the scripted test server: success, faults, re-asks, cache, secrets.

Each test reads the 遗属补助 table of seed 001 as one chunk (the request the LLM extractor would send for it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from decimal import Decimal
from pathlib import Path

import pytest

from llmextract.core.document import Document
from llmextract.core.errors import LLMError, LLMValidationError
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import total
from llmextract.extract.llm import ChunkResult, LLMExtractor
from llmextract.extract.llm.chunks import Chunk
from llmextract.layout.parts import find_project_tables
from llmextract.settings import Price, Settings
from tests.llm.conftest import FAKE_KEY, HERE, chunk_of, scripted_settings
from tests.llm.scripted_server import ScriptedLLMServer, content, cut, drop, garbled, reply, sleep, status

EXPECTED = HERE / "fixtures" / "yishu_expected_record.json"


def expected_record() -> ProjectRecord:
    return ProjectRecord.model_validate_json(EXPECTED.read_text(encoding="utf-8"))


def read_chunks(doc: Document, chunks: list[Chunk], settings: Settings) -> list[ChunkResult]:
    async def go() -> list[ChunkResult]:
        async with LLMExtractor(settings) as llm:
            return await llm.read_chunks(doc, chunks)

    return asyncio.run(go())


def read_one(doc: Document, chunk: Chunk, settings: Settings) -> ChunkResult:
    (result,) = read_chunks(doc, [chunk], settings)
    return result


def block_chunks(doc: Document, names: tuple[str, ...] | None = None) -> list[Chunk]:
    """One chunk per project table of ``doc`` (every one, or those named)."""
    return [
        chunk_of(doc, p.start, p.end, region=n)
        for n, p in enumerate(find_project_tables(doc))
        if names is None or p.name in names
    ]


def named(body: dict) -> dict:
    """A reply naming the project whose table the request carries (its 项目名称 is the third cell)."""
    return {"records": [{**_empty_project(), "name": body["messages"][1]["content"].split("\t")[2]}]}


@pytest.mark.parametrize("mode", ["tools", "json", "json_schema", "md_json"])
def test_correct_answer_gives_the_expected_record_in_every_mode(seed001, yishu_chunk, yishu_reply, mode) -> None:
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, mode=mode))
    assert result.ok, result.error
    assert result.records == [expected_record()]
    assert server.count == 1
    # The model saw the chunk verbatim (md_json mode appends instructor's own request for a ```json block).
    user = server.requests[0]["messages"][1]["content"]
    text = seed001.text[yishu_chunk.start : yishu_chunk.end]
    assert user == text or (mode == "md_json" and user.startswith(text))


def test_record_pins_the_issue_values(seed001, yishu_chunk, yishu_reply) -> None:
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        (record,) = read_one(seed001, yishu_chunk, scripted_settings(server.base_url)).records
    assert record.extractor == "llm:scripted-model"
    assert record.prompt_version == "extract_region/v1"
    assert (record.department_code, record.department) == ("409", "忻州市商务局")
    assert str(record.funding.annual_total) == "60100"
    assert record.basis_citations[0].doc_number == "晋人工字【2002】10号"
    (cost,) = [i for i in record.indicators if i.name == "生活补助人均发放金额" and i.column == "annual"]
    assert (cost.value_raw, cost.comparator, str(cost.value), cost.unit) == ("<10017元/年", "<", "10017", "元/年")
    loc = record.field_locations["funding.annual_total"]
    assert seed001.text[loc.start : loc.end] == "60,100"


def test_value_raw_is_composed_from_separately_printed_cells(seed001, yishu_chunk, yishu_reply) -> None:
    """A table printing 指标性质 / 指标值 / 计量单位 in three cells: the model copies each, code composes."""
    split = json.loads(json.dumps(yishu_reply))
    (cost,) = [i for i in split["records"][0]["indicators"] if i["value"] == "<10017元/年" and i["column"] == "annual"]
    cost |= {"comparator": "<", "value": "10017", "unit": "元/年"}
    with ScriptedLLMServer([reply(split)]) as server:
        (record,) = read_one(seed001, yishu_chunk, scripted_settings(server.base_url)).records
    (read,) = [i for i in record.indicators if i.name == "生活补助人均发放金额" and i.column == "annual"]
    assert (read.value_raw, read.comparator, read.value, read.unit) == ("<10017元/年", "<", Decimal(10017), "元/年")


@pytest.mark.parametrize("mode", ["tools", "json", "json_schema", "md_json"])
def test_every_mode_sends_the_schema_once(seed001, yishu_chunk, yishu_reply, mode) -> None:
    """Before: json mode sent the schema in the system message and again as response_format (prompt ÷ region
    2.1 against 1.5 in tools mode)."""
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        read_one(seed001, yishu_chunk, scripted_settings(server.base_url, mode=mode))
    body = server.requests[0]
    sent = json.dumps(body, ensure_ascii=False)
    assert sent.count("safeguards") == 1  # a property printed once per copy of the schema
    if mode == "json":
        assert body["response_format"] == {"type": "json_object"}
        assert "safeguards" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    "fault",
    [status(429, retry_after=0.05), status(500), status(503), sleep(3.0), drop()],
    ids=["429", "500", "503", "timeout", "connection-reset"],
)
def test_transient_fault_is_retried_then_succeeds(seed001, yishu_chunk, yishu_reply, fault) -> None:
    with ScriptedLLMServer([fault, reply(yishu_reply)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, timeout=0.5))
    assert result.ok, result.error
    assert server.count == 2
    assert result.usage.requests == 2
    assert result.attempts == 1 and result.records[0].llm_reasks == 0  # a transport retry is not a re-ask


def test_body_cut_short_is_retried(seed001, yishu_chunk, yishu_reply) -> None:
    with ScriptedLLMServer([cut(yishu_reply), reply(yishu_reply)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url))
    assert result.ok, result.error
    assert server.count == 2


def test_malformed_200_body_is_a_transport_fault_retried_not_a_reask(seed001, yishu_chunk, yishu_reply) -> None:
    """Before: a garbled 200 body went through the re-ask loop and was blamed on the model (one re-ask, lower
    confidence)."""
    with ScriptedLLMServer([garbled(yishu_reply), reply(yishu_reply)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url))
    assert result.ok, result.error
    assert server.count == 2
    assert result.attempts == 1 and result.records[0].llm_reasks == 0
    # Both requests are the first question: no validation error was sent back to the model.
    assert server.requests[1]["messages"] == server.requests[0]["messages"]


def test_a_body_garbled_every_time_fails_as_the_endpoint_s_fault(seed001, yishu_chunk, yishu_reply) -> None:
    with ScriptedLLMServer(default=garbled(yishu_reply)) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, max_retries=2))
    assert server.count == 3
    assert isinstance(result.error, LLMError) and not isinstance(result.error, LLMValidationError)
    assert "malformed" in (result.error.hint or "")


def test_retry_after_is_honoured(seed001, yishu_chunk, yishu_reply) -> None:
    with ScriptedLLMServer([status(429, retry_after=0.6), reply(yishu_reply)]) as server:
        started = time.monotonic()
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, backoff_cap=5.0))
        elapsed = time.monotonic() - started
    assert result.ok
    assert elapsed >= 0.6  # jittered backoff alone would wait ~0.5 s at most on a first retry


def test_persistent_failure_is_bounded_and_reported(seed001, yishu_chunk) -> None:
    with ScriptedLLMServer(default=status(503)) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, max_retries=2))
    assert server.count == 3  # one try and max_retries=2 retries, no more (the openai client adds none)
    assert not result.ok and isinstance(result.error, LLMError)
    assert "HTTP 503" in str(result.error)
    assert result.error.provider is not None and server.base_url in result.error.provider
    assert result.error.original is not None


def test_malformed_json_in_the_reply_is_reasked(seed001, yishu_chunk, yishu_reply) -> None:
    malformed = '{"records": [{"name": "遗属补助", "department'
    with ScriptedLLMServer([content(malformed), reply(yishu_reply)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, mode="json"))
    assert result.ok, result.error
    assert server.count == 2
    assert result.attempts == 2
    assert result.records[0].llm_reasks == 1  # the scorer trusts it less


def test_reply_cut_at_max_tokens_is_asked_again_on_smaller_chunks(seed001, yishu_chunk, yishu_reply) -> None:
    """Before: a reply cut at max_tokens left the block with its rules reading and no word of it."""
    whole = seed001.text[yishu_chunk.start : yishu_chunk.end]
    half = json.dumps(yishu_reply, ensure_ascii=False)[:500]

    def answer(body: dict):
        text = body["messages"][1]["content"]
        if text == whole:
            return content(half, finish_reason="length")
        return reply(named(body) if text.startswith("项目名称") else {"records": []})

    with ScriptedLLMServer(default=answer) as server:
        results = read_chunks(seed001, [yishu_chunk], scripted_settings(server.base_url, mode="json"))
    assert server.count == 3 and all(r.ok for r in results)
    cut_reply, *pieces = results
    assert not cut_reply.records and cut_reply.usage.requests == 1  # its tokens are counted, not its text
    assert len(pieces) == 2 and all(p.chunk.end - p.chunk.start < len(whole) for p in pieces)
    assert pieces[0].chunk.start == yishu_chunk.start and pieces[1].chunk.end == yishu_chunk.end
    sizes = [r["max_tokens"] for r in server.requests]
    assert max(sizes[1:]) <= sizes[0]  # each piece's output budget is sized to it
    assert [r.name for p in pieces for r in p.records] == ["遗属补助"]


def test_a_reply_that_spent_all_of_max_tokens_is_cut_whatever_its_finish_reason(seed001, yishu_chunk) -> None:
    """llama.cpp's server reports a tool call cut at max_tokens as finish_reason "tool_calls": the reply was
    re-asked whole as a validation failure instead of being asked again on a smaller chunk."""
    whole = seed001.text[yishu_chunk.start : yishu_chunk.end]
    unfinished = '{"records": [{"name": "' + "1" * 1100  # 550 completion tokens by the scripted count

    def answer(body: dict):
        text = body["messages"][1]["content"]
        return content(unfinished) if text == whole else reply({"records": []})

    with ScriptedLLMServer(default=answer) as server:
        settings = scripted_settings(server.base_url, mode="json", max_tokens=512)
        cut_reply, *pieces = read_chunks(seed001, [yishu_chunk], settings)
    assert server.requests[0]["max_tokens"] == 512
    assert cut_reply.ok and not cut_reply.records and len(pieces) == 2 and all(p.ok for p in pieces)
    assert server.count == 3  # no re-ask of the whole chunk


def test_a_reply_cut_even_on_the_smallest_piece_fails_with_a_hint(seed001, yishu_chunk) -> None:
    with ScriptedLLMServer(default=content('{"records": [{"name": "遗', finish_reason="length")) as server:
        results = read_chunks(seed001, [yishu_chunk], scripted_settings(server.base_url, mode="json"))
    failed = [r for r in results if not r.ok]
    assert failed and all(r.cut and "max_tokens" in str(r.error) for r in failed)
    assert all("raise max_tokens" in (r.error.hint or "") for r in failed)  # type: ignore[union-attr]
    assert server.count == len(results) < 2**6  # bounded: at most four rounds of halving


def test_reasoning_is_stripped_before_parsing(seed001, yishu_chunk, yishu_reply) -> None:
    text = "<think>先看项目名称……</think>\n" + json.dumps(yishu_reply, ensure_ascii=False)
    with ScriptedLLMServer([content(text)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, mode="json"))
    assert result.ok, result.error
    assert server.count == 1


def test_quote_not_in_source_is_reasked_with_the_error(seed001, yishu_chunk, yishu_reply) -> None:
    invented = json.loads(json.dumps(yishu_reply))
    invented["records"][0]["overview"] = "向8名遗属发放生活补助"  # 8 is not in the table
    with ScriptedLLMServer([reply(invented), reply(yishu_reply)]) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url))
    assert result.ok, result.error
    assert server.count == 2
    reask = json.dumps(server.requests[1]["messages"], ensure_ascii=False)
    assert "向8名遗属发放生活补助" in reask and "does not occur in the table" in reask
    assert result.records[0].overview == "依据人社局审批,向6名遗属发放2023年生活补助"


def test_indicator_value_not_in_source_is_rejected(seed001, yishu_chunk, yishu_reply) -> None:
    bad = json.loads(json.dumps(yishu_reply))
    bad["records"][0]["indicators"][0]["value"] = "7名"
    with ScriptedLLMServer(default=reply(bad)) as server:
        result = read_one(seed001, yishu_chunk, scripted_settings(server.base_url, max_reasks=1))
    assert isinstance(result.error, LLMValidationError)
    assert "'7名' does not occur in the table" in str(result.error)
    assert server.count == 2


def test_reask_budget_exhausted_fails_that_chunk_only(seed001, yishu_reply) -> None:
    chunks = block_chunks(seed001, ("遗属补助", "驻村干部补助"))
    invented = {"records": [{**yishu_reply["records"][0], "name": "不存在的项目"}]}

    def answer(body: dict):
        user = body["messages"][1]["content"]
        return reply(invented) if "驻村干部补助" in user else reply(yishu_reply)

    with ScriptedLLMServer(default=answer) as server:
        results = read_chunks(seed001, chunks, scripted_settings(server.base_url, max_reasks=2))
    by_text = {"驻村干部补助" in seed001.text[r.chunk.start : r.chunk.end]: r for r in results}
    failed = by_text[True]
    assert not failed.ok and isinstance(failed.error, LLMValidationError)
    assert failed.error.hint and "max_reasks" in failed.error.hint
    assert failed.usage.requests == 3  # the first answer and max_reasks=2 re-asks
    assert by_text[False].ok
    assert server.count == 4


def test_warm_cache_makes_no_http_call(seed001, tmp_path: Path) -> None:
    chunks = block_chunks(seed001)
    prices = {"scripted-model": Price(prompt=Decimal("1"), completion=Decimal(0))}
    with ScriptedLLMServer(default=lambda body: reply(named(body))) as server:
        settings = scripted_settings(server.base_url, tmp_path, prices=prices)
        cold = read_chunks(seed001, chunks, settings)
        assert server.count == len(chunks) == 6
        warm = read_chunks(seed001, chunks, settings)
        assert server.count == len(chunks)  # not one more request
    assert [r.records for r in warm] == [r.records for r in cold]
    assert total(r.usage for r in warm).requests == 0 and total(r.usage for r in warm).cached == 6
    assert total(r.usage for r in cold).cost == sum(r.usage.prompt_tokens for r in cold) / Decimal(10**6)


def test_api_key_never_reaches_cache_logs_or_reprs(
    seed001, yishu_chunk, yishu_reply, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ScriptedLLMServer([status(500), reply(yishu_reply)]) as server:
        settings = scripted_settings(server.base_url, tmp_path)
        result = read_one(seed001, yishu_chunk, settings)
    assert result.ok
    assert server.headers[0]["authorization"] == f"Bearer {FAKE_KEY}"  # the key was really sent …
    for path in tmp_path.iterdir():  # … and is in none of the cache files (db, WAL)
        assert FAKE_KEY.encode() not in path.read_bytes()
    assert FAKE_KEY not in caplog.text
    assert FAKE_KEY not in repr(settings)
    assert FAKE_KEY not in result.records[0].model_dump_json()


def test_concurrency_limit_is_respected(seed001) -> None:
    in_flight, peak = 0, 0

    def answer(body: dict):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        time.sleep(0.1)
        in_flight -= 1
        return reply(named(body))

    with ScriptedLLMServer(default=answer) as server:
        results = read_chunks(seed001, block_chunks(seed001), scripted_settings(server.base_url, concurrency=2))
    assert all(r.ok for r in results)
    assert peak <= 2


def test_extractor_is_reusable_across_documents(seed001, yishu_chunk, yishu_reply) -> None:
    async def go(base_url: str) -> list[ChunkResult]:
        async with LLMExtractor(scripted_settings(base_url)) as llm:
            first = await llm.read_chunk(seed001, yishu_chunk)
            second = await llm.read_chunk(seed001, yishu_chunk)
        return first + second

    with ScriptedLLMServer(default=reply(yishu_reply)) as server:
        results = asyncio.run(go(server.base_url))
    assert all(r.ok for r in results) and server.count == 2


def test_a_cached_reply_that_no_longer_validates_is_asked_again(seed001, yishu_chunk, yishu_reply, tmp_path) -> None:
    async def go(base_url: str) -> bool:
        async with LLMExtractor(scripted_settings(base_url, tmp_path)) as llm:
            key = llm._key(seed001.text[yishu_chunk.start : yishu_chunk.end], yishu_chunk)
            stale = {"records": [{**yishu_reply["records"][0], "overview": "不在表中的文字"}]}
            reply_text = json.dumps(stale, ensure_ascii=False)
            assert llm.cache is not None
            llm.cache.put(key, model="m", prompt_version="v", reply=reply_text, prompt_tokens=1, completion_tokens=1)
            (result,) = await llm.read_chunk(seed001, yishu_chunk)
            return result.ok

    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        assert asyncio.run(go(server.base_url))
    assert server.count == 1


def _empty_project() -> dict:
    fields = json.loads((HERE / "fixtures" / "yishu_reply.json").read_text(encoding="utf-8"))["records"][0]
    return {k: ([] if isinstance(v, list) else "") for k, v in fields.items()}
