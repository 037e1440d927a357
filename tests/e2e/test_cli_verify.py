"""``llmextract verify`` and ``llmextract rules`` through the installed console script."""

from __future__ import annotations

import json

from llmextract.verify import RULES
from tests.conftest import seed
from tests.e2e.test_cli_parse import run


def test_verify_reports_errors_and_exits_1():
    out = run("verify", str(seed("002")))
    assert out.returncode == 1
    assert "prose.change-rate" in out.stdout and "48.51%" in out.stdout
    assert "checks run:" in out.stdout.splitlines()[-1]


def test_verify_json_summary_and_locations():
    out = run("verify", "--json", str(seed("001")))
    assert out.returncode == 1
    data = json.loads(out.stdout)
    summary = data["summary"]
    assert summary["errors"] == 1
    assert summary["checks_run"] == summary["passed"] + summary["failed"] + summary["not_checkable"]
    (error,) = [f for f in data["findings"] if f["severity"] == "error"]
    assert error["rule_id"] == "prose.disclosed-project-tables"
    assert error["locations"][0]["end"] > error["locations"][0]["start"]


def test_verify_consistent_document_exits_0():
    out = run("verify", str(seed("000")))
    assert out.returncode == 0, out.stdout
    assert "numbers verified" in out.stdout


def test_verify_runs_the_record_rules_on_the_extracted_records():
    # Seed 004's department-wide table prints 政府性基金 630.99 where its tables say 830.99.
    out = run("verify", "--json", str(seed("004")))
    assert out.returncode == 1
    data = json.loads(out.stdout)
    (error,) = [f for f in data["findings"] if f["severity"] == "error"]
    assert error["rule_id"] == "record.dept-table-sum"
    assert error["actual"] == "合计 1,629.62"
    assert len(data["records"]) == 5
    for record in data["records"]:
        assert sum(record["numbers"].values()) == len(record["number_checks"]) > 0


def test_verify_bad_input_exits_2(tmp_path):
    out = run("verify", str(tmp_path / "missing.pdf"))
    assert out.returncode == 2
    assert out.stderr.startswith("error:")


def test_rules_lists_the_catalogue():
    out = run("rules", "--json")
    assert out.returncode == 0
    assert [r["id"] for r in json.loads(out.stdout)] == [r.id for r in RULES]
    text = run("rules")
    assert "prose.change-rate" in text.stdout


def test_python_verify_reports_what_the_command_reports():
    """``verify(FILE).all_findings`` is the command's list: the document's own findings and its records'.
    Before: the README printed ``verify(FILE).findings``, the document's only, which misses seed 004's error
    (a record rule's)."""
    from llmextract import verify

    for prefix in ("002", "004"):
        cli = json.loads(run("verify", "--json", str(seed(prefix))).stdout)["findings"]
        api = [f.model_dump(mode="json") for f in verify(seed(prefix)).all_findings]
        assert api == cli, prefix
