"""Commands that never call a model never load the LLM stack (openai, instructor) or pyarrow.

Before: ``import llmextract.core.numbers`` loaded openai and instructor through the package's __init__, and
``llmextract --help`` imported every command and with them the whole pipeline and the LLM client.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import seed

HEAVY = ("openai", "instructor", "pyarrow")

_PROBE = """
import atexit, json, sys
loaded = lambda: sorted(m for m in sys.modules if m in {heavy})
atexit.register(lambda: sys.stderr.write("\\nLOADED " + json.dumps(loaded()) + "\\n"))
{body}
"""


def _loaded(body: str) -> list[str]:
    code = _PROBE.format(heavy=set(HEAVY), body=body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("LOADED ")]
    assert line, done.stderr
    return json.loads(line[-1].removeprefix("LOADED "))


@pytest.mark.parametrize(
    "module",
    ["llmextract", "llmextract.core.numbers", "llmextract.core.records", "llmextract.pipeline", "llmextract.verify"],
)
def test_importing_the_core_loads_no_llm_stack(module: str) -> None:
    assert _loaded(f"import {module}") == []


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["parse", str(seed("001"))], ["verify", str(seed("001"))], ["extract", "--help"]],
    ids=["help", "parse", "verify", "extract-help"],
)
def test_commands_without_a_model_load_no_llm_stack(argv: list[str]) -> None:
    assert _loaded(f"from llmextract.cli import main\nmain({argv!r})") == []


def test_help_does_not_import_the_commands() -> None:
    code = "from llmextract.cli import main\nmain(['--help'])"
    report = "print('TYPER', 'typer' in sys.modules, 'PIPE', 'llmextract.pipeline' in sys.modules)"
    probe = f"import atexit, sys\natexit.register(lambda: {report})\n{code}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "TYPER False PIPE False" in done.stdout, done.stdout + done.stderr
