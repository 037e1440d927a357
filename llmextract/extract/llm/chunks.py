"""Regions cut into requests: chunks whose reply fits the output budget, and the output budget of each.

A reply copies most of its region's text and adds the JSON keys of every field and indicator, so its length is
estimated from the region's tokens and cells (a table row of two indicator columns is two indicators' keys;
:func:`reply_tokens`), and ``max_tokens`` is sized to it, capped by the ``max_tokens`` setting. A region
whose estimated reply would not fit the setting is cut into chunks: before a line that starts a record (a
title, a 项目名称 row) when there is one in the second half of the chunk, else at a page boundary, else at any
line; a cut inside a record repeats the last lines of the chunk at the start of the next (``overlap``), and
the records the two chunks share are merged afterwards (:mod:`.assemble`). A reply cut at ``max_tokens`` all
the same is asked again as two halves (:func:`halves`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.document import Document
from llmextract.core.records import RecordKind
from llmextract.extract.llm.ratelimit import estimate_tokens
from llmextract.extract.llm.regions import Region

# Reply size, fitted on perfect replies (the oracle test server's, blank fields left out as the prompt asks) to
# the in-sample gold documents: tokens per region token, per printed cell (the keys of the field or indicator
# it fills), per packed item (a cell listing several indicators joined by ；repeats the keys for each), and
# for the envelope. The replies take 0.45 of the estimate at the median and 1.2 at most: bounding the worst
# instead would halve every chunk (and double the prompt overhead) to spare one request in ten a retry.
REPLY_PER_TOKEN = 1.0
REPLY_PER_CELL = 6
REPLY_PER_ITEM = 20
REPLY_BASE = 40
_PACKED = re.compile(r"[;；]")
# max_tokens leaves this much room above the estimate (models differ in how they spell JSON).
HEADROOM = 1.5
MIN_MAX_TOKENS = 512
_ABOVE = 0.2  # share of the budget a region's first chunk may take from the lines above it
_OVERLAP = 0.15  # share of a chunk's budget repeated at the start of the next one after a cut inside a record
_RECORD_START = re.compile(
    r"^\s*(项目名称|专项[（(]项目[）)]名称|单位[（(]项目[）)]名称|专项资金名称|部门[（(]单位[）)]名称)|"
    r"^[^\t]{0,40}(绩效目标表|绩效表|绩效自评表|绩效评价表|目标申报表)\s*$"
)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One request: whole lines ``first..last`` of a region, read for records of the region's kind."""

    kind: RecordKind
    region: int  # index of the region in the document's regions
    first: int
    last: int
    start: int
    end: int
    page: int

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def reply_tokens(tokens: int, cells: int, packed: int = 0) -> int:
    """Estimated tokens of a complete reply to a text of ``tokens`` tokens in ``cells`` printed cells (a line
    without tabs is one) with ``packed`` item separators."""
    return int(REPLY_PER_TOKEN * tokens + REPLY_PER_CELL * cells + REPLY_PER_ITEM * packed + REPLY_BASE)


def max_tokens_for(doc: Document, chunk: Chunk, cap: int) -> int:
    """The ``max_tokens`` of a chunk's request: its estimated reply with headroom, at most ``cap``."""
    tokens, cells = _size(doc, chunk.first, chunk.last)
    packed = len(_PACKED.findall(doc.text, chunk.start, chunk.end))
    return min(cap, max(MIN_MAX_TOKENS, int(HEADROOM * reply_tokens(tokens, cells, packed))))


def chunk_regions(doc: Document, regions: list[Region], cap: int) -> list[Chunk]:
    """Every region cut into chunks whose estimated reply fits ``cap`` tokens (a reply longer than its chunk's
    ``max_tokens`` is asked again in halves)."""
    out: list[Chunk] = []
    for index, region in enumerate(regions):
        out.extend(_cut(doc, region.kind, index, region.first, region.last, cap))
    return out


def halves(doc: Document, chunk: Chunk) -> list[Chunk] | None:
    """A chunk whose reply was cut at ``max_tokens``, as two smaller chunks; None for a single line."""
    if chunk.last <= chunk.first:
        return None
    tokens, _ = _size(doc, chunk.first, chunk.last)
    middle, spent = chunk.first, 0
    while middle < chunk.last and spent + _line_tokens(doc.lines[middle].text) <= tokens // 2:
        spent += _line_tokens(doc.lines[middle].text)
        middle += 1
    cut, overlap = _cut_point(doc, chunk.first, max(middle, chunk.first + 1), spent)
    second = max(chunk.first + 1, cut - overlap)
    return [
        _chunk(doc, chunk.kind, chunk.region, chunk.first, cut - 1),
        _chunk(doc, chunk.kind, chunk.region, second, chunk.last),
    ]


def with_lines_above(doc: Document, chunk: Chunk, floor: int, cap: int) -> Chunk | None:
    """The chunk with the lines above it (after line ``floor``), as many as a fifth of its budget allows: for
    a region whose first record's name is printed above it. None when there are none."""
    budget = _ABOVE * cap
    first, spent = chunk.first, 0
    while first - 1 > floor and spent + _line_tokens(doc.lines[first - 1].text) <= budget:
        first -= 1
        spent += _line_tokens(doc.lines[first].text)
    return None if first == chunk.first else _chunk(doc, chunk.kind, chunk.region, first, chunk.last)


def _cut(doc: Document, kind: RecordKind, region: int, first: int, last: int, cap: int) -> list[Chunk]:
    prefix, cells, packs = [0], [0], [0]
    for line in doc.lines[first : last + 1]:
        prefix.append(prefix[-1] + _line_tokens(line.text))
        cells.append(cells[-1] + _cells(line.text))
        packs.append(packs[-1] + len(_PACKED.findall(line.text)))

    def fits(i: int, j: int) -> bool:  # lines i..j
        a, b = i - first, j + 1 - first
        return reply_tokens(prefix[b] - prefix[a], cells[b] - cells[a], packs[b] - packs[a]) <= cap

    out: list[Chunk] = []
    i = first
    while i <= last:
        j = i
        while j <= last and fits(i, j):
            j += 1
        if j > last:
            out.append(_chunk(doc, kind, region, i, last))
            break
        j = max(j, i + 1)  # a single line over the budget goes alone
        cut, overlap = _cut_point(doc, i, j, prefix[j - first] - prefix[i - first])
        out.append(_chunk(doc, kind, region, i, cut - 1))
        i = max(i + 1, cut - overlap)
    return out


def _cut_point(doc: Document, first: int, stop: int, tokens: int) -> tuple[int, int]:
    """Where to cut lines ``first..stop-1`` (the index of the next chunk's first line) and how many lines the
    next chunk repeats: a record start in the second half needs none; a page boundary or a line does."""
    lines = doc.lines
    half = first + max(1, (stop - first) // 2)
    for k in range(stop - 1, half - 1, -1):
        if _RECORD_START.match(lines[k].text):
            return k, 0
    cut = next((k for k in range(stop - 1, half - 1, -1) if lines[k].page != lines[k - 1].page), stop)
    budget = _OVERLAP * tokens
    overlap = 0
    spent = 0
    while cut - overlap - 1 > first and spent + _line_tokens(lines[cut - overlap - 1].text) <= budget:
        spent += _line_tokens(lines[cut - overlap - 1].text)
        overlap += 1
    return cut, max(overlap, 1 if cut - 1 > first else 0)


def _size(doc: Document, first: int, last: int) -> tuple[int, int]:
    """Tokens and printed cells of lines ``first..last``."""
    lines = doc.lines[first : last + 1]
    return sum(_line_tokens(ln.text) for ln in lines), sum(_cells(ln.text) for ln in lines)


def _cells(text: str) -> int:
    return max(1, sum(1 for cell in text.split("\t") if cell.strip()))


def _line_tokens(text: str) -> int:
    return estimate_tokens(text) + 1


def _chunk(doc: Document, kind: RecordKind, region: int, first: int, last: int) -> Chunk:
    a, b = doc.lines[first], doc.lines[last]
    return Chunk(kind, region, first, last, a.start, b.end, a.page)
