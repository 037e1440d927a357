"""Counts of one document (or of a whole suite: tallies add up) and the rates the reports show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from llmextract.core.usage import Usage
from llmextract.evals.metrics import (
    AMOUNT_FIELDS,
    EXACT_FIELDS,
    TEXT_FIELDS,
    TEXT_OK,
    ExtractionMetrics,
    VerifierMetrics,
)
from llmextract.evals.mutation_eval import MutationOutcome
from llmextract.evals.mutations import KINDS

CALIBRATION_BINS = 10
# Rates that may drop by at most this much (absolute) against the baseline before the gate fails.
RATE_TOLERANCE = 0.01

DEFINITIONS = {
    "projects.precision": "records matched to a gold record ÷ records extracted",
    "projects.recall": "gold records matched ÷ gold records (matching: name similarity ≥ 0.6, ties in reading order)",
    "fields.<exact>": "matched pairs whose value is equal after whitespace normalisation (amounts as Decimals)",
    "text_f1.<field>": "mean character-level F1 over matched pairs (项目概况, 立项依据, goals)",
    "indicators": "precision/recall/F1 of (三级指标, 指标值) pairs; level_accuracy: matched pairs with equal 一级/二级",
    "numeric_accuracy": "gold amounts (资金 totals and sources) of matched records reproduced exactly",
    "verifier": "gold inconsistencies found by an error/warning finding of the same rule family at the quote",
    "mutation.detected": "mutated copies with an error/warning finding the original does not have",
    "mutation.located": "… of which a new finding's location overlaps the mutated span",
    "mutation.checkable": "the headline: all mutations except within_tolerance ones (≤ 2 rounding steps, which the "
    "tolerance policy accepts) and area:prose:indicator (指标值 of target tables read as prose; no rule relates them)",
    "calibration.routed_errors": f"erroneous records (spurious, or any field wrong, or text F1 < {TEXT_OK}) "
    "with needs_review at the suite's threshold",
    "calibration.review_load": "records routed to review ÷ all records",
    "calibration.bins": "per confidence bin [lo, hi): records and the share of them that are erroneous",
}
TOLERANCES = {
    "rates": f"a rate (precision, recall, accuracy, F1, detection) may fall by at most {RATE_TOLERANCE} (absolute)",
    "not_compared": "wall time, tokens, calls, cost, review load and counts are reported, never gated",
}


@dataclass
class Tally:
    gold_records: int = 0
    predicted_records: int = 0
    matched: int = 0
    field_correct: Counter[str] = field(default_factory=Counter)
    field_total: Counter[str] = field(default_factory=Counter)
    text_f1_sum: Counter[str] = field(default_factory=Counter)
    indicators_gold: int = 0
    indicators_predicted: int = 0
    indicators_matched: int = 0
    indicator_levels_correct: int = 0
    numbers_gold: int = 0
    numbers_correct: int = 0
    inconsistencies: int = 0
    findings: int = 0
    found: int = 0
    true_findings: int = 0
    scored_records: int = 0
    erroneous: int = 0
    erroneous_routed: int = 0
    routed: int = 0
    bin_records: Counter[int] = field(default_factory=Counter)
    bin_erroneous: Counter[int] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)
    detected: Counter[str] = field(default_factory=Counter)
    located: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal(0)  # money is Decimal, in the price table's currency
    cached: int = 0
    wall_time_s: float = 0.0

    def __iadd__(self, other: Tally) -> Tally:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)
        return self

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it rebuilds a Counter from its (key, count) pairs, counting the pairs.
        return {
            k: dict(v) if isinstance(v, Counter) else str(v) if isinstance(v, Decimal) else v
            for k, v in vars(self).items()
        }

    def add_usage(self, usage: Usage) -> None:
        self.requests += usage.requests
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens
        self.cost += usage.cost or Decimal(0)
        self.cached += usage.cached

    def add_extraction(self, m: ExtractionMetrics) -> None:
        self.gold_records += m.gold_records
        self.predicted_records += m.predicted_records
        self.matched += m.matched
        self.field_correct += m.field_correct
        self.field_total += m.field_total
        self.text_f1_sum += Counter(m.text_f1_sum)
        self.indicators_gold += m.indicators_gold
        self.indicators_predicted += m.indicators_predicted
        self.indicators_matched += m.indicators_matched
        self.indicator_levels_correct += m.indicator_levels_correct
        self.numbers_gold += m.numbers_gold
        self.numbers_correct += m.numbers_correct
        for r in m.records:
            self.scored_records += 1
            self.erroneous += r.erroneous
            self.routed += r.needs_review
            self.erroneous_routed += r.erroneous and r.needs_review
            b = min(int((r.confidence or 0) * CALIBRATION_BINS), CALIBRATION_BINS - 1)
            self.bin_records[b] += 1
            self.bin_erroneous[b] += r.erroneous

    def add_verifier(self, m: VerifierMetrics) -> None:
        self.inconsistencies += m.inconsistencies
        self.findings += m.findings
        self.found += m.found
        self.true_findings += m.true_findings

    def add_mutations(self, outcomes: list[MutationOutcome]) -> None:
        for o in outcomes:
            keys = ["all", f"area:{o.mutation.area}"]
            if o.mutation.within_tolerance:
                keys.append("within_tolerance")
            if o.mutation.checkable:
                keys += ["checkable", f"checkable:{o.mutation.kind}"]
            for key in keys:
                self.mutations[key] += 1
                self.detected[key] += o.detected
                self.located[key] += o.located


def _rate(n: float, d: float) -> float | None:
    return None if d == 0 else round(n / d, 4)


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else round(2 * p * r / (p + r), 4)


def rates(t: Tally) -> dict[str, Any]:
    """The report's metrics from the counts; None where there was nothing to measure."""
    ind_p = _rate(t.indicators_matched, t.indicators_predicted)
    ind_r = _rate(t.indicators_matched, t.indicators_gold)
    pairs = t.field_total["name"]
    return {
        "projects": {
            "gold": t.gold_records,
            "extracted": t.predicted_records,
            "matched": t.matched,
            "precision": _rate(t.matched, t.predicted_records) if t.gold_records else None,
            "recall": _rate(t.matched, t.gold_records),
        },
        "fields": {f: _rate(t.field_correct[f], t.field_total[f]) for f in (*EXACT_FIELDS, *AMOUNT_FIELDS)},
        "text_f1": {f: _rate(t.text_f1_sum[f], pairs) for f in TEXT_FIELDS},
        "indicators": {
            "precision": ind_p,
            "recall": ind_r,
            "f1": _f1(ind_p, ind_r),
            "level_accuracy": _rate(t.indicator_levels_correct, t.indicators_matched),
        },
        "numeric_accuracy": _rate(t.numbers_correct, t.numbers_gold),
        "verifier": {
            "inconsistencies": t.inconsistencies,
            "findings": t.findings,
            "precision": _rate(t.true_findings, t.findings) if t.inconsistencies or t.findings else None,
            "recall": _rate(t.found, t.inconsistencies),
        },
        "mutation": {
            key: {
                "n": t.mutations[key],
                "detected": _rate(t.detected[key], t.mutations[key]),
                "located": _rate(t.located[key], t.mutations[key]),
            }
            for key in [
                "checkable",
                *(f"checkable:{k}" for k in KINDS),
                "all",
                "within_tolerance",
                *sorted(k for k in t.mutations if k.startswith("area:")),
            ]
            if t.mutations[key]
        },
        "calibration": {
            "records": t.scored_records,
            "erroneous": t.erroneous,
            "routed_errors": _rate(t.erroneous_routed, t.erroneous),
            "review_load": _rate(t.routed, t.scored_records),
            "bins": [
                {
                    "lo": b / CALIBRATION_BINS,
                    "hi": (b + 1) / CALIBRATION_BINS,
                    "records": t.bin_records[b],
                    "erroneous_share": _rate(t.bin_erroneous[b], t.bin_records[b]),
                }
                for b in range(CALIBRATION_BINS)
            ],
        },
        "usage": {
            "calls": t.requests,
            "prompt_tokens": t.prompt_tokens,
            "completion_tokens": t.completion_tokens,
            "cost": str(t.cost),
            "cached": t.cached,
            "wall_time_s": round(t.wall_time_s, 2),
        },
    }
