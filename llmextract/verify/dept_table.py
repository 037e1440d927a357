"""The department-wide target table (部门整体支出绩效目标表): its 年度预算情况 against itself, the prose and the
支出表.

The table prints the budget twice: 按资金来源划分 (合计 = 一般公共预算资金 + 政府性基金 + …) and 按资金用途划分
(合计 = 基本支出 + 项目支出). Both must add up, and the totals must be the department's budget as the prose
("整体支出绩效目标，涉及部门预算资金1272.82万元，其中基本支出242.32万元，项目支出1030.50万元") and the 支出表
state it. Seed 002 prints 合计 1284.82 beside 342.32 + 1042.50 = 1384.82, while the prose and the tables say
1272.82: each difference is its own finding, with both references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from llmextract.core.document import Document
from llmextract.core.numbers import convert, try_decimal
from llmextract.core.records import ProjectRecord
from llmextract.extract.rules.segments import tab_rows
from llmextract.tables import BudgetTable
from llmextract.tables.queries import total_cell
from llmextract.verify.cross_rules import as_unit
from llmextract.verify.ledger import RecordLedger
from llmextract.verify.report import Span
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import Figure, equal, figure, sum_holds

_SOURCES = (
    ("一般公共预算", re.compile(r"一般公共预算")),
    ("政府性基金", re.compile(r"政府性基金")),
    ("国有资本经营", re.compile(r"国有资本经营")),
    ("社会保险基金", re.compile(r"社会保险基金")),
    ("专户管理资金", re.compile(r"专户|财政专户")),
    ("单位资金", re.compile(r"^单位资金")),
    ("其他资金", re.compile(r"^其他资金")),
)
_USES = ("基本支出", "项目支出")
_LEAD = re.compile(r"^其中\s*[:：]?\s*")
_STOP = re.compile(r"三级指标|年度绩效指标")
_PROSE = re.compile(
    r"整体(支出)?绩效目标[^。]*?涉及[^。\d]*?资金\s*(?P<total>\d[\d,]*(?:\.\d+)?)\s*万元(?P<rest>[^。]*)"
)
_PROSE_PART = re.compile(r"(?P<name>基本支出|项目支出)\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*万元")
_UNIT = "万元"  # what the prose states; a table printed in 元 is converted to it
_TABLE_UNIT = re.compile(r"资金总额\s*[(（]\s*(?P<unit>万元|元)\s*[)）]")
_PATH = "funding.annual_total"


@dataclass(frozen=True, slots=True)
class Cell:
    value: Decimal
    start: int
    end: int


@dataclass
class DeptBudget:
    totals: list[Cell] = field(default_factory=list)  # 合计 by source, then 合计 by use
    sources: dict[str, Cell] = field(default_factory=dict)
    uses: dict[str, Cell] = field(default_factory=dict)
    unit: str = _UNIT

    def figure(self, cell: Cell) -> Figure:
        """A printed amount as a figure in 万元."""
        f = figure(cell.value, self.unit)
        if self.unit == _UNIT:
            return f
        return Figure(convert(f.value, self.unit, _UNIT), convert(f.step, self.unit, _UNIT))


def read_dept_budget(doc: Document, record: ProjectRecord) -> DeptBudget:
    """The labelled amounts of the table's 年度预算情况 (tab-separated rows; raw dumps are not read)."""
    out = DeptBudget()
    unit = _TABLE_UNIT.search(doc.text, record.location.start, record.location.end)
    if unit is not None:
        out.unit = unit.group("unit")
    for row in tab_rows(doc, record.location.start, record.location.end):
        if any(_STOP.search(c.text) for c in row):
            break
        for cell, nxt in pairwise(row):
            value = try_decimal(nxt.text)
            if value is None:
                continue
            label = _LEAD.sub("", cell.text).replace(" ", "")
            amount = Cell(value, nxt.start, nxt.end)
            if label in ("合计", "总计") and len(out.totals) < 2:
                out.totals.append(amount)
            elif label in _USES:
                out.uses.setdefault(label, amount)
            else:
                name = next((n for n, rx in _SOURCES if rx.search(label)), None)
                if name is not None:
                    out.sources.setdefault(name, amount)
    return out


def check_dept_table(doc: Document, record: ProjectRecord, ledger: RecordLedger, tables: list[BudgetTable]) -> None:
    if record.kind != "department":
        return
    budget = read_dept_budget(doc, record)
    if not budget.totals:
        ledger.note("record.dept-table-sum", [_PATH], "the table's 年度预算情况 could not be read")
        return
    paths = [_PATH] if record.funding.annual_total is not None else []
    by_source = budget.totals[0]
    by_use = budget.totals[1] if len(budget.totals) > 1 else budget.totals[0]
    if budget.sources:
        _sum(ledger, budget, "按资金来源划分", by_source, budget.sources, paths)
    if len(budget.uses) == 2:
        _sum(ledger, budget, "按资金用途划分", by_use, budget.uses, paths)
    _vs_references(doc, ledger, by_use, budget, tables, paths)


def _sum(
    ledger: RecordLedger, budget: DeptBudget, what: str, total: Cell, parts: dict[str, Cell], paths: list[str]
) -> None:
    terms = [budget.figure(c) for c in parts.values()]
    computed = sum((c.value for c in parts.values()), Decimal(0))
    expression = " + ".join(f"{n} {fmt(c.value)}" for n, c in parts.items()) + f" = {fmt(computed)}"
    if sum_holds(budget.figure(total), terms):
        ledger.passed("record.dept-table-sum", paths, f"{what}: {expression}")
        return
    ledger.failed(
        "record.dept-table-sum",
        f"{ledger.record.name} 整体支出绩效目标表, {what}: the parts add up to {fmt(computed)} {budget.unit}, "
        f"合计 prints {fmt(total.value)}",
        expression,
        f"合计 {fmt(total.value)}",
        [(total.start, total.end), *((c.start, c.end) for c in parts.values())],
        paths,
    )


def _prose_figures(doc: Document) -> dict[str, tuple[Decimal, Span]]:
    m = _PROSE.search(doc.text)
    if m is None:
        return {}
    out: dict[str, tuple[Decimal, Span]] = {}
    total = try_decimal(m.group("total"))
    if total is not None:
        out["合计"] = (total, m.span("total"))
    offset = m.start("rest")
    for part in _PROSE_PART.finditer(m.group("rest")):
        value = try_decimal(part.group("num"))
        if value is not None:
            out.setdefault(part.group("name"), (value, (offset + part.start("num"), offset + part.end("num"))))
    return out


def _vs_references(
    doc: Document, ledger: RecordLedger, total: Cell, budget: DeptBudget, tables: list[BudgetTable], paths: list[str]
) -> None:
    prose = _prose_figures(doc)
    # The 支出表 may include 上年结转 where the department table does not: every budget table that prints the
    # figure is a reference, and matching any one of them is agreement.
    budget_tables = [t for t in tables if t.kind in ("expenditure", "general_budget") and not t.empty]
    printed = {"合计": total, **budget.uses}
    for name, cell in printed.items():
        refs: list[tuple[str, Figure, Span]] = []
        if name in prose:
            value, span = prose[name]
            refs.append(("the text", figure(value, _UNIT, prose=True), span))
        for table in budget_tables:
            located = total_cell(table, name, *(("小计",) if name == "合计" else ()))
            if located is not None:
                refs.append((located[0].title, as_unit(located, _UNIT), (located[1].start, located[1].end)))
        on_path = paths if name == "合计" else []
        if not refs:
            ledger.note("record.dept-vs-prose", on_path, f"no {name} of the department in the text or the 支出表")
            continue
        mine = budget.figure(cell)
        shown = ", ".join(f"{fmt(f.value)} ({where})" for where, f, _ in refs)
        if any(equal(mine, f) for _, f, _ in refs):
            ledger.passed("record.dept-vs-prose", on_path, f"{name} {fmt(cell.value)} = {shown}")
            continue
        # The prose states the department-wide figure itself; tables alone may differ in scope.
        if name not in prose and len({f.value for _, f, _ in refs}) > 1:
            ledger.unchecked(
                "record.dept-vs-prose",
                f"{name} {fmt(cell.value)} {budget.unit}: the references disagree among themselves: {shown}",
                [(cell.start, cell.end)],
                on_path,
            )
            continue
        where, first, _ = refs[0]
        ledger.failed(
            "record.dept-vs-prose",
            f"{ledger.record.name} 整体支出绩效目标表 prints {name} {fmt(cell.value)} {budget.unit}, "
            f"{where} {fmt(first.value)}",
            shown,
            fmt(cell.value),
            [(cell.start, cell.end), *(span for _, _, span in refs)],
            on_path,
        )
