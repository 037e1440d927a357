"""Ingest layer: files to the one Document model (PDF through PDFium or pdfplumber, .txt/.md exports)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from llmextract.core.document import Document
from llmextract.ingest.cache import ParseCache
from llmextract.ingest.files import read_input


def load_document(
    path: str | Path,
    *,
    page_workers: int | None = None,
    reader: Literal["pdfium", "pdfplumber"] = "pdfium",
    cache: ParseCache | None = None,
) -> Document:
    """Read a budget disclosure (.pdf, .txt or .md) into a Document. Raises an InputError subclass on bad input.

    ``page_workers``: processes used to parse the pages of a large PDF (None: one per core; 1: in-process,
    which is what batch workers that already run in parallel should ask for). ``reader``: how PDF pages are
    interpreted: ``"pdfium"`` (fast) or ``"pdfplumber"`` (the reference it is checked against). ``cache``: a
    :class:`ParseCache` that serves a PDF parsed before (same bytes, same reader version) and keeps new ones.
    """
    source = read_input(path)
    if source.kind == "pdf":
        from llmextract.ingest.pdf import ingest_pdf

        if cache is not None and (doc := cache.get(source.doc_id, reader, str(source.path))) is not None:
            return doc
        doc = ingest_pdf(source, page_workers=page_workers, reader=reader)
        if cache is not None:
            cache.put(doc, reader)
        return doc
    from llmextract.ingest.text import ingest_text

    return ingest_text(source)


__all__ = ["ParseCache", "load_document"]
