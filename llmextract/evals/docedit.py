"""Edit a Document's text and keep every span consistent: the mutated documents of the verifier eval.

A mutation replaces a few characters (a number) inside a cell or a prose line; every page, line, table and cell
span after the edit moves by the change in length, and the texts of the lines and cells that hold the edit are
rewritten. The result is what ingest would have produced from the corrupted file, without re-parsing a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from llmextract.core.document import Cell, Document, Line, Page, Table


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``Document.text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


def edit_document(doc: Document, edits: list[Edit]) -> Document:
    """The document with the (non-overlapping) edits applied; spans are moved, texts rewritten."""
    ordered = sorted(edits, key=lambda e: e.start)
    for a, b in pairwise(ordered):
        if b.start < a.end:
            raise ValueError(f"overlapping edits at {a.start} and {b.start}")
    parts: list[str] = []
    pos = 0
    for e in ordered:
        parts.append(doc.text[pos : e.start])
        parts.append(e.new)
        pos = e.end
    parts.append(doc.text[pos:])
    text = "".join(parts)

    def moved(offset: int) -> int:
        # An edit lies inside a span, so a span edge moves only by the edits wholly before it.
        return offset + sum(len(e.new) - (e.end - e.start) for e in ordered if e.end <= offset)

    def touched(start: int, end: int) -> bool:
        return any(start <= e.start and e.end <= end for e in ordered)

    def line(ln: Line) -> Line:
        start, end = moved(ln.start), moved(ln.end)
        return replace(ln, start=start, end=end, text=text[start:end] if touched(ln.start, ln.end) else ln.text)

    def cell(c: Cell) -> Cell:
        start, end = moved(c.start), moved(c.end)
        return replace(c, start=start, end=end, text=text[start:end] if touched(c.start, c.end) else c.text)

    def table(t: Table) -> Table:
        return replace(t, start=moved(t.start), end=moved(t.end), cells=tuple(cell(c) for c in t.cells))

    def page(p: Page) -> Page:
        return replace(p, start=moved(p.start), end=moved(p.end))

    return Document(
        doc_id=doc.doc_id,
        source=doc.source,
        kind=doc.kind,
        text=text,
        pages=tuple(page(p) for p in doc.pages),
        lines=tuple(line(ln) for ln in doc.lines),
        tables=tuple(table(t) for t in doc.tables),
        encoding=doc.encoding,
        warnings=doc.warnings,
    )


def moved_span(edits: list[Edit], start: int, end: int) -> tuple[int, int]:
    """Where the span of an edit's original text lies in the edited document."""
    shift = sum(len(e.new) - (e.end - e.start) for e in edits if e.end <= start)
    own = next((e for e in edits if e.start == start and e.end == end), None)
    return start + shift, start + shift + (len(own.new) if own else end - start)
