"""Prose paragraphs: the lines outside tables, joined while a paragraph runs on.

PDF lines and raw text dumps wrap mid-sentence and sometimes mid-number ("1,024.8" / "7"), so the lines of one
paragraph are joined before any figure is read. Where a line ends is decided differently for the two sources:

- PDF lines carry their box. A paragraph starts on a line indented from the page's text margin, or after a
  line that stopped short of the right margin by more than the next line's first word would need (a number
  that did not fit, "520049.92万元", is carried to the next line whole and leaves a gap that is not an end).
  A line ending mid-sentence (；：，、) goes on in the next one even when that one is indented: lists print one
  item per line ("其中：" / "基本支出…占54.74%；" / "项目支出…占45.26%；").
- Text exports have no geometry: a paragraph starts after a line ending a sentence (。；：) and on a line that
  opens with a heading number ("（二）", "3．" — but not "102.9%": a decimal is no heading).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from llmextract.core.document import Document, Line

_SENTENCE_END = "。！？"
_MID_SENTENCE = "；;：:，,、"
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\w+\)|\d+[、.．](?!\d))"
)
_PAGE_NUMBER = re.compile(r"^[\W_]*\d{1,3}[\W_]*$")
_MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元|元)")
_NARROW = re.compile(r"^[0-9A-Za-z.,%\-]+")  # a run of half-width characters wraps as one word
_CLOSING = "，。、；：）》”％%"  # never starts a line: the character before it is carried along


@dataclass
class Paragraph:
    """Joined prose lines and, for each char, its offset in ``Document.text``."""

    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[max(end - 1, start)] + 1


@dataclass(frozen=True, slots=True)
class _Margins:
    left: float
    right: float


def paragraphs(doc: Document) -> list[Paragraph]:
    """Prose paragraphs in reading order."""
    repeated = Counter(ln.text.strip() for ln in doc.lines if ln.text.strip())
    edges = _page_edges(doc.lines)
    prose = [ln for ln in doc.lines if not _skip(ln, repeated, edges)]
    margins = _page_margins(prose)
    kept = {id(ln) for ln in prose}
    out: list[Paragraph] = []
    current: Paragraph | None = None
    previous: Line | None = None
    for line in doc.lines:
        if id(line) not in kept:
            if line.table is not None or "\t" in line.text:
                current = None  # a table between two lines of text ends the paragraph before it
            continue
        text = line.text.rstrip()
        stripped = text.strip()
        if current is None or previous is None or _starts_paragraph(current.text, stripped, previous, line, margins):
            current = Paragraph("", [])
            out.append(current)
        lead = len(text) - len(text.lstrip())
        current.text += stripped
        current.offsets.extend(range(line.start + lead, line.start + lead + len(stripped)))
        previous = line
    return out


def _skip(line: Line, repeated: Counter[str], edges: Counter[str]) -> bool:
    text = line.text.strip()
    if not text or line.table is not None or "\t" in line.text:
        return True
    # Page numbers and running headers would glue into a sentence that continues on the next page.
    running = len(text) <= 30 and (repeated[text] >= 3 or edges[text] >= 2)
    return bool(_PAGE_NUMBER.match(text)) or running


def _page_edges(lines: tuple[Line, ...]) -> Counter[str]:
    """How many pages open or close with each text (a running header shows on two pages of a short file)."""
    by_page: dict[int, list[str]] = {}
    for line in lines:
        if line.text.strip():
            by_page.setdefault(line.page, []).append(line.text.strip())
    return Counter(t for texts in by_page.values() for t in {texts[0], texts[-1]})


def _page_margins(lines: list[Line]) -> dict[int, _Margins]:
    """Per page, where full lines of text begin and end. The left margin is the leftmost start of a line that
    runs to the right margin (continuation lines begin there; first lines of paragraphs are indented)."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        if line.bbox is not None:
            by_page.setdefault(line.page, []).append(line)
    out: dict[int, _Margins] = {}
    for page, page_lines in by_page.items():
        right = max(ln.bbox[2] for ln in page_lines if ln.bbox)
        full = [ln.bbox[0] for ln in page_lines if ln.bbox and right - ln.bbox[2] <= 2 * _height(ln)]
        left = min(full) if full else min(ln.bbox[0] for ln in page_lines if ln.bbox)
        out[page] = _Margins(left, right)
    return out


def _height(line: Line) -> float:
    assert line.bbox is not None
    return max(line.bbox[3] - line.bbox[1], 1.0)


def _starts_paragraph(joined: str, text: str, previous: Line, line: Line, margins: dict[int, _Margins]) -> bool:
    if not joined:
        return True
    geometry = line.bbox is not None and previous.bbox is not None and line.page in margins and previous.page in margins
    if geometry and joined[-1] in _MID_SENTENCE:
        return False  # "…其中：" / "…占54.74%；" then the next item on its own (indented) line: one sentence
    ends_sentence = joined[-1] in _SENTENCE_END + "；;：:"
    if ends_sentence and _HEADING.match(text):
        return True
    if geometry:
        return _starts_by_geometry(text, previous, line, margins)
    if ends_sentence:
        return True
    heading = (
        _HEADING.match(joined)
        and len(joined) <= 40
        and "。" not in joined
        and not _MONEY.search(joined)
        and joined[-1] not in "，,、"
    )
    return bool(_HEADING.match(text)) or bool(heading)


def _starts_by_geometry(text: str, previous: Line, line: Line, margins: dict[int, _Margins]) -> bool:
    assert line.bbox is not None and previous.bbox is not None
    em = _height(line)
    if line.bbox[0] - margins[line.page].left > 0.8 * em:
        return True  # indented: a new paragraph (or a heading)
    gap = margins[previous.page].right - previous.bbox[2]
    return gap > _first_word_width(text, em) + em


def _first_word_width(text: str, em: float) -> float:
    """Width the next line's first word would have needed at the end of the line before."""
    narrow = _NARROW.match(text)
    width = len(narrow.group()) * 0.55 * em if narrow else em
    rest = text[len(narrow.group()) if narrow else 1 :]
    if rest[:1] and rest[0] in _CLOSING:
        width += em
    return width
