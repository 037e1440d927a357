"""Parsing the numbers of budget disclosures: amounts, units, percentages, comparators. Decimal, never float.

Amounts are written "1,024.87", "1024.87", "60,100", "1 024.87", with full-width digits and punctuation
(１，０２４．８７) in some exports. An empty cell or a dash means "not reported" (None), which is not zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

# "≈": about (≈100%, 约50人, 100人左右) — a target stated as approximate, not a bound.
Comparator = Literal[">=", "<=", ">", "<", "=", "≈"]

UNIT_SCALE: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}

# Full-width ASCII (U+FF01..U+FF5E) to half-width, and the ideographic space to a space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NOT_REPORTED = frozenset({"", "-", "—", "－", "--", "——", "/", "无", "－－", "…"})
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")

# Prefix and suffix words that carry a comparator, longest first.
_PREFIX_COMPARATORS: tuple[tuple[str, Comparator], ...] = (
    (">=", ">="),
    ("<=", "<="),
    ("≥", ">="),
    ("≤", "<="),
    ("⩾", ">="),
    ("⩽", "<="),
    ("≧", ">="),
    ("≦", "<="),
    ("≮", ">="),
    ("≯", "<="),
    ("≈", "≈"),
    ("≌", "≈"),
    ("不得低于", ">="),
    ("不得少于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("大于等于", ">="),
    ("至少", ">="),
    ("最少", ">="),
    ("不得高于", "<="),
    ("不得超过", "<="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("未超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("小于等于", "<="),
    ("至多", "<="),
    ("最多", "<="),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("不足", "<"),
    ("约为", "≈"),
    ("大约", "≈"),
    ("约", "≈"),
    ("~", "≈"),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
    ("等于", "="),
    ("达到", ">="),
)
_SUFFIX_COMPARATORS: tuple[tuple[str, Comparator], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以内", "<="),
    ("以下", "<="),
    ("左右", "≈"),
)
# Prefixes that are comparators only before a number: "约50人" is about 50, "约束…" and "~" in text are words.
_BEFORE_DIGITS = frozenset({"约", "约为", "大约", "~"})
# Words before a value that say how it is held, not which way: "控制在5%以内" is "≤5%" by its suffix.
_NEUTRAL_PREFIXES = ("控制在", "保持在", "维持在")
_VALUE_UNIT = re.compile(r"^(?P<num>[+-]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?$")
# A unit holding more numbers or a list separator means the text states several quantities.
_NOT_A_UNIT = re.compile(r"[\d,;。，；]")
# A value that is a date or deadline, not a quantity: "2025年4月底前完成", "12月31日前".
_DATE_LIKE = re.compile(r"^\d{4}年(\d{1,2}月)?|^\d{1,2}月(\d{1,2}日|底|末|份)|前完成|之前")


def half_width(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; ideographic spaces to spaces."""
    return text.translate(_WIDTH)


def parse_decimal(text: str | None) -> Decimal | None:
    """A printed number as Decimal; None for empty/"—" (not reported). Raises ValueError if not a number."""
    if text is None:
        return None
    s = half_width(text).strip().replace(" ", "")
    if s in _NOT_REPORTED:
        return None
    if s.startswith("(") and s.endswith(")"):
        s = "-" + s[1:-1]  # accountants' negative
    if not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise ValueError(f"not a number: {text!r}") from exc


def try_decimal(text: str | None) -> Decimal | None:
    """Like parse_decimal, but None for anything that is not a number."""
    try:
        return parse_decimal(text)
    except ValueError:
        return None


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Convert an amount in 元/万元/亿元 to 元."""
    try:
        return value * UNIT_SCALE[unit]
    except KeyError:
        raise ValueError(f"unknown money unit {unit!r} (expected one of {', '.join(UNIT_SCALE)})") from None


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    return to_yuan(value, from_unit) / UNIT_SCALE[to_unit]


def decimals(value: Decimal) -> int:
    """Number of digits after the decimal point as printed (Decimal keeps them: 6.10 -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """An indicator value split into comparator, number and unit; None where the text has none."""

    comparator: Comparator | None
    value: Decimal | None
    unit: str | None


def parse_indicator_value(raw: str) -> ParsedValue:
    """Split "≥95%", "<10017元/年", "≤7.5万元/座", "6名", "不低于90%", "100人以上", "≈100%" into parts.

    Text that is not a quantity ("及时", "提升", "2025年4月底前完成") has no number: value None.
    """
    s = half_width(raw).strip().replace(" ", "")
    comparator: Comparator | None = None
    s = next((s[len(w) :] for w in _NEUTRAL_PREFIXES if s.startswith(w)), s)
    for word, comp in _PREFIX_COMPARATORS:
        if s.startswith(word) and (word not in _BEFORE_DIGITS or s[len(word) : len(word) + 1].isdigit()):
            comparator, s = comp, s[len(word) :]
            break
    for word, comp in _SUFFIX_COMPARATORS:
        if s.endswith(word):
            # a prefix comparator wins ("不低于90%以上" is ≥90%); the suffix is no part of the unit either way
            comparator, s = comparator or comp, s[: -len(word)]
            break
    if _DATE_LIKE.search(s):
        return ParsedValue(comparator, None, None)
    m = _VALUE_UNIT.match(s)
    if m is None:
        return ParsedValue(comparator, None, None)
    value = try_decimal(m.group("num"))
    unit = m.group("unit") or None
    if unit is not None and _NOT_A_UNIT.search(unit):
        # "2小时(含)以内300元/人, 超出时间100元/人小时": a rule written out, not one quantity.
        return ParsedValue(comparator, None, None)
    return ParsedValue(comparator, value, unit)
