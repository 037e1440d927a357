"""The document model: one text, with pages, lines and ruled tables pointing into it.

Every ingest path (PDF, text export) produces the same ``Document``. Its ``text`` is the reading-order text of
the whole file; a table row is one line whose cells are separated by tabs, so PDFs and tab-separated text
exports look alike to every later stage. Lines and cells carry half-open char spans into ``text`` and, for
PDFs, their bbox on the page. Later stages build a :class:`~llmextract.core.locations.Location` from a span with
:meth:`Document.location`.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from llmextract.core.locations import BBox, Location, union_bbox


@dataclass(frozen=True, slots=True)
class Page:
    """A page's span of ``Document.text``. ``has_text`` is False when nothing on the page was read as text;
    ``unreadable`` says why when the page is not simply blank: ``"image_only"`` (a scan: OCR it) or
    ``"no_unicode"`` (glyphs whose fonts have no Unicode mapping: their text would be garbage, so the page
    holds no lines)."""

    number: int
    start: int
    end: int
    width: float | None = None
    height: float | None = None
    has_text: bool = True
    unreadable: Literal["image_only", "no_unicode"] | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of reading-order text. A table row is a line too (``table`` / ``row`` say which)."""

    text: str
    page: int
    start: int
    end: int
    bbox: BBox | None = None
    table: int | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell at its top-left grid position; a merged cell spans ``rowspan`` x ``colspan`` positions."""

    row: int
    col: int
    text: str
    start: int
    end: int
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled table (PDF) or a run of tab-separated rows (text export)."""

    index: int
    page: int
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]
    start: int
    end: int
    bbox: BBox | None = None

    def grid(self) -> list[list[Cell | None]]:
        """Rows x columns; a cell sits at its anchor position, the positions it spans over are None."""
        rows: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row][cell.col] = cell
        return rows

    def texts(self) -> list[list[str]]:
        """Rows of cell texts; spanned-over and missing positions are empty strings."""
        return [[c.text if c else "" for c in row] for row in self.grid()]


@dataclass(frozen=True, repr=False)
class Document:
    doc_id: str
    source: str
    kind: Literal["pdf", "text"]
    text: str
    pages: tuple[Page, ...]
    lines: tuple[Line, ...]
    tables: tuple[Table, ...]
    encoding: str | None = None
    warnings: tuple[str, ...] = ()
    # Derived indexes (init=False: dataclasses.replace and pickling rebuild or restore them, never double them).
    _page_starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _line_starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._page_starts.extend(p.start for p in self.pages)
        self._line_starts.extend(ln.start for ln in self.lines)

    def __repr__(self) -> str:
        # Short: asyncio formats the repr of a finished task's result (a DocumentResult holding this), and the
        # field-by-field repr of a long document's lines and cells took most of a second.
        return (
            f"Document(doc_id={self.doc_id[:16]!r}, source={self.source!r}, kind={self.kind!r}, "
            f"pages={len(self.pages)}, lines={len(self.lines)}, tables={len(self.tables)})"
        )

    def page_at(self, offset: int) -> int:
        """1-based number of the page holding char ``offset``."""
        if not self.pages:
            return 1
        i = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[max(i, 0)].number

    def location(self, start: int, end: int, bbox: BBox | None = None) -> Location:
        """A Location for the span; the bbox defaults to the union of what the span touches on its PDF page:
        the table cells it covers (a value in a table row is boxed in its cell, not across the row), and
        the whole of each text line."""
        page = self.page_at(start)
        if bbox is None and self.kind == "pdf":
            # A bbox lives on one page: a span that runs onto the next page is boxed on its first page.
            boxes = [b for ln in self.lines_in(start, end) if ln.page == page for b in self._boxes(ln, start, end)]
            bbox = union_bbox(boxes)
        return Location(doc_id=self.doc_id, page=page, start=start, end=end, bbox=bbox)

    def _boxes(self, line: Line, start: int, end: int) -> list[BBox]:
        """The boxes of ``line`` the span covers: its cells' for a table row, else the line's own."""
        if line.table is not None and line.table < len(self.tables):
            cells = [
                c.bbox
                for c in self.tables[line.table].cells
                if c.bbox is not None and line.start <= c.start <= line.end and _overlaps(c.start, c.end, start, end)
            ]
            if cells:
                return cells
        return [line.bbox] if line.bbox is not None else []

    def lines_in(self, start: int, end: int) -> list[Line]:
        """Lines overlapping the span ``[start, end)`` (a zero-width span touches its line)."""
        i = max(bisect.bisect_right(self._line_starts, start) - 1, 0)
        out: list[Line] = []
        for ln in self.lines[i:]:
            if ln.start > end or (ln.start == end and end > start):
                break
            if ln.end >= start:
                out.append(ln)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "kind": self.kind,
            "encoding": self.encoding,
            "warnings": list(self.warnings),
            "pages": [asdict(p) for p in self.pages],
            "lines": [asdict(ln) for ln in self.lines],
            "tables": [asdict(t) for t in self.tables],
            "text": self.text,
        }


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Half-open spans overlap; a zero-width span overlaps the span it sits in (or at the end of)."""
    if b_start == b_end:
        return a_start <= b_start <= a_end
    return a_start < b_end and b_start < a_end
