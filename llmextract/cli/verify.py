"""``llmextract verify FILE``: the findings of the verifier, grouped by severity, and a one-line summary.

The document's own checks (tables, prose) run first; then the rules extractor reads the project tables and
the record rules check every number it read (grounding, funds vs the 项目支出表, sources, indicator
arithmetic, the department-wide table, self-evaluations). Both sets of findings are listed together.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from llmextract.cli.output import console, print_json, user_errors
from llmextract.core.findings import Finding, Severity
from llmextract.core.records import ProjectRecord
from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from llmextract.tables import parse_tables
from llmextract.verify import VerificationReport, check_records, verify

_STYLES: dict[Severity, str] = {"error": "bold red", "warning": "yellow", "info": "dim"}


def verify_command(
    file: Path = typer.Argument(..., help="A disclosure: .pdf (with a text layer), .txt or .md export."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings and the summary as JSON."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for parsing a large PDF's pages (default: one per core)."
    ),
) -> None:
    """Check every table sum, cross-table equality and prose figure of one document, and every number of its
    project, department-wide and self-evaluation tables.

    Exit code 1 when an error is found (the document contradicts itself), 2 on bad input.
    """
    with user_errors():
        doc = load_document(file, page_workers=workers)
        tables = parse_tables(doc)
        checked = check_records(doc, extract_rules(doc), tables)
        report = verify(doc, tables=tables).merged(checked.report)
    if as_json:
        print_json({**report.to_dict(), "records": [_record_summary(r) for r in checked.records]})
    else:
        _print_report(report, checked.records)
    if report.has_errors:
        raise typer.Exit(1)


def _numbers(record: ProjectRecord) -> dict[str, int]:
    counts = {"verified": 0, "contradicted": 0, "not_checkable": 0}
    for check in record.number_checks.values():
        counts[check.status] += 1
    return counts


def _record_summary(record: ProjectRecord) -> dict[str, object]:
    return {
        "name": record.name,
        "kind": record.kind,
        "page": record.location.page,
        "numbers": _numbers(record),
        "number_checks": {p: c.model_dump(mode="json") for p, c in record.number_checks.items()},
    }


def _print_report(report: VerificationReport, records: list[ProjectRecord]) -> None:
    console.print(f"[bold]{report.source}[/]")
    for severity in ("error", "warning", "info"):
        findings = [f for f in report.findings if f.severity == severity]
        if findings:
            console.print(f"\n[{_STYLES[severity]}]{severity}s ({len(findings)})[/]")
            console.print(_table(findings))
    numbers = {k: sum(_numbers(r)[k] for r in records) for k in ("verified", "contradicted", "not_checkable")}
    console.print(
        f"\n{len(records)} records: {numbers['verified']} numbers verified, {numbers['contradicted']} contradicted, "
        f"{numbers['not_checkable']} not checkable"
    )
    console.print(
        f"{report.checks_run} checks run: {report.passed} passed, {report.failed} failed, "
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
        text = f.message if f.record is None or f.record in f.message else f"[{f.record}] {f.message}"
        if f.expected:
            text += f"\n  expected: {f.expected}\n  printed:  {f.actual}"
        table.add_row(page, f.rule_id, text)
    return table
