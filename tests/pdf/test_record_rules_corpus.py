"""Record rules on the seeds and the corpus PDFs: every number read has a status, every text field is found
in its block, and the errors reported are exactly the real ones."""

from __future__ import annotations

import pytest

from llmextract import load_document
from llmextract.extract.rules import extract_rules
from llmextract.score import evidence_path, record_confidence, record_evidence
from llmextract.verify import check_records
from llmextract.verify.ledger import record_numbers
from tests.conftest import SEED_FILES, TEXT_PDFS, seed

_BUDGET = "(2025年预算支出总表), {} (2025年一般公共预算支出预算表（不含上年结转）)"
# (rule, expected, printed) of every error the record rules report, per document; each one checked by hand.
KNOWN_ERRORS = {
    "002": [
        # 部门整体支出绩效目标表: 合计 1284.82 beside 基本支出 342.32 + 项目支出 1042.50.
        ("record.dept-table-sum", "基本支出 342.32 + 项目支出 1,042.50 = 1,384.82", "合计 1,284.82"),
        # The prose and 表三 say 1272.82 = 242.32 + 1030.50; the target table prints each figure differently.
        (
            "record.dept-vs-prose",
            "1,272.82 (the text), 2,272.82 " + _BUDGET.format("1,272.82"),
            "1,284.82",
        ),
        (
            "record.dept-vs-prose",
            "242.32 (the text), 242.32 " + _BUDGET.format("242.32"),
            "342.32",
        ),
        (
            "record.dept-vs-prose",
            "1,030.50 (the text), 2,030.50 " + _BUDGET.format("1,030.50"),
            "1,042.50",
        ),
    ],
    "004": [
        # 政府性基金 630.99 where the 收支总表 prints 830.99 (798.63 + 830.99 = 1629.62).
        (
            "record.dept-table-sum",
            "一般公共预算 798.63 + 政府性基金 630.99 + 国有资本经营 0.00 + 社会保险基金 0.00 + 专户管理资金 0.00 "
            "+ 单位资金 0.00 = 1,429.62",
            "合计 1,629.62",
        ),
    ],
}

DOCUMENTS = SEED_FILES + TEXT_PDFS


@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.stem[:12])
def checked(request):
    doc = load_document(request.param)
    return request.param, doc, check_records(doc, extract_rules(doc))


def _key(path) -> str:
    return path.stem[:3] if path.parent.name == "seeds" else path.stem


def test_errors_are_exactly_the_known_ones(checked):
    path, _, result = checked
    errors = [(f.rule_id, f.expected, f.actual) for f in result.report.findings if f.severity == "error"]
    assert errors == KNOWN_ERRORS.get(_key(path), [])


def test_every_number_has_a_status(checked):
    _, _, result = checked
    for record in result.records:
        assert set(record.number_checks) == set(record_numbers(record)), record.name
        for check in record.number_checks.values():
            assert check.note, record.name


def test_every_text_field_is_found_where_it_points(checked):
    _, _, result = checked
    assert not [f for f in result.report.findings if f.rule_id == "grounding.not-found"]
    for record in result.records:
        for path, grounding in record.field_grounding.items():
            assert grounding.status in ("exact", "normalised"), (record.name, path)
            loc = record.field_locations[path]
            if loc.end <= record.location.start:
                # Read from the prose that explains the table's project (项目概述, 立项依据 … on pages before it); the
                # grounding above says the text is there.
                continue
            assert record.location.start <= loc.start < loc.end <= record.location.end


def test_findings_carry_locations(checked):
    _, doc, result = checked
    for finding in result.report.findings:
        assert finding.locations
        for loc in finding.locations:
            assert loc.doc_id == doc.doc_id and loc.end > loc.start


def test_evidence_feeds_the_confidence(checked):
    _, _, result = checked
    for record in result.records:
        evidence = record_evidence(record)
        assert {evidence_path(p) for p in record.number_checks} <= set(evidence)
        contradicted = any(c.status == "contradicted" for c in record.number_checks.values())
        assert (record_confidence(evidence, record.findings) < 0.5) == contradicted, record.name


@pytest.fixture(scope="module")
def seed_records():
    out = {}
    for prefix in ("001", "002", "003"):
        doc = load_document(seed(prefix))
        out[prefix] = check_records(doc, extract_rules(doc))
    return out


def _record(result, name):
    (record,) = [r for r in result.records if r.name.startswith(name)]
    return record


def test_seed_001_食品公司_matched_to_its_表十二_line_with_the_name_difference(seed_records):
    result = seed_records["001"]
    record = _record(result, "忻州市食品公司经营")
    check = record.number_checks["funding.annual_total"]
    assert check.status == "verified"
    assert "1,402,600 元 = 140.26 万元 on “忻州市食品公司经费”" in check.note
    (warning,) = [f for f in record.findings if f.rule_id == "record.project-list-name"]
    assert (warning.expected, warning.actual) == ("忻州市食品公司经费", "忻州市食品公司经营")
    assert "similarity 0.889" in warning.message and "140.26 万元" in warning.message


def test_seed_001_seven_tables_claimed_six_read_so_amounts_not_compared(seed_records):
    (info,) = [f for f in seed_records["001"].report.findings if f.rule_id == "record.disclosed-amount"]
    assert info.severity == "info" and "7 project tables" in info.message


def test_seed_002_成品油_26座_at_7point5万元_is_the_period_total(seed_records):
    record = _record(seed_records["002"], "成品油流通智慧监管平台")
    check = record.number_checks["funding.period_total"]
    assert check.status == "verified"
    assert "(民营加油站数量 26座) × ≤7.5万元/座 = 195万元 = 实施期资金总额 195万元" in check.note
    counted = [p for p, c in record.number_checks.items() if p.startswith("indicators") and c.status == "verified"]
    assert len(counted) == 2  # 26座 and ≤7.5万元/座 of the 实施期 column


def test_seed_002_department_table_contradicts_itself_and_the_prose(seed_records):
    record = _record(seed_records["002"], "山阴县商务局")
    assert record.kind == "department"
    assert record.number_checks["funding.annual_total"].status == "contradicted"
    rules = sorted(f.rule_id for f in record.findings if f.severity == "error")
    assert rules == ["record.dept-table-sum", "record.dept-vs-prose", "record.dept-vs-prose", "record.dept-vs-prose"]


def test_seed_003_evaluation_points_add_up(seed_records):
    record = _record(seed_records["003"], "鼓励扩大进出口专项资金")
    weights = [c for p, c in record.number_checks.items() if p.endswith(".weight")]
    assert len(weights) == 12 and all(c.status == "verified" for c in weights)
    passed = seed_records["003"].report.by_rule
    assert passed["record.evaluation-balance"] == 1  # 204 − 125.78 = 78.22
    assert passed["record.evaluation-scores"] == 2  # Σ 分值 = 100; report: 10+20+20+10+10+10+10 = 90
