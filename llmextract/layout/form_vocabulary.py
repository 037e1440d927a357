"""The words that make a target-table form recognisable: its title, its name label, its indicator header.

One place for the vocabulary that both the block finder (layout) and the form readers (extract) rely on, so
the two never disagree on what a form is. Recognition is by vocabulary, tolerant of the spaces raw dumps put
between characters ("项 目 名 称").
"""

from __future__ import annotations

import re

# 项目支出绩效目标表, 专项资金绩效目标表, 项目绩效自评表, 绩效评价表, 整体支出绩效目标申报表
TITLE = re.compile(r"(绩效目标|绩效自评|绩效评价|目标申报)表")
EVALUATION_TITLE = re.compile(r"(自评|评价)表")
DEPT_TITLE = re.compile(r"整体(支出)?绩效目标")

# The label of a project's own name: 项目名称, 专项（项目）名称, 项目(专项)名称, 专项资金名称, 专项名称.
# 单位（项目）名称 heads a multi-project list, not a form, and is left out on purpose.
NAME_LABEL = r"(专项资金|专项[(（]项目[)）]|项目[(（]专项[)）]|专项|项目)名称"
# Raw dumps put spaces between the characters of a label ("项 目 名 称").
_NAME_CELL = re.compile("^" + re.sub(r"([\u4e00-\u9fff])", r"\1\\s*", NAME_LABEL) + r"\s*[:：]?")

# Column headers of an indicator grid. 三级指标 alone is enough; otherwise a name column and a value column.
_LEVEL3 = re.compile(r"三级指标")
_NAME_COLUMN = re.compile(r"^(绩效)?指标(名称|内容)$|^二级指标$")
_VALUE_COLUMN = re.compile(r"指标值|目标值|预期值")
# A whole project's indicators packed into one cell: "1－产出指标，11－数量指标，…" / "1、1-产出指标；12-质量指标".
PACKED_INDICATORS = re.compile(r"(^|[\s，,；;、。])\d{1,2}\s*[－\-—–]\s*(产出|效益|满意度|成本)指标")
# Cells that head a column of a list (项目名称 | 金额 | 绩效目标): after a name label they say "no value here".
_COLUMN_WORD = re.compile(
    r"^(序号|合计|总计|小计|金额|预算金额|预算数|资金|资金总额|项目金额|年度预算|绩效目标|单位名称|主管部门|实施单位|"
    r"一级指标|二级指标|三级指标|指标值|绩效指标|备注|说明|类别|项目类别|项目类型|科目编码|功能科目|本年预算|上年结转|"
    r"财政拨款|项目概况|项目内容|主要内容|资金用途|项目单位|预算单位|单位)"
    r"([(（].*[)）])?$"
)
_MAX_NAME_ROW_CELLS = 6  # a row with more filled cells is a list, not a form's name row
_SPACES = re.compile(r"[ \u3000]+")


def squash(text: str) -> str:
    """Text without the spaces exports put between characters (tabs, the cell separators, are kept)."""
    return _SPACES.sub("", text)


def name_label_length(cell: str) -> int | None:
    """Length of the name label (and its colon) a cell starts with; None if none."""
    m = _NAME_CELL.match(cell)
    return m.end() if m else None


def is_name_row(text: str) -> bool:
    """A form's name row: a cell that is a name label, with a value after it (in its cell or the next)."""
    return name_row_value(text) is not None


def name_row_value(text: str) -> str | None:
    """The name a form's name row prints ("项目编码 | … | 项目名称 | 市场监管发展专项" → "市场监管发展专项"), or None
    when the line is not a name row (no name label, no value, or a list's header: 项目名称 | 金额 | …)."""
    cells = [c.strip() for c in text.split("\t") if c.strip()] if "\t" in text else [text.strip()]
    if not cells or len(cells) > _MAX_NAME_ROW_CELLS or "合计" in cells:
        return None
    for i, cell in enumerate(cells):
        length = name_label_length(cell)
        if length is None:
            continue
        rest = cell[length:].strip()
        value = rest or (cells[i + 1] if i + 1 < len(cells) else "")
        return value if value and not _COLUMN_WORD.match(squash(value)) else None
    return None


def is_indicator_header(cells: list[str]) -> bool:
    """A row of column headers over indicator rows: 一级 | 二级 | 三级指标 | 指标值, 指标名称 | … | 指标值,
    指标内容 | 指标值 | 备注."""
    words = [squash(c).strip() for c in cells if c.strip()]
    if any(_LEVEL3.search(w) for w in words):
        return True
    has_name = any(_NAME_COLUMN.match(w) for w in words)
    return has_name and any(_VALUE_COLUMN.search(w) for w in words)


def header_cells(text: str) -> list[str]:
    """The cells of a line: tab-separated, or (in a raw dump) separated by whitespace."""
    return text.split("\t") if "\t" in text else text.split()
