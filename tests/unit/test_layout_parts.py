from __future__ import annotations

import pytest

from llmextract import load_document
from llmextract.layout import detect_parts
from llmextract.layout.parts import is_toc_line, table_name
from tests.conftest import seed


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("表一2024年预算收支总表", "收支总表"),
        ("预算01表 部门收支总表", "收支总表"),
        ("收入支出决算总表", "收支总表"),
        ("财政拨款收入支出决算总表", "财政拨款收支总表"),
        ("2024年一般公共预算安排基本支出分经济科目表（不含上年结转）", "基本支出经济分类表"),
        ("一般公共预算“三公”经费支出情况表", "三公经费表"),
        ("表十二2024年项目支出预算表（本年预算）", "项目支出表"),
        ("忻州市市级预算部门（单位）项目支出绩效目标表", "项目支出绩效目标表"),
        ("部门整体支出绩效目标表", "部门整体支出绩效目标表"),
    ],
)
def test_table_titles_by_what_they_say(title, name):
    assert table_name(title) == name


@pytest.mark.parametrize(
    "text", ["注：本表无数据", "按照2019年市委办公室印发的规定，本部门预算收支总表如下所列的一长段说明文字不是表题"]
)
def test_not_titles(text):
    assert table_name(text) is None


def test_toc_lines():
    assert is_toc_line("表一2024年预算收支总表.....\t3")
    assert not is_toc_line("表一2024年预算收支总表")


def test_seed_001_parts():
    parts = detect_parts(load_document(seed("001")))
    projects = [p.name for p in parts if p.kind == "project_table"]
    assert projects[:2] == ["遗属补助", "驻村干部补助"]
    assert len(projects) == 6
    tables = [p.title for p in parts if p.kind == "budget_table"]
    assert tables[0] == "2024年预算收支总表"
    assert len(tables) == 13
    assert any(p.kind == "explanation" and "情况说明" in p.title for p in parts)


def test_seed_000_project_tables_in_raw_text():
    parts = detect_parts(load_document(seed("000")))
    projects = [p.name for p in parts if p.kind == "project_table"]
    assert projects[0] == "Z驻村帮扶工作人员经费"
    assert len(projects) == 6
    # The title printed before the table, then again on its own page, is one table.
    titles = [p.title for p in parts if p.kind == "budget_table"]
    assert titles[0] == "表一2024年预算收支总表" and len(titles) == 13


def _text_doc(tmp_path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_a_list_of_table_titles_is_no_parts_the_tables_after_it_are(tmp_path):
    """Before: a section's list of its tables (a 目录 without page numbers) was listed as eleven budget tables,
    then each table again where it is printed."""
    listing = "二、表格部分\n（一）收支总表\n（二）收入总表\n（三）支出总表\n\n3\n（四）财政拨款收支总表\n"
    tables = (
        "（一）收支总表\n单位：万元\n收入\t金额\t支出\t金额\n一般公共预算\t10.00\t一般公共服务支出\t10.00\n"
        "（二）收入总表\n单位：万元\n科目编码\t科目名称\t合计\n201\t一般公共服务支出\t10.00\n"
    )
    parts = detect_parts(_text_doc(tmp_path, listing + "正文从这里开始。\n" + tables))
    titles = [p.title for p in parts if p.kind == "budget_table"]
    assert titles == ["（一）收支总表", "（二）收入总表"]
    assert all(p.start > len(listing) for p in parts)


def test_a_chain_of_headings_is_no_list(tmp_path):
    """第三部分, its title and its first 一、 heading are three parts in a row, but of three levels: kept."""
    text = (
        "第三部分\n2026年部门预算情况说明\n一、预算收支增减变化情况说明\n"
        "按照综合预算的原则，本部门所有收入和支出均纳入部门预算管理。\n"
    )
    parts = detect_parts(_text_doc(tmp_path, text))
    assert [p.kind for p in parts] == ["explanation", "explanation", "explanation"]
