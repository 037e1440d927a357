"""Finding the LLM's quoted strings in the block they came from, up to whitespace and full-width forms.

PDF text and text exports break cells across lines and mix full-width and half-width punctuation, and a model
copying a cell often drops those breaks; so both sides are compared as :func:`llmextract.core.alignment.normalise`
leaves them (the one normalisation policy of the project: the verifier aligns with it too), and a match is
mapped back to a span of the original text. Unlike ``core.alignment.Aligner`` this index answers the
validators' many "is it there?" questions with a plain substring test, finds the k-th occurrence (the 实施期
and 年度 columns repeat indicator names), and never goes fuzzy: a quote the model changed is re-asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from llmextract.core.alignment import normalise
from llmextract.core.numbers import half_width

_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class GroundedText:
    """A block's text in normalised form; the original offset of each normalised character is computed on the
    first :meth:`find` (validation only needs :meth:`contains`, which is a plain substring test)."""

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
        return not needle or needle in self.text

    def find(self, quote: str, occurrence: int = 0) -> tuple[int, int] | None:
        """Span ``[start, end)`` in the original text of the ``occurrence``-th match (falling back to the last
        one when there are fewer); None when the quote is empty or absent."""
        needle = normalise(quote)
        if not needle:
            return None
        found: tuple[int, int] | None = None
        at = self.text.find(needle)
        for _ in range(occurrence + 1):
            if at < 0:
                break
            offsets = self.offsets
            found = (offsets[at], offsets[at + len(needle) - 1] + 1)
            at = self.text.find(needle, at + 1)
        return found
