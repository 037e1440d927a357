"""Prose figures against the tables: an amount named after a table cell (基本支出, 人员经费, 三公, a 类 of
expenditure, the grand totals) and the counts of projects and of disclosed project tables.

A prose figure is compared with a table only when the reader is sure what it is of: no subject doubt, not a
part of a narrower figure ("“农林水支出”科目83万元，主要用于人员经费18万元…" is that 科目's 人员经费, not the
department's), and of the scope the table covers (a 财政拨款 figure is not the all-funds 支出表's).
"""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.claims import NarrativeClaim
from llmextract.core.document import Document
from llmextract.core.numbers import convert
from llmextract.layout import find_project_tables
from llmextract.tables import BudgetTable
from llmextract.tables.model import Amount
from llmextract.tables.queries import (
    Located,
    admin_cost_cell,
    first_of,
    grand_totals,
    project_sum,
    three_public_items,
    total_cell,
)
from llmextract.verify.cross_rules import as_unit
from llmextract.verify.report import Checker
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import Figure, equal, figure, sum_holds

Span = tuple[int, int]
Context = tuple[NarrativeClaim, NarrativeClaim | None, NarrativeClaim | None]


def _span(claim: NarrativeClaim) -> Span:
    return claim.location.start, claim.location.end


def claim_figure(claim: NarrativeClaim, unit: str | None = None) -> Figure:
    """A prose amount as a figure (prose rounds to whole units when it prints no decimals), in ``unit``."""
    f = figure(claim.amount or Decimal(0), claim.unit or "万元", prose=True)
    if unit is None or unit == claim.unit or claim.unit is None:
        return f
    return Figure(convert(f.value, claim.unit, unit), convert(f.step, claim.unit, unit))


# Subjects whose amount is one table cell; the first word found in the subject decides.
_SUBJECT_CELLS = ("人员经费", "公用经费", "机关运行经费", "基本支出", "项目支出")
_THREE_PUBLIC_SUBJECTS = (
    (re.compile(r"因公出国"), "因公出国(境)费"),
    (re.compile(r"公务接待"), "公务接待费"),
    (re.compile(r"购置(及|和|与)运行"), "公务用车购置及运行费"),
    (re.compile(r"运行维护"), "公务用车运行费"),
    (re.compile(r"公务用车购置(?!(及|和|与)运行)"), "公务用车购置费"),
    (re.compile(r"三公"), "合计"),
)
# 预算收入总计 / 支出总计 in the prose restate the grand totals of the 收支总表 (not of the 财政拨款 one).
_GRAND_SUBJECTS = (("收入总计", "收入"), ("支出总计", "支出"))
_MAX_SUBJECT = 30  # longer "subjects" are sentences that merely mention an item
_NOT_THIS_YEAR = ("上年", "年初", "全年预算", "预算数", "结转", "增加", "减少", "比", "较")
# Totals whose parts are the department's own (基本支出 of the 支出预算, not of one 科目).
_WHOLE = re.compile(r"(收入|支出|收支)(预算)?(总计|合计|总额)?$|总预算$|预算$|基本支出|项目支出|经费$|总计$|合计$")
_NARROW = re.compile(r"科目|[（(](类|款|项)[）)]")
# Tables by the funds they cover: the all-funds 支出表 and the 一般公共预算 one; 三公 and 机关运行经费 are
# 一般公共预算 (财政拨款) figures whatever the prose calls them.
_SCOPE_KINDS = {
    None: ("expenditure", "general_budget"),
    "财政拨款": ("expenditure", "general_budget"),
    "一般公共预算": ("general_budget",),
}
_GENERAL_KINDS = ("general_budget", "basic_economic")  # tables of 一般公共预算 funds only


def amount_in_table(
    doc: Document, claim: NarrativeClaim, parent: NarrativeClaim | None, tables: list[BudgetTable], checker: Checker
) -> None:
    if claim.amount is None or _narrower_part(claim, parent):
        return
    cells = _table_cells(doc, claim, tables)
    if cells is None:
        return
    unit = claim.unit or "万元"
    if not cells:
        if claim.amount == 0 and any(t.kind == "three_public" and t.rows for t in tables):
            checker.passed("prose.amount-in-table")  # a 三公 item the table leaves blank is zero
            return
        checker.unchecked("prose.amount-in-table", f"{claim.subject}: no table prints this figure", [_span(claim)])
        return
    stated = claim_figure(claim)
    if any(equal(stated, as_unit(c, unit)) for c in cells):
        checker.passed("prose.amount-in-table")
        return
    shown = ", ".join(f"{fmt(as_unit(c, unit).value)} ({c[0].title})" for c in cells)
    if len({as_unit(c, unit).value for c in _same_scope(claim, cells)}) != 1:
        # The tables disagree among themselves (several measures or year blocks); say so, no error.
        checker.unchecked(
            "prose.amount-in-table", f"{claim.subject} {fmt(stated.value)}{unit}: tables print {shown}", [_span(claim)]
        )
        return
    doubt = claim.doubt("figure", "subject")
    if doubt:
        checker.unchecked(
            "prose.amount-in-table",
            f"{claim.subject} {fmt(stated.value)}{unit} vs {shown}: not checkable, {doubt}",
            [_span(claim)],
        )
        return
    checker.failed(
        "prose.amount-in-table",
        f"{claim.subject}: the text says {fmt(stated.value)} {unit}, the table {shown}",
        shown,
        f"{fmt(stated.value)}",
        [_span(claim), *((c[1].start, c[1].end) for c in cells)],
    )


def _same_scope(claim: NarrativeClaim, cells: list[Located]) -> list[Located]:
    """The cells a figure of the claim's scope must equal. A figure of no stated scope is the department's, all
    funds: a 一般公共预算 table that prints less is no evidence against it. A 财政拨款 figure (一般公共预算 +
    基金 + 国有资本) equals a table's only where the all-funds and the 一般公共预算 tables agree (no other funds
    in that row); with one of them missing it is not checkable."""
    if any(c[0].kind not in (*_GENERAL_KINDS, "expenditure") for c in cells):
        return cells  # 三公, 机关运行经费, 收支总表: one table, whatever the prose calls its funds
    general = [c for c in cells if c[0].kind in _GENERAL_KINDS]
    whole = [c for c in cells if c[0].kind not in _GENERAL_KINDS]
    if claim.scope is None:
        return whole
    if claim.scope == "财政拨款":
        return cells if general and whole else []
    return cells


def _narrower_part(claim: NarrativeClaim, parent: NarrativeClaim | None) -> bool:
    """A listed part of a figure narrower than the department's (a 科目, a 类, a project)."""
    if parent is None:
        return False
    return bool(_NARROW.search(parent.subject)) or not _WHOLE.search(parent.subject)


def _table_cells(doc: Document, claim: NarrativeClaim, tables: list[BudgetTable]) -> list[Located] | None:
    """The cells that print the figure the subject names; None when the subject names no cell."""
    subject = claim.subject
    if any(w in subject for w in _NOT_THIS_YEAR) or len(subject) > _MAX_SUBJECT:
        return None
    for word, side in _GRAND_SUBJECTS:
        # A bare "支出总计" often continues a sentence about the 政府性基金 or 财政拨款 budget: not the grand total.
        qualified = len(subject) > len(word) and not any(w in subject for w in ("财政拨款", "基金", "国有资本"))
        if subject.endswith(word) and qualified:
            totals = [(t, grand_totals(doc, t).get(side)) for t in tables if t.kind == "summary" and not t.empty]
            return [(t, a) for t, a in totals if a is not None]
    for pattern, item in _THREE_PUBLIC_SUBJECTS:
        if pattern.search(subject):
            return _three_public_cells(item, subject, tables)
    word = next((w for w in _SUBJECT_CELLS if subject.endswith(w)), None)
    if word == "机关运行经费":
        return [c for c in [admin_cost_cell(tables)] if c]
    if claim.scope not in _SCOPE_KINDS:
        return []  # a 财政拨款 / 政府性基金 figure: no table of that scope is read
    kinds = _SCOPE_KINDS[claim.scope]
    if word is None:
        return _class_cells(subject, tables, kinds)
    economic = first_of(tables, "basic_economic")
    if word in ("人员经费", "公用经费"):
        return [c for c in [total_cell(economic, word) or _labelled_total(economic, word)] if c]
    cells = [total_cell(t, word) for t in tables if t.kind in kinds]
    if word == "基本支出" and economic is not None and economic.column("人员经费"):
        cells.append(total_cell(economic, "基本支出", "合计", "小计"))
    return [c for c in cells if c]


def _three_public_cells(item: str, subject: str, tables: list[BudgetTable]) -> list[Located]:
    """The item's cell in each measure of the 三公 tables (a measure is a column, or a block of a row); of
    blocks headed by years (2025年预算数 | 2026年预算数) the prose states the latest, of 预算数 | 决算数 the 决算
    unless it says 预算. A measure that prints its 合计 and another item but leaves this one blank prints it as
    zero."""
    cells: list[Located] = []
    for table in tables:
        if table.kind != "three_public" or table.empty:
            continue
        for measure in _stated_blocks(table, three_public_items(table), subject):
            amount = measure.get(item)
            if amount is not None:
                cells.append((table, amount))
            elif item != "合计" and measure.get("合计") is not None and len(_printed(measure)) >= 2:
                cells.append((table, _blank_as_zero(measure)))
    return cells


Measure = dict[str, Amount | None]
_BLOCK_YEAR = re.compile(r"(20\d{2})\s*年")


def _stated_blocks(table: BudgetTable, measures: list[Measure], subject: str) -> list[Measure]:
    """The blocks of a 三公 row the prose can mean, by the header over each block's 合计."""
    headed = [(_block_header(table, m), m) for m in measures]
    years = [(int(y.group(1)), m) for h, m in headed if (y := _BLOCK_YEAR.search(h))]
    if len(years) == len(measures) > 1:
        latest = max(year for year, _ in years)
        return [m for year, m in years if year == latest]
    final = [m for h, m in headed if "决算" in h]
    if final and len(final) < len(measures):
        return [m for h, m in headed if "决算" not in h] if "预算" in subject and "决算" not in subject else final
    return measures


def _block_header(table: BudgetTable, measure: Measure) -> str:
    total = measure.get("合计")
    if total is None:
        return ""
    for row in table.rows:
        for col in table.columns:
            if row.amounts.get(col.index) is total:
                return " ".join(col.header)
    return ""


def _printed(measure: Measure) -> list[Amount]:
    return [v for v in measure.values() if v is not None]


def _blank_as_zero(measure: Measure) -> Amount:
    """A zero amount located at the measure's first printed cell (the row the blank belongs to)."""
    first = _printed(measure)[0]
    return Amount(Decimal(0), "", first.start, first.end)


def _labelled_total(table: BudgetTable | None, word: str) -> Located | None:
    """决算 economic tables print 人员经费 and 公用经费 side by side, their totals in one row labelled
    "人员经费合计 … 公用经费合计": the n-th label's amount is the row's n-th amount."""
    if table is None:
        return None
    for row in table.rows:
        amounts = [row.amounts[i] for i in sorted(row.amounts)]
        labels = [x for x in row.labels if x]
        if f"{word}合计" in labels and len(labels) == len(amounts):
            return (table, amounts[labels.index(f"{word}合计")])
    return None


_CODE = re.compile(r"(?<![\d.])(?P<code>\d{3}|\d{5}|\d{7})\s*[-－—]")


def _class_cells(subject: str, tables: list[BudgetTable], kinds: tuple[str, ...]) -> list[Located] | None:
    """The 合计 cells of the row the subject names: by its 科目编码 ("2101502-一般行政管理事务1306.00万元"), or
    a 类 (3-digit code) row by its exact name ("社会保障和就业支出248.61万元")."""
    code = _CODE.match(re.sub(r"^[(（][一二三四五六七八九十]+[)）]|^\d+[、.．](?!\d)", "", subject))
    cells: list[Located] = []
    for table in tables:
        if table.kind not in kinds or table.empty:
            continue
        col = table.column("合计") or (table.columns[0] if table.columns else None)
        for row in table.rows:
            amount = row.amount(col)
            named = row.code == code.group("code") if code else row.code and len(row.code) == 3 and row.label == subject
            if named and amount is not None:
                cells.append((table, amount))
    return cells or None


def project_counts(doc: Document, flat: list[Context], tables: list[BudgetTable], checker: Checker) -> None:
    listed = project_sum(tables)
    disclosed = None
    for claim, parent, _ in flat:
        if claim.count is None or parent is not None or "项目" not in claim.subject:
            continue
        if _states_disclosed_tables(claim.subject):
            disclosed = disclosed if disclosed is not None else len(find_project_tables(doc))
            if disclosed == 0:
                checker.unchecked(
                    "prose.disclosed-project-tables",
                    f"{claim.subject} {claim.count}个: no project target table found in this file",
                    [_span(claim)],
                )
                continue
            checker.check(
                disclosed == claim.count,
                "prose.disclosed-project-tables",
                f"the text says {claim.count} project target tables are disclosed, the document contains {disclosed}",
                f"{disclosed} 项目支出绩效目标表 in the document",
                f"{claim.count}个",
                [_span(claim)],
            )
        elif "二级项目" in claim.subject or "纳入" in claim.subject:
            _listed_projects(claim, listed, checker)


def _states_disclosed_tables(subject: str) -> bool:
    """ "公开项目绩效目标7个" states how many project targets this disclosure publishes. Counts of projects that
    have targets (设置并编报N个项目绩效目标, 编报绩效目标的项目共N个, 涉及一级预算项目N个) do not: the document
    may print a selection of them (重点项目, secret ones omitted) or none."""
    return "公开" in subject and "绩效目标" in subject


def _listed_projects(claim: NarrativeClaim, listed: tuple[BudgetTable, list] | None, checker: Checker) -> None:
    if listed is None:
        checker.unchecked("prose.project-count", f"{claim.subject}: no 项目支出表 to count", [_span(claim)])
        return
    table, amounts = listed
    checker.check(
        len(amounts) == claim.count,
        "prose.project-count",
        f"the text says {claim.count} projects, {table.title} lists {len(amounts)}",
        f"{len(amounts)} projects in {table.title}",
        f"{claim.count}个",
        [_span(claim)],
    )
    if claim.amount is not None:
        terms = [figure(a.value, table.unit) for a in amounts]
        computed = sum((t.value for t in terms), Decimal(0))
        checker.check(
            sum_holds(claim_figure(claim, table.unit), terms),
            "prose.project-count",
            f"the text says its projects total {claim.amount}{claim.unit}, {table.title} adds up to {fmt(computed)}",
            f"Σ {len(amounts)} projects = {fmt(computed)}",
            f"{claim.amount}",
            [_span(claim)],
        )
