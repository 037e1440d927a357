"""The llm and hybrid extractors over a whole document, against the scripted server and the rules reading."""

from __future__ import annotations

import asyncio

from llmextract.core.catalogue import LLM_FAILED
from llmextract.extract import make_extractor
from llmextract.extract.base import Reading
from llmextract.extract.llm import extract_blocks_llm_sync, merge_hybrid
from llmextract.extract.rules import read_block
from llmextract.layout.project_blocks import find_project_blocks
from llmextract.pipeline import Config, process
from llmextract.settings import ExtractorKind
from tests.llm.conftest import scripted_settings
from tests.llm.scripted_server import ScriptedLLMServer, reply, status


def yishu_answer(yishu_reply: dict):
    """The correct reply for the 遗属补助 block; every other block gets a server error."""
    return lambda body: reply(yishu_reply) if "\t遗属补助\t" in body["messages"][1]["content"] else status(500)


def read(doc, settings, kind: ExtractorKind) -> Reading:
    async def go() -> Reading:
        extractor = make_extractor(kind, settings)
        try:
            return await extractor.read(doc)
        finally:
            await extractor.aclose()

    return asyncio.run(go())


def test_llm_reading_equals_the_rules_reading_when_the_server_answers_correctly(seed001, yishu_reply) -> None:
    (block,) = [b for b in find_project_blocks(seed001) if "\t遗属补助" in seed001.text[b.start : b.end]]
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [block], scripted_settings(server.base_url))
    rules = read_block(seed001, block)
    llm = result.record
    assert llm is not None
    merged = merge_hybrid(rules, llm, model="scripted-model")
    assert not [p for p, a in merged.agreement.items() if a.status == "disagreed"]
    agreed = {p for p, a in merged.agreement.items() if a.status == "agreed"}
    assert {"name", "funding.annual_total", "basis", "basis_citations[0]", "goals.annual"} <= agreed
    assert not merged.findings

    def parsed(record):
        return [
            (i.column, i.level1, i.level2, i.name, i.value_raw, i.comparator, i.value, i.unit)
            for i in record.indicators
        ]

    assert sorted(parsed(llm), key=str) == sorted(parsed(rules), key=str)  # rules interleave the columns
    assert llm.basis_citations == rules.basis_citations
    assert (llm.funding.unit, llm.funding.annual_total, llm.funding.period_total) == (
        rules.funding.unit,
        rules.funding.annual_total,
        rules.funding.period_total,
    )


def test_hybrid_extractor_merges_and_keeps_failed_blocks(seed001, yishu_reply) -> None:
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        reading = read(seed001, scripted_settings(server.base_url, max_retries=0), ExtractorKind.hybrid)
    records = reading.records
    assert len(records) == len(find_project_blocks(seed001)) == 6
    (yishu,) = [r for r in records if r.name == "遗属补助"]
    assert yishu.extractor == "hybrid:scripted-model"
    assert all(a.status == "agreed" for a in yishu.agreement.values() if a.rules and a.llm)
    others = [r for r in records if r.name != "遗属补助"]
    assert all(r.extractor == "rules" for r in others)
    failed = {f.record_id for f in reading.failures if f.rule_id == LLM_FAILED and "HTTP 500" in f.message}
    assert failed == {r.record_id for r in others}


def test_a_failed_llm_block_routes_its_record_to_review(seed001, yishu_reply) -> None:
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        config = Config(extractor=ExtractorKind.hybrid, settings=scripted_settings(server.base_url, max_retries=0))
        result = process(seed001, config)
    by_name = {r.record.name: r for r in result.records}
    assert not by_name["遗属补助"].needs_review
    others = [r for name, r in by_name.items() if name != "遗属补助"]
    assert others and all(r.needs_review for r in others)
    assert all(any(f.rule_id == LLM_FAILED for f in r.record.findings) for r in others)


def test_reading_reports_usage_per_document(seed001, yishu_reply) -> None:
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        reading = read(seed001, scripted_settings(server.base_url, max_retries=0), ExtractorKind.hybrid)
    assert sum(f.rule_id == LLM_FAILED for f in reading.failures) == 5
    assert reading.usage.requests == server.count == 6
    assert reading.usage.prompt_tokens > 0  # only the answered call reports tokens


def test_llm_extractor_sets_the_block_kind(seed001, yishu_reply) -> None:
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        reading = read(seed001, scripted_settings(server.base_url, max_retries=0), ExtractorKind.llm)
    (yishu,) = [r for r in reading.records if r.extractor.startswith("llm:")]
    assert yishu.name == "遗属补助" and yishu.kind == "project"


def test_the_llm_reading_does_not_depend_on_the_rules_reader(seed001, yishu_reply, monkeypatch) -> None:
    """Before: the LLM path ran the rules reader first, so one rules bug lost the block for the LLM too."""
    from llmextract.extract.llm import extractors

    def broken(doc, block):
        raise IndexError("a rules bug on this layout")

    monkeypatch.setattr(extractors, "read_block", broken)
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        reading = read(seed001, scripted_settings(server.base_url, max_retries=0), ExtractorKind.hybrid)
    (yishu,) = reading.records  # the one block the LLM could read; the rules could read none
    assert yishu.name == "遗属补助" and yishu.extractor.startswith("llm:")
    assert sum(f.rule_id == "extract.block-failed" for f in reading.failures) == 6
