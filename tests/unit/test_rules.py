"""The rules catalogue, and the verifier on the seed exports: the real inconsistencies and nothing else."""

from __future__ import annotations

import pytest

from llmextract import load_document
from llmextract.verify import RULES, verify
from tests.conftest import seed


def test_rule_ids_are_unique_and_described():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(
        r.description
        and r.id.split(".")[0]
        in {"table", "cross", "prose", "record", "grounding", "reading", "hybrid", "llm", "extract", "tables", "verify"}
        for r in RULES
    )


@pytest.fixture(scope="module")
def reports():
    return {p: verify(load_document(seed(p))) for p in ["000", "001", "002", "003", "004"]}


def _errors(report):
    return [f for f in report.findings if f.severity == "error"]


def test_seed_001_claims_seven_disclosed_project_tables_but_has_six(reports):
    (error,) = _errors(reports["001"])
    assert error.rule_id == "prose.disclosed-project-tables"
    assert (error.expected, error.actual) == ("6 项目支出绩效目标表 in the document", "7个")


def test_seed_002_rate_on_the_wrong_base(reports):
    (error,) = _errors(reports["002"])
    assert error.rule_id == "prose.change-rate"
    assert error.expected == "4.41 ÷ (9.09 + 4.41) = 32.67%"
    assert error.actual == "48.51%"
    assert error.locations and error.locations[0].page == 1


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_consistent_seeds_have_no_errors(reports, prefix):
    assert _errors(reports[prefix]) == []


def test_every_check_is_counted(reports):
    for report in reports.values():
        assert report.checks_run == report.passed + report.failed + report.not_checkable
        assert report.checks_run > 100
        assert report.count("info") == report.not_checkable


def test_every_rule_says_what_it_checks_in_chinese_too():
    """The review UI is in Chinese; it names a finding by its rule id and this line."""
    from llmextract.core.catalogue import CHINESE, RULES

    assert sorted(CHINESE) == sorted(r.id for r in RULES)
    assert all(CHINESE[r.id].strip() for r in RULES)
