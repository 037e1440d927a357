"""``llmextract run DIR --out OUT``: a resumable batch over a directory, with progress and a summary."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from llmextract.batch import BatchSummary, DocumentEvent, Engine, LocalEngine, RayEngine, run_batch
from llmextract.cli.output import console, err_console, user_errors
from llmextract.core.errors import InputPathError
from llmextract.pipeline import Config
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.settings import ExtractorKind, resolve_settings, without_cache


class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


def run_command(
    directory: Path = typer.Argument(..., help="Folder with disclosures (.pdf, .txt, .md), searched recursively."),
    out: Path = typer.Option(..., "--out", "-o", help="Run directory: run.sqlite, sources/ and the exports."),
    extractor: ExtractorKind = typer.Option(
        ExtractorKind.auto, "--extractor", help="auto: hybrid when an LLM endpoint is configured, else rules."
    ),
    engine: EngineChoice = typer.Option(EngineChoice.local, "--engine", help="local process pool, or ray."),
    address: str | None = typer.Option(
        None, "--address", help='Ray cluster to join ("auto", "ray://head:10001"); default: a local Ray.'
    ),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Parallel documents (default: one per core)."),
    threshold: float = typer.Option(
        DEFAULT_THRESHOLD, "--review-threshold", min=0, max=1, help="Records below this confidence go to review."
    ),
    config_file: Path | None = typer.Option(None, "--config", help="TOML file with LLM settings and prices."),
    rpm: float | None = typer.Option(None, "--requests-per-minute", min=0.001, help="Cap on LLM requests per minute."),
    tpm: float | None = typer.Option(None, "--tokens-per-minute", min=1, help="Cap on LLM tokens per minute."),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Parse every file again (no OUT/parse-cache) and ask the LLM again instead of using cached replies.",
    ),
    csv: bool = typer.Option(False, "--csv", help="Also write the tables as CSV (UTF-8 with BOM, for Excel)."),
    xlsx: bool = typer.Option(False, "--xlsx", help="Also write run.xlsx: projects, indicators, findings sheets."),
) -> None:
    """Process every supported file under DIR; rerun the same command to resume after an interruption.

    Exit code 1 when any document failed (see OUT/errors.jsonl), 0 otherwise.
    """
    with user_errors():
        if not directory.exists():
            raise InputPathError("no such directory", hint="check the path", path=str(directory))
        if not directory.is_dir():
            raise InputPathError(
                "not a directory", hint="use `llmextract extract FILE` for one file", path=str(directory)
            )
        settings = resolve_settings(config_file, requests_per_minute=rpm, tokens_per_minute=tpm)
        if no_cache:
            settings = without_cache(settings)
        config = Config(extractor=extractor, settings=settings, review_threshold=threshold)
        if not config.uses_llm and extractor is ExtractorKind.auto:
            err_console.print("no LLM endpoint configured: using the rules extractor", soft_wrap=True)
        pool: Engine = RayEngine(address, workers) if engine is EngineChoice.ray else LocalEngine(workers)
        try:
            summary = _run_with_progress(directory, out, config, pool, csv, xlsx, not no_cache)
        finally:
            pool.close()
    _print_summary(summary, out)
    raise typer.Exit(1 if summary.failed else 0)


def _run_with_progress(
    directory: Path, out: Path, config: Config, engine: Engine, csv: bool, xlsx: bool, parse_cache: bool
) -> BatchSummary:
    interactive = err_console.is_terminal
    progress = Progress(
        TextColumn("[bold]documents"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        disable=not interactive,
    )
    totals = {"records": 0, "review": 0, "errors": 0, "failed": 0, "tokens": 0, "cost": 0}
    task_id = progress.add_task("run", total=None, stats="")

    def on_start(n: int) -> None:
        progress.update(task_id, total=n)

    def on_document(event: DocumentEvent) -> None:
        totals["records"] += event.records
        totals["review"] += event.needs_review
        totals["errors"] += event.errors
        totals["failed"] += event.status == "failed"
        totals["tokens"] += event.usage.total_tokens
        totals["cost"] += event.usage.cost or 0
        stats = (
            f"projects {totals['records']} · to review {totals['review']} · errors {totals['errors']} · "
            f"failed {totals['failed']} · tokens {totals['tokens']:,} · cost {totals['cost']:.4f}"
        )
        progress.update(task_id, advance=1, stats=stats)
        if not interactive:
            line = f"{event.status:<7} {event.source}"
            if event.status == "done":
                line += f"  records {event.records}, to review {event.needs_review}, errors {event.errors}"
            elif event.error:
                line += f"  {event.error}"
            err_console.print(line, soft_wrap=True, markup=False, highlight=False)

    with progress:
        return run_batch(
            directory,
            out,
            config,
            engine,
            on_start=on_start,
            on_document=on_document,
            csv_too=csv,
            xlsx_too=xlsx,
            parse_cache=parse_cache,
        )


def _print_summary(s: BatchSummary, out: Path) -> None:
    console.print(
        f"{s.files} files: {s.done} processed, {s.skipped} already done, {s.failed} failed"
        + (f", {s.unsupported} unsupported skipped" if s.unsupported else "")
        + (f", {s.outside} links out of the folder not followed" if s.outside else "")
        + f" in {s.seconds:.1f}s"
    )
    console.print(
        f"{s.records} records ({s.needs_review} to review) · {s.errors} errors · {s.warnings} warnings · "
        f"LLM calls {s.usage.requests} (cached {s.usage.cached}) · tokens {s.usage.total_tokens:,}"
        + (f" · cost {s.usage.cost:.4f}" if s.usage.cost else "")
        + (f" · {s.llm_failures} LLM blocks failed (their rules reading is kept)" if s.llm_failures else "")
    )
    for source, error in s.failures:
        console.print(f"[red]failed[/] {source}: {error}", soft_wrap=True)
    console.print(f"outputs in {out}/ (records.jsonl, findings.jsonl, errors.jsonl, *.parquet)")
