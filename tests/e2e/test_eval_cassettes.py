"""``llmextract eval`` on real model output replayed from a cassette: evals/suites/seeds-llm-cassettes.yaml.

The cassette holds the two calls (one per chunk of the 遗属补助 table of seed 001 at max_tokens 800, json mode,
no re-asks, no retries) that the hybrid extractor made to llama.cpp's server running Gemma 3 270M; recording
them took about a minute on 2 shared cores. Replay needs no server, no key and no network, and takes a couple of
seconds. The pinned numbers are the real (poor) model's: both replies failed validation (it answered with a
piece of the schema, not a list of records), so the hybrid reading is the rules reading, routed to review by the
``llm.failed`` findings, and the extraction metrics are the rules extractor's on that table.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from llmextract.evals.runner import REPLAY_KEY, run_suite, suite_config
from llmextract.evals.suite import SuiteError, load_suite
from tests.conftest import without_llm_settings

ROOT = Path(__file__).parents[2]
SUITE = ROOT / "evals" / "suites" / "seeds-llm-cassettes.yaml"
CASSETTE = ROOT / "evals" / "cassettes" / "excerpt-llm.yaml"


def offline_env(tmp_path: Path) -> dict[str, str]:
    """No LLM settings from the environment, and a cache directory the test can inspect."""
    env = without_llm_settings(os.environ)
    return env | {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}


def eval_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("llmextract")
    cmd = [exe] if exe else [sys.executable, "-m", "llmextract"]
    return subprocess.run([*cmd, "eval", *args], capture_output=True, text=True, timeout=120, env=env)


def recorded_usage() -> tuple[int, int, int]:
    """Calls and tokens as the server counted them in the recorded replies."""
    interactions = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))["interactions"]
    usages = [json.loads(i["response"]["body"]["string"])["usage"] for i in interactions]
    return len(usages), sum(u["prompt_tokens"] for u in usages), sum(u["completion_tokens"] for u in usages)


def local_suite(tmp_path: Path, *, replace: dict[str, str] | None = None, cassette: Path = CASSETTE) -> Path:
    """The shipped suite with absolute paths, edited, written to tmp_path."""
    text = SUITE.read_text(encoding="utf-8")
    text = text.replace("../cassettes/excerpt-llm.yaml", str(cassette))
    text = text.replace("../../tests/", f"{ROOT}/tests/").replace("gold_dir: ../gold", f"gold_dir: {ROOT}/evals/gold")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_cassette_suite_replays_offline_and_reports_the_recorded_calls(tmp_path: Path):
    before = hashlib.sha256(CASSETTE.read_bytes()).hexdigest()
    out = eval_cli(str(SUITE), "--out", str(tmp_path / "report"), env=offline_env(tmp_path))
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads((tmp_path / "report" / "report.json").read_text("utf-8"))

    calls, prompt_tokens, completion_tokens = recorded_usage()
    assert (calls, prompt_tokens, completion_tokens) == (2, 2800, 60)
    assert report["cassette"] | {"file": None} == {
        "file": None,
        "record_mode": "none",
        "interactions": calls,
        "played": calls,
        "recorded": 0,
        "unmatched": 0,
    }
    usage = report["summary"]["usage"]
    assert (usage["calls"], usage["prompt_tokens"], usage["completion_tokens"]) == (
        calls,
        prompt_tokens,
        completion_tokens,
    )
    # No price table for the model: the cost is unknown, not 0.
    cost = "unknown (no price for the model)"
    row = f"| calls / tokens (prompt+completion) / cost | {calls} / {prompt_tokens}+{completion_tokens} / {cost} |"
    assert row in out.stdout
    assert report["model"] == "gemma-3-270m" and report["suite"]["mode"] == "json"

    # The real model's output: both replies failed, the rules reading stands for the one project.
    (doc,) = report["documents"]
    assert doc["records"] == 1 and doc["llm_failures"] == 2
    assert out.stderr.count("last error: records: Field required") == 2
    summary = report["summary"]
    assert summary["projects"] == {"gold": 1, "extracted": 1, "matched": 1, "precision": 1.0, "recall": 1.0}
    assert summary["indicators"]["f1"] == 1.0 and summary["numeric_accuracy"] == 1.0
    assert summary["calibration"]["review_load"] == 1.0  # llm.failed routes the record to review

    # Replay wrote nothing: no response cache, no change to the cassette.
    assert not (tmp_path / "cache").exists() and not (tmp_path / "home").exists()
    assert hashlib.sha256(CASSETTE.read_bytes()).hexdigest() == before


def test_the_cassette_holds_no_credentials():
    text = CASSETTE.read_text(encoding="utf-8").lower()
    for secret in ("authorization", "bearer", "api-key", "api_key", "sk-", "badkey", REPLAY_KEY):
        assert secret not in text, secret


def test_a_changed_request_no_longer_matches_and_exits_2(tmp_path: Path):
    """A changed setting changes every request body: the run fails instead of silently using the rules."""
    copy = tmp_path / "cassette.yaml"
    shutil.copy(CASSETTE, copy)
    suite = local_suite(tmp_path, replace={"max_tokens: 800": "max_tokens: 801"}, cassette=copy)
    out = eval_cli(str(suite), env=offline_env(tmp_path))
    assert out.returncode == 2
    assert "the cassette no longer matches the requests: 0 of 2 recorded calls were replayed" in out.stderr
    assert copy.read_bytes() == CASSETTE.read_bytes()


@pytest.mark.parametrize(
    ("edit", "args", "message"),
    [
        ({"record_mode: none": "record_mode: sometimes"}, (), "unknown record_mode 'sometimes'"),
        ({"max_retries: 0": "api_key: sk-nope"}, (), "invalid llm settings: api_key"),
        ({"max_reasks: 0": "max_reasks: many"}, (), "llm settings of the wrong type: max_reasks"),
        ({}, ("--record-mode", "rewind"), "unknown record_mode 'rewind'"),
    ],
)
def test_bad_cassette_settings_exit_2(tmp_path: Path, edit: dict[str, str], args: tuple[str, ...], message: str):
    out = eval_cli(str(local_suite(tmp_path, replace=edit)), *args, env=offline_env(tmp_path))
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_record_mode_needs_a_suite_with_a_cassette(tmp_path: Path):
    suite = tmp_path / "plain.yaml"
    suite.write_text(f"documents: [{ROOT}/tests/fixtures/seeds/001_2dc8c89a6b4bfa48.txt]\n", "utf-8")
    out = eval_cli(str(suite), "--record-mode", "once", env=offline_env(tmp_path))
    assert out.returncode == 2 and "--record-mode needs a suite with a cassette" in out.stderr


def test_a_missing_cassette_is_not_recorded_in_replay_mode(tmp_path: Path):
    suite = local_suite(tmp_path, cassette=tmp_path / "nowhere.yaml")
    out = eval_cli(str(suite), env=offline_env(tmp_path))
    assert out.returncode == 2 and "cassette not found" in out.stderr and "--record-mode once" in out.stderr
    assert not (tmp_path / "nowhere.yaml").exists()


def test_without_vcrpy_the_suite_names_the_package(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "vcr", None)  # import vcr now raises ImportError
    suite = load_suite(SUITE)
    with pytest.raises(SuiteError, match="needs vcrpy") as info:
        run_suite(suite)
    assert info.value.hint == "pip install vcrpy"


def test_replay_sends_no_key_and_uses_no_cache(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LLMEXTRACT_API_KEY", "sk-test-DO-NOT-LEAK-0123456789")
    monkeypatch.setenv("LLMEXTRACT_BASE_URL", "https://example.invalid/v1")
    suite = load_suite(SUITE)
    assert suite.cassette is not None and suite.cassette.is_file() and suite.record_mode == "none"
    settings = suite_config(suite).settings
    assert settings.api_key == REPLAY_KEY and settings.cache_path is None
    assert settings.base_url == "http://127.0.0.1:8765/v1"  # the recorded endpoint: the suite's, not the env's
    assert (settings.model, settings.mode, settings.max_reasks, settings.max_retries) == ("gemma-3-270m", "json", 0, 0)
