"""A project of a row list read into record fields: name, unit, department, funds and their unit, goals, and
the indicators of its rows (read by the form's grid reader, through the list's indicator columns only).

The funds' unit is the one printed: in the amount cell ("7000万元"), in the amount column's header
("预算数（万元）"), or on the line above the table ("单位：万元", "341-湖州市财政局 万元"). 部门名称 / 单位名称 lines
and "341-湖州市财政局" above the table name the department.
"""

from __future__ import annotations

import re
from typing import Literal

from llmextract.core.document import Document
from llmextract.core.numbers import try_decimal
from llmextract.core.records import Indicator
from llmextract.extract.rules.fields import Fields
from llmextract.extract.rules.indicators import tab_indicators
from llmextract.extract.rules.segments import Seg, join_text
from llmextract.layout.pieces import Piece
from llmextract.layout.project_lists import ListedProject, Role

_NAMED_DEPARTMENT = re.compile(
    r"((部门|单位)名称|编制单位|预算单位|主管部门)\s*[:：]\s*(?P<name>(?!(亿元|万元|元)(\s|$))[^\s:：]+)"
)
_CODED_DEPARTMENT = re.compile(r"^\s*(?P<code>\d{2,})\s*[-_－]\s*(?P<name>[^\s]+)")
_UNIT_LINE = re.compile(r"(单位\s*[:：]\s*|\s|^)(?P<unit>亿元|万元|元)\s*$")
_AMOUNT_WITH_UNIT = re.compile(r"^(?P<num>.*?\d)\s*(?P<unit>亿元|万元|元)$")
_TEXT_FIELDS: tuple[tuple[Role, str], ...] = (
    ("goal", "goals.annual"),
    ("period_goal", "goals.period"),
    ("overview", "overview"),
    ("basis", "basis"),
    ("attribute", "attribute"),
    ("period", "period"),
)
# Grid header cells written short in wide tables ("一级 | 二级"), named as the grid reader knows them.
_SHORT_LEVEL = re.compile(r"^([一二三])级$")


def read_listed(doc: Document, project: ListedProject) -> tuple[Fields, list[Indicator]]:
    fields = Fields()
    _put(fields, "name", project.name)
    _put(fields, "implementing_unit", project.unit)
    _department(fields, project.preamble)
    _funds(fields, project)
    for role, path in _TEXT_FIELDS:
        _put(fields, path, project.texts.get(role, ()))
    return fields, _indicators(doc, project)


def _put(fields: Fields, path: str, pieces: tuple[Piece, ...]) -> None:
    if pieces:
        fields.put(path, join_text([p.text for p in pieces]), pieces[0].start, pieces[-1].end)


def _department(fields: Fields, preamble: tuple[Piece, ...]) -> None:
    for line in preamble:
        m = _NAMED_DEPARTMENT.search(line.text) or _CODED_DEPARTMENT.match(line.text)
        if m is None:
            continue
        a, b = m.span("name")
        fields.put("department", m.group("name"), line.start + a, line.start + b)
        if "code" in m.groupdict():
            a, b = m.span("code")
            fields.put("department_code", m.group("code"), line.start + a, line.start + b)
        return


def _funds(fields: Fields, project: ListedProject) -> None:
    unit, unit_at = project.money_unit, project.money_unit_at
    if unit is None:
        for line in project.preamble:
            m = _UNIT_LINE.search(line.text)
            if m:
                a, b = m.span("unit")
                unit, unit_at = m.group("unit"), Piece(m.group("unit"), line.start + a, line.start + b)
                break
    for path, cell in (("funding.annual_total", project.amount), ("funding.period_total", project.period_amount)):
        if cell is None:
            continue
        m = _AMOUNT_WITH_UNIT.match(cell.text)
        value = try_decimal(m.group("num") if m else cell.text)
        if value is None:
            continue
        fields.put(path, value, cell.start, cell.end)
        if m:
            unit, unit_at = m.group("unit"), cell
    read = "funding.annual_total" in fields.values or "funding.period_total" in fields.values
    if read and unit is not None and unit_at is not None:
        fields.put("funding.unit", unit, unit_at.start, unit_at.end)


def _indicators(doc: Document, project: ListedProject) -> list[Indicator]:
    """The grid reader over the list's indicator columns. A header with one 三级指标 column and two value
    columns (实施期指标值 | 年度指标值) is read once per value column."""
    if not project.indicator_rows or not project.indicator_header:
        return []
    header = [Seg(_SHORT_LEVEL.sub(r"\1级指标", p.text), p.start, p.end, p.col) for p in project.indicator_header]
    rows = [[Seg(p.text, p.start, p.end, p.col) for p in row] for row in project.indicator_rows]
    values = [c for c in header if "指标值" in c.text]
    names = [c for c in header if "三级" in c.text or "指标名称" in c.text]
    if len(values) < 2 or len(names) != 1:
        return tab_indicators(header, rows, doc.location)
    out: list[Indicator] = []
    for value in sorted(values, key=lambda c: "实施期" not in c.text):
        others = {c.col for c in values if c is not value}
        column: Literal["annual", "period"] = "period" if "实施期" in value.text else "annual"
        read = tab_indicators(
            [c for c in header if c.col not in others],
            [[c for c in row if c.col not in others] for row in rows],
            doc.location,
        )
        out.extend(ind.model_copy(update={"column": column, "ordinal": None}) for ind in read)
    return out
