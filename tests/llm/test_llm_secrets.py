"""An endpoint that echoes the API key in an error body must not put it anywhere llmextract writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import seed
from tests.llm.conftest import FAKE_KEY
from tests.llm.scripted_server import ScriptedLLMServer, status

HYBRID = ("--extractor", "hybrid", "--out")
ECHO = f"Incorrect API key provided: Bearer {FAKE_KEY}. Find your key at https://example/keys; key={FAKE_KEY}"


def test_an_echoed_key_reaches_no_record_finding_export_store_or_terminal(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with ScriptedLLMServer(default=status(401, message=ECHO)) as server:
        env = {
            **os.environ,
            "LLMEXTRACT_BASE_URL": server.base_url,
            "LLMEXTRACT_API_KEY": FAKE_KEY,
            "LLMEXTRACT_MODEL": "scripted-model",
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "llmextract", "--debug", "extract", str(seed("001")), *HYBRID, str(out), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    assert server.count > 0  # the endpoint was really asked and really answered with the echo
    assert done.returncode == 1, done.stderr  # every LLM block failed; their rules readings are kept
    records = json.loads(done.stdout)
    assert records and all(any(f["rule_id"] == "llm.failed" for f in r["findings"]) for r in records)
    assert "HTTP 401" in done.stdout and "[redacted]" in done.stdout
    assert FAKE_KEY not in done.stdout + done.stderr
    for path in out.rglob("*"):
        if path.is_file():
            assert FAKE_KEY.encode() not in path.read_bytes(), path
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert FAKE_KEY.encode() not in path.read_bytes(), path
