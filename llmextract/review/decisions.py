"""Applying one review decision to a stored record, and what the decisions so far add up to.

A decision is made on one field (a path from :mod:`llmextract.review.fields`) or on the whole record
(field ``record``): accept keeps the value, edit replaces it, reject clears it (an indicator is removed).
Accepting or editing a field settles the rules-vs-LLM disagreement about it, so that finding is dropped
before the record is re-verified. The record's status follows from its decisions: ``rejected`` when the
record itself was rejected; ``pending`` while a reviewable field has no decision; then ``edited`` if any
decision changed a value, else ``accepted``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.review.fields import EditRefused, all_fields, apply_edit, apply_reject, get_value, show, spec_for
from llmextract.review.reverify import Reverify
from llmextract.store import ReviewDecision, RunStore, StoredRecord
from llmextract.store.run_store import RecordStatus, ReviewAction

RECORD = "record"
DISAGREEMENT_RULE = "hybrid.disagreement"
_DISAGREEMENT_FIELD = re.compile(r"read (?P<field>\S+) differently")
_READING = re.compile(r"^(rules|llm):\s?")


@dataclass(frozen=True, slots=True)
class Readings:
    """The two readings of one field the rules extractor and the LLM disagree on."""

    field: str
    rules: str
    llm: str


def disagreements(findings: list[Finding]) -> dict[str, Readings]:
    """Field path -> both readings, from the ``hybrid.disagreement`` findings."""
    out: dict[str, Readings] = {}
    for f in findings:
        m = _DISAGREEMENT_FIELD.search(f.message) if f.rule_id == DISAGREEMENT_RULE else None
        if m is not None:
            path = m["field"]
            out[path] = Readings(path, _READING.sub("", f.expected or ""), _READING.sub("", f.actual or ""))
    return out


def latest(decisions: list[ReviewDecision]) -> dict[str, ReviewDecision]:
    """The last decision on each field."""
    return {d.field: d for d in decisions}


def reviewable(stored: StoredRecord, decided: dict[str, ReviewDecision]) -> list[str]:
    """Paths that need a decision: every field with a value, a location or a disagreement, and every decided one."""
    argued = disagreements(stored.original.findings)
    rec = stored.record
    return [
        s.path
        for s in all_fields(rec)
        if get_value(rec, s.path) is not None or s.path in rec.field_locations or s.path in argued or s.path in decided
    ]


def status_of(stored: StoredRecord, decisions: list[ReviewDecision]) -> RecordStatus:
    decided = latest(decisions)
    if RECORD in decided and decided[RECORD].action == "reject":
        return "rejected"
    if any(p not in decided for p in reviewable(stored, decided)):
        return "pending"
    changed = any(d.action in ("edit", "reject") for p, d in decided.items() if p != RECORD)
    return "edited" if changed else "accepted"


def decide(
    store: RunStore,
    stored: StoredRecord,
    field: str,
    action: ReviewAction,
    value: str | None,
    reviewer: str,
    reverify: Reverify,
) -> StoredRecord:
    """Apply one decision, re-verify the record if it changed, store both; EditRefused leaves the store as it was."""
    record = stored.record
    decisions: list[ReviewDecision] = []
    if field == RECORD:
        if action == "edit":
            raise EditRefused("a record is edited field by field", hint="select a field (j/k) and press e")
        if action == "accept":
            decided = latest(store.reviews(stored.record_id))
            for path in reviewable(stored, decided):
                if path not in decided:
                    decisions.append(_decision(stored, path, "accept", reviewer, get_value(record, path)))
                    record = _settle(record, path)
        decisions.append(ReviewDecision(stored.record_id, RECORD, action, reviewer))
    else:
        if spec_for(record, field) is None:
            raise EditRefused(f"unknown field {field!r}", hint="reload the record page")
        old = get_value(record, field)
        if action == "edit":
            record = apply_edit(record, field, value)
        elif action == "reject":
            record = apply_reject(record, field)
        new = old if action == "accept" else get_value(record, field)
        decisions.append(_decision(stored, field, action, reviewer, old, new))
        record = _settle(record, field)
    confidence, needs_review = stored.confidence, stored.needs_review
    if record != stored.record:
        record, confidence, needs_review = reverify(record, store, stored.doc_id)
    for d in decisions:
        store.add_review(d)
    status = status_of(replace(stored, record=record), store.reviews(stored.record_id))
    store.update_record(stored.record_id, record, confidence, needs_review, status)
    updated = store.record(stored.record_id)
    assert updated is not None  # it was just updated
    return updated


def _decision(
    stored: StoredRecord, path: str, action: ReviewAction, reviewer: str, old: object, new: object = None
) -> ReviewDecision:
    if action == "accept":
        new = old
    return ReviewDecision(stored.record_id, path, action, reviewer, _plain(old), _plain(new))


def _plain(value: object) -> str | None:
    return None if value is None else show(value)


def _settle(record: ProjectRecord, path: str) -> ProjectRecord:
    """``record`` without the disagreement about ``path``: the reviewer has chosen a reading."""
    kept = [f for f in record.findings if not (f.rule_id == DISAGREEMENT_RULE and path in disagreements([f]))]
    return record if len(kept) == len(record.findings) else record.model_copy(update={"findings": kept})
