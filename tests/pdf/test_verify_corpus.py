"""The verifier on the corpus PDFs: the real inconsistencies, no false errors, every check accounted for."""

from __future__ import annotations

import pytest

from llmextract import load_document
from llmextract.tables import parse_tables
from llmextract.verify import verify
from tests.conftest import TEXT_PDFS, pdf

# The errors each PDF really contains, by (rule, expected computation, printed value).
KNOWN_ERRORS = {
    "国家信访局2024年度部门决算公开": [
        # 收、支总计22066.59万元，增加5834.37万元，增长35.74%: 5834.37 ÷ 16232.22 = 35.94%.
        ("prose.change-rate", "5,834.37 ÷ (22,066.59 - 5,834.37) = 35.94%", "35.74%"),
    ],
    "国家信访局2026年度部门预算": [
        # 委托业务费预算1,391.68万元，比2025年预算增加333.83万元，增长31.35%: 333.83 ÷ 1,057.85 = 31.56%.
        ("prose.change-rate", "333.83 ÷ (1,391.68 - 333.83) = 31.56%", "31.35%"),
    ],
}


@pytest.fixture(scope="module", params=TEXT_PDFS, ids=lambda p: p.stem)
def loaded(request):
    doc = load_document(request.param)
    return request.param, doc, verify(doc)


def test_errors_are_exactly_the_known_ones(loaded):
    path, _, report = loaded
    errors = [(f.rule_id, f.expected, f.actual) for f in report.findings if f.severity == "error"]
    assert errors == KNOWN_ERRORS.get(path.stem, [])


def test_findings_carry_pdf_locations(loaded):
    _, doc, report = loaded
    for finding in report.findings:
        assert finding.locations
        for loc in finding.locations:
            assert loc.doc_id == doc.doc_id and 1 <= loc.page <= len(doc.pages)
            assert loc.bbox is not None


def test_many_checks_pass(loaded):
    _, _, report = loaded
    assert report.passed > 90
    assert report.checks_run == report.passed + report.failed + report.not_checkable


def test_element_units_and_code_columns_of_the_shanghai_layout():
    tables = parse_tables(load_document(pdf("普陀")))
    expenditure = next(t for t in tables if t.kind == "expenditure")
    assert expenditure.unit == "元"
    # 类 / 款 / 项 printed in three columns ("201", "13", "01") compose the full code.
    assert [r.code for r in expenditure.rows[:3]] == ["201", "20113", "2011301"]
    three_public = next(t for t in tables if t.kind == "three_public")
    assert three_public.unit == "万元"
