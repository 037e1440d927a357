"""Assemble a Document's single text while recording the char span of every line and cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from llmextract.core.document import Cell, Document, Line, Page, Table
from llmextract.core.locations import BBox, union_bbox


@dataclass(slots=True)
class CellDraft:
    """A cell before it has a place in the text: grid position, spans, text and bbox."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None


class DocumentBuilder:
    """Appends pages, lines and tables in reading order; ``build()`` returns the frozen Document."""

    def __init__(self, doc_id: str, source: str, kind: Literal["pdf", "text"]) -> None:
        self.doc_id = doc_id
        self.source = source
        self.kind = kind
        self._parts: list[str] = []
        self._offset = 0
        self._pages: list[Page] = []
        self._lines: list[Line] = []
        self._tables: list[Table] = []
        self._page_start = 0
        self._page_number = 0
        self._page_size: tuple[float | None, float | None] = (None, None)
        self.warnings: list[str] = []

    def _append(self, s: str) -> tuple[int, int]:
        start = self._offset
        self._parts.append(s)
        self._offset += len(s)
        return start, self._offset

    def begin_page(self, number: int, width: float | None = None, height: float | None = None) -> None:
        self._page_number = number
        self._page_start = self._offset
        self._page_size = (width, height)

    def end_page(self, has_text: bool = True, unreadable: Literal["image_only", "no_unicode"] | None = None) -> None:
        width, height = self._page_size
        page = Page(self._page_number, self._page_start, self._offset, width, height, has_text, unreadable)
        self._pages.append(page)

    def add_line(self, text: str, bbox: BBox | None = None) -> Line:
        start, end = self._append(text)
        self._append("\n")
        line = Line(text, self._page_number, start, end, bbox)
        self._lines.append(line)
        return line

    def add_blank(self) -> None:
        """An empty line: paragraph breaks in text exports survive, so prose sentences do not run together."""
        self._append("\n")

    def add_table(self, n_rows: int, n_cols: int, cells: list[CellDraft], bbox: BBox | None = None) -> Table:
        """Render the table one row per line, cells tab-separated in column order; spanned positions are empty."""
        index = len(self._tables)
        by_pos = {(c.row, c.col): c for c in cells}
        placed: list[Cell] = []
        table_start = self._offset
        for r in range(n_rows):
            drafts = [by_pos.get((r, c)) for c in range(n_cols)]
            row_text = "\t".join(d.text if d else "" for d in drafts)
            row_start, row_end = self._append(row_text)
            self._append("\n")
            pos = row_start
            for c, draft in enumerate(drafts):
                if draft is not None:
                    end = pos + len(draft.text)
                    placed.append(Cell(r, c, draft.text, pos, end, draft.rowspan, draft.colspan, draft.bbox))
                    pos = end
                pos += 1  # the tab
            row_bbox = union_bbox([d.bbox for d in drafts if d is not None and d.bbox is not None])
            self._lines.append(Line(row_text, self._page_number, row_start, row_end, row_bbox, index, r))
        table = Table(
            index,
            self._page_number,
            n_rows,
            n_cols,
            tuple(placed),
            table_start,
            max(table_start, self._offset - 1),
            bbox,
        )
        self._tables.append(table)
        return table

    def build(self, encoding: str | None = None) -> Document:
        return Document(
            doc_id=self.doc_id,
            source=self.source,
            kind=self.kind,
            text="".join(self._parts),
            pages=tuple(self._pages),
            lines=tuple(self._lines),
            tables=tuple(self._tables),
            encoding=encoding,
            warnings=tuple(self.warnings),
        )
