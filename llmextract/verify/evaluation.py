"""Self-evaluation reports (项目绩效自评表 / 绩效评价表): the money balances and the points add up.

- Balance: the report's "预算资金204万元，实际使用资金125.78万元，结余78.22万元" (budget − used = 结余), and the
  table's 执行率 = 全年执行数 ÷ 全年预算数 on its 年度资金总额 row.
- Scores: the indicators' 分值 (plus the funds row's 分值, where the table scores the execution rate) add up to
  the 总分 row's 分值, their 得分 to its 得分, and no 得分 exceeds its 分值. Tables without a 总分 row print the
  weights after the names ("(10分)") and state the scale in the report ("总分设置为100分"); the report's
  "指标评价得分N分" add up to its "总体评分为N分".
"""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.document import Document
from llmextract.core.numbers import try_decimal
from llmextract.core.records import ProjectRecord
from llmextract.extract.rules.segments import Seg, tab_rows
from llmextract.verify.ledger import RecordLedger, by_ordinal
from llmextract.verify.report import Span
from llmextract.verify.table_rules import fmt
from llmextract.verify.tolerance import figure, pct, pct_holds, sum_holds

_NUM = r"\d[\d,]*(?:\.\d+)?"
_BALANCE = re.compile(
    rf"预算(资金|数)?\s*(?P<budget>{_NUM})\s*万元[^。]*?(使用|支出|执行)(资金|数)?\s*(?P<used>{_NUM})\s*万元"
    rf"[^。]*?结余(资金)?\s*(?P<left>{_NUM})\s*万元"
)
_SCALE = re.compile(rf"总分(设置|设定)?为\s*(?P<n>{_NUM})\s*分")
_OVERALL = re.compile(rf"(总体评分|综合评分|综合得分|总得分)[为是]?\s*(?P<n>{_NUM})\s*分")
_PART_SCORE = re.compile(rf"得分\s*(?P<n>{_NUM})\s*分")
_NEXT_REPORT = re.compile(r"自评报告|绩效(自评|评价|目标)表|第[一二三四五六七八九十]+部分")
_LOOK_BACK = 6000  # the report's text before its table: where the budget and its use are stated
_LOOK_AHEAD = 6000  # after the table: the scale, the analysis with each part's points, the overall score
_ROUND = Decimal("0.1")  # points are printed to 0.1 at most


def check_evaluation(doc: Document, record: ProjectRecord, ledger: RecordLedger) -> None:
    if record.kind != "evaluation":
        return
    _prose_balance(doc, record, ledger)
    rows = tab_rows(doc, record.location.start, record.location.end)
    _execution_rate(rows, ledger)
    if _table_scores(doc, record, rows, ledger):
        return
    _report_scores(doc, record, ledger)


def _span(m: re.Match[str], group: str, offset: int) -> Span:
    return offset + m.start(group), offset + m.end(group)


def _prose_balance(doc: Document, record: ProjectRecord, ledger: RecordLedger) -> None:
    start = max(0, record.location.start - _LOOK_BACK)
    window = doc.text[start : record.location.start]
    found = list(_BALANCE.finditer(window))
    if not found:
        return
    m = found[-1]
    budget, used, left = (try_decimal(m.group(g)) for g in ("budget", "used", "left"))
    if budget is None or used is None or left is None:
        return
    expression = f"{fmt(budget)} − {fmt(used)} = {fmt(budget - used)}"
    budget_fig, used_fig, left_fig = (figure(v, "万元", prose=True) for v in (budget, used, left))
    ok = sum_holds(budget_fig, [used_fig, left_fig])
    if ok:
        ledger.passed("record.evaluation-balance", [], f"{expression} = 结余 {fmt(left)}")
        return
    ledger.failed(
        "record.evaluation-balance",
        f"{record.name}: 预算 {fmt(budget)} − 实际使用 {fmt(used)} = {fmt(budget - used)} 万元, the report says "
        f"结余 {fmt(left)}",
        expression,
        f"结余 {fmt(left)}",
        [_span(m, g, start) for g in ("budget", "used", "left")],
    )


def _header_cols(rows: list[list[Seg]], *words: str) -> tuple[int, dict[str, int]] | None:
    """Index of the first row naming all ``words`` as cells, and the column of each word."""
    for i, row in enumerate(rows):
        cols = {w: c.col for w in words for c in row if c.text.replace(" ", "") == w}
        if len(cols) == len(words):
            return i, cols
    return None


def _cell(row: list[Seg], col: int) -> Seg | None:
    return next((c for c in row if c.col == col), None)


def _funds_scores(rows: list[list[Seg]]) -> tuple[Seg, Seg] | None:
    """分值 and 得分 of the 年度资金总额 row, when the table scores the funds' execution."""
    header = _header_cols(rows, "分值", "得分")
    if header is None:
        return None
    i, cols = header
    for row in rows[i + 1 : i + 3]:
        if any("资金总额" in c.text for c in row):
            weight, score = _cell(row, cols["分值"]), _cell(row, cols["得分"])
            if weight and score and try_decimal(weight.text) is not None and try_decimal(score.text) is not None:
                return weight, score
    return None


def _execution_rate(rows: list[list[Seg]], ledger: RecordLedger) -> None:
    header = _header_cols(rows, "全年预算数", "全年执行数", "执行率")
    if header is None:
        return
    i, cols = header
    row = next((r for r in rows[i + 1 : i + 3] if any("资金总额" in c.text for c in r)), None)
    if row is None:
        return
    cells = [_cell(row, cols[w]) for w in ("全年预算数", "全年执行数", "执行率")]
    if any(c is None for c in cells):
        return
    planned_cell, spent_cell, rate_cell = cells
    assert planned_cell and spent_cell and rate_cell
    planned, spent = try_decimal(planned_cell.text), try_decimal(spent_cell.text)
    rate = try_decimal(rate_cell.text.rstrip("%％"))
    if planned is None or spent is None or rate is None or planned == 0:
        return
    ok = pct_holds(rate, figure(spent, "万元"), figure(planned, "万元"))
    expression = f"{fmt(spent)} ÷ {fmt(planned)} = {pct(spent, planned)}%"
    if ok is None or ok:
        ledger.passed("record.evaluation-balance", [], f"执行率 {expression}")
        return
    ledger.failed(
        "record.evaluation-balance",
        f"{ledger.record.name}: 执行率 {rate}% but 全年执行数 ÷ 全年预算数 = {pct(spent, planned)}%",
        expression,
        f"{rate}%",
        [(c.start, c.end) for c in cells],
    )


Printed = tuple[Decimal, Span]


def _seg_total(seg: Seg) -> Printed | None:
    value = try_decimal(seg.text)
    return None if value is None else (value, (seg.start, seg.end))


def _table_scores(doc: Document, record: ProjectRecord, rows: list[list[Seg]], ledger: RecordLedger) -> bool:
    """The points of the table against its 总分 row (or the report's stated scale); True when a 总分 row
    was printed."""
    totals = next((r for r in rows if r and r[0].text.replace(" ", "") == "总分"), None)
    numbers = [c for c in totals or [] if try_decimal(c.text) is not None]
    printed: dict[str, Printed | None] = {"weight": None, "score": None}
    if len(numbers) >= 2:
        printed = {"weight": _seg_total(numbers[-2]), "score": _seg_total(numbers[-1])}
    elif totals is None:
        start = record.location.end
        scale = _SCALE.search(doc.text, start, start + _LOOK_AHEAD)
        if scale is not None and (value := try_decimal(scale.group("n"))) is not None:
            printed["weight"] = (value, scale.span("n"))
    funds = _funds_scores(rows)
    for attr, word in (("weight", "分值"), ("score", "得分")):
        _column_sum(record, ledger, attr, word, printed[attr], funds)
    for i, ind in by_ordinal(record):
        if ind.weight is not None and ind.score is not None and ind.score > ind.weight:
            loc = ind.location
            ledger.failed(
                "record.evaluation-scores",
                f"{record.name}: {ind.name} scored {fmt(ind.score)} of {fmt(ind.weight)} points",
                f"得分 ≤ 分值 {fmt(ind.weight)}",
                fmt(ind.score),
                [(loc.start, loc.end)] if loc else [(record.location.start, record.location.end)],
                [f"indicators[{i}].score"],
            )
    return totals is not None


def _column_sum(
    record: ProjectRecord,
    ledger: RecordLedger,
    attr: str,
    word: str,
    total: Printed | None,
    funds: tuple[Seg, Seg] | None,
) -> None:
    parts = [(i, getattr(ind, attr)) for i, ind in by_ordinal(record)]
    present = [(i, v) for i, v in parts if v is not None]
    if not present:
        return
    paths = [f"indicators[{i}].{attr}" for i, _ in present]
    if len(present) < len(parts):
        ledger.note("record.evaluation-scores", paths, f"some indicators' {word} were not read: the sum is not checked")
        return
    values = [v for _, v in present]
    names = ["indicators"]
    if funds is not None:
        values.append(Decimal(try_decimal(funds[0 if attr == "weight" else 1].text) or 0))
        names.append("资金执行")
    computed = sum(values, Decimal(0))
    if total is None:
        ledger.note("record.evaluation-scores", paths, f"Σ {word} = {fmt(computed)}; no 总分 printed")
        return
    printed, span = total
    expression = " + ".join(fmt(v) for v in values) + f" = {fmt(computed)}"
    slack = _ROUND * len(values)
    if abs(computed - printed) <= slack / 2:
        ledger.passed("record.evaluation-scores", paths, f"Σ {word}: {expression} = 总分 {fmt(printed)}")
        return
    ledger.failed(
        "record.evaluation-scores",
        f"{record.name}: the {word} of {' and '.join(names)} add up to {fmt(computed)}, 总分 prints {fmt(printed)}",
        expression,
        f"总分 {fmt(printed)}",
        [span],
        paths,
    )


def _report_scores(doc: Document, record: ProjectRecord, ledger: RecordLedger) -> None:
    """The report's analysis after the table: "指标评价得分10分" … against "总体评分为90分"."""
    start = record.location.end
    window = doc.text[start : start + _LOOK_AHEAD]
    # The analysis of this report ends where the next report or table begins.
    cut = _NEXT_REPORT.search(window)
    window = window[: cut.start()] if cut else window
    overall = _OVERALL.search(window)
    parts = [m for m in _PART_SCORE.finditer(window) if overall is None or m.start() != overall.start("n")]
    if overall is None or len(parts) < 2:
        return
    total = try_decimal(overall.group("n"))
    values = [v for m in parts if (v := try_decimal(m.group("n"))) is not None]
    if total is None:
        return
    computed = sum(values, Decimal(0))
    expression = " + ".join(fmt(v) for v in values) + f" = {fmt(computed)}"
    if computed == total:
        ledger.passed("record.evaluation-scores", [], f"report: {expression} = 总体评分 {fmt(total)}")
        return
    ledger.failed(
        "record.evaluation-scores",
        f"{record.name}: the report's points add up to {fmt(computed)}, its overall score is {fmt(total)}",
        expression,
        f"总体评分 {fmt(total)}",
        [_span(overall, "n", start), *(_span(m, "n", start) for m in parts)],
    )
