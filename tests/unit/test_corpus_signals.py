"""Signals of the corpus benchmark: read from a Document's lines with their own vocabulary, never by the readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmextract import load_document
from llmextract.core.document import Document
from llmextract.evals.signals import (
    Signals,
    indicator_headers,
    name_labels,
    project_list_lines,
    prose_counts,
    read_signals,
    target_titles,
)

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


@pytest.fixture
def doc(tmp_path: Path):
    def build(text: str) -> Document:
        path = tmp_path / "doc.txt"
        path.write_text(text, encoding="utf-8")
        return load_document(path)

    return build


def _texts(lines) -> list[str]:
    return [ln.text for ln in lines]


# --- target-table titles ------------------------------------------------------------------------------------


def test_titles_of_every_wording_are_found(doc):
    d = doc(
        "项 目 支 出 绩 效 目 标 表\n"
        "信访干部培训专项项目绩效自评表\n"
        "正文一段。\n"
        "2026年市级部门项目支出绩效表\n"
        "县(区)级预算部门(单位)整体支出绩效目标申报表\n"
        "正文一段。\n"
        "项目支出绩效目标表（续）\n"
        "项目支出绩效目标表（2026）\n"
    )
    assert len(target_titles(d)) == 6


def test_titles_inside_a_sentence_are_not_titles(doc):
    d = doc("（项目绩效目标表公开情况见附件）\n106,512.00万元（一级项目绩效目标表，详见表11）。同\n")
    assert target_titles(d) == []


def test_table_of_contents_entries_are_not_titles(doc):
    d = doc("正文\n十二、项目支出绩效目标表.....25\n十三、部门整体支出绩效目标表 26\n")
    assert target_titles(d) == []


def test_lines_on_a_contents_page_are_not_titles(doc):
    d = doc("目 录\n第一部分 情况说明\n十二、项目支出绩效目标表\n\f正文。\n项目支出绩效目标表\n")
    assert _texts(target_titles(d)) == ["项目支出绩效目标表"]
    assert [ln.page for ln in target_titles(d)] == [2]


def test_a_list_of_tables_is_not_a_run_of_titles(doc):
    # Three or more consecutive table names are a list (a contents page continued, or "表7 … 表11" in prose).
    d = doc("正文。\n表9.国有资本经营预算支出预算表\n表10.项目支出预算表\n- 18 -\n表11.项目支出绩效表\n正文。\n")
    assert target_titles(d) == []


# --- 项目名称 labels ----------------------------------------------------------------------------------------


def test_name_labels_of_forms_are_counted(doc):
    d = doc(
        "项目名称\t\t遗属补助\n主管部门\t409-商务局\n"
        "\n专项（项目）名称\t口岸运维\n项目属性\t经常性\n"
        "\n单位(项目)名称\t某中心\n实施单位\t某中心\n"
        "\n项 目 名 称 驻村帮扶工作人员经费\n"
    )
    assert len(name_labels(d)) == 4


def test_the_header_of_a_project_list_is_not_a_label(doc):
    d = doc("项目名称\t合计\t一般公共预算\n驻村干部补助\t19.60\t19.60\n\n单位名称\t项目名称\t金额\n某局\t某项目\t5\n")
    assert name_labels(d) == []


# --- indicator headers --------------------------------------------------------------------------------------


def test_indicator_headers_in_tab_rows_and_in_raw_text(doc):
    d = doc(
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n\t产出指标\t数量指标\t人数\t3人\n"
        "\n一级指标 二级指标 三级指标 指标值\n"
        "\n指标名称\t指标性质\t年度指标值\t计量单位\n\t≥\t95\t%\n"
        "\n指标值设置合理，三级指标细化。\n"
    )
    assert len(indicator_headers(d)) == 3


# --- counts in the prose ------------------------------------------------------------------------------------


def test_disclosed_and_targeted_counts_are_told_apart(doc):
    d = doc(
        "2024年某局纳入绩效目标管理的二级项目8个，共计金额464.57万元。其中：其他运转类项目8个。"
        "公开项目绩效目标7个，涉及项目金额359.87万元。\n"
    )
    assert prose_counts(d) == (7, 8)


def test_a_count_broken_over_lines_and_in_full_width_digits(doc):
    assert prose_counts(doc("本部门设置并编报\n１６个项目绩效目标。相关项目在执行时\n")) == (None, 16)


def test_other_wordings_of_the_count(doc):
    assert prose_counts(doc("2026年度，本单位编报绩效目标的项目共4个，涉及资金。\n")) == (None, 4)
    assert prose_counts(doc("本部门共34个项目纳入绩效目标管理，涉及财政资金。\n")) == (None, 34)
    assert prose_counts(doc("类项目均实行绩效目标管理，共计 7 个一级项目，涉及资金。\n")) == (None, 7)
    assert prose_counts(doc("本年公开了5个项目绩效目标。\n")) == (5, None)


def test_no_count_when_the_prose_states_none(doc):
    assert prose_counts(doc("项目支出绩效目标表\n项目名称\t\t某项目\n绩效指标\t三级指标\t指标值\n")) == (None, None)


def test_counts_in_tables_are_not_prose(doc):
    assert prose_counts(doc("说明\n指标\t公开项目绩效目标7个\t1\n")) == (None, None)


# --- project lines of the 项目支出 table ---------------------------------------------------------------------

PROJECT_LIST = """2025年项目支出预算表（本年预算）
单位：万元
项目名称\t合计\t一般公共预算
1\t2\t3
某局（部门）\t1030.50\t1030.50
某局\t892.29\t892.29
消费券资金\t400.00\t400.00
乡村e镇县级资金\t300.00\t300.00
平台运维费\t156.00\t156.00
专项业务经费\t30.00\t30.00
参展经费\t5.00\t5.00
监理费\t1.29\t1.29
某服务中心\t138.20\t138.20
招商引资专项经费\t135.00\t135.00
遗属补助\t3.20\t3.20

2025年项目支出预算表（上年结转）
项目名称\t合计\t一般公共预算
某局\t1000.00\t1000.00
乡村e镇省级资金\t1000.00\t1000.00
"""


def test_project_lines_leave_out_department_and_unit_subtotals(doc):
    assert project_list_lines(doc(PROJECT_LIST)) == 8


def test_project_lines_with_a_unit_column_and_a_total_row(doc):
    d = doc(
        "表10：2026年市级部门项目支出预算表\n"
        "单位名称\t项目名称\t总计\t一般公共预算\n"
        "\t合 计\t2,000.00\t2,000.00\n"
        "某局\t综合保障\t1,500.00\t1,500.00\n"
        "某局\t执法办案\t500.00\t500.00\n"
        "表11：2026年市级部门项目支出绩效表\n"
        "单位名称\t项目名称\t金额\t绩效目标\n"
        "某局\t综合保障\t1,500.00\t保障运转\n"
    )
    assert project_list_lines(d) == 2


def test_two_equal_projects_in_a_row_are_not_a_subtotal(doc):
    d = doc("项目支出预算表\n项目名称\t合计\n贸促会工作经费\t10.00\n参展补助\t10.00\n遗属补助\t6.01\n")
    assert project_list_lines(d) == 3


def test_no_project_list_without_its_table(doc):
    assert project_list_lines(doc("项目支出预算表\n本部门无项目支出。\n")) is None
    assert project_list_lines(doc("正文。\n")) is None


# --- a whole fixture document -------------------------------------------------------------------------------


def test_seed_001_signals():
    # 忻州 2024: six target tables (the prose says seven are disclosed, of eight managed), eight projects listed.
    signals = read_signals(load_document(SEEDS / "001_2dc8c89a6b4bfa48.txt"))
    assert signals == Signals(
        target_titles=6,
        title_samples=("忻州市市级预算部门(单位)项目支出绩效目标表",),
        name_labels=6,
        indicator_headers=6,
        prose_disclosed=7,
        prose_targeted=8,
        project_list=8,
    )
    assert signals.prose_count == 7
    assert signals.structural


def test_seed_002_project_list_nests_department_and_units():
    signals = read_signals(load_document(SEEDS / "002_6c1c086a26e80980.txt"))
    assert (signals.name_labels, signals.project_list, signals.prose_disclosed) == (8, 8, 8)
