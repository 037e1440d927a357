"""Reading an input path: checks that give one clear error per kind of bad input, before any parser runs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from llmextract.core.errors import (
    CorruptPDFError,
    EmptyFileError,
    InputPathError,
    NotAPDFError,
    UnsupportedFormatError,
)

SUPPORTED_SUFFIXES: dict[str, Literal["pdf", "text"]] = {".pdf": "pdf", ".txt": "text", ".md": "text"}

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<meta|<!--)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    data: bytes
    kind: Literal["pdf", "text"]

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_input(path: str | Path) -> InputFile:
    """Read ``path`` whole (its hash is the document id) after checking it is a supported, non-empty file."""
    p = Path(path)
    if not p.exists():
        raise InputPathError("no such file", hint="check the path", path=str(p))
    if p.is_dir():
        raise InputPathError(
            "is a directory, not a file", hint="to process a folder use `llmextract run DIR --out OUT`", path=str(p)
        )
    kind = SUPPORTED_SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise UnsupportedFormatError(
            f"unsupported file type {p.suffix or '(no extension)'!r}",
            hint="llmextract reads .pdf, .txt and .md; convert other formats first",
            path=str(p),
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputPathError(f"cannot read file: {exc.strerror or exc}", path=str(p)) from exc
    if not data:
        raise EmptyFileError("file is empty (0 bytes)", hint="re-download or re-export it", path=str(p))
    if kind == "pdf":
        check_pdf_signature(data, str(p))
    elif data.lstrip()[:5] == b"%PDF-":
        raise UnsupportedFormatError(f"this {p.suffix} file is a PDF", hint="rename it to .pdf", path=str(p))
    return InputFile(p, data, kind)


def check_pdf_signature(data: bytes, path: str) -> None:
    """A PDF starts with ``%PDF-`` (within the first KiB, per the spec's tolerance) and ends with ``%%EOF``."""
    if b"%PDF-" not in data[:1024]:
        if _HTML_START.match(data[:512]):
            raise NotAPDFError(
                "this .pdf file is an HTML page, not a PDF",
                hint="it was probably saved from a browser; download the PDF itself",
                path=path,
            )
        raise NotAPDFError("not a PDF: the file does not start with %PDF-", path=path)
    if b"%%EOF" not in data[-2048:]:
        # Without the end marker pdfminer falls back to scanning for objects and may silently drop pages.
        raise CorruptPDFError(
            "truncated PDF: no %%EOF marker at the end of the file",
            hint="the download or copy was cut short; fetch the file again",
            path=path,
        )
