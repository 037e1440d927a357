"""The llm and hybrid extractors over a whole document: regions, chunks, assembly, pairing, failures.

The endpoint is the oracle test server (:mod:`llmextract.evals.oracle_server`, a test double that answers from
the gold annotations as a perfect model would) or, for faults and odd layouts, the scripted test server.
"""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import pytest

from llmextract import load_document
from llmextract.core.catalogue import BLOCK_FAILED, HYBRID_DISAGREEMENT, LLM_FAILED
from llmextract.core.document import Document
from llmextract.evals.gold import GoldRecord, load_gold
from llmextract.evals.oracle_server import OracleServer
from llmextract.extract import make_extractor
from llmextract.extract.base import Reading
from llmextract.extract.rules import extract_rules
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.settings import ExtractorKind, Settings
from tests.conftest import seed
from tests.llm.conftest import scripted_settings
from tests.llm.scripted_server import ScriptedLLMServer, reply, status

GOLD = Path(__file__).parents[2] / "evals" / "gold"


def gold_of(doc_path: Path) -> list[GoldRecord]:
    return load_gold(GOLD / f"{doc_path.name}.gold.json").records


def read(doc: Document, settings: Settings, kind: ExtractorKind) -> Reading:
    async def go() -> Reading:
        extractor = make_extractor(kind, settings)
        try:
            return await extractor.read(doc)
        finally:
            await extractor.aclose()

    return asyncio.run(go())


def oracle_process(
    doc: Document, kind: ExtractorKind, max_tokens: int = 4096, **prepare: object
) -> tuple[DocumentResult, OracleServer]:
    with OracleServer(seed=3) as oracle:
        oracle.prepare(doc, gold_of(Path(doc.source)), **prepare)  # type: ignore[arg-type]
        settings = scripted_settings(
            oracle.base_url, max_retries=12, backoff_cap=0.01, concurrency=4, max_tokens=max_tokens
        )
        return process(doc, Config(extractor=kind, settings=settings)), oracle


def test_the_llm_reads_every_project_of_a_region_not_one_per_block(seed001) -> None:
    """Before: the LLM was sent the rules locator's blocks, one project each. With room for long replies, one
    request carries several projects."""
    result, oracle = oracle_process(seed001, ExtractorKind.llm, max_tokens=8192)
    names = [r.record.name for r in result.records]
    assert names == [g.name for g in gold_of(seed("001"))]
    assert all(r.record.extractor == "llm:scripted-model" for r in result.records)
    assert oracle.stats.requests < len(names)  # requests carry several projects each
    assert not result.failures


def test_a_project_split_over_two_chunks_is_one_record(seed001) -> None:
    """With a small output budget the region is cut inside projects: each still comes out once, whole."""
    rules = {r.name: r for r in extract_rules(seed001)}
    with OracleServer() as oracle:
        oracle.prepare(seed001, gold_of(seed("001")))
        settings = scripted_settings(oracle.base_url, max_tokens=1200)
        reading = read(seed001, settings, ExtractorKind.llm)
    assert oracle.stats.requests >= 2 * len(rules)
    assert [r.name for r in reading.records] == list(rules)
    for record in reading.records:
        expected = rules[record.name]
        assert len(record.indicators) == len(expected.indicators), record.name
        assert record.funding.annual_total == expected.funding.annual_total
        assert record.overview == expected.overview and record.goals.annual == expected.goals.annual


def test_the_llm_reads_a_layout_no_rule_recognises(tmp_path: Path) -> None:
    """Projects explained in prose, two to a page: the rules locator finds no table, the LLM gets the text."""
    text = (
        "某某市某某局2026年部门预算\n\n"
        "五、重点项目绩效目标\n"
        "（一）项目名称：城市排水设施维护\n"
        "1.项目概况：对全市排水管网进行日常养护。\n"
        "2.立项依据：《城镇排水与污水处理条例》。\n"
        "3.年度预算安排：本年安排资金120.00万元。\n"
        "4.绩效目标：管网养护长度不少于300公里，群众满意度≥90%。\n"
        "（二）项目名称：防汛物资储备\n"
        "1.项目概况：储备防汛抢险物资。\n"
        "2.立项依据：《中华人民共和国防洪法》。\n"
        "3.年度预算安排：本年安排资金45.50万元。\n"
        "4.绩效目标：物资储备完好率100%。\n"
    )
    path = tmp_path / "prose.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path)
    assert extract_rules(doc) == []

    def answer(body: dict):
        region = body["messages"][1]["content"]
        records = [
            {"name": name, "funding_unit": "万元", "annual_total": amount, "overview": overview}
            for name, amount, overview in (
                ("城市排水设施维护", "120.00", "对全市排水管网进行日常养护。"),
                ("防汛物资储备", "45.50", "储备防汛抢险物资。"),
            )
            if name in region
        ]
        return reply({"records": records})

    with ScriptedLLMServer(default=answer) as server:
        reading = read(doc, scripted_settings(server.base_url), ExtractorKind.hybrid)
    assert [(r.name, str(r.funding.annual_total), r.funding.unit) for r in reading.records] == [
        ("城市排水设施维护", "120.00", "万元"),
        ("防汛物资储备", "45.50", "万元"),
    ]
    assert all(r.extractor == "llm:scripted-model" for r in reading.records)
    for record in reading.records:  # found only by the LLM: every field says so
        assert {a.status for a in record.agreement.values()} == {"llm_only"}
        assert doc.text[record.location.start : record.location.end].startswith(record.name)


def test_hybrid_pairs_each_project_and_agrees_everywhere_with_a_perfect_reader(seed001) -> None:
    result, _ = oracle_process(seed001, ExtractorKind.hybrid)
    assert len(result.records) == 6
    for scored in result.records:
        record = scored.record
        assert record.extractor == "hybrid:scripted-model"
        assert not [p for p, a in record.agreement.items() if a.status == "disagreed"], record.name
        assert not scored.needs_review, record.name


def test_one_planted_wrong_number_per_record_is_caught_in_hybrid_mode(seed001) -> None:
    result, oracle = oracle_process(seed001, ExtractorKind.hybrid, plant=True)
    assert len(oracle.plants) == len(result.records) == 6
    for plant in oracle.plants.values():
        assert plant.delivered
        (scored,) = [r for r in result.records if r.record.name == plant.name]
        disagreed = [f for f in scored.record.findings if f.rule_id == HYBRID_DISAGREEMENT]
        assert any(plant.planted in (f.actual or "") for f in disagreed), plant
        assert scored.needs_review
        # Neither reading silently won: the finding carries both.
        assert all(f.expected and f.expected.startswith("rules: ") for f in disagreed)


def test_thirty_percent_transport_faults_change_no_record(seed001) -> None:
    clean, _ = oracle_process(seed001, ExtractorKind.hybrid)
    faulty, oracle = oracle_process(seed001, ExtractorKind.hybrid, faults=0.3)
    assert sum(oracle.stats.faults.values()) >= 2
    assert [r.record for r in faulty.records] == [r.record for r in clean.records]


def test_a_failed_llm_region_routes_its_records_to_review(seed001) -> None:
    """Before: an llm.failed block kept confidence 0.765 and skipped review."""
    with OracleServer() as oracle:
        oracle.prepare(seed001, gold_of(seed("001")))

        def answer(body: dict):
            failing = "驻村干部补助" in body["messages"][1]["content"]
            return status(500) if failing else reply(oracle.respond(body)[1])

        with ScriptedLLMServer(default=answer) as server:
            config = Config(extractor=ExtractorKind.hybrid, settings=scripted_settings(server.base_url, max_retries=0))
            result = process(seed001, config)
    failed = [r for r in result.records if any(f.rule_id == LLM_FAILED for f in r.record.findings)]
    assert any(r.record.name == "驻村干部补助" for r in failed)
    assert all(r.needs_review for r in failed)
    assert all(not r.needs_review for r in result.records if r not in failed)
    assert {f.rule_id for r in failed for f in r.record.findings if f.rule_id == LLM_FAILED} == {LLM_FAILED}
    assert len(result.records) == 6  # the rules reading of the failed region's projects is kept


def test_a_failure_in_a_region_with_no_record_is_a_document_finding(seed001) -> None:
    with ScriptedLLMServer(default=status(500)) as server:
        reading = read(seed001, scripted_settings(server.base_url, max_retries=0), ExtractorKind.llm)
    assert reading.records == []
    failed = [f for f in reading.failures if f.rule_id == LLM_FAILED]
    assert failed and all(f.record_id is None and "HTTP 500" in f.message for f in failed)
    assert reading.usage.requests == server.count == len(failed)


def test_the_llm_reading_does_not_depend_on_the_rules_reader(seed001, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the LLM path ran the rules reader first, so one rules bug lost the block for the LLM too."""
    rules = importlib.import_module("llmextract.extract.rules")  # llmextract.extract is also the API function

    def broken(doc, block):
        raise IndexError("a rules bug on this layout")

    monkeypatch.setattr(rules, "read_block", broken)
    with OracleServer() as oracle:
        oracle.prepare(seed001, gold_of(seed("001")))
        reading = read(seed001, scripted_settings(oracle.base_url), ExtractorKind.hybrid)
    assert len(reading.records) == 6
    assert all(r.extractor == "llm:scripted-model" for r in reading.records)
    assert sum(f.rule_id == BLOCK_FAILED for f in reading.failures) == 6


@pytest.mark.parametrize("path", [seed("004"), seed("003")], ids=["department-and-projects", "self-evaluation"])
def test_each_kind_is_asked_with_its_own_schema(path: Path) -> None:
    doc = load_document(path)
    result, _ = oracle_process(doc, ExtractorKind.llm)
    gold = gold_of(path)
    assert [(r.record.kind, r.record.name) for r in result.records] == [(g.kind, g.name) for g in gold]
