"""The judged set's claim key and its comparison with today's claims (llmextract/evals/judged.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.evals.judged import (
    JudgedClaim,
    JudgedDocument,
    claim_key,
    close_fixed,
    compare,
    is_claim,
    load_judged,
)

JUDGED_DIR = Path(__file__).resolve().parents[2] / "evals" / "judged"


def finding(rule: str, pages: list[int], expected: str, actual: str, *, message: str = "m", severity="error"):
    return Finding(
        rule_id=rule,
        severity=severity,
        message=message,
        expected=expected,
        actual=actual,
        locations=[Location(doc_id="d", page=p, start=0, end=1) for p in pages],
    )


def entry(key: str, verdict: bool, *, count: int = 1, open_: bool = False) -> JudgedClaim:
    return JudgedClaim(
        key=key,
        rule_id=key.split("|")[0],
        pages=[1],
        message="m",
        count=count,
        verdict=verdict,
        printed="p",
        arithmetic="a",
        reason="r",
        mechanism=None if verdict else "V1",
        open=open_,
    )


def document(*claims: JudgedClaim) -> JudgedDocument:
    return JudgedDocument(
        source="more/x/y.pdf", doc_sha256="0" * 64, split="in_sample", judged_at="abc", judge="t", claims=list(claims)
    )


def test_key_is_rule_pages_and_the_opposed_numbers():
    f = finding("prose.change-rate", [25], "333.83 ÷ (1,391.68 - 333.83) = 31.56%", "31.35%")
    assert claim_key(f) == "prose.change-rate|p25|31.35 31.56"


def test_key_ignores_wording_part_listing_and_table_names():
    a = finding(
        "cross.project-list", [32, 23, 32], "Σ 33 projects = 106,313.00", "106,512.00 (表3：2026年市级部门支出预算总表)"
    )
    b = finding("cross.project-list", [23, 32], "A 100,000 + B 6,313 + 0 = 106313", "106512", message="reworded")
    assert claim_key(a) == claim_key(b) == "cross.project-list|p23+32|106313 106512"


def test_key_drops_nested_names_and_keeps_several_values_without_an_equals_sign():
    f = finding(
        "record.dept-vs-prose",
        [1],
        "1,272.82 (the text), 2,272.82 (2025年预算支出总表), 1,272.82 (2025年一般公共预算支出预算表（不含上年结转）)",
        "1,284.82",
    )
    assert claim_key(f) == "record.dept-vs-prose|p1|1272.82 1284.82 2272.82"


def test_reading_findings_and_warnings_are_not_claims():
    assert is_claim(finding("table.code-hierarchy", [1], "1", "2"))
    assert not is_claim(finding("reading.incomplete", [1], "1", "2"))
    assert not is_claim(finding("prose.rounding", [1], "1", "2", severity="warning"))


def test_compare_sorts_claims_by_verdict_and_finds_what_is_gone():
    judged = document(
        entry("r.a|p1|1 2", True),
        entry("r.b|p1|3 4", True),
        entry("r.c|p1|5 6", False, open_=True),
        entry("r.d|p1|7 8", False),
        entry("r.e|p1|9 10", False, open_=True),
    )
    today = [
        finding("r.a", [1], "1", "2"),
        finding("r.c", [1], "5", "6"),
        finding("r.d", [1], "7", "8"),
        finding("r.f", [1], "11", "12"),
    ]
    c = compare(judged, today)
    assert c.true_kept == ["r.a|p1|1 2"]
    assert c.true_missing == ["r.b|p1|3 4"]
    assert c.false_open == ["r.c|p1|5 6"]
    assert c.false_back == ["r.d|p1|7 8"]
    assert c.false_fixed == ["r.e|p1|9 10"]
    assert c.unjudged == ["r.f|p1|11 12"]
    assert (c.claims, c.judged_true, c.judged_false) == (4, 1, 2)
    closed = close_fixed(judged, c)
    assert [x.open for x in closed.claims] == [False, False, True, False, False]


def test_a_key_made_more_often_than_judged_is_partly_unjudged_and_fewer_times_partly_missing():
    judged = document(entry("r.a|p1|1 2", True, count=2))
    c = compare(judged, [finding("r.a", [1], "1", "2")] * 3)
    assert (c.true_kept, c.unjudged) == (["r.a|p1|1 2"] * 2, ["r.a|p1|1 2"])
    assert compare(judged, [finding("r.a", [1], "1", "2")]).true_missing == ["r.a|p1|1 2"]


def test_a_true_claim_has_no_mechanism_and_a_false_one_needs_one():
    with pytest.raises(ValidationError):
        JudgedClaim(**{**entry("r|p1|1", True).model_dump(), "mechanism": "V1"})
    with pytest.raises(ValidationError):
        JudgedClaim(**{**entry("r|p1|1", False).model_dump(), "mechanism": None})


def test_the_committed_judged_set_loads_and_covers_the_corpus():
    judged = load_judged(JUDGED_DIR)
    # seeds 5 + pdf 6 + more 80 (../shared/corpus/README.md): one file each, a source named once.
    assert len(judged) == 91
    assert len({d.source for d in judged.values()}) == 91
    for path, doc in judged.items():
        assert (doc.fixture is not None) == bool(doc.claims), path.name
        assert all(c.key.startswith(c.rule_id + "|p") for c in doc.claims), path.name
