"""Ingest layer: files to the one Document model (PDF through PDFium or pdfplumber, .txt/.md exports)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from llmextract.core.document import Document
from llmextract.ingest.files import read_input


def load_document(
    path: str | Path,
    *,
    page_workers: int | None = None,
    reader: Literal["pdfium", "pdfplumber"] = "pdfium",
) -> Document:
    """Read a budget disclosure (.pdf, .txt or .md) into a Document. Raises an InputError subclass on bad input.

    ``page_workers``: processes used to parse the pages of a large PDF (None: one per core; 1: in-process,
    which is what batch workers that already run in parallel should ask for). ``reader``: how PDF pages are
    interpreted: ``"pdfium"`` (fast) or ``"pdfplumber"`` (the reference it is checked against).
    """
    source = read_input(path)
    if source.kind == "pdf":
        from llmextract.ingest.pdf import ingest_pdf

        return ingest_pdf(source, page_workers=page_workers, reader=reader)
    from llmextract.ingest.text import ingest_text

    return ingest_text(source)


__all__ = ["load_document"]
