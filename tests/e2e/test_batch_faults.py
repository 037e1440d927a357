"""A batch against an unreliable LLM endpoint: 30% of requests fail (429 with Retry-After, 500, a dropped
connection, a body cut short, a garbled 200 body). The run completes, with the same records as against a
reliable endpoint, and the retries stay within their bounds. The endpoint is the oracle test server (a test
double answering from the gold)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmextract import load_document
from llmextract.evals.gold import load_gold
from llmextract.evals.oracle_answers import place
from llmextract.evals.oracle_server import OracleServer
from tests.conftest import seed, without_llm_settings

MAX_RETRIES = 4
MAX_REASKS = 2
GOLD = Path(__file__).parents[2] / "evals" / "gold"


class OracleForDocuments(OracleServer):
    """The oracle test server for several documents: each request is answered for the document whose text
    holds its region (``llmextract run`` reads them in any order, concurrently)."""

    def __init__(self, docs: list[Path], faults: float, seed: int = 7) -> None:
        super().__init__(seed=seed)
        self.faults = faults
        self.prepared = []
        for path in docs:
            doc = load_document(path)
            self.prepared.append((doc, place(doc, load_gold(GOLD / f"{path.name}.gold.json").records)))

    def _answer(self, body: dict) -> dict:  # called under the server's lock
        region = next(str(m.get("content") or "") for m in body["messages"] if m["role"] == "user")
        self.doc, self.placed = next(((d, p) for d, p in self.prepared if region in d.text), self.prepared[0])
        return super()._answer(body)


def _run(root: Path, out: Path, server: OracleServer, tmp: Path) -> subprocess.CompletedProcess[str]:
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "llm.toml"
    config.write_text(
        f"[llm]\ntimeout = 0.5\nbackoff_cap = 0.2\nmax_retries = {MAX_RETRIES}\nmax_reasks = {MAX_REASKS}\n"
        'concurrency = 4\nmode = "tools"\n',
        encoding="utf-8",
    )
    env = without_llm_settings(os.environ)
    env |= {
        "LLMEXTRACT_BASE_URL": server.base_url,
        "LLMEXTRACT_MODEL": "scripted-model",
        "LLMEXTRACT_API_KEY": "sk-test",
        "XDG_CACHE_HOME": str(tmp / "cache"),  # a response cache of this test's own
    }
    return subprocess.run(
        [sys.executable, "-m", "llmextract", "run", str(root), "--out", str(out), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def _records(out: Path) -> list[dict]:
    rows = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    keep = ("name", "kind", "funding", "indicators", "overview", "basis", "extractor")
    return [{k: r[k] for k in keep} for r in rows]


@pytest.mark.slow
def test_thirty_percent_faults_give_the_same_records_with_bounded_retries(tmp_path):
    docs = [seed("001"), seed("004")]
    root = tmp_path / "in"
    root.mkdir()
    for path in docs:
        shutil.copy(path, root)

    with OracleForDocuments(docs, faults=0.0) as server:
        clean = _run(root, tmp_path / "clean", server, tmp_path / "c")
        clean_requests = server.stats.requests
    assert clean.returncode == 0, clean.stderr[-3000:]

    with OracleForDocuments(docs, faults=0.3) as server:
        faulty = _run(root, tmp_path / "faulty", server, tmp_path / "f")
        requests, faults = server.stats.requests, sum(server.stats.faults.values())
    assert faulty.returncode == 0, faulty.stderr[-3000:]
    assert faults >= 3, "the seeded fault rate must actually inject faults"

    assert "LLM calls" in faulty.stdout
    assert _records(tmp_path / "faulty") == _records(tmp_path / "clean")
    assert all(r["extractor"] == "hybrid:scripted-model" for r in _records(tmp_path / "faulty"))
    # Each chunk: at most 1 + MAX_REASKS replies, each retried at most MAX_RETRIES times.
    assert clean_requests < requests <= clean_requests * (1 + MAX_REASKS) * (1 + MAX_RETRIES)
