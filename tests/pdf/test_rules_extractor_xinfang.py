"""Rules extractor on the central-government layout: 国家信访局 2026 budget (3 project tables with a score
column) and 2024 final accounts (4 项目绩效自评表 with 年度指标值 | 实际完成值 | 分值 | 得分)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from tests.conftest import pdf


@pytest.fixture(scope="module")
def budget():
    return extract_rules(load_document(pdf("国家信访局2026")))


@pytest.fixture(scope="module")
def accounts():
    return extract_rules(load_document(pdf("国家信访局2024")))


def test_budget_project_tables(budget):
    assert [r.name for r in budget] == ["信息化运行维护", "信访综合保障经费", "信访业务培训"]
    it = budget[0]
    assert (it.department_code, it.department, it.implementing_unit) == ("292", "国家信访局", "国家信访局本级")
    assert it.funding.annual_total == Decimal("2134.87")
    assert (it.funding.sources.appropriation, it.funding.sources.carried_over) == (
        Decimal("1384.87"),
        Decimal("750.00"),
    )
    total = it.indicators[0]
    assert (total.level1, total.name, total.comparator, total.value) == (
        "成本指标",
        "项目总成本",
        "<=",
        Decimal("2134.87"),
    )


def test_score_column_is_not_read_as_a_value(budget):
    for record in budget:
        assert all(not i.value_raw.isdigit() for i in record.indicators)
    assert len(budget[1].indicators) == 11


def test_self_evaluation_tables(accounts):
    assert [r.kind for r in accounts] == ["evaluation"] * 4
    assert [r.name for r in accounts] == ["信访干部培训专项", "信访研究宣传立法专项", "资产运行维护", "信息化运行维护"]
    training = accounts[0]
    assert training.funding.annual_total == Decimal("180.61")  # 年初预算数, the first amount column
    assert training.goals.annual.startswith("1.分级分类抓好信访系统干部培训")
    trainees = next(i for i in training.indicators if i.name == "培训人数")
    assert (trainees.value_raw, trainees.comparator, trainees.value, trainees.actual_raw) == (
        "≥300人", ">=", Decimal("300"), "366人",
    )  # fmt: skip


def test_level_cell_straddling_a_page_break(accounts):
    # pdfplumber prints the text of a merged 一级/二级 cell cut by the page break as plain lines after the rows
    # it spans ("产出指标 数量指标"; wrapped: "效益指 社会效益指" / "标 标"); the rows get those levels.
    research = accounts[1]
    levels = {i.name: (i.level1, i.level2) for i in research.indicators}
    assert levels["形成的研究成果数"] == levels["舆情报告报送量（期）"] == ("产出指标", "数量指标")
    assert levels["每本刊物印刷成本"] == ("成本指标", "经济成本指标")
    training = {i.name: (i.level1, i.level2) for i in accounts[0].indicators}
    assert training["信访系统干部整体素质"] == ("效益指标", "社会效益指标")


def test_accounts_level_cells_cut_by_a_page_break(accounts):
    # 信息化运行维护: the 产出指标 and 质量指标 cells straddle pages 35-36 and print after the rows they cover.
    (it,) = [r for r in accounts if r.name == "信息化运行维护"]
    levels = [(i.level1, i.level2, i.name) for i in it.indicators[:5]]
    assert levels == [
        ("成本指标", "经济成本指标", "项目成本控制"),
        ("产出指标", "数量指标", "数据中心设备维护量"),
        ("产出指标", "质量指标", "前端运维问题响应时间"),
        ("产出指标", "质量指标", "设备完好率"),
        ("产出指标", "质量指标", "系统持续稳定运行时间比率（运行小时数/全年总小时数）"),
    ]
