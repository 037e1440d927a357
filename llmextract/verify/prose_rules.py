"""Prose against itself and against the tables: changes and their rates, shares, completion rates, component
lists, amounts named after a table cell, counts of projects and of disclosed project tables."""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.claims import NarrativeClaim
from llmextract.core.document import Document
from llmextract.core.numbers import convert
from llmextract.layout import find_project_tables
from llmextract.tables import BudgetTable
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
from llmextract.verify.tolerance import (
    Figure,
    difference,
    equal,
    figure,
    pct,
    pct_holds,
    sum_at_most,
    sum_holds,
    total,
)

Span = tuple[int, int]
_COMPARISON_BASE = re.compile(r"^(与|比|较|同)|上年|上一年")


def _span(claim: NarrativeClaim) -> Span:
    return claim.location.start, claim.location.end


def _fig(claim: NarrativeClaim, unit: str | None = None) -> Figure:
    f = figure(claim.amount or Decimal(0), claim.unit or "万元", prose=True)
    if unit is None or unit == claim.unit or claim.unit is None:
        return f
    return Figure(convert(f.value, claim.unit, unit), convert(f.step, claim.unit, unit))


Context = tuple[NarrativeClaim, NarrativeClaim | None, NarrativeClaim | None]


def _flatten(claims: list[NarrativeClaim]) -> list[Context]:
    """(claim, its parent total, the claim printed just before it) in document order."""
    ordered: list[tuple[NarrativeClaim, NarrativeClaim | None]] = []
    for claim in claims:
        ordered.append((claim, None))
        ordered.extend((part, claim) for group in claim.components for part in group)
    ordered.sort(key=lambda item: item[0].location.start)
    return [(c, parent, ordered[i - 1][0] if i else None) for i, (c, parent) in enumerate(ordered)]


def check_prose(doc: Document, claims: list[NarrativeClaim], tables: list[BudgetTable], checker: Checker) -> None:
    flat = _flatten(claims)
    amounts = [c for c, _, _ in flat if c.amount is not None and c.amount > 0]
    head: NarrativeClaim | None = None  # the last figure stated without a share: the total of a list of shares
    for claim, parent, previous in flat:
        if claim.amount is None:
            continue
        with checker.guard(f"the prose rules on “{claim.text[:30]}”", _span(claim)):
            head = _check_claim(claim, parent, previous, head, amounts, tables, checker)
    with checker.guard("the prose project counts"):
        _project_counts(doc, flat, tables, checker)


def _check_claim(
    claim: NarrativeClaim,
    parent: NarrativeClaim | None,
    previous: NarrativeClaim | None,
    head: NarrativeClaim | None,
    amounts: list[NarrativeClaim],
    tables: list[BudgetTable],
    checker: Checker,
) -> NarrativeClaim | None:
    """Every relation of one prose figure; returns the new head of a list of shares."""
    if claim.change_amount is not None and claim.change_pct is not None:
        _change_rate(claim, parent, previous, checker)
    elif claim.change_pct is not None and claim.change_amount is None:
        checker.unchecked("prose.change-rate", f"{claim.subject}: a rate of change without the amount", [_span(claim)])
    if claim.share_pct is not None:
        # In "收入1,629.62万元，主要包括A 661.85万元，占40.61%；…；B 967.77万元，占59.39%" B's base is the head,
        # not its sibling A before it.
        # A zero figure just before ("特定目标类项目0个，涉及金额0万元") is no base either.
        sibling = previous is not None and (previous.share_pct is not None or not previous.amount)
        if parent is None and (previous is None or sibling) and _near(head, claim):
            previous = head
        _share(claim, parent, previous, amounts, checker)
    elif claim.amount:
        head = claim
    if claim.completion_pct is not None:
        _completion(claim, previous, checker)
    for group in claim.components:
        _components(claim, group, checker)
    _amount_in_table(claim, tables, checker)
    return head


def _change_rate(
    claim: NarrativeClaim, parent: NarrativeClaim | None, previous: NarrativeClaim | None, checker: Checker
) -> None:
    assert claim.change_amount is not None and claim.change_pct is not None
    change = figure(claim.change_amount, claim.unit or "万元", prose=True)
    # The change is said of the clause's figure, of the total the clause lists parts of, or of the figure
    # just before it when the clause's own figure is the comparison base ("57.82万元，与2025年预算66.10万元相比，
    # 减少8.28万元，下降12.53%": the base 66.10 is last year's amount itself).
    near = previous if previous is not None and claim.location.start - previous.location.end <= 30 else None
    bases = [c for c in (claim, parent, near) if c is not None and c.amount is not None]
    results = []
    for base in bases:
        current = _fig(base, claim.unit)
        last = difference(current, change) if claim.direction == "up" else total(current, change)
        results.append((base, last, pct_holds(claim.change_pct, change, last)))
    if _COMPARISON_BASE.search(claim.subject):
        last = _fig(claim)
        results.append((claim, last, pct_holds(claim.change_pct, change, last)))
    if any(ok for _, _, ok in results):
        checker.passed("prose.change-rate")
        return
    base, last, ok = results[0]
    if ok is None and last.high < 0:
        # An increase larger than the amount itself: last year's amount would be negative, which no budget is.
        checker.failed(
            "prose.change-rate",
            f"{claim.subject}: an increase of {fmt(change.value)}{claim.unit} on {fmt(_fig(base).value)} means "
            f"last year's amount was {fmt(last.value)}",
            f"{fmt(_fig(base).value)} - {fmt(change.value)} ≥ 0",
            f"{fmt(last.value)}",
            [_span(claim)],
        )
        return
    if ok is None:
        checker.unchecked("prose.change-rate", f"{claim.subject}: last year's amount would be zero", [_span(claim)])
        return
    sign = "-" if claim.direction == "up" else "+"
    word = "增长" if claim.direction == "up" else "减少"
    rate = pct(change.value, last.value)
    checker.failed(
        "prose.change-rate",
        f"{claim.subject}: {word}{fmt(change.value)}{claim.unit} is {rate}% of last year's "
        f"{fmt(last.value)}, not {claim.change_pct}%",
        f"{fmt(change.value)} ÷ ({fmt(_fig(base).value)} {sign} {fmt(change.value)}) = {rate}%",
        f"{claim.change_pct}%",
        [_span(claim)],
    )


_HEAD_DISTANCE = 400  # chars: a list of shares follows its total within a paragraph or two


def _near(head: NarrativeClaim | None, claim: NarrativeClaim) -> bool:
    return head is not None and 0 <= claim.location.start - head.location.end <= _HEAD_DISTANCE


_BASE_WORDS = ("总计", "合计", "总额", "总预算", "总支出", "总收入", "收入", "支出", "预算")


def _share(
    claim: NarrativeClaim,
    parent: NarrativeClaim | None,
    previous: NarrativeClaim | None,
    amounts: list[NarrativeClaim],
    checker: Checker,
) -> None:
    assert claim.share_pct is not None and claim.amount is not None
    if claim.amount == 0:
        checker.check(
            claim.share_pct == 0,
            "prose.share",
            f"{claim.subject}: 0 is not {claim.share_pct}%",
            "0%",
            f"{claim.share_pct}%",
            [_span(claim)],
        )
        return
    part = _fig(claim)
    # The base is the total the claim is a part of; failing that any larger figure stated in the prose
    # ("占本年支出合计的38.03%" names a total stated paragraphs earlier).
    expected_base = parent or previous
    # Only totals qualify as a base named elsewhere: with every stated amount as a candidate, a misprinted
    # share nearly always matched some unrelated figure.
    # An equal figure stays a candidate: "占…总额的100%" is said of a part that is the whole.
    totals = [c for c in amounts if any(w in c.subject for w in _BASE_WORDS) or c.amount == claim.amount]
    candidates = [
        c for c in ([expected_base] if expected_base else []) + totals if c.amount and c.amount >= claim.amount
    ]
    if any(pct_holds(claim.share_pct, part, _fig(c, claim.unit)) for c in candidates):
        checker.passed("prose.share")
        return
    if expected_base is None or not expected_base.amount:
        checker.unchecked("prose.share", f"{claim.subject}: no stated total gives {claim.share_pct}%", [_span(claim)])
        return
    base = _fig(expected_base, claim.unit)
    checker.failed(
        "prose.share",
        f"{claim.subject}: {fmt(part.value)} is {pct(part.value, base.value)}% of {fmt(base.value)}, "
        f"not {claim.share_pct}%",
        f"{fmt(part.value)} ÷ {fmt(base.value)} = {pct(part.value, base.value)}%",
        f"{claim.share_pct}%",
        [_span(claim), _span(expected_base)],
    )


def _completion(claim: NarrativeClaim, previous: NarrativeClaim | None, checker: Checker) -> None:
    assert claim.completion_pct is not None
    budget = previous if previous is not None and "预算" in previous.subject and previous.amount else None
    if budget is None or claim.location.start - budget.location.end > 40:
        checker.unchecked(
            "prose.completion-rate", f"{claim.subject}: the budget amount is not stated with it", [_span(claim)]
        )
        return
    actual, planned = _fig(claim), _fig(budget, claim.unit)
    checker.check(
        bool(pct_holds(claim.completion_pct, actual, planned)),
        "prose.completion-rate",
        f"{claim.subject}: {fmt(actual.value)} is {pct(actual.value, planned.value)}% of the budget "
        f"{fmt(planned.value)}, not {claim.completion_pct}%",
        f"{fmt(actual.value)} ÷ {fmt(planned.value)} = {pct(actual.value, planned.value)}%",
        f"{claim.completion_pct}%",
        [_span(budget), _span(claim)],
    )


def _components(claim: NarrativeClaim, group: list[NarrativeClaim], checker: Checker) -> None:
    parts = [p for p in group if p.amount is not None]
    if len(parts) < 2:
        return
    whole = _fig(claim)
    terms = [_fig(p, claim.unit) for p in parts]
    ok = sum_at_most(whole, terms) if claim.partial else sum_holds(whole, terms)
    computed = sum((t.value for t in terms), Decimal(0))
    checker.check(
        ok,
        "prose.components-sum",
        f"{claim.subject} {fmt(whole.value)}{claim.unit}: its parts add up to {fmt(computed)}",
        " + ".join(f"{p.subject} {fmt(t.value)}" for p, t in zip(parts, terms, strict=True)) + f" = {fmt(computed)}",
        fmt(whole.value),
        [_span(claim), *(_span(p) for p in parts)],
    )


# Subjects whose amount is one table cell; the first word found in the subject decides.
_SUBJECT_CELLS = ("人员经费", "公用经费", "机关运行经费", "基本支出", "项目支出")
_THREE_PUBLIC_SUBJECTS = (
    ("因公出国", "因公出国(境)费"),
    ("公务接待", "公务接待费"),
    ("购置及运行", "公务用车购置及运行费"),
    ("运行维护", "公务用车运行费"),
    ("购置费", "公务用车购置费"),
    ("三公", "合计"),
)
# 预算收入总计 / 支出总计 in the prose restate the grand totals of the 收支总表 (not of the 财政拨款 one).
_GRAND_SUBJECTS = (("收入总计", "收入"), ("支出总计", "支出"))
_MAX_SUBJECT = 30  # longer "subjects" are sentences that merely mention an item
_NOT_THIS_YEAR = ("上年", "年初", "全年预算", "预算数", "结转", "增加", "减少", "比", "较")


def _table_cells(doc: Document, subject: str, tables: list[BudgetTable]) -> list[Located] | None:
    """The cells that print the figure the subject names; None when the subject names no cell."""
    if any(w in subject for w in _NOT_THIS_YEAR) or len(subject) > _MAX_SUBJECT:
        return None
    for word, side in _GRAND_SUBJECTS:
        # A bare "支出总计" often continues a sentence about the 政府性基金 or 财政拨款 budget: not the grand total.
        qualified = len(subject) > len(word) and not any(w in subject for w in ("财政拨款", "基金", "国有资本"))
        if subject.endswith(word) and qualified:
            totals = [(t, grand_totals(doc, t).get(side)) for t in tables if t.kind == "summary" and not t.empty]
            return [(t, a) for t, a in totals if a is not None]
    for word, item in _THREE_PUBLIC_SUBJECTS:
        if word in subject:
            cells = []
            for table in tables:
                if table.kind == "three_public" and not table.empty:
                    for measure in three_public_items(table):
                        if measure.get(item) is not None:
                            cells.append((table, measure[item]))
            return cells
    word = next((w for w in _SUBJECT_CELLS if subject.endswith(w)), None)
    if word is None:
        return _class_cells(subject, tables)
    if word == "机关运行经费":
        return [c for c in [admin_cost_cell(tables)] if c]
    economic = first_of(tables, "basic_economic")
    if word in ("人员经费", "公用经费"):
        return [c for c in [total_cell(economic, word) or _labelled_total(economic, word)] if c]
    cells = [total_cell(t, word) for t in tables if t.kind in ("expenditure", "general_budget")]
    if word == "基本支出" and economic is not None and economic.column("人员经费"):
        cells.append(total_cell(economic, "基本支出", "合计", "小计"))
    return [c for c in cells if c]


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


def _class_cells(subject: str, tables: list[BudgetTable]) -> list[Located] | None:
    """The 合计 cells of the 类 (3-digit code) row the subject names exactly ("社会保障和就业支出248.61万元")."""
    cells: list[Located] = []
    for table in tables:
        if table.kind not in ("expenditure", "general_budget") or table.empty:
            continue
        col = table.column("合计") or (table.columns[0] if table.columns else None)
        for row in table.rows:
            amount = row.amount(col)
            if row.code and len(row.code) == 3 and row.label == subject and amount is not None:
                cells.append((table, amount))
    return cells or None


def _amount_in_table(claim: NarrativeClaim, tables: list[BudgetTable], checker: Checker) -> None:
    cells = _table_cells(checker.doc, claim.subject, tables)
    if cells is None:
        return
    unit = claim.unit or "万元"
    if not cells:
        if claim.amount == 0 and any(t.kind == "three_public" and t.rows for t in tables):
            checker.passed("prose.amount-in-table")  # a 三公 item the table leaves blank is zero
            return
        checker.unchecked("prose.amount-in-table", f"{claim.subject}: no table prints this figure", [_span(claim)])
        return
    stated = _fig(claim)
    if any(equal(stated, as_unit(c, unit)) for c in cells):
        checker.passed("prose.amount-in-table")
        return
    values = {as_unit(c, unit).value for c in cells}
    shown = ", ".join(f"{fmt(as_unit(c, unit).value)} ({c[0].title})" for c in cells)
    if len(values) > 1:
        # The tables disagree among themselves (scope differs: all funds vs 一般公共预算); say so, no error.
        checker.unchecked(
            "prose.amount-in-table", f"{claim.subject} {fmt(stated.value)}{unit}: tables print {shown}", [_span(claim)]
        )
        return
    checker.failed(
        "prose.amount-in-table",
        f"{claim.subject}: the text says {fmt(stated.value)} {unit}, the table {shown}",
        shown,
        f"{fmt(stated.value)}",
        [_span(claim), *((c[1].start, c[1].end) for c in cells)],
    )


def _project_counts(
    doc: Document,
    flat: list[Context],
    tables: list[BudgetTable],
    checker: Checker,
) -> None:
    listed = project_sum(tables)
    disclosed = None
    for claim, parent, _ in flat:
        if claim.count is None or parent is not None or "项目" not in claim.subject:
            continue
        if "公开" in claim.subject and "绩效目标" in claim.subject:
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
            if listed is None:
                checker.unchecked("prose.project-count", f"{claim.subject}: no 项目支出表 to count", [_span(claim)])
                continue
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
                    sum_holds(_fig(claim, table.unit), terms),
                    "prose.project-count",
                    f"the text says its projects total {claim.amount}{claim.unit}, {table.title} adds up to "
                    f"{fmt(computed)}",
                    f"Σ {len(amounts)} projects = {fmt(computed)}",
                    f"{claim.amount}",
                    [_span(claim)],
                )
