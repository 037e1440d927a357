"""Project blocks: the span of each project target table, department-wide table and self-evaluation table.

A form starts at its name row (项目名称, 专项（项目）名称, 专项资金名称 … in any cell of a row, with a value
after it) or, when it prints no name row, at its title (…绩效目标表 / 自评表 / 整体支出绩效目标申报表) when
form fields or an indicator header follow it. A block runs from the table's title (when one is printed just
above it) to its last indicator row. Tables continue across pages: page numbers, repeated titles, "(2026年度)"
lines and repeated header rows between two pages belong to the block, and a row split by the page break
("…补助资" / "金") stays inside it. A block ends at the signature line (负责人：…), a closing 备注/总分 row, prose,
or a title that is not followed by more indicator rows.

A block must hold its own indicator grid (or a cell of packed indicators): a title in a table of contents, a
prose mention of a table or a list headed 项目名称 | 金额 is not a form.

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
from llmextract.layout.form_evidence import form_evidence
from llmextract.layout.form_vocabulary import (
    DEPT_TITLE,
    EVALUATION_TITLE,
    PACKED_INDICATORS,
    TITLE,
    header_cells,
    is_indicator_header,
    is_name_row,
    squash,
)
from llmextract.layout.parts import is_toc_line

_SIGNATURE = re.compile(r"^\s*(负责人|填报人|审核人)[:：]")
_CLOSING_ROW = re.compile(r"^\s*(备注|总分)\s*(\t|$)")
# A grid row continued on the next page: label column, blank level cells, or an indicator level word.
_CONTINUATION_ROW = re.compile(r"^(绩效指标|\t|[^\t]*(产出|效益|满意度|成本)(指标)?\t)")
# What may follow a target-table title inside its own frame: brackets, a year, 年度.
_TITLE_TAIL = re.compile(r"^[\s(（]*(\d{4})?\s*年?度?\s*[)）]?\s*(年度)?$")
# The first cell of a form row other than the name: the fields that show a title opens a form.
_FORM_LABEL = re.compile(
    r"^(主管部门|实施单位|项目单位|(项目|专项)资金|资金(金额|总额)|年度(预算|资金)|实施期资金|部门([(（]单位[)）])?(名称|基本信息)|"
    r"(年度|实施期)?总体目标|年度目标|实施期目标|(年度)?绩效目标|项目属性|项目期|项目编码)"
)
_TOC_TITLE = re.compile(r"^目\s*录$")
# What a blank template's grid still prints: level words (产出指标, 数量指标), the row label, placeholders.
_TEMPLATE_CELL = re.compile(r"^([\u4e00-\u9fff]{0,10}指标|/|-|—|无|)$")
_MAX_TITLE = 60
_MAX_FURNITURE = 40  # page numbers, "(2026年度)", repeated titles; longer text without cells is prose
_TITLE_LOOKBACK = 4  # lines above a name row where the table's own title may be
_FORM_LOOKAHEAD = 8  # lines below a title where its form fields or indicator header must start
_EVALUATION_COLUMNS = re.compile(r"得分|实际完成值|完成值|全年执行数")

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
    lines = doc.lines
    starts = _form_starts(doc)
    blocks: list[ProjectBlock] = []
    previous_end = 0
    for n, first in enumerate(starts):
        limit = starts[n + 1] if n + 1 < len(starts) else len(lines)
        raw = _is_raw(lines, first, limit)
        last = _last_row(lines, first, limit, raw)
        if not _has_grid(lines, first, last) or _is_blank(doc, lines, first, last):
            continue
        title_line = _title_above(lines, first, previous_end)
        head = lines[title_line if title_line is not None else first]
        title = _title_text(lines, title_line) if title_line is not None else None
        if DEPT_TITLE.search(lines[first].text):
            title = _title_text(lines, first)
        end = lines[last].end
        blocks.append(
            ProjectBlock(
                kind=_kind(lines, first, last, title),
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


def _form_starts(doc: Document) -> list[int]:
    """Line indexes where a form starts: its name row, or its title when it prints no name row."""
    lines = doc.lines
    toc_pages = {ln.page for ln in lines if _TOC_TITLE.match(ln.text.strip())} if len(doc.pages) > 1 else set()
    names = [i for i, ln in enumerate(lines) if is_name_row(ln.text)]
    starts = set(names)
    seen_titles: set[str] = set()
    for i, line in enumerate(lines):
        if line.page in toc_pages or _title_text(lines, i) is None:
            continue
        title = squash(_title_text(lines, i) or "")
        repeated = title in seen_titles
        seen_titles.add(title)
        if any(i < n <= i + _TITLE_LOOKBACK for n in names):
            continue  # titled form: it starts at its name row, the title is found above it
        if _opens_form(lines, i, repeated=repeated):
            starts.add(i)
    return sorted(starts)


def _title_text(lines: tuple[Line, ...], i: int) -> str | None:
    """The target-table title printed on line ``i`` (its last character may wrap onto the next line)."""
    text = lines[i].text.replace("\t", " ").strip()
    if is_toc_line(lines[i].text) or len(text) > _MAX_TITLE:
        return None
    m = TITLE.search(text)
    if m is None and i + 1 < len(lines) and squash(lines[i + 1].text).startswith("表"):
        joined = text + lines[i + 1].text.strip()
        m = TITLE.search(joined) if len(joined) <= _MAX_TITLE and not is_toc_line(joined) else None
        text = joined if m else text
    if m is None or not _TITLE_TAIL.match(text[m.end() :]):
        return None  # "（项目绩效目标表公开情况见附件）" mentions a table; it is not one's title
    if text[0] in ")）" and i > 0 and "\t" not in lines[i - 1].text:
        # "城乡居民基本医疗保险补助（中央和省级补助资金" / "）项目绩效目标表": the title wrapped in its name
        text = lines[i - 1].text.strip() + text
    return text


def _opens_form(lines: tuple[Line, ...], i: int, *, repeated: bool) -> bool:
    """A title that prints no name row starts a form when form fields follow it, or an indicator header
    (unless it repeats an earlier title: then it heads the next page of that table)."""
    for j in range(i + 1, min(i + 1 + _FORM_LOOKAHEAD, len(lines))):
        line = lines[j]
        if _title_text(lines, j) is not None or is_name_row(line.text):
            return False
        first = squash(line.text.split("\t")[0] if "\t" in line.text else line.text).strip()
        cells = [c for c in line.text.split("\t") if c.strip()]
        if _FORM_LABEL.match(first) or (not first and cells and _FORM_LABEL.match(squash(cells[0]).strip())):
            return True
        if is_indicator_header(header_cells(line.text)):
            return not repeated
    return False


def _has_grid(lines: tuple[Line, ...], first: int, last: int) -> bool:
    """The block holds an indicator header or a cell of packed indicators."""
    return any(
        is_indicator_header(header_cells(ln.text)) or PACKED_INDICATORS.search(ln.text)
        for ln in lines[first : last + 1]
    )


def _is_blank(doc: Document, lines: tuple[Line, ...], first: int, last: int) -> bool:
    """An empty template: no name, no amount, and no grid cell beyond level words and placeholders."""
    evidence = form_evidence(doc, lines[first].start, lines[last].end)
    if evidence.name is not None or evidence.funds is not None or evidence.grid is None:
        return False
    grid = [ln for ln in lines[first : last + 1] if ln.start >= evidence.grid[1]]
    return all(_TEMPLATE_CELL.match(squash(cell).strip()) for ln in grid for cell in header_cells(ln.text))


def _is_raw(lines: tuple[Line, ...], first: int, limit: int) -> bool:
    """A raw text dump: the indicator header is not a row of tab-separated cells."""
    header = next((ln for ln in lines[first:limit] if is_indicator_header(header_cells(ln.text))), None)
    return header is not None and "\t" not in header.text


def _is_header(text: str) -> bool:
    return is_indicator_header(header_cells(text))


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
            if seen_header and not _continues_grid(line.text) and _is_title(text):
                break
            last = i
            seen_header = seen_header or _is_header(line.text) or bool(PACKED_INDICATORS.search(line.text))
            if seen_header and _CLOSING_ROW.match(line.text):
                return i
            continue
        if not seen_header:
            if _is_header(text):
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


def _continues_grid(text: str) -> bool:
    return bool(_CONTINUATION_ROW.match(text)) or _is_header(text)


def _is_title(text: str) -> bool:
    return len(text) <= _MAX_TITLE and bool(TITLE.search(text.replace("\t", "")))


def _continues(lines: tuple[Line, ...], i: int, limit: int) -> bool:
    """A title repeated at the top of a page is followed by the previous table's next rows (or its header)."""
    for line in lines[i + 1 : limit]:
        if "\t" in line.text:
            return _continues_grid(line.text) and not is_name_row(line.text)
    return False


def _title_above(lines: tuple[Line, ...], first: int, floor: int) -> int | None:
    """The table's own title a few lines above its name row, not before the previous block's end."""
    if _title_text(lines, first) is not None:
        return first
    for i in range(first - 1, max(first - 1 - _TITLE_LOOKBACK, -1), -1):
        if lines[i].start < floor:
            break
        if _title_text(lines, i) is not None:
            return i
    return None


def _kind(lines: tuple[Line, ...], first: int, last: int, title: str | None) -> RecordKind:
    if DEPT_TITLE.search(lines[first].text) or (title and DEPT_TITLE.search(title)):
        return "department"
    if title and EVALUATION_TITLE.search(title):
        return "evaluation"
    # An untitled self-evaluation is told by its columns: 全年执行数, 实际完成值, 得分.
    header = next((ln.text for ln in lines[first : last + 1] if _is_header(ln.text)), "")
    if _EVALUATION_COLUMNS.search(squash(header)):
        return "evaluation"
    return "project"
