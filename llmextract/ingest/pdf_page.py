"""One PDF page as plain data, and the pure function from it to lines and tables in reading order.

A reader (pdfium or pdfplumber) turns a page into a :class:`PageData`: its glyphs and its ruling edges in one
coordinate convention (pdfplumber's: points, top-left origin). Everything after that is the same code for
both readers, so they differ only in how they interpret the PDF, and their outputs can be compared page by page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmextract.core.locations import BBox
from llmextract.ingest.builder import CellDraft
from llmextract.ingest.pdf_tables import Edge, Grid, assign_chars, find_grids
from llmextract.ingest.pdf_text import Char, chars_bbox, group_lines, join_wrapped, line_text

# The text a reader gives a glyph whose font has no Unicode mapping for it.
UNMAPPED = "\ufffd"
# Share of a page's glyphs without a Unicode mapping above which its text layer is unreadable.
MAX_UNMAPPED_SHARE = 0.5


@dataclass(slots=True)
class PageData:
    """What a reader extracts from one page: non-space glyphs, ruling edges, and images (counted on pages
    without glyphs only, where they tell a scan from a blank page)."""

    number: int
    width: float
    height: float
    chars: list[Char]
    edges: list[Edge]
    images: int = 0


@dataclass(slots=True)
class TableContent:
    n_rows: int
    n_cols: int
    cells: list[CellDraft]
    bbox: BBox


@dataclass(slots=True)
class PageContent:
    """One page reduced to plain, picklable data, in reading order."""

    number: int
    width: float
    height: float
    items: list[tuple[str, BBox] | TableContent] = field(default_factory=list)
    glyphs: int = 0
    unmapped: int = 0
    images: int = 0

    @property
    def unreadable(self) -> bool:
        """Most glyphs have no Unicode mapping: the page's text would be garbage."""
        return self.glyphs > 0 and self.unmapped / self.glyphs > MAX_UNMAPPED_SHARE

    def reading(self) -> PageReading:
        """What later stages read of the page, without geometry (to compare two readers)."""
        text: list[str] = []
        lines: list[str] = []
        cells: list[tuple[int, int, int, int, int, str]] = []
        for t, item in enumerate(self.items):
            if isinstance(item, TableContent):
                by_pos = {(c.row, c.col): c.text for c in item.cells}
                text += ["\t".join(by_pos.get((r, c), "") for c in range(item.n_cols)) for r in range(item.n_rows)]
                cells += [(t, c.row, c.col, c.rowspan, c.colspan, c.text) for c in item.cells]
            else:
                text.append(item[0])
                lines.append(item[0])
        return PageReading("\n".join(text), tuple(lines), tuple(sorted(cells)))


@dataclass(frozen=True, slots=True)
class PageReading:
    text: str
    lines: tuple[str, ...]
    cells: tuple[tuple[int, int, int, int, int, str], ...]


def parse_page(data: PageData) -> PageContent:
    """A page's lines and tables in reading order (top to bottom). An unreadable page gets no items."""
    chars = data.chars
    content = PageContent(data.number, data.width, data.height, glyphs=len(chars), images=data.images)
    content.unmapped = sum(1 for c in chars if c["text"] == UNMAPPED)
    if content.unreadable:
        return content
    grids = find_grids(data.edges) if chars and data.edges else []
    free = assign_chars(grids, chars)
    placed: list[tuple[float, tuple[str, BBox] | TableContent]] = []
    for line in group_lines(free):
        text = line_text(line)
        if text:
            box = chars_bbox(line)
            placed.append((box[1], (text, box)))
    for grid in grids:
        placed.append((grid.bbox[1], _table_content(grid)))
    placed.sort(key=lambda item: item[0])
    content.items = [item for _, item in placed]
    return content


def _table_content(grid: Grid) -> TableContent:
    drafts = []
    for cell in grid.cells:
        text = join_wrapped([line_text(line) for line in group_lines(cell.chars)])
        drafts.append(CellDraft(cell.row, cell.col, text, cell.rowspan, cell.colspan, cell.bbox))
    return TableContent(grid.n_rows, grid.n_cols, drafts, grid.bbox)
