"""Confidence: how much a reader can trust a field, and a record, without looking.

A field's confidence is the product of independent factors, each in (0, 1]:

============  =====================================================================================
grounding     exact 1.0 · normalised 0.97 · fuzzy 0.9 × match score · not found 0.2 · no text field 1.0
verification  verified 1.0 · not checkable 0.85 · contradicted 0.25 (per verifier rule on the number)
agreement     agreed 1.0 · read by one extractor only 0.9 · rules and LLM disagree 0.5
============  =====================================================================================

A record's confidence is its weakest field's, times 0.93 per LLM re-ask the record needed (the model had to be
corrected), 0.6 per error finding and 0.9 per warning finding about the record (info findings — checks that
could not be made — do not count: they are already priced in as "not checkable"), and 0.5 per
``reading.incomplete`` warning instead of 0.9: a record that lacks what its table visibly prints was not fully
read, whatever its read fields say, and goes to review. Every factor is at most 1
and a new contradiction only ever adds a factor below 1 or lowers one, so confidence is monotone: new evidence
against a record never raises it. Records below the threshold (default 0.7, ``--review-threshold``) go to the
review queue.

The numbers are a documented policy, not a calibrated probability; ``llmextract eval`` reports how well
the threshold separates records with errors from clean ones (calibration) on the gold sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from llmextract.core.alignment import AlignmentStatus
from llmextract.core.catalogue import HYBRID_DISAGREEMENT, LLM_FAILED, READING_INCOMPLETE
from llmextract.core.findings import Finding
from llmextract.core.records import AgreementStatus, NumberStatus

DEFAULT_THRESHOLD = 0.7
ALWAYS_REVIEW = frozenset({LLM_FAILED, HYBRID_DISAGREEMENT})

GROUNDING = {"exact": 1.0, "normalised": 0.97, "fuzzy": 0.9, "not_found": 0.2}
VERIFICATION = {"verified": 1.0, "not_checkable": 0.85, "contradicted": 0.25}
AGREEMENT = {"agreed": 1.0, "rules_only": 0.9, "llm_only": 0.9, "disagreed": 0.5}
REASK = 0.93
ERROR_FINDING = 0.6
WARNING_FINDING = 0.9
INCOMPLETE_READING = 0.5


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """What is known about one field (or one number) of a record."""

    grounding: AlignmentStatus | None = None
    grounding_score: float = 1.0
    verification: NumberStatus | None = None
    agreement: AgreementStatus | None = None


FactorKind = Literal["grounding", "verification", "agreement", "weakest-field", "reask", "finding"]


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor of a confidence: what it is about, the evidence, and its value in (0, 1].

    ``status`` is the evidence's status (``exact``, ``contradicted``, ``disagreed``, …), or for a record's
    factors the weakest field's path, the number of re-asks, or the finding's rule id."""

    kind: FactorKind
    status: str
    value: float


def field_factors(e: FieldEvidence) -> list[Factor]:
    """The factors whose product is the field's confidence (none: nothing is known against it, 1.0)."""
    out = []
    if e.grounding is not None:
        value = GROUNDING[e.grounding]
        if e.grounding == "fuzzy":
            value *= max(0.0, min(1.0, e.grounding_score))
        out.append(Factor("grounding", e.grounding, value))
    if e.verification is not None:
        out.append(Factor("verification", e.verification, VERIFICATION[e.verification]))
    if e.agreement is not None:
        out.append(Factor("agreement", e.agreement, AGREEMENT[e.agreement]))
    return out


def field_confidence(e: FieldEvidence) -> float:
    score = 1.0
    for factor in field_factors(e):
        score *= factor.value
    return round(score, 4)


def record_factors(
    fields: Mapping[str, FieldEvidence], findings: Iterable[Finding] = (), *, reasks: int = 0
) -> list[Factor]:
    """The factors whose product is the record's confidence: its weakest field, every LLM re-ask, and every
    error and warning finding about the record (info findings price nothing)."""
    out = []
    if fields:
        path, weakest = min(((p, field_confidence(e)) for p, e in fields.items()), key=lambda pv: pv[1])
        out.append(Factor("weakest-field", path, weakest))
    if reasks > 0:
        out.append(Factor("reask", str(reasks), REASK**reasks))
    for finding in findings:
        if finding.rule_id == READING_INCOMPLETE:
            out.append(Factor("finding", finding.rule_id, INCOMPLETE_READING))
        elif finding.severity == "error":
            out.append(Factor("finding", finding.rule_id, ERROR_FINDING))
        elif finding.severity == "warning":
            out.append(Factor("finding", finding.rule_id, WARNING_FINDING))
    return out


def record_confidence(
    fields: Mapping[str, FieldEvidence], findings: Iterable[Finding] = (), *, reasks: int = 0
) -> float:
    """Weakest field's confidence, lowered by every LLM re-ask and every error and warning finding about the
    record."""
    score = 1.0
    for factor in record_factors(fields, findings, reasks=reasks):
        score *= factor.value
    return round(score, 4)


def needs_review(confidence: float, threshold: float = DEFAULT_THRESHOLD, findings: Iterable[Finding] = ()) -> bool:
    """Below the threshold, or a reading problem no confidence can price: the LLM failed on the record's
    region, or the two readers disagree on a field (neither reading silently wins)."""
    return confidence < threshold or any(f.rule_id in ALWAYS_REVIEW for f in findings)
