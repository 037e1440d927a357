"""What a form's layout shows, independent of any reader: a name row, a funds row with an amount, an
indicator grid and how many of its rows hold a value.

A reading is measured against it (``reading.incomplete``): a block that prints a 项目名称 with a value, a funds
label with an amount or indicator rows with values, whose record lacks them, was not fully read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.document import Document
from llmextract.core.numbers import parse_indicator_value, try_decimal
from llmextract.layout.form_vocabulary import PACKED_INDICATORS, header_cells, is_indicator_header, is_name_row, squash

Span = tuple[int, int]

# Labels of a funds row: 年度资金总额, 实施期资金总额, 资金总额, 年度预算资金, 合计, 年初预算数, 全年预算数.
_FUNDS_LABEL = re.compile(
    r"^(其中[:：])?((年度|实施期|本年)?(预算)?资金(总额)?|资金总额|合计|年初预算数?|全年预算数?)[:：]?"
)
_AMOUNT = re.compile(r"^[\d,，.．]+\s*(万元|亿元|元)?$")


@dataclass(frozen=True, slots=True)
class FormEvidence:
    """Spans of what the block prints (None: not printed) and the number of grid rows with a value."""

    name: Span | None = None
    funds: Span | None = None
    grid: Span | None = None
    value_rows: int = 0


def form_evidence(doc: Document, start: int, end: int) -> FormEvidence:
    """The evidence in ``doc.text[start:end]`` (a block); rows are counted in tab-separated grids only."""
    name = funds = grid = None
    value_rows = 0
    for line in doc.lines_in(start, end):
        if line.start < start or line.end > end:
            continue
        span = (line.start, line.end)
        if grid is None and (is_indicator_header(header_cells(line.text)) or PACKED_INDICATORS.search(line.text)):
            grid = span
            continue
        if grid is not None:
            value_rows += "\t" in line.text and _holds_value(line.text)
            continue
        if name is None and is_name_row(line.text):
            name = span
        elif funds is None and _is_funds_row(line.text):
            funds = span
    return FormEvidence(name, funds, grid, value_rows)


def _is_funds_row(text: str) -> bool:
    """A funds label followed, in its row, by an amount."""
    cells = [squash(c).strip() for c in header_cells(text) if c.strip()]
    for i, cell in enumerate(cells):
        m = _FUNDS_LABEL.match(cell)
        if m is None:
            continue
        rest = [cell[m.end() :]] if cell[m.end() :] else []
        if any(
            _AMOUNT.match(c) and try_decimal(re.sub(r"\s*(万元|亿元|元)$", "", c)) is not None
            for c in rest + cells[i + 1 :]
        ):
            return True
    return False


def _holds_value(text: str) -> bool:
    """A grid row with a cell that reads as an indicator value (a quantity or a comparison)."""
    for cell in text.split("\t"):
        parsed = parse_indicator_value(cell) if cell.strip() else None
        if parsed is not None and (parsed.value is not None or parsed.comparator is not None):
            return True
    return False
