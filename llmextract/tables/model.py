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


# What a row is in its table. A relation sums the rows of one role under their parent, never a row with its
# own parts: "其中" rows are parts of the row above them, a unit subtotal is the sum of its projects, the
# balancing rows of a 收支总表 (上年结转, 结转下年, …) sit between 本年合计 and 总计.
RowRole = Literal[
    "item",  # a 科目 line, a project, an item of a 收支总表
    "total",  # 合计 / 总计 of the whole table
    "subtotal",  # a unit (or department) line over the projects that follow it
    "category",  # 一、二、三 … over the items that follow it
    "part",  # 其中: a part of the row above, not its sibling
    "balancing",  # 上年结转, 结转下年, 年末结余 … in a 收支总表
]


@dataclass(frozen=True, slots=True)
class Column:
    """An amount column: its canonical name (合计, 基本支出, …), the header cells that span it from the top
    down (a group header such as 基本支出 or 本年收入 included), and its half of a two-sided table (0 the
    left, 1 the right: 收入 beside 支出)."""

    index: int
    name: str
    header: tuple[str, ...]
    side: int = 0
    side_start: int = 0  # the first column of its half

    @property
    def group(self) -> str:
        """The header cell spanning this column and its siblings (基本支出 over 人员经费), or ""."""
        return self.header[-2] if len(self.header) > 1 else ""


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """One data row: its label (科目名称 or item), 科目编码 if any, and the amounts by column index."""

    label: str
    code: str | None
    labels: tuple[str, ...]
    amounts: dict[int, Amount]
    start: int
    end: int
    label_columns: tuple[int, ...] = ()  # the column of each of ``labels``
    role: RowRole = "item"
    depth: int = 0  # level in a project list (0 the department, then units, then projects)

    def amount(self, column: Column | None) -> Amount | None:
        return None if column is None else self.amounts.get(column.index)

    def label_for(self, column: Column) -> str:
        """The row's label in the column's half: its first label cell between the half's first column and
        the column (a two-sided 收支总表 has 收入 items on the left and 支出 items on the right of one row);
        "" when that half of the row has no label."""
        here = [
            x
            for x, i in zip(self.labels, self.label_columns, strict=False)
            if (column.side_start <= i < column.index or (i < 0 and column.side_start == 0)) and x
        ]
        return here[0] if here else ""


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
    label_headers: tuple[tuple[int, str], ...] = ()  # (column, header) of the label columns: 项目名称, 单位名称 …

    def column(self, name: str, *, within: str | None = None) -> Column | None:
        """The first column named ``name`` (optionally whose header stack mentions ``within``)."""
        for col in self.columns:
            if col.name == name and (within is None or any(within in h for h in col.header)):
                return col
        return None

    def total_row(self) -> BudgetRow | None:
        """The 合计/总计 row of a coded table (the sum over all 类)."""
        return next((row for row in self.rows if row.role == "total"), None)

    def find_row(self, *words: str) -> BudgetRow | None:
        """The first row whose label contains all ``words``."""
        for row in self.rows:
            if all(w in row.label for w in words):
                return row
        return None
