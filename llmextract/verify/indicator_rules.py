"""Indicator arithmetic, a soft check: an explicit count × unit cost against the project's funds, and a cost
cap that restates the funds.

Only where the form makes it explicit: a cost per unit ("≤7.5万元/座", "2.8万元/人") and, in the same column
(实施期 | 年度), exact counts in that very unit ("26座"; "3人" and "4人" are added). Time units ("元/月",
"元/年") are rates, not unit costs, and are left alone. A product far from the funds (outside half to twice)
is a partial cost ("在职人员一年一般公用经费 ≤7500元/人" of a salary project), not a statement about the
total, so it is noted rather than reported: a warning there would cry wolf.
"""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.numbers import UNIT_SCALE, convert
from llmextract.core.records import Indicator, ProjectRecord
from llmextract.verify.ledger import RecordLedger, by_ordinal
from llmextract.verify.table_rules import fmt_short
from llmextract.verify.tolerance import Figure, equal, figure

_RULE = "record.indicator-arithmetic"
_PER_UNIT = re.compile(r"^(?P<money>元|万元|亿元)/(?P<per>[^/\d\s]{1,3})$")
_TIME = frozenset({"年", "月", "日", "天", "周", "季", "季度", "小时", "时", "次/年"})
_BAND = (Decimal("0.5"), Decimal(2))


def check_indicator_arithmetic(record: ProjectRecord, ledger: RecordLedger) -> None:
    if record.funding.unit is None:
        return
    indexed = list(by_ordinal(record))
    reported: set[str] = set()  # a form prints the same indicators in its 实施期 and 年度 columns
    for i, cost in indexed:
        if cost.unit in UNIT_SCALE:
            _restated_funds(record, ledger, i, cost)
            continue
        m = _PER_UNIT.match(cost.unit or "")
        if cost.value is None or m is None or m.group("per") in _TIME or cost.comparator not in (None, "=", "<="):
            continue
        counts = [
            (j, ind)
            for j, ind in indexed
            if ind.column == cost.column
            and ind.unit == m.group("per")
            and ind.value is not None
            and ind.comparator in (None, "=")
        ]
        funds_path = _funds_path(record, cost.column)
        if not counts or funds_path is None:
            continue
        _check(record, ledger, i, cost, m.group("money"), counts, funds_path, reported)


def _restated_funds(record: ProjectRecord, ledger: RecordLedger, i: int, ind: Indicator) -> None:
    """A cost cap printed as the project's funds ("项目成本控制 ≤120万元" of a 120万元 project) restates them.
    Any other amount is a part of the cost (one event, one item): nothing to compare."""
    funds_path = _funds_path(record, ind.column)
    if funds_path is None or ind.value is None or ind.unit is None or ind.comparator not in (None, "=", "<="):
        return
    assert record.funding.unit is not None
    total = getattr(record.funding, funds_path.split(".")[1])
    f = figure(total, record.funding.unit)
    funds = Figure(convert(f.value, record.funding.unit, ind.unit), convert(f.step, record.funding.unit, ind.unit))
    if equal(figure(ind.value, ind.unit), funds):
        label = "实施期资金总额" if funds_path.endswith("period_total") else "年度资金总额"
        note = f"{ind.name} {ind.value_raw} = {label} {fmt_short(funds.value)}{ind.unit}"
        ledger.passed(_RULE, [f"indicators[{i}].value", funds_path], note)


def _funds_path(record: ProjectRecord, column: str) -> str | None:
    if column == "period" and record.funding.period_total:
        return "funding.period_total"
    return "funding.annual_total" if record.funding.annual_total is not None else None


def _check(
    record: ProjectRecord,
    ledger: RecordLedger,
    i: int,
    cost: Indicator,
    money: str,
    counts: list[tuple[int, Indicator]],
    funds_path: str,
    reported: set[str],
) -> None:
    assert cost.value is not None and record.funding.unit is not None
    total = getattr(record.funding, funds_path.split(".")[1])
    f = figure(total, record.funding.unit)
    funds = Figure(convert(f.value, record.funding.unit, money), convert(f.step, record.funding.unit, money))
    per = figure(cost.value, money)
    options = [[c] for c in counts] + ([counts] if len(counts) > 1 else [])
    label = "实施期资金总额" if funds_path.endswith("period_total") else "年度资金总额"
    results = []
    for group in options:
        n = sum((ind.value for _, ind in group if ind.value is not None), Decimal(0))
        product = Figure(per.value * n, per.step * n)
        counted = " + ".join(f"{ind.name} {ind.value_raw}" for _, ind in group)
        arithmetic = f"({counted}) × {cost.value_raw} = {fmt_short(product.value)}{money}"
        paths = [f"indicators[{j}].value" for j, _ in group] + [f"indicators[{i}].value", funds_path]
        results.append((product, arithmetic, paths))
    for product, arithmetic, paths in results:
        if equal(product, funds):
            ledger.passed(_RULE, paths, f"{arithmetic} = {label} {fmt_short(funds.value)}{money}")
            return
    product, arithmetic, paths = results[-1]
    if product.value == 0 or not _BAND[0] <= funds.value / product.value <= _BAND[1]:
        ledger.note(_RULE, paths, f"{arithmetic}, {label} {fmt_short(funds.value)}{money}: a partial cost")
        return
    if cost.comparator == "<=" and product.high >= funds.low:
        note = f"{arithmetic} ≥ {label} {fmt_short(funds.value)}{money} (an upper bound)"
        ledger.passed(_RULE, paths, note, verifies=False)
        return
    message = f"{record.name}: {arithmetic}, but {label} is {fmt_short(funds.value)}{money}"
    if arithmetic + str(funds.value) in reported:
        ledger.contradict(_RULE, paths, message)
        return
    reported.add(arithmetic + str(funds.value))
    ledger.failed(
        _RULE,
        message,
        arithmetic,
        f"{label} {fmt_short(funds.value)}{money}",
        _spans(record, cost, [ind for _, ind in counts], funds_path),
        paths,
    )


def _spans(record: ProjectRecord, cost: Indicator, counts: list[Indicator], funds_path: str) -> list[tuple[int, int]]:
    spans = [(ind.location.start, ind.location.end) for ind in [*counts, cost] if ind.location is not None]
    loc = record.field_locations.get(funds_path)
    if loc is not None:
        spans.append((loc.start, loc.end))
    return spans or [(record.location.start, record.location.end)]
