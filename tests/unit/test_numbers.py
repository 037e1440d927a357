from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmextract.core.numbers import (
    convert,
    decimals,
    half_width,
    parse_decimal,
    parse_indicator_value,
    to_yuan,
    try_decimal,
)

FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_survive_every_printed_form(value: Decimal):
    plain = f"{value:.2f}"
    grouped = f"{value:,.2f}"
    assert parse_decimal(plain) == value
    assert parse_decimal(grouped) == value
    assert parse_decimal(grouped.translate(FULL_WIDTH)) == value
    assert parse_decimal(f" {plain} ") == value


@pytest.mark.parametrize("text", ["", " ", "—", "-", "－", None])
def test_not_reported_is_none_not_zero(text):
    assert parse_decimal(text) is None


def test_zero_is_zero():
    assert parse_decimal("0") == Decimal(0)
    assert parse_decimal("0.00") == Decimal("0.00")


@pytest.mark.parametrize("text", ["1,02,4", "12a", "万元", "1.2.3"])
def test_non_numbers_raise(text):
    with pytest.raises(ValueError):
        parse_decimal(text)
    assert try_decimal(text) is None


def test_units_and_decimals():
    assert to_yuan(Decimal("6.01"), "万元") == Decimal("60100")
    assert convert(Decimal("60100"), "元", "万元") == Decimal("6.01")
    assert decimals(Decimal("6.10")) == 2
    assert decimals(Decimal("60100")) == 0
    with pytest.raises(ValueError, match="unknown money unit"):
        to_yuan(Decimal(1), "美元")


@pytest.mark.parametrize(
    ("raw", "comparator", "value", "unit"),
    [
        ("≥95%", ">=", "95", "%"),
        ("<10017元/年", "<", "10017", "元/年"),
        ("≤7.5万元/座", "<=", "7.5", "万元/座"),
        ("6名", None, "6", "名"),
        ("不低于90%", ">=", "90", "%"),
        ("不超过 50 万元", "<=", "50", "万元"),
        ("100人以上", ">=", "100", "人"),
        ("＞＝９５％", ">=", "95", "%"),
        ("=100%", "=", "100", "%"),
        ("≥50亿元", ">=", "50", "亿元"),
    ],
)
def test_indicator_values(raw, comparator, value, unit):
    parsed = parse_indicator_value(raw)
    assert (parsed.comparator, parsed.value, parsed.unit) == (comparator, Decimal(value), unit)


@pytest.mark.parametrize("raw", ["及时", "提升", "2025年4月底前完成", "12月31日前", "有效增加"])
def test_indicator_values_that_are_not_quantities(raw):
    assert parse_indicator_value(raw).value is None


def test_half_width():
    assert half_width("１，０２４．８７％　") == "1,024.87% "
