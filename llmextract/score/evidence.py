"""The evidence a record carries, as one :class:`FieldEvidence` per field path for the confidence formula.

Text fields bring their grounding (status and match score), numbers their verification status, hybrid records
the rules-vs-LLM agreement. The three meet under one path: a number's verification is filed under the path of
its printed form (``indicators[3].value`` under ``indicators[3].value_raw``, where grounding and agreement of
that indicator's value are), so everything known about one field is in one place.
"""

from __future__ import annotations

from dataclasses import replace

from llmextract.core.paths import FieldPath
from llmextract.core.records import ProjectRecord
from llmextract.score.confidence import FieldEvidence, needs_review, record_confidence


def evidence_path(path: FieldPath) -> FieldPath:
    """Where a field's evidence is filed: a parsed indicator value under its printed value."""
    if path.ordinal is not None and path.attr == "value":
        return FieldPath.indicator(path.ordinal, "value_raw")
    return path


def record_evidence(record: ProjectRecord) -> dict[FieldPath, FieldEvidence]:
    """Field path → evidence, for every grounded, checked or compared field of ``record``."""
    evidence: dict[FieldPath, FieldEvidence] = {}

    def add(path: FieldPath, **facts: object) -> None:
        key = evidence_path(path)
        evidence[key] = replace(evidence.get(key, FieldEvidence()), **facts)

    for path, g in record.field_grounding.items():
        add(path, grounding=g.status, grounding_score=g.score)
    for path, check in record.number_checks.items():
        add(path, verification=check.status)
    for path, agreement in record.agreement.items():
        add(path, agreement=agreement.status)
    return evidence


def score_record(record: ProjectRecord, threshold: float) -> tuple[dict[FieldPath, FieldEvidence], float, bool]:
    """(evidence per field, confidence, needs review) of a verified record."""
    evidence = record_evidence(record)
    confidence = record_confidence(evidence, record.findings, reasks=record.llm_reasks)
    return evidence, confidence, needs_review(confidence, threshold, record.findings)
