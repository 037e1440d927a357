"""parse_indicator_value on values printed in the corpus (the rules extractor's only source of numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.core.numbers import parse_indicator_value


@pytest.mark.parametrize(
    ("raw", "comparator", "value", "unit"),
    [
        ("<10017元/年", "<", Decimal("10017"), "元/年"),  # seed 001 遗属补助
        ("≤2200万元", "<=", Decimal("2200"), "万元"),  # Yantai 会展业发展专项资金
        ("≤7.5万元/座", "<=", Decimal("7.5"), "万元/座"),
        ("＝5个", "=", Decimal("5"), "个"),  # full-width equals sign
        ("=100%", "=", Decimal("100"), "%"),
        ("≥10 道", ">=", Decimal("10"), "道"),
        ("≥330台（套）", ">=", Decimal("330"), "台(套)"),
        ("≤180元/人*天", "<=", Decimal("180"), "元/人*天"),
        ("2.8万元/人", None, Decimal("2.8"), "万元/人"),
        ("6名", None, Decimal("6"), "名"),
        ("100.00%", None, Decimal("100.00"), "%"),
        ("≈100%", "≈", Decimal("100"), "%"),  # before: no comparator and no value
        ("约50人", "≈", Decimal("50"), "人"),
        ("100人左右", "≈", Decimal("100"), "人"),
        ("～95%", "≈", Decimal("95"), "%"),  # full-width tilde
        ("≮90%", ">=", Decimal("90"), "%"),
        ("≯5天", "<=", Decimal("5"), "天"),
        ("至少3次", ">=", Decimal("3"), "次"),
        ("不足1%", "<", Decimal("1"), "%"),
        ("控制在5%以内", "<=", Decimal("5"), "%"),
        ("不低于90%以上", ">=", Decimal("90"), "%"),
        ("约束性指标", None, None, None),  # 约 is "about" only before a number
        ("及时", None, None, None),
        ("2025年4月底前完成", None, None, None),
        ("2024年1月~12月", None, None, None),
    ],
)
def test_corpus_values(raw, comparator, value, unit):
    parsed = parse_indicator_value(raw)
    assert (parsed.comparator, parsed.value, parsed.unit) == (comparator, value, unit)


@pytest.mark.parametrize(
    "raw",
    [
        "2小时(含)以内300元/人, 超出时间100元/人小时, 每天最高不超过800元",  # seed 004: a fee rule
        "1家; 6个",  # a packed cell that was not split
    ],
)
def test_text_stating_several_quantities_has_no_single_value(raw):
    parsed = parse_indicator_value(raw)
    assert parsed.value is None and parsed.unit is None
