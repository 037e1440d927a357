"""合计 = the sum of its funding sources, on every row of a 收入表, 基本支出表, 项目支出表 or (on its 支出 half)
收支总表 / 财政拨款收支总表 (合计 = 一般公共预算 + 政府性基金 + 国有资本经营, or 当年预算安排 + 上年结转安排).

The header says how the sources nest: a group (本年收入, 财政拨款, 上年结转结余) with a 小计 column adds up the
other columns of that group, and 合计 adds up the groups (their 小计, or their columns when they print none)
and the sources outside any group. A 合计 printed inside a group is that group's own sum. Some templates count
上年结转 in 合计, others (the 山西 收入总表) print it beside a 合计 of this year's revenue only: a 合计 that adds
up either way holds. A column after 合计 that names no source (and sits in no group with a 小计) may be a term
the sum would miss, so the row is not summed at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from llmextract.tables import BudgetRow, BudgetTable, Column
from llmextract.tables.kinds import compact
from llmextract.verify.report import Checker
from llmextract.verify.table_rules import sum_check
from llmextract.verify.tolerance import figure, sum_holds

RULE = "table.sources-sum"
SOURCE_TABLES = ("summary", "income", "basic", "projects", "projects_carryover", "fiscal_summary")
SOURCES = frozenset(
    {
        "财政拨款",
        "一般公共预算",
        "政府性基金",
        "国有资本经营",
        "财政专户管理资金",
        "单位资金",
        "事业收入",
        "事业单位经营",
        "其他收入",
        "其他资金",
        "上级补助收入",
        "附属单位上缴收入",
        "上年结转",
        "当年预算",
    }
)
_FISCAL = ("一般公共预算", "政府性基金", "国有资本经营")
_CARRIED = re.compile(r"上年结转|结转结余|结余|年初结转")


def _is_subtotal(col: Column) -> bool:
    """A group's own total: its 小计 (or 合计 under the group header)."""
    if not col.header:
        return col.name == "小计"
    own = compact(col.header[-1])
    return own == "小计" or (own == "合计" and len(col.header) > 1)


def _carried(col: Column) -> bool:
    return bool(_CARRIED.search(col.group) or _CARRIED.search(col.header[-1] if col.header else ""))


def check_sources_sum(table: BudgetTable, checker: Checker) -> None:
    for side in sorted({c.side for c in table.columns}):
        cols = [c for c in table.columns if c.side == side]
        total = next((c for c in cols if c.name == "合计"), None)
        if total is None:
            continue
        after = [c for c in cols if c.index > total.index]
        groups: dict[str, list[Column]] = {}
        direct: list[Column] = []
        for col in after:
            if col.group and col.group != total.group:
                groups.setdefault(col.group, []).append(col)
            else:
                direct.append(col)
        loose = next((c for c in direct if _is_subtotal(c)), None)
        if loose is not None:
            # A 小计 with no group header over it (a text export lost the spans) is the 财政拨款 subtotal.
            groups["财政拨款"] = [loose, *(c for c in direct if c.name in _FISCAL)]
            direct = [c for c in direct if c not in groups["财政拨款"]]
        subtotals = {g: next((c for c in members if _is_subtotal(c)), None) for g, members in groups.items()}
        known = all(c.name in SOURCES for c in direct) and all(
            subtotals[g] is not None or all(c.name in SOURCES for c in members) for g, members in groups.items()
        )
        if not (direct or groups) or not known:
            continue
        for row in table.rows:
            _check_row(table, checker, row, total, direct, groups, subtotals)


def _check_row(
    table: BudgetTable,
    checker: Checker,
    row: BudgetRow,
    total: Column,
    direct: list[Column],
    groups: dict[str, list[Column]],
    subtotals: dict[str, Column | None],
) -> None:
    span = (row.start, row.end)
    label = row.label_for(total)[:20]
    terms: list[Column] = list(direct)
    for name, members in groups.items():
        sub = subtotals[name]
        if sub is not None:
            parts = [(c.name, row.amount(c)) for c in members if c is not sub]
            sum_check(checker, RULE, table, f"{label} {name} 小计", row.amount(sub), parts, span)
            terms.append(sub)
        else:
            terms.extend(members)
    this_year = [c for c in terms if not _carried(c)]
    if len(this_year) < len(terms) and _holds(table, row, total, this_year):
        checker.passed(RULE)
        return
    parts = [(_term_name(c), row.amount(c)) for c in terms]
    sum_check(checker, RULE, table, f"{label} 合计", row.amount(total), parts, span)


def _term_name(col: Column) -> str:
    return f"{col.group} 小计" if _is_subtotal(col) and col.group else col.name


def _holds(table: BudgetTable, row: BudgetRow, total: Column, terms: Iterable[Column]) -> bool:
    head = row.amount(total)
    figures = [figure(a.value, table.unit) for c in terms if (a := row.amount(c)) is not None]
    return sum_holds(figure(head.value if head else Decimal(0), table.unit), figures)
