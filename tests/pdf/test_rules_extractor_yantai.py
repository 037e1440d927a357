"""Rules extractor on 2026年烟台市商务局部门预算.pdf: two form layouts, funds in 万元, tables continued on the
next page under a repeated title."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from tests.conftest import pdf


@pytest.fixture(scope="module")
def records():
    return extract_rules(load_document(pdf("烟台")))


def _project(records, name, unit=None):
    return next(r for r in records if r.name == name and (unit is None or r.implementing_unit == unit))


def test_all_twelve_project_tables(records):
    assert len(records) == 12
    assert all(r.kind == "project" and r.funding.unit == "万元" and r.indicators for r in records)
    assert [r.location.page for r in records][:3] == [37, 38, 39]


def test_exhibition_fund(records):
    record = _project(records, "会展业发展专项资金")
    assert (record.department, record.implementing_unit) == ("烟台市商务局", "烟台市商务局")
    assert record.funding.annual_total == Decimal("2200") and record.funding.sources.appropriation == Decimal("2200")
    assert record.goals.annual.startswith("通过兑现2024-2025年度会展业发展政策奖励")
    total = record.indicators[0]
    assert (total.level1, total.level2, total.name, total.value_raw) == (
        "成本指标",
        "经济成本指标",
        "项目总成本",
        "≤2200万元",
    )
    assert (total.comparator, total.value, total.unit) == ("<=", Decimal("2200"), "万元")
    assert len(record.indicators) == 18
    assert record.field_locations["funding.annual_total"].page == 37


def test_second_layout_with_department_code(records):
    record = _project(records, "离休老干部医疗费")
    assert (record.department_code, record.department) == ("281", "烟台市商务局")
    assert record.funding.annual_total == Decimal("30.00")
    assert (record.funding.sources.appropriation, record.funding.sources.other) == (Decimal("30.00"), Decimal("0.00"))
    coverage = next(i for i in record.indicators if i.name == "报销药费中离休人员占比")
    assert (coverage.level1, coverage.level2, coverage.value_raw) == ("产出指标", "质量指标", "100%")


def test_table_continued_on_next_page(records):
    record = _project(records, "商务事业发展经费")
    assert len(record.indicators) == 18
    *_, experience, satisfaction = record.indicators
    assert (experience.level1, experience.level2, experience.value_raw) == ("效益指标", "可持续影响指标", "≥1套")
    assert experience.location.page == 42
    assert (satisfaction.level1, satisfaction.name, satisfaction.value) == (
        "满意度指标",
        "服务对象满意度",
        Decimal("95"),
    )


def test_same_project_name_for_different_units(records):
    units = [r.implementing_unit for r in records if r.name == "实施公车统管费用"]
    assert len(units) == 4 and len(set(units)) == 4
