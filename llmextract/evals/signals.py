"""Signals of what a document holds, read from its text and lines with a vocabulary of their own.

The corpus benchmark compares these signals with what the readers produced: a document that shows target-table
titles, 项目名称 labels or indicator headers, or whose prose says how many project targets it discloses, but
yields no records is a document a reader does not understand. The signals therefore must not come from the
readers (layout / tables / extract): they use only the Document's lines and a small vocabulary kept here.

Every line is compared in a *squeezed* form (NFKC, so full-width digits and punctuation become ASCII, and all
whitespace removed), so spaced titles ("项 目 支 出 绩 效 目 标 表") and tab-separated cells look alike.

- Target-table titles: a line of at most 60 characters that ends in 绩效表 / 绩效目标表 / 绩效自评表 /
  绩效评价表 (also …申报表 / …情况表, optionally followed by "(续)" or "(2026)") and is not a sentence
  (no 。，； and no 详见 / 见附件). Table-of-contents entries are left out: lines with dot leaders or a trailing
  page number never match, lines on a page with a 目录 heading (documents of more than one page) are skipped,
  and so is every line of a run of three or more consecutive lines that each name a table (a list of tables).
- 项目名称-like labels: a line that starts with 项目名称, 专项(项目)名称, 单位(项目)名称, 政策(项目)名称, 专项名称,
  专项资金名称 or 一级/二级项目名称, unless what follows is a column header (合计, 金额, 项目类别, 序号, …): the
  header of a project list is not a form.
- Indicator headers: a line with a cell (a tab-separated cell, or a whitespace-separated token of a line that
  has no tabs) that reads 指标值, 三级指标 or 指标名称, optionally prefixed by 年度 / 实施期 / 全年.
- Counts in the prose (lines outside tables, joined): ``disclosed`` from "公开项目绩效目标N个" and its
  variants, ``targeted`` from "纳入绩效目标管理的…项目N个", "编报N个项目绩效目标", "N个项目绩效目标" and similar;
  the largest number of each kind.
- Project lines of the 项目支出预算表 (best effort): the table rows that follow a title ending in 表
  that names 项目支出 (not 绩效, 经济分类, 功能分类 or 上年结转), up to the next line outside a table
  that names another table or opens a section (第N部分, 一、). The name column is the header cell naming
  项目 (one with 名称 preferred); the amount is the first number to its right. Rows without a CJK name
  or without an amount, header rows, 合计 / 小计 / 总计 rows and subtotal rows are not counted. A
  subtotal is an amount equal to the sum of two or more non-subtotal rows right below it, read
  bottom-up: that is how department and unit lines sit above their projects. Blind spots: a unit with
  a single project counts twice; a text export without tab-separated rows has no table rows (None).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from llmextract.core.document import Document, Line

_MAX_TITLE = 60
_TITLE = re.compile(r"绩效(?:目标|自评|评价)?(?:申报|情况)?表(?:\((?:续表?|\d{4}年?)\))?:?$")
_PROSE_MARK = re.compile(r"[。,;]|详见|见附件|情况见")
_TABLE_NAME = re.compile(r"表(?:\([^()]{1,12}\))?:?$")
_PAGE_NUMBER = re.compile(r"^[-—–~]*(?:第)?\d{1,4}(?:页)?(?:/\d{1,4})?[-—–~]*$")
_TOC_HEADING = re.compile(r"^目(?:录|次)$")

_NAME_LABEL = re.compile(
    r"^(?:项目名称|专项\(项目\)名称|单位\(项目\)名称|政策\(项目\)名称|项目\(政策\)名称|专项资金名称|专项名称"
    r"|[一二]级项目名称):?"
)
_COLUMN_HEADER = re.compile(
    r"^(?:合计|总计|小计|金额|预算数|预算金额|本年预算|项目类别|项目类型|类别|单位名称|单位代码|单位编码|资金来源"
    r"|自评|得分|分值|绩效目标|序号|备注|结构内容|收费标准)"
)
_INDICATOR_HEADER = re.compile(r"^(?:年度|实施期|全年)?(?:指标值|三级指标|指标名称)$")

_DISCLOSED = (
    re.compile(r"公开了?(?:本部门|本单位|部门|单位)?的?(?:重点)?项目(?:支出)?绩效目标表?共?(\d+)个"),
    re.compile(r"公开了?共?(\d+)个(?:重点)?项目(?:支出)?的?绩效目标"),
    re.compile(r"(\d+)个(?:重点)?项目(?:支出)?的?绩效目标表?[^。;,]{0,8}公开"),
)
_TARGETED = (
    re.compile(r"纳入(?:预算)?绩效(?:目标)?管理的[^。;,]{0,12}?项目共?计?(\d+)个"),
    re.compile(r"(\d+)个[^。;,]{0,8}?项目纳入(?:预算)?绩效(?:目标)?管理"),
    re.compile(r"编报了?绩效目标的项目共?计?(\d+)个"),
    re.compile(r"项目绩效目标共?(\d+)个"),
    re.compile(r"绩效目标管理,共计?(\d+)个[^。;,]{0,6}?项目"),
    re.compile(r"(\d+)个[^。;,]{0,6}?项目(?:支出)?绩效目标"),
)

_LIST_TITLE = re.compile(r"项目支出[^绩]*表(?:\([^()]{1,12}\))?:?$")
_NOT_A_PROJECT_LIST = re.compile(r"绩效|经济分类|功能分类|结转")
_SECTION_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")
_TOTAL_ROW = re.compile(r"合计|总计|小计")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AMOUNT = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Signals:
    """What the document shows of project target tables, independently of the readers."""

    target_titles: int
    title_samples: tuple[str, ...]
    name_labels: int
    indicator_headers: int
    prose_disclosed: int | None
    prose_targeted: int | None
    project_list: int | None

    @property
    def prose_count(self) -> int | None:
        """The prose's count of project targets: the disclosed count when stated, else the targeted one."""
        return self.prose_disclosed if self.prose_disclosed is not None else self.prose_targeted

    @property
    def structural(self) -> bool:
        """Whether the document shows a target table's own structure (a title, a name label or a header)."""
        return bool(self.target_titles or self.name_labels or self.indicator_headers)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "title_samples": list(self.title_samples), "prose_count": self.prose_count}


def read_signals(doc: Document) -> Signals:
    titles = target_titles(doc)
    samples = tuple(dict.fromkeys(squeeze(ln.text) for ln in titles))[:5]
    disclosed, targeted = prose_counts(doc)
    return Signals(
        target_titles=len(titles),
        title_samples=samples,
        name_labels=len(name_labels(doc)),
        indicator_headers=len(indicator_headers(doc)),
        prose_disclosed=disclosed,
        prose_targeted=targeted,
        project_list=project_list_lines(doc),
    )


def squeeze(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) with all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def target_titles(doc: Document) -> list[Line]:
    skipped = contents_lines(doc)
    out = []
    for i, ln in enumerate(doc.lines):
        text = squeeze(ln.text)
        if i in skipped or len(text) > _MAX_TITLE or _PROSE_MARK.search(text):
            continue
        if _TITLE.search(text):
            out.append(ln)
    return out


def contents_lines(doc: Document) -> set[int]:
    """Indices of lines that belong to a table of contents or a list of tables."""
    skipped: set[int] = set()
    if len(doc.pages) > 1:
        toc_pages = {ln.page for ln in doc.lines if _TOC_HEADING.match(squeeze(ln.text))}
        skipped.update(i for i, ln in enumerate(doc.lines) if ln.page in toc_pages)
    run: list[int] = []
    for i, ln in enumerate(doc.lines):
        text = squeeze(ln.text)
        if _PAGE_NUMBER.match(text):
            continue
        if ln.table is None and len(text) <= _MAX_TITLE and _TABLE_NAME.search(text) and not _PROSE_MARK.search(text):
            run.append(i)
            continue
        if len(run) >= 3:
            skipped.update(run)
        run = []
    if len(run) >= 3:
        skipped.update(run)
    return skipped


def name_labels(doc: Document) -> list[Line]:
    out = []
    for ln in doc.lines:
        text = squeeze(ln.text)
        label = _NAME_LABEL.match(text)
        if label and not _COLUMN_HEADER.match(text[label.end() :]):
            out.append(ln)
    return out


def indicator_headers(doc: Document) -> list[Line]:
    return [ln for ln in doc.lines if any(_INDICATOR_HEADER.match(squeeze(cell)) for cell in _cells(ln.text))]


def prose_counts(doc: Document) -> tuple[int | None, int | None]:
    """``(disclosed, targeted)`` project-target counts stated in the prose (None: not stated)."""
    prose = "".join(squeeze(ln.text) for ln in doc.lines if ln.table is None)
    disclosed: list[int] = []
    for pattern in _DISCLOSED:
        for match in pattern.finditer(prose):
            disclosed.append(int(match.group(1)))
            # Blank the statement out so the looser targeted patterns do not count it a second time.
            prose = prose[: match.start()] + "\0" * (match.end() - match.start()) + prose[match.end() :]
    targeted = [int(m.group(1)) for pattern in _TARGETED for m in pattern.finditer(prose)]
    return (max(disclosed) if disclosed else None, max(targeted) if targeted else None)


def project_list_lines(doc: Document) -> int | None:
    """Project lines of the 项目支出预算表 (see the module docstring for how); None when there are none to read."""
    rows = _project_list_rows(doc)
    if not rows:
        return None
    subtotal = _subtotals([amount for _, amount in rows])
    return sum(1 for (name, _), sub in zip(rows, subtotal, strict=True) if not sub and not _TOTAL_ROW.search(name))


def _project_list_rows(doc: Document) -> list[tuple[str, Decimal]]:
    """(name, amount) of the data rows of every 项目支出 list table, in document order."""
    skipped = contents_lines(doc)
    rows: list[tuple[str, Decimal]] = []
    inside = False
    name_col: int | None = None
    for i, ln in enumerate(doc.lines):
        text = squeeze(ln.text)
        if ln.table is None:
            if i in skipped or len(text) > _MAX_TITLE or _PROSE_MARK.search(text):
                continue
            if _LIST_TITLE.search(text) and not _NOT_A_PROJECT_LIST.search(text):
                inside, name_col = True, None
            elif _TABLE_NAME.search(text) or _SECTION_HEADING.match(text):
                inside = False
            continue
        if not inside:
            continue
        cells = [squeeze(c) for c in ln.text.split("\t")]
        header = _name_column(cells)
        if header is not None:
            name_col = header
            continue
        if name_col is None or name_col >= len(cells) or not _CJK.search(cells[name_col]):
            continue
        amount = next((a for a in map(_amount, cells[name_col + 1 :]) if a is not None), None)
        if amount is not None:
            rows.append((cells[name_col], amount))
    return rows


def _name_column(cells: list[str]) -> int | None:
    """The column of project names when ``cells`` is a header row of a project list, else None."""
    named = [i for i, c in enumerate(cells) if "项目" in c and len(c) <= 8]
    if not named or any(_amount(c) is not None for c in cells):
        return None
    return next((i for i in named if "名称" in cells[i]), named[0])


def _subtotals(amounts: list[Decimal]) -> list[bool]:
    """Which amounts are the sum of two or more of the non-subtotal amounts right below them (to 0.005 per term).

    Read from the bottom up, so a department line above unit lines adds up the projects, not the units."""
    flags = [False] * len(amounts)
    for i in range(len(amounts) - 1, -1, -1):
        total, terms = Decimal(0), 0
        for j in range(i + 1, len(amounts)):
            if flags[j]:
                continue
            total += amounts[j]
            terms += 1
            tolerance = Decimal("0.005") * terms
            if total > amounts[i] + tolerance:
                break
            if terms >= 2 and abs(total - amounts[i]) <= tolerance:
                flags[i] = True
                break
    return flags


def _amount(cell: str) -> Decimal | None:
    if not _AMOUNT.match(cell):
        return None
    try:
        return Decimal(cell.replace(",", ""))
    except InvalidOperation:
        return None


def _cells(text: str) -> list[str]:
    return text.split("\t") if "\t" in text else text.split()
