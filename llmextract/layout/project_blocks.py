"""Project blocks: the span of each project target table, department-wide table and self-evaluation table.

A block runs from the table's title (when one is printed just above it) to its last indicator row. Tables
continue across pages: page numbers, repeated titles and "(2026年度)" lines between two pages belong to the
block, and a row split by the page break ("…补助资" / "金") stays inside it. A block ends at the signature
line (负责人：…), a closing 备注/总分 row, prose, or a title that is not followed by more indicator rows.

Works on tab-separated rows (PDF tables, text exports) and on raw PDF text dumps whose cells are split over
lines (``raw=True``: the form has no tabs, so readers must segment it by its labels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from llmextract.core.document import Document, Line
from llmextract.core.records import RecordKind
from llmextract.layout.block_layouts import Entry, place_lists_and_prose
from llmextract.layout.parts import find_project_tables, is_toc_line

_TITLE = re.compile(r"(绩效目标|绩效自评|绩效评价|目标申报)表")
_EVALUATION_TITLE = re.compile(r"(自评|评价)表")
_DEPT_TITLE = re.compile(r"整体支出绩效目标")
_INDICATOR_HEADER = re.compile(r"三级指标")
_SIGNATURE = re.compile(r"^\s*(负责人|填报人|审核人)[:：]")
_CLOSING_ROW = re.compile(r"^\s*(备注|总分)\s*(\t|$)")
_PROJECT_FIELD = re.compile(r"^\s*项目名称")
# A grid row continued on the next page: label column, blank level cells, or an indicator level word.
_CONTINUATION_ROW = re.compile(r"^(绩效指标|\t|[^\t]*(产出|效益|满意度|成本)(指标)?\t)")
_MAX_TITLE = 60
_MAX_FURNITURE = 40  # page numbers, "(2026年度)", repeated titles; longer text without cells is prose
_TITLE_LOOKBACK = 4  # lines above 项目名称 where the table's own title may be

BlockLayout = Literal["form", "rows", "prose"]


@dataclass(frozen=True, slots=True)
class ProjectBlock:
    """One project to read: ``[start, end)`` into Document.text. A form runs from its title (if any) to its
    last row; a project of a row list covers its rows, a prose project its heading and sections."""

    kind: RecordKind
    title: str | None
    page: int
    start: int
    end: int
    raw: bool
    layout: BlockLayout = "form"
    # The row list's or prose section's reading of the project; on a form, the prose that explains it.
    entry: Entry | None = None

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def find_project_blocks(doc: Document) -> list[ProjectBlock]:
    """Every project, department-wide and self-evaluation table of ``doc``, and every project of a row list
    or explained in prose, in document order."""
    line_index = {ln.start: i for i, ln in enumerate(doc.lines)}
    starts = sorted(
        {line_index[p.start] for p in find_project_tables(doc) if p.start in line_index}
        | set(_untitled_form_starts(doc))
    )
    blocks: list[ProjectBlock] = []
    previous_end = 0
    for n, first in enumerate(starts):
        limit = starts[n + 1] if n + 1 < len(starts) else len(doc.lines)
        raw = _is_raw(doc.lines, first, limit)
        last = _last_row(doc.lines, first, limit, raw)
        title_line = _title_above(doc.lines, first, previous_end)
        head = doc.lines[title_line if title_line is not None else first]
        title = head.text.replace("\t", "").strip() if title_line is not None else None
        if _DEPT_TITLE.search(doc.lines[first].text):
            title = doc.lines[first].text.replace("\t", "").strip()
        end = doc.lines[last].end
        blocks.append(
            ProjectBlock(
                kind=_kind(doc.lines[first].text, title),
                title=title,
                page=head.page,
                start=head.start,
                end=end,
                raw=raw,
            )
        )
        previous_end = end
    placed = place_lists_and_prose(doc, blocks)
    blocks = [replace(b, entry=placed.prose_of_form.get(n)) for n, b in enumerate(blocks) if n not in placed.inside]
    blocks += [ProjectBlock("project", e.title, e.page, e.start, e.end, False, e.layout, e) for e in placed.entries]
    return sorted(blocks, key=lambda b: b.start)


def _untitled_form_starts(doc: Document) -> list[int]:
    """Department-wide tables and self-evaluation tables with no 项目名称 field start at their title line."""
    out: list[int] = []
    lines = doc.lines
    for i, line in enumerate(lines):
        text = line.text.replace("\t", "").strip()
        if len(text) > _MAX_TITLE or is_toc_line(line.text) or not _TITLE.search(text):
            continue
        window = lines[i + 1 : i + 1 + 2 * _TITLE_LOOKBACK]
        if not any(_INDICATOR_HEADER.search(ln.text) for ln in window) and not _DEPT_TITLE.search(text):
            continue
        if any(_PROJECT_FIELD.match(ln.text) for ln in window):
            continue  # titled project table: found by its 项目名称 field
        if _DEPT_TITLE.search(text) or _EVALUATION_TITLE.search(text):
            out.append(i)
    return out


def _is_raw(lines: tuple[Line, ...], first: int, limit: int) -> bool:
    """A raw text dump: the indicator header is not a row of tab-separated cells."""
    header = next((ln for ln in lines[first:limit] if _INDICATOR_HEADER.search(ln.text)), None)
    return header is not None and "\t" not in header.text


def _last_row(lines: tuple[Line, ...], first: int, limit: int, raw: bool) -> int:
    """Index of the block's last line: the last grid row before the signature, prose or an unrelated title."""
    last = first
    seen_header = False
    for i in range(first + 1, limit):
        line = lines[i]
        text = line.text.strip()
        if _SIGNATURE.match(text):
            return i
        if "\t" in line.text:
            if seen_header and not _CONTINUATION_ROW.match(line.text) and _is_title(text):
                break
            last = i
            seen_header = seen_header or bool(_INDICATOR_HEADER.search(line.text))
            if seen_header and _CLOSING_ROW.match(line.text):
                return i
            continue
        if not seen_header:
            if _INDICATOR_HEADER.search(text):
                seen_header = True
            if text:
                last = i  # raw text: the form's own lines
            continue
        if not text:
            continue
        if raw and not _is_title(text):
            last = i
            continue
        if len(text) > _MAX_FURNITURE or (_is_title(text) and not _continues(lines, i, limit)):
            break
    return last


def _is_title(text: str) -> bool:
    return len(text) <= _MAX_TITLE and bool(_TITLE.search(text.replace("\t", "")))


def _continues(lines: tuple[Line, ...], i: int, limit: int) -> bool:
    """A title repeated at the top of a page is followed by the previous table's next rows."""
    for line in lines[i + 1 : limit]:
        if "\t" in line.text:
            return bool(_CONTINUATION_ROW.match(line.text)) and not _PROJECT_FIELD.match(line.text)
    return False


def _title_above(lines: tuple[Line, ...], first: int, floor: int) -> int | None:
    """The table's own title a few lines above its 项目名称 row, not before the previous block's end."""
    if _TITLE.search(lines[first].text):
        return first
    for i in range(first - 1, max(first - 1 - _TITLE_LOOKBACK, -1), -1):
        if lines[i].start < floor:
            break
        if _is_title(lines[i].text.strip()):
            return i
    return None


def _kind(first_line: str, title: str | None) -> RecordKind:
    if _DEPT_TITLE.search(first_line):
        return "department"
    if title and _EVALUATION_TITLE.search(title):
        return "evaluation"
    return "project"
