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
