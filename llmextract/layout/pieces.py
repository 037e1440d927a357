"""Pieces of text with their span: the cells of a tab-separated line, the lines of a paragraph.

Layout finders hand these to the readers, which build every location from the spans, so a value read from a
row list or a prose section points back into ``Document.text`` like a form's cells do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.document import Line

NO_COLUMN = -1  # a piece that is not a table cell (a line of prose)


@dataclass(frozen=True, slots=True)
class Piece:
    """Stripped text, its half-open span into Document.text, and its column (tab index) when it is a cell."""

    text: str
    start: int
    end: int
    col: int = NO_COLUMN


def strip_piece(text: str, start: int, col: int = NO_COLUMN) -> Piece:
    lead = len(text) - len(text.lstrip())
    core = text.strip()
    return Piece(core, start + lead, start + lead + len(core), col)


def line_cells(line: Line) -> list[Piece]:
    """The non-empty cells of a tab-separated line (a line without tabs is one cell, column 0)."""
    out: list[Piece] = []
    pos = 0
    for col, cell in enumerate(line.text.split("\t")):
        piece = strip_piece(cell, line.start + pos, col)
        if piece.text:
            out.append(piece)
        pos += len(cell) + 1
    return out


def line_piece(line: Line) -> Piece:
    """The whole line, stripped (tabs of a stray cell boundary kept as they are)."""
    return strip_piece(line.text, line.start)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class Passage:
    """Lines of prose read as one text: joined without the line breaks (no space between CJK characters),
    each character still traceable to its offset in Document.text."""

    lines: tuple[Piece, ...]
    text: str
    _offsets: tuple[int, ...]  # document offset of each character of ``text`` (-1 for an inserted space)

    @classmethod
    def of(cls, pieces: list[Piece] | tuple[Piece, ...]) -> Passage:
        text = ""
        offsets: list[int] = []
        kept = [p for p in pieces if p.text]
        for piece in kept:
            if text and not (_CJK.match(text[-1]) or _CJK.match(piece.text[0])):
                text += " "
                offsets.append(-1)
            text += piece.text
            offsets.extend(range(piece.start, piece.start + len(piece.text)))
        return cls(tuple(kept), text, tuple(offsets))

    def slice(self, a: int, b: int) -> Passage:
        """Characters ``[a, b)`` as a passage of their own (spans kept)."""
        piece = self.piece(a, b)
        if piece is None:
            return Passage((), "", ())
        lead = self.text.index(piece.text, a)
        return Passage((piece,), piece.text, self._offsets[lead : lead + len(piece.text)])

    def piece(self, a: int = 0, b: int | None = None) -> Piece | None:
        """Characters ``[a, b)`` of the joined text, stripped, with the document span they came from."""
        b = len(self.text) if b is None else b
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        if a >= b:
            return None
        return Piece(self.text[a:b], self._offsets[a], self._offsets[b - 1] + 1)
