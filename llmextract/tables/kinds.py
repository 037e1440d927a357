"""What a standard table is, from its title and its header, and the canonical names of its columns.

Titles differ by region and year ("预算收支总表", "部门收支总表", "收支总体情况表", "收入支出决算总表"), so the
title gives a first guess through :func:`llmextract.layout.table_name` and the header settles the cases the
title leaves open (a "一般公共预算基本支出表" is by economic class when its header says 人员经费/公用经费).
"""

from __future__ import annotations

import re

from llmextract.layout.parts import table_name
from llmextract.tables.model import TableKind

# Regional wordings that the layout names do not cover: "收支总体情况表" is a 收支总表.
_TITLE_VARIANTS = (("总体情况表", "总表"), ("情况表", "表"))

_NAME_KINDS: dict[str, TableKind] = {
    "收支总表": "summary",
    "收入表": "income",
    "支出表": "expenditure",
    "财政拨款收支总表": "fiscal_summary",
    "一般公共预算支出表": "general_budget",
    "一般公共预算基本支出表": "basic_economic",
    "基本支出经济分类表": "basic_economic",
    "基本支出表": "basic",
    "政府性基金预算表": "government_fund",
    "国有资本经营预算表": "state_capital",
    "三公经费表": "three_public",
    "机关运行经费表": "admin_cost",
    "项目支出表": "projects",
    "政府采购预算表": "procurement",
}

_SPACES = re.compile(r"[\s\u3000]+")


def compact(text: str) -> str:
    """Text without any whitespace: "合 计" and "收 入 总 计" are printed spaced out for layout."""
    return _SPACES.sub("", text)


def title_kind(title: str) -> TableKind | None:
    """The kind a title names, before looking at the header; None when the line is not a standard title."""
    text = compact(title)
    name = table_name(text)
    if name is None:
        for old, new in _TITLE_VARIANTS:
            if old in text:
                name = table_name(text.replace(old, new))
                if name is not None:
                    break
    kind = _NAME_KINDS.get(name or "")
    if kind == "projects" and "上年结转" in text:
        return "projects_carryover"
    return kind


def refine_kind(kind: TableKind, header: str) -> TableKind:
    """Settle the kind by the header words: economic-class tables and 基本支出 tables look alike by title."""
    by_person = ("人员经费" in header or "人员支出" in header) and "公用" in header
    if kind in ("general_budget", "basic", "basic_economic") and by_person:
        return "basic_economic"
    if kind == "general_budget" and "经济分类" in header:
        return "economic"
    if kind == "basic_economic" and not by_person and "项目支出" in header:
        return "economic"
    return kind


# Canonical column names, most specific first; a column takes the first name found in its header stack,
# read from the lowest header row up (the row right above the numbers is the most specific).
_COLUMN_NAMES: tuple[tuple[str, str], ...] = (
    ("基本支出", "基本支出"),
    ("项目支出", "项目支出"),
    ("人员经费", "人员经费"),
    ("人员支出", "人员经费"),
    ("公用经费", "公用经费"),
    ("公用支出", "公用经费"),
    ("一般公共预算", "一般公共预算"),
    ("政府性基金", "政府性基金"),
    ("国有资本经营", "国有资本经营"),
    ("财政拨款", "财政拨款"),
    ("财政专户", "财政专户管理资金"),
    ("单位资金", "单位资金"),
    ("事业单位经营", "事业单位经营"),
    ("经营支出", "事业单位经营"),
    ("经营收入", "事业单位经营"),
    ("事业收入", "事业收入"),
    ("其他收入", "其他收入"),
    ("其他资金", "其他资金"),
    ("上年结转", "上年结转"),
    ("上年结余", "上年结转"),
    ("年初结转", "上年结转"),
    ("当年预算", "当年预算"),
    ("结转下年", "结转下年"),
    ("专项业务经费", "专项业务经费支出"),
    ("上缴上级", "上缴上级支出"),
    ("上级补助", "上级补助收入"),
    ("附属单位上缴", "附属单位上缴收入"),
    ("附属单位", "对附属单位补助支出"),
    ("因公出国", "因公出国(境)费"),
    ("公务接待", "公务接待费"),
    ("购置及运行", "公务用车购置及运行费"),
    ("购置费", "公务用车购置费"),
    ("购置经费", "公务用车购置费"),
    ("机关运行经费", "机关运行经费"),
    ("运行", "公务用车运行费"),
    ("合计", "合计"),
    ("小计", "小计"),
    ("总计", "合计"),
    ("预算数", "预算数"),
    ("决算数", "决算数"),
    ("金额", "金额"),
)


_GENERIC = frozenset({"合计", "小计", "预算数", "决算数", "金额"})


def column_name(header: tuple[str, ...], *, final_accounts: bool = False) -> str:
    """Canonical name of a column from the header cells spanning it (top to bottom); "" when its own cell
    names nothing this module knows.

    The column's own (lowest) cell names it. A generic own cell (小计, 合计) takes the specific name of a
    group above it: the 小计 under 公务用车购置及运行费 is that item's total. An own cell that names nothing
    known stays unnamed rather than take its group's name (公务用车购置经费 is not the group's total). In a
    final-accounts table the same names recur under 预算数 and 决算数, so the stage prefixes the name.
    """
    names = [_first_name(text) for text in reversed(header)]
    own = names[0] if names else ""
    if own and own not in _GENERIC:
        name = own
    elif own:
        name = next((n for n in names[1:] if n and n not in _GENERIC), own)
    else:
        name = ""
    if final_accounts and name not in ("预算数", "决算数"):
        stage = next((n for n in names if n in ("预算数", "决算数")), None)
        if stage:
            name = f"{stage}:{name or '合计'}"
    return name


def _first_name(text: str) -> str:
    text = compact(text)
    for word, name in _COLUMN_NAMES:
        if word in text:
            return name
    return ""
