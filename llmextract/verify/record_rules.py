"""A record's funds against themselves: the sources add up to each total, and 实施期 ≥ 年度 (a 实施期 printed as 0
beside a 年度 amount is a warning: not filled in, or wrong)."""

from __future__ import annotations

from decimal import Decimal

from llmextract.core.catalogue import PERIOD_UNFILLED
from llmextract.core.paths import SOURCE_SPLITS
from llmextract.core.records import FundingSources, ProjectRecord
from llmextract.verify.ledger import RecordLedger
from llmextract.verify.report import Span
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import figure, sum_holds

_SPLITS = SOURCE_SPLITS
_GROUPS = (("annual_total", "sources", "年度"), ("period_total", "period_sources", "实施期"))


def check_funding(record: ProjectRecord, ledger: RecordLedger) -> None:
    for total_name, group, label in _GROUPS:
        _sources_sum(record, ledger, total_name, group, label)
    _period_ge_annual(record, ledger)


def _span(record: ProjectRecord, *paths: str) -> list[Span]:
    locs = [record.field_locations.get(p) for p in paths]
    spans = [(loc.start, loc.end) for loc in locs if loc is not None]
    return spans or [(record.location.start, record.location.end)]


def _sources_sum(record: ProjectRecord, ledger: RecordLedger, total_name: str, group: str, label: str) -> None:
    total = getattr(record.funding, total_name)
    sources: FundingSources = getattr(record.funding, group)
    present = {name: value for name, value in sources if value is not None}
    total_path = f"funding.{total_name}"
    source_paths = [f"funding.{group}.{name}" for name in present]
    if total is None or not present:
        if total is not None:
            ledger.note("record.sources-sum", [total_path], f"no {label} sources printed to add up")
        elif present:
            ledger.note("record.sources-sum", source_paths, f"no {label} total printed")
        return
    unit = record.funding.unit or "万元"
    whole = figure(total, unit)
    candidates = [tuple(n for n in split if n in present) for split in _SPLITS]
    candidates = [c for c in candidates if c] + [tuple(present)]
    for names in candidates:
        terms = [figure(present[n], unit) for n in names]
        if sum_holds(whole, terms):
            expression = " + ".join(f"{n} {fmt(present[n])}" for n in names)
            paths = [total_path, *(f"funding.{group}.{n}" for n in names)]
            # A column of zeros adds up but restates nothing (a 实施期 column left unfilled).
            zeros = total == 0 and all(present[n] == 0 for n in names)
            ledger.passed("record.sources-sum", paths, f"{label}: {expression} = {fmt(total)}", verifies=not zeros)
            return
    names = max(candidates, key=len)
    computed = sum((present[n] for n in names), Decimal(0))
    expression = " + ".join(f"{n} {fmt(present[n])}" for n in names) + f" = {fmt(computed)}"
    ledger.failed(
        "record.sources-sum",
        f"{record.name}: the {label} sources add up to {fmt(computed)} {unit}, the total is {fmt(total)}",
        expression,
        fmt(total),
        _span(record, total_path, *source_paths),
        [total_path, *source_paths],
    )


def _period_ge_annual(record: ProjectRecord, ledger: RecordLedger) -> None:
    period, annual = record.funding.period_total, record.funding.annual_total
    paths = ["funding.period_total", "funding.annual_total"]
    if period is None or annual is None:
        return
    unit = record.funding.unit or "万元"
    if period == 0 and annual > 0:
        # A 经常性 project's form often leaves the whole 实施期 column at 0: not filled in, or wrong — the
        # reader cannot tell, so a warning, and the 0 is never verified.
        ledger.warned(
            PERIOD_UNFILLED,
            f"{record.name}: 实施期资金总额 is printed as 0 while 年度资金总额 is {fmt(annual)} {unit} "
            "(not filled in, or wrong)",
            f"实施期 ≥ 年度 {fmt(annual)}",
            fmt(period),
            _span(record, *paths),
            paths[:1],
        )
        return
    p, a = figure(period, unit), figure(annual, unit)
    if p.high >= a.low:
        ledger.passed("record.period-ge-annual", paths, f"实施期 {fmt(period)} ≥ 年度 {fmt(annual)}", verifies=False)
        return
    ledger.failed(
        "record.period-ge-annual",
        f"{record.name}: 实施期资金总额 {fmt(period)} {unit} is less than 年度资金总额 {fmt(annual)} {unit}",
        f"实施期 ≥ 年度 {fmt(annual)}",
        fmt(period),
        _span(record, *paths),
        paths,
    )
