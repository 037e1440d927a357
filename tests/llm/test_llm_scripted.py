"""The LLM path over real HTTP against the scripted test server: success, faults, re-asks, cache, secrets."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import pytest

from llmextract.core.errors import LLMError, LLMValidationError
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import total
from llmextract.extract.llm import LLMExtractor, extract_blocks_llm_sync
from llmextract.layout.parts import find_project_tables
from llmextract.settings import Price
from tests.llm.conftest import FAKE_KEY, HERE, scripted_settings
from tests.llm.scripted_server import ScriptedLLMServer, content, cut, drop, reply, sleep, status

EXPECTED = HERE / "fixtures" / "yishu_expected_record.json"


def expected_record() -> ProjectRecord:
    return ProjectRecord.model_validate_json(EXPECTED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("mode", ["tools", "json", "json_schema", "md_json"])
def test_correct_answer_gives_the_expected_record_in_every_mode(seed001, yishu_block, yishu_reply, mode) -> None:
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, mode=mode))
    assert result.ok, result.error
    assert result.record == expected_record().model_copy(update={"extractor": "llm:scripted-model"})
    assert server.count == 1
    # The model saw the block verbatim (md_json mode appends instructor's own request for a ```json block).
    user = server.requests[0]["messages"][1]["content"]
    block = seed001.text[yishu_block.start : yishu_block.end]
    assert user == block or (mode == "md_json" and user.startswith(block))


def test_record_pins_the_issue_values(seed001, yishu_block, yishu_reply) -> None:
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url))
    record = result.record
    assert record is not None
    assert record.extractor == "llm:scripted-model"
    assert record.prompt_version == "extract_project/v1"
    assert str(record.funding.annual_total) == "60100"
    assert record.basis_citations[0].doc_number == "晋人工字【2002】10号"
    (cost,) = [i for i in record.indicators if i.name == "生活补助人均发放金额" and i.column == "annual"]
    assert (cost.value_raw, cost.comparator, str(cost.value), cost.unit) == ("<10017元/年", "<", "10017", "元/年")
    loc = record.field_locations["funding.annual_total"]
    assert seed001.text[loc.start : loc.end] == "60,100"


def test_mode_json_sends_json_object_with_the_schema(seed001, yishu_block, yishu_reply) -> None:
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, mode="json"))
    response_format = server.requests[0]["response_format"]
    assert response_format["type"] == "json_object"
    assert "indicators" in response_format["schema"]["properties"]


@pytest.mark.parametrize(
    "fault",
    [status(429, retry_after=0.05), status(500), status(503), sleep(3.0), drop()],
    ids=["429", "500", "503", "timeout", "connection-reset"],
)
def test_transient_fault_is_retried_then_succeeds(seed001, yishu_block, yishu_reply, fault) -> None:
    with ScriptedLLMServer([fault, reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, timeout=0.5))
    assert result.ok, result.error
    assert server.count == 2
    assert result.usage.requests == 2
    assert result.attempts == 1 and result.record.llm_reasks == 0  # a transport retry is not a re-ask


def test_body_cut_short_is_retried(seed001, yishu_block, yishu_reply) -> None:
    with ScriptedLLMServer([cut(yishu_reply), reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url))
    assert result.ok, result.error
    assert server.count == 2


def test_retry_after_is_honoured(seed001, yishu_block, yishu_reply) -> None:
    with ScriptedLLMServer([status(429, retry_after=0.6), reply(yishu_reply)]) as server:
        started = time.monotonic()
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, backoff_cap=5.0))
        elapsed = time.monotonic() - started
    assert result.ok
    assert elapsed >= 0.6  # jittered backoff alone would wait ~0.5 s at most on a first retry


def test_persistent_failure_is_bounded_and_reported(seed001, yishu_block) -> None:
    with ScriptedLLMServer(default=status(503)) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, max_retries=2))
    assert server.count == 3  # one try and max_retries=2 retries, no more (the openai client adds none)
    assert not result.ok and isinstance(result.error, LLMError)
    assert "HTTP 503" in str(result.error)
    assert result.error.provider is not None and server.base_url in result.error.provider
    assert result.error.original is not None


def test_malformed_json_is_reasked(seed001, yishu_block, yishu_reply) -> None:
    with ScriptedLLMServer([content('{"name": "遗属补助", "department'), reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, mode="json"))
    assert result.ok, result.error
    assert server.count == 2
    assert result.attempts == 2
    assert result.record is not None and result.record.llm_reasks == 1  # the scorer trusts it less


def test_output_truncated_at_max_tokens_fails_the_block_with_a_hint(seed001, yishu_block, yishu_reply) -> None:
    half = json.dumps(yishu_reply, ensure_ascii=False)[:500]
    with ScriptedLLMServer([content(half, finish_reason="length")]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, mode="json"))
    assert not result.ok and result.error is not None
    assert "max_tokens" in str(result.error)
    assert server.count == 1


def test_reasoning_is_stripped_before_parsing(seed001, yishu_block, yishu_reply) -> None:
    text = "<think>先看项目名称……</think>\n" + json.dumps(yishu_reply, ensure_ascii=False)
    with ScriptedLLMServer([content(text)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, mode="json"))
    assert result.ok, result.error
    assert server.count == 1


def test_quote_not_in_source_is_reasked_with_the_error(seed001, yishu_block, yishu_reply) -> None:
    invented = {**yishu_reply, "overview": "向8名遗属发放生活补助"}  # 8 is not in the table
    with ScriptedLLMServer([reply(invented), reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url))
    assert result.ok, result.error
    assert server.count == 2
    reask = json.dumps(server.requests[1]["messages"], ensure_ascii=False)
    assert "向8名遗属发放生活补助" in reask and "does not occur in the table" in reask
    assert result.record is not None and result.record.overview == "依据人社局审批,向6名遗属发放2023年生活补助"


def test_indicator_value_not_in_source_is_rejected(seed001, yishu_block, yishu_reply) -> None:
    bad = json.loads(json.dumps(yishu_reply))
    bad["indicators"][0]["value_raw"] = "7名"
    with ScriptedLLMServer(default=reply(bad)) as server:
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], scripted_settings(server.base_url, max_reasks=1))
    assert isinstance(result.error, LLMValidationError)
    assert "'7名' does not occur in the table" in str(result.error)
    assert server.count == 2


def test_reask_budget_exhausted_fails_that_block_only(seed001, yishu_reply) -> None:
    blocks = [b for b in find_project_tables(seed001) if b.name in ("遗属补助", "驻村干部补助")]
    invented = {**yishu_reply, "name": "不存在的项目"}

    def answer(body: dict):
        user = body["messages"][1]["content"]
        return reply(invented) if "驻村干部补助" in user else reply(yishu_reply)

    with ScriptedLLMServer(default=answer) as server:
        results = extract_blocks_llm_sync(seed001, blocks, scripted_settings(server.base_url, max_reasks=2))
    by_name = {r.block.name: r for r in results}
    failed = by_name["驻村干部补助"]
    assert not failed.ok and isinstance(failed.error, LLMValidationError)
    assert failed.error.hint and "max_reasks" in failed.error.hint
    assert failed.usage.requests == 3  # the first answer and max_reasks=2 re-asks
    assert by_name["遗属补助"].ok
    assert server.count == 4


def test_warm_cache_makes_no_http_call(seed001, yishu_reply, tmp_path: Path) -> None:
    blocks = find_project_tables(seed001)
    settings = scripted_settings(
        "", tmp_path, prices={"scripted-model": Price(prompt=__import__("decimal").Decimal("1"), completion=0)}
    )

    def answer(body: dict):
        return reply({**_empty_reply(), "name": body["messages"][1]["content"].split("\t")[2]})

    with ScriptedLLMServer(default=answer) as server:
        settings = scripted_settings(server.base_url, tmp_path, prices=settings.prices)
        cold = extract_blocks_llm_sync(seed001, blocks, settings)
        assert server.count == len(blocks) == 6
        warm = extract_blocks_llm_sync(seed001, blocks, settings)
        assert server.count == len(blocks)  # not one more request
    assert [r.record for r in warm] == [r.record for r in cold]
    assert total(r.usage for r in warm).requests == 0 and total(r.usage for r in warm).cached == 6
    assert total(r.usage for r in cold).cost == sum(r.usage.prompt_tokens for r in cold) / __import__(
        "decimal"
    ).Decimal(10**6)


def test_api_key_never_reaches_cache_logs_or_reprs(
    seed001, yishu_block, yishu_reply, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ScriptedLLMServer([status(500), reply(yishu_reply)]) as server:
        settings = scripted_settings(server.base_url, tmp_path)
        (result,) = extract_blocks_llm_sync(seed001, [yishu_block], settings)
    assert result.ok
    assert server.headers[0]["authorization"] == f"Bearer {FAKE_KEY}"  # the key was really sent …
    for path in tmp_path.iterdir():  # … and is in none of the cache files (db, WAL)
        assert FAKE_KEY.encode() not in path.read_bytes()
    assert FAKE_KEY not in caplog.text
    assert FAKE_KEY not in repr(settings)
    assert FAKE_KEY not in result.record.model_dump_json()


def test_concurrency_limit_is_respected(seed001, yishu_reply) -> None:
    blocks = find_project_tables(seed001)
    in_flight, peak = 0, 0

    def answer(body: dict):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        time.sleep(0.1)
        in_flight -= 1
        return reply({**_empty_reply(), "name": body["messages"][1]["content"].split("\t")[2]})

    with ScriptedLLMServer(default=answer) as server:
        results = extract_blocks_llm_sync(seed001, blocks, scripted_settings(server.base_url, concurrency=2))
    assert all(r.ok for r in results)
    assert peak <= 2


def test_extractor_is_reusable_across_documents(seed001, yishu_block, yishu_reply) -> None:
    async def go(base_url: str):
        async with LLMExtractor(scripted_settings(base_url)) as llm:
            first = await llm.extract(seed001, [yishu_block])
            second = await llm.extract(seed001, [yishu_block])
        return first + second

    with ScriptedLLMServer(default=reply(yishu_reply)) as server:
        results = asyncio.run(go(server.base_url))
    assert all(r.ok for r in results) and server.count == 2


def _empty_reply() -> dict:
    fields = json.loads((HERE / "fixtures" / "yishu_reply.json").read_text(encoding="utf-8"))
    return {k: ([] if isinstance(v, list) else "") for k, v in fields.items()}


def test_a_cached_reply_that_no_longer_validates_is_asked_again(seed001, yishu_block, yishu_reply, tmp_path) -> None:
    async def go(base_url: str) -> bool:
        async with LLMExtractor(scripted_settings(base_url, tmp_path)) as llm:
            key = llm._key(seed001.text[yishu_block.start : yishu_block.end])
            stale = json.dumps({**yishu_reply, "overview": "不在表中的文字"}, ensure_ascii=False)
            llm.cache.put(key, model="m", prompt_version="v", reply=stale, prompt_tokens=1, completion_tokens=1)
            return (await llm.extract_block(seed001, yishu_block)).ok

    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        assert asyncio.run(go(server.base_url))
    assert server.count == 1
