"""What the templates show, computed from the store: queue pages, a record's fields, its marked source text.

Everything here is plain data; the templates escape every string (document text is untrusted). A request
parses only what it shows: the queue lists light rows (no record JSON) and parses the records of the one page
it shows (kept for the next time, :class:`QueueLines`); a record page reads that record and the keys of its
neighbours in the queue.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.paths import FieldPath
from llmextract.review.decisions import RECORD, Readings, disagreements, latest, reviewable
from llmextract.review.explain import FieldReasons, FindingLine, Reason, field_reasons, finding_line, record_reasons
from llmextract.review.fields import all_fields, field_location, get_value, show
from llmextract.score import record_evidence
from llmextract.store import QueueFilter, QueueRow, RecordStatus, ReviewDecision, RunStore, StoredRecord

PAGE_SIZE = 50  # queue rows per page: each row shown parses its record (~5 ms for a real-size one)


@dataclass(frozen=True, slots=True)
class Filters:
    """The queue's filters; record pages carry them so that n/p walk the same queue. By default the queue holds
    the records that need review (below the run's threshold, or read differently by the two readers);
    ``everything`` (``view=all``) holds every record."""

    doc: str | None = None
    rule: str | None = None
    severity: str | None = None
    status: RecordStatus | None = None
    everything: bool = False

    def query(self, **changes: str | int | None) -> str:
        """The query string of these filters with ``changes`` applied (None drops a filter)."""
        values = {
            "view": "all" if self.everything else None,
            "doc": self.doc,
            "rule": self.rule,
            "severity": self.severity,
            "status": self.status,
        } | changes
        return urlencode({k: v for k, v in values.items() if v})

    def where(self, *, status: bool = True) -> QueueFilter:
        return QueueFilter(
            doc_id=self.doc,
            rule_id=self.rule,
            severity=self.severity,
            needs_review=None if self.everything else True,
            status=self.status if status else None,
        )


@dataclass(frozen=True, slots=True)
class QueueLine:
    row: QueueRow
    source: str
    page: int
    severities: dict[str, int]
    reviewed: int
    total: int


@dataclass(frozen=True, slots=True)
class QueuePage:
    lines: list[QueueLine]
    counts: Counter[str]  # records of every status under the other filters
    matching: int  # records under all the filters
    page: int
    pages: int
    other_view: int  # records under the filters in the other view (all records / those that need review)


class QueueLines:
    """Queue lines kept by (queue row, number of decisions). A line parses its record, which costs more than the
    rest of the queue page together; a page shown before is shown again (the reviewer comes back to the queue
    after each record) from the lines kept, and a line is made anew when its record's row (status, confidence,
    …) or its decisions change."""

    def __init__(self, size: int = 2000) -> None:
        self._size = size
        self._lines: OrderedDict[tuple[QueueRow, int], QueueLine] = OrderedDict()

    def line(self, store: RunStore, row: QueueRow) -> QueueLine | None:
        decisions = store.reviews(row.key)
        key = (row, len(decisions))
        if key in self._lines:
            self._lines.move_to_end(key)
            return self._lines[key]
        stored = store.record(row.key)
        if stored is None:  # removed by a run writing the store meanwhile
            return None
        decided = latest(decisions)
        fields = reviewable(stored, decided)
        self._lines[key] = QueueLine(
            row=row,
            source=PurePath(row.source).name,
            page=stored.record.location.page,
            severities=dict(Counter(f.severity for f in stored.record.findings)),
            reviewed=sum(p in decided for p in fields),
            total=len(fields),
        )
        if len(self._lines) > self._size:
            self._lines.popitem(last=False)
        return self._lines[key]


def queue_page(store: RunStore, filters: Filters, page: int, lines: QueueLines) -> QueuePage:
    """One page of the queue (lowest confidence first) and the count of every status among the matches."""
    rows = store.queue(filters.where(status=False))
    counts: Counter[str] = Counter(r.status for r in rows)
    if filters.status:
        rows = [r for r in rows if r.status == filters.status]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = [lines.line(store, row) for row in rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    other = len(store.queue(replace(filters, everything=not filters.everything).where()))
    return QueuePage([line for line in shown if line is not None], counts, len(rows), page, pages, other)


def source_names(store: RunStore) -> dict[str, str]:
    """File name of every document (the queue's document filter)."""
    return {d.doc_id: PurePath(d.source).name for d in store.documents()}


def _own_row(store: RunStore, stored: StoredRecord) -> QueueRow | None:
    """The record's queue row, from its document's rows only (None when it is not a current record)."""
    return next((r for r in store.queue(QueueFilter(doc_id=stored.doc_id)) if r.key == stored.key), None)


def source_name(store: RunStore, stored: StoredRecord) -> str:
    row = _own_row(store, stored)
    return PurePath(row.source).name if row is not None else stored.doc_id[:12]


@dataclass(frozen=True, slots=True)
class Neighbours:
    prev: str | None
    next: str | None
    position: int  # 1-based; 0 when the record is not (or no longer) in the filtered queue
    total: int


def neighbours(store: RunStore, stored: StoredRecord, filters: Filters) -> Neighbours:
    """The records before and after ``stored`` in the filtered queue (their keys only). A record that has left
    it (a decision changed its status) sits where the queue's order puts it, so n/p go on from there."""
    prev, nxt, position, total = store.neighbours(stored.key, filters.where())
    if position or not total:
        return Neighbours(prev, nxt, position, total)
    rows = store.queue(filters.where())
    own = _own_row(store, stored)
    at = len(rows) if own is None else next((i for i, r in enumerate(rows) if _order(r) > _order(own)), len(rows))
    return Neighbours(rows[at - 1].key if at else None, rows[at].key if at < len(rows) else None, 0, total)


def next_to_review(store: RunStore, stored: StoredRecord, filters: Filters) -> str | None:
    """The record a reviewer goes on with after deciding ``stored``: the next one of the filtered queue that is
    still pending (of the queue itself when it is filtered by status), else the first; None when none is left."""
    walk = filters if filters.status else replace(filters, status="pending")
    after = neighbours(store, stored, walk).next
    if after is not None:
        return after
    # Past the end: the record was the last, or an edit re-scored it behind the rest. Start again at the top.
    return next((r.key for r in store.queue(walk.where()) if r.key != stored.key), None)


def _order(row: QueueRow) -> tuple[bool, float, str, int, str]:
    """A row's place in the queue: the order of :meth:`RunStore.queue` (lowest confidence first, unscored last)."""
    return (row.confidence is None, row.confidence or 0.0, row.source, row.position, row.key)


@dataclass(frozen=True, slots=True)
class FieldView:
    path: FieldPath
    label: str
    kind: str
    value: str
    empty: bool
    location: Location | None
    decision: ReviewDecision | None
    readings: Readings | None
    findings: int
    why: FieldReasons


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordView:
    stored: StoredRecord
    source: str
    fields: list[FieldView]
    empty_fields: list[FieldView]
    findings: list[FindingLine]
    formula: float  # the record's confidence by the formula, from the factors below
    why: list[Reason]
    segments: list[Segment]
    record_decision: ReviewDecision | None
    data: dict[str, Any]  # read by review.js from a JSON script element (never executed)


def record_view(store: RunStore, stored: StoredRecord, page_sizes: list[tuple[float, float]] | None) -> RecordView:
    rec = stored.record
    decided = latest(store.reviews(stored.key))
    paths = set(reviewable(stored, decided))
    readings = disagreements(stored.original)
    specs = all_fields(rec)
    labels: dict[str, str] = {spec.path: spec.label for spec in specs}
    evidence = record_evidence(rec)
    views = []
    for spec in specs:
        value = get_value(rec, spec.path)
        views.append(
            FieldView(
                path=spec.path,
                label=spec.label,
                kind=spec.kind,
                value=show(value),
                empty=value is None,
                location=field_location(rec, spec.path),
                decision=decided.get(spec.path),
                readings=readings.get(spec.path),
                findings=sum(_about(f, spec.path) for f in rec.findings),
                why=field_reasons(rec, spec.path, evidence),
            )
        )
    shown = [v for v in views if v.path in paths]
    text = store.document_text(stored.doc_id) or ""
    pages = {rec.location.page} | {v.location.page for v in shown if v.location is not None}
    formula, why = record_reasons(rec, labels)
    ordered = sorted(rec.findings, key=lambda f: ("error", "warning", "info").index(f.severity))
    return RecordView(
        stored=stored,
        source=source_name(store, stored),
        fields=shown,
        empty_fields=[v for v in views if v.path not in paths],
        findings=[finding_line(f, rec, labels) for f in ordered],
        formula=formula,
        why=why,
        segments=segments(text, rec.location, [(v.path, v.location) for v in views if v.location is not None]),
        record_decision=decided.get(RECORD),
        # Where each field is (page, bbox in PDF points) and how big those pages are, for the overlay.
        data={
            "key": stored.key,
            "docId": stored.doc_id,
            "blockPage": rec.location.page,
            "pageSizes": {str(p): page_sizes[p - 1] for p in sorted(pages) if page_sizes and p <= len(page_sizes)},
            "fields": {
                v.path: {"page": v.location.page, "bbox": v.location.bbox} if v.location is not None else None
                for v in views
            },
        },
    )


def _about(finding: Finding, path: FieldPath) -> bool:
    """A finding is about a field when it names the field, or (indicators) another attribute of its item."""
    return any(FieldPath(f).item == path.item for f in finding.fields)


def segments(text: str, block: Location, spans: list[tuple[str, Location]]) -> list[Segment]:
    """The record's block of ``text`` cut at every field span boundary; each piece names the fields covering it."""
    start, end = block.start, min(block.end, len(text))
    inside = [(p, max(loc.start, start), min(loc.end, end)) for p, loc in spans if loc.start < end and start < loc.end]
    cuts = sorted({start, end, *(s for _, s, _ in inside), *(e for _, _, e in inside)})
    out = []
    for a, b in pairwise(cuts):
        covering = tuple(p for p, s, e in inside if s <= a and b <= e)
        out.append(Segment(text[a:b], covering))
    return out
