"""Verifier changes made for the mutation eval, each pinned on the seed where the gap showed.

- table.summary-columns: a misprinted item or 本年合计 of a 收支总表 was invisible (only 收入总计 = 支出总计 was
  checked);
- prose.amount-in-table for 预算收入总计 / 支出总计 against the 收支总表, and for a function class named exactly
  (社会保障和就业支出) against its 类 row of the 支出表 / 一般公共预算支出表;
- prose.share: a list of shares (or a share after a zero figure) takes its base from the total before it, and
  only totals (or an equal figure) stand in for an unnamed base;
- table.sources-sum: 合计 = Σ funding-source columns of the 收入表 / 基本支出表 / 项目支出表 rows;
- prose.change-rate: an increase larger than the stated amount (last year negative) is an error, not "unchecked".
"""

from __future__ import annotations

from llmextract import load_document
from llmextract.core.document import Document
from llmextract.evals.docedit import Edit, edit_document
from llmextract.tables import parse_tables
from llmextract.verify import verify
from tests.conftest import seed


def _replace(doc: Document, old: str, new: str, after: str = "") -> Document:
    start = doc.text.index(old, doc.text.index(after) if after else 0)
    return edit_document(doc, [Edit(start, start + len(old), new)])


def _new_errors(before: Document, after: Document) -> list:
    old = {(f.rule_id, f.message) for f in verify(before).findings}
    return [f for f in verify(after).findings if f.severity == "error" and (f.rule_id, f.message) not in old]


def test_summary_columns_pass_on_every_seed():
    for prefix in ("000", "001", "002", "003", "004"):
        report = verify(load_document(seed(prefix)))
        assert not [f for f in report.findings if f.rule_id == "table.summary-columns" and f.severity != "info"]


def test_a_misprinted_summary_item_is_found_and_located():
    doc = load_document(seed("001"))
    summary = next(t for t in parse_tables(doc) if t.kind == "summary")
    cell = next(a for row in summary.rows for a in row.amounts.values() if a.text == "18.33")
    mutated = edit_document(doc, [Edit(cell.start, cell.end, "18.93")])
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "table.summary-columns"]
    assert errors and "本年合计" in errors[0].message
    assert any(loc.start <= cell.start < loc.end for f in errors for loc in f.locations)


def test_carried_over_rows_under_this_years_total_are_terms_and_fund_rows_are_not():
    doc = load_document(seed("004"))
    mutated = _replace(doc, "967.77", "967.87", after="财政拨款收支总表")
    assert any(f.rule_id == "table.summary-columns" for f in _new_errors(doc, mutated))


def test_prose_grand_total_is_checked_against_the_summary_table():
    doc = load_document(seed("001"))
    mutated = _replace(doc, "预算收入总计1,024.87", "预算收入总计1,024.97")
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "prose.amount-in-table"]
    assert errors and "收入总计" in errors[0].message


def test_a_share_in_a_list_of_shares_is_checked_against_the_lists_total():
    doc = load_document(seed("004"))
    mutated = _replace(doc, "占59.39%", "占68.79%")
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "prose.share"]
    assert errors and "1,629.62" in errors[0].message


def test_an_increase_larger_than_the_amount_is_an_error():
    doc = load_document(seed("003"))
    mutated = _replace(
        doc, "机关运行经费支出62.17万元，比2023年增加2.54万元", "机关运行经费支出2.54万元，比2023年增加62.17万元"
    )
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "prose.change-rate"]
    assert errors and "last year's amount was -59.63" in errors[0].message


def test_a_misprinted_fund_column_of_the_project_list_is_found():
    doc = load_document(seed("002"))
    projects = next(t for t in parse_tables(doc) if t.kind == "projects")
    fund = projects.column("一般公共预算")
    cell = projects.rows[0].amount(fund)
    assert cell is not None and cell.text == "1030.50"
    mutated = edit_document(doc, [Edit(cell.start, cell.end, "103.050")])
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "table.sources-sum"]
    assert errors and any(loc.start <= cell.start < loc.end for loc in errors[0].locations)


def test_a_share_after_a_zero_figure_takes_the_total_before_it():
    doc = load_document(seed("001"))
    mutated = _replace(doc, "项目支出总额的77.46%", "项目支出总额的85.56%")
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "prose.share"]
    assert errors and "464.57" in errors[0].message


def test_a_function_class_amount_in_the_prose_is_checked_against_its_class_row():
    doc = load_document(seed("004"))
    mutated = _replace(doc, "社会保障和就业支出248.61万元", "社会保障和就业支出248.81万元")
    errors = [f for f in _new_errors(doc, mutated) if f.rule_id == "prose.amount-in-table"]
    assert errors and "248.61" in errors[0].message
