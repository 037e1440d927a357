"""Typed budget tables from the seed exports: kinds, units, columns, amounts and their cell spans."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract import load_document
from llmextract.tables import BudgetTable, parse_tables
from tests.conftest import seed


@pytest.fixture(scope="module")
def doc001():
    return load_document(seed("001"))


@pytest.fixture(scope="module")
def tables001(doc001) -> list[BudgetTable]:
    return parse_tables(doc001)


def _kind(tables: list[BudgetTable], kind: str) -> BudgetTable:
    return next(t for t in tables if t.kind == kind)


def test_all_thirteen_standard_tables_are_found_by_title(tables001):
    kinds = [t.kind for t in tables001]
    assert kinds == [
        "summary",
        "income",
        "expenditure",
        "fiscal_summary",
        "general_budget",
        "basic_economic",
        "government_fund",
        "government_fund",
        "state_capital",
        "three_public",
        "admin_cost",
        "projects",
        "projects_carryover",
    ]


def test_empty_tables_are_known_empty(tables001):
    assert [t.kind for t in tables001 if t.empty] == [
        "government_fund",
        "government_fund",
        "state_capital",
        "projects_carryover",
    ]


def test_expenditure_table_rows_columns_and_cell_spans(doc001, tables001):
    table = _kind(tables001, "expenditure")
    assert table.unit == "万元" and table.unit_stated
    assert [c.name for c in table.columns] == ["合计", "基本支出", "项目支出"]
    total = table.total_row()
    assert total is not None
    assert [total.amount(c).value for c in table.columns] == [Decimal("1024.87"), Decimal("560.30"), Decimal("464.57")]
    row = next(r for r in table.rows if r.code == "2080505")
    assert row.label == "机关事业单位基本养老保险缴费支出"
    cell = row.amount(table.column("合计"))
    assert cell.value == Decimal("40.88")
    assert doc001.text[cell.start : cell.end] == "40.88"
    assert row.amount(table.column("项目支出")) is None


def test_economic_table_is_typed_by_its_header(tables001):
    table = _kind(tables001, "basic_economic")
    assert [c.name for c in table.columns] == ["合计", "人员经费", "公用经费"]
    assert table.find_row("商品和服务支出").amount(table.column("公用经费")).value == Decimal("110.10")


def test_raw_text_dump_rows_are_read_from_spaced_lines():
    tables = parse_tables(load_document(seed("000")))
    table = _kind(tables, "expenditure")
    assert [c.name for c in table.columns] == ["合计", "基本支出", "项目支出"]
    row = next(r for r in table.rows if r.code == "2011302")
    # "2011302 一般行政管理事务 1180.48  1180.48": the double space is the empty 基本支出 cell.
    assert row.amount(table.column("基本支出")) is None
    assert row.amount(table.column("项目支出")).value == Decimal("1180.48")


def test_raw_project_names_wrapped_onto_their_own_lines_keep_their_numbers():
    table = _kind(parse_tables(load_document(seed("000"))), "projects")
    row = next(r for r in table.rows if "自收自支" in r.label)
    assert row.label == "XM涉拆自收自支单位人员经费(商务局招待所)"
    assert row.amount(table.columns[0]).value == Decimal("59.88")


def test_final_accounts_tables_and_line_number_columns():
    tables = parse_tables(load_document(seed("003")))
    assert all(t.final_accounts for t in tables)
    summary = _kind(tables, "summary")
    # The 行次 column numbers the lines: it is not an amount column.
    assert all("行次" not in c.header for c in summary.columns)


def test_a_table_ends_where_another_titled_table_begins():
    # Seed 003: the 三公 table is followed by "部门决算公开相关信息统计表" (公开10表), a table no rule reads;
    # its 政府采购 / 车辆 rows (with a 行次 column) must not be taken for 三公 rows.
    doc = load_document(seed("003"))
    (three,) = [t for t in parse_tables(doc) if t.kind == "three_public"]
    assert [r.label for r in three.rows] == [""]
    assert "统计表" not in doc.text[three.start : three.end]
