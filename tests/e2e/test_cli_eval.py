"""``llmextract eval`` through the console script: reports, the baseline gate, bad suites, the CI baseline, and
the LLM suite against the scripted server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import seed
from tests.e2e.test_cli_parse import run
from tests.llm.scripted_server import ScriptedLLMServer, reply

ROOT = Path(__file__).parents[2]
SUITES = ROOT / "evals" / "suites"
BASELINE = ROOT / "evals" / "baselines" / "seeds-rules.json"


@pytest.fixture(scope="module")
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eval")
    suite = out / "suite.yaml"
    suite.write_text(f"name: small\nmutations: {{count: 8, seed: 5}}\ndocuments: [{seed('001')}]\n", "utf-8")
    result = run("eval", str(suite), "--out", str(out / "report"))
    assert result.returncode == 0, result.stderr
    assert "# Eval report: small" in result.stdout
    return out / "report"


def test_reports_are_written_and_the_html_is_self_contained(small_report: Path):
    report = json.loads((small_report / "report.json").read_text("utf-8"))
    assert report["summary"]["mutation"]["all"]["n"] == 8
    assert report["documents"][0]["metrics"]["mutation"]["all"]["n"] == 8
    assert "mutation.detected" in report["definitions"] and "rates" in report["tolerances"]
    page = (small_report / "report.html").read_text("utf-8")
    assert "http" not in page.replace("http-equiv", "") and "<script" not in page
    assert page.count('<div class="charts"><svg') == 1 and page.split('<div class="charts">')[1].count("<svg") == 3
    # The per-document overview: records against the document's signals, errors, seconds per page.
    (document,) = report["documents"]
    assert {"pages", "seconds", "errors", "signals"} <= document.keys()
    row = page.split('<table class="overview">', 1)[1].split("</table>", 1)[0]
    assert seed("001").name in row and f"<title>records: {document['records']}</title>" in row
    assert "## Verifier mutation testing" in (small_report / "report.md").read_text("utf-8")


def test_the_same_report_as_baseline_passes_and_a_better_baseline_fails(small_report: Path, tmp_path: Path):
    suite = small_report.parent / "suite.yaml"
    same = run("eval", str(suite), "--baseline", str(small_report / "report.json"), "--json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["suite"]["name"] == "small"
    better = json.loads((small_report / "report.json").read_text("utf-8"))
    better["summary"]["mutation"]["all"]["located"] = 1.5  # unreachable: any real run is a regression
    (tmp_path / "better.json").write_text(json.dumps(better), "utf-8")
    worse = run("eval", str(suite), "--baseline", str(tmp_path / "better.json"))
    assert worse.returncode == 1
    assert "summary.mutation.all.located" in worse.stderr and "REGRESSION" in worse.stdout


@pytest.mark.parametrize(
    ("content", "message"), [("documents: [nowhere.txt]", "document not found"), ("[", "invalid YAML")]
)
def test_a_bad_suite_exits_2_with_one_line(tmp_path: Path, content: str, message: str):
    suite = tmp_path / "bad.yaml"
    suite.write_text(content, "utf-8")
    out = run("eval", str(suite))
    assert out.returncode == 2 and message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_a_bad_baseline_exits_2(small_report: Path, tmp_path: Path):
    (tmp_path / "b.json").write_text("[]", "utf-8")
    out = run("eval", str(small_report.parent / "suite.yaml"), "--baseline", str(tmp_path / "b.json"))
    assert out.returncode == 2 and "not an eval report" in out.stderr


def test_the_rules_suite_holds_its_committed_baseline(tmp_path: Path):
    """The CI gate: evals/suites/seeds-rules.yaml against evals/baselines/seeds-rules.json (about 15 s)."""
    out = run("eval", str(SUITES / "seeds-rules.yaml"), "--baseline", str(BASELINE), "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr + out.stdout
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert report["summary"]["mutation"]["checkable"]["n"] >= 250


def test_the_llm_suite_runs_against_the_scripted_server(tmp_path: Path):
    reply_data = json.loads((ROOT / "tests" / "llm" / "fixtures" / "yishu_reply.json").read_text("utf-8"))
    env = {
        **os.environ,
        "LLMEXTRACT_MODEL": "scripted-model",
        "LLMEXTRACT_API_KEY": "badkey",
        "LLMEXTRACT_MODE": "tools",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    exe = shutil.which("llmextract")
    cmd = [exe] if exe else [sys.executable, "-m", "llmextract"]
    with ScriptedLLMServer(default=reply(reply_data)) as server:
        env["LLMEXTRACT_BASE_URL"] = server.base_url
        out = subprocess.run(
            [*cmd, "eval", str(SUITES / "seeds-llm-scripted.yaml"), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    usage = report["summary"]["usage"]
    assert usage["calls"] == server.count > 0 and usage["prompt_tokens"] > 0
    assert report["model"] == "scripted-model"
    assert all(d["records"] > 0 for d in report["documents"])  # failed chunks keep the rules reading
    assert sum(d["llm_failures"] for d in report["documents"]) > 0
