"""Candidate regions for the LLM: where a document prints project targets, found by vocabulary and layout.

The rules reader reads the forms it recognises; the LLM is the reader for everything else, so its regions do
not come from a recognised grid. A region grows from an anchor — a target-table title (绩效目标表, 绩效表,
绩效自评表, 重点项目…绩效, …项目情况说明), a name label (项目名称, 专项（项目）名称, 单位（项目）名称), an indicator
header (绩效指标, 三级指标, 指标值, 指标名称), a table column of targets (绩效目标) or a cluster of prose labels
(项目概况, 立项依据, 政策依据, 实施方案, 年度预算安排, 绩效目标, …) — over the lines that keep printing form
vocabulary, the rows of a table holding an anchor, and that table's continuations on the next pages, until a
long stretch says nothing of the kind. A title printed as a heading of prose (…转移支付项目绩效目标情况说明,
followed by numbered paragraphs, one per project) takes its section's paragraphs, up to the next top-level
heading ("六、"). A few short lines above the first anchor (the title, "(2024年度)", "单位：万元") belong to
it. A region of a title or a sentence alone is no region.

Each region has one record kind, named by its titles (整体支出绩效 → department; 自评 / 评价表 / 评价报告 →
evaluation; otherwise project): a region whose titles change kind is cut at the title. Long regions are split
into chunks by :mod:`llmextract.extract.llm.chunks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.alignment import normalise
from llmextract.core.document import Document, Line
from llmextract.core.records import RecordKind

_TITLE = re.compile(
    r"绩效目标表|绩效表|绩效自评表|绩效评价表|目标申报表|重点项目.{0,20}绩效|整体支出绩效|重大投资项目|"
    r"(项目|专项经费|专项资金)情况说明|转移支付项目绩效"
)
_NAME_LABEL = re.compile(r"项目名称|专项[（(]项目[）)]名称|单位[（(]项目[）)]名称|专项资金名称|部门[（(]单位[）)]名称")
_INDICATOR_HEADER = re.compile(r"绩效指标|三级指标|指标值|指标名称")
# A column of targets: a list of projects with their 绩效目标 (one row per project).
_TARGET_COLUMN = re.compile(r"(^|\t)\s*(项目)?(总体|年度)?绩效目标(内容)?\s*(\t|$)")
# Paragraph labels of projects explained in prose, at the start of a line after any numbering.
_PROSE_LABEL = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?(?:项目)?"
    r"(?P<label>概况|概述|立项依据|政策依据|实施方案|实施主体|实施周期|(年度)?预算安排|绩效目标|设立必要性|实施计划)"
)
_PROSE_CLUSTER = 1500  # chars within which two different prose labels make a cluster
# Words of the forms themselves: a line printing one keeps a region open.
_FORM_WORDS = re.compile(
    r"主管部门|实施单位|项目属性|项目期|项目资金|资金总额|财政资金|单位自筹|其他资金|概况|立项依据|必要性|实施计划|"
    r"总体目标|实施期|年度目标|绩效目标|[一二三]级指标|(产出|效益|满意度|成本|数量|质量|时效)指标|效益|满意度|"
    r"可持续|指标值|目标值|完成值|分值|得分|评分|权重|绩效评价|绩效自评|负责人|填报人|部门职责|预算资金|资金来源"
)
_TOC_LINE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{4,})\s*\d*\s*$|\t\d+\s*$")
_TOC_TITLE = re.compile(r"^目\s*录$")
_MIN_CHARS = 40  # a title or a sentence alone holds no record to read
_GAP = 1200  # chars of lines printing no form vocabulary that end a region
_HEAD_LINES = 3  # short lines above the first anchor that belong to the region
_SHORT = 60  # a title or heading
_FURNITURE = 40  # page numbers, repeated titles between a table and its continuation
_FURNITURE_LINES = 4

# A top-level heading of a disclosure's prose ("六、名词解释"): the end of a titled prose section.
_TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}、")
_SECTION = 4000  # chars of a titled prose section at most

_DEPARTMENT_TITLE = re.compile(r"整体(支出)?绩效|部门整体")
_EVALUATION_TITLE = re.compile(r"(自评|评价)(表|报告)")
_SENTENCE_END = re.compile(r"[。；;，,：:]$")
_PROJECT_NAME_ROW = re.compile(r"^\s*(项目名称|专项[（(]项目[）)]名称)")
# A region must say what it is about, by a title or by these words: project lists (表十二) also print 项目名称,
# but no targets.
_PERFORMANCE = re.compile(r"绩效|指标|目标")


@dataclass(frozen=True, slots=True)
class Region:
    """A span of ``Document.text`` the LLM reads for records of one kind: whole lines ``first..last``."""

    kind: RecordKind
    first: int  # index of its first line
    last: int  # index of its last line
    start: int
    end: int
    page: int


def find_regions(doc: Document) -> list[Region]:
    """Every candidate region of ``doc``, in document order, each of one record kind."""
    lines = doc.lines
    if not lines:
        return []
    toc_pages, toc_lines = _toc_pages(doc), _toc_continued(doc)
    # A trailing number is a TOC entry's page in prose, but a weight or score in a table row.
    usable = [
        ln.page not in toc_pages and n not in toc_lines and (ln.table is not None or not _TOC_LINE.search(ln.text))
        for n, ln in enumerate(lines)
    ]
    anchors = _anchor_lines(lines, usable)
    tables = _anchored_tables(doc, anchors)
    out: list[Region] = []
    for first, last in _spans(lines, usable, anchors, tables, _prose_sections(lines, usable)):
        text = doc.text[lines[first].start : lines[last].end]
        titled = any(len(ln.text.strip()) <= _SHORT and _TITLE.search(ln.text) for ln in lines[first : last + 1])
        if (titled or _PERFORMANCE.search(text)) and len(normalise(text)) >= _MIN_CHARS:
            out.extend(r for r in _by_kind(doc, first, last) if len(normalise(doc.text[r.start : r.end])) >= _MIN_CHARS)
    return out


def _toc_pages(doc: Document) -> set[int]:
    if len(doc.pages) < 2:
        return set()
    return {ln.page for ln in doc.lines if _TOC_TITLE.match(ln.text.strip())}


def _toc_continued(doc: Document) -> set[int]:
    """Lines of a table of contents that runs on past its page: from the 目录 line to where its first entry is
    printed again (the body's first heading)."""
    lines = doc.lines
    for i, ln in enumerate(lines):
        if not _TOC_TITLE.match(ln.text.strip()):
            continue
        first = next((normalise(x.text) for x in lines[i + 1 :] if normalise(x.text)), "")
        for j in range(i + 2, len(lines)):
            if first and normalise(lines[j].text) == first:
                return set(range(i, j))
        return set()
    return set()


def _anchor_lines(lines: tuple[Line, ...], usable: list[bool]) -> list[int]:
    """Lines that can open a region: titles, name labels, indicator headers, clustered prose labels."""
    prose = [(i, m["label"]) for i, ln in enumerate(lines) if usable[i] and (m := _PROSE_LABEL.match(ln.text))]
    clustered = {
        i
        for i, label in prose
        for j, other in prose
        if other != label and abs(lines[i].start - lines[j].start) <= _PROSE_CLUSTER
    }
    return [
        i
        for i, ln in enumerate(lines)
        if usable[i]
        and (
            _NAME_LABEL.search(ln.text)
            or _INDICATOR_HEADER.search(ln.text)
            or (ln.table is not None and _TARGET_COLUMN.search(ln.text))
            or i in clustered
        )
    ] + [i for i, ln in enumerate(lines) if usable[i] and len(ln.text.strip()) <= _SHORT and _TITLE.search(ln.text)]


def _anchored_tables(doc: Document, anchors: list[int]) -> set[int]:
    """Tables holding an anchor row, and the tables continuing them on the next pages."""
    tables = {doc.lines[i].table for i in anchors if doc.lines[i].table is not None}
    out: set[int] = set()
    for index in sorted(t for t in tables if t is not None):
        while index not in out:
            out.add(index)
            if index + 1 < len(doc.tables) and _continues(doc, index, index + 1):
                index += 1
    return out


def _continues(doc: Document, a: int, b: int) -> bool:
    """Table ``b`` continues table ``a``: same width, on the same or the next page, only furniture between."""
    first, second = doc.tables[a], doc.tables[b]
    if second.n_cols != first.n_cols or second.page - first.page not in (0, 1):
        return False
    between = [ln for ln in doc.lines_in(first.end, second.start) if ln.table is None and ln.text.strip()]
    return len(between) <= _FURNITURE_LINES and all(len(ln.text.strip()) <= _FURNITURE for ln in between)


def _prose_sections(lines: tuple[Line, ...], usable: list[bool]) -> set[int]:
    """Lines of the prose sections under a target title printed as a heading (not a table's title: no table
    follows it), up to the next top-level heading."""
    out: set[int] = set()
    for i, ln in enumerate(lines):
        if not usable[i] or ln.table is not None or len(ln.text.strip()) > _SHORT or not _TITLE.search(ln.text):
            continue
        body = []
        j = i + 1
        while j < len(lines) and lines[j].start - ln.end <= _SECTION and not _TOP_HEADING.match(lines[j].text):
            if lines[j].table is not None:
                body = []  # a table's title, not a section's heading
                break
            body.append(j)
            j += 1
        out.update(body)
    return out


def _spans(
    lines: tuple[Line, ...], usable: list[bool], anchors: list[int], tables: set[int], sections: set[int]
) -> list[tuple[int, int]]:
    """(first, last) line index of each region: from an anchor, over lines that keep it open."""
    is_anchor = set(anchors)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if i not in is_anchor:
            i += 1
            continue
        first = _head(lines, usable, i, spans[-1][1] if spans else -1)
        last = i
        j = i + 1
        while j < len(lines):
            line = lines[j]
            keeps = usable[j] and (
                j in is_anchor or j in sections or line.table in tables or bool(_FORM_WORDS.search(line.text))
            )
            if keeps:
                last = j
            elif line.start - lines[last].end > _GAP:
                break
            j += 1
        spans.append((first, last))
        i = last + 1
    return spans


def _head(lines: tuple[Line, ...], usable: list[bool], anchor: int, floor: int) -> int:
    """The first line of a region opened at ``anchor``: up to a few short lines above it (its title)."""
    first = anchor
    taken = 0
    k = anchor - 1
    while k > floor and taken < _HEAD_LINES:
        text = lines[k].text.strip()
        if text:
            if len(text) > _SHORT or not usable[k] or lines[k].table is not None:
                break
            taken += 1
            first = k
        k -= 1
    return first


def _kind_of(text: str, current: RecordKind | None) -> RecordKind | None:
    """The kind a title line names (None when the line is not a title); in a department-wide form, the
    project forms that follow it untitled start at their 项目名称 row."""
    if current == "department" and _PROJECT_NAME_ROW.match(text):
        return "project"
    if len([cell for cell in text.split("\t") if cell.strip()]) > 1:
        return None  # a row of cells (an indicator about evaluations, say), not a title
    text = text.replace("\t", "").strip()
    if len(text) > _SHORT or _SENTENCE_END.search(text) or not (_TITLE.search(text) or _EVALUATION_TITLE.search(text)):
        return None
    if _DEPARTMENT_TITLE.search(text):
        return "department"
    if _EVALUATION_TITLE.search(text):
        return "evaluation"
    return "project"


def _by_kind(doc: Document, first: int, last: int) -> list[Region]:
    """The span cut where a title names another kind of record than the one before it."""
    cuts: list[tuple[int, RecordKind]] = []
    for i in range(first, last + 1):
        kind = _kind_of(doc.lines[i].text, cuts[-1][1] if cuts else None)
        if kind is None:
            continue
        if not cuts:
            cuts.append((first, kind))
        elif kind != cuts[-1][1]:
            cuts.append((i, kind))
    if not cuts:
        cuts = [(first, "project")]
    out = []
    for n, (start, kind) in enumerate(cuts):
        end = cuts[n + 1][0] - 1 if n + 1 < len(cuts) else last
        a, b = doc.lines[start], doc.lines[end]
        out.append(Region(kind, start, end, a.start, b.end, a.page))
    return out
