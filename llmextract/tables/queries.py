"""Queries over parsed budget tables: their totals, the cells a relation compares, the projects of a list.

Pure lookups, shared by the table, cross-table and prose rules of the verifier and by the record rules.
"""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.document import Document
from llmextract.tables.model import Amount, BudgetRow, BudgetTable, TableKind

Located = tuple[BudgetTable, Amount]


_GRAND = {
    "收入": re.compile(r"收\s*入\s*总\s*计[\t ]*(?P<num>[\d,]+(?:\.\d+)?)"),
    "支出": re.compile(r"支\s*出\s*总\s*计[\t ]*(?P<num>[\d,]+(?:\.\d+)?)"),
}


_BARE_TOTAL = re.compile(r"(?:^|\t)总\s*计\t(?:\d{1,3}\t)?(?P<num>[\d,]+\.\d+)", re.MULTILINE)


def grand_totals(doc: Document, table: BudgetTable) -> dict[str, Amount]:
    """收入总计 and 支出总计 of a 收支总表: the number printed right after each label. 决算 tables label both
    sides just 总计 (revenue on the left, expenditure on the right) with a 行次 number before the amount."""
    body = doc.text[table.start : table.end]
    found: dict[str, Amount] = {}
    for side, pattern in _GRAND.items():
        m = pattern.search(body)
        if m:
            found[side] = _amount_at(table, m)
    if not found:
        bare = list(_BARE_TOTAL.finditer(body))
        if len(bare) == 2:
            found = {"收入": _amount_at(table, bare[0]), "支出": _amount_at(table, bare[1])}
    return found


def _amount_at(table: BudgetTable, m: re.Match[str]) -> Amount:
    value = Decimal(m.group("num").replace(",", ""))
    return Amount(value, m.group("num"), table.start + m.start("num"), table.start + m.end("num"))


_THREE_PUBLIC = (
    ("因公出国", "因公出国(境)费"),
    ("公务接待", "公务接待费"),
    ("购置及运行", "公务用车购置及运行费"),
    ("购置费", "公务用车购置费"),
    ("运行", "公务用车运行费"),
)


def three_public_items(table: BudgetTable) -> list[dict[str, Amount | None]]:
    """The 三公 items per measure: one dict per amount column (vertical layout) or per data row (horizontal)."""
    measures: list[dict[str, Amount | None]] = []
    names = {name for _, name in _THREE_PUBLIC} | {"合计"}
    # Items as columns: the one data row of a horizontal table, or one row per unit (杭州 表7).
    by_column = sum(1 for c in table.columns if c.name.split(":")[-1] in names) >= 2
    horizontal = list(table.rows) if by_column else [r for r in table.rows if r.label == ""]
    if horizontal:
        for row in horizontal:
            # 决算 tables print a 预算数 block and a 决算数 block side by side: a repeated name starts a block.
            items: dict[str, Amount | None] = {}
            for col in table.columns:
                name = col.name.split(":")[-1]
                if name not in names:
                    continue
                if name in items:
                    measures.append(items)
                    items = {}
                items[name] = row.amount(col)
            measures.append(items)
        return measures
    for col in table.columns[:1] if table.final_accounts else table.columns:
        items = {}
        for row in table.rows:
            if row.label in ("合计", "总计") or row.label.endswith("三公”经费") or row.label.endswith("三公经费"):
                items.setdefault("合计", row.amount(col))
                continue
            for word, name in _THREE_PUBLIC:
                if word in row.label:
                    items.setdefault(name, row.amount(col))
                    break
        measures.append(items)
    return measures


def project_leaves(table: BudgetTable) -> list[BudgetRow]:
    """The projects of a project list: not the 合计 line, a department or unit subtotal, a category (一、…)
    or a 其中 part of the line above."""
    return [r for r in table.rows if r.role == "item"]


def first_of(tables: list[BudgetTable], kind: TableKind) -> BudgetTable | None:
    return next((t for t in tables if t.kind == kind and not t.empty), None)


def total_cell(table: BudgetTable | None, *names: str) -> Located | None:
    """The 合计-row cell of the first of ``names`` that the table has."""
    if table is None:
        return None
    row = table.total_row()
    if row is None:
        return None
    for name in names:
        amount = row.amount(table.column(name))
        if amount is not None:
            return table, amount
    return None


def admin_cost_cell(tables: list[BudgetTable]) -> Located | None:
    table = first_of(tables, "admin_cost")
    if table is not None and table.rows and table.columns:
        amount = table.rows[0].amount(table.columns[0])
        if amount is not None:
            return table, amount
    for t in tables:
        if t.kind == "three_public":
            for row in t.rows:
                amount = row.amount(t.column("机关运行经费"))
                if amount is not None:
                    return t, amount
    return None


def project_sum(tables: list[BudgetTable]) -> tuple[BudgetTable, list[Amount]] | None:
    table = first_of(tables, "projects")
    if table is None or not table.columns:
        return None
    col = table.column("合计") or table.columns[0]
    amounts = [a for r in project_leaves(table) if (a := r.amount(col)) is not None]
    return table, amounts
