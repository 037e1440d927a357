"""Run a suite: every document through the pipeline, scored against its gold, its verifier mutation-tested.

The report is a plain dict (it is written as JSON as is): ``summary`` holds the rates over all documents
(micro-averaged: counts are summed first), ``documents`` the same rates per document with the raw counts.

A suite that names a ``cassette`` runs its LLM calls inside ``vcr.use_cassette``: with record_mode ``none``
every call is answered from the cassette (no server, no key, no response cache) and a cassette that no longer
matches the requests (a changed prompt, schema or setting) is an error, not a silent fallback to the rules.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from llmextract import __version__
from llmextract.core.catalogue import LLM_FAILED, READING_RULES
from llmextract.evals.metrics import score_extraction, score_verifier
from llmextract.evals.mutation_eval import run_mutations
from llmextract.evals.signals import read_signals
from llmextract.evals.suite import Suite, SuiteDocument, SuiteError
from llmextract.evals.tally import DEFINITIONS, TOLERANCES, Tally, rates
from llmextract.ingest import load_document
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.settings import ExtractorKind, resolve_settings

GoldLoader = Callable[[Path], Any]
# Replay sends no key; the recorded headers never hold one (see _CASSETTE_OPTIONS).
REPLAY_KEY = "cassette-replay"
_CASSETTE_OPTIONS = {
    "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization"],
    "match_on": ["method", "scheme", "host", "port", "path", "body"],
    "decode_compressed_response": True,
}


def _default_gold_loader(path: Path) -> Any:
    from llmextract.evals.gold import load_gold  # written alongside the gold annotations

    return load_gold(path)


def suite_config(suite: Suite) -> Config:
    if suite.extractor == ExtractorKind.rules:
        return Config(extractor=ExtractorKind.rules, review_threshold=suite.review_threshold)
    settings = resolve_settings(model=suite.model, mode=suite.mode, **suite.llm)
    if suite.cassette is not None:
        # No response cache: a cached answer would be neither recorded nor replayed. Replay needs no key.
        key = settings.api_key if suite.record_mode != "none" and settings.api_key else REPLAY_KEY
        settings = replace(settings, cache_path=None, api_key=key)
    return Config(extractor=ExtractorKind(suite.extractor), settings=settings, review_threshold=suite.review_threshold)


def run_suite(
    suite: Suite,
    *,
    gold_loader: GoldLoader = _default_gold_loader,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    started = time.perf_counter()
    documents = []
    total = Tally()
    by_kind: dict[str, Tally] = {}
    by_split: dict[str, Tally] = {}
    cassette: dict[str, Any] = {}
    oracle_counts: dict[str, Counter[str]] = {}
    with _cassette(suite, cassette), _oracle_server(suite) as oracle:
        config = suite_config(suite) if oracle is None else _oracle_config(suite, oracle)
        for entry in suite.documents:
            has_gold = entry.gold is not None and entry.gold.is_file()
            if entry.require_gold and not has_gold:
                documents.append({"source": entry.path.name, "skipped": f"no gold file {entry.gold}"})
                continue
            if progress:
                progress(entry.path.name)
            tally, extra = _run_document(suite, config, entry, gold_loader if has_gold else None, oracle)
            total += tally
            kind = by_kind.setdefault(extra["kind"], Tally())
            kind += tally
            if extra.get("split"):
                split = by_split.setdefault(extra["split"], Tally())
                split += tally
            if "oracle" in extra:
                _add_oracle(oracle_counts, extra, rates(tally))
            documents.append({"source": entry.path.name, **extra, "metrics": rates(tally), "counts": tally.to_dict()})
    summary = rates(total)
    if oracle_counts:
        summary["oracle"] = {k: dict(sorted(v.items())) for k, v in sorted(oracle_counts.items())}
    summary["wall_time_s"] = round(time.perf_counter() - started, 2)
    # The mutation target is stated for the seeds (text exports): show them apart from the PDFs.
    summary["mutation_by_document_kind"] = {k: rates(t)["mutation"] for k, t in sorted(by_kind.items())}
    # Gold documents never looked at while tuning (held_out) against those the readers were tuned on.
    summary["by_split"] = {k: rates(t) for k, t in sorted(by_split.items())}
    return {
        "tool_version": __version__,
        "suite": suite.describe(),
        "model": config.settings.model if config.resolved_extractor != "rules" else None,
        "definitions": DEFINITIONS,
        "tolerances": TOLERANCES,
        "summary": summary,
        "cassette": cassette or None,
        "documents": documents,
    }


@contextmanager
def _cassette(suite: Suite, info: dict[str, Any]) -> Iterator[None]:
    """Run the body inside the suite's cassette, if it names one; ``info`` receives what was replayed."""
    if suite.cassette is None or suite.extractor == "rules":
        yield
        return
    try:
        import vcr  # only suites with a cassette need vcrpy (it comes with the dev extra)
    except ImportError:
        raise SuiteError(
            "this suite replays a cassette and needs vcrpy", hint="pip install vcrpy", path=str(suite.path)
        ) from None
    path = suite.cassette
    if suite.record_mode == "none" and not path.is_file():
        raise SuiteError(
            f"cassette not found: {path}",
            hint="record it against the suite's base_url with: llmextract eval SUITE --record-mode once",
            path=str(suite.path),
        )
    seen: set[tuple[str, str, Any]] = set()

    def note(request: Any) -> Any:  # every request the run sends, as matching sees it
        seen.add(_request_key(request))
        return request

    recorder = vcr.VCR(record_mode=suite.record_mode, before_record_request=note, **_CASSETTE_OPTIONS)
    with recorder.use_cassette(str(path)) as tape:
        loaded = len(tape.data)
        yield
    unmatched = seen - {_request_key(r) for r in tape.requests}
    info |= {
        "file": str(path),
        "record_mode": suite.record_mode,
        "interactions": len(tape.data),
        "played": tape.play_count,
        "recorded": len(tape.data) - loaded,
        "unmatched": len(unmatched),
    }
    if suite.record_mode == "none" and (unmatched or not tape.all_played):
        raise SuiteError(
            f"the cassette no longer matches the requests: {tape.play_count} of {len(tape.data)} recorded calls "
            f"were replayed, {len(unmatched)} request(s) are not in it",
            hint="the prompt, schema, LLM settings or documents changed: delete the cassette and re-record it with "
            "--record-mode once against the suite's base_url",
            path=str(path),
        )


def _request_key(request: Any) -> tuple[str, str, Any]:
    return (request.method, request.uri, request.body)


def _run_document(
    suite: Suite, config: Config, entry: SuiteDocument, gold_loader: GoldLoader | None, oracle: Any = None
) -> tuple[Tally, dict[str, Any]]:
    started = time.perf_counter()
    oracle_counts: dict[str, Any] | None = None
    if oracle is None:
        result = process(load_document(entry.path), config)
    else:
        if gold_loader is None or entry.gold is None:
            raise SuiteError(f"an oracle suite needs gold for every document: {entry.path.name} has none")
        from llmextract.evals.oracle_run import run_oracle_document

        records = gold_loader(entry.gold).records
        result, oracle_counts = run_oracle_document(suite, config, oracle, load_document(entry.path), records)
    tally = Tally(wall_time_s=time.perf_counter() - started)
    tally.usage = result.usage
    extra: dict[str, Any] = {
        "kind": result.doc.kind,
        "gold": str(entry.gold) if gold_loader else None,
        "records": len(result.records),
        "pages": len(result.doc.pages),
        "seconds": round(tally.wall_time_s, 2),
        "errors": result.count("error"),
        "signals": read_signals(result.doc).to_dict(),
        # LLM and hybrid runs: blocks whose LLM reading failed (hybrid keeps the rules reading for them).
        "llm_failures": sum(f.rule_id == LLM_FAILED for f in result.all_findings),
    }
    if oracle_counts is not None:
        extra["oracle"] = oracle_counts
    if gold_loader is not None:
        assert entry.gold is not None
        gold = gold_loader(entry.gold)
        extra["missed_inconsistencies"] = _score_against_gold(result, gold, tally)
        extra["split"] = getattr(gold, "split", "in_sample")
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


@contextmanager
def _oracle_server(suite: Suite) -> Iterator[Any]:
    """The oracle test server of an oracle suite (imported only then: it loads the LLM stack), else None."""
    if suite.oracle is None:
        yield None
        return
    from llmextract.evals.oracle_run import oracle_server

    with oracle_server(suite) as server:
        yield server


def _oracle_config(suite: Suite, server: Any) -> Config:
    from llmextract.evals.oracle_run import oracle_config

    return oracle_config(suite, server)


# A document's project recall and indicator F1 both reach this in an oracle run, or it is counted below it.
ORACLE_FLOOR = 0.98


def _add_oracle(totals: dict[str, Counter[str]], extra: dict[str, Any], metrics: dict[str, Any]) -> None:
    """Oracle counts summed per split (in_sample / held_out) and over all documents; documents whose recall
    or indicator F1 is below the floor are counted, not named (the held-out ones must not be looked at)."""
    counts = Counter(extra["oracle"])
    counts["documents"] = 1
    recall, f1 = metrics["projects"]["recall"], metrics["indicators"]["f1"]
    counts["documents_below_floor"] = int(any(v is not None and v < ORACLE_FLOOR for v in (recall, f1)))
    for key in ("all", extra.get("split") or "no_gold"):
        totals.setdefault(key, Counter()).update(counts)


def _plain(item: Any) -> dict[str, Any]:
    """Gold items as dicts: ``load_gold`` gives pydantic models, hand-built test gold gives dicts."""
    return item.model_dump(mode="json") if hasattr(item, "model_dump") else dict(item)


def _score_against_gold(result: DocumentResult, gold: Any, tally: Tally) -> list[str]:
    predicted = [s.record.model_dump(mode="json") for s in result.records]
    confidence = [(s.confidence, s.needs_review) for s in result.records]
    extraction = score_extraction([_plain(r) for r in gold.records], predicted, confidence)
    tally.extraction += extraction
    inconsistencies = [_plain(i) for i in gold.inconsistencies]
    claims = [f for f in result.all_findings if f.rule_id not in READING_RULES]
    verifier = score_verifier(result.doc, inconsistencies, claims)
    tally.verifier += verifier
    return verifier.missed
