"""Counts of one document (or of a whole suite: tallies add up) and the rates the reports show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from llmextract.core.usage import Usage
from llmextract.evals.metrics import (
    AMOUNT_FIELDS,
    EXACT_FIELDS,
    TEXT_FIELDS,
    TEXT_OK,
    Counts,
    ExtractionMetrics,
    RecordScore,
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
    "annual_funds": "gold records with a 年度资金总额 whose record (if found) has exactly that amount ÷ all of them",
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
class Tally(Counts):
    """Everything an eval counts for one document or a suite: the extraction and verifier counts of
    :mod:`llmextract.evals.metrics`, mutation outcomes, usage and time. Tallies add up."""

    extraction: ExtractionMetrics = field(default_factory=ExtractionMetrics)
    verifier: VerifierMetrics = field(default_factory=VerifierMetrics)
    mutations: Counter[str] = field(default_factory=Counter)
    detected: Counter[str] = field(default_factory=Counter)
    located: Counter[str] = field(default_factory=Counter)
    usage: Usage = field(default_factory=Usage)
    wall_time_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        e, v, u = self.extraction, self.verifier, self.usage
        return {
            "extraction": {k: _plain(val) for k, val in vars(e).items() if k != "records"},
            "records": [vars(r) for r in e.records],
            "verifier": {k: _plain(val) for k, val in vars(v).items()},
            "mutations": {"n": dict(self.mutations), "detected": dict(self.detected), "located": dict(self.located)},
            "usage": u.to_dict(),
            "wall_time_s": self.wall_time_s,
        }

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


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, Counter) else value


def _rate(n: float, d: float) -> float | None:
    return None if d == 0 else round(n / d, 4)


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else round(2 * p * r / (p + r), 4)


def rates(tally: Tally) -> dict[str, Any]:
    """The report's metrics from the counts; None where there was nothing to measure."""
    t, v, u = tally.extraction, tally.verifier, tally.usage
    ind_p = _rate(t.indicators_matched, t.indicators_predicted)
    ind_r = _rate(t.indicators_matched, t.indicators_gold)
    pairs = t.field_total["name"]
    bins = _calibration_bins(t.records)
    scored = t.records
    erroneous = [r for r in scored if r.erroneous]
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
        "annual_funds": _rate(t.annual_correct, t.annual_gold),
        "verifier": {
            "inconsistencies": v.inconsistencies,
            "findings": v.findings,
            "precision": _rate(v.true_findings, v.findings) if v.inconsistencies or v.findings else None,
            "recall": _rate(v.found, v.inconsistencies),
        },
        "mutation": {
            key: {
                "n": tally.mutations[key],
                "detected": _rate(tally.detected[key], tally.mutations[key]),
                "located": _rate(tally.located[key], tally.mutations[key]),
            }
            for key in [
                "checkable",
                *(f"checkable:{k}" for k in KINDS),
                "all",
                "within_tolerance",
                *sorted(k for k in tally.mutations if k.startswith("area:")),
            ]
            if tally.mutations[key]
        },
        "calibration": {
            "records": len(scored),
            "erroneous": len(erroneous),
            "routed_errors": _rate(sum(r.needs_review for r in erroneous), len(erroneous)),
            "review_load": _rate(sum(r.needs_review for r in scored), len(scored)),
            "bins": bins,
        },
        "usage": {
            "calls": u.requests,
            "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens,
            "cost": None if u.cost is None else str(u.cost),
            "cached": u.cached,
            "wall_time_s": round(tally.wall_time_s, 2),
        },
    }


def _calibration_bins(records: list[RecordScore]) -> list[dict[str, Any]]:
    """Per confidence bin [lo, hi): records and the share of them that are erroneous."""
    counts: Counter[int] = Counter()
    wrong: Counter[int] = Counter()
    for r in records:
        b = min(int((r.confidence or 0) * CALIBRATION_BINS), CALIBRATION_BINS - 1)
        counts[b] += 1
        wrong[b] += r.erroneous
    return [
        {
            "lo": b / CALIBRATION_BINS,
            "hi": (b + 1) / CALIBRATION_BINS,
            "records": counts[b],
            "erroneous_share": _rate(wrong[b], counts[b]),
        }
        for b in range(CALIBRATION_BINS)
    ]
