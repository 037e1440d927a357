from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from llmextract.core.findings import Finding
from llmextract.score import (
    FieldEvidence,
    field_confidence,
    field_factors,
    needs_review,
    record_confidence,
    record_factors,
)
from llmextract.score.confidence import AGREEMENT, GROUNDING, VERIFICATION

evidence = st.builds(
    FieldEvidence,
    grounding=st.sampled_from([None, *GROUNDING]),
    grounding_score=st.floats(0, 1),
    verification=st.sampled_from([None, *VERIFICATION]),
    agreement=st.sampled_from([None, *AGREEMENT]),
)
findings = st.lists(
    st.builds(
        Finding, rule_id=st.just("r"), severity=st.sampled_from(["error", "warning", "info"]), message=st.just("m")
    )
)


def test_clean_verified_field_is_fully_trusted():
    assert field_confidence(FieldEvidence("exact", 1.0, "verified", "agreed")) == 1.0


def test_contradiction_routes_to_review():
    clean = {"name": FieldEvidence("exact"), "funding.annual_total": FieldEvidence("exact", verification="verified")}
    bad = dict(clean, **{"funding.annual_total": FieldEvidence("exact", verification="contradicted")})
    assert not needs_review(record_confidence(clean))
    assert needs_review(record_confidence(bad))


@given(st.dictionaries(st.text(min_size=1, max_size=5), evidence, min_size=1), findings, st.text(min_size=1))
def test_a_new_contradiction_never_raises_confidence(fields, found, key):
    before = record_confidence(fields, found)
    contradicted = replace(fields.get(key, FieldEvidence()), verification="contradicted")
    worse_field = dict(fields, **{key: contradicted})
    assert record_confidence(worse_field, found) <= before
    error = Finding(rule_id="x", severity="error", message="m")
    assert record_confidence(fields, [*found, error]) <= before


@given(evidence)
def test_field_confidence_in_unit_interval(e):
    assert 0.0 <= field_confidence(e) <= 1.0


def test_info_findings_do_not_lower_confidence():
    fields = {"name": FieldEvidence("exact")}
    info = Finding(rule_id="x", severity="info", message="not checkable")
    assert record_confidence(fields, [info]) == record_confidence(fields)


def test_an_incomplete_reading_routes_even_a_fully_verified_record_to_review():
    fields = {"name": FieldEvidence("exact", verification="verified")}
    incomplete = Finding(rule_id="reading.incomplete", severity="warning", message="no funds")
    assert record_confidence(fields) == 1.0
    assert needs_review(record_confidence(fields, [incomplete]))


def test_the_factors_a_reviewer_is_shown_multiply_to_the_confidence():
    fuzzy = FieldEvidence(grounding="fuzzy", grounding_score=0.8, verification="not_checkable", agreement="disagreed")
    assert [(f.kind, f.status) for f in field_factors(fuzzy)] == [
        ("grounding", "fuzzy"),
        ("verification", "not_checkable"),
        ("agreement", "disagreed"),
    ]
    assert field_confidence(fuzzy) == round(0.9 * 0.8 * 0.85 * 0.5, 4)
    fields = {"name": FieldEvidence(grounding="exact"), "funding.annual_total": fuzzy}
    findings = [Finding(rule_id="record.sources-sum", severity="error", message="m")]
    factors = record_factors(fields, findings, reasks=1)
    assert [(f.kind, f.status) for f in factors] == [
        ("weakest-field", "funding.annual_total"),
        ("reask", "1"),
        ("finding", "record.sources-sum"),
    ]
    product = 1.0
    for f in factors:
        product *= f.value
    assert record_confidence(fields, findings, reasks=1) == round(product, 4)
