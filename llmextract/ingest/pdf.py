"""PDF ingest: a reader turns each page into glyphs and ruling edges, one pure pipeline turns those into lines
and ruled tables, and the Document is assembled in page order.

Each page is read once: tables are looked for only on pages that have ruling edges, every glyph is routed to
its table cell or to the free text by bisecting the table grid, and a page's objects are released as soon as
it is done, so memory does not grow with page count. Two readers produce the same plain page data
(:mod:`~llmextract.ingest.pdf_page`): ``"pdfium"`` (PDFium's C++ interpreter, the default: several times faster)
and ``"pdfplumber"`` (pdfminer.six, the reference the other is checked against; ``benchmarks/equivalence.py``).
Large PDFs are split into page ranges parsed by worker processes (``page_workers``); workers return plain data
(lines, cells, bboxes).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from typing import Literal, Protocol

from llmextract.core.document import Document
from llmextract.core.errors import CorruptPDFError, EmptyFileError, NoTextLayerError
from llmextract.ingest.builder import DocumentBuilder
from llmextract.ingest.files import InputFile
from llmextract.ingest.pdf_damage import check_streams
from llmextract.ingest.pdf_objects import PdfplumberReader
from llmextract.ingest.pdf_page import PageContent, PageData, TableContent, parse_page
from llmextract.ingest.pdf_pdfium import PdfiumReader

Reader = Literal["pdfium", "pdfplumber"]
READERS: tuple[Reader, ...] = ("pdfium", "pdfplumber")
DEFAULT_READER: Reader = "pdfium"
# Pages per worker below which starting a process costs more than it saves.
_MIN_PAGES_PER_WORKER = 8


class PageReader(Protocol):
    def __len__(self) -> int: ...
    def read(self, number: int) -> PageData: ...
    def close(self) -> None: ...


def open_reader(data: bytes, path: str, reader: Reader = DEFAULT_READER) -> PageReader:
    """Open a PDF with the named reader. Raises EncryptedPDFError / CorruptPDFError.

    A file PDFium cannot open is handed to pdfplumber, which opens some that PDFium does not (a PDF with an
    empty page tree among them) and otherwise says why (encrypted, corrupt).
    """
    if reader == "pdfium":
        try:
            return PdfiumReader(data, path)
        except CorruptPDFError:
            return PdfplumberReader(data, path)
    if reader == "pdfplumber":
        return PdfplumberReader(data, path)
    raise ValueError(f"unknown PDF reader {reader!r}; use one of {', '.join(READERS)}")


def ingest_pdf(source: InputFile, page_workers: int | None = None, reader: Reader = DEFAULT_READER) -> Document:
    """Read a PDF into a Document. ``page_workers``: processes for large PDFs (None: one per core)."""
    path = str(source.path)
    check_streams(source.data, path)  # a reader would read around the damage without a word
    with closing(open_reader(source.data, path, reader)) as pdf:
        n_pages = len(pdf)
        if not n_pages:
            raise EmptyFileError("PDF has no pages", path=path)
        workers = _worker_count(n_pages, page_workers)
        serial = [parse_page(pdf.read(n)) for n in range(1, n_pages + 1)] if workers == 1 else None
    contents = serial if serial is not None else _parse_parallel(source.data, path, reader, n_pages, workers)
    return _assemble(source, contents)


def _worker_count(n_pages: int, requested: int | None) -> int:
    wanted = requested if requested is not None else (os.cpu_count() or 1)
    return max(1, min(wanted, n_pages // _MIN_PAGES_PER_WORKER))


def _parse_parallel(data: bytes, path: str, reader: Reader, n_pages: int, workers: int) -> list[PageContent]:
    # Strided, not contiguous: heavy pages (the project tables) cluster at the end of a disclosure.
    ranges = [range(i + 1, n_pages + 1, workers) for i in range(workers)]
    # fork where the platform has it: spawn would re-import the caller's __main__, which breaks every script
    # without an ``if __name__ == "__main__"`` guard. The workers open their own copy of the PDF.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        chunks = pool.map(_parse_range, [data] * workers, [path] * workers, [reader] * workers, ranges)
        return sorted((content for chunk in chunks for content in chunk), key=lambda c: c.number)


def _parse_range(data: bytes, path: str, reader: Reader, numbers: range) -> list[PageContent]:
    pdf = open_reader(data, path, reader)
    try:
        return [parse_page(pdf.read(n)) for n in numbers]
    finally:
        pdf.close()


def _assemble(source: InputFile, contents: list[PageContent]) -> Document:
    path = str(source.path)
    builder = DocumentBuilder(source.doc_id, path, "pdf")
    unmapped: list[int] = []
    image_only: list[int] = []
    for content in contents:
        builder.begin_page(content.number, content.width, content.height)
        for item in content.items:
            if isinstance(item, TableContent):
                builder.add_table(item.n_rows, item.n_cols, item.cells, item.bbox)
            else:
                builder.add_line(*item)
        if content.unreadable:
            unmapped.append(content.number)
            builder.end_page(has_text=False, unreadable="no_unicode")
        elif not content.glyphs and content.images:
            image_only.append(content.number)
            builder.end_page(has_text=False, unreadable="image_only")
        else:
            builder.end_page(has_text=content.glyphs > 0)
    if not any(c.glyphs for c in contents):
        raise NoTextLayerError(
            "no text layer; run OCR (e.g. ocrmypdf) first",
            hint=f"none of its {len(contents)} pages has text",
            path=path,
        )
    if len(unmapped) == sum(1 for c in contents if c.glyphs):
        raise NoTextLayerError(
            "no usable text layer: its fonts have no Unicode map; run OCR (e.g. ocrmypdf) first",
            hint=f"on {'every page' if len(unmapped) > 1 else 'its page'} most glyphs have no Unicode mapping",
            path=path,
        )
    if unmapped:
        builder.warnings.append(
            f"{_pages_label(unmapped)}: most glyphs have no Unicode mapping, so their text was not read "
            "(run OCR on these pages)"
        )
    if image_only:
        builder.warnings.append(f"{_pages_label(image_only)}: image only, no text layer (run OCR for their content)")
    return builder.build()


def _pages_label(numbers: list[int]) -> str:
    """Page numbers for a message, consecutive runs collapsed: "page 3", "pages 3-5, 9"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    label = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"page {label}" if len(numbers) == 1 else f"pages {label}"
