"""One document through the whole pipeline: extract (rules / LLM / hybrid) → verify → score → DocumentResult.

:func:`process` (and its async twin :func:`aprocess`) is the one way a Document becomes a result: the CLI
commands, the batch engines, the evals and the review app's re-verification all call it, and
:meth:`llmextract.store.RunStore.save` is the one way a result is stored.

Inside, the deterministic reading (standard tables, prose claims, the document's own checks) and the
extractor's reading run side by side — an LLM extractor never waits for the rules — then every record is
grounded, checked and scored. A part that raises is contained to that part and said as a finding
(:mod:`llmextract.core.failures`); the rest of the document survives.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any, TypeVar

from llmextract._version import __version__
from llmextract.core.catalogue import BLOCK_FAILED, FAILURE_RULES
from llmextract.core.claims import NarrativeClaim
from llmextract.core.document import Document
from llmextract.core.errors import ConfigError
from llmextract.core.failures import FailureLog
from llmextract.core.findings import Finding
from llmextract.core.paths import FieldPath
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import Usage
from llmextract.extract import Extractor, Reading, make_extractor
from llmextract.extract.prompts import DEFAULT_PROMPT, load_prompt
from llmextract.extract.rules import RulesExtractor
from llmextract.ingest.cache import ParseCache
from llmextract.score import DEFAULT_THRESHOLD, FieldEvidence, score_record
from llmextract.settings import ExtractorKind, Settings
from llmextract.tables import BudgetTable, parse_tables
from llmextract.verify import VerificationReport, check_records, claims, verify

T = TypeVar("T")

# Settings that change what an LLM reads, and so the output (the key, the cache, rate limits and concurrency
# do not).
_OUTPUT_SETTINGS = ("base_url", "model", "mode", "max_tokens", "temperature", "max_reasks")
# Packages whose code decides the output of a run; their source is hashed into the fingerprint, so a resumed
# run after an upgrade redoes what the new code would read differently.
_READER_PACKAGES = ("core", "ingest", "layout", "tables", "extract", "verify", "score")


@dataclass(frozen=True)
class Config:
    """Everything that decides what a run produces. Frozen: a run's fingerprint is a hash of it."""

    extractor: ExtractorKind = ExtractorKind.auto
    settings: Settings = field(default_factory=Settings)
    review_threshold: float = DEFAULT_THRESHOLD
    page_workers: int | None = None
    prompt_version: str = DEFAULT_PROMPT

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "extractor", ExtractorKind(self.extractor))
        except ValueError:
            choices = ", ".join(k.value for k in ExtractorKind)
            raise ConfigError(f"unknown extractor {self.extractor!r}", hint=f"use one of {choices}") from None
        if not 0 <= self.review_threshold <= 1:
            raise ConfigError(f"review threshold must be between 0 and 1, got {self.review_threshold}")
        if self.extractor in (ExtractorKind.llm, ExtractorKind.hybrid) and not self.settings.configured:
            raise ConfigError(
                f"the {self.extractor.value} extractor needs an LLM endpoint",
                hint="set LLMEXTRACT_BASE_URL and LLMEXTRACT_MODEL (and LLMEXTRACT_API_KEY), or use --extractor rules",
            )

    @property
    def resolved_extractor(self) -> ExtractorKind:
        if self.extractor is not ExtractorKind.auto:
            return self.extractor
        return ExtractorKind.hybrid if self.settings.configured else ExtractorKind.rules

    @property
    def uses_llm(self) -> bool:
        return self.resolved_extractor is not ExtractorKind.rules

    def describe(self) -> dict[str, Any]:
        """What determines the output, as plain data (stored with a run; hashed into the fingerprint)."""
        kind = self.resolved_extractor
        parts: dict[str, Any] = {
            "tool": __version__,
            "readers": _code_version(kind is not ExtractorKind.rules),
            "extractor": kind.value,
            "review_threshold": self.review_threshold,
        }
        if self.uses_llm:
            parts |= {name: _plain(getattr(self.settings, name)) for name in _OUTPUT_SETTINGS}
            parts |= {"prompt": self.prompt_version, "prompt_sha256": load_prompt(self.prompt_version).sha256}
        return parts

    def fingerprint(self) -> str:
        """Hash of what determines the output: a finished document is skipped only under the same one."""
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RecordResult:
    """One record, verified and scored: its evidence per field, its confidence and whether it needs review."""

    record: ProjectRecord
    evidence: dict[FieldPath, FieldEvidence]
    confidence: float
    needs_review: bool


@dataclass(frozen=True, slots=True)
class CheckCounts:
    """How many checks ran on a document, and how they ended."""

    passed: int = 0
    failed: int = 0
    not_checkable: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def run(self) -> int:
        return self.passed + self.failed + self.not_checkable

    @classmethod
    def of(cls, reports: Iterable[VerificationReport]) -> CheckCounts:
        reports = list(reports)
        by_rule: Counter[str] = Counter()
        for r in reports:
            by_rule += r.by_rule
        return cls(
            sum(r.passed for r in reports),
            sum(r.failed for r in reports),
            sum(r.not_checkable for r in reports),
            by_rule,
        )


@dataclass(repr=False)
class DocumentResult:
    """Everything the pipeline concluded about one document."""

    doc: Document
    extractor: str  # rules | llm:<model> | hybrid:<model>
    records: list[RecordResult]
    findings: list[Finding]  # about the document, not about one record (failures of parts included)
    checks: CheckCounts
    usage: Usage = field(default_factory=Usage)

    def __repr__(self) -> str:
        return (
            f"DocumentResult({self.doc!r}, extractor={self.extractor!r}, records={len(self.records)}, "
            f"findings={len(self.all_findings)})"
        )

    @property
    def all_findings(self) -> list[Finding]:
        """Document findings, then each record's."""
        return [*self.findings, *(f for r in self.records for f in r.record.findings)]

    @property
    def failures(self) -> list[Finding]:
        """Parts of the document llmextract could not read or check (block, table, prose, rule, LLM failures)."""
        return [f for f in self.all_findings if f.rule_id in FAILURE_RULES]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.all_findings if f.severity == severity)


def process(
    document: Document,
    config: Config | None = None,
    *,
    extractor: Extractor | None = None,
    cache: ParseCache | None = None,
) -> DocumentResult:
    """Run one document through the pipeline (synchronously; safe to call from inside an event loop)."""
    return _run(aprocess(document, config, extractor=extractor, cache=cache))


async def aprocess(
    document: Document,
    config: Config | None = None,
    *,
    extractor: Extractor | None = None,
    cache: ParseCache | None = None,
) -> DocumentResult:
    """:func:`process` for async callers. ``extractor``: a shared one (a batch run's LLM client and cache);
    by default the config's is made and closed here. ``cache``: where the document's tables, checks and rules
    reading are kept (they depend on its bytes and llmextract's code only, so a rerun with other settings
    loads them; the document's own parse cache)."""
    config = config or Config()
    own = extractor is None
    reader = extractor or make_extractor(
        config.resolved_extractor, config.settings, prompt_version=config.prompt_version
    )
    try:
        # The rules reader's reading depends on the document alone; another extractor's (an LLM's, a reviewed
        # record's) never comes from the cache.
        reading_cache = cache if type(reader) is RulesExtractor else None
        analyse = partial(asyncio.to_thread, _read_deterministic, document)
        deterministic, reading = await asyncio.gather(
            _cached(cache, document, "analysis", _Deterministic, analyse),
            _cached(reading_cache, document, "rules-reading", Reading, lambda: _read(reader, document)),
        )
    finally:
        if own:
            await reader.aclose()
    return await asyncio.to_thread(_finish, document, config, reader.label, deterministic, reading)


async def _cached(
    cache: ParseCache | None, doc: Document, what: str, kind: type[T], compute: Callable[[], Awaitable[T]]
) -> T:
    """``compute()``, or what the cache holds for this document and this version of the code."""
    if cache is None:
        return await compute()
    name = f"{what}.{_code_version(False)}"
    value = cache.load(doc.doc_id, name, kind)
    if value is None:
        value = await compute()
        if not any(f.rule_id in FAILURE_RULES for f in _failures_of(value)):  # a failure is not kept: retried
            cache.store(doc.doc_id, name, value)
    return value


def _failures_of(value: object) -> list[Finding]:
    return list(getattr(value, "failures", []))


@dataclass(frozen=True, slots=True)
class _Deterministic:
    tables: list[BudgetTable]
    prose: list[NarrativeClaim]
    report: VerificationReport
    failures: list[Finding]


def _read_deterministic(doc: Document) -> _Deterministic:
    """Standard tables, prose claims and the document's own checks: what every extractor's records are
    verified against."""
    failures = FailureLog(doc)
    tables = parse_tables(doc, failures)
    prose = claims(doc, failures)
    return _Deterministic(tables, prose, verify(doc, tables=tables, prose=prose), failures.findings)


async def _read(reader: Extractor, doc: Document) -> Reading:
    """The extractor's reading; an extractor that raises loses its records, not the document."""
    try:
        return await reader.read(doc)
    except Exception as exc:
        log = FailureLog(doc)
        log.add(BLOCK_FAILED, f"the {reader.label} extractor", exc, (0, len(doc.text)))
        return Reading(failures=log.findings)


def _finish(doc: Document, config: Config, label: str, det: _Deterministic, reading: Reading) -> DocumentResult:
    records = _with_failures(_unique_ids(reading.records), reading.failures)
    checked = check_records(doc, records, det.tables, det.prose)
    results = [_scored(r, config.review_threshold) for r in checked.records]
    document_findings = [
        *det.failures,
        *(f for f in reading.failures if f.record_id is None),
        *det.report.findings,
        *(f for f in checked.report.findings if f.record_id is None),
    ]
    return DocumentResult(
        doc, label, results, document_findings, CheckCounts.of([det.report, checked.report]), reading.usage
    )


def _scored(record: ProjectRecord, threshold: float) -> RecordResult:
    evidence, confidence, review = score_record(record, threshold)
    return RecordResult(record.model_copy(update={"confidence": confidence}), evidence, confidence, review)


def _unique_ids(records: list[ProjectRecord]) -> list[ProjectRecord]:
    """Records whose default ids collide (two projects starting at one offset) get a suffix."""
    seen: Counter[str] = Counter()
    out = []
    for record in records:
        seen[record.record_id] += 1
        n = seen[record.record_id]
        out.append(record if n == 1 else record.model_copy(update={"record_id": f"{record.record_id}~{n}"}))
    return out


def _with_failures(records: list[ProjectRecord], failures: list[Finding]) -> list[ProjectRecord]:
    """A failure about a record (its LLM reading failed) is one of the record's findings."""
    by_record: dict[str, list[Finding]] = {}
    for f in failures:
        if f.record_id is not None:
            by_record.setdefault(f.record_id, []).append(f)
    return [
        r.model_copy(update={"findings": [*r.findings, *by_record[r.record_id]]}) if r.record_id in by_record else r
        for r in records
    ]


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also when the caller is itself inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@cache
def _code_version(with_llm: bool) -> str:
    """sha256 of the source of the packages that decide the output (the LLM reader's only when it runs)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for package in _READER_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if not with_llm and "llm" in path.relative_to(root).parts:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


__all__ = [
    "CheckCounts",
    "Config",
    "DocumentResult",
    "RecordResult",
    "aprocess",
    "process",
]
