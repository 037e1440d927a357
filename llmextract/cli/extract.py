"""``llmextract extract FILE``: the project records of one document."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from llmextract.cli.output import console, err_console, print_json, user_errors
from llmextract.core.records import ProjectRecord
from llmextract.extract import default_extractor, extract_records
from llmextract.ingest import load_document
from llmextract.settings import resolve_settings


class ExtractorChoice(StrEnum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"


def extract_command(
    file: Path = typer.Argument(..., help="A disclosure: .pdf (with a text layer), .txt or .md export."),
    extractor: ExtractorChoice | None = typer.Option(
        None,
        "--extractor",
        help="rules (deterministic), llm, or hybrid (both, compared). Default: hybrid when an LLM endpoint "
        "is configured, else rules.",
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the records to DIR/<file stem>.records.jsonl."),
    as_json: bool = typer.Option(False, "--json", help="Print the records as a JSON array."),
) -> None:
    """Extract a typed record from every project target table (and department-wide / self-evaluation table)."""
    with user_errors():
        settings = resolve_settings()
        name = extractor.value if extractor is not None else default_extractor(settings)
        if extractor is None and not settings.configured:
            err_console.print(
                "no LLM endpoint configured (LLMEXTRACT_BASE_URL, LLMEXTRACT_MODEL): using the rules extractor",
                soft_wrap=True,
            )
        doc = load_document(file)
        records = extract_records(doc, name, settings)
        if out is not None:
            _write_jsonl(out, file, records)
    if as_json:
        print_json([r.model_dump(mode="json") for r in records])
        return
    _print_summary(doc.source, name, records)


def _write_jsonl(out: Path, file: Path, records: list[ProjectRecord]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{file.stem}.records.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    err_console.print(f"wrote {len(records)} records to {path}")


def _print_summary(source: str, extractor: str, records: list[ProjectRecord]) -> None:
    console.print(f"[bold]{source}[/]  extractor {extractor}  records {len(records)}")
    if not records:
        console.print("no project target tables found")
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("page", justify="right")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("年度资金", justify="right")
    table.add_column("indicators", justify="right")
    for r in records:
        funds = r.funding.annual_total
        amount = f"{funds} {r.funding.unit or ''}".strip() if funds is not None else "—"
        name = r.name if len(r.name) <= 40 else r.name[:39] + "…"
        table.add_row(str(r.location.page), r.kind, name, amount, str(len(r.indicators)))
    console.print(table)
