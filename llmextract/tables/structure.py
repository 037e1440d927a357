"""What each row of a table is: an item, the table's total, a subtotal over the rows that follow it, a
category (一、二、三), a part of the row above it (其中), or a balancing row of a 收支总表 (上年结转 …).

Told by vocabulary and by the label columns the header names. A project list with a 项目名称 column lists
projects (a unit column beside it is an attribute of each project; a line with a unit and no project is the
unit's subtotal). A list with one label column (支出项目类别, 项目) mixes the department, its units and their
projects, told apart in print only by indentation, which the text layer does not keep: a line naming an
organisation (…局, …中心, …（本级）) is taken for a unit subtotal, and the verifier settles the lines that
vocabulary cannot settle by sums: a unit line whose sum fails is re-read only when another reading of the
lines around it (the line is a project; the next unit line is a project; a project line is a unit) makes the
sums hold. A misprinted subtotal has no such reading and stays a failure for the verifier to report.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from llmextract.tables.header import Header
from llmextract.tables.model import BudgetRow, TableKind
from llmextract.tables.rows import TOTAL_LABELS

_PART = re.compile(r"^其中[:：]?")
_CATEGORY = re.compile(r"^[一二三四五六七八九十]+[、.．]")
# Rows of a 收支总表 between 本年合计 and 总计 that balance the two sides.
_BALANCING = re.compile(r"结转|结余|实户资金|弥补收支差额|结余分配|年初|年末|上年|下年|用事业基金|提取|未安排")
# An organisation's name: a unit line of a project list. A trailing bracket ("（本级）", "（深圳）", "（部门）") is
# dropped first ("困难群众救助补助资金（本级）" is a project); a name after a dash names the unit a project is for
# ("辅助人员补助经费-珠海边检总站"): a project.
ORGANISATION = re.compile(
    r"(局|委员会|委|中心|办公室|厅|署|队|支队|大队|站|所|院|馆|学校|学院|大学|中学|小学|幼儿园|医院|"
    r"协会|研究会|联合会|集团|公司|单位|机关)$"
)
_TAIL_BRACKET = re.compile(r"[（(][^（）()]*[）)]$")
_PROJECT_HEADER = re.compile(r"项目名称|项目$")
_UNIT_HEADER = re.compile(r"单位名称|单位$|预算单位")
_PROJECT_KINDS = ("projects", "projects_carryover")


# The classes (类) of the economic classification. A table by economic class that prints no codes
# names each class on a line of its own (its other label cells empty) above the items of that class.
_ECONOMIC_CLASSES = frozenset(
    {
        "工资福利支出",
        "商品和服务支出",
        "对个人和家庭的补助",
        "债务利息及费用支出",
        "资本性支出",
        "资本性支出（基本建设）",
        "对企业补助",
        "对企业补助（基本建设）",
        "对社会保障基金补助",
        "其他支出",
    }
)


def assign_roles(kind: TableKind, rows: list[BudgetRow], header: Header) -> list[BudgetRow]:
    if kind in _PROJECT_KINDS:
        return _project_roles(rows, header.label_columns())
    uncoded_classes = kind in ("basic_economic", "economic") and not any(r.code for r in rows)
    out = []
    for row in rows:
        role = _role(row)
        if role == "item" and kind in ("summary", "fiscal_summary") and _BALANCING.search(row.label):
            role = "balancing"
        if role == "item" and uncoded_classes and row.label in _ECONOMIC_CLASSES and len(row.labels) == 1:
            role = "category"
        out.append(replace(row, role=role) if role != row.role else row)
    return out


def _role(row: BudgetRow) -> str:
    if row.code is None and row.label in TOTAL_LABELS:
        return "total"
    if _PART.match(row.label):
        return "part"
    return "item"


def is_organisation(name: str) -> bool:
    if "-" in name or "－" in name or "—" in name:
        return False
    while _TAIL_BRACKET.search(name):
        name = _TAIL_BRACKET.sub("", name)
    return bool(ORGANISATION.search(name))


def _project_roles(rows: list[BudgetRow], labels: dict[int, str]) -> list[BudgetRow]:
    out = _vocabulary_roles(rows, labels)
    column = min((i for r in out for i in r.amounts), default=None)
    if column is None:
        return out
    return _settle_by_sums(_department(out, column), column)


def _department(rows: list[BudgetRow], column: int) -> list[BudgetRow]:
    """The first unit line is the department's when it adds up the unit lines or the projects below it."""
    subs = [i for i, r in enumerate(rows) if r.role == "subtotal"]
    if len(subs) < 2 or any(r.role == "item" for r in rows[: subs[0]]):
        return rows
    first = subs[0]
    items = [i for i in range(first + 1, len(rows)) if rows[i].role == "item"]
    if _holds(rows, first, subs[1:], column) or _holds(rows, first, items, column):
        return [replace(r, depth=0) if i == first else r for i, r in enumerate(rows)]
    return rows


def _vocabulary_roles(rows: list[BudgetRow], labels: dict[int, str]) -> list[BudgetRow]:
    project_col = next((c for c, h in labels.items() if _PROJECT_HEADER.search(h) and "类别" not in h), None)
    unit_col = next((c for c, h in labels.items() if _UNIT_HEADER.search(h)), None)
    out: list[BudgetRow] = []
    for row in rows:
        texts = dict(zip(row.label_columns, row.labels, strict=False))
        if any(x in TOTAL_LABELS for x in row.labels) and row.code is None:
            out.append(replace(row, role="total"))
        elif project_col is not None and unit_col is not None and project_col != unit_col:
            # A flat list: the unit is an attribute; a line with a unit and no project is its subtotal.
            role = "item" if texts.get(project_col) else "subtotal"
            name = texts.get(project_col) or row.label
            out.append(replace(row, role=role, label=name, depth=1 if role == "item" else 0))
        elif _CATEGORY.match(row.label):
            out.append(replace(row, role="category"))
        elif _PART.match(row.label):
            out.append(replace(row, role="part"))
        elif is_organisation(row.label):
            out.append(replace(row, role="subtotal", depth=1))
        else:
            out.append(replace(row, depth=2))
    return out


def list_groups(rows: list[BudgetRow]) -> tuple[int | None, list[tuple[int, list[int]]]]:
    """The department line (index or None) and each unit line with the project lines under it."""
    subs = [i for i, r in enumerate(rows) if r.role == "subtotal"]
    department = subs[0] if len(subs) > 1 and rows[subs[0]].depth == 0 else None
    units = [i for i in subs if i != department]
    groups = []
    for k, i in enumerate(units):
        end = units[k + 1] if k + 1 < len(units) else len(rows)
        groups.append((i, [j for j in range(i + 1, end) if rows[j].role == "item"]))
    return department, groups


def _settle_by_sums(rows: list[BudgetRow], column: int) -> list[BudgetRow]:
    rows = list(rows)
    for _ in range(len(rows)):
        changed = False
        _, groups = list_groups(rows)
        for k, (i, members) in enumerate(groups):
            if _holds(rows, i, members, column):
                continue
            reread = _reread(rows, groups, k, column)
            if reread is not None:
                rows = reread
                changed = True
                break
        if not changed:
            return rows
    return rows


def _reread(rows: list[BudgetRow], groups: list[tuple[int, list[int]]], k: int, column: int) -> list[BudgetRow] | None:
    i, members = groups[k]
    # The unit lines after this one are projects of it.
    for j in range(k + 1, len(groups)):
        span = [x for x in range(i + 1, groups[j + 1][0] if j + 1 < len(groups) else len(rows))]
        span = [x for x in span if rows[x].role in ("item", "subtotal")]
        if _holds(rows, i, span, column):
            return [replace(r, role="item", depth=2) if x in span else r for x, r in enumerate(rows)]
    # This line is a project of the unit above.
    if k > 0:
        prev, prev_members = groups[k - 1]
        if _holds(rows, prev, [*prev_members, i, *members], column):
            return [replace(r, role="item", depth=2) if x == i else r for x, r in enumerate(rows)]
    # A project line under it is a unit of its own.
    for m, x in enumerate(members):
        if _holds(rows, i, members[:m], column) and _holds(rows, x, members[m + 1 :], column):
            return [replace(r, role="subtotal", depth=1) if y == x else r for y, r in enumerate(rows)]
    return None


def _holds(rows: list[BudgetRow], total: int, parts: list[int], column: int) -> bool:
    """Σ parts = total within half a printed step per figure (no parts: nothing holds)."""
    figures = [rows[x].amounts.get(column) for x in parts]
    head = rows[total].amounts.get(column)
    if head is None or not parts:
        return False
    values = [f.value for f in figures if f is not None]
    slack = sum((_step(v) for v in [head.value, *values]), Decimal(0)) / 2
    return abs(head.value - sum(values, Decimal(0))) <= slack


def _step(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    return Decimal(1).scaleb(exponent) if isinstance(exponent, int) and exponent < 0 else Decimal("0.01")
