"""Claims only from trusted readings, and row structures the corpus does not print (synthetic text exports,
named as such): a table whose relations mostly fail is one ``table.reading-suspect`` warning, not a list
of errors; one wrong cell in a table read right is an error naming the cell.
"""

from __future__ import annotations

from pathlib import Path

from llmextract import load_document
from llmextract.core.document import Document
from llmextract.tables import parse_tables
from llmextract.verify import verify


def _doc(tmp_path: Path, lines: list[str]) -> Document:
    path = tmp_path / "export.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_document(path)


_HEADER = ["2026年部门支出总表", "单位：万元", "科目编码\t科目名称\t合计\t基本支出\t项目支出"]
# The header of a misread table: two column names swapped against the cells below them.
_MISREAD = ["2026年部门支出总表", "单位：万元", "科目编码\t科目名称\t基本支出\t合计\t项目支出"]
_INCOME = [
    "2026年部门收入总表",
    "单位：万元",
    "科目编码\t科目名称\t合计\t一般公共预算\t单位资金",
    "\t合计\t300.00\t300.00\t",
]


def _spending(rows: list[tuple[str, str, str, str, str]], header: list[str] = _HEADER) -> list[str]:
    return header + ["\t".join(r) for r in rows]


CONSISTENT = [
    ("", "合计", "300.00", "200.00", "100.00"),
    ("201", "一般公共服务支出", "300.00", "200.00", "100.00"),
    ("20101", "人大事务", "300.00", "200.00", "100.00"),
    ("2010101", "行政运行", "200.00", "200.00", ""),
    ("2010102", "一般行政管理事务", "100.00", "", "100.00"),
]


def _findings(doc: Document, severity: str) -> list:
    return [f for f in verify(doc).findings if f.severity == severity]


def test_consistent_table_is_trusted_and_silent(tmp_path):
    report = verify(_doc(tmp_path, _spending(CONSISTENT)))
    assert report.findings == [] and report.passed > 10


def test_a_table_whose_relations_mostly_fail_is_one_suspect_warning_not_errors(tmp_path):
    report = verify(_doc(tmp_path, _spending(CONSISTENT, _MISREAD)))
    assert [f for f in report.findings if f.severity == "error"] == []
    (warning,) = [f for f in report.findings if f.severity == "warning"]
    assert warning.rule_id == "table.reading-suspect"
    assert "table.basic-plus-project fails on 4 of its 5 checks" in warning.message and "e.g." in warning.message
    infos = [f for f in report.findings if f.severity == "info"]
    assert infos and all(f.message.startswith("not checkable (table.reading-suspect)") for f in infos)
    assert report.not_checkable == len(infos)


def test_one_wrong_cell_in_a_trusted_table_is_an_error_naming_it(tmp_path):
    rows = list(CONSISTENT)
    rows[3] = ("2010101", "行政运行", "210.00", "200.00", "")
    doc = _doc(tmp_path, _spending(rows))
    errors = [f for f in verify(doc).findings if f.severity == "error"]
    assert errors and not [f for f in verify(doc).findings if f.rule_id == "table.reading-suspect"]
    cell = next(r for r in parse_tables(doc)[0].rows if r.code == "2010101").amounts[2]
    assert any(loc.start == cell.start for f in errors for loc in f.locations)


def test_a_distrusted_table_makes_no_cross_table_error(tmp_path):
    # The 收入表 says 300.00; the misread 支出表 "says" 200.00 in its 合计 column: not a contradiction.
    doc = _doc(tmp_path, _spending(CONSISTENT, _MISREAD) + _INCOME)
    report = verify(doc)
    assert [f for f in report.findings if f.severity == "error"] == []
    cross = [f for f in report.findings if f.rule_id == "cross.expenditure-total"]
    assert cross and all(f.severity == "info" and "not read with confidence" in f.message for f in cross)


def test_amounts_under_no_header_cell_make_a_reading_suspect(tmp_path):
    # A 合计 line printed without its code cell, its amounts one column to the right of the header.
    lines = _HEADER + ["\t".join(r) for r in CONSISTENT[1:]] + ["合计\t\t\t300.00\t200.00\t100.00"]
    report = verify(_doc(tmp_path, lines))
    (warning,) = [f for f in report.findings if f.rule_id == "table.reading-suspect"]
    assert "under no header cell" in warning.message
    assert [f for f in report.findings if f.severity == "error"] == []


_PROJECTS = ["2026年项目支出预算表", "单位：万元", "项目名称\t合计\t一般公共预算\t单位资金"]


def test_category_rows_and_their_items_synthetic(tmp_path):
    rows = [
        "合计\t170.00\t150.00\t20.00",
        "一、运转类项目\t100.00\t80.00\t20.00",
        "办公楼维修\t60.00\t40.00\t20.00",
        "信息系统运维\t40.00\t40.00\t",
        "二、特定目标类项目\t70.00\t70.00\t",
        "产业发展专项资金\t70.00\t70.00\t",
    ]
    doc = _doc(tmp_path, _PROJECTS + rows)
    (table,) = parse_tables(doc)
    assert [r.role for r in table.rows] == ["total", "category", "item", "item", "category", "item"]
    report = verify(doc)
    assert report.findings == []
    assert report.by_rule["table.project-list-total"] == 3  # two categories and the 合计 line
    wrong = rows.copy()
    wrong[1] = "一、运转类项目\t110.00\t90.00\t20.00"
    errors = _findings(_doc(tmp_path, _PROJECTS + wrong), "error")
    (category,) = [f for f in errors if f.rule_id == "table.project-list-total"]
    assert category.message.startswith("2026年项目支出预算表: 一、运转类项目 is 110.00 万元")


def test_of_which_rows_are_parts_not_siblings_synthetic(tmp_path):
    rows = [
        "合计\t100.00\t100.00\t",
        "市场监管专项经费\t100.00\t100.00\t",
        "其中：抽检经费\t30.00\t30.00\t",
    ]
    doc = _doc(tmp_path, _PROJECTS + rows)
    (table,) = parse_tables(doc)
    assert [r.role for r in table.rows] == ["total", "item", "part"]
    assert [f for f in verify(doc).findings if f.severity == "error"] == []


_SUMMARY = ["2026年部门收支总表", "单位：万元", "收入\t\t支出\t", "项目\t预算数\t项目\t预算数"]


def test_balancing_rows_of_a_summary_synthetic(tmp_path):
    rows = [
        "一、一般公共预算\t100.00\t一、一般公共服务支出\t110.00",
        "二、单位资金\t20.00\t二、教育支出\t5.00",
        "本年收入合计\t120.00\t本年支出合计\t115.00",
        "上年实户资金余额\t10.00\t未安排支出的实户资金\t8.00",
        "上年结转\t5.00\t结转下年\t12.00",
        "收入总计\t135.00\t支出总计\t135.00",
    ]
    doc = _doc(tmp_path, _SUMMARY + rows)
    (table,) = parse_tables(doc)
    assert [c.side for c in table.columns] == [0, 1]
    report = verify(doc)
    assert [f for f in report.findings if f.severity == "error"] == []
    assert report.by_rule["table.summary-columns"] == 4  # 本年合计 and 总计, on each half
    wrong = rows.copy()
    wrong[3] = "上年实户资金余额\t10.00\t未安排支出的实户资金\t9.00"
    errors = _findings(_doc(tmp_path, _SUMMARY + wrong), "error")
    assert [f.rule_id for f in errors] == ["table.summary-columns"]
    assert "总计" in errors[0].message


def test_decimals_wrapped_onto_their_own_line_in_a_raw_dump_synthetic(tmp_path):
    # A raw dump (spaces, no tabs) that wraps "52,333.24" after its integer part: the row keeps its amount
    # and the rows after it keep theirs (no shift by one).
    lines = [
        "2026年部门支出总表",
        "单位：万元",
        "科目编码 科目名称 合计 基本支出 项目支出",
        "合计 52,345.24 52,333.24 12.00",
        "201 一般公共服务支出 52,345.24 52,333",
        ".24",
        "20101 人大事务 12.00  12.00",
    ]
    (table,) = parse_tables(_doc(tmp_path, lines))
    row = next(r for r in table.rows if r.code == "201")
    assert [a.text for a in row.amounts.values()] == ["52,345.24", "52,333.24"]
    assert [a.text for a in table.rows[-1].amounts.values()] == ["12.00", "12.00"]


def test_an_untitled_table_does_not_inherit_the_previous_header_synthetic(tmp_path):
    # A second table whose title the parser does not know follows the 支出表 directly: its header differs, so
    # its rows are not read as 科目 lines of the 支出表 under 合计 | 基本支出 | 项目支出.
    other = ["项目\t预算数\t项目\t合计\t一般公共预算", "一、一般公共预算\t300.00\t一、一般公共服务支出\t300.00\t300.00"]
    doc = _doc(tmp_path, _spending(CONSISTENT) + other)
    (table,) = parse_tables(doc)
    assert [r.code for r in table.rows] == [r[0] or None for r in CONSISTENT]
    assert "一般公共预算" not in doc.text[table.start : table.end]
    assert [f for f in verify(doc).findings if f.severity != "info"] == []
