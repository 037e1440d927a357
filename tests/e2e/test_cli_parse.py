"""The CLI through its real entry point (a subprocess running the installed console script)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from llmextract import __version__, load_document
from tests.conftest import SCAN_PDF, seed


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("llmextract")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "llmextract", *args]
    # A hang guard, not a speed test: loaded CI machines are slow.
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"llmextract {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["parse", "--help"]])
def test_help(args):
    out = run(*args)
    assert out.returncode == 0
    assert "Usage" in out.stdout


def test_parse_summary():
    out = run("parse", str(seed("001")))
    assert out.returncode == 0, out.stderr
    assert f"tables {len(load_document(seed('001')).tables)} " in out.stdout
    assert "project table 6" in out.stdout
    assert "2024年预算收支总表" in out.stdout


def test_parse_json_is_the_document_model():
    out = run("parse", "--json", str(seed("001")))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["kind"] == "text" and data["encoding"] == "utf-8"
    assert len(data["doc_id"]) == 64
    cell = data["tables"][1]["cells"][0]
    assert data["text"][cell["start"] : cell["end"]] == cell["text"]
    assert sum(p["kind"] == "project_table" for p in data["parts"]) == 6


def test_scan_is_one_line_and_exit_2():
    out = run("parse", str(SCAN_PDF))
    assert out.returncode == 2
    assert "no text layer; run OCR (e.g. ocrmypdf) first" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("empty.pdf", b"", "0 bytes"),
        ("page.pdf", b"<html><body>x</body></html>", "HTML page"),
        ("notes.docx", b"PK", "unsupported file type"),
    ],
)
def test_bad_inputs_are_one_line_and_exit_2(tmp_path, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    out = run("parse", str(path))
    assert out.returncode == 2
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_missing_file_and_directory(tmp_path):
    assert run("parse", str(tmp_path / "missing.pdf")).returncode == 2
    out = run("parse", str(tmp_path))
    assert out.returncode == 2 and "is a directory" in out.stderr


def test_usage_error_exits_2():
    assert run("parse").returncode == 2
    assert run("no-such-command").returncode == 2
