"""The header of a standard table: which header cells span which column, the two halves of a two-sided
table, and the rows that only number the columns.

A header cell spans the columns its merged cell covers (the PDF grid says so); in a text export, where merged
cells leave empty cells behind them, a header cell spans the empty cells after it when the header row below
names those columns (本年收入 over 小计 | 一般公共预算 | … | 其他收入). An amount column is then named by every
header cell above it, so the 小计 of 本年收入 and the 小计 of 上年结转结余 are told apart, and 人员经费 knows it
is a part of 基本支出 even when 基本支出 has no column of its own.

A two-sided table (收入 on the left, 支出 on the right of one page) prints a label header (项目, 科目) a second
time after an amount column: each label header starts a half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from llmextract.core.document import Document, Line
from llmextract.tables.kinds import column_name, compact

# Header words of a label column: the item's name or code, a unit, a project.
_LABEL_HEADER = re.compile(
    r"^(项目|科目|收入项目|支出项目|收入|支出|.*科目名称|.*科目编码|.*科目代码|支出功能分类科目|单位名称|单位|"
    r"项目名称|支出项目类别.*|项目类别.*|编码|代码)$"
)
# A row that numbers the columns ("** ** 1 2 3", "栏次 1 2 3", "行次 1 2 3") is header furniture.
_ORDINAL_LABELS = frozenset({"*", "**", "栏次", "行次", "栏号", "序号", "#"})


@dataclass(frozen=True, slots=True)
class HeaderCell:
    text: str
    row: int
    first: int  # first column it spans
    last: int  # last column it spans (inclusive)


@dataclass(frozen=True, slots=True)
class Header:
    cells: tuple[HeaderCell, ...]
    sides: tuple[int, ...]  # the first column of each half; (0,) when the table has one side

    def path(self, col: int, used: set[int] | None = None) -> tuple[str, ...]:
        """The header texts spanning ``col``, top down. A cell spanning every amount column of its half
        (``used``: the columns that hold amounts) says what the whole table holds ("一般公共预算支出",
        "本年支出", "预算数"), not what this column is: it is left out."""
        side = self.side(col)
        mates = sorted(i for i in used or () if self.side(i) == side)
        return tuple(
            c.text
            for c in self.cells
            if c.first <= col <= c.last
            and c.text
            and not (len(mates) > 1 and c.first <= mates[0] and c.last >= mates[-1])
        )

    def side(self, col: int) -> int:
        return sum(1 for s in self.sides[1:] if col >= s)

    def side_start(self, col: int) -> int:
        return self.sides[self.side(col)]

    def label_columns(self) -> dict[int, str]:
        """Columns whose header names a label (项目, 单位名称, 项目名称 …), by column."""
        return {c.first: compact(c.text) for c in self.cells if _LABEL_HEADER.match(compact(c.text))}

    def text(self) -> str:
        return "".join(c.text for c in self.cells)


def read_header(doc: Document, rows: list[tuple[Line, list[str]]]) -> Header:
    """The header from its rows (each a line and its cell texts, one per column). A cell spanning the whole
    width is a caption printed inside the grid (the table's number, its title), not a header."""
    cells: list[HeaderCell] = []
    width = max((len(t) for _, t in rows), default=0)
    for r, (line, texts) in enumerate(rows):
        spans = _grid_spans(doc, line) if doc.kind == "pdf" else None
        below = [t for _, t in rows[r + 1 :]]
        for col, text in enumerate(texts):
            if not text.strip():
                continue
            last = spans.get(col) if spans is not None else _text_span(texts, col, below)
            cell = HeaderCell(text.strip(), r, col, col if last is None else last)
            if width > 2 and cell.first == 0 and cell.last >= width - 1:
                continue
            cells.append(cell)
    return Header(tuple(cells), _sides(cells, [t for _, t in rows]))


def _grid_spans(doc: Document, line: Line) -> dict[int, int] | None:
    """Last column of each merged cell of a PDF grid row; None for a line that is no grid row."""
    if line.table is None or line.row is None or line.table >= len(doc.tables):
        return None
    table = doc.tables[line.table]
    if table.n_rows == 0:
        return None
    return {c.col: c.col + c.colspan - 1 for c in table.cells if c.row == line.row}


def _text_span(texts: list[str], col: int, below: list[list[str]]) -> int:
    """A text-export header cell covers the empty cells after it when a lower header row names them."""
    last = col
    for nxt in range(col + 1, len(texts)):
        if texts[nxt].strip() or not any(nxt < len(b) and b[nxt].strip() for b in below):
            break
        last = nxt
    return last


def _sides(cells: list[HeaderCell], rows: list[list[str]]) -> tuple[int, ...]:
    """Each label header printed after an amount column (one its header names: 预算数, 合计 …) starts a new
    half of the table."""
    labels = {c.first for c in cells if _LABEL_HEADER.match(compact(c.text))}
    width = max((len(r) for r in rows), default=0)
    sides = [0]
    for col in sorted(labels):
        if 0 < col < width and any(_names_amount(cells, i) for i in range(sides[-1], col)):
            sides.append(col)
    return tuple(sides)


# Headers of an amount column that name no particular amount: "2024年", "预算数", "金额".
_AMOUNT_HEADER = re.compile(r"^(\d{4}年度?)?(预算数|决算数|预算|决算|金额|数额)?([（(][^）)]*[）)])?$")


def _names_amount(cells: list[HeaderCell], col: int) -> bool:
    """Whether the column's own header cell (the lowest one over it; a group header such as 人员经费 spans a
    whole block, labels included) names an amount."""
    over = [c for c in cells if c.first <= col <= c.last]
    if not over:
        return False
    own = max(over, key=lambda c: c.row)
    return bool(column_name((own.text,)) or _AMOUNT_HEADER.match(compact(own.text)))


def is_header_row(texts: list[str]) -> bool:
    """A row of header words only: at least two cells, each naming a column (合计, 项目支出 …) or a label."""
    words = [compact(t) for t in texts if t.strip()]
    if len(words) < 2:
        return False
    named = [w for w in words if _LABEL_HEADER.match(w) or column_name((w,))]
    return len(named) >= 2 and len(named) * 2 >= len(words)


def is_ordinal_row(texts: list[str]) -> bool:
    """A row that only numbers the columns: ordinals 1, 2, 3 … (or letters) after optional ** / 栏次."""
    words = [compact(t) for t in texts if t.strip()]
    labels = [w for w in words if not w.isdigit()]
    numbers = [int(w) for w in words if w.isdigit()]
    if len(numbers) < 2 or any(w not in _ORDINAL_LABELS for w in labels):
        return False
    return all(b == a + 1 for a, b in pairwise(numbers))
