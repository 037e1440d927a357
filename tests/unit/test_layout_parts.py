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
