"""Confidence per field and per record, and the threshold that routes records to review."""

from llmextract.score.confidence import (
    DEFAULT_THRESHOLD,
    Factor,
    FieldEvidence,
    field_confidence,
    field_factors,
    needs_review,
    record_confidence,
    record_factors,
)
from llmextract.score.evidence import evidence_path, record_evidence, score_record

__all__ = [
    "DEFAULT_THRESHOLD",
    "Factor",
    "FieldEvidence",
    "evidence_path",
    "field_confidence",
    "field_factors",
    "needs_review",
    "record_confidence",
    "record_evidence",
    "record_factors",
    "score_record",
]
