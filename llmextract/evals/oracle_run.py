"""Eval suites against the oracle test server (a TEST DOUBLE): the ceiling of the LLM path, its fault
tolerance and its catching of wrong numbers.

A suite with ``oracle: {faults: 0.3, plant: true, seed: 1, slow: 2.5}`` runs every document up to three times
against :class:`~llmextract.evals.oracle_server.OracleServer`:

1. clean: the server answers every request as a perfect model would; the records are scored against the gold
   like any other run (the ceiling of regions, chunking, output budget, grounding, assembling and pairing);
2. with ``faults``: that share of responses is a transport fault; every record must come out as in the clean
   run (``records_changed`` counts those that did not);
3. with ``plant`` (hybrid suites): each record's reply carries one wrong number; each must come out as a
   ``hybrid.disagreement`` on that field with the record routed to review (``caught``), unless the rules reader
   has no reading of that field to compare (``one_reader``: the number is kept with "one reader" evidence).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from llmextract.core.alignment import normalise
from llmextract.core.catalogue import HYBRID_DISAGREEMENT
from llmextract.core.document import Document
from llmextract.core.numbers import try_decimal
from llmextract.evals.gold import GoldRecord
from llmextract.evals.oracle_server import MODEL, OracleServer, Plant
from llmextract.evals.suite import Suite
from llmextract.pipeline import Config, DocumentResult, RecordResult, process
from llmextract.settings import ExtractorKind, Settings

ORACLE_KEY = "oracle-test-double"  # sent as the API key: the test double needs none


@contextmanager
def oracle_server(suite: Suite) -> Iterator[OracleServer | None]:
    if suite.oracle is None:
        yield None
        return
    with OracleServer(seed=int(suite.oracle.get("seed", 0)), slow=float(suite.oracle.get("slow", 0))) as server:
        yield server


def oracle_config(suite: Suite, server: OracleServer) -> Config:
    settings = Settings(
        base_url=server.base_url, api_key=ORACLE_KEY, model=MODEL, mode=suite.mode or "tools", cache_path=None
    )
    settings = replace(settings, **suite.llm)
    return Config(extractor=ExtractorKind(suite.extractor), settings=settings, review_threshold=suite.review_threshold)


def run_oracle_document(
    suite: Suite, config: Config, server: OracleServer, doc: Document, gold: list[GoldRecord]
) -> tuple[DocumentResult, dict[str, Any]]:
    """The clean result (scored by the caller) and what the fault and plant runs showed."""
    assert suite.oracle is not None
    server.prepare(doc, gold)
    clean = process(doc, config)
    counts: Counter[str] = Counter(
        requests=server.stats.requests,
        cut_replies=server.stats.cut,
        unplaced_gold_items=server.unplaced,
        gold_records_never_asked=server.never_answered,
        # A chunk's record that continues a project printed before it and was never merged with it.
        records_without_name=sum(1 for r in clean.records if not r.record.name.strip()),
    )
    faults = float(suite.oracle.get("faults", 0))
    if faults:
        server.prepare(doc, gold, faults=faults)
        faulty = process(doc, config)
        counts["fault_requests"] = server.stats.requests
        counts["faults_injected"] = sum(server.stats.faults.values())
        counts["records_compared"] = len(clean.records)
        counts["records_changed_by_faults"] = _changed(clean, faulty)
    if suite.oracle.get("plant") and config.resolved_extractor is ExtractorKind.hybrid:
        server.prepare(doc, gold, plant=True)
        planted = process(doc, config)
        counts.update(check_plants(planted, list(server.plants.values())))
    return clean, dict(counts)


def _changed(clean: DocumentResult, other: DocumentResult) -> int:
    a = [r.record.model_dump(mode="json") for r in clean.records]
    b = [r.record.model_dump(mode="json") for r in other.records]
    return sum(1 for x, y in zip(a, b, strict=False) if x != y) + abs(len(a) - len(b))


def check_plants(result: DocumentResult, plants: list[Plant]) -> Counter[str]:
    """How each wrong number the oracle sent came out of the hybrid reading."""
    out: Counter[str] = Counter()
    for plant in plants:
        if not plant.delivered:
            out["plants_not_delivered"] += 1
            continue
        out["plants"] += 1
        out[_outcome(result, plant)] += 1
    return out


def _outcome(result: DocumentResult, plant: Plant) -> str:
    for scored in result.records:
        for path, agreement in scored.record.agreement.items():
            if not _carries(plant, str(path), agreement.llm):
                continue
            if agreement.status == "disagreed":
                flagged = any(f.rule_id == HYBRID_DISAGREEMENT and path in f.fields for f in scored.record.findings)
                return "plants_caught" if flagged and scored.needs_review else "plants_missed"
            if agreement.status in ("llm_only", "rules_only"):
                return "plants_one_reader_reviewed" if scored.needs_review else "plants_one_reader"
            return "plants_missed"
    return "plants_missed" if _record_of(result, plant) is not None else "plants_record_not_read"


def _carries(plant: Plant, path: str, llm: str | None) -> bool:
    if llm is None:
        return False
    if plant.field == "funding.annual_total":
        return path == "funding.annual_total" and try_decimal(llm) == try_decimal(plant.planted)
    return path.endswith(".value_raw") and normalise(llm) == normalise(plant.planted)


def _record_of(result: DocumentResult, plant: Plant) -> RecordResult | None:
    name = normalise(plant.name)
    return next((r for r in result.records if normalise(r.record.name) == name), None)
