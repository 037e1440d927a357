"""The llm and hybrid extractors over a whole document, against the scripted server and the rules reading."""

from __future__ import annotations

from llmextract.extract.llm import extract_blocks_llm_sync, extract_hybrid, extract_llm, merge_hybrid, read_document
from llmextract.extract.llm.extractors import LLM_FAILED_RULE
from llmextract.extract.rules import read_block
from llmextract.layout.project_blocks import find_project_blocks
from tests.llm.conftest import scripted_settings
from tests.llm.scripted_server import ScriptedLLMServer, reply, status


def yishu_answer(yishu_reply: dict):
    """The correct reply for the 遗属补助 block; every other block gets a server error."""
    return lambda body: reply(yishu_reply) if "\t遗属补助\t" in body["messages"][1]["content"] else status(500)


def test_llm_reading_equals_the_rules_reading_when_the_server_answers_correctly(seed001, yishu_reply) -> None:
    (block,) = [b for b in find_project_blocks(seed001) if "\t遗属补助" in seed001.text[b.start : b.end]]
    with ScriptedLLMServer([reply(yishu_reply)]) as server:
        (result,) = extract_blocks_llm_sync(seed001, [block], scripted_settings(server.base_url))
    rules = read_block(seed001, block)
    llm = result.record
    assert llm is not None
    merged = merge_hybrid(rules, llm, model="scripted-model")
    assert merged.disagreements == []
    assert {"name", "funding.annual_total", "basis", "basis_citations", "goals.annual"} <= set(merged.agreed)
    assert merged.record.confidence == 1.0

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
        records = extract_hybrid(seed001, scripted_settings(server.base_url, max_retries=0))
    assert len(records) == len(find_project_blocks(seed001)) == 6
    (yishu,) = [r for r in records if r.name == "遗属补助"]
    assert yishu.extractor == "hybrid:scripted-model" and yishu.confidence == 1.0
    others = [r for r in records if r.name != "遗属补助"]
    assert all(r.extractor == "rules" for r in others)
    assert all(any(f.rule_id == LLM_FAILED_RULE and "HTTP 500" in f.message for f in r.findings) for r in others)


def test_read_document_reports_usage_per_document(seed001, yishu_reply) -> None:
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        reading = read_document(seed001, scripted_settings(server.base_url, max_retries=0), hybrid=True)
    assert len(reading.failed) == 5
    assert reading.usage.requests == server.count == 6
    assert reading.usage.prompt_tokens > 0  # only the answered call reports tokens


def test_llm_extractor_sets_the_block_kind(seed001, yishu_reply) -> None:
    with ScriptedLLMServer(default=yishu_answer(yishu_reply)) as server:
        records = extract_llm(seed001, scripted_settings(server.base_url, max_retries=0))
    (yishu,) = [r for r in records if r.extractor.startswith("llm:")]
    assert yishu.name == "遗属补助" and yishu.kind == "project"
