"""Token usage and estimated cost of LLM calls, per call (one region), per document and per run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens and HTTP requests spent on one or more blocks. A cache hit spends nothing: ``cached`` counts it."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal | None = Decimal(0)
    cached: int = 0

    def __add__(self, other: Usage) -> Usage:
        cost = None if self.cost is None or other.cost is None else self.cost + other.cost
        return Usage(
            self.requests + other.requests,
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            cost,
            self.cached + other.cached,
        )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost": None if self.cost is None else str(self.cost),
            "cached": self.cached,
        }


def total(usages: Iterable[Usage]) -> Usage:
    """Sum per document or per run: ``total(r.usage for r in results)``."""
    out = Usage()
    for usage in usages:
        out = out + usage
    return out
