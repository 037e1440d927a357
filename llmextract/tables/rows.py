"""The rows of a standard table: cells of a line, the row's labels, 科目编码 and amounts.

Rows are lines: cells separated by tabs (PDF ruled tables and tab-separated exports), or, in raw text dumps
that lost their tabs, by single spaces (an empty cell leaves a double space). A number wrapped inside its
cell arrives as one cell with a space ("143,999.0 0"): the cell holds one number. In a raw dump the same wrap
puts the tail of an amount on a line of its own ("52,333" then ".24"): it is joined to the row above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from llmextract.core.document import Line
from llmextract.core.numbers import try_decimal
from llmextract.tables.kinds import compact
from llmextract.tables.model import Amount, BudgetRow

TOTAL_LABELS = frozenset({"合计", "总计", "部门合计", "本年支出合计", "支出合计"})

CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2,3}$")
UNIT_LINE = re.compile(r"单位[:：]\s*(万元|亿元|元)")
_NOTE = re.compile(r"^(注|备注|说明)|[。：:]|公开表")
# The tail of an amount wrapped onto a line of its own in a raw dump: ".24", "0.24" never start a row.
_DECIMAL_TAIL = re.compile(r"^\.\d{1,2}$")


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    start: int
    end: int


def is_amount(text: str) -> bool:
    return try_decimal(text) is not None


def cells_of(line: Line) -> list[Cell] | None:
    """The cells of a row, or None for a line that is not a table row."""
    sep = "\t" if "\t" in line.text else " "
    text = line.text
    if sep == " ":
        text = text.replace("\u3000", " ")
        if not any(try_decimal(tok) is not None for tok in text.split()):
            return None
    cells: list[Cell] = []
    pos = 0
    for part in text.split(sep):
        lead = len(part) - len(part.lstrip())
        stripped = part.strip()
        start = line.start + pos + lead
        cells.append(Cell(stripped, start, start + len(stripped)))
        pos += len(part) + 1
    if sep == " ":
        return _raw_cells(cells)
    return cells


def _raw_cells(cells: list[Cell]) -> list[Cell] | None:
    """A raw row: label words, then only numbers and empty cells; the empties right after the label are the
    label columns this row leaves blank, so the first number is the first amount column (合计).

    A raw two-sided row (收支总表) prints the 收入 half and the 支出 half on one line, often glued
    ("1815.31本年支出合计"). Its halves cannot be aligned with the rows that print one half only, so the row
    is read as its 支出 half (whose columns the rules sum); the 收入 side's total is read from the text."""
    while cells and not cells[0].text:
        cells = cells[1:]
    cells = _last_half([piece for c in cells for piece in _unglue(c)])
    labels: list[Cell] = []
    i = 0
    while i < len(cells) and (not is_amount(cells[i].text) or CODE.match(cells[i].text)) and cells[i].text:
        labels.append(cells[i])
        i += 1
    while i < len(cells) and not cells[i].text:
        i += 1
    amounts = cells[i:]
    if not labels or not amounts or any(c.text and not is_amount(c.text) for c in amounts):
        return None
    label_text = "".join(c.text for c in labels)
    if _NOTE.search(label_text) or not any("." in c.text for c in amounts):
        return None  # a note or a page footer ("注：本表反映…。 7", "部门公开表 7"), not a row of amounts
    label = Cell(" ".join(c.text for c in labels), labels[0].start, labels[-1].end)
    code = [c for c in labels if CODE.match(c.text)]
    if code and len(labels) > 1:
        name = [c for c in labels if c is not code[0]]
        label = Cell(" ".join(c.text for c in name), name[0].start, name[-1].end)
        return [code[0], label, *amounts]
    return [Cell("", label.start, label.start), label, *amounts]


_GLUED = re.compile(r"^(\d[\d,]*\.\d+)(\D.*)$")


def _unglue(cell: Cell) -> list[Cell]:
    """ "1815.31本年支出合计" is an amount and the next label run together."""
    m = _GLUED.match(cell.text)
    if m is None:
        return [cell]
    cut = cell.start + m.end(1)
    return [Cell(m.group(1), cell.start, cut), Cell(m.group(2), cut, cell.end)]


def _last_half(cells: list[Cell]) -> list[Cell]:
    """From the last label that follows an amount on: the right half of a two-sided raw row."""
    seen_amount = False
    start = 0
    for i, cell in enumerate(cells):
        if cell.text and is_amount(cell.text) and not CODE.match(cell.text):
            seen_amount = True
        elif cell.text and seen_amount:
            start = i
            seen_amount = False
    return cells[start:]


def is_data(cells: list[Cell]) -> bool:
    """A row with at least one number that is not a column-number row ("1 2 3 …"); a row of numbers only is
    the data row of a table laid out horizontally (a "三公" table with one column per item)."""
    numbers = [c.text for c in cells if c.text and is_amount(c.text)]
    if not numbers:
        return False
    return not all(n.isdigit() and len(n) <= 2 for n in numbers)


def table_rows(lines: list[Line]) -> list[tuple[Line, list[Cell]]]:
    """Table rows of a block. In a raw dump a long name wraps onto lines of its own and its numbers follow
    on a line without a label: that line takes the name lines just above it; the decimals of an amount
    wrapped onto the next line are joined to it."""
    out: list[tuple[Line, list[Cell]]] = []
    pending: list[Line] = []
    for line in lines:
        cells = cells_of(line)
        if cells is not None:
            out.append((line, cells))
            pending = []
            continue
        text = line.text.strip()
        if "\t" in line.text or not text:
            continue
        words = text.replace("\u3000", " ").split()
        if not pending and out and len(words) == 1 and _DECIMAL_TAIL.match(words[0]):
            joined = _join_tail(*out[-1], words[0])
            if joined is not None:
                out[-1] = joined
                continue
        if pending and out and all(is_amount(w) for w in words):
            label = Cell("".join(p.text.strip() for p in pending), pending[0].start, pending[-1].end)
            # Read the numbers as a raw row behind a placeholder label, offsets shifted back by its width.
            numbers = cells_of(Line("x " + line.text, line.page, line.start - 2, line.end))
            if numbers is not None:
                out.append((line, [Cell("", label.start, label.start), label, *numbers[2:]]))
            pending = []
        elif not UNIT_LINE.search(text):
            pending.append(line)
    return out


def _join_tail(line: Line, cells: list[Cell], tail: str) -> tuple[Line, list[Cell]] | None:
    """The row above with ``tail`` (".24") appended to its last amount when that amount has no decimals."""
    last = cells[-1]
    if not last.text or "." in last.text or not is_amount(last.text + tail):
        return None
    return line, [*cells[:-1], Cell(last.text + tail, last.start, last.end)]


def continued_row(above: list[Cell], below: list[Cell]) -> list[Cell] | None:
    """``above`` with ``below`` joined into it, when ``below`` (the first row of a page) is the rest of
    ``above`` (the last row of the page before): every number of ``below`` completes a number of ``above``
    that lacks the decimals its row prints ("12,437.3" + "6"), and ``below`` has a number; or ``below`` has
    no number and closes the brackets its labels left open ("杭州市公安局交通治安分局（水上" + "治安分局）");
    else None."""
    if not any(c.text and is_amount(c.text) for c in below):
        return _closed_labels(above, below)
    places = [_places(c.text) for c in above if c.text and is_amount(c.text)]
    usual = max(places, default=0)
    joined: list[Cell] = []
    completes = False
    for i in range(max(len(above), len(below))):
        a = above[i] if i < len(above) else Cell("", 0, 0)
        b = below[i] if i < len(below) else Cell("", a.end, a.end)
        if not b.text:
            joined.append(a)
            continue
        if is_amount(b.text):
            if not (a.text and _cut(a.text, b.text, usual) and is_amount(a.text + b.text)):
                return None
            completes = True
        elif a.text and is_amount(a.text):
            return None
        joined.append(Cell(a.text + b.text, a.start if a.text else b.start, b.end))
    return joined if completes else None


def _closed_labels(above: list[Cell], below: list[Cell]) -> list[Cell] | None:
    joined = list(above)
    closes = False
    for i, b in enumerate(below):
        if not b.text:
            continue
        a = above[i] if i < len(above) else None
        if a is None or not a.text or is_amount(a.text) or a.text.count("（") <= a.text.count("）"):
            return None
        joined[i] = Cell(a.text + b.text, a.start, b.end)
        closes = True
    return joined if closes else None


def _cut(head: str, tail: str, usual: int) -> bool:
    """``head`` + ``tail`` is one amount cut by the page: the head stops inside the decimals ("12,437.3"),
    or the tail starts them (".36"). Codes and whole numbers are never cut amounts."""
    if not is_amount(head) or CODE.match(head):
        return False
    return ("." in head and _places(head) < usual) or (tail.startswith(".") and "." not in head)


def _places(text: str) -> int:
    return len(text.rsplit(".", 1)[1]) if "." in text else 0


def code_columns(header_rows: list[list[Cell]]) -> list[int]:
    cols: set[int] = set()
    for cells in header_rows:
        for i, cell in enumerate(cells):
            text = compact(cell.text)
            if text in ("科目编码", "编码", "类", "款", "项") or text.endswith("科目编码"):
                cols.add(i)
    return sorted(cols)


def read_row(line: Line, cells: list[Cell], code_cols: list[int], skip: set[int]) -> BudgetRow | None:
    horizontal = "\t" in line.text and not any(c.text and not is_amount(c.text) for c in cells)
    if horizontal and not is_data(cells):
        return None
    code_parts: list[tuple[int, str]] = []
    labels: list[Cell] = []
    label_cols: list[int] = []
    amounts: dict[int, Amount] = {}
    for i, cell in enumerate(cells):
        if not cell.text or i in skip:
            continue
        if i in code_cols and (CODE.match(cell.text) or _CODE_PART.match(cell.text)):
            code_parts.append((i, cell.text))
            continue
        if not code_cols and not labels and not amounts and CODE.match(cell.text):
            code_parts.append((-1, cell.text))
            continue
        if (
            labels
            and CODE.match(cell.text)
            and i + 1 < len(cells)
            and cells[i + 1].text
            and not is_amount(cells[i + 1].text)
        ):
            break  # a code after amounts starts a second block printed beside the first (决算明细表)
        value = try_decimal(cell.text)
        if value is not None and (labels or horizontal):
            amounts[i] = Amount(value, cell.text, cell.start, cell.end)
        elif value is None:
            labels.append(cell)
            label_cols.append(i)
    if not amounts or not (labels or horizontal):
        return None
    names = tuple(compact(c.text) for c in labels) or ("",)
    return BudgetRow(
        label=names[0],
        code=_join_code(code_parts, code_cols),
        labels=names,
        amounts=amounts,
        start=line.start,
        end=line.end,
        label_columns=tuple(label_cols) or (-1,),
    )


def _join_code(parts: list[tuple[int, str]], code_cols: list[int]) -> str | None:
    """ "201/13/01" as levels of the first run of 科目编码 columns (a second run holds another code system)."""
    if not parts:
        return None
    if len(parts) == 1 and CODE.match(parts[0][1]) and len(parts[0][1]) != 2:
        return parts[0][1]
    run = [c for k, c in enumerate(code_cols) if k == 0 or c == code_cols[k - 1] + 1]
    return "/".join(f"{run.index(i)}:{text}" for i, text in parts if i in run) or None


def compose_codes(rows: list[BudgetRow]) -> list[BudgetRow]:
    """Codes split over 类/款/项 columns become full codes: 类 "201", 款 "13", 项 "01" -> "2011301"; a 款 or
    项 printed alone extends the 类 or 款 of the rows above it."""
    out: list[BudgetRow] = []
    levels = ["", "", ""]
    for row in rows:
        code = row.code
        if code and ":" in code:
            full = None
            for part in code.split("/"):
                level, text = int(part[0]), part[2:]
                if level == 0 and len(text) == 3:
                    levels = [text, "", ""]
                    full = text
                elif level in (1, 2) and levels[level - 1]:
                    levels[level] = levels[level - 1] + text
                    full = levels[level]
            code = full
        elif code:
            levels = [code[:3], code[:5] if len(code) >= 5 else "", ""]
        row_code = code if code and CODE.match(code) else None
        out.append(replace(row, code=row_code))
    return out


def drop_repeats(rows: list[BudgetRow]) -> list[BudgetRow]:
    """A coded row printed twice in a row (same code, label and amounts: a 项 printed with its 款's code and
    name) is one row: read twice, it would be counted twice in its parent's sum. Uncoded lines may repeat for
    real (two projects of one name and amount), so only coded rows are merged; the 合计 line repeated on a
    continuation page is dropped too."""
    out: list[BudgetRow] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and row.code is not None and _same_print(prev, row):
            continue
        if row.code is None and any(_same_print(r, row) and r.label in TOTAL_LABELS for r in out):
            continue  # the 合计 line printed again at the top of a continuation page
        out.append(row)
    return out


def _same_print(a: BudgetRow, b: BudgetRow) -> bool:
    values = {i: x.value for i, x in a.amounts.items()} == {i: x.value for i, x in b.amounts.items()}
    return values and a.code == b.code and a.labels == b.labels
