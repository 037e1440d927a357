"""Merging the rules reading and the LLM reading of one block."""

from __future__ import annotations

from decimal import Decimal

from llmextract.core.records import ProjectRecord
from llmextract.extract.llm import merge_hybrid
from tests.llm.test_llm_scripted import expected_record


def readings() -> tuple[ProjectRecord, ProjectRecord]:
    llm = expected_record()
    indicators = [i.model_copy() for i in llm.indicators]
    indicators[0] = indicators[0].model_copy(update={"value_raw": "8名", "value": Decimal(8)})
    rules = llm.model_copy(
        update={
            "extractor": "rules",
            "overview": "依据人社局审批, 向6名遗属发放2023年生活补助",  # differs only in whitespace: agreed
            "plan": None,  # the rules did not read it: taken from the LLM
            "funding": llm.funding.model_copy(update={"annual_total": Decimal(61000)}),
            "indicators": indicators[:-1],  # one indicator only the LLM read
            "confidence": 1.0,
        }
    )
    return rules, llm


def test_agreeing_fields_are_agreed_and_disagreements_keep_both_readings() -> None:
    rules, llm = readings()
    record = merge_hybrid(rules, llm, model="qwen")
    status = {path: a.status for path, a in record.agreement.items()}
    first = rules.indicators[0]  # 遗属人员人数, 实施期 column: the LLM read 6名, the rules 8名
    last = llm.indicators[-1]  # 遗属满意度, 年度: only the LLM read it; it is added with the next free ordinal
    added = max(i.ordinal for i in rules.indicators) + 1
    assert status["name"] == status["overview"] == "agreed"
    assert status["plan"] == "llm_only"
    assert status["funding.annual_total"] == "disagreed"
    assert status[f"indicators[{first.ordinal}].value_raw"] == "disagreed"
    assert status[f"indicators[{added}].value_raw"] == "llm_only"
    assert record.indicator(added).name == last.name
    disagreed = {p for p, s in status.items() if s == "disagreed"}
    assert disagreed == {"funding.annual_total", f"indicators[{first.ordinal}].value_raw"}

    assert record.extractor == "hybrid:qwen"
    assert record.funding.annual_total == Decimal(61000)  # the deterministic reading is kept …
    (finding,) = [f for f in record.findings if "annual_total" in f.message]
    assert finding.rule_id == "hybrid.disagreement" and finding.fields == ["funding.annual_total"]
    assert finding.record_id == rules.record_id
    assert (finding.expected, finding.actual) == ("rules: 61000", "llm: 60100")  # … with the LLM's beside it
    assert finding.locations  # points at the source
    assert record.plan == llm.plan and record.field_locations["plan"] == llm.field_locations["plan"]
    assert len(record.indicators) == len(llm.indicators)
    assert len({i.ordinal for i in record.indicators}) == len(record.indicators)


def test_two_indicators_with_the_same_name_are_two_fields() -> None:
    """Before: fields were keyed by (column, name), so the second of two same-named indicators collided with
    the first (agreement recorded once, a review edit of the second changed the first)."""
    llm = expected_record()
    twin = llm.indicators[0].model_copy(update={"ordinal": None, "value_raw": "7名"})
    rules = llm.model_copy(update={"extractor": "rules", "indicators": [*llm.indicators, twin]})
    rules = rules.model_validate(rules.model_dump())  # ordinals given to the new indicator
    paths = {f"indicators[{i.ordinal}].value_raw" for i in rules.indicators}
    assert len(paths) == len(rules.indicators)
    record = merge_hybrid(rules, llm, model="m")
    assert len([p for p in record.agreement if p.is_indicator]) >= len(rules.indicators)


def test_identical_readings_agree_everywhere() -> None:
    llm = expected_record()
    record = merge_hybrid(llm.model_copy(update={"extractor": "rules"}), llm, model="m")
    assert all(a.status == "agreed" for a in record.agreement.values())
    assert not record.findings
