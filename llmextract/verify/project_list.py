"""A project's 年度资金总额 against its line in the 项目支出表 (表十二, 本年预算).

The line is found by name, compared character by character (Chinese, no tokenizer), because the two tables
are typed separately and drift: "忻州市食品公司经营" vs "忻州市食品公司经费", a 文号 with 2023 vs 2025. Among
the lines whose name is close enough, one with the same amount is the match (a list may repeat a name with
different amounts: "实施公车统管费用" 30 / 5 / 3). Only a line whose name is nearly the same is held against a
different amount; a looser match is reported as not checkable rather than as an error about another project.
A line whose amount is that of another record with the same name (two units' tables for one project name)
belongs to that record and is never held against this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from llmextract.core.alignment import normalise
from llmextract.core.numbers import convert
from llmextract.core.records import ProjectRecord
from llmextract.tables import Amount, BudgetRow, BudgetTable
from llmextract.tables.queries import first_of, project_leaves
from llmextract.verify.ledger import RecordLedger
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import Figure, equal, figure, sum_holds

MATCH = 0.6  # a line this similar may be the project, if its amount agrees
SAME = 0.85  # a line this similar is the project: a different amount is a contradiction
_RULE = "record.funding-vs-project-list"
_PATH = "funding.annual_total"


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    amount: Amount
    score: float


def name_similarity(a: str, b: str) -> float:
    """Character-level similarity of two names, whitespace and full-width forms ignored."""
    x, y = normalise(a), normalise(b)
    if not x or not y:
        return 0.0
    return round(SequenceMatcher(None, x, y, autojunk=False).ratio(), 3)


def _lines(table: BudgetTable | None, name: str) -> list[Line]:
    if table is None or not table.columns:
        return []
    col = table.column("合计") or table.columns[0]
    out = []
    for row in project_leaves(table):
        amount = row.amount(col)
        if amount is not None:
            out.append(Line(_label(row), amount, name_similarity(name, _label(row))))
    return sorted((ln for ln in out if ln.score >= MATCH), key=lambda ln: -ln.score)


def _label(row: BudgetRow) -> str:
    """The project's name: in a list with a 单位名称 column beside the 项目名称 one, the project cell."""
    return row.label


def _in_unit(record: ProjectRecord, unit: str) -> Figure | None:
    total = record.funding.annual_total
    if total is None or record.funding.unit is None:
        return None
    f = figure(total, record.funding.unit)
    return Figure(convert(f.value, record.funding.unit, unit), convert(f.step, record.funding.unit, unit))


def check_project_list(
    record: ProjectRecord,
    ledger: RecordLedger,
    tables: list[BudgetTable],
    records: list[ProjectRecord] | None = None,
) -> None:
    if record.kind != "project" or record.funding.annual_total is None:
        return
    table = first_of(tables, "projects")
    if table is None:
        ledger.note(_RULE, [_PATH], "no 项目支出表 (本年预算) was read in this document")
        return
    value = _in_unit(record, table.unit)
    if value is None:
        ledger.note(_RULE, [_PATH], "the unit of the project's funds is not printed")
        return
    lines = _lines(table, record.name)
    carried = _lines(first_of(tables, "projects_carryover"), record.name)
    shown = f"{fmt(record.funding.annual_total)} {record.funding.unit}"
    for line in lines:
        if equal(value, figure(line.amount.value, table.unit)) or any(
            sum_holds(value, [figure(line.amount.value, table.unit), figure(c.amount.value, table.unit)])
            for c in carried
        ):
            _matched(record, ledger, table, line, shown)
            return
    if not lines:
        ledger.note(_RULE, [_PATH], f"no line of {table.title} has a name like “{record.name}”")
        return
    unclaimed = [ln for ln in lines if not _claimed_by_namesake(record, records or [], ln, table.unit)]
    if not unclaimed:
        ledger.note(
            _RULE,
            [_PATH],
            f"the lines of {table.title} named like “{record.name}” hold the amounts of other tables of that name",
        )
        return
    best = unclaimed[0]
    if best.score < SAME:
        ledger.note(
            _RULE,
            [_PATH],
            f"closest line “{best.label}” (similarity {best.score}) prints {fmt(best.amount.value)} {table.unit}; "
            "too different a name to hold it against this project",
        )
        return
    ledger.failed(
        _RULE,
        f"{record.name}: 年度资金总额 {shown} = {fmt(value.value)} {table.unit}, but its line in {table.title} "
        f"(“{best.label}”, name similarity {best.score}) prints {fmt(best.amount.value)} {table.unit}",
        f"{fmt(value.value)} {table.unit} (= {shown})",
        f"{fmt(best.amount.value)} {table.unit}",
        _spans(record, best),
        [_PATH],
    )


def _claimed_by_namesake(record: ProjectRecord, records: list[ProjectRecord], line: Line, unit: str) -> bool:
    """Another record of the same name prints exactly this line's amount: the line is that record's."""
    for other in records:
        if other is record or other.kind != "project" or normalise(other.name) != normalise(record.name):
            continue
        value = _in_unit(other, unit)
        if value is not None and equal(value, figure(line.amount.value, unit)):
            return True
    return False


def _matched(record: ProjectRecord, ledger: RecordLedger, table: BudgetTable, line: Line, shown: str) -> None:
    ledger.passed(
        _RULE,
        [_PATH],
        f"{shown} = {fmt(line.amount.value)} {table.unit} on “{line.label}” in {table.title} "
        f"(name similarity {line.score})",
    )
    if normalise(line.label) == normalise(record.name):
        ledger.passed("record.project-list-name", [], "")
        return
    ledger.failed(
        "record.project-list-name",
        f"“{record.name}” is printed as “{line.label}” in {table.title} (similarity {line.score}); "
        f"matched by its amount {fmt(line.amount.value)} {table.unit}",
        line.label,
        record.name,
        _spans(record, line),
    )


def _spans(record: ProjectRecord, line: Line) -> list[tuple[int, int]]:
    spans = [(line.amount.start, line.amount.end)]
    for path in ("funding.annual_total", "name"):
        loc = record.field_locations.get(path)
        if loc is not None:
            spans.insert(0, (loc.start, loc.end))
    return spans
