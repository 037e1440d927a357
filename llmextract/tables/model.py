"""Typed budget tables: rows of labelled Decimal amounts, each amount with the span of its cell."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

TableKind = Literal[
    "summary",  # 收支总表 / 收入支出决算总表: revenue by source beside expenditure by function
    "income",  # 收入总表 / 收入决算表
    "expenditure",  # 支出总表 / 支出决算表: 合计 = 基本支出 + 项目支出 by 科目编码
    "fiscal_summary",  # 财政拨款收支总表
    "general_budget",  # 一般公共预算支出表 (by function)
    "basic_economic",  # 一般公共预算基本支出 by economic class: 人员经费 / 公用经费
    "economic",  # 一般公共预算支出 by economic class: 基本支出 / 项目支出
    "basic",  # 基本支出预算表 (all funds)
    "government_fund",  # 政府性基金预算
    "state_capital",  # 国有资本经营预算
    "three_public",  # "三公"经费
    "admin_cost",  # 机关运行经费
    "projects",  # 项目支出表 (本年预算): one line per project
    "projects_carryover",  # 项目支出表 (上年结转)
    "procurement",  # 政府采购预算表
]


@dataclass(frozen=True, slots=True)
class Amount:
    """A number printed in a table cell; ``start``/``end`` are the cell's span in ``Document.text``."""

    value: Decimal
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Column:
    """An amount column: its canonical name (合计, 基本支出, …) and the header texts stacked above it."""

    index: int
    name: str
    header: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """One data row: its label (科目名称 or item), 科目编码 if any, and the amounts by column index."""

    label: str
    code: str | None
    labels: tuple[str, ...]
    amounts: dict[int, Amount]
    start: int
    end: int

    def amount(self, column: Column | None) -> Amount | None:
        return None if column is None else self.amounts.get(column.index)


@dataclass(frozen=True, slots=True)
class BudgetTable:
    kind: TableKind
    title: str
    unit: str
    unit_stated: bool
    final_accounts: bool
    columns: tuple[Column, ...]
    rows: tuple[BudgetRow, ...]
    page: int
    start: int
    end: int
    empty: bool

    def column(self, name: str, *, within: str | None = None) -> Column | None:
        """The first column named ``name`` (optionally whose header stack mentions ``within``)."""
        for col in self.columns:
            if col.name == name and (within is None or any(within in h for h in col.header)):
                return col
        return None

    def total_row(self) -> BudgetRow | None:
        """The 合计/总计 row of a coded table (the sum over all 类)."""
        for row in self.rows:
            if row.code is None and row.label in _TOTAL_LABELS:
                return row
        return None

    def find_row(self, *words: str) -> BudgetRow | None:
        """The first row whose label contains all ``words``."""
        for row in self.rows:
            if all(w in row.label for w in words):
                return row
        return None


_TOTAL_LABELS = frozenset({"合计", "总计", "部门合计", "本年支出合计", "支出合计"})
