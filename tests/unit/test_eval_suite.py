"""Suite files are checked with one-line errors; the baseline gate flags only drops beyond the tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.evals.compare import compare, gated_metrics, regressions
from llmextract.evals.suite import SuiteError, load_suite
from llmextract.evals.tally import RATE_TOLERANCE
from tests.conftest import seed

SUITES = Path(__file__).parents[2] / "evals" / "suites"


@pytest.mark.parametrize("name", ["seeds-rules.yaml", "seeds-llm-scripted.yaml", "live.yaml"])
def test_shipped_suites_load(name: str):
    suite = load_suite(SUITES / name)
    assert len(suite.documents) >= 5 and all(d.path.is_file() for d in suite.documents)


def test_default_gold_is_found_in_gold_dir(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text(f"gold_dir: gold\ndocuments: [{seed('001')}]\n", "utf-8")
    (doc,) = load_suite(path).documents
    assert doc.gold == tmp_path / "gold" / f"{seed('001').name}.gold.json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2", "invalid YAML"),
        ("- a list", "a suite is a YAML mapping"),
        ("documents: []", "lists no documents"),
        ("extractor: magic\ndocuments: [x.txt]", "unknown extractor 'magic'"),
        ("documnets: [x.txt]", "unknown keys: documnets"),
        ("documents: [missing.txt]", "document not found: missing.txt"),
        ("review_threshold: 2\ndocuments: [x.txt]", "review_threshold must be"),
        ("mutations: {count: -1}\ndocuments: [x.txt]", "mutations needs"),
    ],
)
def test_bad_suites_raise_a_suite_error(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(SuiteError, match=message) as info:
        load_suite(path)
    assert info.value.exit_code == 2 and "\n" not in str(info.value)


def _report(detected: float, calls: int = 0) -> dict:
    return {
        "summary": {
            "fields": {"name": 1.0},
            "mutation": {"all": {"n": 10, "detected": detected, "located": detected}},
            "usage": {"calls": calls, "wall_time_s": 3.0},
        },
        "documents": [
            {"source": "a.txt", "metrics": {"numeric_accuracy": detected}},
            {"source": "b.pdf", "skipped": "x"},
        ],
    }


def test_only_rates_are_gated():
    assert set(gated_metrics(_report(0.9))) == {
        "summary.fields.name",
        "summary.mutation.all.detected",
        "summary.mutation.all.located",
        "documents[a.txt].numeric_accuracy",
    }


def test_a_drop_within_the_tolerance_passes_and_beyond_it_fails():
    base = _report(0.9)
    assert regressions(compare(_report(0.9 - RATE_TOLERANCE / 2, calls=99), base)) == []
    failed = regressions(compare(_report(0.9 - 2 * RATE_TOLERANCE), base))
    assert {c.metric for c in failed} == {
        "summary.mutation.all.detected",
        "summary.mutation.all.located",
        "documents[a.txt].numeric_accuracy",
    }
    assert regressions(compare(_report(1.0), base)) == []
