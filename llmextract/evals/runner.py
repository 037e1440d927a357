"""Run a suite: every document through the pipeline, scored against its gold, its verifier mutation-tested.

The report is a plain dict (it is written as JSON as is): ``summary`` holds the rates over all documents
(micro-averaged: counts are summed first), ``documents`` the same rates per document with the raw counts.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from llmextract import __version__
from llmextract.evals.metrics import score_extraction, score_verifier
from llmextract.evals.mutation_eval import run_mutations
from llmextract.evals.suite import Suite, SuiteDocument
from llmextract.evals.tally import DEFINITIONS, TOLERANCES, Tally, rates
from llmextract.pipeline import Config, DocumentResult, ExtractorChoice, process
from llmextract.settings import resolve_settings

GoldLoader = Callable[[Path], Any]


def _default_gold_loader(path: Path) -> Any:
    from llmextract.evals.gold import load_gold  # written alongside the gold annotations

    return load_gold(path)


def suite_config(suite: Suite) -> Config:
    settings = resolve_settings(model=suite.model, mode=suite.mode) if suite.extractor != "rules" else None
    if settings is None:
        return Config(extractor="rules", review_threshold=suite.review_threshold)
    extractor = cast(ExtractorChoice, suite.extractor)
    return Config(extractor=extractor, settings=settings, review_threshold=suite.review_threshold)


def run_suite(
    suite: Suite,
    *,
    gold_loader: GoldLoader = _default_gold_loader,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    config = suite_config(suite)
    started = time.perf_counter()
    documents = []
    total = Tally()
    by_kind: dict[str, Tally] = {}
    for entry in suite.documents:
        has_gold = entry.gold is not None and entry.gold.is_file()
        if entry.require_gold and not has_gold:
            documents.append({"source": entry.path.name, "skipped": f"no gold file {entry.gold}"})
            continue
        if progress:
            progress(entry.path.name)
        tally, extra = _run_document(suite, config, entry, gold_loader if has_gold else None)
        total += tally
        kind = by_kind.setdefault(extra["kind"], Tally())
        kind += tally
        documents.append({"source": entry.path.name, **extra, "metrics": rates(tally), "counts": tally.to_dict()})
    summary = rates(total)
    summary["wall_time_s"] = round(time.perf_counter() - started, 2)
    # The mutation target is stated for the seeds (text exports): show them apart from the PDFs.
    summary["mutation_by_document_kind"] = {k: rates(t)["mutation"] for k, t in sorted(by_kind.items())}
    return {
        "tool_version": __version__,
        "suite": suite.describe(),
        "model": config.settings.model if config.resolved_extractor != "rules" else None,
        "definitions": DEFINITIONS,
        "tolerances": TOLERANCES,
        "summary": summary,
        "documents": documents,
    }


def _run_document(
    suite: Suite, config: Config, entry: SuiteDocument, gold_loader: GoldLoader | None
) -> tuple[Tally, dict[str, Any]]:
    started = time.perf_counter()
    result = process(entry.path, config)
    tally = Tally(wall_time_s=time.perf_counter() - started)
    tally.add_usage(result.usage)
    extra: dict[str, Any] = {
        "kind": result.doc.kind,
        "gold": str(entry.gold) if gold_loader else None,
        "records": len(result.records),
    }
    if gold_loader is not None:
        assert entry.gold is not None
        gold = gold_loader(entry.gold)
        extra["missed_inconsistencies"] = _score_against_gold(result, gold, tally)
    if suite.mutation_count:
        # A seed per document, so adding a document to a suite does not change the others' mutations.
        seed = suite.mutation_seed ^ zlib.crc32(entry.path.name.encode())
        outcomes = run_mutations(result.doc, suite.mutation_count, seed)
        tally.add_mutations(outcomes)
        extra["undetected_mutations"] = [
            {
                "kind": o.mutation.kind,
                "area": o.mutation.area,
                "offset": o.mutation.edits[0].start,
                "before": o.mutation.before,
                "after": o.mutation.after,
                "detected": o.detected,
                "within_tolerance": o.mutation.within_tolerance,
            }
            for o in outcomes
            if not o.located
        ]
    return tally, extra


def _plain(item: Any) -> dict[str, Any]:
    """Gold items as dicts: ``load_gold`` gives pydantic models, hand-built test gold gives dicts."""
    return item.model_dump(mode="json") if hasattr(item, "model_dump") else dict(item)


def _score_against_gold(result: DocumentResult, gold: Any, tally: Tally) -> list[str]:
    predicted = [s.record.model_dump(mode="json") for s in result.records]
    confidence = [(s.confidence, s.needs_review) for s in result.records]
    extraction = score_extraction([_plain(r) for r in gold.records], predicted, confidence)
    tally.add_extraction(extraction)
    inconsistencies = [_plain(i) for i in gold.inconsistencies]
    verifier = score_verifier(result.doc, inconsistencies, result.report.findings)
    tally.add_verifier(verifier)
    return verifier.missed
