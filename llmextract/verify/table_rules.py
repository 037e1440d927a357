"""Arithmetic inside one table: code hierarchy, column parts, 收支 balance, 三公 parts, project list totals."""

from __future__ import annotations

from decimal import Decimal

from llmextract.core.document import Document
from llmextract.tables import Amount, BudgetRow, BudgetTable, Column
from llmextract.tables.queries import grand_totals, three_public_items
from llmextract.tables.structure import list_groups
from llmextract.verify.report import Checker
from llmextract.verify.tolerance import Figure, figure, sum_holds

_ZERO = Decimal(0)


def fig(table: BudgetTable, amount: Amount | None) -> Figure:
    return figure(amount.value if amount else _ZERO, table.unit)


def fmt(value: Decimal) -> str:
    return f"{value:,}"


def fmt_short(value: Decimal) -> str:
    """A computed amount without trailing zeros or an exponent: 195.000 -> "195", 7.5E+4 -> "75,000"."""
    return fmt(Decimal(format(value.normalize(), "f")))


def check_table(doc: Document, table: BudgetTable, checker: Checker) -> None:
    """The arithmetic inside one table (the column rules of :mod:`source_rules` and :mod:`summary_rules`
    are the rest of its own relations: :func:`llmextract.verify.trust.own_relations`)."""
    if table.empty:
        return
    if not table.rows:
        checker.unchecked("table.parsed", f"{table.title}: no rows could be read", [(table.start, table.end)])
        return
    _code_hierarchy(table, checker)
    _named_classes(table, checker)
    _total_of_classes(table, checker)
    _column_parts(table, checker)
    if table.kind in ("summary", "fiscal_summary"):
        _summary_balance(doc, table, checker)
    if table.kind == "three_public":
        _three_public(table, checker)
    if table.kind in ("projects", "projects_carryover"):
        _project_list(table, checker)


def sum_check(
    checker: Checker,
    rule: str,
    table: BudgetTable,
    what: str,
    total: Amount | None,
    parts: list[tuple[str, Amount | None]],
    fallback_span: tuple[int, int],
) -> None:
    if total is None and all(a is None for _, a in parts):
        return
    t = fig(table, total)
    terms = [fig(table, a) for _, a in parts]
    ok = sum_holds(t, terms)
    computed = sum((x.value for x in terms), _ZERO)
    expression = " + ".join(f"{name} {fmt(x.value)}" for (name, _), x in zip(parts, terms, strict=True))
    spans = [(a.start, a.end) for a in [total, *(p for _, p in parts)] if a is not None] or [fallback_span]
    checker.check(
        ok,
        rule,
        f"{table.title}: {what} is {fmt(t.value)} {table.unit} but its parts add up to {fmt(computed)}",
        f"{expression} = {fmt(computed)}",
        fmt(t.value),
        spans,
    )


def _code_hierarchy(table: BudgetTable, checker: Checker) -> None:
    rows = list(table.rows)
    for i, parent in enumerate(rows):
        if parent.code is None or len(parent.code) not in (3, 5):
            continue
        children: list[BudgetRow] = []
        for row in rows[i + 1 :]:
            if row.code is None or len(row.code) <= len(parent.code) or not row.code.startswith(parent.code):
                break
            if len(row.code) == len(parent.code) + 2:
                children.append(row)
        if not children:
            continue
        for col in table.columns:
            parts = [(f"{c.code}{c.label}", c.amount(col)) for c in children]
            sum_check(
                checker,
                "table.code-hierarchy",
                table,
                f"{parent.code} {parent.label} [{col.name or col.index}]",
                parent.amount(col),
                parts,
                (parent.start, parent.end),
            )


def _named_classes(table: BudgetTable, checker: Checker) -> None:
    """The code hierarchy of a table that prints no codes: each class line (its name alone on its line) =
    Σ the items below it, up to the next class line."""
    if table.kind in ("projects", "projects_carryover"):
        return  # a project list's categories are summed with its units (_project_list)
    rows = list(table.rows)
    heads = [i for i, r in enumerate(rows) if r.role == "category"]
    for k, i in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else len(rows)
        items = [r for r in rows[i + 1 : end] if r.role == "item"]
        if not items:
            continue
        for col in table.columns:
            parts = [(r.label[:20], r.amount(col)) for r in items]
            what = f"{rows[i].label} [{col.name or col.index}]"
            sum_check(
                checker, "table.code-hierarchy", table, what, rows[i].amount(col), parts, (rows[i].start, rows[i].end)
            )


def _total_of_classes(table: BudgetTable, checker: Checker) -> None:
    total = table.total_row()
    classes = [r for r in table.rows if r.code is not None and len(r.code) == 3]
    if total is None or not classes:
        return
    for col in table.columns:
        parts = [(f"{c.code}{c.label}", c.amount(col)) for c in classes]
        sum_check(
            checker,
            "table.total-of-classes",
            table,
            f"合计 [{col.name or col.index}]",
            total.amount(col),
            parts,
            (total.start, total.end),
        )


def _first(table: BudgetTable, *names: str) -> Column | None:
    for name in names:
        col = table.column(name)
        if col is not None:
            return col
    return None


# Spending columns that 合计 adds up beside 基本支出 and 项目支出 (杭州/湖州 支出预算总表, 决算 支出表).
_OTHER_SPENDING = ("专项业务经费支出", "事业单位经营", "上缴上级支出", "对附属单位补助支出")
_SPENDING = ("基本支出", "项目支出", "人员经费", "公用经费", *_OTHER_SPENDING)


def _column_parts(table: BudgetTable, checker: Checker) -> None:
    """合计 = 基本支出 + 项目支出 (+ the other spending columns), 基本支出 = 人员经费 + 公用经费, on every row
    and on each half of a two-sided table. When 基本支出 is only a group header over 人员经费 and 公用经费
    (it has no column of its own), those two stand for it. A relation needs every amount column after 合计
    to be a known spending column: a column it cannot name may be a term, so the sum is not made. Columns
    under a group header of their own after the spending columns (2026年政府采购项目 {小计, 其中…}) are a
    separate block, not terms.

    Templates differ on the other spending columns (事业单位经营支出, 上缴上级支出 …): 杭州 and 湖州 add them
    to 合计, 深圳 prints 事业单位经营支出 as a part of 基本支出 + 项目支出. The reading under which more rows
    add up is the table's; every row is then checked under it."""
    for side in sorted({c.side for c in table.columns}):
        cols = [c for c in table.columns if c.side == side]
        total = next((c for c in cols if c.name in ("合计", "小计")), None)
        named = {c.name: c for c in reversed(cols)}
        basic, project = named.get("基本支出"), named.get("项目支出")
        personnel, public = named.get("人员经费"), named.get("公用经费")
        after = _spending_block([c for c in cols if total is not None and c.index > total.index])
        known = all(c.name in _SPENDING for c in after)
        others = [c for c in after if c.name in _OTHER_SPENDING]
        if basic is not None and personnel and public and basic.index < personnel.index:
            for row in table.rows:
                _sum_row(table, checker, "table.personnel-plus-public", row, basic, [personnel, public])
        if total is None or not known or not after:
            continue
        if basic is not None and project is not None:
            parts = [basic, project]
        elif basic is None and personnel is not None and public is not None and (project or others):
            parts = [personnel, public, *(c for c in (project,) if c)]
        elif basic is None and project is None and personnel is not None and public is not None and not others:
            for row in table.rows:
                _sum_row(table, checker, "table.personnel-plus-public", row, total, [personnel, public])
            continue
        else:
            continue
        if others and _rows_holding(table, total, [*parts, *others]) >= _rows_holding(table, total, parts):
            parts = [*parts, *others]
        for row in table.rows:
            _sum_row(table, checker, "table.basic-plus-project", row, total, parts)


def _rows_holding(table: BudgetTable, total: Column, parts: list[Column]) -> int:
    return sum(
        1 for row in table.rows if sum_holds(fig(table, row.amount(total)), [fig(table, row.amount(c)) for c in parts])
    )


def _spending_block(after: list[Column]) -> list[Column]:
    """The columns after 合计 up to a block under a group header that holds no spending column."""
    spending_groups = {c.group for c in after if c.name in _SPENDING}
    for k, col in enumerate(after):
        if col.name not in _SPENDING and col.group and col.group not in spending_groups:
            return after[:k]
    return after


def _sum_row(
    table: BudgetTable, checker: Checker, rule: str, row: BudgetRow, total: Column, parts: list[Column]
) -> None:
    sum_check(
        checker,
        rule,
        table,
        f"{row.label_for(total)} {total.name}",
        row.amount(total),
        [(c.name, row.amount(c)) for c in parts],
        (row.start, row.end),
    )


def _summary_balance(doc: Document, table: BudgetTable, checker: Checker) -> None:
    found = grand_totals(doc, table)
    if len(found) < 2:
        checker.unchecked(
            "table.summary-balance", f"{table.title}: 收入总计 or 支出总计 not found", [(table.start, table.end)]
        )
        return
    sum_check(checker, "table.summary-balance", table, "收入总计", found["收入"], [("支出总计", found["支出"])], (0, 0))


def _three_public(table: BudgetTable, checker: Checker) -> None:
    span = (table.start, table.end)
    for items in three_public_items(table):
        if "合计" in items and ("公务用车购置及运行费" in items or "公务接待费" in items):
            parts = [(n, items.get(n)) for n in ("因公出国(境)费", "公务接待费", "公务用车购置及运行费")]
            sum_check(checker, "table.three-public-parts", table, "三公经费合计", items["合计"], parts, span)
        if "公务用车购置及运行费" in items and ("公务用车购置费" in items or "公务用车运行费" in items):
            parts = [(n, items.get(n)) for n in ("公务用车购置费", "公务用车运行费")]
            sum_check(
                checker,
                "table.three-public-parts",
                table,
                "公务用车购置及运行费",
                items["公务用车购置及运行费"],
                parts,
                span,
            )


def _project_list(table: BudgetTable, checker: Checker) -> None:
    """A project list's department line = Σ its units (or all projects), each unit = Σ its projects, each
    category (一、二、…) = Σ its items, and the 合计 line = Σ all projects."""
    col = _first(table, "合计", "小计") or (table.columns[0] if table.columns else None)
    if col is None:
        return
    rows = list(table.rows)
    rule = "table.project-list-total"
    department, groups = list_groups(rows)
    items = [r for r in rows if r.role == "item"]

    def check(head: BudgetRow, members: list[BudgetRow]) -> None:
        if members:
            parts = [(m.label[:20], m.amount(col)) for m in members]
            sum_check(checker, rule, table, head.label, head.amount(col), parts, (head.start, head.end))

    if department is not None:
        head = rows[department]
        units = [rows[i] for i, _ in groups]
        check(head, units if all(u.amount(col) is not None for u in units) else items)
    for i, members in groups:
        check(rows[i], [rows[j] for j in members])
    categories = [i for i, r in enumerate(rows) if r.role == "category"]
    for k, i in enumerate(categories):
        end = categories[k + 1] if k + 1 < len(categories) else len(rows)
        check(rows[i], [r for r in rows[i + 1 : end] if r.role == "item"])
    total = next((r for r in rows if r.role == "total"), None)
    if total is not None:
        check(total, items)
