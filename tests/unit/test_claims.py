"""Prose claims: amounts, shares, changes, completion rates, counts and component lists, with their spans."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from llmextract import load_document
from llmextract.core.claims import NarrativeClaim
from llmextract.verify import claims
from tests.conftest import seed


def _claims(tmp_path: Path, text: str) -> list[NarrativeClaim]:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return claims(load_document(path))


def test_amount_with_change_and_rate(tmp_path):
    (claim,) = _claims(
        tmp_path, "本部门机关运行经费财政拨款预算9.09万元，比2024年减少4.41万元，减少48.51%，原因是人员减少。\n"
    )
    assert (claim.amount, claim.unit, claim.direction) == (D("9.09"), "万元", "down")
    assert (claim.change_amount, claim.change_pct) == (D("4.41"), D("48.51"))


def test_components_after_qizhong_in_the_next_sentence(tmp_path):
    (total,) = _claims(
        tmp_path,
        "政府采购预算总额21.07万元。其中：政府采购货物预算7.97万元、政府采购工程预算0万元、政府采购服务预算13.10万元。\n",
    )
    assert total.amount == D("21.07") and not total.partial
    assert [c.amount for c in total.components[0]] == [D("7.97"), D("0"), D("13.10")]


def test_shares_attach_to_their_component(tmp_path):
    (total,) = _claims(
        tmp_path, "支出预算1024.87万元，其中：基本支出560.3万元，占54.67%；项目支出464.57万元，占45.33%。\n"
    )
    assert [(c.subject, c.share_pct) for c in total.components[0]] == [
        ("基本支出", D("54.67")),
        ("项目支出", D("45.33")),
    ]


def test_a_number_split_across_lines_is_joined(tmp_path):
    (claim,) = _claims(tmp_path, "预算收入总计1,024.8\n7万元，比上年增长160.97万元，增长18.63%。\n")
    assert claim.amount == D("1024.87")


def test_a_reason_is_not_read_as_a_claim(tmp_path):
    (claim,) = _claims(
        tmp_path,
        "收入总计1,024.87万元，比上年增长160.97万元，增长18.63%，主要原因是补贴较上年增长138.27%，增加较多。\n",
    )
    assert claim.change_pct == D("18.63")


def test_completion_rate_and_counts(tmp_path):
    budget, actual = _claims(
        tmp_path, "一般公共服务支出年初预算390.39万元，支出决算462.77万元，完成年初预算的118.54%。\n"
    )
    assert budget.amount == D("390.39") and actual.completion_pct == D("118.54")
    (count,) = _claims(tmp_path, "公开项目绩效目标7个，涉及项目金额359.87万元，占部门项目支出总额的77.46%。\n")
    assert (count.count, count.amount, count.share_pct) == (7, D("359.87"), D("77.46"))


def test_claim_locations_point_at_the_text():
    doc = load_document(seed("002"))
    claim = next(c for c in claims(doc) if c.change_pct == D("48.51"))
    assert doc.text[claim.location.start : claim.location.end] == claim.text
    assert claim.text.startswith("本部门2025年所属山阴县商务局1家行政单位机关运行经费财政拨款预算9.09万元")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_has_claims_with_valid_spans(prefix):
    doc = load_document(seed(prefix))
    found = claims(doc)
    assert len(found) > 20
    assert all(0 <= c.location.start < c.location.end <= len(doc.text) for c in found)


def test_a_decimal_starting_a_line_is_no_heading(tmp_path):
    # "102.9%" opens the second line of a text export: "102." is not a numbered heading.
    (claim,) = _claims(tmp_path, "支出预算196,278.67万元，与上年相比增加99,541.14万元，增长\n102.9%。\n")
    assert (claim.change_amount, claim.change_pct) == (D("99541.14"), D("102.9"))


def test_a_purpose_after_zhuyao_yongyu_starts_no_list(tmp_path):
    (total,) = _claims(
        tmp_path,
        "生态环境管理3,302.01万元，主要包括：法制与宣传工作62.38万元，用于开展宣传；一般行政管理工作137.87万元，"
        "主要用于开展综合性事务工作，保障运转；编外人员639.94万元，用于劳务派遣。\n",
    )
    assert total.partial and [c.amount for c in total.components[0]] == [D("62.38"), D("137.87"), D("639.94")]


def test_a_list_word_before_the_first_item_opens_the_list(tmp_path):
    (total,) = _claims(tmp_path, "“农林水支出”科目83万元，主要用于人员经费18万元、公用经费58万元、项目支出7万元。\n")
    assert [(c.subject, c.amount) for c in total.components[0]] == [
        ("人员经费", D("18")),
        ("公用经费", D("58")),
        ("项目支出", D("7")),
    ]


def test_unchanged_in_a_reason_is_no_flat_change(tmp_path):
    (claim,) = _claims(
        tmp_path,
        "机关运行经费财政拨款预算598.67万元，比上年预算增加66.73万元，增长12.5%，主要是按照“总量不变，结构调整”的原则。\n",
    )
    assert (claim.direction, claim.change_pct) == ("up", D("12.5"))


def test_a_threshold_is_no_amount(tmp_path):
    assert _claims(tmp_path, "单价100万元（含）以上设备（不含车辆）0台（套）。\n") == []


def test_doubts_a_figure_in_a_parenthesis_or_of_another_year(tmp_path):
    found = _claims(
        tmp_path,
        "2026年支出预算120万元，比上年增加20万元（2025年预算100万元），增长20%。2025年基本支出80万元。2026年项目支出60万元。\n",
    )
    by_amount = {c.amount: c for c in found}
    assert by_amount[D("120")].change_pct == D("20") and not by_amount[D("120")].doubts
    assert by_amount[D("80")].doubt("subject") == "a figure of 2025, not of the budget year 2026"
    assert not by_amount[D("60")].doubts


def test_a_bare_budget_figure_takes_the_heading_right_above(tmp_path):
    found = _claims(tmp_path, "（一）因公出国（境）费用\n2026年预算数181.99万元，主要用于招商引资。\n\n预算数5万元。\n")
    assert [(c.subject, c.doubt("subject"), c.doubt("figure")) for c in found] == [
        ("因公出国(境)费用", None, None),
        ("预算数", None, "the text names no subject for the figure"),
    ]


def test_a_change_clause_opening_with_other_words_is_doubted(tmp_path):
    (claim,) = _claims(
        tmp_path, "气象产业发展管理90.72万元，用于研究，支撑构建较2025年年初预算增加29.23万元，增幅2.2%。\n"
    )
    assert claim.change_amount == D("29.23")
    assert claim.doubt("change") == "the clause starts with other words (“支撑构建”)"


def test_scope_comes_from_the_total_or_the_heading(tmp_path):
    found = _claims(
        tmp_path,
        "四、财政拨款收支预算总体情况\n收支总预算192207.76万元。支出包括：教育支出3797.62万元、国防支出16.50万元。\n"
        "五、支出预算情况\n支出预算201286.11万元，其中一般公共预算支出100万元。\n",
    )
    scopes = {c.amount: c.scope for c in found} | {p.amount: p.scope for c in found for g in c.components for p in g}
    assert scopes[D("3797.62")] == "财政拨款" and scopes[D("201286.11")] is None
    assert scopes[D("100")] == "一般公共预算"


def test_no_sentence_ends_inside_brackets(tmp_path):
    # 珠海商务 p30: the list goes on after "（…；公务用车运行维护费0万元，比上年增加0万元。）".
    (total,) = [
        c
        for c in _claims(
            tmp_path,
            "“三公”经费19.84万元，比上年减少5.96万元。其中：因公出国（境）费13.2万元；公务用车购置及运行维护费0万元"
            "（公务用车购置费0万元；公务用车运行维护费0万元，比上年增加0万元。）比上年增加0万元；公务接待费6.64万元。\n",
        )
        if c.components
    ]
    assert [p.amount for p in total.components[0]] == [D("13.2"), D("0"), D("6.64")]
