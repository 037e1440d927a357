"""The tolerance policy: half a rounding step per printed figure, ratios by interval arithmetic."""

from __future__ import annotations

from decimal import Decimal as D

from llmextract.verify.tolerance import Figure, figure, money_step, pct_holds, sum_holds


def test_step_is_read_from_the_printing():
    assert money_step(D("560.30")) == D("0.01")
    assert money_step(D("2030.5")) == D("0.1")
    assert money_step(D("60")) == D("0.01")  # a 万元 cell that lost its ".00"
    assert money_step(D("60"), "元") == D(1)
    assert money_step(D("186"), prose=True) == D(1)  # "预算共186万元" for 186.50


def test_sum_slack_grows_with_the_number_of_rounded_terms():
    # 人员经费 707.28 = 工资福利支出 469.64 + 对个人和家庭的补助 237.63 (seed 003): off by 0.01, 3 figures.
    assert sum_holds(figure(D("707.28")), [figure(D("469.64")), figure(D("237.63"))])
    assert not sum_holds(figure(D("707.30")), [figure(D("469.64")), figure(D("237.63"))])
    five = [figure(D("1.01"))] * 5
    assert sum_holds(figure(D("5.02")), five)  # 6 figures: up to 0.03 off
    assert not sum_holds(figure(D("5.09")), five)


def test_rate_on_the_wrong_base_fails_and_the_right_one_passes():
    change = figure(D("4.41"))
    last_year = Figure(D("13.50"), D("0.02"))  # 9.09 + 4.41, two rounded terms
    assert pct_holds(D("32.67"), change, last_year)
    assert not pct_holds(D("48.51"), change, last_year)  # 4.41 ÷ 9.09: seed 002


def test_one_decimal_percentages_get_a_wider_interval():
    assert pct_holds(D("20.5"), figure(D("328.24")), figure(D("1601.06")))
    assert not pct_holds(D("20.59"), figure(D("328.24")), figure(D("1601.06")))


def test_zero_base_is_not_checkable():
    assert pct_holds(D("10"), figure(D("1")), Figure(D("0"), D("0.01"))) is None


def test_one_step_off_or_truncated_is_rounding():
    from llmextract.verify.tolerance import pct_rounding

    # 32,640 ÷ 984,760.87 = 3.3145%: 3.31 holds, 3.32 is one step off (forced to 100%), 3.35 is not rounding.
    part, base = figure(D("32640")), figure(D("984760.87"))
    assert pct_holds(D("3.31"), part, base) and not pct_holds(D("3.32"), part, base)
    assert pct_rounding(D("3.32"), part, base) and not pct_rounding(D("3.35"), part, base)
    # 333.83 ÷ 1,057.85 = 31.56%, printed 31.35% (国家信访局2026): a real error, far beyond rounding.
    assert not pct_rounding(D("31.35"), figure(D("333.83")), Figure(D("1057.85"), D("0.02")))
