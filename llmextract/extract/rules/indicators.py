"""Indicators of a block: grid groups to ``Indicator`` records, packed cells split, values parsed.

A packed cell holds several indicators: "任务2: 参加各类展会次数; 评审专家数量" beside "≥6次; ≥6人次". When
names and values split into the same number of parts they are paired; several names over one value share it;
otherwise the cell stays one indicator (its value_raw is still exactly what is printed). Row numbers
("任务2:", "指标3：") are not part of a name, and placeholder rows (/, 无, 不涉及) are not indicators.
comparator / value / unit always come from :func:`~llmextract.core.numbers.parse_indicator_value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from llmextract.core.locations import Location
from llmextract.core.numbers import parse_indicator_value, try_decimal
from llmextract.core.records import Indicator
from llmextract.extract.rules.grid import Carry, Group, Layout, parse_header, read_row, read_tokens
from llmextract.extract.rules.levels import belongs_under, clean_level, clean_name, level_of, name_weight
from llmextract.extract.rules.packed import packed_indicators
from llmextract.extract.rules.raw_grid import raw_tokens
from llmextract.extract.rules.segments import PLAIN, Seg, sub_seg
from llmextract.extract.rules.values import compose_value, is_placeholder
from llmextract.layout.form_vocabulary import PACKED_INDICATORS, is_indicator_header

_PACK_SEPARATOR = re.compile(r"\s*[;；]\s*")
_SLASH = re.compile(r"\s*[/／]\s*")
# "任务2: 展会次数", "指标3：合格率": a number of the row, not part of the name.
_NUMBERING = re.compile(r"^(任务|指标)\s*\d+\s*[:：]\s*")
_MAX_SHARED_NAME = 20
_CLAUSE = re.compile(r"[，,。：:]")
_POINTS_UNIT = re.compile(r"\s*(分|%)\s*$")
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
        if is_indicator_header([c.text for c in rows[i]]):
            layout = parse_header(rows[i])  # the header repeated on the next page (its columns may move)
            i += 1
            continue
        packed = [cell for cell in rows[i] if PACKED_INDICATORS.search(cell.text)]
        if packed:
            out.extend(ind for cell in packed for ind in packed_cell_indicators(cell, locate))
            i += 1
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


def packed_cell_indicators(cell: Seg, locate: Locate) -> list[Indicator]:
    """The indicators of one cell that packs a project's indicators ("1－产出指标，11－数量指标，…")."""
    return [_indicator(p.level1, p.level2, p.name, p.value, None, p.column, locate) for p in packed_indicators(cell)]


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
    if group.name is None or is_placeholder(group.name.text):
        return []  # a placeholder row (/, 无, 不涉及) holds no indicator
    column = layout.columns[min(group.index, len(layout.columns) - 1)]
    pairs = _unpack(group.name, _value(group))
    return [
        _indicator(level1, level2, name, value, group if len(pairs) == 1 else None, column, locate)
        for name, value in pairs
    ]


def _value(group: Group) -> Seg | None:
    """The group's value as one piece: 指标值 (or, when blank, 指标值内容) with the comparator and unit printed
    in columns of their own; its span covers the cells it was composed from."""
    value = group.value if group.value is not None else group.content
    if value is None:
        return None
    pieces = [seg for seg in (group.comparator, value, group.unit) if seg is not None]
    text = compose_value(
        group.comparator.text if group.comparator else None, value.text, group.unit.text if group.unit else None
    )
    return Seg(text, min(p.start for p in pieces), max(p.end for p in pieces), value.col)


def _unpack(name: Seg, value: Seg | None) -> list[tuple[Seg, Seg | None]]:
    """Several indicators in one cell pair: names and values joined by ；/; (or by / when every part of the
    value is a quantity) split into the same number of parts. Several names under one value share it; one
    name over several values stays one indicator (a value cell may list figures of one indicator)."""
    for separator in (_PACK_SEPARATOR, _SLASH):
        names = _parts(name, separator)
        if len(names) < 2:
            continue
        values = _parts(value, separator) if value is not None else []
        if len(names) == len(values) and (separator is _PACK_SEPARATOR or all(map(_is_quantity, values))):
            return list(zip(names, values, strict=True))
        if separator is _PACK_SEPARATOR and value is not None and len(values) == 1 and _names_only(names):
            return [(n, value) for n in names]
    return [(name, value)]


def _is_quantity(seg: Seg) -> bool:
    return parse_indicator_value(seg.text).value is not None


def _names_only(names: list[Seg]) -> bool:
    """Parts that read as indicator names (short, no sentence inside), not clauses of one long name."""
    texts = [_NUMBERING.sub("", n.text) for n in names]
    return all(len(t) <= _MAX_SHARED_NAME and not _CLAUSE.search(t) for t in texts)


def _parts(seg: Seg, separator: re.Pattern[str] = _PACK_SEPARATOR) -> list[Seg]:
    parts: list[Seg] = []
    pos = 0
    for m in [*separator.finditer(seg.text), None]:
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
    weight = _points(whole.weight) if whole is not None else None
    parsed = parse_indicator_value(value_raw)
    end = max(name.end, value.end if value is not None else name.end)
    return Indicator(
        level1=level1,
        level2=level2,
        name=clean_name(_NUMBERING.sub("", name.text)),
        value_raw=value_raw,
        comparator=parsed.comparator,
        value=parsed.value,
        unit=parsed.unit,
        column="period" if column == "period" else "annual",
        actual_raw=actual.text if actual is not None else None,
        weight=weight if weight is not None else name_weight(name.text),
        score=_points(whole.score) if whole is not None else None,
        location=locate(min(name.start, value.start if value is not None else name.start), end),
    )


def _points(seg: Seg | None) -> Decimal | None:
    """分值 / 权重 / 得分 as printed: "10", "10分", "10%"."""
    return try_decimal(_POINTS_UNIT.sub("", seg.text)) if seg is not None else None
