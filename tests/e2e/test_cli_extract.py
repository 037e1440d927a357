"""`llmextract extract` and `llmextract schema` through the installed entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import seed

_LLM_ENV = ("LLMEXTRACT_BASE_URL", "LLMEXTRACT_API_KEY", "LLMEXTRACT_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY")


def run(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("llmextract")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "llmextract", *args]
    env = {k: v for k, v in os.environ.items() if k not in _LLM_ENV}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


def test_extract_json_without_endpoint_uses_rules():
    out = run("extract", str(seed("001")), "--json")
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("\n") == 1 and "using the rules extractor" in out.stderr
    records = json.loads(out.stdout)
    assert [r["name"] for r in records][:2] == ["遗属补助", "驻村干部补助"]
    first = records[0]
    assert first["extractor"] == "rules"
    assert first["funding"]["annual_total"] == "60100" and first["funding"]["unit"] == "元"
    assert first["field_locations"]["funding.annual_total"]["start"] > 0


def test_extract_summary_and_out_dir(tmp_path):
    out = run("extract", str(seed("004")), "--extractor", "rules", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "records 5" in out.stdout and "2026年商务工作经费" in out.stdout
    # The department-wide table's 合计 1629.62 is not the sum of its parts (1429.62): a real error.
    assert "error record.dept-table-sum" in out.stdout
    lines = (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 5 and records[0]["kind"] == "department"
    assert all(0 <= r["confidence"] <= 1 and r["number_checks"] for r in records)
    assert (tmp_path / "run.sqlite").is_file() and (tmp_path / "projects.parquet").is_file()


def test_extract_json_records_carry_verification_and_confidence():
    out = run("extract", str(seed("001")), "--json")
    records = json.loads(out.stdout)
    food = next(r for r in records if r["name"] == "忻州市食品公司经营")
    check = food["number_checks"]["funding.annual_total"]
    assert check["status"] == "verified"
    assert any(
        f["rule_id"] == "record.project-list-name" and "忻州市食品公司经费" in f["message"] for f in food["findings"]
    )
    assert food["confidence"] < next(r for r in records if r["name"] == "遗属补助")["confidence"]


def test_llm_extractor_without_endpoint_is_a_usage_error():
    out = run("extract", str(seed("001")), "--extractor", "llm")
    assert out.returncode == 2
    assert "error:" in out.stderr and out.stdout == ""


def test_missing_file_is_bad_input(tmp_path):
    out = run("extract", str(tmp_path / "nope.pdf"))
    assert out.returncode == 2 and "error:" in out.stderr


def test_schema_write(tmp_path):
    out = run("schema", "--write", "--dir", str(tmp_path / "schemas"))
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == [
        "Finding.schema.json",
        "Indicator.schema.json",
        "NarrativeClaim.schema.json",
        "ProjectRecord.schema.json",
    ]
    schema = json.loads((tmp_path / "schemas" / "ProjectRecord.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "项目记录 ProjectRecord"


def test_schema_prints_json():
    out = run("schema")
    assert out.returncode == 0
    assert set(json.loads(out.stdout)) >= {"ProjectRecord.schema.json", "Indicator.schema.json"}
