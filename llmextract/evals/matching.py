"""Comparing extracted values with gold: normalisation, character F1, and record matching.

Records are matched one to one, greedily by name similarity (difflib ratio after whitespace normalisation),
most similar first; equally similar candidates pair up by position, in reading order, so two projects of the
same name match the gold ones in the order they are printed. A pair needs a similarity of at least
``MIN_NAME_SIMILARITY``.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

MIN_NAME_SIMILARITY = 0.6
_SPACE = re.compile(r"[\s\u3000]+")


def norm(value: Any) -> str | None:
    """Whitespace-free text; numbers as their Decimal string ("60100.00" == "60100"); None for empty."""
    if value is None:
        return None
    text = _SPACE.sub("", str(value))
    if not text:
        return None
    try:
        return str(Decimal(text.replace(",", "")).normalize())
    except InvalidOperation:
        return text


def char_f1(gold: str | None, predicted: str | None) -> float:
    """F1 of the character multisets (whitespace ignored); 1 when both are empty."""
    g, p = Counter(_SPACE.sub("", gold or "")), Counter(_SPACE.sub("", predicted or ""))
    if not g and not p:
        return 1.0
    overlap = sum((g & p).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def name_similarity(a: str | None, b: str | None) -> float:
    na, nb = norm(a) or "", norm(b) or ""
    if not na or not nb:
        return 0.0
    return SequenceMatcher(None, na, nb).ratio()


def match_records(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs, one to one."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            similarity = name_similarity(g.get("name"), p.get("name"))
            if similarity >= MIN_NAME_SIMILARITY:
                candidates.append((round(similarity, 6), gi, pi))
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    # Ties (two projects of the same name) go in reading order: the first gold one takes the first extracted one.
    for _, gi, pi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return sorted(pairs)


def get_path(record: dict[str, Any], path: str) -> Any:
    """``funding.sources.central`` of a record dict; None where a level is missing."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
