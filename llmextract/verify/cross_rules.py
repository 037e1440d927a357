"""Equalities between tables: totals of 收支总表/收入表/支出表, 基本支出 by function and by economic class,
Σ 项目支出表 against 项目支出, 机关运行经费 against 公用经费."""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.document import Document
from llmextract.core.numbers import convert
from llmextract.tables import Amount, BudgetTable
from llmextract.tables.queries import (
    Located,
    admin_cost_cell,
    first_of,
    grand_totals,
    project_sum,
    total_cell,
)
from llmextract.verify.report import Checker
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import Figure, equal, figure, sum_holds


def as_unit(item: Located, unit: str) -> Figure:
    """A table amount as a figure in ``unit`` (its rounding step converted with it)."""
    table, amount = item
    f = figure(amount.value, table.unit)
    if table.unit == unit:
        return f
    return Figure(convert(f.value, table.unit, unit), convert(f.step, table.unit, unit))


def _equal(checker: Checker, rule: str, a: Located, b: Located, what: str) -> None:
    unit = a[0].unit
    fa, fb = as_unit(a, unit), as_unit(b, unit)
    checker.check(
        equal(fa, fb),
        rule,
        f"{what}: {a[0].title} says {fmt(fa.value)} {unit}, {b[0].title} says {fmt(fb.value)} {unit}",
        f"{fmt(fa.value)} ({a[0].title})",
        f"{fmt(fb.value)} ({b[0].title})",
        [(a[1].start, a[1].end), (b[1].start, b[1].end)],
    )


def check_cross(doc: Document, tables: list[BudgetTable], checker: Checker) -> None:
    expenditure = first_of(tables, "expenditure")
    exp_total = total_cell(expenditure, "合计", "小计")
    summary = first_of(tables, "summary")
    if summary is not None and exp_total is not None:
        spent = grand_totals(doc, summary).get("支出")
        carry = (
            "结转下年" in doc.text[summary.start : summary.end] or "年末结转" in doc.text[summary.start : summary.end]
        )
        if spent is not None and not carry and not summary.final_accounts:
            _equal(checker, "cross.expenditure-total", (summary, spent), exp_total, "支出总计")
    income = first_of(tables, "income")
    income_total = total_cell(income, "合计", "小计")
    if income_total is not None and exp_total is not None and not income_total[0].final_accounts:
        _income_vs_expenditure(checker, income_total, total_cell(income, "上年结转"), exp_total)

    general = next((t for t in tables if t.kind == "general_budget" and t.column("基本支出")), None)
    basic_by_function = total_cell(general, "基本支出")
    economic = first_of(tables, "basic_economic")
    basic_by_class = (
        total_cell(economic, "基本支出", "合计", "小计") if economic and economic.column("人员经费") else None
    )
    if basic_by_function and basic_by_class:
        _equal(checker, "cross.basic-economic", basic_by_function, basic_by_class, "基本支出")
    elif (present := basic_by_function or basic_by_class) is not None:
        checker.unchecked(
            "cross.basic-economic",
            "基本支出 found in one table only; the other table is missing or unread",
            [(present[1].start, present[1].end)],
        )

    projects = project_sum(tables)
    if projects is not None and projects[1]:
        table, amounts = projects
        candidates = [c for c in (total_cell(expenditure, "项目支出"), total_cell(general, "项目支出")) if c]
        if candidates:
            terms = [figure(a.value, table.unit) for a in amounts]
            total = sum((t.value for t in terms), Decimal(0))
            ok = any(sum_holds(as_unit(c, table.unit), terms) for c in candidates)
            # A list may also hold the projects paid from 事业单位经营 revenue, which the 支出表 prints in its
            # own column beside 项目支出 (湖州 表10 against 表03).
            business = total_cell(expenditure, "事业单位经营")
            if not ok and business is not None and candidates[0][0] is expenditure:
                ok = sum_holds(as_unit(candidates[0], table.unit), [*terms, _negated(as_unit(business, table.unit))])
            # A list with a 上年结转 column holds projects paid from last year's balance, which a 支出表 of this
            # year's budget leaves out (烟台 公开表11 against 公开表3).
            carried = total_cell(table, "上年结转")
            if not ok and carried is not None:
                narrower = [*terms, _negated(as_unit(carried, table.unit))]
                ok = any(sum_holds(as_unit(c, table.unit), narrower) for c in candidates)
            shown = ", ".join(f"{fmt(as_unit(c, table.unit).value)} ({c[0].title})" for c in candidates)
            checker.check(
                ok,
                "cross.project-list",
                f"{table.title}: its {len(amounts)} projects add up to {fmt(total)} {table.unit}, 项目支出 is {shown}",
                f"Σ {len(amounts)} projects = {fmt(total)}",
                shown,
                [(a.start, a.end) for a in amounts[:1]] + [(c[1].start, c[1].end) for c in candidates],
            )

    if summary is not None and expenditure is not None and not summary.final_accounts:
        _summary_classes(summary, expenditure, checker)

    admin = admin_cost_cell(tables)
    public = total_cell(economic, "公用经费")
    if admin and public:
        _equal(checker, "cross.admin-cost", admin, public, "机关运行经费 vs 公用经费")


def _negated(f: Figure) -> Figure:
    return Figure(-f.value, f.step)


def _income_vs_expenditure(checker: Checker, income: Located, carried: Located | None, spent: Located) -> None:
    """收入表 合计 against 支出表 合计. Some templates put 上年结转 beside 本年收入 合计 rather than in it, so
    合计 + 上年结转 may be what balances the expenditure."""
    unit = spent[0].unit
    target = as_unit(spent, unit)
    ok = equal(as_unit(income, unit), target)
    if not ok and carried is not None:
        ok = sum_holds(target, [as_unit(income, unit), as_unit(carried, unit)])
    shown = fmt(as_unit(income, unit).value) + (f" + 上年结转 {fmt(as_unit(carried, unit).value)}" if carried else "")
    checker.check(
        ok,
        "cross.expenditure-total",
        f"收入合计: {income[0].title} says {shown} {unit}, {spent[0].title} 合计 is {fmt(target.value)} {unit}",
        f"{fmt(target.value)} ({spent[0].title})",
        f"{shown} ({income[0].title})",
        [(income[1].start, income[1].end), (spent[1].start, spent[1].end)],
    )


_NUMBERING = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_YEAR_TOTAL = re.compile(r"^(本年支出合计|支出合计|支出总计|总计)")


def _summary_classes(summary: BudgetTable, expenditure: BudgetTable, checker: Checker) -> None:
    """The 支出 items of the 收支总表 (its last half, above 本年支出合计) against the 支出表 (both cover all
    funds): when the items' names, in order, are exactly the 支出表's 类 lines ("一、一般公共服务支出" …, its
    numbered items when 款 and 项 follow them unnumbered) or exactly all its lines (类, 款 and 项 by name, as 杭州
    prints them), each item = that line's 合计."""
    total = expenditure.column("合计")
    halves = sorted({c.side for c in summary.columns})
    column = next((c for c in summary.columns if c.side == halves[-1]), None) if halves else None
    if total is None or column is None or expenditure.final_accounts:
        return
    items: list[tuple[str, Amount]] = []
    numbered: list[tuple[str, Amount]] = []
    for row in summary.rows:
        label = row.label_for(column)
        if _YEAR_TOTAL.match(label):
            break
        amount = row.amount(column)
        if label and amount is not None:
            items.append((_NUMBERING.sub("", label), amount))
            if _NUMBERING.match(label):
                numbered.append(items[-1])
    lines = [r for r in expenditure.rows if r.role == "item" and r.amount(total) is not None]
    classes = [r for r in lines if r.code and len(r.code) == 3]
    for named, candidate in ((numbered, classes), (items, classes), (items, lines)):
        if named and [r.label for r in candidate] == [name for name, _ in named]:
            for (name, item), line in zip(named, candidate, strict=True):
                cell = line.amount(total)
                assert cell is not None
                _equal(checker, "cross.summary-classes", (summary, item), (expenditure, cell), name)
            return
