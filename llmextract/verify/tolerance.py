"""The one tolerance policy: how far apart two printed figures may be and still agree.

Disclosures print money rounded to 0.01 万元 (or 1 元 / 0.01 元 in 元 tables) and percentages rounded to 0.01%
(sometimes 0.1% or whole percents). Each printed figure is therefore the true value within half of its
rounding step. A relation between figures holds when it holds for some true values within those bounds:

- a sum of n printed terms against a printed total may be off by half a step for every one of the n + 1
  rounded figures (three 0.01 terms and their total: up to 0.02);
- a ratio (share, rate of change, completion rate) is computed with interval arithmetic from the bounds of
  its numerator and denominator, and must meet the interval of the printed percentage.

A percentage that misses its interval by no more than one step of its last digit (31.4% for 31.35%, or the
ratio truncated instead of rounded: 3.31% printed for 3.318%, and shares nudged so that they total 100%) is a
rounding matter, not a contradiction: :func:`pct_rounding` tells the two apart.

The step of a figure is read from how it is printed: 560.30 -> 0.01, 2030.5 -> 0.1. A table cell printed
without decimals ("60" in a 万元 table) is an export that dropped ".00": 0.01 万元 (1 元 in 元 tables). Prose
without decimals is rounded to whole units ("预算共186万元" for 186.50): step 1. A percentage without decimals
("占100%") has step 1%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from llmextract.core.numbers import decimals

_HALF = Decimal("0.5")
_HUNDRED = Decimal(100)


def money_step(value: Decimal, unit: str = "万元", *, prose: bool = False) -> Decimal:
    """Rounding step of a printed amount."""
    places = decimals(value)
    if places:
        return Decimal(1).scaleb(-places)
    return Decimal(1) if unit == "元" or prose else Decimal("0.01")


def pct_step(value: Decimal) -> Decimal:
    return Decimal(1).scaleb(-decimals(value))


@dataclass(frozen=True, slots=True)
class Figure:
    """A printed number with its rounding step (both in the same unit)."""

    value: Decimal
    step: Decimal

    @property
    def low(self) -> Decimal:
        return self.value - self.step * _HALF

    @property
    def high(self) -> Decimal:
        return self.value + self.step * _HALF


def figure(value: Decimal, unit: str = "万元", *, prose: bool = False) -> Figure:
    return Figure(value, money_step(value, unit, prose=prose))


def sum_slack(total: Figure, terms: Iterable[Figure]) -> Decimal:
    """How far Σ terms may be from the total: half a step for each rounded figure."""
    return (total.step + sum((t.step for t in terms), Decimal(0))) * _HALF


def sum_holds(total: Figure, terms: list[Figure]) -> bool:
    return abs(total.value - sum((t.value for t in terms), Decimal(0))) <= sum_slack(total, terms)


def sum_at_most(total: Figure, terms: list[Figure]) -> bool:
    """Parts that are examples (主要包括…等) may add up to less than the total, never to more."""
    return sum((t.value for t in terms), Decimal(0)) <= total.value + sum_slack(total, terms)


def equal(a: Figure, b: Figure) -> bool:
    """Two printings of the same quantity (already in one unit)."""
    return abs(a.value - b.value) <= (a.step + b.step) * _HALF


def ratio_bounds(numerator: Figure, denominator: Figure) -> tuple[Decimal, Decimal] | None:
    """Interval of 100 x numerator / denominator over the rounding bounds; None if the base may be zero."""
    if denominator.low <= 0:
        return None
    low = max(numerator.low, Decimal(0)) / denominator.high * _HUNDRED
    high = numerator.high / denominator.low * _HUNDRED
    return low, high


def pct_holds(printed_pct: Decimal, numerator: Figure, denominator: Figure) -> bool | None:
    """Whether a printed percentage agrees with numerator / denominator; None when the base is (near) zero."""
    bounds = ratio_bounds(numerator, denominator)
    if bounds is None:
        return None
    half = pct_step(printed_pct) * _HALF
    return printed_pct + half >= bounds[0] and printed_pct - half <= bounds[1]


def pct_rounding(printed_pct: Decimal, numerator: Figure, denominator: Figure) -> bool:
    """Whether a printed percentage that does not hold is within one step of its last digit of the ratio
    (which covers a ratio truncated instead of rounded)."""
    bounds = ratio_bounds(numerator, denominator)
    if bounds is None:
        return False
    reach = pct_step(printed_pct) * (1 + _HALF)
    return printed_pct + reach >= bounds[0] and printed_pct - reach <= bounds[1]


def difference(a: Figure, b: Figure) -> Figure:
    """a - b, carrying both rounding errors."""
    return Figure(a.value - b.value, a.step + b.step)


def total(a: Figure, b: Figure) -> Figure:
    return Figure(a.value + b.value, a.step + b.step)


def pct(numerator: Decimal, denominator: Decimal) -> Decimal:
    """100 x n / d to 0.01, for messages."""
    return (numerator / denominator * _HUNDRED).quantize(Decimal("0.01"))
