"""Record rules on small built documents: consistent numbers give no finding and a status for every number;
one perturbed number gives a finding that names it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmextract.core.records import ProjectRecord
from llmextract.extract.rules import extract_rules
from llmextract.score import record_confidence, record_evidence
from llmextract.verify import check_records, verify_records
from llmextract.verify.ledger import record_numbers
from llmextract.verify.project_list import name_similarity
from tests.unit.record_docs import department_doc, evaluation_doc, load_text, project_doc


def _check(doc):
    result = check_records(doc, extract_rules(doc))
    return result.records, result.report.findings


def _only(findings, rule_id):
    found = [f for f in findings if f.rule_id == rule_id]
    assert len(found) == 1, findings
    return found[0]


def _status(record: ProjectRecord, path: str) -> str:
    return record.number_checks[path].status


def test_consistent_project_has_no_finding_and_every_number_a_status():
    (record,), findings = _check(project_doc())
    assert findings == []
    assert set(record.number_checks) == set(record_numbers(record))
    assert _status(record, "funding.annual_total") == "verified"
    assert "record.funding-vs-project-list" in record.number_checks["funding.annual_total"].rules
    # 3人 + 4人 at 2.8万元/人 is the project's 19.6万元; the satisfaction target restates nothing.
    assert _status(record, "indicators[4].value") == "verified"
    assert _status(record, "indicators[6].value") == "not_checkable"


def test_amount_differing_from_the_project_list_is_an_error():
    (record,), findings = _check(project_doc(list_amount="19.70"))
    error = _only(findings, "record.funding-vs-project-list")
    assert error.severity == "error" and error.record_id == record.record_id and "驻村干部补助" in error.message
    assert error.fields == ["funding.annual_total"]
    assert (error.expected, error.actual) == ("19.6 万元 (= 196,000 元)", "19.70 万元")
    assert _status(record, "funding.annual_total") == "contradicted"


def test_a_line_holding_another_same_named_tables_amount_is_not_held_against_this_one():
    # Two units print a target table for one project name; the list's one line is the second table's amount.
    doc = project_doc(list_amount="19.70")
    (first,) = extract_rules(doc)
    funding = first.funding.model_copy(update={"annual_total": Decimal("197000")})
    second = first.model_copy(update={"funding": funding, "record_id": f"{doc.doc_id[:16]}:{len(doc.text)}"})
    result = check_records(doc, [first, second])
    assert [f for f in result.report.findings if f.rule_id == "record.funding-vs-project-list"] == []
    checked_first, checked_second = result.records
    assert "other tables of that name" in checked_first.number_checks["funding.annual_total"].note
    assert "record.funding-vs-project-list" in checked_second.number_checks["funding.annual_total"].rules


def test_small_name_difference_is_matched_by_amount_and_reported():
    (record,), findings = _check(project_doc(list_name="驻村干部补贴"))
    warning = _only(findings, "record.project-list-name")
    assert warning.severity == "warning"
    assert (warning.expected, warning.actual) == ("驻村干部补贴", "驻村干部补助")
    assert _status(record, "funding.annual_total") == "verified"


def test_unrelated_line_is_not_held_against_the_project():
    (record,), findings = _check(project_doc(list_name="招商引资专项经费", list_amount="30.00"))
    assert [f.rule_id for f in findings] == []
    check = record.number_checks["funding.annual_total"]
    assert "no line of" in check.note


def test_sources_not_adding_up_name_the_total():
    (record,), findings = _check(project_doc(local="186,000"))
    error = _only(findings, "record.sources-sum")
    assert error.actual == "196,000" and "local 186,000" in error.expected
    assert _status(record, "funding.sources.local") == "contradicted"


def test_period_total_below_annual_total():
    _, findings = _check(project_doc(period="96,000", period_local="96,000"))
    error = _only(findings, "record.period-ge-annual")
    assert (error.expected, error.actual) == ("实施期 ≥ 年度 196,000", "96,000")


def test_period_column_left_at_zero_is_a_warning_never_verified():
    # Seed 000's XM涉拆自收自支单位人员经费: 实施期 0 beside 年度 598,800 — not filled in, or wrong.
    (record,), findings = _check(project_doc(period="0", period_local="0", cost="≤2.8万元/人"))
    warning = _only(findings, "record.period-unfilled")
    assert warning.severity == "warning" and warning.fields == ["funding.period_total"]
    assert (warning.expected, warning.actual) == ("实施期 ≥ 年度 196,000", "0")
    assert [f.rule_id for f in findings] == ["record.period-unfilled"]
    check = record.number_checks["funding.period_total"]
    assert check.status == "not_checkable" and "not filled in, or wrong" in check.note
    assert _status(record, "funding.period_sources.local") == "not_checkable"


@pytest.mark.parametrize(
    ("cost", "rule_ids"),
    [
        ("3万元/人", ["record.indicator-arithmetic"]),  # 7 × 3 = 21 ≠ 19.6: a warning
        ("≤3万元/人", []),  # an upper bound that holds
        ("≤100元/人", []),  # 700元 of 196,000元: a partial cost, noted only
        ("2.8万元/月", []),  # a rate per month: not a unit cost
    ],
)
def test_indicator_arithmetic_is_soft(cost, rule_ids):
    _, findings = _check(project_doc(cost=cost))
    assert [f.rule_id for f in findings] == rule_ids
    assert all(f.severity == "warning" for f in findings)


def test_indicator_arithmetic_warning_shows_the_product():
    _, findings = _check(project_doc(cost="3万元/人"))
    warning = _only(findings, "record.indicator-arithmetic")
    assert warning.expected == "(驻村帮扶人数 3人 + 下基层锻炼选调生人数 4人) × 3万元/人 = 21万元"


def test_disclosed_amount_against_the_project_tables():
    prose = "公开项目绩效目标1个，涉及项目金额{}万元，占100%。"
    (record,), findings = _check(project_doc(prose=prose.format("19.60")))
    assert findings == []
    assert "record.disclosed-amount" in record.number_checks["funding.annual_total"].rules
    _, findings = _check(project_doc(prose=prose.format("29.60")))
    error = _only(findings, "record.disclosed-amount")
    assert (error.expected, error.actual) == ("19.6 = 19.6", "29.60")


CENTS = st.integers(min_value=1, max_value=99_999_999)


@settings(max_examples=15, deadline=None)
@given(CENTS, st.sampled_from([-100, -1, 1, 100]))
def test_project_list_property(cents, bump):
    """Any amount printed alike in both tables agrees (元 ↔ 万元); one cent off in 表十二 is an error."""
    yuan = f"{cents * 100:,}"
    wan = f"{Decimal(cents) / 100:.2f}"
    values = {"annual": yuan, "local": yuan, "period": yuan, "period_local": yuan, "cost": "≤1元/人"}
    _, findings = _check(project_doc(list_amount=wan, **values))
    assert [f.rule_id for f in findings if f.severity == "error"] == []
    bumped = f"{(Decimal(cents) + bump) / 100:.2f}"
    _, findings = _check(project_doc(list_amount=bumped, **values))
    error = _only(findings, "record.funding-vs-project-list")
    assert error.actual == f"{Decimal(bumped):,} 万元"
    local = f"{(cents + bump) * 100:,}"
    (record,), findings = _check(project_doc(list_amount=wan, **{**values, "local": local}))
    assert _only(findings, "record.sources-sum").expected.startswith(f"central 0 + provincial 0 + local {local}")
    assert record.number_checks["funding.sources.local"].status == "contradicted"


def test_grounding_flags_text_not_in_the_block_and_keeps_found_spans():
    doc = project_doc()
    (record,) = extract_rules(doc)
    edited = record.model_copy(update={"overview": "这段文字在文档中根本不存在的项目概况描述", "plan": None})
    (checked,) = verify_records(doc, [edited])
    warning = _only(checked.findings, "grounding.not-found")
    assert warning.severity == "warning" and "overview" in warning.message
    assert checked.field_grounding["overview"].status == "not_found"
    assert "overview" not in checked.field_locations
    name = checked.field_locations["name"]
    assert doc.text[name.start : name.end] == "驻村干部补助"
    # The annual column's indicator keeps its own span, not the 实施期 column's identical text.
    annual = checked.field_locations["indicators[1].name"]
    period = checked.field_locations["indicators[0].name"]
    assert annual.start > period.start


def test_grounding_statuses_normalised_and_fuzzy():
    doc = project_doc()
    (record,) = extract_rules(doc)
    edited = record.model_copy(
        update={
            "overview": "按照市委组织部要求, 保障驻村帮扶工作",
            "goals": record.goals.model_copy(update={"annual": "保障驻村工作组经费"}),
        }
    )
    (checked,) = verify_records(doc, [edited])
    assert checked.field_grounding["overview"].status == "normalised"
    fuzzy = checked.field_grounding["goals.annual"]
    assert fuzzy.status == "fuzzy" and 0.75 <= fuzzy.score < 1
    assert not [f for f in checked.findings if f.rule_id == "grounding.not-found"]


def test_verifying_twice_gives_the_same_record():
    doc = project_doc(list_amount="19.70")
    once = verify_records(doc, extract_rules(doc))
    assert verify_records(doc, once) == once


def test_name_similarity_is_character_level():
    assert name_similarity("忻州市食品公司经营", "忻州市食品公司经费") == pytest.approx(0.889, abs=0.001)
    assert name_similarity("ａｂ（c）", "ab(c)") == 1.0
    assert name_similarity("", "x") == 0.0


def test_department_table_in_yuan_is_compared_in_wan():
    doc = department_doc(total="12,728,200", general="12,728,200", basic="2,423,200", project="10,305,000")
    text = doc.text.replace("资金总额(万元)", "资金总额(元)")
    assert text != doc.text
    doc = load_text(text)
    (record,), findings = _check(doc)
    assert findings == []
    assert "record.dept-vs-prose" in record.number_checks["funding.annual_total"].rules


def test_evidence_for_the_scorer():
    (record,), _ = _check(project_doc(list_amount="19.70"))
    evidence = record_evidence(record)
    assert evidence["funding.annual_total"].verification == "contradicted"
    assert evidence["name"].grounding == "exact"
    assert record_confidence(evidence, record.findings) < record_confidence(
        record_evidence(_check(project_doc())[0][0])
    )


def test_consistent_department_table():
    (record,), findings = _check(department_doc())
    assert findings == []
    assert _status(record, "funding.annual_total") == "verified"


def test_department_table_parts_not_adding_up():
    (record,), findings = _check(department_doc(basic="342.32"))
    error = _only(findings, "record.dept-table-sum")
    assert error.expected == "基本支出 342.32 + 项目支出 1,030.50 = 1,372.82"
    assert error.actual == "合计 1,272.82"
    prose = _only(findings, "record.dept-vs-prose")
    assert (prose.expected, prose.actual) == ("242.32 (the text)", "342.32")
    assert _status(record, "funding.annual_total") == "contradicted"


def test_department_sources_not_adding_up():
    _, findings = _check(department_doc(general="1072.82", fund="100.00"))
    error = _only(findings, "record.dept-table-sum")
    assert error.expected == "一般公共预算 1,072.82 + 政府性基金 100.00 = 1,172.82"


def test_consistent_evaluation():
    (record,), findings = _check(evaluation_doc())
    assert findings == []
    assert [i.weight for i in record.indicators] == [40, 30, 20]
    assert _status(record, "indicators[1].score") == "verified"


def test_evaluation_scores_not_adding_up():
    (record,), findings = _check(evaluation_doc(score="25"))
    error = _only(findings, "record.evaluation-scores")
    assert (error.expected, error.actual) == ("40 + 25 + 20 + 10 = 95", "总分 98")
    assert _status(record, "indicators[1].score") == "contradicted"


def test_evaluation_score_above_its_weight():
    _, findings = _check(evaluation_doc(score="31", total="101"))
    error = _only(findings, "record.evaluation-scores")
    assert error.actual == "31" and "培训合格率" in error.message


def test_evaluation_balance_and_execution_rate():
    prose = "预算资金180.03万元，实际使用资金170.03万元，结余0万元。"
    _, findings = _check(evaluation_doc(prose=prose, rate="90.00%"))
    balance, rate = [f for f in findings if f.rule_id == "record.evaluation-balance"]
    assert (balance.expected, balance.actual) == ("180.03 − 170.03 = 10.00", "结余 0")
    assert (rate.expected, rate.actual) == ("180.03 ÷ 180.03 = 100.00%", "90.00%")


def test_odd_content_never_raises():
    doc = project_doc(annual="—", local="abc", cost="≤0元/人")
    records = verify_records(doc, extract_rules(doc))
    assert all(set(r.number_checks) == set(record_numbers(r)) for r in records)


def test_cost_cap_equal_to_the_funds_restates_them():
    (record,), findings = _check(project_doc(cost="≤19.6万元"))
    assert findings == []
    assert _status(record, "indicators[5].value") == "verified"
    (record,), _ = _check(project_doc(cost="≤5万元"))  # one part of the cost: nothing to compare
    assert _status(record, "indicators[5].value") == "not_checkable"
