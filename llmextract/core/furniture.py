"""Page furniture: what a page prints around its content (page numbers), which a quote running over a page
break never includes."""

from __future__ import annotations

import re

from llmextract.core.document import Document

# A bare page number ("25", "- 25 -", "—25—") or "第25页…".
PAGE_NUMBER = re.compile(r"^([-—－\s]*\d{1,4}[-—－\s]*|第\s*\d+\s*页.*)$")


def page_number_spans(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the page-number lines in ``[start, end)`` that end or open a page (a number inside a page's
    content is content)."""
    lines = doc.lines_in(start, end)
    spans: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        at_edge = (i + 1 == len(lines) or lines[i + 1].page != line.page) or (i == 0 or lines[i - 1].page != line.page)
        if at_edge and line.table is None and PAGE_NUMBER.match(line.text.strip()) and line.text.strip():
            spans.append((line.start, line.end))
    return spans
