"""``llmextract verify FILE``: the findings of the verifier, grouped by severity, and a one-line summary.

It is the pipeline with the rules extractor (``llmextract.verify(FILE)`` in Python): the document's own checks
(tables, prose) and the record rules on every number the rules extractor read (grounding, funds vs the
项目支出表, sources, indicator arithmetic, the department-wide table, self-evaluations), listed together.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from llmextract.cli.output import console, print_json, user_errors
from llmextract.cli.parsing import NO_CACHE_HELP, read_document, user_cache
from llmextract.core.findings import Finding, Severity
from llmextract.core.records import ProjectRecord
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.settings import ExtractorKind

_STYLES: dict[Severity, str] = {"error": "bold red", "warning": "yellow", "info": "dim"}


def verify_command(
    file: Path = typer.Argument(..., help="A disclosure: .pdf (with a text layer), .txt or .md export."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings and the summary as JSON."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for parsing a large PDF's pages (default: one per core)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
) -> None:
    """Check every table sum, cross-table equality and prose figure of one document, and every number of its
    project, department-wide and self-evaluation tables.

    Exit code 1 when an error is found (the document contradicts itself), 2 on bad input.
    """
    with user_errors():
        cache = user_cache(no_cache)
        doc = read_document(file, workers=workers, cache=cache)
        result = process(doc, Config(extractor=ExtractorKind.rules), cache=cache)
    records = [r.record for r in result.records]
    if as_json:
        print_json({**_summary(result), "records": [_record_summary(r) for r in records]})
    else:
        _print_report(result, records)
    if result.count("error"):
        raise typer.Exit(1)


def _summary(result: DocumentResult) -> dict[str, object]:
    c = result.checks
    return {
        "doc_id": result.doc.doc_id,
        "source": result.doc.source,
        "summary": {
            "checks_run": c.run,
            "passed": c.passed,
            "failed": c.failed,
            "not_checkable": c.not_checkable,
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "info": result.count("info"),
        },
        "findings": [f.model_dump(mode="json") for f in result.all_findings],
    }


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


def _print_report(result: DocumentResult, records: list[ProjectRecord]) -> None:
    console.print(f"[bold]{result.doc.source}[/]")
    names = {r.record_id: r.name for r in records}
    for severity in ("error", "warning", "info"):
        findings = [f for f in result.all_findings if f.severity == severity]
        if findings:
            console.print(f"\n[{_STYLES[severity]}]{severity}s ({len(findings)})[/]")
            console.print(_table(findings, names))
    numbers = {k: sum(_numbers(r)[k] for r in records) for k in ("verified", "contradicted", "not_checkable")}
    console.print(
        f"\n{len(records)} records: {numbers['verified']} numbers verified, {numbers['contradicted']} contradicted, "
        f"{numbers['not_checkable']} not checkable"
    )
    c = result.checks
    console.print(
        f"{c.run} checks run: {c.passed} passed, {c.failed} failed, {c.not_checkable} not checkable "
        f"({result.count('error')} errors, {result.count('warning')} warnings, {result.count('info')} info)"
    )


def _table(findings: list[Finding], names: dict[str, str]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("page", justify="right")
    table.add_column("rule")
    table.add_column("finding")
    for f in findings:
        page = str(f.locations[0].page) if f.locations else ""
        name = names.get(f.record_id or "")
        text = f.message if not name or name in f.message else f"[{name}] {f.message}"
        if f.expected:
            text += f"\n  expected: {f.expected}\n  printed:  {f.actual}"
        table.add_row(page, f.rule_id, text)
    return table
