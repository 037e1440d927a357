"""Reading the indicator grid: header roles, then each row by position or, when a row is shifted, by grammar.

The header row (一级指标 | 二级指标 | 三级指标 | 指标值 [| 二级指标 | 三级指标 | 指标值] [| 实际完成值 | 分值 …])
gives each column a role. PDF tables keep rows aligned with it, so a row whose level words sit in the level
columns is read by position. Text exports drop empty cells and shift rows, so any other row is read by
grammar: [一级] [二级] 三级 指标值, repeated for the 年度 group, with the level words recognised by vocabulary.
Blank 一级/二级 cells mean "same as above" and are carried down, per column group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from llmextract.core.numbers import try_decimal
from llmextract.extract.rules.levels import AMBIGUOUS, clean_level, is_definite_value, level_of
from llmextract.extract.rules.segments import Seg
from llmextract.extract.rules.values import is_comparator_cell, is_unit_cell

Role = Literal[
    "label", "l1", "l2", "name", "value", "content", "comparator", "unit", "actual", "weight", "score", "note"
]
# First match wins: 指标值内容 / 指标值类型 before 指标值, 评(扣)分标准 before 分值.
_HEADER_ROLES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("l1", re.compile(r"一级指标")),
    ("l2", re.compile(r"二级指标")),
    ("name", re.compile(r"三级指标|^(绩效)?指标(名称|内容)$")),
    ("content", re.compile(r"指标值内容|指标内容描述")),
    ("comparator", re.compile(r"指标性质|指标值类型|^(比较|运算)符号?$")),
    ("unit", re.compile(r"(计量|度量)单位|^单位$")),
    ("note", re.compile(r"评[(（]?扣?[)）]?分标准|扣分标准")),
    ("actual", re.compile(r"实际(完成)?值|完成值")),
    ("value", re.compile(r"指标值|目标值|预期值")),
    ("weight", re.compile(r"分值|权重")),
    ("score", re.compile(r"得分")),
    ("note", re.compile(r"偏差|原因|备注")),
    ("label", re.compile(r"绩效(目标)?指标")),
)
_ROW_LABEL = re.compile(r"^(年度)?绩效(目标)?指标$")
Column = Literal["annual", "period"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Roles by column, and which value group (实施期 | 年度) each column belongs to."""

    roles: dict[int, tuple[Role, int]]
    columns: tuple[Column, ...]

    @property
    def has_actual(self) -> bool:
        return any(role == "actual" for role, _ in self.roles.values())

    def has(self, wanted: Role) -> bool:
        return any(role == wanted for role, _ in self.roles.values())


@dataclass(slots=True)
class Group:
    """One indicator cell group of a row: levels, name, value (and achieved value in self-evaluations)."""

    index: int = 0
    l1: Seg | None = None
    l2: Seg | None = None
    name: Seg | None = None
    value: Seg | None = None
    content: Seg | None = None  # 指标值内容: the value in words where 指标值 is blank
    comparator: Seg | None = None  # 指标性质 printed in its own column (≥, ≤, =, or 定性/正向 …)
    unit: Seg | None = None  # 计量单位 printed in its own column
    actual: Seg | None = None
    weight: Seg | None = None  # 分值 / 权重, and the 得分 of self-evaluation tables
    score: Seg | None = None


@dataclass(slots=True)
class Carry:
    """The levels in force: a blank 一级/二级 cell repeats the one above it."""

    l1: str | None = None
    l2: dict[int, str] = field(default_factory=dict)

    def levels(self, group: Group) -> tuple[str | None, str | None]:
        if group.l1 is not None:
            self.l1 = clean_level(group.l1.text)
            self.l2 = {}
        if group.l2 is not None:
            self.l2[group.index] = clean_level(group.l2.text)
        return self.l1, self.l2.get(group.index, self.l2.get(0))


def parse_header(cells: list[Seg]) -> Layout:
    roles: dict[int, tuple[Role, int]] = {}
    group = 0
    seen_value = False
    for cell in cells:
        role = next((r for r, rx in _HEADER_ROLES if rx.search(cell.text)), None)
        if role is None:
            continue
        if role in ("l2", "name") and seen_value:
            group, seen_value = group + 1, False
        seen_value = seen_value or role == "value"
        roles[cell.col] = (role, group)
    # Two value groups are printed 实施期 first, then 年度 (the form's own 实施期目标 | 年度目标 order).
    columns: tuple[Column, ...] = ("period", "annual") if group > 0 else ("annual",)
    return Layout(roles, columns)


def read_row(cells: list[Seg], layout: Layout, carry_l1: str | None) -> list[Group]:
    """The groups of one tab-separated grid row."""
    groups = _by_position(cells, layout)
    if groups is None:
        groups = read_tokens([c for c in cells if not _ROW_LABEL.match(c.text)], layout, carry_l1)
    return groups


def _by_position(cells: list[Seg], layout: Layout) -> list[Group] | None:
    """The row read through the header's columns, or None when it does not line up with them."""
    groups: dict[int, Group] = {}
    for cell in cells:
        role, index = layout.roles.get(cell.col, (None, 0))
        if role is None:
            return None
        level = level_of(cell.text)
        if role == "label":
            if not _ROW_LABEL.match(cell.text):
                return None
            continue
        if role in ("l1", "l2") and level is None:
            return None
        if role == "note":
            continue
        group = groups.setdefault(index, Group(index=index))
        if role == "l1" and level == 2 and clean_level(cell.text) != AMBIGUOUS:
            return None
        setattr(group, role, cell)
    for group in groups.values():
        if group.name is not None and group.value is None and group.content is None:
            # a row that prints only a level word in the name column (shifted there, or a grid with no level
            # columns that heads each group of rows with its 一级/二级 word): a label, not an indicator
            level = level_of(group.name.text)
            if level == 2:
                group.l2, group.name = group.l2 or group.name, None
            elif level == 1 and not layout.has("l1"):
                group.l1, group.name = group.name, None
    return [groups[i] for i in sorted(groups)]


def read_tokens(tokens: list[Seg], layout: Layout, carry_l1: str | None, *, wrap: bool = False) -> list[Group]:
    """Groups from cells in reading order, by vocabulary: [一级] [二级] 三级 值, per column group.

    ``wrap``: the tokens span many rows (a raw dump), so group indexes cycle through the column groups.
    """
    n_groups = len(layout.columns)
    groups: list[Group] = []
    current = Group()
    last_l1 = carry_l1

    def close() -> Group:
        nonlocal current
        if current.l1 or current.l2 or current.name:
            groups.append(current)
        index = len(groups) % n_groups if wrap else min(len(groups), n_groups - 1)
        current = Group(index=index)
        return current

    for i, tok in enumerate(tokens):
        level = _token_level(tok, tokens[i + 1] if i + 1 < len(tokens) else None, current, last_l1)
        if level == 1:
            if current.l1 or current.l2 or current.name:
                close()
            current.l1 = tok
            last_l1 = clean_level(tok.text)
        elif level == 2 and not wrap and _repeats_level(tokens, i, current, n_groups - len(groups)):
            continue
        elif level == 2 and not (current.l2 and not current.name and _names_a_value(tokens, i, layout)):
            if current.name or current.l2:
                close()
            current.l2 = tok
        elif current.name is None:
            current.name = tok
        elif (
            layout.has("comparator")
            and current.value is None
            and current.comparator is None
            and (is_comparator_cell(tok.text))
        ):
            current.comparator = tok
        elif current.value is None:
            current.value = tok
        elif layout.has("unit") and current.unit is None and is_unit_cell(tok.text):
            current.unit = tok
        elif layout.has_actual and current.actual is None:
            current.actual = tok
        elif layout.has("weight") and current.weight is None and try_decimal(tok.text) is not None:
            current.weight = tok
        elif layout.has("score") and current.score is None and try_decimal(tok.text) is not None:
            current.score = tok
        elif n_groups > 1:
            close().name = tok
    close()
    return groups


def _repeats_level(tokens: list[Seg], i: int, current: Group, slots: int) -> bool:
    """A 二级 printed twice in a row ("数量指标 数量指标 人数 3人 数量指标 人数 3人"): the export duplicated the
    cell. Read as an empty group instead, it would push the row's indicators past its column groups."""
    if current.l2 is None or current.name is not None or clean_level(tokens[i].text) != clean_level(current.l2.text):
        return False
    cells = sum(1 for tok in tokens[i + 1 :] if level_of(tok.text) is None)
    return cells >= 2 * slots


def _names_a_value(tokens: list[Seg], i: int, layout: Layout) -> bool:
    """A level word right after the row's 二级 is its 三级 name ("服务对象满意度" before "≥95%"), unless a
    name and a value still follow it in a one-group row: then the first 二级 labelled an empty row above."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and level_of(nxt.text) is None and is_definite_value(nxt.text):
        return True
    if len(layout.columns) > 1:
        return False
    cells_after_name = 1 + sum(layout.has(role) for role in ("actual", "weight", "score"))
    return len(tokens) - i - 1 <= cells_after_name


def _token_level(tok: Seg, nxt: Seg | None, current: Group, last_l1: str | None) -> int | None:
    """Level of a token in context: 成本指标 is 一级 before a 二级 word (or another 成本指标) or at the top of a
    new-style grid."""
    level = level_of(tok.text)
    if level is None or clean_level(tok.text) != AMBIGUOUS:
        return level
    if current.l1 is not None:
        return 2
    if nxt is not None and (level_of(nxt.text) == 2 or clean_level(nxt.text) == AMBIGUOUS):
        return 1  # "成本指标 成本指标": the 一级 and its 二级 of the same name
    return 2 if last_l1 == "产出指标" else 1
