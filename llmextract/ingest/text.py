"""Text ingest for .txt/.md exports of budget disclosures.

Tab-separated (or markdown pipe) rows become table rows; markdown heading marks and simple HTML tags are not
content; watermark lines repeated over and over ("仅供内部审核") are dropped. A form feed starts a new page;
exports without form feeds are a single page.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from llmextract.core.document import Document
from llmextract.ingest.builder import CellDraft, DocumentBuilder
from llmextract.ingest.encoding import decode_text
from llmextract.ingest.files import InputFile

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_TAG = re.compile(r"</?(?:b|p|strong|em|i|u|span|br|div|font|center|sup|sub)\b[^<>]*>", re.IGNORECASE)
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_WATERMARK_MAX_LEN = 30
_NON_TAB_SPACE = " \u3000\xa0\r\n\v"


def clean_line(raw: str) -> str:
    """Strip markdown heading marks, inline HTML tags, entities and surrounding whitespace."""
    line = _HEADING.sub("", raw)
    line = _TAG.sub("", line)
    if "&" in line:
        line = html.unescape(line)
    # Tabs are cell separators: stripping them would shift a row's leading empty cells away.
    return line.strip(_NON_TAB_SPACE)


def split_row(line: str) -> list[str] | None:
    """Cells of a table row (tab-separated or a markdown pipe row), or None for a prose line."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    if line.startswith("|") and line.endswith("|") and line.count("|") >= 3:
        return [cell.strip() for cell in line[1:-1].split("|")]
    return None


def find_watermarks(lines: list[str]) -> set[str]:
    """Short lines that repeat back to back (blank lines aside) at least twice in the file.

    A watermark is stamped many times per page, so copies sit next to each other; a repeated page header
    such as "单位：万元" never does, so it is kept.
    """
    runs: Counter[str] = Counter()
    previous = None
    for line in lines:
        if not line:
            continue
        if line == previous and len(line) <= _WATERMARK_MAX_LEN and "\t" not in line:
            runs[line] += 1
        previous = line
    return {line for line, n in runs.items() if n >= 2}


def ingest_text(source: InputFile) -> Document:
    text, encoding = decode_text(source.data, str(source.path))
    builder = DocumentBuilder(source.doc_id, str(source.path), "text")
    pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    all_lines = [[clean_line(raw) for raw in page.split("\n")] for page in pages]
    watermarks = find_watermarks([ln for page in all_lines for ln in page])
    if watermarks:
        builder.warnings.append(f"dropped watermark lines: {', '.join(sorted(watermarks))}")
    for number, lines in enumerate(all_lines, start=1):
        builder.begin_page(number)
        _add_page_lines(builder, [ln for ln in lines if ln not in watermarks])
        builder.end_page(has_text=any(lines))
    return builder.build(encoding=encoding)


def _add_page_lines(builder: DocumentBuilder, lines: list[str]) -> None:
    rows: list[list[str]] = []
    blank_pending = False
    for line in lines:
        if _PIPE_SEPARATOR.match(line) and rows:
            continue
        cells = split_row(line)
        if cells is not None and not any(cells[1:]) and not rows:
            # Only the first cell filled and no table under way: a title or paragraph with stray trailing tabs.
            cells, line = None, cells[0]
        if cells is not None:
            if blank_pending and not rows:
                builder.add_blank()
            # A blank line inside a run of rows is a page break of the export, not the end of the table.
            blank_pending = False
            rows.append(cells)
            continue
        if not line:
            blank_pending = True
            continue
        _flush_rows(builder, rows)
        if blank_pending:
            builder.add_blank()
            blank_pending = False
        builder.add_line(line)
    _flush_rows(builder, rows)


def _flush_rows(builder: DocumentBuilder, rows: list[list[str]]) -> None:
    if not rows:
        return
    n_cols = max(len(r) for r in rows)
    drafts = [CellDraft(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row)]
    builder.add_table(len(rows), n_cols, drafts)
    rows.clear()
