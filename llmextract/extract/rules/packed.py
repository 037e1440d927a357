"""A whole project's indicators packed into one cell, with numbered levels instead of grid columns.

Two styles are printed by budget systems:

- "1－产出指标，11－数量指标，培训人数；实施周期指标值：≥300人，年度指标值：≥100人；12－质量指标，合格率；…"
- "1、1-产出指标；11-数量指标；培训人数：≥300人 2、1-产出指标；12-质量指标；合格率：100%"

A one-digit code marks a 一级 word (1 产出, 2 效益, 3 满意度), a longer one a 二级 word under it (11 数量, 12 质量).
After the levels come the indicator's name and its value(s): "实施周期指标值：" (or 实施期) gives the 实施期
column, "年度指标值：" and a bare "指标值：" the 年度 column; without value labels the value follows the name
after a colon or a ；. Every piece keeps its span, so each indicator points at its own text in the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from llmextract.extract.rules.levels import clean_level, level_of
from llmextract.extract.rules.segments import Seg, sub_seg

_LEVEL = re.compile(r"(?P<code>\d{1,3})\s*[－\-—–]\s*(?P<word>[\u4e00-\u9fff]{1,12}?指标)")
_ENTRY_NUMBER = re.compile(r"(^|(?<=[\s；;。，,]))\d{1,2}\s*[、．.]\s*(?=\d{1,3}\s*[－\-—–])")
_VALUE_LABEL = re.compile(r"(?P<which>实施周期|实施期|年度|全年)?(?:绩效)?指标值\s*[:：]\s*")
_SEPARATORS = "，,；;。 \t\n"
_VALUE_END = re.compile(r"[，,；;。\n]")
_NAME_VALUE = re.compile(r"\s*[:：]\s*")

Column = Literal["annual", "period"]


@dataclass(frozen=True, slots=True)
class PackedIndicator:
    level1: str | None
    level2: str | None
    name: Seg
    value: Seg | None
    column: Column


def packed_indicators(cell: Seg) -> list[PackedIndicator]:
    """The indicators of a packed cell, in printed order (one per name and value column)."""
    out: list[PackedIndicator] = []
    level1: str | None = None
    level2: str | None = None
    levels = [m for m in _LEVEL.finditer(cell.text) if level_of(m.group("word")) is not None]
    for n, m in enumerate(levels):
        word = clean_level(m.group("word"))
        if len(m.group("code")) == 1 and level_of(word) == 1:
            level1, level2 = word, None
        else:
            level2 = word
        body_end = levels[n + 1].start() if n + 1 < len(levels) else len(cell.text)
        body = _without_entry_number(sub_seg(cell, m.end(), body_end), cell)
        out.extend(PackedIndicator(level1, level2, name, value, column) for name, value, column in _body(body))
    return out


def _without_entry_number(body: Seg, cell: Seg) -> Seg:
    """The body up to the next entry's number ("… 2、" before "1-产出指标")."""
    rel = body.start - cell.start
    m = _ENTRY_NUMBER.search(cell.text, rel)
    return sub_seg(body, 0, m.start() - rel) if m and m.start() < rel + len(body.text) else body


def _body(body: Seg) -> list[tuple[Seg, Seg | None, Column]]:
    """Name and values after a level word: "培训人数；实施周期指标值：≥300人，年度指标值：≥100人" (several
    such runs may follow one level word), or "培训人数：≥300人" / "培训人数；≥300人"."""
    labels = list(_VALUE_LABEL.finditer(body.text))
    out: list[tuple[Seg, Seg | None, Column]] = []
    name: Seg | None = None
    pos = 0
    for i, label in enumerate(labels):
        gap = _trimmed(body, pos, label.start())
        name = gap if gap.text else name  # no text before a label: another value of the same name
        separator = _VALUE_END.search(body.text, label.end())
        next_label = labels[i + 1].start() if i + 1 < len(labels) else len(body.text)
        pos = min(separator.start() if separator else len(body.text), next_label)
        value = _trimmed(body, label.end(), pos)
        column: Column = "period" if label.group("which") in ("实施周期", "实施期") else "annual"
        if name is not None:
            out.append((name, value if value.text else None, column))
    tail = _trimmed(body, pos, len(body.text))
    return out + (_plain(tail) if tail.text else [])


def _plain(body: Seg) -> list[tuple[Seg, Seg | None, Column]]:
    """A name and its value after a colon or a ；("培训人数：≥300人", "培训人数；≥300人"), or a name alone."""
    seg = body
    m = _NAME_VALUE.search(seg.text)
    if m is None:
        parts = re.split(r"\s*[；;]\s*", seg.text)
        if len(parts) == 2:
            cut = seg.text.index(parts[1], len(parts[0]))
            return [(_trimmed(seg, 0, len(parts[0])), _trimmed(seg, cut, len(seg.text)), "annual")]
        return [(seg, None, "annual")]
    return [(_trimmed(seg, 0, m.start()), _trimmed(seg, m.end(), len(seg.text)), "annual")]


def _trimmed(seg: Seg, start: int, end: int) -> Seg:
    """``seg[start:end]`` without surrounding separators, its span narrowed to match."""
    text = seg.text[start:end]
    lead = len(text) - len(text.lstrip(_SEPARATORS))
    kept = text.strip(_SEPARATORS)
    return Seg(kept, seg.start + start + lead, seg.start + start + lead + len(kept), seg.col)
