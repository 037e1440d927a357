"""The labelled part of a target table (everything above the indicator grid) as label → value occurrences.

A form is read as a stream of cells: a label cell opens a field, the cells after it are its value, until the
next label. Rows are not trusted for alignment (text exports drop empty cells and shift rows), only for two
things: a row that starts in a later column with no label continues the previous field (a value broken by a
page: "…补助资" / "金"), and a row that starts with an unknown label ends the previous field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmextract.extract.rules.labels import LabelMatch, find_labels, match_label
from llmextract.extract.rules.segments import Seg, strip_seg, sub_seg, unbreak


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
        if value.text:
            occurrence.values.append(Seg(unbreak(value.text), value.start, value.end))
        occurrences.append(occurrence)
    return occurrences


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
