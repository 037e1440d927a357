"""Indicators of a block: grid groups to ``Indicator`` records, packed cells split, values parsed.

A packed cell holds several indicators: "任务2: 参加各类展会次数; 评审专家数量" beside "≥6次; ≥6人次". When
names and values split into the same number of parts they are paired; otherwise the cell stays one indicator
(its value_raw is still exactly what is printed). comparator / value / unit always come from
:func:`~llmextract.core.numbers.parse_indicator_value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from llmextract.core.locations import Location
from llmextract.core.numbers import parse_indicator_value, try_decimal
from llmextract.core.records import Indicator
from llmextract.extract.rules.grid import Carry, Group, Layout, parse_header, read_row, read_tokens
from llmextract.extract.rules.levels import clean_level, clean_name, level_of, name_weight
from llmextract.extract.rules.raw_grid import raw_tokens
from llmextract.extract.rules.segments import PLAIN, Seg, sub_seg

_PACK_SEPARATOR = re.compile(r"\s*[;；]\s*")
_TASK_PREFIX = re.compile(r"^任务\s*\d+\s*[:：]\s*")

Locate = Callable[[int, int], Location]


def tab_indicators(header: list[Seg], rows: list[list[Seg]], locate: Locate) -> list[Indicator]:
    """Indicators of a grid of tab-separated rows below its ``header`` row."""
    layout = parse_header(header)
    carry = Carry()
    out: list[Indicator] = []
    since_levels = 0  # indicators read since the last row that printed its own level cells
    for i, row in enumerate(rows):
        if row[0].col == PLAIN:
            levels = _level_line(row[0].text, rows[i + 1][0] if i + 1 < len(rows) else None)
            if levels is not None:
                out[since_levels:] = [ind.model_copy(update=levels) for ind in out[since_levels:]]
                carry.l1, carry.l2 = levels["level1"], {0: levels["level2"]}
            continue
        groups = read_row(row, layout, carry.l1)
        for group in groups:
            out.extend(_indicators(group, layout, carry, locate))
        if any(g.l1 or g.l2 for g in groups):
            since_levels = len(out)
    return out


def _level_line(text: str, nxt: Seg | None) -> dict[str, str] | None:
    """一级/二级 of a merged cell printed outside the grid ("产出指标 数量指标"), possibly wrapped before its
    last character ("效益指 社会效益指" / "标 标"); None for any other line (page numbers, titles)."""
    words = text.split()
    if nxt is not None and nxt.col == PLAIN and len(nxt.text.split()) == len(words):
        wrapped = [a + b for a, b in zip(words, nxt.text.split(), strict=True)]
        if all(level_of(w) for w in wrapped):
            words = wrapped
    kinds = [level_of(w) for w in words]
    if kinds != [1, 2]:
        return None
    return {"level1": clean_level(words[0]), "level2": clean_level(words[1])}


def raw_indicators(
    header_text: str, text: str, offset: int, locate: Locate, furniture: frozenset[str] = frozenset()
) -> list[Indicator]:
    """Indicators of a raw-dump grid: ``text`` (at ``offset``) follows a header line like
    "一级指标 二级指标 三级指标 指标值 二级指标 三级指标 指标值"; ``furniture``: running page lines."""
    header = [Seg(word, 0, 0, col) for col, word in enumerate(header_text.split())]
    layout = parse_header(header)
    carry = Carry()
    out: list[Indicator] = []
    for group in read_tokens(raw_tokens(text, offset, furniture), layout, None, wrap=True):
        out.extend(_indicators(group, layout, carry, locate))
    return out


def _indicators(group: Group, layout: Layout, carry: Carry, locate: Locate) -> list[Indicator]:
    level1, level2 = carry.levels(group)
    if group.name is None:
        return []
    column = layout.columns[min(group.index, len(layout.columns) - 1)]
    pairs = _unpack(group.name, group.value)
    return [
        _indicator(level1, level2, name, value, group if len(pairs) == 1 else None, column, locate)
        for name, value in pairs
    ]


def _unpack(name: Seg, value: Seg | None) -> list[tuple[Seg, Seg | None]]:
    names = _parts(name)
    values = _parts(value) if value is not None else []
    if len(names) > 1 and len(names) == len(values):
        return list(zip(names, values, strict=True))
    return [(name, value)]


def _parts(seg: Seg) -> list[Seg]:
    parts: list[Seg] = []
    pos = 0
    for m in [*_PACK_SEPARATOR.finditer(seg.text), None]:
        end = m.start() if m else len(seg.text)
        part = sub_seg(seg, pos, end)
        if part.text:
            parts.append(part)
        pos = m.end() if m else pos
    return parts


def _indicator(
    level1: str | None,
    level2: str | None,
    name: Seg,
    value: Seg | None,
    whole: Group | None,
    column: str,
    locate: Locate,
) -> Indicator:
    """``whole``: the group when the indicator is all of it (not one part of a packed cell), so its achieved
    value, 分值 and 得分 are the indicator's own."""
    value_raw = value.text if value is not None else ""
    actual = whole.actual if whole is not None else None
    weight = try_decimal(whole.weight.text) if whole is not None and whole.weight is not None else None
    parsed = parse_indicator_value(value_raw)
    end = max(name.end, value.end if value is not None else name.end)
    return Indicator(
        level1=level1,
        level2=level2,
        name=clean_name(_TASK_PREFIX.sub("", name.text)),
        value_raw=value_raw,
        comparator=parsed.comparator,
        value=parsed.value,
        unit=parsed.unit,
        column="period" if column == "period" else "annual",
        actual_raw=actual.text if actual is not None else None,
        weight=weight if weight is not None else name_weight(name.text),
        score=try_decimal(whole.score.text) if whole is not None and whole.score is not None else None,
        location=locate(min(name.start, value.start if value is not None else name.start), end),
    )
