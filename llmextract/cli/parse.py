"""``llmextract parse FILE``: what ingest and layout found in one document."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.table import Table

from llmextract.cli.output import console, print_json, user_errors
from llmextract.cli.parsing import NO_CACHE_HELP, read_document, user_cache
from llmextract.core.document import Document
from llmextract.layout import Part, detect_parts

_KIND_LABELS = {
    "section": "section",
    "budget_table": "budget table",
    "explanation": "情况说明",
    "project_table": "project table",
    "dept_table": "dept-wide table",
}


def parse_command(
    file: Path = typer.Argument(..., help="A disclosure: .pdf (with a text layer), .txt or .md export."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the document model (pages, lines, tables, parts) as JSON."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for parsing a large PDF's pages (default: one per core)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
) -> None:
    """Parse one document and summarise it: pages, tables, characters, and the parts found by title."""
    with user_errors():
        doc = read_document(file, workers=workers, cache=user_cache(no_cache))
        parts = detect_parts(doc)
    if as_json:
        data = doc.to_dict()
        data["parts"] = [
            {"kind": p.kind, "name": p.name, "title": p.title, "page": p.page, "start": p.start, "end": p.end}
            for p in parts
        ]
        print_json(data)
        return
    _print_summary(doc, parts)


def _print_summary(doc: Document, parts: list[Part]) -> None:
    counts = Counter(p.kind for p in parts)
    console.print(f"[bold]{doc.source}[/]")
    console.print(
        f"doc_id {doc.doc_id[:16]}…  {doc.kind}"
        + (f" ({doc.encoding})" if doc.encoding else "")
        + f"  pages {len(doc.pages)}  lines {len(doc.lines)}  tables {len(doc.tables)}  characters {len(doc.text):,}"
    )
    console.print("parts: " + ", ".join(f"{_KIND_LABELS[k]} {counts.get(k, 0)}" for k in _KIND_LABELS))
    for warning in doc.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    if not parts:
        console.print("no known parts found (is this a budget disclosure?)")
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("page", justify="right")
    table.add_column("part")
    table.add_column("title")
    for part in parts:
        title = part.title if len(part.title) <= 60 else part.title[:59] + "…"
        table.add_row(str(part.page), _KIND_LABELS[part.kind], title)
    console.print(table)
