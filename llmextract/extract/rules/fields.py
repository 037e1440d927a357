"""Form occurrences to record fields: texts, department code, goals (实施期 | 年度) and funds with their unit.

Each value is returned with the span it was read from, keyed by its field path in ProjectRecord
(``funding.annual_total``, ``funding.period_sources.local``, ``goals.annual``), so the record can carry a
location for every field it fills.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from llmextract.core.numbers import try_decimal
from llmextract.core.paths import FUNDING_SOURCES, TEXT_FIELDS
from llmextract.extract.rules.form import Occurrence
from llmextract.extract.rules.segments import Seg, join_text

# Label keys read as plain text (department and its code come from one cell, split below).
_TEXT_FIELDS = tuple(f for f in TEXT_FIELDS if f not in ("department", "department_code"))
_SOURCES = FUNDING_SOURCES
# "409-忻州市商务局", "[292]国家信访局", "281_烟台市商务局", "084-大同市商务局[部门]"
_DEPARTMENT = re.compile(r"^[\[【(（]?(?P<code>\d{2,})[\]】)）]?\s*[-_－—]?\s*(?P<name>.+)$")
_DEPARTMENT_MARK = re.compile(r"\s*[\[【(（]部门[\]】)）]$")
# Column headers that sometimes sit where a value should be ("年初预算数" above the amounts).
_ACHIEVED = "实际完成情况"
_NOT_A_VALUE = re.compile(r"^(实施期目标|年度目标|预期目标|实际完成情况)$")
# An amount printed with its unit inside the cell: "2200万元", "60,100 元".
_AMOUNT_WITH_UNIT = re.compile(r"^(?P<num>[\d,，.．]+)\s*(?P<unit>万元|亿元|元)$")


@dataclass(slots=True)
class Fields:
    """Values by field path, and the spans they were read from."""

    values: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def set(self, path: str, value: Any, segs: list[Seg]) -> None:
        """Keep the first reading of ``path`` (a field printed twice keeps its first value), with its span."""
        self.put(path, value, segs[0].start, segs[-1].end)

    def put(self, path: str, value: Any, start: int, end: int) -> None:
        if value is None or value == "" or path in self.values:
            return
        self.values[path] = value
        self.spans[path] = (start, end)


def read_fields(occurrences: list[Occurrence], *, department_form: bool = False) -> Fields:
    """Fields of a form. ``department_form``: 部门名称 ("029-山阴县商务局") names the record and its department."""
    out = Fields()
    two_goal_columns = any(o.key == "goals_period" for o in occurrences)
    _goal_cells_under_headers(occurrences)
    for occ in occurrences:
        values = [v for v in occ.values if not _NOT_A_VALUE.match(v.text)]
        if not values:
            continue
        text = join_text([v.text for v in values])
        if occ.key == "name" and department_form:
            _read_department(out, text, values)
            out.set("name", out.values.get("department"), values)
        elif occ.key in _TEXT_FIELDS:
            out.set(occ.key, text, values)
        elif occ.key == "department":
            _read_department(out, text, values)
        elif occ.key in ("goals", "goals_period", "goals_annual"):
            if any(v.text == _ACHIEVED for v in occ.values):
                values = values[:1]  # self-evaluation: 预期目标 | 实际完成情况; the goal is the first
            _read_goals(out, occ.key, values, two_goal_columns)
    _read_funding(out, occurrences)
    return out


def _goal_cells_under_headers(occurrences: list[Occurrence]) -> None:
    """实施期目标 | 年度目标 printed as column headers with both goals on the row below: the reader gives
    both cells to 年度目标 (the last label); the first belongs to 实施期目标."""
    period = next((o for o in occurrences if o.key == "goals_period"), None)
    annual = next((o for o in occurrences if o.key == "goals_annual"), None)
    if period is None or annual is None or period.values or len(annual.values) != 2:
        return
    if occurrences.index(period) < occurrences.index(annual):
        period.values.append(annual.values.pop(0))


def split_department(text: str) -> tuple[str | None, str]:
    """("409", "忻州市商务局") from "409-忻州市商务局"; (None, text) when there is no code."""
    m = _DEPARTMENT.match(text.strip())
    code, name = (m.group("code"), m.group("name")) if m else (None, text.strip())
    return code, _DEPARTMENT_MARK.sub("", name).strip()


def _read_department(out: Fields, text: str, values: list[Seg]) -> None:
    code, name = split_department(text)
    out.set("department", name, values)
    out.set("department_code", code, values)


def _read_goals(out: Fields, key: str, values: list[Seg], two_columns: bool) -> None:
    if key == "goals_period":
        out.set("goals.period", join_text([v.text for v in values]), values)
    elif key == "goals_annual":
        out.set("goals.annual", join_text([v.text for v in values]), values)
    elif two_columns and len(values) >= 2:
        out.set("goals.period", values[0].text, values[:1])
        out.set("goals.annual", join_text([v.text for v in values[1:]]), values[1:])
    else:
        out.set("goals.annual", join_text([v.text for v in values]), values)


def _read_funding(out: Fields, occurrences: list[Occurrence]) -> None:
    """Totals and sources; with an 实施期 column the first of each source is 实施期, the second 年度.

    Three layouts: 实施期 and 年度 totals with their own labels (the sources then printed 实施期 first);
    one total label over 实施期 | 年度 column headers (每行: 实施期 amount, 年度 amount); a single column.
    """
    units = [o.unit for o in occurrences if o.unit and o.key in ("funding", "annual_total", "period_total")]
    columns = _amount_columns(occurrences)
    two_columns = columns is not None or any(o.key == "period_total" for o in occurrences)
    seen: dict[str, int] = {}
    for occ in occurrences:
        if occ.key not in ("period_total", "annual_total", *_SOURCES):
            continue
        amounts = _amounts(occ.values)
        if columns is not None:
            for group, (amount, seg, unit) in _by_column(amounts, columns):
                path = (
                    ("funding.period_total" if group == "period" else "funding.annual_total")
                    if (occ.key in ("period_total", "annual_total"))
                    else f"funding.{'period_sources' if group == 'period' else 'sources'}.{occ.key}"
                )
                out.set(path, amount, [seg])
                units.extend([unit] if unit else [])
            continue
        amount, seg, unit = amounts[0] if amounts else (None, Seg("", 0, 0), None)
        units.extend([unit] if unit else [])
        if occ.key in _SOURCES:
            nth = seen.get(occ.key, 0)
            seen[occ.key] = nth + 1
            if amount is None:
                continue
            group = "period_sources" if two_columns and nth == 0 else "sources"
            if two_columns and nth > 1:
                continue
            out.set(f"funding.{group}.{occ.key}", amount, [seg])
        elif amount is not None:
            out.set(f"funding.{occ.key}", amount, [seg])
    if units:
        unit_occ = next((o for o in occurrences if o.unit == units[0]), None)
        if unit_occ is not None:
            out.set("funding.unit", units[0], [unit_occ.label])
        else:
            amount_seg = next(seg for occ in occurrences for _, seg, u in _amounts(occ.values) if u == units[0])
            out.set("funding.unit", units[0], [amount_seg])


Amount = tuple[Decimal, Seg, str | None]


def _amounts(values: list[Seg]) -> list[Amount]:
    """The amounts among a field's value cells, each with the unit printed in its cell ("2200万元")."""
    out: list[Amount] = []
    for seg in values:
        m = _AMOUNT_WITH_UNIT.match(seg.text.strip())
        amount = try_decimal(m.group("num")) if m else try_decimal(seg.text)
        if amount is not None:
            out.append((amount, seg, m.group("unit") if m else None))
    return out


def _amount_columns(occurrences: list[Occurrence]) -> list[tuple[str, int]] | None:
    """The 实施期 | 年度 column headers over the funds rows, as (group, column) in printed order."""
    heads = [(o.key, o.label.col) for o in occurrences if o.key in ("period_column", "annual_column")]
    groups = [key.removesuffix("_column") for key, _ in heads]
    if groups[:2] not in (["period", "annual"], ["annual", "period"]):
        return None
    return [(g, col) for g, (_, col) in zip(groups[:2], heads[:2], strict=True)]


def _by_column(amounts: list[Amount], columns: list[tuple[str, int]]) -> list[tuple[str, Amount]]:
    """Amounts of one funds row given to the column groups: in order when the row prints one per column,
    otherwise each to the column header nearest to its cell (text exports drop empty cells)."""
    if len(amounts) == len(columns):
        return [(group, amount) for (group, _), amount in zip(columns, amounts, strict=True)]
    out: list[tuple[str, Amount]] = []
    for amount in amounts[: len(columns)]:
        col = amount[1].col
        group = min(columns, key=lambda c: abs(c[1] - col))[0] if col >= 0 else columns[-1][0]
        out.append((group, amount))
    return out
