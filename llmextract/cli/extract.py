"""``llmextract extract FILE``: the verified, scored project records of one document."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from llmextract.cli.output import console, err_console, print_json, user_errors
from llmextract.cli.parsing import read_document, user_cache
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.settings import MODES, ExtractorKind, resolve_settings, without_cache
from llmextract.store import RunStore
from llmextract.store.exports import export_run


def extract_command(
    file: Path = typer.Argument(..., help="A disclosure: .pdf (with a text layer), .txt or .md export."),
    extractor: ExtractorKind = typer.Option(
        ExtractorKind.auto,
        "--extractor",
        help="rules (deterministic), llm, or hybrid (both, compared). auto: hybrid when an LLM endpoint is "
        "configured, else rules.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Save as a run in DIR (run.sqlite, exports) for `llmextract review DIR`."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the records as a JSON array."),
    config_file: Path | None = typer.Option(None, "--config", help="TOML file with LLM settings and prices."),
    model: str | None = typer.Option(None, "--model", help="LLM model (overrides LLMEXTRACT_MODEL)."),
    mode: str | None = typer.Option(None, "--mode", help=f"instructor mode: {' | '.join(MODES)}."),
    threshold: float = typer.Option(
        DEFAULT_THRESHOLD, "--review-threshold", min=0, max=1, help="Records below this confidence need review."
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Parse the file again and ask the LLM again instead of using cached results."
    ),
) -> None:
    """Extract, ground, verify and score a record for every project target table (and department-wide and
    self-evaluation table) of one document.

    Exit code 0 when the document was read, 1 when a part of it could not be read (an LLM region, a block,
    a table or a rule failed: see the failures listed; everything else is kept), 2 on bad
    input or settings.
    """
    with user_errors():
        settings = resolve_settings(config_file, model=model, mode=mode)
        if no_cache:
            settings = without_cache(settings)
        config = Config(extractor=extractor, settings=settings, review_threshold=threshold)
        if extractor is ExtractorKind.auto and not config.uses_llm:
            err_console.print(
                "no LLM endpoint configured (LLMEXTRACT_BASE_URL, LLMEXTRACT_MODEL): using the rules extractor",
                soft_wrap=True,
            )
        cache = user_cache(no_cache)
        result = process(read_document(file, workers=config.page_workers, cache=cache), config, cache=cache)
        if out is not None:
            _save_run(out, file, result, config)
    if as_json:
        print_json([r.record.model_dump(mode="json") | {"needs_review": r.needs_review} for r in result.records])
    else:
        _print_summary(result, config)
    if result.failures:
        raise typer.Exit(1)


def _save_run(out: Path, file: Path, result: DocumentResult, config: Config) -> None:
    with RunStore(out) as store:
        store.save(result, config, source=file)
        export_run(store, out)
    err_console.print(f"saved the run in {out}/ (review it with `llmextract review {out}`)", soft_wrap=True)


def _print_summary(result: DocumentResult, config: Config) -> None:
    records = result.records
    console.print(f"[bold]{result.doc.source}[/]  extractor {result.extractor}  records {len(records)}")
    if not records:
        console.print("no project target tables found")
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for name in ("page", "kind", "name", "年度资金", "indicators", "numbers ✓/✗/?", "confidence", ""):
        table.add_column(name, justify="left" if name in ("kind", "name", "") else "right")
    for s in records:
        r = s.record
        funds = r.funding.annual_total
        amount = f"{funds} {r.funding.unit or ''}".strip() if funds is not None else "—"
        statuses = [c.status for c in r.number_checks.values()]
        numbers = f"{statuses.count('verified')}/{statuses.count('contradicted')}/{statuses.count('not_checkable')}"
        name = r.name if len(r.name) <= 30 else r.name[:29] + "…"
        flag = "[yellow]review[/]" if s.needs_review else ""
        table.add_row(str(r.location.page), r.kind, name, amount, str(len(r.indicators)), numbers,
                      f"{s.confidence:.2f}", flag)  # fmt: skip
    console.print(table)
    findings = result.all_findings
    errors = [f for f in findings if f.severity == "error"]
    warnings = sum(f.severity == "warning" for f in findings)
    for f in errors:
        console.print(f"[bold red]error[/] {f.rule_id}: {f.message}", soft_wrap=True)
        if f.expected:
            console.print(f"      expected {f.expected}; printed {f.actual}", soft_wrap=True)
    review = sum(s.needs_review for s in records)
    console.print(
        f"{len(records)} records, {review} to review (confidence < {config.review_threshold}) · "
        f"{len(errors)} errors · {warnings} warnings · run `llmextract verify` for every check"
    )
    u = result.usage
    if u.requests or u.cached:
        cost = "unknown" if u.cost is None else f"{u.cost:.4f}"
        console.print(
            f"LLM: {u.requests} requests ({u.cached} cached), {u.prompt_tokens:,} prompt + "
            f"{u.completion_tokens:,} completion tokens, cost {cost}"
        )
    for failure in result.failures:
        page = f" (page {failure.locations[0].page})" if failure.locations else ""
        console.print(f"[yellow]{failure.rule_id}[/]{page}: {failure.message}", soft_wrap=True)
