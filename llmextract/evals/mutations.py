"""Numeric corruptions of a document, for testing the verifier.

Targets are the numbers a rule could in principle check: the amounts of the standard budget tables (the cells
``parse_tables`` reads) and the amounts and percentages of the prose claims (``claims``). Each mutation is one
of four kinds, drawn with a seeded ``random.Random`` so a run is reproducible:

- ``digit``: one digit of the number replaced by another;
- ``decimal``: the decimal point moved one place left or right (an integer gains one before its last digit);
- ``swap``: two different numbers of the same table row (else column), or of the same prose claim, exchanged;
- ``percent``: a percentage raised or lowered by 0.5–10 points (prose shares, rates of change, completion).

Two kinds of mutation are injected and reported but kept out of the headline rate, because no rule can see
them by design: numbers in ``prose:indicator`` (指标值 such as "≥95%" of project target tables that a raw text
dump leaves as prose: no relation constrains them) and changes ``within_tolerance`` (at most two rounding steps
of the printed number, e.g. 1,815.31 -> 1,815.32: the tolerance policy accepts sums off by that much).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from llmextract.core.document import Document
from llmextract.core.numbers import decimals, half_width
from llmextract.evals.docedit import Edit
from llmextract.layout.project_blocks import find_project_blocks
from llmextract.tables import BudgetTable
from llmextract.verify import claims

MutationKind = Literal["digit", "decimal", "swap", "percent"]
KINDS: tuple[MutationKind, ...] = ("digit", "decimal", "swap", "percent")

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PROSE_NUMBER = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|%)")


@dataclass(frozen=True, slots=True)
class Target:
    """A number the verifier could check: its span in ``Document.text`` and where it sits."""

    start: int
    end: int
    text: str
    area: str  # "table:<kind>" or "prose"
    group: tuple[int, int]  # numbers that may be swapped with each other share a group (row, claim)
    column: tuple[int, int] | None = None  # (table start, column index) for swaps down a column
    percent: bool = False


@dataclass(frozen=True, slots=True)
class Mutation:
    kind: MutationKind
    area: str
    edits: tuple[Edit, ...]
    before: str
    after: str
    within_tolerance: bool = False

    @property
    def checkable(self) -> bool:
        return not self.within_tolerance and self.area != "prose:indicator"


def find_targets(doc: Document, tables: list[BudgetTable]) -> list[Target]:
    """Every checkable number: standard-table amounts, then prose amounts and percentages."""
    targets: list[Target] = []
    for table in tables:
        if table.empty:
            continue
        for row in table.rows:
            for col, amount in sorted(row.amounts.items()):
                cell = doc.text[amount.start : amount.end]
                match = _NUMBER.search(cell)
                if match is None:
                    continue
                targets.append(
                    Target(
                        amount.start + match.start(),
                        amount.start + match.end(),
                        match.group(),
                        f"table:{table.kind}",
                        (table.start, row.start),
                        (table.start, col),
                    )
                )
    blocks = [(b.start, b.end) for b in find_project_blocks(doc)]
    seen: set[int] = set()
    for claim in claims(doc):
        loc = claim.location
        for match in _PROSE_NUMBER.finditer(doc.text, loc.start, loc.end):
            start = match.start("num")
            if start in seen or half_width(match.group("num")) != match.group("num"):
                continue
            seen.add(start)
            targets.append(
                Target(
                    start,
                    match.end("num"),
                    match.group("num"),
                    "prose:indicator" if any(s <= start < e for s, e in blocks) else "prose",
                    (loc.start, loc.end),
                    percent=match.group("unit") == "%",
                )
            )
    return targets


def draw_mutations(targets: list[Target], n: int, seed: int) -> list[Mutation]:
    """``n`` mutations spread evenly over the kinds (as far as the document has targets for them)."""
    rng = random.Random(seed)
    amounts = [t for t in targets if not t.percent]
    percents = [t for t in targets if t.percent]
    out: list[Mutation] = []
    attempts = 0
    while len(out) < n and attempts < n * 20:
        kind = KINDS[attempts % len(KINDS)]
        attempts += 1
        mutation = _draw(kind, amounts, percents, rng)
        if mutation is not None:
            out.append(mutation)
    return out


def _draw(kind: MutationKind, amounts: list[Target], percents: list[Target], rng: random.Random) -> Mutation | None:
    if kind == "percent":
        return _percent(rng.choice(percents), rng) if percents else None
    if not amounts:
        return None
    target = rng.choice(amounts)
    if kind == "digit":
        return _digit(target, rng)
    if kind == "decimal":
        return _decimal(target, rng)
    return _swap(target, amounts, rng)


def _value(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _within_tolerance(old: str, new: str) -> bool:
    """A change of at most two rounding steps of the printed number (its last decimal place)."""
    step = Decimal(1).scaleb(-decimals(_value(old))) if "." in old else Decimal("0.01")
    return abs(_value(new) - _value(old)) <= 2 * step


def _single(kind: MutationKind, target: Target, new: str) -> Mutation | None:
    if new == target.text:
        return None
    edit = Edit(target.start, target.end, new)
    return Mutation(kind, target.area, (edit,), target.text, new, _within_tolerance(target.text, new))


def _digit(target: Target, rng: random.Random) -> Mutation | None:
    positions = [i for i, ch in enumerate(target.text) if ch.isdigit()]
    i = rng.choice(positions)
    # A leading digit never becomes 0: "0,024.87" would be a formatting oddity, not a plausible misprint.
    lowest = 1 if i == positions[0] and len(positions) > 1 else 0
    choices = [d for d in "0123456789"[lowest:] if d != target.text[i]]
    return _single("digit", target, target.text[:i] + rng.choice(choices) + target.text[i + 1 :])


def _decimal(target: Target, rng: random.Random) -> Mutation | None:
    digits = target.text.replace(",", "")
    point = digits.index(".") if "." in digits else len(digits)
    bare = digits.replace(".", "")
    moves = [m for m in (-1, 1) if 0 < point + m <= len(bare)]
    if not moves:
        return None
    new_point = point + rng.choice(moves)
    new = bare[:new_point] + ("." + bare[new_point:] if new_point < len(bare) else "")
    # Keep a leading zero before the point ("0.5"), drop extra ones ("05.6" -> "5.6").
    new = new.lstrip("0") or "0"
    if new.startswith("."):
        new = "0" + new
    if Decimal(new) == Decimal(digits):
        return None
    return _single("decimal", target, new)


def _swap(target: Target, amounts: list[Target], rng: random.Random) -> Mutation | None:
    value = _value(target.text)
    same_row = [t for t in amounts if t.group == target.group and _value(t.text) != value]
    same_col = [
        t for t in amounts if target.column is not None and t.column == target.column and _value(t.text) != value
    ]
    partners = same_row or same_col
    if not partners:
        return None
    other = rng.choice(partners)
    edits = (Edit(target.start, target.end, other.text), Edit(other.start, other.end, target.text))
    return Mutation(
        "swap",
        target.area,
        edits,
        f"{target.text} ↔ {other.text}",
        f"{other.text} ↔ {target.text}",
        _within_tolerance(target.text, other.text),
    )


def _percent(target: Target, rng: random.Random) -> Mutation | None:
    value = Decimal(target.text)
    places = max(decimals(value), 1 if "." in target.text else 0)
    delta = Decimal(rng.choice([1, -1])) * Decimal(rng.randint(5, 100)) / 10
    new_value = value + delta if value + delta >= 0 else value - delta
    quantum = Decimal(1).scaleb(-places)
    return _single("percent", target, str(new_value.quantize(quantum)))
