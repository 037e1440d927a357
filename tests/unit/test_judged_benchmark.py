"""benchmarks/judged.py: precision per split, errors per document, false claims grouped, held-out masked."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from llmextract.evals.judged import JudgedClaim, JudgedDocument

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "seeds" / "001_2dc8c89a6b4bfa48.txt"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("judged_benchmark", ROOT / "benchmarks" / "judged.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def claim(rule: str, page: int, expected: str, actual: str) -> dict:
    loc = {"doc_id": "d", "page": page, "start": 0, "end": 1}
    return {"rule_id": rule, "severity": "error", "message": "m", "expected": expected, "actual": actual,
            "locations": [loc]}  # fmt: skip


def entry(key: str, verdict: bool, reason: str, mechanism: str | None = None) -> JudgedClaim:
    return JudgedClaim(
        key=key, rule_id=key.split("|")[0], pages=[int(key.split("|")[1][1:])], message="m", verdict=verdict,
        printed="p", arithmetic="a", reason=reason, mechanism=mechanism, open=not verdict,
    )  # fmt: skip


def judged(source: str, split: str, *claims: JudgedClaim) -> JudgedDocument:
    return JudgedDocument(
        source=source, doc_sha256="0" * 64, split=split, judged_at="x", judge="t", claims=list(claims)
    )


def row(source: str, *claims: dict) -> dict:
    return {"source": source, "sha256": "0" * 64, "failure": None, "claims": list(claims)}


@pytest.fixture
def docs(bench):
    files = {
        Path("a.json"): judged(
            "more/甲/a.pdf",
            "in_sample",
            entry("t.x|p1|1 2", True, "real"),
            entry("t.y|p2|3 4", False, "two-sided table read as one", "V1"),
        ),
        Path("b.json"): judged("more/乙/b.pdf", "held_out", entry("t.z|p5|7 8", False, "SECRET-REASON", "V11")),
    }
    rows = [
        row("more/甲/a.pdf", claim("t.x", 1, "= 1", "2"), claim("t.y", 2, "= 3", "4"), claim("t.n", 9, "= 5", "6")),
        row("more/乙/b.pdf", claim("t.z", 5, "= 7", "8")),
        row("pdf/c.pdf"),
    ]
    return bench.judge(rows, files, heldout={"more/乙/b.pdf"})


def test_precision_and_errors_per_document_by_split(bench, docs):
    in_sample = bench.totals([d for d in docs if d["split"] == "in_sample"])
    held_out = bench.totals([d for d in docs if d["split"] == "held_out"])
    assert (in_sample["precision"], in_sample["claims"], in_sample["unjudged"], in_sample["documents"]) == (
        0.5, 3, 1, 2,
    )  # fmt: skip
    assert in_sample["errors_per_document"] == 1.5
    assert (held_out["precision"], held_out["claims"]) == (0.0, 1)


def test_report_groups_in_sample_false_claims_and_only_counts_held_out_ones(bench, docs, capsys):
    bench.print_report(docs, show_heldout=False)
    out = capsys.readouterr().out
    assert "V1: 1" in out and "more/甲/a.pdf p2 t.y: two-sided table read as one" in out
    assert "held-out false claims by mechanism: V11 1" in out
    assert "NOT JUDGED" in out and "t.n|p9|5 6" in out
    assert "SECRET-REASON" not in out and "乙" not in out
    assert "乙" not in str(bench.report_json(docs, show_heldout=False))
    bench.print_report(docs, show_heldout=True)
    assert "SECRET-REASON" in capsys.readouterr().out


def test_a_document_runs_in_a_worker_and_a_refused_one_is_a_failure(bench, tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    (tmp_path / "seeds" / "broken.pdf").write_bytes(b"not a pdf")
    rows = bench.run(tmp_path, ["seeds/broken.pdf", f"seeds/{SEED.name}"], workers=2)
    by_source = {r["source"]: r for r in rows}
    assert by_source["seeds/broken.pdf"]["failure"]
    seed = by_source[f"seeds/{SEED.name}"]
    assert seed["failure"] is None
    assert [c["rule_id"] for c in seed["claims"]] == ["prose.disclosed-project-tables"]
