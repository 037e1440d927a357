"""Metric definitions: normalisation, character F1, record matching, field/indicator scores, verifier matching,
calibration, and a whole suite run against a small gold file."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.evals.matching import char_f1, match_records, norm
from llmextract.evals.metrics import score_extraction, score_verifier
from llmextract.evals.runner import run_suite
from llmextract.evals.suite import load_suite
from llmextract.evals.tally import Tally, rates
from llmextract.ingest import load_document
from tests.conftest import seed


def test_norm_ignores_whitespace_and_compares_amounts_as_decimals():
    assert norm(" 忻州市 商务局\u3000") == "忻州市商务局"
    assert norm("60100.00") == norm("60,100") == norm(60100)
    assert norm("") is None and norm(None) is None


def test_char_f1():
    assert char_f1("abcd", "abcd") == 1.0
    assert char_f1(None, "") == 1.0
    assert char_f1("abcd", "") == 0.0
    assert char_f1("aabb", "ab") == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_records_match_by_name_then_position():
    gold = [{"name": "遗属补助"}, {"name": "遗属补助"}, {"name": "口岸经费"}]
    predicted = [{"name": "口岸 经费"}, {"name": "遗属补助"}, {"name": "遗属补助"}, {"name": "完全无关的名字"}]
    assert match_records(gold, predicted) == [(0, 1), (1, 2), (2, 0)]


def _record(name: str, annual: str, indicators: list[tuple[str, str]], overview: str = "概况") -> dict:
    return {
        "name": name,
        "department": "商务局",
        "funding": {"unit": "元", "annual_total": annual, "sources": {"local": annual}},
        "overview": overview,
        "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": n, "value_raw": v} for n, v in indicators],
    }


def test_extraction_scores_fields_indicators_and_errors():
    gold = [_record("遗属补助", "60100", [("人数", "6名"), ("满意度", "≥95%")]), _record("口岸经费", "250000", [])]
    predicted = [
        _record("遗属补助", "60,100.00", [("人数", "6 名")]),
        _record("口岸经费", "25000", [], overview="概况不同"),
        _record("多出来的", "1", []),
    ]
    m = score_extraction(gold, predicted, [(0.9, False), (0.5, True), (0.2, True)])
    assert (m.gold_records, m.predicted_records, m.matched) == (2, 3, 2)
    assert m.field_correct["funding.annual_total"] == 1 and m.field_correct["name"] == 2
    assert (m.indicators_gold, m.indicators_predicted, m.indicators_matched) == (2, 1, 1)
    assert m.numbers_gold == 4 and m.numbers_correct == 2
    assert [r.erroneous for r in m.records] == [True, True, True]  # a missing indicator, a wrong amount, spurious
    t = Tally()
    t.extraction += m
    r = rates(t)
    assert r["projects"] == {"gold": 2, "extracted": 3, "matched": 2, "precision": 0.6667, "recall": 1.0}
    assert r["indicators"]["recall"] == 0.5 and r["indicators"]["precision"] == 1.0
    assert r["calibration"]["routed_errors"] == 0.6667 and r["calibration"]["review_load"] == 0.6667
    bins = {b["lo"]: b for b in r["calibration"]["bins"] if b["records"]}
    assert set(bins) == {0.2, 0.5, 0.9} and bins[0.9]["erroneous_share"] == 1.0


def _finding(rule: str, page: int, start: int, end: int, severity: str = "error") -> Finding:
    loc = Location(doc_id="d", page=page, start=start, end=end)
    return Finding(rule_id=rule, severity=severity, message="m", locations=[loc])


def test_verifier_matches_by_rule_family_page_and_quote():
    doc = load_document(seed("002"))
    quote = "减少48.51%"
    start = doc.text.index(quote)
    page = doc.page_at(start)
    inconsistencies = [
        {"rule_id": "prose.change-rate", "page": page, "quote": quote},
        {"rule_id": "table.code-hierarchy", "page": page, "quote": ""},
    ]
    findings = [
        _finding("prose.share", page, start - 5, start + 3),  # same family, overlaps the quote
        _finding("prose.share", page, 0, 3),  # elsewhere: a false alarm
        _finding("table.code-hierarchy", page, 0, 1, severity="info"),  # info findings are not alarms
    ]
    m = score_verifier(doc, inconsistencies, findings)
    assert (m.inconsistencies, m.findings, m.found, m.true_findings) == (2, 2, 1, 1)
    assert m.missed == [f"table.code-hierarchy p.{page}: "]


def test_a_suite_run_scores_records_against_gold(tmp_path: Path):
    """The rules reading of seed 001 against a gold file made from it with one amount corrected."""
    from llmextract import Config, extract

    records = [s.record.model_dump(mode="json") for s in extract(seed("001"), Config(extractor="rules")).records]
    records[0]["funding"]["annual_total"] = "1"
    gold_path = tmp_path / "001.gold.json"
    gold_path.write_text(json.dumps({"records": records, "inconsistencies": []}, ensure_ascii=False), "utf-8")
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text(
        f"name: t\nextractor: rules\nmutations: {{count: 4, seed: 1}}\n"
        f"documents:\n  - {{path: {seed('001')}, gold: {gold_path.name}}}\n",
        "utf-8",
    )

    def loader(path: Path) -> SimpleNamespace:
        data = json.loads(path.read_text("utf-8"))
        return SimpleNamespace(records=data["records"], inconsistencies=data["inconsistencies"])

    report = run_suite(load_suite(suite_path), gold_loader=loader)
    (doc,) = report["documents"]
    metrics = doc["metrics"]
    n = len(records)
    assert metrics["projects"]["recall"] == 1.0 and metrics["projects"]["precision"] == 1.0
    assert metrics["fields"]["funding.annual_total"] == round((n - 1) / n, 4)
    assert metrics["fields"]["name"] == 1.0 and metrics["indicators"]["f1"] == 1.0
    assert metrics["calibration"]["erroneous"] == 1
    assert metrics["verifier"]["findings"] >= 1 and metrics["verifier"]["precision"] == 0.0
    assert metrics["mutation"]["all"]["n"] == 4
    assert report["summary"]["usage"]["calls"] == 0
