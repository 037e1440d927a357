"""PDF pages as PNG images for the record page, rendered with pypdfium2 and kept in a small LRU cache.

pdfium is not thread-safe and the web server renders from a thread pool, so one lock serialises rendering.
Only files the run store hands out (``RunStore.source_file``, always inside the run) are ever opened.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2

# 2x PDF points: sharp enough to read a 9-point table cell on a normal screen, ~300 KB per page.
SCALE = 2.0


class PageRenderer:
    def __init__(self, max_pages: int = 32) -> None:
        self._max = max_pages
        self._images: OrderedDict[tuple[Path, int], bytes] = OrderedDict()
        self._sizes: dict[Path, list[tuple[float, float]]] = {}
        self._lock = threading.Lock()

    def sizes(self, path: Path) -> list[tuple[float, float]]:
        """(width, height) of every page in PDF points, the space the record's bboxes are in."""
        with self._lock:
            if path not in self._sizes:
                pdf = pypdfium2.PdfDocument(path)
                try:
                    self._sizes[path] = [pdf[i].get_size() for i in range(len(pdf))]
                finally:
                    pdf.close()
            return self._sizes[path]

    def png(self, path: Path, page: int) -> bytes | None:
        """Page ``page`` (1-based) as PNG bytes; None when the document has no such page."""
        key = (path, page)
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
            pdf = pypdfium2.PdfDocument(path)
            try:
                if not 1 <= page <= len(pdf):
                    return None
                image = pdf[page - 1].render(scale=SCALE).to_pil()
            finally:
                pdf.close()
            buf = io.BytesIO()
            image.save(buf, format="PNG")
            self._images[key] = buf.getvalue()
            if len(self._images) > self._max:
                self._images.popitem(last=False)
            return self._images[key]
