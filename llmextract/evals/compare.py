"""The regression gate: compare a report with a baseline report, metric by metric.

Only rates are gated (see ``TOLERANCES``): precision, recall, F1, accuracies, detection and location rates and
the share of erroneous records routed to review, under ``summary`` and each ``documents[*].metrics``; usage,
counts, review load and calibration bins are not. A metric present in only one of the two reports
(a new gold file, a new document) is listed but never a regression.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmextract.evals.tally import RATE_TOLERANCE

_RATE_KEYS = {"precision", "recall", "f1", "level_accuracy", "detected", "located", "routed_errors", "numeric_accuracy"}
_RATE_GROUPS = {"fields", "text_f1"}


@dataclass(frozen=True, slots=True)
class Change:
    metric: str
    baseline: float
    current: float

    @property
    def delta(self) -> float:
        return self.current - self.baseline

    @property
    def regression(self) -> bool:
        return self.delta < -RATE_TOLERANCE - 1e-9


def _flatten(path: tuple[str, ...], value: Any, out: dict[str, float]) -> None:
    if isinstance(value, dict):
        for key, v in value.items():
            _flatten((*path, str(key)), v, out)
    elif isinstance(value, int | float) and not isinstance(value, bool) and _is_rate(path):
        out[".".join(path)] = float(value)


def _is_rate(path: tuple[str, ...]) -> bool:
    return "usage" not in path and (path[-1] in _RATE_KEYS or (len(path) > 1 and path[-2] in _RATE_GROUPS))


def gated_metrics(report: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    _flatten(("summary",), report.get("summary", {}), out)
    for doc in report.get("documents", []):
        if "metrics" in doc:
            _flatten((f"documents[{doc['source']}]",), doc["metrics"], out)
    return out


def compare(report: dict[str, Any], baseline: dict[str, Any]) -> list[Change]:
    """Every gated metric present in both reports, with its change."""
    now, before = gated_metrics(report), gated_metrics(baseline)
    return [Change(k, before[k], now[k]) for k in sorted(now.keys() & before.keys())]


def regressions(changes: list[Change]) -> list[Change]:
    return [c for c in changes if c.regression]
