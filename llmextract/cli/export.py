"""``llmextract export RUN``: regenerate a run's exports from its store."""

from __future__ import annotations

from pathlib import Path

import typer

from llmextract.cli.output import console, user_errors
from llmextract.store import RunStore
from llmextract.store.exports import export_run


def export_command(
    run: Path = typer.Argument(..., help="A run directory (the --out of `llmextract run`)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Where to write (default: the run directory)."),
    csv: bool = typer.Option(False, "--csv", help="Also write the tables as CSV (UTF-8 with BOM, for Excel)."),
    xlsx: bool = typer.Option(False, "--xlsx", help="Also write run.xlsx: projects, indicators, findings sheets."),
) -> None:
    """Write records.jsonl, findings.jsonl, errors.jsonl and projects/indicators/findings.parquet (and CSV,
    run.xlsx)."""
    with user_errors(), RunStore(run, create=False) as store:
        written = export_run(store, out or run, csv_too=csv, xlsx_too=xlsx)
    for path in written:
        console.print(str(path))
