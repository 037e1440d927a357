"""The README's examples run as written, from the repository root of a fresh clone, and print what it says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.+?)\n```", section, flags=re.DOTALL)


def test_the_python_example_prints_what_its_comments_say():
    code = _blocks(_section("Example"), "python")[0]
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    assert done.stdout.splitlines() == expected


@pytest.mark.slow
def test_the_batch_example_runs_and_its_query_reads_the_export(tmp_path):
    """Before: the README queried the Parquet export with the ``duckdb`` command, which its install step does not
    install. The example now runs on a bundled folder and reads the export with pyarrow, a dependency."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "tests" / "fixtures" / "seeds")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("LLMEXTRACT_BASE_URL", None)
    run, query = (line.split("  #", 1)[0] for line in _blocks(_section("Batch runs"), "bash")[0].splitlines())
    done = subprocess.run(run, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    assert {"projects.csv", "run.xlsx", "projects.parquet"} <= {p.name for p in (tmp_path / "runs/seeds").iterdir()}
    shown = subprocess.run(query, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "'name':" in shown.stdout and "'confidence':" in shown.stdout
