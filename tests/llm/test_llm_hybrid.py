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
    result = merge_hybrid(rules, llm, model="qwen")
    status = {f.field: f.status for f in result.fields}
    assert status["name"] == status["overview"] == "agreed"
    assert status["plan"] == "llm_only"
    assert status["funding.annual_total"] == "disagreed"
    assert status["indicators[period:遗属人员人数]"] == "disagreed"
    assert status["indicators[annual:遗属满意度]"] == "llm_only"
    assert {d.field for d in result.disagreements} == {"funding.annual_total", "indicators[period:遗属人员人数]"}

    record = result.record
    assert record.extractor == "hybrid:qwen"
    assert record.funding.annual_total == Decimal(61000)  # the deterministic reading is kept …
    (finding,) = [f for f in record.findings if "annual_total" in f.message]
    assert finding.rule_id == "hybrid.disagreement"
    assert (finding.expected, finding.actual) == ("rules: 61000", "llm: 60100")  # … with the LLM's beside it
    assert finding.locations  # points at the source
    assert record.plan == llm.plan and record.field_locations["plan"] == llm.field_locations["plan"]
    assert len(record.indicators) == len(llm.indicators)
    compared = [f for f in result.fields if f.status in ("agreed", "disagreed")]
    assert record.confidence == round(len(result.agreed) / len(compared), 3)
    assert 0.8 < record.confidence < 1.0


def test_identical_readings_agree_everywhere() -> None:
    llm = expected_record()
    result = merge_hybrid(llm.model_copy(update={"extractor": "rules"}), llm, model="m")
    assert not result.disagreements
    assert result.record.confidence == 1.0
    assert not result.record.findings
