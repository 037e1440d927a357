"""Rules extractor on 2026年福州市医疗保障局部门预算.pdf: 13 project tables, one whose 项目名称 cell is split
across pages 26 → 27 ("…补助资" / "金")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from tests.conftest import pdf


@pytest.fixture(scope="module")
def records():
    return extract_rules(load_document(pdf("福州")))


def test_all_thirteen_project_tables(records):
    assert len(records) == 13
    assert all(r.funding.unit == "万元" and r.funding.annual_total is not None for r in records)
    assert sum(1 for r in records if r.name == "综合工作经费") == 4


def test_name_split_across_pages(records):
    first = records[0]
    assert first.name == "2026年医疗服务与保障能力提升补助资金"
    assert first.location.page == 26
    assert first.field_locations["name"].page == 26
    assert first.funding.annual_total == Decimal("745.00") and first.funding.sources.appropriation == Decimal("745.00")
    assert first.department == "福州市医疗保障局"
    inspection = first.indicators[1]
    assert (inspection.level1, inspection.level2, inspection.name, inspection.value_raw) == (
        "产出指标", "数量指标", "定点医疗机构监督检查县区覆盖率", "≥90%",
    )  # fmt: skip


def test_level_word_as_indicator_name(records):
    record = next(r for r in records if r.name == "综合工作经费" and r.funding.annual_total == Decimal("1160.00"))
    last = record.indicators[-1]
    assert (last.level1, last.level2, last.name, last.value_raw) == (
        "满意度指标",
        "服务对象满意度指标",
        "服务对象满意度指标",
        "≥95%",
    )
    assert record.goals.annual.startswith("保证临时聘用人员的工资等待遇刚需需求")
