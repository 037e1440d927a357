"""The labels of a target-table form (项目名称, 主管部门及代码, 年度资金总额, …) and how to find them.

Labels are matched by what they say, tolerant of the ways exports mangle them: a trailing colon, a unit in
brackets ("项目资金（万元）"), a "其中：" prefix, a value in the same cell ("实施单位 山阴县商务局"), and in raw
PDF dumps a line break anywhere inside the label ("实施期资金总\\n额：").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.layout.form_vocabulary import NAME_LABEL

# key, label pattern (written without whitespace; matching tolerates whitespace between characters).
# Longer labels first where one is a prefix of another (年度资金总额 before 资金总额).
_LABELS: tuple[tuple[str, str], ...] = (
    ("name", NAME_LABEL),
    ("name", r"部门([(（]单位[)）])?名称"),
    ("department", r"主管部门(及代码)?"),
    ("implementing_unit", r"实施单位"),
    ("attribute", r"项目属性"),
    ("period", r"项目期"),
    ("funding", r"(项目|专项)资金(情况)?"),
    ("funding", r"年度预算情况"),
    ("funding", r"资金金额"),
    ("period_total", r"实施期(资金|安全)?总额"),
    ("annual_total", r"年度(预算)?(资金|安全)总额"),
    ("annual_total", r"年度预算资金"),
    ("annual_total", r"资金总额"),
    # Column headers of a funds block printed 实施期 | 年度 side by side (one row per total or source).
    ("period_column", r"实施期(资金|预算数?)?"),
    ("annual_column", r"(本)?年度(资金|预算数?)?"),
    ("annual_total", r"合计"),
    ("central", r"中央(财政)?资金"),
    ("provincial", r"省级?财政资金"),
    ("local", r"(市县|市基|市|县)[(（]?区?[)）]?级?财政资金?"),
    ("self_raised", r"单位自筹(资金)?"),
    ("other", r"其他资金"),
    ("appropriation", r"财政拨款"),
    ("carried_over", r"上年结转"),
    ("overview", r"项目概况"),
    ("overview", r"部门职责"),
    ("basis", r"立项依据"),
    ("necessity", r"(项目)?设立必要性"),
    ("safeguards", r"保证项目实施的制度[、,，]?措施"),
    ("plan", r"项目实施计划"),
    ("goals", r"(年度)?总体目标"),
    ("goals", r"年度绩效目标"),
    ("goals", r"部门绩效目标"),
    ("goals", r"绩效目标"),
    ("goals_period", r"实施期目标"),
    ("goals_annual", r"年度目标"),
    # Sub-headers and rows no field is read from; they end the previous field's value.
    ("ignore", r"(项目编码|项目代码)"),
    ("ignore", r"(部门基本信息|部门战略目标|年度重点(工作|任务)|核心职能)"),
    ("ignore", r"(内设职能部门数|所属预算单位数|(核定的)?人员编制数|在职人员编制数|实际在职人员总数|其他人员数)"),
    ("ignore", r"(在编人员数|在职人员数|按资金来源划分|按资金(使用|用途)划分|基本支出|项目支出|执行率|年初预算数)"),
    (
        "ignore",
        r"(一般公共预算资金|政府性基金预算资金|国有资本经营预算资金|社会保险基金预算资金|专户管理资金|单位资金)",
    ),
    ("indicators", r"(年度)?绩效(目标)?指标"),
    ("indicators", r"一级指标"),
)
_PREFIX = r"(其中\s*[:：]?\s*)?"
_UNIT = r"\s*[(（]\s*(?P<unit>万\s*元|亿\s*元|元)\s*[)）]"
_TAIL = r"(\s*[:：])?"


def _spaced(pattern: str) -> str:
    """Allow whitespace between the characters of a label pattern (raw dumps break labels anywhere)."""
    out = []
    in_class = False
    for ch, nxt in zip(pattern, pattern[1:] + " ", strict=True):
        out.append(ch)
        in_class = (in_class or ch == "[") and ch != "]"
        if not in_class and nxt not in ")|?*+] " and ("\u4e00" <= ch <= "\u9fff" or ch in ")?]"):
            out.append(r"\s*")
    return "".join(out)


_COMPILED = tuple(
    (key, re.compile(_PREFIX + "(?P<label>" + _spaced(pattern) + ")" + f"(?:{_UNIT})?" + _TAIL))
    for key, pattern in _LABELS
)


@dataclass(frozen=True, slots=True)
class LabelMatch:
    key: str
    end: int  # offset just past the label (and its colon) in the text that was matched
    unit: str | None


def match_label(text: str, pos: int = 0) -> LabelMatch | None:
    """The longest label starting at ``text[pos]``, if the label ends at a word boundary."""
    best: LabelMatch | None = None
    for key, regex in _COMPILED:
        m = regex.match(text, pos)
        if m is None:
            continue
        end = m.end()
        while end > pos and text[end - 1].isspace():
            end -= 1  # the whitespace allowed inside a label must not swallow the space after it
        if _at_boundary(text, end) and (best is None or end > best.end):
            unit = m.group("unit").replace(" ", "") if m.group("unit") else None
            best = LabelMatch(key, end, unit)
    return best


def _at_boundary(text: str, end: int) -> bool:
    """A label is a whole cell, or followed by a colon, a space or a bracket (never a longer word)."""
    if end >= len(text):
        return True
    return text[end - 1] in ":：" or text[end].isspace() or text[end] in '"“'


def find_labels(text: str) -> list[tuple[int, LabelMatch]]:
    """Every label in raw text that starts a line or follows a space or a quote, in order."""
    found: list[tuple[int, LabelMatch]] = []
    pos = 0
    while pos < len(text):
        boundary = pos == 0 or text[pos - 1].isspace() or text[pos - 1] in '"“'
        match = match_label(text, pos) if boundary and not text[pos].isspace() else None
        if match is not None:
            found.append((pos, match))
            pos = match.end
        else:
            pos += 1
    return found
