"""``run DIR --out OUT``: every supported file under DIR through the pipeline, resumable, exactly once.

The driver is one asyncio loop. CPU-bound work (parse, rules, verification) goes to the engine (process
pool or Ray); LLM calls run in the loop, sharing one client, cache and concurrency limit. Each finished
document is saved in one store transaction, keyed by (file hash, config fingerprint): a run killed at any
point and started again skips what is saved and redoes only what is not. A failing document is saved as a
failure with its error; the batch goes on. Exports are regenerated from the store at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from llmextract.batch.discover import discover
from llmextract.batch.engines import Engine
from llmextract.core.catalogue import LLM_FAILED
from llmextract.core.errors import LLMExtractError, describe_exception
from llmextract.core.usage import Usage
from llmextract.extract import Extractor, make_extractor
from llmextract.ingest import ParseCache
from llmextract.pipeline import Config, DocumentResult, aprocess
from llmextract.store import RunStore
from llmextract.store.exports import export_run


@dataclass
class DocumentEvent:
    """What the driver reports after each file (for progress displays)."""

    source: str
    status: str  # done | skipped | failed
    records: int = 0
    needs_review: int = 0
    errors: int = 0
    warnings: int = 0
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    llm_failures: int = 0


@dataclass
class BatchSummary:
    files: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    unsupported: int = 0
    outside: int = 0  # links leading out of the input directory, not followed
    records: int = 0
    needs_review: int = 0
    errors: int = 0
    warnings: int = 0
    usage: Usage = field(default_factory=Usage)
    llm_failures: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)

    def add(self, event: DocumentEvent) -> None:
        """Count a document; one skipped (done before) brings what it holds, so a resumed run's summary is the
        run's, not only this invocation's."""
        if event.status == "skipped":
            self.skipped += 1
        elif event.status == "failed":
            self.failed += 1
            self.failures.append((event.source, event.error or ""))
        else:
            self.done += 1
        self.records += event.records
        self.needs_review += event.needs_review
        self.errors += event.errors
        self.warnings += event.warnings
        self.usage = self.usage + event.usage
        self.llm_failures += event.llm_failures


Listener = Callable[[DocumentEvent], None]


def run_batch(
    root: Path,
    out: Path,
    config: Config,
    engine: Engine,
    *,
    on_start: Callable[[int], None] | None = None,
    on_document: Listener | None = None,
    csv_too: bool = False,
    xlsx_too: bool = False,
    parse_cache: bool = True,
) -> BatchSummary:
    """Process every supported file under ``root`` into the run directory ``out``. ``parse_cache``: keep parsed
    documents in the run (``out/parse-cache``) and load them from there on a rerun with other settings."""
    return asyncio.run(_run(root, out, config, engine, on_start, on_document, csv_too, xlsx_too, parse_cache))


async def _run(
    root: Path,
    out: Path,
    config: Config,
    engine: Engine,
    on_start: Callable[[int], None] | None,
    on_document: Listener | None,
    csv_too: bool,
    xlsx_too: bool,
    parse_cache: bool,
) -> BatchSummary:
    started = time.perf_counter()
    found = discover(root, exclude=out)
    files = found.supported
    summary = BatchSummary(files=len(files), unsupported=len(found.unsupported), outside=len(found.outside))
    if on_start is not None:
        on_start(len(files))
    fingerprint = config.fingerprint()
    with RunStore(out) as store:
        cache_dir = str(store.parse_cache_dir) if parse_cache else None

        def report(event: DocumentEvent) -> None:
            summary.add(event)
            if on_document is not None:
                on_document(event)

        llm: Extractor | None = None
        if config.uses_llm:
            llm = make_extractor(config.resolved_extractor, config.settings, prompt_version=config.prompt_version)
        # Bounded in flight: memory stays flat however many documents the directory holds.
        window = asyncio.Semaphore(2 * engine.workers + (config.settings.concurrency if llm else 0))
        tasks: set[asyncio.Task[None]] = set()
        try:
            for path in files:
                data = path.read_bytes()
                doc_id = hashlib.sha256(data).hexdigest()
                if store.is_done(doc_id, fingerprint):
                    report(DocumentEvent(str(path), "skipped", **store.document_counts(doc_id, fingerprint)))
                    continue
                await window.acquire()
                task = asyncio.create_task(_one(path, doc_id, config, engine, llm, store, report, cache_dir))
                tasks.add(task)
                task.add_done_callback(lambda t: (tasks.discard(t), window.release()))
            await asyncio.gather(*tasks)
        finally:
            if llm is not None:
                await llm.aclose()
        summary.exports = export_run(store, out, csv_too=csv_too, xlsx_too=xlsx_too)
    summary.seconds = time.perf_counter() - started
    return summary


async def _one(
    path: Path,
    doc_id: str,
    config: Config,
    engine: Engine,
    llm: Extractor | None,
    store: RunStore,
    report: Listener,
    cache_dir: str | None,
) -> None:
    try:
        outcome = await engine.submit(path, config, cache_dir)
        if not isinstance(outcome, DocumentResult):
            cache = ParseCache(cache_dir) if cache_dir is not None else None
            outcome = await aprocess(outcome, config, extractor=llm, cache=cache)
        result = outcome
        store.save(result, config, source=path)
    except LLMExtractError as exc:
        store.save_failure(doc_id, config, str(path), exc)
        report(DocumentEvent(str(path), "failed", error=exc.describe()))
        return
    except Exception as exc:
        store.save_failure(doc_id, config, str(path), exc)
        report(DocumentEvent(str(path), "failed", error=f"internal error ({describe_exception(exc)})"))
        return
    findings = result.all_findings
    report(
        DocumentEvent(
            str(path),
            "done",
            records=len(result.records),
            needs_review=sum(r.needs_review for r in result.records),
            errors=sum(f.severity == "error" for f in findings),
            warnings=sum(f.severity == "warning" for f in findings),
            usage=result.usage,
            llm_failures=sum(f.rule_id == LLM_FAILED for f in findings),
        )
    )
