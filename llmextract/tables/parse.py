"""Find the standard tables of a document and parse each into a :class:`BudgetTable`.

A table runs from its title to the next title or part. Its rows are lines: cells separated by tabs (PDF ruled
tables and tab-separated exports), or, in raw text dumps that lost their tabs, by single spaces (an empty cell
leaves a double space). The header is the run of rows above the first row with a number; each amount column
is named from the header texts stacked above it. A title repeated on the next page continues the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.catalogue import TABLE_PARSE_FAILED
from llmextract.core.document import Document, Line
from llmextract.core.failures import FailureLog
from llmextract.core.numbers import try_decimal
from llmextract.layout import detect_parts
from llmextract.layout.parts import is_toc_line
from llmextract.tables.kinds import column_name, compact, refine_kind, title_kind
from llmextract.tables.model import Amount, BudgetRow, BudgetTable, Column, TableKind

_UNIT = re.compile(r"单位[:：]\s*(万元|亿元|元)")
_EMPTY = re.compile(r"本表无数据|无数据|本表为空|此表为空")
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2,3}$")
_CODE_HEADERS = ("科目编码", "编码", "类", "款", "项")
_MAX_TITLE = 60
_TOC = re.compile(r"^目\s*录$")
_FINAL = re.compile(r"决算")
_NOTE = re.compile(r"^(注|备注|说明)|[。：:]|公开表")
_LINE_NUMBER = ("行次",)  # 栏次 labels the row that numbers the columns: it sits in the label column
_DECIMAL = re.compile(r"\d\.\d")


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    start: int
    end: int


def parse_tables(doc: Document, failures: FailureLog | None = None) -> list[BudgetTable]:
    """Every standard table found in ``doc``, in document order, continuation pages joined. With
    ``failures``, a table the parser trips over becomes a ``tables.parse-failed`` finding and is left out;
    the other tables are read."""
    if failures is None:
        return [_parse_block(doc, kind, title, lines) for kind, title, lines in _blocks(doc)]
    tables: list[BudgetTable] = []
    blocks: list[tuple[TableKind, Line, list[Line]]] = []
    with failures.guard(TABLE_PARSE_FAILED, "finding the standard tables", (0, len(doc.text))):
        blocks = _blocks(doc)
    for kind, title, lines in blocks:
        span = (title.start, lines[-1].end if lines else title.end)
        with failures.guard(TABLE_PARSE_FAILED, f"parsing the table “{title.text.strip()[:40]}”", span):
            tables.append(_parse_block(doc, kind, title, lines))
    return tables


def _blocks(doc: Document) -> list[tuple[TableKind, Line, list[Line]]]:
    toc_pages = {ln.page for ln in doc.lines if _TOC.match(ln.text.strip())} if len(doc.pages) > 1 else set()
    # Non-table parts end a table: the prose, a project's target table, the dept-wide table.
    stops = sorted(p.start for p in detect_parts(doc) if p.kind != "budget_table")
    blocks: list[tuple[TableKind, Line, list[Line]]] = []
    current: list[Line] | None = None
    stop_i = 0
    for line in doc.lines:
        while stop_i < len(stops) and stops[stop_i] <= line.start:
            stop_i += 1
            current = None
        kind = _title(line) if line.page not in toc_pages else None
        if kind is None and _other_table_title(line):
            current = None  # a table this module does not read (统计表, 情况表 …) starts: ours has ended
            continue
        if kind is not None:
            prev = blocks[-1] if blocks else None
            if prev is not None and current is not None and _same_title(prev[1].text, line.text):
                continue  # the title again on the next page, or a heading followed by the table's own title
            current = []
            blocks.append((kind, line, current))
            continue
        if current is not None:
            current.append(line)
    return blocks


def _title(line: Line) -> TableKind | None:
    text = line.text.strip()
    if not text or len(text) > _MAX_TITLE or is_toc_line(text):
        return None
    if "\t" in text:
        cells = [c for c in text.split("\t") if c.strip()]
        if len(cells) != 1:
            return None
        text = cells[0]
    return title_kind(text)


_OTHER_TITLE = re.compile(r"[^\s，。；：:]{2,}表$")
# A table's number printed on its own line ("公开09表", "预算公开表3") belongs to the title next to it.
_TABLE_NUMBER = re.compile(r"^(预算公开表\d+|公开\d+表|预算\d+表|表[一二三四五六七八九十\d]+|附表\d*)$")


def _other_table_title(line: Line) -> bool:
    """A short free line ending in 表 that names no standard table: another table's title."""
    text = compact(line.text)
    return (
        line.table is None
        and len(text) <= _MAX_TITLE
        and not is_toc_line(text)
        and not text.startswith(("注", "附"))
        and not _TABLE_NUMBER.match(text)
        and bool(_OTHER_TITLE.search(text))
    )


_NUMBERING = re.compile(
    r"^(预算公开表\d+|公开\d+表|预算\d+表|表[一二三四五六七八九十]+|[一二三四五六七八九十]+、|\d+[.、])"
)
_YEAR = re.compile(r"\d{4}年度?")


def _same_title(a: str, b: str) -> bool:
    def key(t: str) -> str:
        return _YEAR.sub("", _NUMBERING.sub("", compact(t)))

    return key(a) == key(b)


def _parse_block(doc: Document, kind: TableKind, title: Line, lines: list[Line]) -> BudgetTable:
    body = "\n".join(ln.text for ln in lines)
    unit_match = _UNIT.search(body[:2000]) or _UNIT.search(title.text)
    final = bool(_FINAL.search(title.text))
    split = _rows_with_wrapped_labels(lines)
    first_data = next((i for i, (_, cells) in enumerate(split) if _is_data(cells)), len(split))
    header_rows = [cells for _, cells in split[:first_data] if not _UNIT.search("".join(c.text for c in cells))]
    header_text = "".join(c.text for cells in header_rows for c in cells)
    kind = refine_kind(kind, compact(header_text))
    code_cols = _code_columns(header_rows)
    skip = _line_number_columns(header_rows)
    rows = [row for ln, cells in split[first_data:] if (row := _row(ln, cells, code_cols, skip)) is not None]
    rows = _compose_codes(rows)
    columns = _columns(header_rows, rows, final)
    if not any(c.name for c in columns):
        columns = _raw_header_columns(lines[: max(len(lines) - len(rows), 0)], columns, final)
    end = lines[-1].end if lines else title.end
    return BudgetTable(
        kind=kind,
        title=title.text.strip(),
        unit=unit_match.group(1) if unit_match else "万元",
        unit_stated=unit_match is not None,
        final_accounts=final,
        columns=columns,
        rows=tuple(rows),
        page=title.page,
        start=title.start,
        end=end,
        # Known empty: it says so, or it prints no amount at all. Amounts that no row could hold are not
        # "empty": the verifier reports such a table as unread.
        empty=bool(_EMPTY.search(body)) or (not rows and not _DECIMAL.search(body)),
    )


def _cells(line: Line) -> list[_Cell] | None:
    """The cells of a row, or None for a line that is not a table row."""
    sep = "\t" if "\t" in line.text else " "
    text = line.text
    if sep == " ":
        text = text.replace("\u3000", " ")
        if not any(try_decimal(tok) is not None for tok in text.split()):
            return None
    cells: list[_Cell] = []
    pos = 0
    for part in text.split(sep):
        lead = len(part) - len(part.lstrip())
        stripped = part.strip()
        start = line.start + pos + lead
        cells.append(_Cell(stripped, start, start + len(stripped)))
        pos += len(part) + 1
    if sep == " ":
        return _raw_cells(cells)
    return cells


def _raw_cells(cells: list[_Cell]) -> list[_Cell] | None:
    """A raw row: label words, then only numbers and empty cells; the empties right after the label are the
    label columns this row leaves blank, so the first number is the first amount column (合计)."""
    while cells and not cells[0].text:
        cells = cells[1:]
    labels: list[_Cell] = []
    i = 0
    while i < len(cells) and (not _is_amount(cells[i].text) or _CODE.match(cells[i].text)) and cells[i].text:
        labels.append(cells[i])
        i += 1
    while i < len(cells) and not cells[i].text:
        i += 1
    amounts = cells[i:]
    if not labels or not amounts or any(c.text and not _is_amount(c.text) for c in amounts):
        return None
    label_text = "".join(c.text for c in labels)
    if _NOTE.search(label_text) or not any("." in c.text for c in amounts):
        return None  # a note or a page footer ("注：本表反映…。 7", "部门公开表 7"), not a row of amounts
    label = _Cell(" ".join(c.text for c in labels), labels[0].start, labels[-1].end)
    code = [c for c in labels if _CODE.match(c.text)]
    if code and len(labels) > 1:
        name = [c for c in labels if c is not code[0]]
        label = _Cell(" ".join(c.text for c in name), name[0].start, name[-1].end)
        return [code[0], label, *amounts]
    return [_Cell("", label.start, label.start), label, *amounts]


def _is_amount(text: str) -> bool:
    return try_decimal(text) is not None


def _is_data(cells: list[_Cell]) -> bool:
    """A row with at least one number that is not a column-number row ("1 2 3 …"); a row of numbers only is
    the data row of a table laid out horizontally (a "三公" table with one column per item)."""
    numbers = [c.text for c in cells if c.text and _is_amount(c.text)]
    if not numbers:
        return False
    return not all(n.isdigit() and len(n) <= 2 for n in numbers)


def _line_number_columns(header_rows: list[list[_Cell]]) -> set[int]:
    """行次 columns of final-accounts tables number the lines; they are not amounts."""
    return {i for cells in header_rows for i, c in enumerate(cells) if compact(c.text) in _LINE_NUMBER}


def _code_columns(header_rows: list[list[_Cell]]) -> list[int]:
    cols: set[int] = set()
    for cells in header_rows:
        for i, cell in enumerate(cells):
            text = compact(cell.text)
            if text in _CODE_HEADERS or text.endswith("科目编码"):
                cols.add(i)
    return sorted(cols)


def _row(line: Line, cells: list[_Cell], code_cols: list[int], skip: set[int]) -> BudgetRow | None:
    horizontal = "\t" in line.text and not any(c.text and not _is_amount(c.text) for c in cells)
    if horizontal and not _is_data(cells):
        return None
    code_parts: list[tuple[int, str]] = []
    labels: list[_Cell] = []
    amounts: dict[int, Amount] = {}
    for i, cell in enumerate(cells):
        if not cell.text or i in skip:
            continue
        if i in code_cols and (_CODE.match(cell.text) or _CODE_PART.match(cell.text)):
            code_parts.append((i, cell.text))
            continue
        if not code_cols and not labels and not amounts and _CODE.match(cell.text):
            code_parts.append((-1, cell.text))
            continue
        if (
            labels
            and _CODE.match(cell.text)
            and i + 1 < len(cells)
            and cells[i + 1].text
            and not _is_amount(cells[i + 1].text)
        ):
            break  # a code after amounts starts a second block printed beside the first (决算明细表)
        value = try_decimal(cell.text)
        if value is not None and (labels or horizontal):
            amounts[i] = Amount(value, cell.text, cell.start, cell.end)
        elif value is None:
            labels.append(cell)
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
    )


def _join_code(parts: list[tuple[int, str]], code_cols: list[int]) -> str | None:
    """ "201/13/01" as levels of the first run of 科目编码 columns (a second run holds another code system)."""
    if not parts:
        return None
    if len(parts) == 1 and _CODE.match(parts[0][1]) and len(parts[0][1]) != 2:
        return parts[0][1]
    run = [c for k, c in enumerate(code_cols) if k == 0 or c == code_cols[k - 1] + 1]
    return "/".join(f"{run.index(i)}:{text}" for i, text in parts if i in run) or None


def _compose_codes(rows: list[BudgetRow]) -> list[BudgetRow]:
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
        row_code = code if code and _CODE.match(code) else None
        out.append(BudgetRow(row.label, row_code, row.labels, row.amounts, row.start, row.end))
    return out


def _columns(header_rows: list[list[_Cell]], rows: list[BudgetRow], final: bool) -> tuple[Column, ...]:
    used = sorted({i for row in rows for i in row.amounts})
    columns: list[Column] = []
    for i in used:
        stack = tuple(cells[i].text for cells in header_rows if i < len(cells) and cells[i].text)
        columns.append(Column(i, column_name(stack, final_accounts=final), stack))
    return tuple(columns)


def _raw_header_columns(lines: list[Line], columns: tuple[Column, ...], final: bool) -> tuple[Column, ...]:
    """Column names for a raw text table: the header line that names 合计 lists the amount columns in order
    (further header words wrapped onto broken lines cannot be placed, those columns stay unnamed)."""
    for line in reversed(lines):
        words = line.text.replace("\u3000", " ").split()
        if "合计" in words and len(words) > 1 and not any(_is_amount(w) for w in words):
            names = words[words.index("合计") :]
            return tuple(
                Column(c.index, column_name((names[k],), final_accounts=final) if k < len(names) else "", c.header)
                for k, c in enumerate(columns)
            )
    return columns


def _rows_with_wrapped_labels(lines: list[Line]) -> list[tuple[Line, list[_Cell]]]:
    """Table rows of a block. In a raw dump a long name wraps onto lines of its own and its numbers follow
    on a line without a label: that line takes the name lines just above it."""
    out: list[tuple[Line, list[_Cell]]] = []
    pending: list[Line] = []
    for line in lines:
        cells = _cells(line)
        if cells is not None:
            out.append((line, cells))
            pending = []
            continue
        text = line.text.strip()
        if "\t" in line.text or not text:
            continue
        words = text.replace("\u3000", " ").split()
        if pending and out and all(_is_amount(w) for w in words):
            label = _Cell("".join(p.text.strip() for p in pending), pending[0].start, pending[-1].end)
            # Read the numbers as a raw row behind a placeholder label, offsets shifted back by its width.
            numbers = _cells(Line("x " + line.text, line.page, line.start - 2, line.end))
            if numbers is not None:
                out.append((line, [_Cell("", label.start, label.start), label, *numbers[2:]]))
            pending = []
        elif not _UNIT.search(text):
            pending.append(line)
    return out
