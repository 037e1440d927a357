"""Chars to text lines, in one linear pass per page: pure functions over glyph dicts.

A glyph dict has ``text``, ``x0``/``x1`` and ``top``/``bottom`` (top-left origin, points) and ``size``. For an
upright glyph the readers set ``top``/``bottom`` to its em box on its baseline (:func:`em_box`), not to the box
its font declares: export tools often draw digits and punctuation in a second font whose ascent and descent put
them half a line above or below the text they belong to, while the baseline they share does not move. Lines are
then bands of overlapping em boxes, ordered by x, whatever order the glyphs were drawn in.

Chinese has no spaces between words, so a space is inserted only where the gap between two glyphs is wider
than a fraction of the font size (a column gap, a label and its value); justified CJK text keeps no spurious
spaces. Lines inside one table cell are joined without a space when both sides are CJK.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from llmextract.core.locations import BBox

Char = dict[str, Any]

# Gap (in units of font size) above which two glyphs on a line are separate words or columns.
SPACE_GAP = 0.3
# Points a gap must exceed that threshold by. Typesetters often space CJK and digits exactly 0.3 em apart; without
# a margin, float noise (pdfium computes in single precision) decided whether such a gap became a space.
GAP_MARGIN = 0.01
# Vertical overlap (share of the smaller glyph height) for two glyphs to sit on the same line.
SAME_LINE_OVERLAP = 0.5
# The em box of a glyph, in units of its size above and below the baseline (a typical CJK font's metrics, so
# that for most fonts the em box is the box the font declares).
EM_ASCENT = 0.86
EM_DESCENT = 0.14


def em_box(baseline: float, size: float) -> tuple[float, float]:
    """``(top, bottom)`` of a glyph of ``size`` sitting on ``baseline`` (top-left origin)."""
    return baseline - EM_ASCENT * size, baseline + EM_DESCENT * size


def group_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Cluster chars into lines top to bottom, each line's chars sorted left to right."""
    lines: list[list[Char]] = []
    band_top = band_bottom = 0.0
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        top, bottom = ch["top"], ch["bottom"]
        if lines:
            overlap = min(bottom, band_bottom) - max(top, band_top)
            if overlap >= SAME_LINE_OVERLAP * min(bottom - top, band_bottom - band_top):
                lines[-1].append(ch)
                band_top, band_bottom = min(band_top, top), max(band_bottom, bottom)
                continue
        lines.append([ch])
        band_top, band_bottom = top, bottom
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def line_text(chars: Sequence[Char]) -> str:
    """Text of one line: glyphs in order, a single space at wide gaps, overprinted duplicates dropped."""
    out: list[str] = []
    prev: Char | None = None
    for ch in chars:
        text = ch["text"]
        if prev is not None:
            if text == prev["text"] and abs(ch["x0"] - prev["x0"]) < 1 and abs(ch["top"] - prev["top"]) < 1:
                continue  # fake bold: the same glyph drawn twice
            gap = ch["x0"] - prev["x1"]
            if gap > SPACE_GAP * max(ch.get("size") or 0, 1.0) + GAP_MARGIN and out and out[-1] != " ":
                out.append(" ")
        if text.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(text)
        prev = ch
    return "".join(out).strip()


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms/punctuation: scripts written without spaces."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x3000 <= o <= 0x303F
        or 0x20000 <= o <= 0x3FFFF
        or ch in "“”‘’—…·"
    )


def join_wrapped(parts: Sequence[str]) -> str:
    """Join the lines of a wrapped cell: no space where either side is CJK, a space between Latin words."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (is_wide(out[-1]) or is_wide(part[0])) and out[-1] not in "-/（(":
            out += " "
        out += part
    return out


def chars_bbox(chars: Sequence[Char]) -> BBox:
    return (
        min(c["x0"] for c in chars),
        min(c["top"] for c in chars),
        max(c["x1"] for c in chars),
        max(c["bottom"] for c in chars),
    )
