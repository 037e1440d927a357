"""Confidence per field and per record, and the threshold that routes records to review."""

from llmextract.score.confidence import (
    DEFAULT_THRESHOLD,
    FieldEvidence,
    field_confidence,
    needs_review,
    record_confidence,
)
from llmextract.score.evidence import evidence_path, record_evidence, score_record

__all__ = [
    "DEFAULT_THRESHOLD",
    "FieldEvidence",
    "evidence_path",
    "field_confidence",
    "needs_review",
    "record_confidence",
    "record_evidence",
    "score_record",
]
