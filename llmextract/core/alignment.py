"""Aligning a quoted string (a field value, an indicator) to its span in a document's text.

Statuses, from strongest to weakest:

- ``exact``: the quote occurs verbatim.
- ``normalised``: it occurs once whitespace and line breaks are removed and full-width forms folded to
  half-width (what a PDF line break inside a cell, or an export's ``，`` vs ``,``, changes) — nothing else.
- ``fuzzy``: a character-level match (Chinese has no word boundaries, so no tokenizer) covering at least
  ``FUZZY_MIN_RATIO`` of the quote; the score says how much.
- ``not_found``: none of the above. Text that is not found is never silently kept: callers flag it.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from llmextract.core.numbers import half_width

AlignmentStatus = Literal["exact", "normalised", "fuzzy", "not_found"]

FUZZY_MIN_RATIO = 0.75


@dataclass(frozen=True, slots=True)
class Alignment:
    status: AlignmentStatus
    start: int | None = None
    end: int | None = None
    score: float = 0.0

    @property
    def found(self) -> bool:
        return self.status != "not_found"


NOT_FOUND = Alignment("not_found")


def normalise(text: str) -> str:
    """Whitespace and line breaks removed, full-width forms folded to half-width."""
    return "".join(half_width(text).split())


class Aligner:
    """Aligns quotes within ``text[start:end]`` (a block of a document); spans are offsets into ``text``."""

    def __init__(
        self, text: str, start: int = 0, end: int | None = None, skip: list[tuple[int, int]] | None = None
    ) -> None:
        """``skip``: spans of page furniture (page numbers between two pages of a quote) that normalised and
        fuzzy matching pass over."""
        self.text = text
        self.start = start
        self.end = len(text) if end is None else end
        skipped = {i for s, e in skip or () for i in range(s, e)}
        chars: list[str] = []
        offsets: list[int] = []
        for i in range(self.start, self.end):
            if i in skipped:
                continue
            for folded in normalise(text[i]):
                chars.append(folded)
                offsets.append(i)
        self._norm = "".join(chars)
        self._offsets = offsets

    def align(self, quote: str | None) -> Alignment:
        if quote is None or not quote.strip():
            return NOT_FOUND
        at = self.text.find(quote, self.start, self.end)
        if at >= 0 and at + len(quote) <= self.end:
            return Alignment("exact", at, at + len(quote), 1.0)
        needle = normalise(quote)
        if not needle:
            return NOT_FOUND
        at = self._norm.find(needle)
        if at >= 0:
            return Alignment("normalised", *self._span(at, at + len(needle)), 1.0)
        return self._fuzzy(needle)

    def _span(self, norm_start: int, norm_end: int) -> tuple[int, int]:
        return self._offsets[norm_start], self._offsets[norm_end - 1] + 1

    def _fuzzy(self, needle: str) -> Alignment:
        hay = self._norm
        if not hay:
            return NOT_FOUND
        matcher = SequenceMatcher(None, hay, needle, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            return NOT_FOUND
        # Grow a window around the longest common run, taking in runs that sit close to it, so that a few
        # stray common characters elsewhere in the block do not stretch the span.
        core = max(blocks, key=lambda b: b.size)
        slack = max(2, len(needle) // 4)
        lo, hi, matched = core.a, core.a + core.size, core.size
        for b in sorted(blocks, key=lambda b: abs(b.a - core.a)):
            if b is core:
                continue
            if lo - slack <= b.a + b.size and b.a <= hi + slack and (b.b < core.b) == (b.a < core.a):
                lo, hi, matched = min(lo, b.a), max(hi, b.a + b.size), matched + b.size
        score = 2 * matched / ((hi - lo) + len(needle))
        if score < FUZZY_MIN_RATIO:
            return NOT_FOUND
        return Alignment("fuzzy", *self._span(lo, hi), round(score, 3))
