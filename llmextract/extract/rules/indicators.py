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
from llmextract.extract.rules.levels import belongs_under, clean_level, clean_name, level_of, name_weight
from llmextract.extract.rules.raw_grid import raw_tokens
from llmextract.extract.rules.segments import PLAIN, Seg, sub_seg

_PACK_SEPARATOR = re.compile(r"\s*[;；]\s*")
_TASK_PREFIX = re.compile(r"^任务\s*\d+\s*[:：]\s*")
# Every character of the level vocabulary, and spaces: lines made of these can be pieces of level cells.
_LEVEL_CHARS = frozenset("产出效益满意度成本数量质时经济社会生态环境可持续續发展影响服务对象指标 \u3000\t")

Locate = Callable[[int, int], Location]


def tab_indicators(header: list[Seg], rows: list[list[Seg]], locate: Locate) -> list[Indicator]:
    """Indicators of a grid of tab-separated rows below its ``header`` row.

    A merged level cell cut by a page break loses its text from the rows it covers; PDF ingest prints that
    text as plain lines after them. Such lines name the 二级 of every row since the last row that printed its
    own 一级 or 二级, and the 一级 of those rows and of the rows before them whose 二级 belongs to it.
    """
    layout = parse_header(header)
    # The first row's merged 一级 cell sometimes lands on the header line ("绩效指标 产出指标 一级指标 …").
    carry = Carry(l1=next((clean_level(c.text) for c in header if level_of(c.text) == 1), None))
    out: list[Indicator] = []
    since_l1 = since_l2 = 0  # indicators read since the last row that printed its own 一级 / 二级 cell
    i = 0
    while i < len(rows):
        if rows[i][0].col == PLAIN:
            run = [rows[i][0].text]
            while i + 1 < len(rows) and rows[i + 1][0].col == PLAIN:
                i += 1
                run.append(rows[i][0].text)
            i += 1
            level1, level2 = _level_lines(run)
            if level2 is not None:
                out[since_l2:] = [ind.model_copy(update={"level2": level2}) for ind in out[since_l2:]]
                carry.l2 = {0: level2}
            if level1 is not None:
                first = _level1_start(out, level1, since_l1, since_l2 if level2 is not None else len(out))
                out[first:] = [ind.model_copy(update={"level1": level1}) for ind in out[first:]]
                carry.l1 = level1
            continue
        groups = read_row(rows[i], layout, carry.l1)
        for group in groups:
            out.extend(_indicators(group, layout, carry, locate))
        if any(g.l1 for g in groups):
            since_l1 = len(out)
        if any(g.l1 or g.l2 for g in groups):
            since_l2 = len(out)
        i += 1
    return out


def _level1_start(out: list[Indicator], level1: str, since_l1: int, covered: int) -> int:
    """First indicator under a 一级 cell printed outside the grid: those from ``covered`` on, and before them
    the rows (back to the last printed 一级) whose 二级 is one of this 一级's (数量 under 产出)."""
    first = covered
    while first > since_l1 and belongs_under(level1, out[first - 1].level2):
        first -= 1
    return first


def _level_lines(lines: list[str]) -> tuple[str | None, str | None]:
    """一级/二级 words of merged cells printed outside the grid: "产出指标 数量指标" on one line, two columns
    wrapped before their last character ("效益指 社会效益指" / "标 标"), or one cell a line ("产出指" / "标" /
    "质量指标"). Page numbers, running titles and any other text between them are not level cells."""
    words: list[str] = []
    for run in _level_runs(lines):
        words.extend(_level_words(run) or [])
    kinds = [level_of(w) for w in words]
    if kinds not in ([1, 2], [1], [2]):
        return None, None
    level1 = clean_level(words[0]) if kinds[0] == 1 else None
    level2 = clean_level(words[-1]) if kinds[-1] == 2 else None
    return level1, level2


def _level_runs(lines: list[str]) -> list[list[str]]:
    """Consecutive lines made only of pieces of level words ("产出指", "标"), split at any other line."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip() and set(line) - _LEVEL_CHARS:
            runs.append([])
        elif line.strip():
            runs[-1].append(line)
    return [run for run in runs if run]


def _level_words(lines: list[str]) -> list[str] | None:
    """The level words of lines of level-word pieces; None when some piece is left over."""
    words: list[str] = []
    pending = ""  # a level word wrapped over lines, read so far
    i = 0
    while i < len(lines):
        parts = lines[i].split()
        nxt = lines[i + 1].split() if i + 1 < len(lines) else []
        if len(parts) > 1 and len(nxt) == len(parts):
            wrapped = [a + b for a, b in zip(parts, nxt, strict=True)]
            if all(level_of(w) for w in wrapped):
                words.extend(wrapped)
                i += 2
                continue
        for part in parts:
            pending += part
            if level_of(pending):
                words.append(pending)
                pending = ""
        i += 1
    return None if pending else words


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
