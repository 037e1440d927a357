"""`llmextract run`: exports, junk files, resume after kill -9, identical results, the Ray engine."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import SCAN_PDF, blank_pdf, pdf, seed, without_llm_settings

EXPORTS = ("records.jsonl", "findings.jsonl", "errors.jsonl")
TABLES = ("projects.parquet", "indicators.parquet", "findings.parquet")


def llmextract(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    env = without_llm_settings(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "llmextract", *args], capture_output=True, text=True, timeout=600, env=env, **kwargs
    )



def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _exports(out: Path) -> dict[str, object]:
    data: dict[str, object] = {name: (out / name).read_text(encoding="utf-8") for name in EXPORTS}
    for name in TABLES:
        data[name] = pq.read_table(out / name).to_pylist()
    return data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("in")
    for prefix in ("001", "002", "004"):
        shutil.copy(seed(prefix), root)
    sub = root / "pdfs"
    sub.mkdir()
    shutil.copy(pdf("普陀"), sub)
    shutil.copy(pdf("国家信访局2026"), sub)
    return root


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out-whole")
    result = llmextract("run", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_exports_are_written(uninterrupted):
    records = [json.loads(line) for line in (uninterrupted / "records.jsonl").read_text().splitlines()]
    names = {r["name"] for r in records}
    assert {"遗属补助", "信息化运行维护"} <= names
    assert any(n.startswith("成品油流通智慧监管平台") for n in names)
    assert all(r["confidence"] is not None and r["record_id"] for r in records)
    projects = pq.read_table(uninterrupted / "projects.parquet").to_pylist()
    assert len(projects) == len(records)
    yishu = next(p for p in projects if p["name"] == "遗属补助")
    assert str(yishu["annual_total"]) == "60100.000000" and yishu["funding_unit"] == "元"
    indicators = pq.read_table(uninterrupted / "indicators.parquet").to_pylist()
    assert any(i["name"] == "生活补助人均发放金额" and i["comparator"] == "<" for i in indicators)
    assert (uninterrupted / "errors.jsonl").read_text() == ""
    findings = [json.loads(line) for line in (uninterrupted / "findings.jsonl").read_text().splitlines()]
    keys = [(f["rule_id"], f["message"], json.dumps(f["locations"])) for f in findings]
    assert len(keys) == len(set(keys)), "a record's finding must not be exported again as a document finding"
    assert any(f["record_id"] is None for f in findings) and any(f["record_id"] for f in findings)


def test_rerun_skips_everything_and_changes_nothing(corpus, uninterrupted):
    before = _exports(uninterrupted)
    result = llmextract("run", str(corpus), "--out", str(uninterrupted))
    assert result.returncode == 0
    assert "0 processed, 5 already done" in result.stdout
    assert _exports(uninterrupted) == before
    # The summary is the run's: the records already in it count (before: "0 records").
    records = [json.loads(line) for line in (uninterrupted / "records.jsonl").read_text().splitlines()]
    review = sum(r["needs_review"] for r in records)
    assert f"{len(records)} records ({review} to review)" in result.stdout


def test_a_rerun_with_another_setting_loads_the_parsed_pdfs_from_the_run(uninterrupted, corpus, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(uninterrupted, out)
    entries = sorted((out / "parse-cache").rglob("*.pickle"))
    documents = [e for e in entries if ".pdfium." in e.name]
    assert len(documents) == 2  # the two PDFs; text exports are cheap to read and are not kept
    assert len(entries) == 2 + 2 * 5  # and every document's checks and rules reading
    written = [e.stat().st_mtime_ns for e in entries]
    result = llmextract("run", str(corpus), "--out", str(out), "--review-threshold", "0.5")
    assert result.returncode == 0, result.stderr
    assert "5 processed, 0 already done" in result.stdout
    assert sorted((out / "parse-cache").rglob("*.pickle")) == entries
    assert [e.stat().st_mtime_ns for e in entries] == written  # loaded, not computed and written again
    names = {json.loads(line)["name"] for line in (out / "records.jsonl").read_text().splitlines()}
    assert {"遗属补助", "信息化运行维护"} <= names


def test_no_cache_parses_again_and_keeps_no_parsed_documents(corpus, tmp_path):
    out = tmp_path / "out"
    result = llmextract("run", str(corpus / "pdfs"), "--out", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert not (out / "parse-cache").exists()


def test_killed_and_resumed_run_equals_an_uninterrupted_one(corpus, uninterrupted, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmextract", "run", str(corpus), "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            db = out / "run.sqlite"
            if db.exists():
                with sqlite3.connect(db) as conn:
                    try:
                        if conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= 1:
                            break
                    except sqlite3.OperationalError:
                        pass
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-run
    finally:
        proc.wait(timeout=30)
    with sqlite3.connect(out / "run.sqlite") as conn:
        saved = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert 1 <= saved < 5, "the kill should land mid-run"
    result = llmextract("run", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{saved} already done" in result.stdout
    assert _exports(out) == _exports(uninterrupted)
    records = (out / "records.jsonl").read_text().splitlines()
    assert f"{len(records)} records (" in result.stdout  # those saved before the kill too


def test_junk_files_fail_one_by_one_and_the_rest_succeeds(tmp_path):
    root = tmp_path / "junk"
    root.mkdir()
    (root / "empty.pdf").write_bytes(b"")
    (root / "random.pdf").write_bytes(os.urandom(3000))
    (root / "saved-page.pdf").write_text("<!DOCTYPE html><html><body>预算</body></html>", encoding="utf-8")
    (root / "locked.pdf").write_bytes(blank_pdf(1, password="pw"))
    (root / "zero-pages.pdf").write_bytes(blank_pdf(0))
    shutil.copy(SCAN_PDF, root / "scan.pdf")
    (root / "gbk.txt").write_bytes(seed("001").read_text(encoding="utf-8").encode("gb18030"))
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    result = llmextract("run", str(root), "--out", str(out))
    assert result.returncode == 1  # some documents failed
    errors = {Path(e["source"]).name: e["error_type"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert errors == {
        "empty.pdf": "EmptyFileError",
        "random.pdf": "NotAPDFError",
        "saved-page.pdf": "NotAPDFError",
        "locked.pdf": "EncryptedPDFError",
        "zero-pages.pdf": "EmptyFileError",
        "scan.pdf": "NoTextLayerError",
    }
    records = [json.loads(line) for line in (out / "records.jsonl").open()]
    assert len(records) == 6 and records[0]["name"] == "遗属补助"
    assert "1 unsupported skipped" in result.stdout


def test_not_a_directory(tmp_path):
    result = llmextract("run", str(seed("001")), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "not a directory" in result.stderr
    missing = llmextract("run", str(tmp_path / "no-such"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and "no such directory" in missing.stderr  # before: "not a directory"


def test_links_out_of_the_folder_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(seed("002"), outside / "secret.txt")
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(seed("001"), root / "mine.txt")
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)
    (root / "again.txt").symlink_to(root / "mine.txt")  # a link inside the folder is read
    result = llmextract("run", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    sources = {json.loads(line)["source"] for line in (tmp_path / "out" / "records.jsonl").open()}
    # mine.txt and again.txt are one document (same bytes): stored once, under either name
    assert len(sources) == 1 and Path(sources.pop()).name in ("mine.txt", "again.txt")
    assert sorted(p.name for p in (tmp_path / "out" / "sources").iterdir()) == [f"{_sha256(seed('001'))}.txt"]
    assert "2 links out of the folder not followed" in result.stdout


@pytest.mark.slow
def test_ray_engine_gives_the_same_outputs(corpus, uninterrupted, tmp_path):
    pytest.importorskip("ray")
    out = tmp_path / "out-ray"
    result = llmextract("run", str(corpus), "--out", str(out), "--engine", "ray", "--workers", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _exports(out) == _exports(uninterrupted)
