"""Column sums of a 收支总表 / 财政拨款收支总表: the items above 本年收入(支出)合计 add up to it, and 本年合计
plus the rows below it (上年结转, 年终结余, …) add up to 收入(支出)总计.

Only the balance 收入总计 = 支出总计 was checked before, so a misprinted item or 本年合计 went unnoticed. Each
column is checked on its own; a column is skipped when an item above 本年合计 is not a top-level item
("一、…") on both sides of the row, because sub-items ("其中", "1、", an unnumbered fund under 财政拨款收入)
would be counted twice (in a two-sided table, read half by half, the numbered items are summed, and each
against its fund lines); below 本年合计 only the balancing rows (结转, 结余, 实户资金) are terms (numbered or
fund-named rows under them break them down). In a two-sided table a column's rows are named by the labels of
its own half (收入 items for the 收入 column, 支出 items for the 支出 columns).
"""

from __future__ import annotations

import re

from llmextract.tables import Amount, BudgetRow, BudgetTable, Column
from llmextract.tables.kinds import compact
from llmextract.verify.report import Checker
from llmextract.verify.table_rules import sum_check
from llmextract.verify.tolerance import equal, figure

_YEAR_TOTALS = ("本年收入合计", "本年支出合计", "收入合计", "支出合计")
_GRAND_TOTALS = ("收入总计", "支出总计", "总计")
_TOP_ITEM = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_NUMBERED = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|其中)")
_CARRIED = re.compile(r"结转|结余|实户资金")
_FUND = re.compile(r"^(一般公共预算|政府性基金|国有资本经营)")
_FUND_LINE = re.compile(r"^(\d+[、.．]|[（(]\d+[)）])?(一般公共预算|政府性基金|国有资本经营)(预算)?(收入|拨款)?$")
RULE = "table.summary-columns"


def _index(rows: list[BudgetRow], labels: tuple[str, ...], start: int = 0) -> int | None:
    return next((i for i in range(start, len(rows)) if any(compact(x) in labels for x in rows[i].labels)), None)


def _carried_over(rows: list[BudgetRow], col: Column, sided: bool) -> list[tuple[str, Amount | None]] | None:
    """The 结转/结余 terms between 本年合计 and 总计; None when a row there is something else (a 弥补收支差额
    line, say) that may or may not be a term. Rows naming a fund break a 结转 line down: not terms."""
    terms: list[tuple[str, Amount | None]] = []
    for r in rows:
        if r.amount(col) is None:
            continue
        label = compact(_labels(r, col, sided)[0])
        if _NUMBERED.match(label) or _FUND.search(label):
            continue
        if not _CARRIED.search(label):
            return None
        terms.append((label[:20], r.amount(col)))
    return terms


def _labels(row: BudgetRow, col: Column, sided: bool) -> tuple[str, ...]:
    """The labels naming ``row`` in ``col``: its half's label in a two-sided table, else all of them."""
    return (row.label_for(col),) if sided else row.labels


def check_summary_columns(table: BudgetTable, checker: Checker) -> None:
    rows = list(table.rows)
    year_i = _index(rows, _YEAR_TOTALS)
    if year_i is None:
        _without_year_totals(table, checker, rows)
        return
    grand_i = _index(rows, _GRAND_TOTALS, year_i + 1)
    span = (table.start, table.end)
    sided = any(c.side for c in table.columns)
    for col in table.columns:
        year = rows[year_i].amount(col)
        if year is None:
            continue
        name = col.name or "金额"
        items = [r for r in rows[:year_i] if r.amount(col) is not None]
        # Both sides' labels share a row: every label must be a top-level item, or the column is not summable.
        if items and all(_TOP_ITEM.match(compact(x)) for r in items for x in _labels(r, col, sided) if x):
            parts = [(_labels(r, col, sided)[0][:20], r.amount(col)) for r in items]
            sum_check(checker, RULE, table, f"本年合计 ({name})", year, parts, span)
        elif sided:
            _numbered_items(table, checker, rows[:year_i], col, year)
        grand = rows[grand_i].amount(col) if grand_i is not None else None
        if grand is not None and grand_i is not None:
            below = _carried_over(rows[year_i + 1 : grand_i], col, sided)
            if below is None:
                continue
            sum_check(checker, RULE, table, f"总计 ({name})", grand, [("本年合计", year), *below], span)


def _without_year_totals(table: BudgetTable, checker: Checker, rows: list[BudgetRow]) -> None:
    """A two-sided table that prints no 本年合计 line (上海, 杭州 财政拨款收支总表): 总计 is the sum of its half's
    numbered items and balancing lines."""
    grand_i = _index(rows, _GRAND_TOTALS)
    if grand_i is None or not any(c.side for c in table.columns):
        return
    for col in table.columns:
        grand = rows[grand_i].amount(col)
        if grand is not None:
            _numbered_items(table, checker, rows[:grand_i], col, grand, "总计")


def _numbered_items(
    table: BudgetTable, checker: Checker, rows: list[BudgetRow], col: Column, year: Amount, what: str = "本年合计"
) -> None:
    """One half of a two-sided table whose items are numbered (一、财政拨款 …) with unnumbered lines below
    them: 本年合计 = Σ the numbered items. The lines under a numbered item may be one level (the funds of
    财政拨款: 一般公共预算, 政府性基金预算, 国有资本经营预算) or two (a 类's 款 and 项, told apart only by
    indentation): an item is summed from its lines only when they all name a fund."""
    labelled = [(compact(r.label_for(col)), r) for r in rows]
    labelled = [(x, r) for x, r in labelled if x]
    if not labelled or not _TOP_ITEM.match(labelled[0][0]):
        return
    groups: list[tuple[BudgetRow, list[BudgetRow]]] = []
    for label, row in labelled:
        # A balancing line (上年结转结余) is a term of its own, unless numbered "1." under one.
        if _TOP_ITEM.match(label) or (_CARRIED.search(label) and not _NUMBERED.match(label)):
            groups.append((row, []))
        else:
            groups[-1][1].append(row)
    span = (table.start, table.end)
    name = col.name or "金额"
    tops = [(top.label_for(col)[:20], top.amount(col)) for top, _ in groups]
    sum_check(checker, RULE, table, f"{what} ({name})", year, tops, span)
    for top, lines in groups:
        shown = [r for r in lines if r.amount(col) is not None]
        if shown and all(_FUND_LINE.match(compact(r.label_for(col))) for r in lines):
            parts = [(r.label_for(col)[:20], r.amount(col)) for r in shown]
            what = f"{top.label_for(col)[:20]} ({name})"
            sum_check(checker, RULE, table, what, top.amount(col), parts, (top.start, top.end))


ROWS_RULE = "cross.rows-by-code"


def check_rows_by_code(tables: list[BudgetTable], checker: Checker) -> None:
    """A budget's 收入表 listed by 科目编码 (the 山西 template) prints, per code, the 合计 its 支出表 prints: the two
    tables list the same codes. Checked only when both list exactly the same codes and are not 决算 (where
    revenue and spending of a class differ by the year-end balance); a cell swapped inside one sum, which no
    sum can see, shows here."""
    income = next((t for t in tables if t.kind == "income" and not t.empty and not t.final_accounts), None)
    spending = next((t for t in tables if t.kind == "expenditure" and not t.empty and not t.final_accounts), None)
    if income is None or spending is None:
        return
    a_col, b_col = income.column("合计"), spending.column("合计")
    a_rows = {r.code: r for r in income.rows if r.code}
    b_rows = {r.code: r for r in spending.rows if r.code}
    # With a 上年结转 column beside it, the 收入表's 合计 is this year's revenue only, short of the spending.
    if a_col is None or b_col is None or income.column("上年结转") or not a_rows or set(a_rows) != set(b_rows):
        return
    for code, row in a_rows.items():
        a, b = row.amount(a_col), b_rows[code].amount(b_col)
        if a is None or b is None:
            continue
        ok = equal(figure(a.value, income.unit), figure(b.value, spending.unit))
        checker.check(
            ok,
            ROWS_RULE,
            f"{code} {row.label}: {income.title} prints {a.text}, {spending.title} {b.text}",
            f"{b.text} ({spending.title})",
            a.text,
            [(a.start, a.end), (b.start, b.end)],
        )
