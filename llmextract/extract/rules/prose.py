"""A project explained in prose read into record fields, on its own or beside the target table of the same
project (the table's fields first; the prose adds what the table does not print: 项目概述, 立项依据, …).

The budget section's first amount is the annual total, in the unit printed after it ("3亿元", "7000万元",
"1720.00万" = 万元): amounts are not converted.
"""

from __future__ import annotations

import re

from llmextract.core.numbers import try_decimal
from llmextract.extract.rules.fields import Fields
from llmextract.layout.pieces import Passage
from llmextract.layout.prose_projects import ProseProject

_TEXT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "overview"),
    ("basis", "basis"),
    ("necessity", "necessity"),
    ("plan", "plan"),
    ("period", "period"),
    ("unit", "implementing_unit"),
    ("goal", "goals.annual"),
)
_DESCRIBING = tuple(s for s in _TEXT_SECTIONS if s[0] in ("overview", "basis", "necessity", "plan"))
_AMOUNT = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|亿|万)(?!\s*[\d%％])")
_UNITS = {"亿": "亿元", "万": "万元"}
# "详见单位的项目绩效目标表": the goal is in a table, not in this text.
_POINTER = re.compile(r"^(详见|具体见|见)")
_TRAILING_STOP = re.compile(r"[。；;，,]+$")


def read_prose(project: ProseProject) -> Fields:
    fields = Fields()
    name = project.name
    if name is not None:
        fields.put("name", name.text, name.start, name.end)
    _texts(fields, project, _TEXT_SECTIONS)
    budget = project.sections.get("budget")
    if budget is not None:
        _budget(fields, budget)
    return fields


def add_prose(fields: Fields, project: ProseProject) -> None:
    """What the prose says about a target table's project that the table does not print: 项目概述, 立项依据,
    必要性, 实施方案 (the table's own name, unit, period, funds and goals stand)."""
    _texts(fields, project, _DESCRIBING)


def _texts(fields: Fields, project: ProseProject, sections: tuple[tuple[str, str], ...]) -> None:
    for section, path in sections:
        passage = project.sections.get(section)
        if passage is None or _POINTER.match(passage.text):
            continue
        piece = passage.piece()
        if piece is None:
            continue
        text = _TRAILING_STOP.sub("", piece.text) if path == "implementing_unit" else piece.text
        fields.put(path, text, piece.start, piece.end)


def _budget(fields: Fields, budget: Passage) -> None:
    m = _AMOUNT.search(budget.text)
    value = try_decimal(m.group("num")) if m else None
    if m is None or value is None or "funding.annual_total" in fields.values:
        return
    amount, unit = budget.piece(*m.span("num")), budget.piece(*m.span("unit"))
    if amount is None or unit is None:
        return
    fields.put("funding.annual_total", value, amount.start, amount.end)
    fields.put("funding.unit", _UNITS.get(unit.text, unit.text), unit.start, unit.end)
