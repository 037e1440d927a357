"""One document through the whole pipeline: parse → extract (rules / LLM / hybrid) → verify → score.

The work is split where its nature changes, so a batch can put each part where it runs best:

- :func:`prepare` is CPU-bound and deterministic (parse, document verifier, rules extractor): batch workers
  run it in a process pool.
- :func:`read_with_llm` is I/O-bound: one async LLM call per project block, sharing one client, cache and
  concurrency limit across all documents of a run.
- :func:`finish` grounds and checks every record and scores it; cheap, run where the results are stored.

:func:`process` chains the three for one file (the ``extract`` command and the Python API).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from llmextract import __version__
from llmextract.core.document import Document
from llmextract.core.errors import ConfigError
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.extract.llm.extractors import read_with
from llmextract.extract.llm.hybrid import FieldAgreement
from llmextract.extract.llm.runner import LLMExtractor
from llmextract.extract.llm.usage import Usage
from llmextract.extract.prompts import DEFAULT_PROMPT
from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from llmextract.score import DEFAULT_THRESHOLD, needs_review
from llmextract.score.confidence import FieldEvidence, record_confidence
from llmextract.score.evidence import record_evidence
from llmextract.settings import Settings
from llmextract.tables import BudgetTable, parse_tables
from llmextract.verify import VerificationReport, verify
from llmextract.verify.records import check_records

ExtractorChoice = Literal["auto", "rules", "llm", "hybrid"]


@dataclass(frozen=True)
class Config:
    """Everything that decides what a run produces. Frozen: a run's fingerprint is a hash of it."""

    extractor: ExtractorChoice = "auto"
    settings: Settings = field(default_factory=Settings)
    review_threshold: float = DEFAULT_THRESHOLD
    page_workers: int | None = None
    prompt_version: str = DEFAULT_PROMPT

    def __post_init__(self) -> None:
        if not 0 <= self.review_threshold <= 1:
            raise ConfigError(f"review threshold must be between 0 and 1, got {self.review_threshold}")
        if self.extractor in ("llm", "hybrid") and not self.settings.configured:
            raise ConfigError(
                f"the {self.extractor} extractor needs an LLM endpoint",
                hint="set LLMEXTRACT_BASE_URL and LLMEXTRACT_MODEL (and LLMEXTRACT_API_KEY), or use --extractor rules",
            )

    @property
    def resolved_extractor(self) -> Literal["rules", "llm", "hybrid"]:
        if self.extractor != "auto":
            return self.extractor
        return "hybrid" if self.settings.configured else "rules"

    def fingerprint(self) -> str:
        """Hash of what determines the output: a finished document is skipped only under the same one."""
        uses_llm = self.resolved_extractor != "rules"
        parts = {
            "tool": __version__,
            "extractor": self.resolved_extractor,
            "model": self.settings.model if uses_llm else None,
            "mode": self.settings.mode if uses_llm else None,
            "prompt": self.prompt_version if uses_llm else None,
            "threshold": self.review_threshold,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Prepared:
    """The CPU-bound part of a document's processing; picklable, so it can come back from a worker."""

    doc: Document
    tables: list[BudgetTable]
    rules_records: list[ProjectRecord]
    report: VerificationReport


@dataclass(frozen=True, slots=True)
class ScoredRecord:
    record: ProjectRecord
    confidence: float
    needs_review: bool


@dataclass
class DocumentResult:
    doc: Document
    records: list[ScoredRecord]
    report: VerificationReport
    usage: Usage = field(default_factory=Usage)
    llm_failures: list[str] = field(default_factory=list)

    @property
    def document_findings(self) -> list[Finding]:
        """The report's findings that belong to no record (the report lists record findings too)."""
        on_records = [f for s in self.records for f in s.record.findings]
        return [f for f in self.report.findings if f not in on_records]


def prepare(path: str | Path, config: Config) -> Prepared:
    doc = load_document(path, page_workers=config.page_workers)
    tables = parse_tables(doc)
    return Prepared(doc, tables, extract_rules(doc), verify(doc, tables=tables))


async def read_with_llm(
    prepared: Prepared, llm: LLMExtractor, config: Config
) -> tuple[list[ProjectRecord], dict[int, list[FieldAgreement]], dict[int, int], Usage, list[str]]:
    """The records of the LLM or hybrid reading, with agreements, re-asks and failures per block start."""
    reading = await read_with(llm, prepared.doc, hybrid=config.resolved_extractor == "hybrid")
    agreements = {b.record.location.start: list(b.agreements) for b in reading.blocks}
    reasks = {b.record.location.start: max(0, b.result.attempts - 1) for b in reading.blocks}
    failures = [f"block at {r.block.start}: {r.error}" for r in reading.failed]
    return reading.records, agreements, reasks, reading.usage, failures


def finish(
    prepared: Prepared,
    records: list[ProjectRecord],
    config: Config,
    *,
    agreements: dict[int, list[FieldAgreement]] | None = None,
    reasks: dict[int, int] | None = None,
    usage: Usage | None = None,
    failures: list[str] | None = None,
) -> DocumentResult:
    """Ground and verify every record, then score it."""
    checked = check_records(prepared.doc, records, prepared.tables)
    scored = [
        _scored(
            record,
            _with_llm_evidence(
                record_evidence(record),
                (agreements or {}).get(record.location.start, []),
                (reasks or {}).get(record.location.start, 0),
            ),
            config.review_threshold,
        )
        for record in checked.records
    ]
    report = prepared.report.merged(checked.report)
    return DocumentResult(prepared.doc, scored, report, usage or Usage(), failures or [])


def rescore(
    doc: Document,
    record: ProjectRecord,
    *,
    tables: list[BudgetTable] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> ScoredRecord:
    """Re-verify and re-score one record, e.g. after a reviewer edited it. Findings of rules the verifier does
    not compute (``hybrid.disagreement``) are kept."""
    checked = check_records(doc, [record], tables if tables is not None else parse_tables(doc)).records[0]
    return _scored(checked, record_evidence(checked), threshold)


def _scored(record: ProjectRecord, evidence: dict[str, FieldEvidence], threshold: float) -> ScoredRecord:
    confidence = record_confidence(evidence, record.findings)
    return ScoredRecord(
        record.model_copy(update={"confidence": confidence}), confidence, needs_review(confidence, threshold)
    )


def _with_llm_evidence(
    evidence: dict[str, FieldEvidence], agreements: list[FieldAgreement], reasks: int
) -> dict[str, FieldEvidence]:
    """Add what only the LLM reading knows: per-field agreement with the rules, and the re-asks it needed."""
    out = dict(evidence)
    for agreement in agreements:
        out[agreement.field] = replace(out.get(agreement.field, FieldEvidence()), agreement=agreement.status)
    if reasks:
        out["llm.reasks"] = FieldEvidence(reasks=reasks)
    return out


def process(path: str | Path, config: Config | None = None) -> DocumentResult:
    """Run one file through the whole pipeline (synchronously)."""
    config = config or Config()
    prepared = prepare(path, config)
    if config.resolved_extractor == "rules":
        return finish(prepared, prepared.rules_records, config)
    return asyncio.run(_process_llm(prepared, config))


async def _process_llm(prepared: Prepared, config: Config) -> DocumentResult:
    async with LLMExtractor(config.settings, prompt_version=config.prompt_version) as llm:
        records, agreements, reasks, usage, failures = await read_with_llm(prepared, llm, config)
    return finish(prepared, records, config, agreements=agreements, reasks=reasks, usage=usage, failures=failures)
