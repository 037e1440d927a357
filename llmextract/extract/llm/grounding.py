"""Finding the LLM's quoted strings in the region they came from, up to whitespace and full-width forms.

PDF text and text exports break cells across lines and mix full-width and half-width punctuation, and a model
copying a cell often drops those breaks; so both sides are compared as :func:`llmextract.core.alignment.normalise`
leaves them (the one normalisation policy of the project: the verifier aligns with it too), and a match is
mapped back to a span of the original text. Unlike ``core.alignment.Aligner`` this index answers the
validators' many "is it there?" questions with a plain substring test, finds the k-th occurrence (the 实施期
and 年度 columns repeat indicator names), and never goes fuzzy: a quote the model changed is re-asked.

One exception to "contiguous": a cell continued over a page break is printed in two pieces with the page's
furniture (a page number, a repeated header row) between them. A quote is found in up to three pieces when
each piece but the last ends its line, each piece but the first starts a cell (after a tab or a line break),
and the furniture skipped between two pieces is at most a few dozen characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from llmextract.core.alignment import normalise
from llmextract.core.numbers import half_width

_NON_SPACE = re.compile(r"\S+")
_MAX_PIECES = 3
_MIN_PIECE = 2  # characters of a quote's piece after a page break
_MAX_GAP = 120  # normalised characters of page furniture between two pieces


@dataclass(frozen=True, slots=True)
class GroundedText:
    """A region's text in normalised form; the original offset of each normalised character is computed on the
    first use (validating a quote that occurs whole only needs a substring test)."""

    original: str
    text: str
    _offsets: list[int] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def of(cls, original: str) -> GroundedText:
        return cls(original, normalise(original))

    @property
    def offsets(self) -> list[int]:
        if not self._offsets and self.text:
            # half_width maps one character to one, so offsets into its result are offsets into the original.
            for run in _NON_SPACE.finditer(half_width(self.original)):
                self._offsets.extend(range(run.start(), run.end()))
        return self._offsets

    def contains(self, quote: str) -> bool:
        needle = normalise(quote)
        return not needle or needle in self.text or self._split_match(needle, 0) is not None

    def find(self, quote: str, occurrence: int = 0, start: int = 0) -> tuple[int, int] | None:
        """Span ``[start, end)`` in the original text of the ``occurrence``-th match at or after the original
        offset ``start`` (falling back to the last one when there are fewer); None when the quote is empty or
        absent."""
        needle = normalise(quote)
        if not needle:
            return None
        found: tuple[int, int] | None = None
        at = self._normalised_index(start)
        for _ in range(occurrence + 1):
            span = self._match(needle, at)
            if span is None:
                break
            found = (self.offsets[span[0]], self.offsets[span[1] - 1] + 1)
            at = span[0] + 1
        return found

    def _normalised_index(self, original: int) -> int:
        if original <= 0:
            return 0
        offsets = self.offsets
        lo, hi = 0, len(offsets)
        while lo < hi:
            mid = (lo + hi) // 2
            if offsets[mid] < original:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _match(self, needle: str, at: int) -> tuple[int, int] | None:
        """Normalised span of the first match at or after ``at``: whole, or in pieces over page breaks."""
        whole = self.text.find(needle, at)
        split = self._split_match(needle, at)
        if whole < 0:
            return split
        if split is not None and split[0] < whole:
            return split
        return whole, whole + len(needle)

    def _split_match(self, needle: str, at: int) -> tuple[int, int] | None:
        head = needle[: max(_MIN_PIECE, 4)]
        if len(needle) <= len(head):
            return None
        pos = self.text.find(head, at)
        while pos >= 0:
            end = self._pieces(needle, pos, 1)
            if end is not None:
                return pos, end
            pos = self.text.find(head, pos + 1)
        return None

    def _pieces(self, needle: str, pos: int, piece: int) -> int | None:
        """End of a match of ``needle`` starting at ``pos`` in at most the pieces left; None if there is none."""
        length = _common_prefix(self.text, pos, needle)
        if length == len(needle):
            return pos + length
        if piece >= _MAX_PIECES or length < _MIN_PIECE:
            return None
        rest = needle[length:]
        gap_start = pos + length
        probe = rest[:_MIN_PIECE]
        nxt = self.text.find(probe, gap_start + 1, gap_start + _MAX_GAP + len(probe))
        while nxt >= 0:
            if self._ends_line(gap_start) and self._starts_cell(nxt):
                end = self._pieces(rest, nxt, piece + 1)
                if end is not None:
                    return end
            nxt = self.text.find(probe, nxt + 1, gap_start + _MAX_GAP + len(probe))
        return None

    def _ends_line(self, end: int) -> bool:
        """Whether normalised character ``end - 1`` is the last of its line in the original text."""
        after = self.original[self.offsets[end - 1] + 1 :]
        stripped = after.lstrip(" \u3000\t")
        return not stripped or stripped[0] == "\n"

    def _starts_cell(self, start: int) -> bool:
        """Whether normalised character ``start`` opens a line or a tab-separated cell in the original text."""
        before = self.original[: self.offsets[start]].rstrip(" \u3000")
        return not before or before[-1] in "\t\n"


def _common_prefix(text: str, pos: int, needle: str) -> int:
    n = 0
    limit = min(len(needle), len(text) - pos)
    while n < limit and text[pos + n] == needle[n]:
        n += 1
    return n
