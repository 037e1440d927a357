"""The evidence the verifier left on a record, as :class:`FieldEvidence` for the confidence formula.

Text fields bring their grounding (status and match score), numbers their verification status. Agreement
between extractors and LLM re-asks are not known to the verifier; callers add them with
``dataclasses.replace``.
"""

from __future__ import annotations

from llmextract.core.records import ProjectRecord
from llmextract.score.confidence import FieldEvidence


def record_evidence(record: ProjectRecord) -> dict[str, FieldEvidence]:
    """Field path → evidence, for every grounded text field and every checked number of ``record``."""
    evidence = {
        path: FieldEvidence(grounding=g.status, grounding_score=g.score) for path, g in record.field_grounding.items()
    }
    for path, check in record.number_checks.items():
        evidence[path] = FieldEvidence(verification=check.status)
    return evidence
