"""What the templates show, computed from the store: queue rows, a record's fields, its marked source text.

Everything here is plain data; the templates escape every string (document text is untrusted).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.review.decisions import DISAGREEMENT_RULE, RECORD, Readings, disagreements, latest, reviewable
from llmextract.review.fields import all_fields, field_location, get_value, show
from llmextract.store import ReviewDecision, RunStore, StoredRecord


@dataclass(frozen=True, slots=True)
class QueueRow:
    stored: StoredRecord
    source: str
    page: int
    severities: dict[str, int]
    reviewed: int
    total: int


@dataclass(frozen=True, slots=True)
class Filters:
    doc: str | None = None
    rule: str | None = None
    severity: str | None = None
    status: str | None = None

    def query(self, **changes: str | None) -> str:
        """The query string of these filters with ``changes`` applied (None drops a filter)."""
        values = {"doc": self.doc, "rule": self.rule, "severity": self.severity, "status": self.status} | changes
        return urlencode({k: v for k, v in values.items() if v})


def source_names(store: RunStore) -> dict[str, str]:
    return {d.doc_id: PurePath(d.source).name for d in store.documents()}


def queue(store: RunStore, filters: Filters) -> tuple[list[QueueRow], Counter[str]]:
    """Records lowest confidence first, filtered; and the count of every status among the matching records."""
    names = source_names(store)
    records = store.records(doc_id=filters.doc, rule_id=filters.rule, severity=filters.severity)
    counts: Counter[str] = Counter(r.status for r in records)
    rows = []
    for r in records:
        if filters.status and r.status != filters.status:
            continue
        decided = latest(store.reviews(r.record_id))
        fields = reviewable(r, decided)
        rows.append(
            QueueRow(
                stored=r,
                source=names.get(r.doc_id, r.doc_id[:12]),
                page=r.record.location.page,
                severities=dict(Counter(f.severity for f in r.record.findings)),
                reviewed=sum(p in decided for p in fields),
                total=len(fields),
            )
        )
    return rows, counts


def rule_ids(store: RunStore) -> list[str]:
    return sorted({f.rule_id for f in store.findings() if f.rule_id})


@dataclass(frozen=True, slots=True)
class FieldView:
    path: str
    label: str
    kind: str
    value: str
    empty: bool
    location: Location | None
    decision: ReviewDecision | None
    readings: Readings | None
    findings: int


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
    findings: list[Finding]
    segments: list[Segment]
    record_decision: ReviewDecision | None
    data: dict[str, Any]  # read by review.js from a JSON script element (never executed)


def record_view(store: RunStore, stored: StoredRecord, page_sizes: list[tuple[float, float]] | None) -> RecordView:
    rec = stored.record
    decided = latest(store.reviews(stored.record_id))
    paths = set(reviewable(stored, decided))
    readings = disagreements(stored.original.findings)
    views = []
    for spec in all_fields(rec):
        loc = field_location(rec, spec.path)
        value = get_value(rec, spec.path)
        views.append(
            FieldView(
                path=spec.path,
                label=spec.label,
                kind=spec.kind,
                value=show(value),
                empty=value is None,
                location=loc,
                decision=decided.get(spec.path),
                readings=readings.get(spec.path),
                findings=sum(_about(f, spec.path, loc) for f in rec.findings),
            )
        )
    shown = [v for v in views if v.path in paths]
    text = store.document_text(stored.doc_id) or ""
    pages = {rec.location.page} | {v.location.page for v in shown if v.location is not None}
    return RecordView(
        stored=stored,
        source=source_names(store).get(stored.doc_id, stored.doc_id[:12]),
        fields=shown,
        empty_fields=[v for v in views if v.path not in paths],
        findings=sorted(rec.findings, key=lambda f: ("error", "warning", "info").index(f.severity)),
        segments=segments(text, rec.location, [(v.path, v.location) for v in views if v.location is not None]),
        record_decision=decided.get(RECORD),
        # Where each field is (page, bbox in PDF points) and how big those pages are, for the overlay.
        data={
            "recordId": stored.record_id,
            "docId": stored.doc_id,
            "blockPage": rec.location.page,
            "pageSizes": {str(p): page_sizes[p - 1] for p in sorted(pages) if page_sizes and p <= len(page_sizes)},
            "fields": {
                v.path: {"page": v.location.page, "bbox": v.location.bbox} if v.location is not None else None
                for v in views
            },
        },
    )


def _about(finding: Finding, path: str, loc: Location | None) -> bool:
    """A finding is about a field when it names the field (a disagreement) or points inside the field's span."""
    if finding.rule_id == DISAGREEMENT_RULE:
        return path in disagreements([finding])
    return loc is not None and any(loc.start <= at.start and at.end <= loc.end for at in finding.locations)


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
