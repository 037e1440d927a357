"""PDF ingest through pdfplumber: one pass per page over its chars and (where the page has rulings) its tables.

The naive way, ``page.extract_text()`` plus ``page.extract_tables()``, walks every page's chars twice and
crops the page once per table cell. Here each page is read once: tables are looked for only on pages that
have ruling lines, every char is routed to its table cell or to the free text by bisecting the table grid,
and the page's cached objects are released as soon as it is done, so memory does not grow with page count.

Most of the time goes into pdfminer interpreting the page content streams, which no amount of care after
the fact removes; large PDFs are therefore split into page ranges parsed by worker processes
(``page_workers``). Workers return plain data (lines, cells, bboxes); the Document is assembled in order.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from llmextract.core.document import Document
from llmextract.core.errors import CorruptPDFError, EmptyFileError, EncryptedPDFError, NoTextLayerError
from llmextract.core.locations import BBox
from llmextract.ingest.builder import CellDraft, DocumentBuilder
from llmextract.ingest.files import InputFile
from llmextract.ingest.pdf_objects import lean_page
from llmextract.ingest.pdf_tables import Grid, assign_chars, build_grid, table_cell_boxes
from llmextract.ingest.pdf_text import chars_bbox, group_lines, join_wrapped, line_text

_RULING_KINDS = ("rect", "line", "curve")
# Share of glyphs without a Unicode mapping ("(cid:123)") above which the text layer is unusable.
_MAX_CID_SHARE = 0.5
# Pages per worker below which starting a process costs more than it saves.
_MIN_PAGES_PER_WORKER = 8


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


def ingest_pdf(source: InputFile, page_workers: int | None = None) -> Document:
    """Read a PDF into a Document. ``page_workers``: processes for large PDFs (None: one per core)."""
    path = str(source.path)
    with _open(source.data, path) as pdf:
        n_pages = len(_pages(pdf, path))
        workers = _worker_count(n_pages, page_workers)
        if workers > 1:
            contents = _parse_parallel(source.data, path, n_pages, workers)
        else:
            contents = _parse_pages(pdf, path, range(1, n_pages + 1))
    return _assemble(source, contents)


def _worker_count(n_pages: int, requested: int | None) -> int:
    wanted = requested if requested is not None else (os.cpu_count() or 1)
    return max(1, min(wanted, n_pages // _MIN_PAGES_PER_WORKER))


def _parse_parallel(data: bytes, path: str, n_pages: int, workers: int) -> list[PageContent]:
    # Strided, not contiguous: heavy pages (the project tables) cluster at the end of a disclosure.
    ranges = [range(i + 1, n_pages + 1, workers) for i in range(workers)]
    # fork where the platform has it: spawn would re-import the caller's __main__, which breaks every script
    # without an ``if __name__ == "__main__"`` guard. The workers only run pdfplumber on their own pages.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        chunks = pool.map(_parse_range, [data] * workers, [path] * workers, ranges)
        return sorted((content for chunk in chunks for content in chunk), key=lambda c: c.number)


def _parse_range(data: bytes, path: str, numbers: range) -> list[PageContent]:
    with _open(data, path) as pdf:
        return _parse_pages(pdf, path, numbers)


def _parse_pages(pdf: pdfplumber.PDF, path: str, numbers: range) -> list[PageContent]:
    pages = pdf.pages
    out = []
    for number in numbers:
        page = lean_page(pages[number - 1])
        try:
            out.append(parse_page(page))
        except (PdfminerException, MalformedPDFException) as exc:
            raise CorruptPDFError(
                f"page {number} cannot be read: {_cause(exc)}", hint="the file is damaged; fetch it again", path=path
            ) from exc
        finally:
            page.close()
    return out


def _open(data: bytes, path: str) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        original = exc.args[0] if exc.args else exc
        if isinstance(original, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedPDFError(
                "encrypted PDF: it needs a password to open",
                hint="open it with the password and save an unencrypted copy (e.g. qpdf --decrypt)",
                path=path,
            ) from exc
        raise CorruptPDFError(
            f"corrupt PDF: {_cause(exc)}", hint="the file is damaged; fetch it again", path=path
        ) from exc


def _pages(pdf: pdfplumber.PDF, path: str) -> list[Any]:
    try:
        pages = pdf.pages
    except (PdfminerException, MalformedPDFException) as exc:
        raise CorruptPDFError(f"corrupt PDF: {_cause(exc)}", hint="fetch the file again", path=path) from exc
    if not pages:
        raise EmptyFileError("PDF has no pages", path=path)
    return pages


def _cause(exc: BaseException) -> str:
    original = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = str(original).strip() or type(original).__name__
    return text.splitlines()[0][:200]


def parse_page(page: Any) -> PageContent:
    """One pdfplumber page to its lines and tables in reading order (top to bottom)."""
    chars = [c for c in page.chars if not c["text"].isspace()]
    content = PageContent(page.page_number, float(page.width), float(page.height))
    content.glyphs = len(chars)
    content.unmapped = sum(1 for c in chars if c["text"].startswith("(cid:"))
    content.images = len(page.images) if not chars else 0
    grids = _find_grids(page) if chars else []
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


def _find_grids(page: Any) -> list[Grid]:
    if not any(page.objects.get(kind) for kind in _RULING_KINDS):
        return []
    grids = []
    for table in page.find_tables():
        grid = build_grid(tuple(table.bbox), table_cell_boxes(table))
        if grid is not None:
            grids.append(grid)
    return grids


def _table_content(grid: Grid) -> TableContent:
    drafts = []
    for cell in grid.cells:
        text = join_wrapped([line_text(line) for line in group_lines(cell.chars)])
        drafts.append(CellDraft(cell.row, cell.col, text, cell.rowspan, cell.colspan, cell.bbox))
    return TableContent(grid.n_rows, grid.n_cols, drafts, grid.bbox)


def _assemble(source: InputFile, contents: list[PageContent]) -> Document:
    path = str(source.path)
    builder = DocumentBuilder(source.doc_id, path, "pdf")
    for content in contents:
        builder.begin_page(content.number, content.width, content.height)
        for item in content.items:
            if isinstance(item, TableContent):
                builder.add_table(item.n_rows, item.n_cols, item.cells, item.bbox)
            else:
                builder.add_line(*item)
        builder.end_page(has_text=content.glyphs > 0)
        if content.glyphs and content.unmapped / content.glyphs > _MAX_CID_SHARE:
            builder.warnings.append(f"page {content.number}: most glyphs have no Unicode mapping")
        if not content.glyphs and content.images:
            builder.warnings.append(f"page {content.number}: image only, no text layer (run OCR for its content)")
    glyphs = sum(c.glyphs for c in contents)
    unmapped = sum(c.unmapped for c in contents)
    if glyphs == 0:
        raise NoTextLayerError(
            "no text layer; run OCR (e.g. ocrmypdf) first",
            hint=f"none of its {len(contents)} pages has text",
            path=path,
        )
    if unmapped / glyphs > _MAX_CID_SHARE:
        raise NoTextLayerError(
            "no usable text layer: its fonts have no Unicode map; run OCR (e.g. ocrmypdf) first", path=path
        )
    return builder.build()
