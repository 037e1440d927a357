"""Per-project form families on real pages cut from the development corpus (tests/fixtures/pages).

- 烟台民政局 p33: 专项资金绩效目标表 labelled 专项资金名称, 年度预算资金（万元） on one row, 年度总体目标, a prose row
  主要政策任务：… between goal and grid, 年度绩效指标 as the grid's row label (research notes T1b).
- 烟台市场监督管理局 p45: 项目编码 … | 项目名称 | <name> on one row, no funds block, ≦ as comparator (T1c).
- 烟台文化广电旅游体育局 p40–41: a table continued on the next page under its repeated title, without header (T1).
- 北京市商务局 (whole document): 十三、部门整体支出绩效目标表 in the table of contents, the tables themselves not
  included — no record (N2).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from llmextract.core.catalogue import READING_INCOMPLETE
from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from llmextract.layout.project_blocks import find_project_blocks
from llmextract.pipeline import Config, process
from llmextract.score import score_record
from llmextract.verify import check_records
from tests.conftest import FIXTURES

PAGES = FIXTURES / "pages"


def _page(name_part: str) -> Path:
    (path,) = [p for p in PAGES.glob("*.pdf") if name_part in p.name]
    return path


@pytest.fixture(scope="module")
def special_fund():
    return load_document(_page("烟台民政局-p33"))


@pytest.fixture(scope="module")
def project_code_row():
    return load_document(_page("烟台市场监督管理局-p45"))


def test_special_fund_form_named_by_its_fund_name_label(special_fund):
    (record,) = extract_rules(special_fund)
    assert (record.kind, record.name, record.department) == ("project", "惠民殡葬补助资金", "烟台市民政局")
    assert (record.funding.annual_total, record.funding.unit) == (Decimal("2149.09"), "万元")
    assert record.goals.annual.startswith("通过对符合政策对象实施殡葬奖补")
    assert "主要政策任务" not in record.goals.annual
    assert len(record.indicators) == 11
    first, *_, last = record.indicators
    assert (first.level1, first.level2, first.name, first.value_raw) == (
        "成本指标", "经济成本指标", "实际支出不超预算", "≤2149.09万元",
    )  # fmt: skip
    assert (last.level1, last.name, last.value_raw) == ("满意度指标", "受益群众满意度", "≥90%")
    assert record.field_locations["funding.annual_total"].page == 1


def test_project_code_row_with_the_name_in_its_right_hand_cell(project_code_row):
    (record,) = extract_rules(project_code_row)
    assert (record.name, record.department, record.implementing_unit) == (
        "市场监管发展专项", "烟台市市场监督管理局", "烟台市市场监督管理局",
    )  # fmt: skip
    assert "37060026197803370002J" not in (record.name, record.department_code)
    assert record.funding.annual_total is None and record.funding.period_total is None  # no funds block printed
    cost = record.indicators[0]
    assert (cost.name, cost.value_raw, cost.comparator, cost.value, cost.unit) == (
        "项目总支出成本", "≦3090万元", "<=", Decimal("3090"), "万元",
    )  # fmt: skip
    assert len(record.indicators) == 7


def test_table_continued_on_the_next_page_without_its_header():
    (record,) = extract_rules(load_document(_page("烟台文化广电旅游体育局-p40-41")))
    assert (record.name, record.funding.annual_total) == ("市级文物保护补助资金", Decimal("230.00"))
    assert len(record.indicators) == 17
    *_, beneficiaries, units = record.indicators
    assert (beneficiaries.level1, beneficiaries.name, beneficiaries.value_raw) == (
        "满意度指标", "受益群众满意度", "≥90%",
    )  # fmt: skip
    assert (units.name, units.location.page) == ("项目受益单位满意度", 2)


def test_table_of_contents_entry_of_a_department_table_is_no_record():
    doc = load_document(FIXTURES / "more" / "北京" / "2026年北京市商务局部门预算.pdf")
    assert any("十三、部门整体支出绩效目标表" in ln.text for ln in doc.lines)
    assert find_project_blocks(doc) == []
    assert process(doc, Config(extractor="rules")).records == []


@pytest.mark.parametrize("fixture", ["special_fund", "project_code_row"])
def test_pages_read_completely_are_not_warned(fixture, request):
    (result,) = process(request.getfixturevalue(fixture), Config(extractor="rules")).records
    assert not [f for f in result.record.findings if f.rule_id == READING_INCOMPLETE]


def test_a_record_missing_the_indicators_its_page_prints_is_warned_and_routed_to_review(special_fund):
    (record,) = extract_rules(special_fund)
    unread = record.model_copy(update={"indicators": [], "name": ""})  # what a reader that lost them returns
    (checked,) = check_records(special_fund, [unread]).records
    incomplete = [f for f in checked.findings if f.rule_id == READING_INCOMPLETE]
    assert sorted(f.actual for f in incomplete) == ["no indicators", "no name"]
    assert all(f.severity == "warning" and f.record_id == unread.record_id for f in incomplete)
    _, confidence, review = score_record(checked, 0.7)
    assert review and confidence < 0.7
