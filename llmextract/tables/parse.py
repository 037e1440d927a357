"""Find the standard tables of a document and parse each into a :class:`BudgetTable`.

A table runs from its title to the next title or part, or to a header that is not its own (another table
whose title was not recognised). The header is the run of rows above the first row with a number; each amount
column is named from the header cells spanning it (:mod:`llmextract.tables.header`). A title repeated on the
next page continues the table, and so does its header repeated there; rows that number the columns are
furniture. Rows are read by :mod:`llmextract.tables.rows`, their roles by :mod:`llmextract.tables.structure`.
"""

from __future__ import annotations

import re

from llmextract.core.catalogue import TABLE_PARSE_FAILED
from llmextract.core.document import Document, Line
from llmextract.core.failures import FailureLog
from llmextract.layout import detect_parts
from llmextract.layout.parts import is_toc_line
from llmextract.tables.header import Header, is_header_row, is_ordinal_row, read_header
from llmextract.tables.kinds import column_name, compact, refine_kind, title_kind
from llmextract.tables.model import BudgetRow, BudgetTable, Column, TableKind
from llmextract.tables.rows import (
    UNIT_LINE,
    Cell,
    code_columns,
    compose_codes,
    continued_row,
    drop_repeats,
    is_amount,
    is_data,
    read_row,
    table_rows,
)
from llmextract.tables.structure import assign_roles

_EMPTY = re.compile(r"本表无数据|无数据|本表为空|此表为空")
_MAX_TITLE = 60
_TOC = re.compile(r"^目\s*录$")
_FINAL = re.compile(r"决算")
_LINE_NUMBER = ("行次",)  # 栏次 labels the row that numbers the columns: it sits in the label column
_DECIMAL = re.compile(r"\d\.\d")
# What a title cell may carry after the title itself: the unit that prepared it, the money unit.
_TABLES_PART = re.compile(r"(报表|表)$")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分")
_TITLE_TAIL = re.compile(r"(?<![（(])(编制单位|单位名称|部门名称|部门（单位）|单位)[:：].*$")


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
    # Non-table parts end a table: the prose, a project's target table, the dept-wide table. The heading of
    # the tables' own part ("第二部分 2024年单位预算报表", which a raw dump may print inside the first table)
    # does not.
    stops = sorted(
        p.start
        for p in detect_parts(doc)
        if p.kind != "budget_table" and not (p.kind == "section" and _TABLES_PART.search(compact(p.title)))
    )
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
    if "\t" in text and len([c for c in text.split("\t") if c.strip()]) != 1:
        return None
    return title_kind(_title_text(line))


def _title_text(line: Line) -> str:
    """The title of a title line: its one cell, without the 编制单位 / 单位 printed after it in that cell."""
    text = next((c for c in line.text.split("\t") if c.strip()), "").strip()
    return _TITLE_TAIL.sub("", text).strip() or text


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
        and not _SECTION.match(text)
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
    unit_match = UNIT_LINE.search(body[:2000]) or UNIT_LINE.search(title.text)
    final = bool(_FINAL.search(title.text))
    split = table_rows(lines)
    first_data = next((i for i, (_, cells) in enumerate(split) if is_data(cells)), len(split))
    header_split = [
        (ln, cells)
        for ln, cells in split[:first_data]
        if not UNIT_LINE.search(_joined(cells)) and not is_ordinal_row([c.text for c in cells])
    ]
    header = read_header(doc, [(ln, [c.text for c in cells]) for ln, cells in header_split])
    header_rows = [cells for _, cells in header_split]
    kind = refine_kind(kind, compact(header.text()))
    code_cols = code_columns(header_rows)
    skip = _line_number_columns(header_rows)
    data, stop = _data_rows(split[first_data:], header)
    rows = [
        row
        for block in _blocks_side_by_side(data, header, code_cols)
        for ln, cells in block
        if (row := read_row(ln, cells, code_cols, skip)) is not None
    ]
    rows = assign_roles(kind, drop_repeats(compose_codes(rows)), header)
    columns = _columns(header, rows, final)
    if not any(c.name for c in columns):
        columns = _raw_header_columns(lines[: max(len(lines) - len(rows), 0)], columns, final)
    end = stop if stop is not None else (lines[-1].end if lines else title.end)
    return BudgetTable(
        kind=kind,
        title=_title_text(title),
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
        label_headers=tuple(sorted(header.label_columns().items())),
    )


def _joined(cells: list[Cell]) -> str:
    return "".join(c.text for c in cells)


def _data_rows(
    split: list[tuple[Line, list[Cell]]], header: Header
) -> tuple[list[tuple[Line, list[Cell]]], int | None]:
    """The rows below the header. Rows that number the columns ("** 1 2 3", "栏次 1 2 3") and the header
    repeated on a continuation page are furniture; a row cut by the page break ("杭州市机动 … 12,437.3" at
    the foot of one page, "车驾驶员考试服务中心 … 6" at the top of the next) is one row. A different header
    means another table has begun whose title was not recognised: the rows under it are not this table's
    (the offset where it starts is returned, else None)."""
    known = {compact(c.text) for c in header.cells}
    out: list[tuple[Line, list[Cell]]] = []
    for line, cells in split:
        texts = [c.text for c in cells]
        if is_ordinal_row(texts):
            continue
        if not is_data(cells) and is_header_row(texts):
            if known and not {compact(t) for t in texts if t.strip()} <= known:
                return out, (out[-1][0].end if out else line.start)
            continue
        if out and line.page > out[-1][0].page and (joined := continued_row(out[-1][1], cells)) is not None:
            out[-1] = (out[-1][0], joined)
            continue
        out.append((line, cells))
    return out, None


def _blocks_side_by_side(
    data: list[tuple[Line, list[Cell]]], header: Header, code_cols: list[int]
) -> list[list[tuple[Line, list[Cell]]]]:
    """A 决算 明细表 prints blocks side by side, each with its own 科目编码 | 科目名称 | 金额 (人员经费 on the left,
    公用经费 on the right): each block is read as a run of rows of its own, the left block's first, so that a
    code's children follow it. Other tables are one block."""
    starts = list(header.sides)
    coded = [s for k, s in enumerate(starts) if any(s <= c < (starts[k + 1 :] or [1 << 16])[0] for c in code_cols)]
    if len(starts) < 2 or len(coded) < 2:
        return [data]
    blocks: list[list[tuple[Line, list[Cell]]]] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else 1 << 16
        blocks.append(
            [
                (ln, [c if start <= i < end else Cell("", c.start, c.start) for i, c in enumerate(cells)])
                for ln, cells in data
            ]
        )
    return blocks


def _line_number_columns(header_rows: list[list[Cell]]) -> set[int]:
    """行次 columns of final-accounts tables number the lines; they are not amounts."""
    return {i for cells in header_rows for i, c in enumerate(cells) if compact(c.text) in _LINE_NUMBER}


def _columns(header: Header, rows: list[BudgetRow], final: bool) -> tuple[Column, ...]:
    used = sorted({i for row in rows for i in row.amounts})
    columns: list[Column] = []
    for i in used:
        path = header.path(i, set(used))
        name = column_name(path, final_accounts=final)
        columns.append(Column(i, name, path, header.side(i), header.side_start(i)))
    return tuple(columns)


def _raw_header_columns(lines: list[Line], columns: tuple[Column, ...], final: bool) -> tuple[Column, ...]:
    """Column names for a raw text table: the header line that names 合计 lists the amount columns in order
    (further header words wrapped onto broken lines cannot be placed, those columns stay unnamed)."""
    for line in reversed(lines):
        words = line.text.replace("\u3000", " ").split()
        if "合计" in words and len(words) > 1 and not any(is_amount(w) for w in words):
            names = words[words.index("合计") :]
            return tuple(
                Column(c.index, column_name((names[k],), final_accounts=final) if k < len(names) else "", c.header)
                for k, c in enumerate(columns)
            )
    return columns
