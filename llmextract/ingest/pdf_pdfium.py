"""The pdfium reader: glyphs and ruling paths through PDFium's C API, in pdfplumber's coordinates.

PDFium interprets content streams in C++, several times faster than pdfminer in Python. Its glyphs come from
the text page (``FPDFText_*``: Unicode, loose box, origin, size, matrix) and its rulings from the page objects
(``FPDFPath_*`` segments, recursing into form XObjects). Both are mapped to what pdfplumber reports, so the
rest of ingest cannot tell the readers apart:

- coordinates: PDFium works in the PDF's user space (origin bottom-left, page rotation not applied); pdfminer
  applies the rotation and MediaBox origin, and pdfplumber flips y to a top-left origin. :class:`_Frame` is
  that composition.
- paths: pdfminer splits a path at each ``m`` and classifies each subpath as a line (``ml``, ``mlh``), a
  rectangle (a closed, axis-aligned ``mlllh``) or a curve (its points, Bézier control points dropped);
  :func:`_subpath_objects` repeats those rules on PDFium's segments, then pdfplumber's own functions turn the
  objects into edges.
- glyphs: whitespace (PDFium also generates spaces and line breaks of its own) is dropped, as ingest drops it
  from pdfplumber's chars; a glyph PDFium cannot map to Unicode becomes U+FFFD.
- text PDFium cannot place (a font that is not embedded and that its substitute font has no glyphs for): the
  page is read by the pdfplumber reader instead (:class:`_PageObjects`).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils import obj_to_edges

from llmextract.core.errors import CorruptPDFError
from llmextract.ingest.pdf_objects import PdfplumberReader
from llmextract.ingest.pdf_page import UNMAPPED, PageData
from llmextract.ingest.pdf_text import Char, em_box

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class PdfiumReader:
    """Pages of one PDF through PDFium (pypdfium2)."""

    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        self._data = data
        self._plumber: PdfplumberReader | None = None
        self.delegated = 0  # pages handed to the pdfplumber reader
        try:
            self._pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            # Not told apart further: PDFium's error code is process-wide and can be a previous document's.
            raise CorruptPDFError(f"PDFium cannot open it: {exc}", path=path) from exc

    def __len__(self) -> int:
        return len(self._pdf)

    def read(self, number: int) -> PageData:
        try:
            page = self._pdf[number - 1]
        except pdfium.PdfiumError as exc:
            raise CorruptPDFError(
                f"page {number} cannot be read: {exc}", hint="the file is damaged; fetch it again", path=self.path
            ) from exc
        try:
            objects = _PageObjects(page.raw)
            if objects.unplaced_text:
                self.delegated += 1
                return self._reference().read(number)
            frame = _Frame(page.get_mediabox(), page.get_rotation())
            textpage = page.get_textpage()
            try:
                chars = _chars(textpage.raw, frame)
            finally:
                textpage.close()
            if not chars:
                return PageData(number, frame.width, frame.height, [], [], objects.images)
            edges = [e for obj in _ruling_objects(objects.paths, frame) for e in obj_to_edges(obj)]
            return PageData(number, frame.width, frame.height, chars, edges)
        finally:
            page.close()

    def _reference(self) -> PdfplumberReader:
        if self._plumber is None:
            self._plumber = PdfplumberReader(self._data, self.path)
        return self._plumber

    def close(self) -> None:
        self._pdf.close()
        if self._plumber is not None:
            self._plumber.close()


class _Frame:
    """User space of one page to pdfplumber's coordinates (rotation applied, top-left origin)."""

    def __init__(self, mediabox: tuple[float, float, float, float], rotation: int) -> None:
        x0, x1 = sorted((mediabox[0], mediabox[2]))
        y0, y1 = sorted((mediabox[1], mediabox[3]))
        # pdfminer's page matrix (PDFPageInterpreter.process_page).
        self.ctm: Matrix = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation % 360, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        # pdfplumber's MediaBox after rotation, flipped against its own height (Page.__init__).
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation % 180 == 90 else (x0, y0, x1, y1)
        self.height = ny1 - ny0
        self.width = nx1 - nx0
        self.left = nx0
        self.top = self.height - ny1

    def point(self, x: float, y: float) -> Point:
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e + self.left, self.height - (b * x + d * y + f) + self.top


def _chars(textpage: Any, frame: _Frame) -> list[Char]:
    # Per-glyph C calls dominate; bound once to locals.
    get_unicode, map_error = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_HasUnicodeMapError
    get_box, get_matrix, get_size = (
        pdfium_c.FPDFText_GetLooseCharBox,
        pdfium_c.FPDFText_GetMatrix,
        pdfium_c.FPDFText_GetFontSize,
    )
    box, m = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    box_ref, m_ref = ctypes.byref(box), ctypes.byref(m)
    point = frame.point
    a, b, c, d, _, _ = frame.ctm
    out: list[Char] = []
    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        code = get_unicode(textpage, i)
        text = chr(code) if 0 < code < 0x110000 else UNMAPPED
        if text.isspace():
            continue
        if map_error(textpage, i):
            text = UNMAPPED
        get_box(textpage, i, box_ref)
        # The glyph's text-space-to-user-space matrix: its origin is (e, f); the font size is not in it.
        get_matrix(textpage, i, m_ref)
        size = get_size(textpage, i) * math.hypot(m.c, m.d)
        left, top = point(box.left, box.top)
        right, bottom = point(box.right, box.bottom)
        # On the page, as pdfminer's LTChar.matrix: upright when the glyph neither mirrors nor turns.
        ga, gb = m.a * a + m.b * c, m.a * b + m.b * d
        gc, gd = m.c * a + m.d * c, m.c * b + m.d * d
        if ga * gd > 0 and gb * gc <= 0:
            top, bottom = em_box(point(m.e, m.f)[1], size)
        elif top > bottom:
            top, bottom = bottom, top
        x0, x1 = (left, right) if left <= right else (right, left)
        out.append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size})
    return out


def _ruling_objects(paths: list[tuple[Any, Matrix]], frame: _Frame) -> Iterator[dict[str, Any]]:
    """Lines, rectangles and curves as pdfplumber dicts, from path objects and their matrices to user space."""
    for obj, matrix in paths:
        for ops in _subpaths(obj):
            yield from _subpath_objects(ops, matrix, frame)


class _PageObjects:
    """One walk over a page's objects, forms expanded: its paths (with their matrices to user space), its
    images, and whether PDFium failed to place some text.

    PDFium leaves out of its text page every text object whose glyphs have no outline in the font it renders
    with; for a font that is not embedded, and that the substitute font has no glyphs for (CJK text in a
    CID-keyed font, say), that is real text. Such a page is read by the reference reader instead. (Text
    objects drawing only spaces look the same and send their pages there too: slower, never wrong.)
    """

    def __init__(self, page: Any) -> None:
        self.paths: list[tuple[Any, Matrix]] = []
        self.images = 0
        self.unplaced_text = False
        m = pdfium_c.FS_MATRIX()
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        embedded: dict[int | None, bool] = {}
        stack: list[tuple[Any, Matrix]] = [
            (pdfium_c.FPDFPage_GetObject(page, i), _IDENTITY) for i in range(pdfium_c.FPDFPage_CountObjects(page))
        ]
        stack.reverse()
        while stack:
            obj, parent = stack.pop()
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                pdfium_c.FPDFPageObj_GetMatrix(obj, m)
                self.paths.append((obj, _mul((m.a, m.b, m.c, m.d, m.e, m.f), parent)))
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT and not self.unplaced_text:
                pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
                if left.value == right.value:
                    font = pdfium_c.FPDFTextObj_GetFont(obj)
                    key = ctypes.cast(font, ctypes.c_void_p).value
                    if key not in embedded:
                        embedded[key] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
                    self.unplaced_text = not embedded[key]
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                self.images += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                pdfium_c.FPDFPageObj_GetMatrix(obj, m)
                inner = _mul((m.a, m.b, m.c, m.d, m.e, m.f), parent)
                n = pdfium_c.FPDFFormObj_CountObjects(obj)
                stack.extend((pdfium_c.FPDFFormObj_GetObject(obj, i), inner) for i in reversed(range(n)))


def _subpaths(obj: Any) -> Iterator[list[tuple[str, float, float]]]:
    """The path's subpaths as pdfminer sees them: ("m" | "l" | "c" | "h", x, y) in path space.

    PDFium stores a Bézier curve as three segments (two control points, then the end point) and a closed
    subpath as a close flag on its last segment (after adding a line back to the start when needed).
    """
    get_segment, get_type = pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetType
    get_point, get_close = pdfium_c.FPDFPathSegment_GetPoint, pdfium_c.FPDFPathSegment_GetClose
    moveto, lineto = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    ops: list[tuple[str, float, float]] = []
    bezier = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = get_segment(obj, i)
        kind = get_type(seg)
        get_point(seg, x_ref, y_ref)
        if kind == moveto:
            if ops:
                yield ops
            ops = [("m", x.value, y.value)]
            bezier = 0
            continue
        if kind == lineto:
            ops.append(("l", x.value, y.value))
        else:
            bezier += 1
            if bezier % 3:
                continue  # a control point
            ops.append(("c", x.value, y.value))
        if get_close(seg):
            ops.append(("h", ops[0][1], ops[0][2]))
    if ops:
        yield ops


def _subpath_objects(ops: list[tuple[str, float, float]], matrix: Matrix, frame: _Frame) -> Iterator[dict[str, Any]]:
    """pdfminer's ``PDFLayoutAnalyzer.paint_path`` rules for one subpath, as pdfplumber dicts."""
    shape = "".join(op for op, _, _ in ops)
    if shape[:1] != "m":
        return
    a, b, c, d, e, f = _mul(matrix, frame.ctm)
    pts = [(a * x + c * y + e, b * x + d * y + f) for _, x, y in ops]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        yield _box_object("line", pts[:2], frame)
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            yield _box_object("rect", [pts[0], pts[2]], frame)
        else:
            yield _curve_object(pts, frame)
    else:
        yield _curve_object(pts, frame)


def _box_object(kind: str, pts: list[Point], frame: _Frame) -> dict[str, Any]:
    """A pdfminer LTLine / LTRect (layout-space points) as pdfplumber's dict."""
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    top = frame.height - y1 + frame.top
    return {
        "object_type": kind,
        "x0": x0 + frame.left,
        "x1": x1 + frame.left,
        "y0": y0,
        "y1": y1,
        "top": top,
        "bottom": frame.height - y0 + frame.top,
        "doctop": top,
        "width": x1 - x0,
        "height": y1 - y0,
    }


def _curve_object(pts: list[Point], frame: _Frame) -> dict[str, Any]:
    obj = _box_object("curve", pts, frame)
    obj["pts"] = [(x + frame.left, frame.height - y + frame.top) for x, y in pts]
    return obj


def _mul(m1: Matrix, m2: Matrix) -> Matrix:
    """``m1`` then ``m2`` (PDF's row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )
