"""Prose against itself: changes and their rates, shares, completion rates and component lists (the figures
against the tables are in :mod:`llmextract.verify.prose_tables`).

An error is claimed only from a certain reading. A relation is not checkable (an info finding saying why) when
the reader doubts the clause it rests on (``NarrativeClaim.doubts``) or when its base is uncertain: a share
larger than its base, a base named in the clause (占本年支出) that the candidate figure does not match, a base
that is itself doubted. A percentage off by no more than one step of its last digit is a ``prose.rounding``
warning, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from llmextract.core.catalogue import PROSE_ROUNDING
from llmextract.core.claims import NarrativeClaim
from llmextract.core.document import Document
from llmextract.tables import BudgetTable
from llmextract.tables.queries import Located, first_of, total_cell
from llmextract.verify.cross_rules import as_unit
from llmextract.verify.prose_tables import amount_in_table, claim_figure, project_counts
from llmextract.verify.report import Checker
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import (
    Figure,
    difference,
    figure,
    pct,
    pct_holds,
    pct_rounding,
    sum_at_most,
    sum_holds,
    total,
)

Span = tuple[int, int]
_ROUNDING = PROSE_ROUNDING
_COMPARISON_BASE = re.compile(r"^(与|比|较|同)|上年|上一年")


def _span(claim: NarrativeClaim) -> Span:
    return claim.location.start, claim.location.end


_fig = claim_figure


Context = tuple[NarrativeClaim, NarrativeClaim | None, NarrativeClaim | None]


def _flatten(claims: list[NarrativeClaim]) -> list[Context]:
    """(claim, its parent total, the claim printed just before it) in document order."""
    ordered: list[tuple[NarrativeClaim, NarrativeClaim | None]] = []

    def walk(claim: NarrativeClaim, parent: NarrativeClaim | None) -> None:
        ordered.append((claim, parent))
        for group in claim.components:
            for part in group:
                walk(part, claim)

    for claim in claims:
        walk(claim, None)
    ordered.sort(key=lambda item: item[0].location.start)
    return [(c, parent, ordered[i - 1][0] if i else None) for i, (c, parent) in enumerate(ordered)]


@dataclass(frozen=True)
class _Bases:
    """What a share can be a share of, besides the figures around it."""

    amounts: list[NarrativeClaim]  # every stated amount
    series: dict[int, list[NarrativeClaim]]  # a share's list, when the list's shares add up to 100%
    # 基本支出 / 项目支出 of the all-funds 支出表, then of the 一般公共预算 one ("占部门项目支出总额的100%")
    table: dict[str, list[Located]]


def check_prose(doc: Document, claims: list[NarrativeClaim], tables: list[BudgetTable], checker: Checker) -> None:
    flat = _flatten(claims)
    amounts = [c for c, _, _ in flat if c.amount is not None and c.amount > 0]
    # A 决算's tables print what was spent, while its prose may state budgeted amounts: budgets only.
    spending = [first_of(tables, k) for k in ("expenditure", "general_budget")]
    spending = [t for t in spending if t is not None and not t.final_accounts]
    table_bases = {w: cells for w in _TABLE_BASES if (cells := [c for t in spending if (c := total_cell(t, w))])}
    bases = _Bases(amounts, _share_series(flat), table_bases)
    head: NarrativeClaim | None = None  # the last figure stated without a share: the total of a list of shares
    for claim, parent, previous in flat:
        if claim.amount is None:
            continue
        with checker.guard(f"the prose rules on “{claim.text[:30]}”", _span(claim)):
            head = _check_claim(claim, parent, previous, head, bases, checker)
            amount_in_table(checker.doc, claim, parent, tables, checker)
    with checker.guard("the prose project counts"):
        project_counts(doc, flat, tables, checker)


def _check_claim(
    claim: NarrativeClaim,
    parent: NarrativeClaim | None,
    previous: NarrativeClaim | None,
    head: NarrativeClaim | None,
    bases: _Bases,
    checker: Checker,
) -> NarrativeClaim | None:
    """Every relation of one prose figure within the prose; returns the new head of a list of shares."""
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
        _share(claim, parent, previous, bases, checker)
    elif claim.amount:
        head = claim
    if claim.completion_pct is not None:
        _completion(claim, previous, checker)
    for group in claim.components:
        _components(claim, group, checker)
    return head


def _not_checkable(checker: Checker, rule: str, claim: NarrativeClaim, what: str, why: str, spans: list[Span]) -> None:
    checker.unchecked(rule, f"{claim.subject}: {what} does not hold, but {why}: not checkable", spans)


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
    sign = "-" if claim.direction == "up" else "+"
    word = "增长" if claim.direction == "up" else "减少"
    doubt = claim.doubt("change", "figure")
    if ok is None and last.high < 0:
        # An increase larger than the amount itself: last year's amount would be negative, which no budget is.
        message = (
            f"{claim.subject}: an increase of {fmt(change.value)}{claim.unit} on {fmt(_fig(base).value)} means "
            f"last year's amount was {fmt(last.value)}"
        )
        if doubt:
            _not_checkable(checker, "prose.change-rate", claim, "the increase", doubt, [_span(claim)])
            return
        checker.failed(
            "prose.change-rate",
            message,
            f"{fmt(_fig(base).value)} - {fmt(change.value)} ≥ 0",
            fmt(last.value),
            [_span(claim)],
        )
        return
    if ok is None:
        checker.unchecked("prose.change-rate", f"{claim.subject}: last year's amount would be zero", [_span(claim)])
        return
    if claim.direction == "flat":
        doubt = doubt or "the text says both 持平 and a change"
    rate = pct(change.value, last.value)
    arithmetic = f"{fmt(change.value)} ÷ ({fmt(_fig(base).value)} {sign} {fmt(change.value)}) = {rate}%"
    if doubt:
        _not_checkable(
            checker, "prose.change-rate", claim, f"{arithmetic} vs {claim.change_pct}%", doubt, [_span(claim)]
        )
        return
    rounding = any(pct_rounding(claim.change_pct, change, last) for _, last, _ in results)
    checker.failed(
        _ROUNDING if rounding else "prose.change-rate",
        f"{claim.subject}: {word}{fmt(change.value)}{claim.unit} is {rate}% of last year's "
        f"{fmt(last.value)}, not {claim.change_pct}%" + (" (a rounding difference)" if rounding else ""),
        arithmetic,
        f"{claim.change_pct}%",
        [_span(claim)],
    )


_HEAD_DISTANCE = 400  # chars: a list of shares follows its total within a paragraph or two
_SERIES_GAP = 80  # chars between two shares of one series (a short heading may sit between them)


def _near(head: NarrativeClaim | None, claim: NarrativeClaim) -> bool:
    return head is not None and 0 <= claim.location.start - head.location.end <= _HEAD_DISTANCE


def _share_series(flat: list[Context]) -> dict[int, list[NarrativeClaim]]:
    """Runs of consecutive shares of one list whose printed percentages add up to 100 (or whose other shares
    all hold on the sum): their base is the sum of their amounts, whatever total the text printed before them
    ("基本支出…占本年支出预算10.97%；项目支出…占89.03%" after a 支出预算 that also counts 结转结余)."""
    runs: list[list[NarrativeClaim]] = []
    last_parent: NarrativeClaim | None = None
    for claim, parent, _ in flat:
        if claim.share_pct is None or claim.amount is None:
            last_parent = None
            runs.append([])
            continue
        run = runs[-1] if runs else []
        if not run or parent is not last_parent or claim.location.start - run[-1].location.end > _SERIES_GAP:
            run = []
            runs.append(run)
        run.append(claim)
        last_parent = parent
    out: dict[int, list[NarrativeClaim]] = {}
    for run in runs:
        if len(run) < 2 or any(c.unit != run[0].unit for c in run):
            continue
        printed = sum((c.share_pct or Decimal(0) for c in run), Decimal(0))
        slack = sum((Decimal(1).scaleb(-_places(c.share_pct)) for c in run), Decimal(0))  # one step each
        if abs(printed - 100) <= slack:
            out.update({id(c): run for c in run})
            continue
        # One share off while every other one is its amount ÷ the sum: the others confirm the base (zero
        # amounts at 0% confirm nothing).
        base = _series_sum(run, run[0].unit)
        for claim in run:
            others = [c for c in run if c is not claim and c.amount]
            if others and all(pct_holds(c.share_pct or Decimal(0), _fig(c), base) for c in others):
                out[id(claim)] = run
    return out


def _places(value: Decimal | None) -> int:
    exponent = value.as_tuple().exponent if value is not None else 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


_BASE_WORDS = ("总计", "合计", "总额", "总预算", "总支出", "总收入", "收入", "支出", "预算")


def _share(
    claim: NarrativeClaim,
    parent: NarrativeClaim | None,
    previous: NarrativeClaim | None,
    bases: _Bases,
    checker: Checker,
) -> None:
    assert claim.share_pct is not None and claim.amount is not None
    amounts, series = bases.amounts, bases.series.get(id(claim))
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
    named = _named_base(claim.text)
    # "占政府采购支出总额的100.00%": the nearest figure before it with that subject is the base; "占部门（单位）
    # 项目支出总额的100%" with no such figure is the 支出表's 项目支出.
    by_name = [c for c in amounts if c.location.end <= claim.location.start and _names(named, c.subject)]
    expected_base = by_name[-1] if by_name else parent or previous
    table_cells = [] if by_name else next((cells for w, cells in bases.table.items() if w in named), [])
    table_base = table_cells[0] if table_cells else None
    # Only totals qualify as a base named elsewhere: with every stated amount as a candidate, a misprinted
    # share nearly always matched some unrelated figure.
    # An equal figure stays a candidate: "占…总额的100%" is said of a part that is the whole.
    totals = [
        c for c in amounts if c is not claim and (any(w in c.subject for w in _BASE_WORDS) or c.amount == claim.amount)
    ]
    candidates = [
        _fig(c, claim.unit)
        for c in ([expected_base] if expected_base else []) + totals
        if c.amount and c.amount >= claim.amount
    ]
    series_base = _series_sum(series, claim.unit) if series else None
    if series_base is not None:
        candidates = [series_base]  # the listed parts confirm their base: no other figure is a candidate
    candidates.extend(as_unit(c, claim.unit or "万元") for c in table_cells)
    if any(pct_holds(claim.share_pct, part, c) for c in candidates):
        checker.passed("prose.share")
        return
    if series_base is not None:
        base, spans, why = series_base, [_span(c) for c in series or []], None
        what = f"{fmt(series_base.value)} (the sum of the listed parts)"
    elif table_base is not None:
        base = as_unit(table_base, claim.unit or "万元")
        why = f"the share would exceed {fmt(base.value)}: the base is another figure" if part.low > base.high else None
        spans = [_span(claim), (table_base[1].start, table_base[1].end)]
        what = f"{fmt(base.value)} ({table_base[0].title})"
    elif expected_base is not None and expected_base.amount:
        base, spans = _fig(expected_base, claim.unit), [_span(claim), _span(expected_base)]
        why = _base_doubt(claim, expected_base, part, base, parent is expected_base)
        what = fmt(base.value)
    else:
        checker.unchecked("prose.share", f"{claim.subject}: no stated total gives {claim.share_pct}%", [_span(claim)])
        return
    computed = pct(part.value, base.value)
    arithmetic = f"{fmt(part.value)} ÷ {fmt(base.value)} = {computed}%"
    why = why or claim.doubt("share", "figure")
    if why:
        _not_checkable(checker, "prose.share", claim, f"{arithmetic} vs {claim.share_pct}%", why, [_span(claim)])
        return
    rounding = pct_rounding(claim.share_pct, part, base)
    note = ""
    if rounding:
        forced = series is not None and abs(sum((c.share_pct or Decimal(0) for c in series), Decimal(0)) - 100) < 1
        note = " (shares rounded to total 100%)" if forced else " (a rounding difference)"
    checker.failed(
        _ROUNDING if rounding else "prose.share",
        f"{claim.subject}: {fmt(part.value)} is {computed}% of {what}, not {claim.share_pct}%{note}",
        arithmetic,
        f"{claim.share_pct}%",
        spans,
    )


def _series_sum(series: list[NarrativeClaim], unit: str | None) -> Figure:
    figures = [_fig(c, unit) for c in series]
    return Figure(sum((f.value for f in figures), Decimal(0)), sum((f.step for f in figures), Decimal(0)))


_SIDES = ("收入", "支出")
_TABLE_BASES = ("项目支出", "基本支出")


def _base_doubt(
    claim: NarrativeClaim, base_claim: NarrativeClaim, part: Figure, base: Figure, is_parent: bool
) -> str | None:
    """Why the figure taken as the share's base may not be it (a base the clause names is certain)."""
    named = _named_base(claim.text)
    if _names(named, base_claim.subject):
        return None
    if part.low > base.high:
        return f"the share would exceed its base {fmt(base.value)}: the base is another figure"
    if base_doubt := base_claim.doubt("figure", "subject"):
        return f"the base {fmt(base.value)} is uncertain ({base_doubt})"
    if is_parent and base_claim.doubt("components"):
        return base_claim.doubt("components")
    for side in _SIDES:
        other = _SIDES[1 - _SIDES.index(side)]
        if side in named and other in base_claim.subject and side not in base_claim.subject:
            return f"the text names the base “{named}”, not “{base_claim.subject}”"
    if not is_parent and not _near(base_claim, claim):
        return f"the base {fmt(base.value)} is stated far from the share"
    return None


_NAME_NOISE = re.compile(r"[的()（）“”\"\s]|本年|全年|部门|单位")


def _names(named: str, subject: str) -> bool:
    """Whether the base a share clause names is the figure's subject ("占政府采购支出总额的100%")."""
    a, b = _NAME_NOISE.sub("", named), _NAME_NOISE.sub("", subject)
    return len(a) >= 4 and a in b


def _named_base(text: str) -> str:
    """The base a share clause names: "占本年支出预算10.97%" → 本年支出预算."""
    m = re.search(r"占(?P<base>[^，。；%\d]*)", text)
    return m.group("base").rstrip("的") if m else ""


def _completion(claim: NarrativeClaim, previous: NarrativeClaim | None, checker: Checker) -> None:
    assert claim.completion_pct is not None
    budget = previous if previous is not None and "预算" in previous.subject and previous.amount else None
    if budget is None or claim.location.start - budget.location.end > 40:
        checker.unchecked(
            "prose.completion-rate", f"{claim.subject}: the budget amount is not stated with it", [_span(claim)]
        )
        return
    actual, planned = _fig(claim), _fig(budget, claim.unit)
    if pct_holds(claim.completion_pct, actual, planned):
        checker.passed("prose.completion-rate")
        return
    computed = pct(actual.value, planned.value)
    arithmetic = f"{fmt(actual.value)} ÷ {fmt(planned.value)} = {computed}%"
    why = claim.doubt("change", "figure") or budget.doubt("figure", "subject")
    if why:
        _not_checkable(checker, "prose.completion-rate", claim, arithmetic, why, [_span(budget), _span(claim)])
        return
    rounding = pct_rounding(claim.completion_pct, actual, planned)
    checker.failed(
        _ROUNDING if rounding else "prose.completion-rate",
        f"{claim.subject}: {fmt(actual.value)} is {computed}% of the budget {fmt(planned.value)}, "
        f"not {claim.completion_pct}%" + (" (a rounding difference)" if rounding else ""),
        arithmetic,
        f"{claim.completion_pct}%",
        [_span(budget), _span(claim)],
    )


def _unit_misprint(claim: NarrativeClaim, parts: list[NarrativeClaim]) -> str | None:
    """ "污染防治项目18,686.86元，主要包括：…3,953.30万元…": the parts agree with the total's number in their own
    unit — the unit is misprinted, the figures are not contradicted."""
    units = {p.unit for p in parts}
    if len(units) != 1 or claim.unit in units:
        return None
    (unit,) = units
    whole = figure(claim.amount or Decimal(0), unit or "万元", prose=True)
    terms = [_fig(p) for p in parts]
    holds = sum_at_most(whole, terms) if claim.partial else sum_holds(whole, terms)
    return f"the total is printed in {claim.unit} and its parts in {unit}, in which they agree" if holds else None


def _components(claim: NarrativeClaim, group: list[NarrativeClaim], checker: Checker) -> None:
    parts = [p for p in group if p.amount is not None]
    if len(parts) < 2:
        return
    whole = _fig(claim)
    terms = [_fig(p, claim.unit) for p in parts]
    ok = sum_at_most(whole, terms) if claim.partial else sum_holds(whole, terms)
    if ok:
        checker.passed("prose.components-sum")
        return
    computed = sum((t.value for t in terms), Decimal(0))
    arithmetic = (
        " + ".join(f"{p.subject} {fmt(t.value)}" for p, t in zip(parts, terms, strict=True)) + f" = {fmt(computed)}"
    )
    spans = [_span(claim), *(_span(p) for p in parts)]
    why = claim.doubt("components") or _unit_misprint(claim, parts)
    if why:
        _not_checkable(checker, "prose.components-sum", claim, arithmetic, why, spans)
        return
    checker.failed(
        "prose.components-sum",
        f"{claim.subject} {fmt(whole.value)}{claim.unit}: its parts add up to {fmt(computed)}",
        arithmetic,
        fmt(whole.value),
        spans,
    )
