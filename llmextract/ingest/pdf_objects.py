"""The pdfplumber reader: pages through pdfminer, glyphs and rulings as lean dicts. The reference reader.

pdfplumber turns every pdfminer layout object into a dict of ~25 attributes (colours resolved, matrices,
font names, marked-content tags). Ingest needs a glyph's text, box and size, and a ruling's box; building only
those cuts a fifth to a third of the per-page time on table-heavy pages. Curves still go through pdfplumber's
own conversion, and the ruling edges are pdfplumber's.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTItem, LTLine, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from llmextract.core.errors import CorruptPDFError, EncryptedPDFError
from llmextract.ingest.pdf_page import UNMAPPED, PageData
from llmextract.ingest.pdf_text import em_box


class LeanPage(Page):
    def process_object(self, obj: LTItem) -> dict[str, Any]:
        cls = type(obj)
        if cls is not LTChar and cls is not LTRect and cls is not LTLine:
            return super().process_object(obj)
        o: Any = obj  # LTChar | LTRect | LTLine: all have the box attributes used below
        # Same coordinate convention as Page.process_object: top-left origin, shifted by the MediaBox.
        mb_x0, mb_top = self.mediabox[:2]
        top = self.height - o.y1 + mb_top
        bottom = self.height - o.y0 + mb_top
        out: dict[str, Any] = {"x0": o.x0 + mb_x0, "x1": o.x1 + mb_x0, "page_number": self.page_number}
        if cls is LTChar:
            text = o.get_text()
            out["object_type"] = "char"
            out["text"] = UNMAPPED if text.startswith("(cid:") else text
            out["size"] = o.size
            if o.upright:
                # The glyph's origin is (matrix e, f) in pdfminer's page space; rise is not part of it.
                top, bottom = em_box(self.height - o.matrix[5] + mb_top, o.size)
            out["top"], out["bottom"] = top, bottom
            return out
        out.update(
            {
                "object_type": "rect" if cls is LTRect else "line",
                "y0": o.y0,
                "y1": o.y1,
                "top": top,
                "bottom": bottom,
                "doctop": self.initial_doctop + top,
                "width": o.width,
                "height": o.height,
            }
        )
        return out


class PdfplumberReader:
    """Pages of one PDF through pdfplumber (pdfminer.six)."""

    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
            self._pages = self._pdf.pages
        except (PdfminerException, MalformedPDFException) as exc:
            original = exc.args[0] if exc.args else exc
            if isinstance(original, PDFPasswordIncorrect | PDFEncryptionError):
                raise EncryptedPDFError(
                    "encrypted PDF: it needs a password to open",
                    hint="open it with the password and save an unencrypted copy (e.g. qpdf --decrypt)",
                    path=path,
                ) from exc
            raise CorruptPDFError(
                f"corrupt PDF: {cause(exc)}", hint="the file is damaged; fetch it again", path=path
            ) from exc

    def __len__(self) -> int:
        return len(self._pages)

    def read(self, number: int) -> PageData:
        plain = self._pages[number - 1]
        page = LeanPage(plain.pdf, plain.page_obj, page_number=number, initial_doctop=plain.initial_doctop)
        try:
            chars = [c for c in page.chars if not c["text"].isspace()]
            edges = page.edges if chars else []
            images = 0 if chars else len(page.images)
            return PageData(number, float(page.width), float(page.height), chars, edges, images)
        except (PdfminerException, MalformedPDFException) as exc:
            raise CorruptPDFError(
                f"page {number} cannot be read: {cause(exc)}",
                hint="the file is damaged; fetch it again",
                path=self.path,
            ) from exc
        finally:
            page.close()

    def close(self) -> None:
        self._pdf.close()


def cause(exc: BaseException) -> str:
    """The first line of the exception a library wrapped, for an error message."""
    original = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = str(original).strip() or type(original).__name__
    return text.splitlines()[0][:200]
