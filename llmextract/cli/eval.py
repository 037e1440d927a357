"""``llmextract eval SUITE``: extraction metrics against gold, verifier mutation testing, and the regression gate.

Writes ``report.json``, ``report.md`` and ``report.html`` to ``--out``. With ``--baseline`` the exit code is 1
when a rate fell by more than the tolerance stated in the report; 2 on a bad suite or baseline.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer

from llmextract.cli.output import console, err_console, print_json, user_errors
from llmextract.evals.compare import Change, compare, regressions
from llmextract.evals.render import to_html, to_markdown
from llmextract.evals.runner import run_suite
from llmextract.evals.suite import SuiteError, check_record_mode, load_suite, with_overrides


def eval_command(
    suite: Path = typer.Argument(..., help="A suite YAML file (evals/suites/*.yaml)."),
    out: Path | None = typer.Option(None, "--out", help="Directory for report.json, report.md and report.html."),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="A previous report.json: exit 1 if a rate fell by more than the tolerance."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON report instead of the Markdown one."),
    record_mode: str | None = typer.Option(
        None,
        "--record-mode",
        help="For a suite with a cassette: none (replay only), once, new_episodes or all; overrides the suite's.",
    ),
    extractor: str | None = typer.Option(None, "--extractor", help="rules, llm or hybrid: overrides the suite's."),
    mode: str | None = typer.Option(None, "--mode", help="tools, json, json_schema or md_json: overrides the suite's."),
) -> None:
    """Run an eval suite: project/field/indicator accuracy against gold, verifier precision/recall and
    mutation detection, calibration of the review threshold, tokens, calls, cost and wall time.

    Exit code 1 on a regression against --baseline, 2 on a bad suite or baseline file.
    """
    with user_errors():
        loaded = load_suite(suite)
        if record_mode is not None:
            if loaded.cassette is None:
                raise SuiteError("--record-mode needs a suite with a cassette", path=str(suite))
            loaded = replace(loaded, record_mode=check_record_mode(record_mode))
        loaded = with_overrides(loaded, extractor=extractor, mode=mode)
        base = _read_baseline(baseline) if baseline else None
        report = run_suite(loaded, progress=lambda name: err_console.print(f"[dim]eval {name}[/]"))
    changes: list[Change] | None = compare(report, base) if base is not None else None
    markdown = to_markdown(report, changes)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (out / "report.md").write_text(markdown, encoding="utf-8")
        (out / "report.html").write_text(to_html(report, markdown), encoding="utf-8")
    if as_json:
        print_json(report)
    else:
        console.print(markdown, markup=False)
    failed = regressions(changes or [])
    if failed:
        err_console.print(f"{len(failed)} regression(s) beyond the tolerance: " + ", ".join(c.metric for c in failed))
        raise typer.Exit(1)


def _read_baseline(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SuiteError(f"cannot read the baseline report: {e}", hint="pass a report.json of llmextract eval") from e
    if not isinstance(data, dict) or "summary" not in data:
        raise SuiteError(
            "the baseline is not an eval report", hint="pass a report.json of llmextract eval", path=str(path)
        )
    return data
