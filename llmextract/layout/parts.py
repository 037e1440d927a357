"""The parts of a disclosure found by their titles: 第X部分 sections, standard tables, 情况说明, target tables.

Titles are matched by what they say, not by their number ("表一", "预算01表", "公开表11" and untitled
variants all occur), and table-of-contents lines (dot leaders, trailing page numbers) are not parts, nor are
the entries of a list of titles (a 目录 without page numbers, a section's list of its tables): a title is a part
when its content follows it, not the next title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from llmextract.core.document import Document, Line
from llmextract.layout.form_vocabulary import header_cells, is_indicator_header, is_name_row, name_row_value

PartKind = Literal["section", "budget_table", "explanation", "project_table", "dept_table"]

_TOC_LINE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{4,})\s*\d*\s*$|\t\d+\s*$")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分")
_EXPLANATION = re.compile(r"(预算|决算).{0,12}说明$|^第[一二三四五六七八九十]+部分.*说明")
_BRACKETED_TAIL = re.compile(r"[（(][^（）()]*[）)]\s*$")
_TABLE_END = re.compile(r"(总表|收入表|支出表|预算表|决算表|情况表|明细表|汇总表|分类表|科目表|目录表|经费表|目标表)$")
_MAX_TITLE_LEN = 60

# Canonical names of the standard tables, first match wins (order matters: specific before general).
_TABLE_NAMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("绩效目标表", "整体"), "部门整体支出绩效目标表"),
    (("绩效目标表",), "项目支出绩效目标表"),
    (("绩效自评表",), "项目绩效自评表"),
    (("绩效评价表",), "项目绩效评价表"),
    (("三公",), "三公经费表"),
    (("机关运行",), "机关运行经费表"),
    (("政府性基金",), "政府性基金预算表"),
    (("国有资本",), "国有资本经营预算表"),
    (("政府采购",), "政府采购预算表"),
    (("财政拨款", "收支"), "财政拨款收支总表"),
    (("财政拨款", "收入支出", "总表"), "财政拨款收支总表"),
    (("收支",), "收支总表"),
    (("收入支出", "总表"), "收支总表"),
    (("收入",), "收入表"),
    (("基本支出", "经济"), "基本支出经济分类表"),
    (("一般公共预算", "基本支出"), "一般公共预算基本支出表"),
    (("一般公共预算", "支出"), "一般公共预算支出表"),
    (("项目支出",), "项目支出表"),
    (("基本支出",), "基本支出表"),
    (("支出",), "支出表"),
)
_EVALUATION_NAMES = frozenset({"项目绩效自评表", "项目绩效评价表"})
# A title this close (chars) before a 项目名称 field is that project table's own title.
_TITLE_GAP = 400


@dataclass(frozen=True, slots=True)
class Part:
    kind: PartKind
    title: str
    name: str
    page: int
    start: int
    end: int


def is_toc_line(text: str) -> bool:
    return bool(_TOC_LINE.search(text))


def table_name(title: str) -> str | None:
    """Canonical name of a standard-table title, or None when the line is not a table title."""
    core = title.replace(" ", "").replace("\u3000", "")
    while _BRACKETED_TAIL.search(core):
        core = _BRACKETED_TAIL.sub("", core)
    if len(core) > _MAX_TITLE_LEN or not _TABLE_END.search(core) or core.startswith(("注", "附")):
        return None
    for words, name in _TABLE_NAMES:
        if all(w in core for w in words):
            return name
    return None


def detect_parts(doc: Document) -> list[Part]:
    """All parts found, in document order."""
    parts: list[Part] = []
    for i in range(len(doc.lines)):
        part = _classify(_with_section_title(doc.lines, i))
        if part is not None:
            parts.append(part)
    parts.extend(find_project_tables(doc))
    parts.sort(key=lambda p: p.start)
    return _merge_repeated_titles(_drop_title_lists(doc, _drop_toc_pages(doc, parts)))


def find_project_tables(doc: Document) -> list[Part]:
    """One part per name row (项目名称, 专项资金名称, … with a value) that is followed by an indicator header
    before the next name row.

    This finds 项目支出绩效目标表 and self-evaluation tables whatever their title (often absent, garbled or
    printed once for many tables), and skips lists such as 表十二 whose header also says 项目名称.
    """
    starts = [(i, ln) for i, ln in enumerate(doc.lines) if is_name_row(ln.text)]
    parts: list[Part] = []
    for n, (i, line) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(doc.lines)
        if not any(is_indicator_header(header_cells(ln.text)) for ln in doc.lines[i:stop]):
            continue
        end = doc.lines[stop].start if stop < len(doc.lines) else len(doc.text)
        name = name_row_value(line.text) or ""
        parts.append(Part("project_table", line.text.replace("\t", " ").strip(), name, line.page, line.start, end))
    return parts


_BARE_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分$")


def _with_section_title(lines: tuple[Line, ...], i: int) -> Line:
    """A bare "第三部分" whose title is printed on the next line reads as one heading."""
    line = lines[i]
    if not _BARE_SECTION.match(line.text.strip()) or i + 1 >= len(lines):
        return line
    nxt = lines[i + 1]
    if nxt.table is not None or nxt.page != line.page or len(nxt.text) > _MAX_TITLE_LEN or _SECTION.match(nxt.text):
        return line
    return Line(f"{line.text.strip()} {nxt.text.strip()}", line.page, line.start, nxt.end, line.bbox)


def _classify(line: Line) -> Part | None:
    text = line.text.strip()
    if not text or is_toc_line(text):
        return None
    if line.table is not None:
        # A title printed inside the table's own frame (a row with a single filled cell) still names the table.
        cells = [c for c in text.split("\t") if c]
        if len(cells) != 1:
            return None
        text = cells[0]
    if _SECTION.match(text):
        kind: PartKind = "explanation" if _EXPLANATION.search(text) else "section"
        return Part(kind, text, text, line.page, line.start, line.end)
    if _EXPLANATION.search(text) and len(text) <= _MAX_TITLE_LEN:
        return Part("explanation", text, text, line.page, line.start, line.end)
    name = table_name(text)
    if name is None:
        return None
    if name == "项目支出绩效目标表":
        return None  # project tables are found by their 项目名称 field, see find_project_tables
    kind: PartKind = "budget_table"
    if name == "部门整体支出绩效目标表":
        kind = "dept_table"
    elif name in _EVALUATION_NAMES:
        kind = "project_table"
    return Part(kind, text, name, line.page, line.start, line.end)


def _merge_repeated_titles(parts: list[Part]) -> list[Part]:
    """One part per table: drop a title that repeats the previous one (a continuation page, a heading
    followed by the table's own title), and an evaluation-table title followed by its 项目名称 field."""
    out: list[Part] = []
    for part in parts:
        prev = out[-1] if out else None
        if prev and prev.kind == part.kind == "budget_table":
            if _title_key(prev.title) == _title_key(part.title) and part.start - prev.end < _TITLE_GAP:
                continue
            if prev.title == part.title:
                continue
        evaluation_title = prev is not None and prev.kind == "project_table" and prev.name in _EVALUATION_NAMES
        if evaluation_title and prev and part.kind == "project_table" and part.start - prev.end < _TITLE_GAP:
            out[-1] = part
            continue
        out.append(part)
    return out


_TITLE_NUMBERING = re.compile(
    r"^((预算公开)?表([一二三四五六七八九十]+|\d{1,2}(?!\d))|[一二三四五六七八九十]+[、.．]|\d+[.．、]|公开\d+表|预算\d+表)\s*"
)
_YEAR = re.compile(r"\d{4}\s*年度?")


def _title_key(title: str) -> str:
    """A title without its numbering and year: "表一2024年预算收支总表" and "2024年预算收支总表" agree."""
    return _YEAR.sub("", _TITLE_NUMBERING.sub("", title.replace(" ", "")))


_TOC_TITLE = re.compile(r"^目\s*录$")


def _drop_toc_pages(doc: Document, parts: list[Part]) -> list[Part]:
    """In a paginated document, titles on the page that says 目录 are table-of-contents entries."""
    if len(doc.pages) < 2:
        return parts
    toc_pages = {ln.page for ln in doc.lines if _TOC_TITLE.match(ln.text.strip())}
    return [p for p in parts if p.page not in toc_pages]


# The numbering of an entry of a list of titles, by level: 第一部分 / 一、 / （一） / 表1. / 1、 / 附件.
_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(r"^第[一二三四五六七八九十]+部分")),
    ("cn", re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    ("paren", re.compile(r"^[（(][一二三四五六七八九十\d]+[）)]")),
    ("table", re.compile(r"^表\d{1,2}[.．、:：]?")),
    ("num", re.compile(r"^\d{1,2}[.．、]")),
    ("annex", re.compile(r"^附件")),
)
_PAGE_NUMBER = re.compile(r"^[-—－\s]*\d{1,4}[-—－\s]*$")
_MIN_LIST = 3  # titles in a row that make a list; a heading and a table's own title are only two


def _drop_title_lists(doc: Document, parts: list[Part]) -> list[Part]:
    """Drop titles that stand in a list: a run of title lines (numbered entries, recognised titles; blank lines
    and page numbers between them, across page breaks) naming at least three parts, two of them numbered alike
    (一、二、…, 表1 表2 …), with no content of theirs in between. A real title is followed by its table or its
    text, which ends the run; so does a title the run has already named (the list is over, the document itself
    begins). A chain of headings (第三部分, its title, 一、…) names parts of different levels: not a list."""
    spans: list[tuple[int, int]] = []
    run: list[Line] = []
    named: dict[tuple[str, str], str | None] = {}

    def close() -> None:
        levels = [level for level in named.values() if level is not None]
        if len(named) >= _MIN_LIST and any(levels.count(level) >= 2 for level in levels):
            spans.append((run[0].start, run[-1].end))
        run.clear()
        named.clear()

    for i, line in enumerate(doc.lines):
        text = line.text.strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        level = _level(text)
        part = _classify(_with_section_title(doc.lines, i))
        is_entry = len(text) <= _MAX_TITLE_LEN and (level is not None or part is not None or table_name(text))
        if line.table is not None or not is_entry:
            close()
            continue
        key = (part.kind, _title_key(part.title).lstrip(".．:：、 ")) if part is not None else None
        if key is not None and key in named:
            close()
        run.append(line)
        if key is not None:
            named[key] = level
    close()
    return [p for p in parts if not any(a <= p.start < b for a, b in spans)]


def _level(text: str) -> str | None:
    return next((name for name, pattern in _LEVELS if pattern.match(text)), None)
