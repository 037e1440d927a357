"""Applying one review decision to a stored record, and what the decisions so far add up to.

A decision is made on one field (a :class:`~llmextract.core.paths.FieldPath` from :mod:`.fields`) or on the
whole record (field ``record``): accept keeps the value, edit replaces it, reject clears it (an indicator is
removed). A decision on a field settles what the two readers said about it: the field's entry in
``record.agreement`` and the ``hybrid.disagreement`` finding naming it (``Finding.fields``) leave the reviewed
record — the reviewer's decision is the evidence about that field now — while the original record keeps
both, so the page still shows the two readings. Accepting the whole record settles every field.

The record's status follows from its decisions: ``rejected`` when the record itself was rejected; ``pending``
while a reviewable field has no decision; then ``edited`` if any decision changed a value, else ``accepted``.
The decisions, the re-verified record and its findings are stored in one transaction
(:meth:`RunStore.apply_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from llmextract.core.catalogue import HYBRID_DISAGREEMENT
from llmextract.core.paths import FieldPath
from llmextract.core.records import ProjectRecord
from llmextract.review.fields import (
    EditRefused,
    all_fields,
    apply_edit,
    apply_reject,
    as_path,
    get_value,
    show,
    spec_for,
)
from llmextract.review.reverify import Reverify
from llmextract.store import RecordStatus, ReviewAction, ReviewDecision, RunStore, StoredRecord

RECORD = "record"


@dataclass(frozen=True, slots=True)
class Readings:
    """The two readings of one field the rules extractor and the LLM disagree on."""

    field: FieldPath
    rules: str
    llm: str


def disagreements(record: ProjectRecord) -> dict[FieldPath, Readings]:
    """Field path -> both readings, for every field the two readers read differently (``record.agreement``)."""
    return {
        path: Readings(path, a.rules or "", a.llm or "")
        for path, a in record.agreement.items()
        if a.status == "disagreed"
    }


def latest(decisions: list[ReviewDecision]) -> dict[str, ReviewDecision]:
    """The last decision on each field."""
    return {d.field: d for d in decisions}


def reviewable(stored: StoredRecord, decided: dict[str, ReviewDecision]) -> list[FieldPath]:
    """Paths that need a decision: every field with a value, a location or a disagreement, and every decided one."""
    argued = disagreements(stored.original)
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
    """Apply one decision, re-verify the record if it changed, and store both in one transaction.

    EditRefused (and a RunStoreError from re-verification) leaves the store as it was."""
    record = stored.record
    earlier = store.reviews(stored.key)
    decisions: list[ReviewDecision] = []
    if field == RECORD:
        if action == "edit":
            raise EditRefused("记录需要逐个字段修改", hint="用 j/k 选择字段，再按 e")
        if action == "accept":
            decided = latest(earlier)
            for path in reviewable(stored, decided):
                if path not in decided:
                    decisions.append(_decision(stored, path, "accept", reviewer, get_value(record, path)))
            record = _settle(record, None)
        decisions.append(ReviewDecision(stored.key, RECORD, action, reviewer))
    else:
        path = as_path(field)
        if spec_for(record, path) is None:
            raise EditRefused(f"未知字段 {field!r}", hint="请重新加载记录页面")
        old = get_value(record, path)
        if action == "edit":
            record = apply_edit(record, path, value)
        elif action == "reject":
            record = apply_reject(record, path)
        new = old if action == "accept" else get_value(record, path)
        decisions.append(_decision(stored, path, action, reviewer, old, new))
        record = _settle(record, path)
    confidence, needs_review = stored.confidence, stored.needs_review
    if record != stored.record:
        record, confidence, needs_review = reverify(record, store, stored)
    status = status_of(replace(stored, record=record), [*earlier, *decisions])
    return store.apply_review(stored.key, decisions, record, confidence, needs_review, status)


def _decision(
    stored: StoredRecord, path: FieldPath, action: ReviewAction, reviewer: str, old: object, new: object = None
) -> ReviewDecision:
    if action == "accept":
        new = old
    return ReviewDecision(stored.key, path, action, reviewer, _plain(old), _plain(new))


def _plain(value: object) -> str | None:
    return None if value is None else show(value)


def _settle(record: ProjectRecord, path: FieldPath | None) -> ProjectRecord:
    """``record`` without what the readers said about ``path`` (every field when None): the reviewer decided."""

    agreement = {p: a for p, a in record.agreement.items() if path is not None and p != path}
    findings = [
        f for f in record.findings if not (f.rule_id == HYBRID_DISAGREEMENT and (path is None or path in f.fields))
    ]
    if len(agreement) == len(record.agreement) and len(findings) == len(record.findings):
        return record
    return record.model_copy(update={"agreement": agreement, "findings": findings})
