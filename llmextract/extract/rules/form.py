"""The labelled part of a target table (everything above the indicator grid) as label → value occurrences.

A form is read as a stream of cells: a label cell opens a field, the cells after it are its value, until the
next label. Rows are not trusted for alignment (text exports drop empty cells and shift rows), only for two
things: a row that starts in a later column with no label continues the previous field (a value broken by a
page: "…补助资" / "金"), and a row that starts with an unknown label ends the previous field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from llmextract.extract.rules.labels import LabelMatch, find_labels, match_label
from llmextract.extract.rules.segments import Seg, strip_seg, sub_seg, unbreak

# Two or more trailing lines of one CJK character each: a tall label printed vertically (绩/效/指/标).
_VERTICAL_TAIL = re.compile(r"(\s*\n\s*[\u4e00-\u9fff]){2,}\s*$")
_CELL_GAP = re.compile(r"\s+")
_MIN_REPEAT = 4


@dataclass(slots=True)
class Occurrence:
    """One label in the form and the value cells that follow it."""

    key: str
    label: Seg
    unit: str | None
    values: list[Seg] = field(default_factory=list)


def read_tab_form(rows: list[list[Seg]]) -> list[Occurrence]:
    """Occurrences in tab-separated rows (the rows above the indicator header)."""
    occurrences: list[Occurrence] = []
    current: Occurrence | None = None
    for row in rows:
        pieces = [piece for cell in row for piece in _explode(cell)]
        if not pieces:
            continue
        if pieces[0][0] is None:
            if row[0].col > 0 and current is not None and all(lm is None for lm, _ in pieces):
                current.values.extend(seg for _, seg in pieces)
                continue
            current = None  # a row that starts with an unknown label: none of its cells belong to a field
        for label, seg in pieces:
            if label is not None:
                current = Occurrence(label.key, seg, label.unit)
                occurrences.append(current)
            elif current is not None:
                current.values.append(seg)
    return occurrences


def read_raw_form(text: str, offset: int) -> list[Occurrence]:
    """Occurrences in the raw text of a PDF dump: the value of a label is the text up to the next label."""
    found = find_labels(text)
    occurrences: list[Occurrence] = []
    for i, (pos, label) in enumerate(found):
        value_end = found[i + 1][0] if i + 1 < len(found) else len(text)
        label_seg = Seg(text[pos : label.end], offset + pos, offset + label.end)
        occurrence = Occurrence(label.key, label_seg, label.unit)
        value = _strip_quotes(strip_seg(Seg(text[label.end : value_end], offset + label.end, offset + value_end)))
        if label.key == "goals":
            value = _strip_vertical_label(value)
        pieces = _two_goal_cells(value) if label.key == "goals" and _has_goal_columns(found) else [value]
        occurrence.values.extend(Seg(unbreak(p.text), p.start, p.end) for p in pieces if p.text)
        occurrences.append(occurrence)
    return occurrences


def _has_goal_columns(found: list[tuple[int, LabelMatch]]) -> bool:
    return any(label.key == "goals_period" for _, label in found)


def _strip_vertical_label(seg: Seg) -> Seg:
    """A label printed one character per line ("绩\n效") ends a raw cell when the next row's label is tall."""
    m = _VERTICAL_TAIL.search(seg.text)
    return sub_seg(seg, 0, m.start()) if m else seg


def _two_goal_cells(seg: Seg) -> list[Seg]:
    """The 实施期 | 年度 goal cells of a raw dump, printed one after the other under one 总体目标 label.

    The dump loses the column boundary; when the 年度 text repeats the 实施期 text (the usual case for a
    one-year project, possibly cut short by the page end), the split is where that repetition starts.
    Otherwise the cells cannot be told apart and the whole text stays one value.
    """
    best: list[Seg] = [seg]
    best_len = 0
    for m in _CELL_GAP.finditer(seg.text):
        first, second = sub_seg(seg, 0, m.start()), sub_seg(seg, m.end(), len(seg.text))
        a, b = _squash(first.text), _squash(second.text)
        if len(b) >= _MIN_REPEAT and len(b) > best_len and len(b) <= len(a) and a.startswith(b):
            best, best_len = [first, second], len(b)
    return best


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _explode(cell: Seg) -> list[tuple[LabelMatch | None, Seg]]:
    """A cell as (label, seg) pieces: "实施单位 山阴县商务局" is a label and a value in one cell."""
    label = match_label(cell.text)
    if label is None:
        return [(None, cell)]
    head = sub_seg(cell, 0, label.end)
    rest = sub_seg(cell, label.end, len(cell.text))
    return [(label, head)] + ([(None, rest)] if rest.text else [])


def _strip_quotes(seg: Seg) -> Seg:
    """Raw dumps wrap some cells in stray double quotes."""
    text = seg.text
    lead = len(text) - len(text.lstrip('"“”'))
    trail = len(text) - len(text.rstrip('"“”'))
    return sub_seg(seg, lead, len(text) - trail)
