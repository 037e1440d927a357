"""The prose's "公开项目绩效目标N个，涉及项目金额X万元" against the project tables actually extracted.

``prose.disclosed-project-tables`` already compares N with the number of tables; this adds the amount. When
the counts differ the amounts cannot be compared (a table is missing, so its amount is too): that is said
once, as not checkable, rather than reported as a second error with the same cause.
"""

from __future__ import annotations

from decimal import Decimal

from llmextract.core.claims import NarrativeClaim
from llmextract.core.numbers import convert
from llmextract.core.records import ProjectRecord
from llmextract.verify.ledger import RecordLedger
from llmextract.verify.report import Checker
from llmextract.verify.table_rules import fmt, fmt_short
from llmextract.verify.tolerance import Figure, figure, sum_holds

_RULE = "record.disclosed-amount"
_PATH = "funding.annual_total"


def disclosed_claim(claims: list[NarrativeClaim]) -> NarrativeClaim | None:
    """The clause stating how many project target tables are disclosed and their amount."""
    for claim in claims:
        stated = claim.count is not None and claim.amount is not None
        if stated and "公开" in claim.subject and "绩效目标" in claim.subject:
            return claim
    return None


def check_disclosed(
    claim: NarrativeClaim | None, pairs: list[tuple[ProjectRecord, RecordLedger]], checker: Checker
) -> None:
    projects = [(r, led) for r, led in pairs if r.kind == "project"]
    if claim is None or claim.amount is None or not projects:
        return
    span = (claim.location.start, claim.location.end)
    unit = claim.unit or "万元"
    if claim.count != len(projects):
        checker.unchecked(
            _RULE,
            f"the text says {claim.count} project tables totalling {fmt(claim.amount)} {unit}; "
            f"{len(projects)} were read, so the amounts are not compared",
            [span],
        )
        for _, ledger in projects:
            ledger.note(_RULE, [_PATH], "the number of disclosed project tables differs from the text")
        return
    terms: list[Figure] = []
    for record, _ in projects:
        total, record_unit = record.funding.annual_total, record.funding.unit
        if total is None or record_unit is None:
            checker.unchecked(_RULE, f"{record.name}: no 年度资金总额 with its unit", [span])
            return
        f = figure(total, record_unit)
        terms.append(Figure(convert(f.value, record_unit, unit), convert(f.step, record_unit, unit)))
    stated = figure(claim.amount, unit, prose=True)
    computed = sum((t.value for t in terms), Decimal(0))
    shown = " + ".join(fmt_short(t.value) for t in terms)
    ok = sum_holds(stated, terms)
    checker.check(
        ok,
        _RULE,
        f"the text says the {claim.count} disclosed projects total {fmt(claim.amount)} {unit}; their tables "
        f"add up to {fmt_short(computed)} {unit}",
        f"{shown} = {fmt_short(computed)}",
        fmt(claim.amount),
        [span],
    )
    for _, ledger in projects:
        note = f"Σ {claim.count} project tables = {fmt_short(computed)} {unit} vs stated {fmt(claim.amount)}"
        ledger.note(_RULE, [_PATH], note)
        if ok:
            ledger.confirm(_RULE, [_PATH])
