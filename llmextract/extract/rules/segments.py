"""Cells of a form as spans of Document.text: tab-separated rows, or the raw text of a PDF dump.

A ``Seg`` is a piece of cell text with its half-open span and its column (tab index; -1 in raw text).
Readers only ever build locations from these spans, so every extracted value points back into the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.document import Document

# Joining two pieces of text broken over lines: no space between CJK characters (or full-width punctuation).
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


PLAIN = -1  # column of a line that has no cells


@dataclass(frozen=True, slots=True)
class Seg:
    text: str
    start: int
    end: int
    col: int = -1


def tab_rows(doc: Document, start: int, end: int, *, keep_plain: bool = False) -> list[list[Seg]]:
    """The tab-separated lines in ``[start, end)`` as rows of non-empty, stripped cells.

    ``keep_plain``: also return lines without tabs, as one segment with column -1 (PDF ingest prints the text
    of a merged cell that straddles a page break as such a line).
    """
    rows: list[list[Seg]] = []
    for line in doc.lines_in(start, end):
        if line.start < start or line.end > end:
            continue
        if "\t" in line.text:
            rows.append(split_cells(line.text, line.start))
        elif keep_plain and line.text.strip():
            rows.append([strip_seg(Seg(line.text, line.start, line.end, PLAIN))])
    return rows


def split_cells(text: str, offset: int) -> list[Seg]:
    """Non-empty cells of one tab-separated line that starts at ``offset``."""
    cells: list[Seg] = []
    pos = 0
    for col, cell in enumerate(text.split("\t")):
        seg = strip_seg(Seg(cell, offset + pos, offset + pos + len(cell), col))
        if seg.text:
            cells.append(seg)
        pos += len(cell) + 1
    return cells


def strip_seg(seg: Seg) -> Seg:
    """The segment without surrounding whitespace, its span narrowed to match."""
    lead = len(seg.text) - len(seg.text.lstrip())
    text = seg.text.strip()
    return Seg(text, seg.start + lead, seg.start + lead + len(text), seg.col)


def sub_seg(seg: Seg, start: int, end: int) -> Seg:
    """Characters ``[start, end)`` of ``seg`` (relative offsets), stripped."""
    return strip_seg(Seg(seg.text[start:end], seg.start + start, seg.start + end, seg.col))


def join_text(parts: list[str]) -> str:
    """Pieces of one value broken over lines or cells, joined the way a reader would read them."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(part[0])):
            out += " "
        out += part
    return out


def unbreak(text: str) -> str:
    """Raw-dump text with its line breaks removed (a cell's text was wrapped over several lines)."""
    return join_text(re.split(r"\s*\n\s*", text))
