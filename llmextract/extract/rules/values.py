"""Indicator values printed in pieces, and cells that hold no indicator.

Some grids print the comparator, the number and the unit in columns of their own (指标性质 ≥ | 指标值 90 |
计量单位 %): they are one value, "≥90%", and parse as one. The 指标性质 column also holds words that are not
comparators (定性, 定量, 正向, 反向): they say what kind of indicator it is, not what its value is, and are left
out. Placeholder cells (/, -, 无, 不涉及) fill rows that have no indicator.
"""

from __future__ import annotations

import re

from llmextract.core.numbers import half_width

# Comparators as a column prints them; the value parser (core.numbers) reads the composed text.
_COMPARATOR = re.compile(
    r"^(>=|<=|≥|≤|≧|≦|⩾|⩽|≮|≯|≈|>|<|=|＝|~|大于等于|小于等于|不低于|不高于|不少于|不多于|不超过|不小于|不大于|大于|小于|"
    r"等于|高于|低于|达到|约|约为)$"
)
# What an 指标性质 / 指标值类型 column prints when the value has no comparator.
_NATURE = re.compile(r"^(定性|定量|正向|反向|中性|区间|正向指标|反向指标|定性指标|定量指标)$")
_UNIT_CELL = re.compile(r"^[^\d\s，,。;；:：]{1,8}$")
_PLACEHOLDER = re.compile(r"^(/|／|-|－|—|——|--|无|暂无|不涉及|无此项|空)$")


def is_comparator_cell(text: str) -> bool:
    """A cell of a comparator column: a comparator, or a word saying what kind of indicator it is."""
    word = half_width(text).replace(" ", "")
    return bool(_COMPARATOR.match(word) or _NATURE.match(word))


def is_unit_cell(text: str) -> bool:
    return bool(_UNIT_CELL.match(text.strip())) and not is_placeholder(text)


def is_placeholder(text: str) -> bool:
    """A cell that stands for "nothing here": /, -, 无, 不涉及."""
    return bool(_PLACEHOLDER.match(text.strip()))


def compose_value(comparator: str | None, value: str, unit: str | None) -> str:
    """One value from its columns: "≥" + "90" + "%" = "≥90%"; nature words and placeholder units left out,
    and a comparator or unit the value cell already prints is not added twice."""
    out = value.strip()
    if comparator:
        word = half_width(comparator).replace(" ", "")
        if _COMPARATOR.match(word) and not _starts_with_comparator(out):
            out = comparator.strip() + out
    if unit and is_unit_cell(unit) and out and not out.endswith(unit.strip()):
        out += unit.strip()
    return out


def _starts_with_comparator(text: str) -> bool:
    return any(_COMPARATOR.match(text[:n]) for n in range(1, min(len(text), 4) + 1))
