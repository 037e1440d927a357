"""Tokens of an indicator grid in a raw PDF text dump, where cells are split over lines and run together.

In such dumps a name wraps anywhere ("驻村帮扶工作人" / "员数"), a level word runs into the next cell
("社会效益指标保障涉拆单位人") and the only separators are spaces and line breaks. The pieces are typed
(level word, value, short word, text); short words ("保障", "及时", "员数") are values only when a name is
pending and no definite value follows; consecutive text pieces are one name. The grammar of
:func:`~llmextract.extract.rules.grid.read_tokens` then reads the token stream.
"""

from __future__ import annotations

import re

from llmextract.extract.rules.levels import is_definite_value, level_of, split_level_prefix
from llmextract.extract.rules.segments import Seg

_PIECE = re.compile(r"\S+")
_SHORT_WORD = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
_RANGE_MARKS = "~～-—至"
_PAGE_NUMBER = re.compile(r"^[-—－]\s*\d+\s*[-—－]$")
_MIN_RUNNING = 8
# The form's row label printed vertically, one character per line: 绩 / 效 / 指 / 标, 年 / 度 / 绩 / 效 / 指 / 标.
_VERTICAL_LABELS = ("年度绩效指标", "绩效目标指标", "绩效指标")
_LONGEST_LABEL = max(map(len, _VERTICAL_LABELS))


def raw_tokens(text: str, offset: int, furniture: frozenset[str] = frozenset()) -> list[Seg]:
    """The grid text ``text`` (starting at ``offset`` in Document.text) as level, name and value tokens.

    ``furniture``: running headers/footers of the document; they and page numbers are not grid text.
    """
    pieces = [_piece(m, offset) for m in _PIECE.finditer(_blank_furniture(text, furniture))]
    pieces = _drop_vertical_label(pieces)
    pieces = _join_ranges([p for piece in pieces for p in _split_level(piece)])
    kinds = [_kind(p.text) for p in pieces]
    for i, kind in enumerate(kinds):
        if kind == "short":
            # The last short word of a name run, before a level word, a new name or the end, is its value.
            nxt = kinds[i + 1] if i + 1 < len(kinds) else None
            pending_name = i > 0 and kinds[i - 1] in ("text", "short")
            kinds[i] = "value" if pending_name and nxt in (None, "level", "text") else "text"
    tokens: list[Seg] = []
    in_name = False
    for piece, kind in zip(pieces, kinds, strict=True):
        if kind == "text" and in_name:
            prev = tokens[-1]
            tokens[-1] = Seg(prev.text + piece.text, prev.start, piece.end)
        else:
            tokens.append(piece)
        in_name = kind == "text"
    return tokens


def running_lines(lines: list[str]) -> frozenset[str]:
    """Running headers/footers: the title-like line printed next to a page number ("-25-"), never grid text."""
    found: set[str] = set()
    texts = [ln.strip() for ln in lines if ln.strip()]
    for i, text in enumerate(texts):
        if not _PAGE_NUMBER.match(text):
            continue
        for near in texts[max(i - 1, 0) : i + 2]:
            if len(near) >= _MIN_RUNNING and not any(ch.isspace() for ch in near) and "指标" not in near:
                found.add(near)
    return frozenset(found)


def _blank_furniture(text: str, furniture: frozenset[str]) -> str:
    """Page numbers and running lines replaced by spaces (offsets stay valid)."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        out.append(" " * len(line) if _PAGE_NUMBER.match(stripped) or stripped in furniture else line)
    return "\n".join(out)


def _piece(m: re.Match[str], offset: int) -> Seg:
    return Seg(m.group(), offset + m.start(), offset + m.end())


def _drop_vertical_label(pieces: list[Seg]) -> list[Seg]:
    """Drop the row label printed one character per line, whole or cut by a page break ("效/指/标")."""
    out: list[Seg] = []
    i = 0
    while i < len(pieces):
        run = 0
        while i + run < len(pieces) and len(pieces[i + run].text) == 1 and run < _LONGEST_LABEL:
            run += 1
        word = "".join(p.text for p in pieces[i : i + run])
        label = _label_piece(word) if run >= 2 else 0
        if label:
            i += label
            continue
        out.append(pieces[i])
        i += 1
    return out


def _label_piece(word: str) -> int:
    """Length of the longest start of ``word`` that is a row label, whole or cut by a page break."""
    for n in range(len(word), 1, -1):
        head = word[:n]
        if any(label.startswith(head) or label.endswith(head) for label in _VERTICAL_LABELS):
            return n
    return 0


def _join_ranges(pieces: list[Seg]) -> list[Seg]:
    """A range value wrapped at its dash ("2024年1月" / "~12月") is one piece."""
    out: list[Seg] = []
    for piece in pieces:
        if out and piece.text[0] in _RANGE_MARKS and is_definite_value(out[-1].text):
            out[-1] = Seg(out[-1].text + piece.text, out[-1].start, piece.end)
        else:
            out.append(piece)
    return out


def _split_level(piece: Seg) -> list[Seg]:
    split = split_level_prefix(piece.text)
    if split is None or not split[1]:
        return [piece]
    head, _ = split
    cut = piece.start + len(head)
    return [Seg(head, piece.start, cut), Seg(piece.text[len(head) :], cut, piece.end)]


def _kind(text: str) -> str:
    if level_of(text) is not None:
        return "level"
    if is_definite_value(text):
        return "value"
    if _SHORT_WORD.match(text):
        return "short"
    return "text"
