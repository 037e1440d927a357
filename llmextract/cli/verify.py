"""``llmextract verify FILE``: the findings of the verifier, grouped by severity, and a one-line summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from llmextract.cli.output import console, print_json, user_errors
from llmextract.core.findings import Finding, Severity
from llmextract.ingest import load_document
from llmextract.verify import VerificationReport, verify

_STYLES: dict[Severity, str] = {"error": "bold red", "warning": "yellow", "info": "dim"}


def verify_command(
    file: Path = typer.Argument(..., help="A disclosure: .pdf (with a text layer), .txt or .md export."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings and the summary as JSON."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for parsing a large PDF's pages (default: one per core)."
    ),
) -> None:
    """Check every table sum, cross-table equality and prose figure of one document.

    Exit code 1 when an error is found (the document contradicts itself), 2 on bad input.
    """
    with user_errors():
        doc = load_document(file, page_workers=workers)
        report = verify(doc)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    if report.has_errors:
        raise typer.Exit(1)


def _print_report(report: VerificationReport) -> None:
    console.print(f"[bold]{report.source}[/]")
    for severity in ("error", "warning", "info"):
        findings = [f for f in report.findings if f.severity == severity]
        if findings:
            console.print(f"\n[{_STYLES[severity]}]{severity}s ({len(findings)})[/]")
            console.print(_table(findings))
    console.print(
        f"\n{report.checks_run} checks run: {report.passed} passed, {report.failed} failed, "
        f"{report.not_checkable} not checkable "
        f"({report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} info)"
    )


def _table(findings: list[Finding]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("page", justify="right")
    table.add_column("rule")
    table.add_column("finding")
    for f in findings:
        page = str(f.locations[0].page) if f.locations else ""
        text = f.message
        if f.expected:
            text += f"\n  expected: {f.expected}\n  printed:  {f.actual}"
        table.add_row(page, f.rule_id, text)
    return table
