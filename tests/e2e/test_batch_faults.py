"""A batch against an unreliable LLM endpoint: 30% of requests fail (429 with Retry-After, 500, timeouts,
malformed and truncated JSON, a body cut short). The run completes, with the same records as against a
reliable endpoint, and the retries stay within their bounds. The endpoint is the scripted test server (a test
double)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from llmextract import load_document
from llmextract.extract.rules import extract_rules
from tests.conftest import seed, without_llm_settings
from tests.llm.replies import reply_for
from tests.llm.scripted_server import ScriptedLLMServer, content, cut, reply, sleep, status

MAX_RETRIES = 4
MAX_REASKS = 2
# Each fault gets the correct answer, for the ones that garble it.
FAULTS = (
    lambda answer: status(429, retry_after=0.05),
    lambda answer: status(500),
    lambda answer: sleep(1.0),  # past the 0.5 s client timeout
    lambda answer: content('{"name": "遗属补助", "indicators": [}'),  # malformed JSON: re-asked
    lambda answer: content(json.dumps(answer, ensure_ascii=False)[:40]),  # truncated JSON: re-asked
    lambda answer: cut(answer),  # the HTTP body cut short: retried by the transport
)


def _answers(docs: list[Path]) -> dict[str, dict]:
    """Block text → the correct reply, for every project block of the documents."""
    out = {}
    for path in docs:
        doc = load_document(path)
        for record in extract_rules(doc):
            out[doc.text[record.location.start : record.location.end]] = reply_for(doc, record)
    return out


class FaultyEndpoint:
    """Answers each request correctly, except a seeded 30% of them, which get a random fault."""

    def __init__(self, answers: dict[str, dict], rate: float, seed: int = 7) -> None:
        self.answers = answers
        self.rate = rate
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.faults = 0

    def __call__(self, body: dict):
        # The block is the first user message (a re-ask appends the validation error after the reply).
        block = next(m["content"] for m in body["messages"] if m["role"] == "user")
        answer = self.answers[block]
        with self.lock:
            if self.rng.random() < self.rate:
                self.faults += 1
                return self.rng.choice(FAULTS)(answer)
        return reply(answer)


def _run(root: Path, out: Path, server: ScriptedLLMServer, tmp: Path) -> subprocess.CompletedProcess[str]:
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
    answers = _answers(docs)

    with ScriptedLLMServer(default=FaultyEndpoint(answers, rate=0.0)) as server:
        clean = _run(root, tmp_path / "clean", server, tmp_path / "c")
    assert clean.returncode == 0, clean.stderr[-3000:]

    endpoint = FaultyEndpoint(answers, rate=0.3)
    with ScriptedLLMServer(default=endpoint) as server:
        faulty = _run(root, tmp_path / "faulty", server, tmp_path / "f")
        requests = server.count
    assert faulty.returncode == 0, faulty.stderr[-3000:]
    assert endpoint.faults >= 3, "the seeded fault rate must actually inject faults"

    assert "LLM calls" in faulty.stdout
    assert _records(tmp_path / "faulty") == _records(tmp_path / "clean")
    assert all(r["extractor"] == "hybrid:scripted-model" for r in _records(tmp_path / "faulty"))
    blocks = len(answers)
    # Each block: at most 1 + MAX_REASKS replies, each retried at most MAX_RETRIES times.
    assert blocks < requests <= blocks * (1 + MAX_REASKS) * (1 + MAX_RETRIES)
