"""Row lists of projects: one table holding many projects, a row (or a group of rows) per project.

Seen as 重点项目 tables (二级预算单位名称 | 一级项目名称 | 预算数（万元） | 绩效目标), 项目支出绩效表
(单位名称 | 项目名称 | 金额 | 项目总体绩效目标), 项目 | 预算数（单位：万元） | 绩效目标, project lists with a
绩效目标 column after their amount columns, and wide target tables (单位（项目）名称 | 资金总额 | 绩效目标 |
一级 | 二级 | 三级指标 | 指标值) whose project cells are merged down over the project's indicator rows. A list
is recognised by its header row: a project-name column and a goal column (or indicator columns), every header
cell a column word.

Rows become projects. A row with a name starts one; a row with neither name nor amount continues it (a goal
running on, an indicator row, a cell cut by a page break). Total rows (合计, a lone amount, ``** 1 2 3`` column
numbers) are not projects, and neither are unit subtotal rows: rows that set no target and whose amount the
rows under them add up to, or that name a unit (…局, …中心); they name the unit of the projects under them. A
list continues over pages through page numbers, repeated titles and repeated headers, and ends at prose, a
备注/注 line or the header of another table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import ClassVar, Literal

from llmextract.core.document import Document, Line
from llmextract.core.numbers import try_decimal
from llmextract.layout.pieces import Piece, line_cells, line_piece

Role = Literal[
    "seq",
    "name",
    "unit",
    "amount",
    "period_amount",
    "indicator",
    "other",
    "goal",
    "period_goal",
    "overview",
    "basis",
    "attribute",
    "period",
]
# Columns of free text, read into the record field of the same meaning.
TEXT_ROLES: tuple[Role, ...] = ("goal", "period_goal", "overview", "basis", "attribute", "period")

_MONEY_UNIT = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(?P<unit>亿元|万元|元)\s*[）)]")
_ROLE_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(序号|编号)$")),
    (
        "name",
        re.compile(
            r"^((一级|二级|重点)?项目(名称)?|单位[（(]项目[）)]名称|支出项目类别.*|专项(资金)?名称|"
            r"(政策|资金)(或项目)?名称|项目名)$"
        ),
    ),
    (
        "unit",
        re.compile(r"^((二级|一级)?(预算)?单位(名称)?|实施单位(名称)?|资金使用单位|主管部门(名称)?|部门(名称)?)$"),
    ),
    ("period_amount", re.compile(r"^实施期.*(资金|金额|预算)")),
    (
        "amount",
        re.compile(r"^(项目|年度|本年)?(预算数|预算金额|预算资金|金额|资金总额|资金金额|资金|总计|合计|预算)$"),
    ),
    ("period_goal", re.compile(r"^实施期.*目标$")),
    ("goal", re.compile(r"(绩效目标|总体目标|年度目标)(\(.*\)|（.*）)?$")),
    ("overview", re.compile(r"^(项目概况|项目概述|项目简介|项目内容|主要内容|实施内容|主要用途|资金用途)$")),
    ("basis", re.compile(r"^(立项依据|政策依据|设立依据)$")),
    ("attribute", re.compile(r"^(项目属性|项目类型|项目类别)$")),
    ("period", re.compile(r"^(项目期|项目周期|实施周期|实施期限)$")),
    (
        "indicator",
        re.compile(
            r"^(绩效指标|[一二三]级(指标)?|指标值|指标名称|指标内容|(年度|实施期)指标值|指标性质|计量单位|度量单位|"
            r"权重|分值.*|评分标准|指标值类型)$"
        ),
    ),
    (
        "other",
        re.compile(
            r"^(财政拨款.*|一般公共预算.*|政府性基金.*|国有资本.*|财政专户.*|其他资金|单位资金|单位自筹|自筹资金|"
            r"上年结转.*|事业收入|其他收入|备注|说明|其中.*|小计|实施期|年度)$"
        ),
    ),
)
# Rows that repeat column numbers under the header: "** ** 1 2 3", "栏次 1 2".
_COLUMN_NUMBERS = re.compile(r"^(\*+|栏次|\d{1,2})$")
_TOTAL = re.compile(r"^(合\s*计|总\s*计|小\s*计|共\s*计|本年合计)")
_CLOSING = re.compile(r"^\s*(备\s*注|注)\s*\d*\s*[:：]")
# Lines printed between the pages of a table: page numbers, "(2026年度)", "单位：万元".
_FURNITURE = re.compile(
    r"^([-—－\s]*\d{1,4}[-—－\s]*|第\s*\d+\s*页.*|[（(]\s*\d{4}\s*年度?\s*[）)]|.{0,30}单位\s*[:：]\s*(亿元|万元|元)|表\s*\d+)$"
)
# A unit's name, as a subtotal row prints it in the name column.
_ORGANISATION = re.compile(
    r"(局|委员会|委|办公室|办|厅|中心|站|队|院|所|馆|学校|大学|医院|支队|大队|分局|本级|[（(]本级[）)]|部|处|会|台|社|集团)$"
)
# A line of prose above a table (it ends a clause) is not the table's title or caption.
_SENTENCE_END = re.compile(r"[，。；：:,;]$")
_HEADING = re.compile(r"表$|^第.+部分|^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）")
_MAX_HEADER_CELL = 24
_MIN_CELLS_FOR_UNKNOWN = 4
_MAX_UNKNOWN_CELL = 12
_MAX_PREAMBLE = 3
_MAX_TITLE = 60
_MAX_PENDING = 4  # plain lines between two rows of one list (straddling cell text, furniture)
# A list in which (nearly) every project sets a target is a target table; a row without one is still a project.
_TARGET_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class ListHeader:
    roles: dict[int, Role]
    cells: dict[int, Piece]
    n_cols: int
    money_unit: str | None
    money_unit_at: Piece | None

    def cols(self, role: Role) -> list[int]:
        return sorted(c for c, r in self.roles.items() if r == role)


@dataclass(frozen=True, slots=True)
class ListedProject:
    """One project of a row list, as cells with their spans; ``[start, end)`` covers its rows."""

    page: int
    start: int
    end: int
    name: tuple[Piece, ...]
    unit: tuple[Piece, ...]
    amount: Piece | None
    period_amount: Piece | None
    texts: dict[Role, tuple[Piece, ...]]  # goal, period_goal, overview, basis, attribute, period cells
    indicator_header: tuple[Piece, ...]
    indicator_rows: tuple[tuple[Piece, ...], ...]
    money_unit: str | None
    money_unit_at: Piece | None
    title: str | None
    preamble: tuple[Piece, ...]  # lines between the list's title and its header ("部门名称：… 单位：万元")
    target_share: float  # share of the list's rows that set a target: 1.0 for a target table

    layout: ClassVar[Literal["rows"]] = "rows"


@dataclass(frozen=True, slots=True)
class ProjectList:
    start: int
    end: int
    projects: tuple[ListedProject, ...]


@dataclass(slots=True)
class _Draft:
    page: int
    start: int
    end: int
    name: list[Piece]
    unit: list[Piece]
    own_unit: bool
    amount: Piece | None = None
    period_amount: Piece | None = None
    texts: dict[Role, list[Piece]] = field(default_factory=dict)
    indicators: list[tuple[Piece, ...]] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        return try_decimal(self.amount.text) if self.amount else None

    @property
    def sets_target(self) -> bool:
        return bool(self.texts.get("goal") or self.texts.get("period_goal") or self.indicators)


def find_project_lists(doc: Document) -> list[ProjectList]:
    """Every row list of projects with targets in ``doc``, in document order."""
    lines = doc.lines
    out: list[ProjectList] = []
    i = 0
    while i < len(lines):
        found = _header_at(lines, i)
        if found is None:
            i += 1
            continue
        header, after = found
        plist, last = _read_list(lines, i, after, header)
        if plist is not None:
            out.append(plist)
        i = max(last, i) + 1
    return out


def listed_projects(lists: list[ProjectList]) -> list[ListedProject]:
    """The projects of the lists; a project printed in two lists (a project list with a 绩效目标 column and
    the 重点项目 table) is kept once, from the list that is the target table."""
    kept: list[ListedProject] = []
    for plist in sorted(lists, key=lambda pl: -_target_share(pl)):
        # Twins are looked for in the other lists only: one list may print a name twice for one unit.
        others = list(kept)
        kept.extend(p for p in plist.projects if not any(_same_project(k, p) for k in others))
    return sorted(kept, key=lambda p: p.start)


def _target_share(plist: ProjectList) -> float:
    return plist.projects[0].target_share if plist.projects else 0.0


def _same_project(a: ListedProject, b: ListedProject) -> bool:
    if a.indicator_rows or b.indicator_rows or _key(a.name) != _key(b.name):
        return False
    unit_a, unit_b = _key(a.unit), _key(b.unit)
    return not unit_a or not unit_b or unit_a == unit_b


def _key(pieces: tuple[Piece, ...]) -> str:
    return re.sub(r"[\s（）()]", "", "".join(p.text for p in pieces))


# -- header -----------------------------------------------------------------------------------------------


def _role(text: str) -> Role | None:
    core = _MONEY_UNIT.sub("", re.sub(r"\s+", "", text))
    if not core or len(core) > _MAX_HEADER_CELL:
        return None
    return next((role for role, rx in _ROLE_WORDS if rx.search(core)), None)


def _header_at(lines: tuple[Line, ...], i: int) -> tuple[ListHeader, int] | None:
    """The list header starting at line ``i`` and the index of the first line after it (a second header
    line under the first, with sub-columns, belongs to it)."""
    line = lines[i]
    if "\t" not in line.text:
        return None
    cells = line_cells(line)
    roles = {c.col: _role(c.text) for c in cells}
    unknown = [c for c in cells if roles[c.col] is None]
    if len(cells) < 3 or any(try_decimal(c.text) is not None for c in cells) or not _few_unknown(cells, unknown):
        return None
    _one_name_column(cells, roles)
    kinds = set(roles.values())
    indicators = {re.sub(r"\s+", "", c.text) for c in cells if roles[c.col] == "indicator"}
    has_grid = any("三级" in t or "指标名称" in t for t in indicators) and any("指标值" in t for t in indicators)
    if sum(1 for r in roles.values() if r == "name") != 1 or not ({"goal", "period_goal"} & kinds or has_grid):
        return None
    typed: dict[int, Role] = {c: r or "other" for c, r in roles.items()}
    by_col = {c.col: c for c in cells}
    after = i + 1
    if after < len(lines) and "\t" in lines[after].text:
        sub = _sub_header(line_cells(lines[after]), typed)
        if sub is not None:
            typed = sub
            by_col |= {c.col: c for c in line_cells(lines[after]) if c.col not in by_col or typed[c.col] == "indicator"}
            after += 1
    unit_cell = next((c for c in cells if _MONEY_UNIT.search(c.text) and typed.get(c.col) != "goal"), None)
    unit = _MONEY_UNIT.search(unit_cell.text).group("unit") if unit_cell else None  # type: ignore[union-attr]
    header = ListHeader(typed, by_col, len(line.text.split("\t")), unit, unit_cell)
    return header, after


def _one_name_column(cells: list[Piece], roles: dict[int, Role | None]) -> None:
    """一级项目名称 | 二级项目名称: each row is a 二级 project; the 一级 column only groups them."""
    names = [c for c in cells if roles[c.col] == "name"]
    finer = [c for c in names if "二级" in c.text]
    if len(names) == 2 and len(finer) == 1:
        for c in names:
            if c is not finer[0]:
                roles[c.col] = "other"


def _few_unknown(cells: list[Piece], unknown: list[Piece]) -> bool:
    """Every header cell is a column word, but for one short one in a wide header (a column this reader does
    not know: 资金来源, 责任处室, …)."""
    if not unknown:
        return True
    return len(unknown) == 1 and len(cells) >= _MIN_CELLS_FOR_UNKNOWN and len(unknown[0].text) <= _MAX_UNKNOWN_CELL


def _sub_header(cells: list[Piece], roles: dict[int, Role]) -> dict[int, Role] | None:
    """Roles completed by a second header line (实施期 | 年度 under 资金; 一级指标 … under 绩效指标), or None
    when the line is not one."""
    if not cells or any(try_decimal(c.text) is not None for c in cells):
        return None
    sub_roles = {c.col: _role(c.text) for c in cells}
    if None in sub_roles.values():
        return None
    out = dict(roles)
    for cell in cells:
        parent = _parent_role(roles, cell.col)
        own = sub_roles[cell.col]
        if own == "indicator":
            out[cell.col] = "indicator"
        elif "实施期" in cell.text and parent in ("amount", "goal"):
            out[cell.col] = "period_amount" if parent == "amount" else "period_goal"
        elif cell.col not in roles and parent is not None:
            out[cell.col] = parent if own in (None, "other") and "年度" in cell.text else own or "other"
    return out


def _parent_role(roles: dict[int, Role], col: int) -> Role | None:
    """The role of the header cell above ``col``: its own, or that of the merged cell to its left."""
    left = [c for c in roles if c <= col]
    return roles[max(left)] if left else None


# -- rows -------------------------------------------------------------------------------------------------


def _read_list(lines: tuple[Line, ...], first: int, body: int, header: ListHeader) -> tuple[ProjectList | None, int]:
    title, preamble = _preamble(lines, first)
    seen_plain = {p.text for p in preamble} | ({title} if title else set())
    rows = _Rows(header)
    pending: list[Line] = []  # plain lines after the last row: furniture, a cell cut by a page break, or prose
    last = body - 1
    for j in range(body, len(lines)):
        line = lines[j]
        text = line.text.strip()
        if "\t" not in line.text:
            if not text or _FURNITURE.match(text) or text in seen_plain:
                continue
            if _CLOSING.match(text) or len(pending) >= _MAX_PENDING:
                break
            pending.append(line)
            continue
        cells = line_cells(line)
        if _is_repeated_header(cells, header) or all(_COLUMN_NUMBERS.match(c.text) for c in cells):
            pending.clear()
            last = j
            continue
        if _header_at(lines, j) is not None or len(line.text.split("\t")) > header.n_cols:
            break
        if pending and not rows.take_cut_text(pending):
            break
        pending.clear()
        rows.add(line, cells)
        last = j
    drafts = rows.close()
    projects = _projects(drafts, header, title, preamble)
    if not projects:
        return None, last
    return ProjectList(lines[first].start, lines[last].end, projects), last


class _Rows:
    """Rows to projects: which row starts a project, which continues it, which is a total or a subtotal."""

    def __init__(self, header: ListHeader) -> None:
        self.header = header
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.unit_above: list[Piece] = []
        self.previous: Line | None = None

    def add(self, line: Line, cells: list[Piece]) -> None:
        row = _cells_by_role(cells, self.header)
        current = self.current
        if _is_total(row) or ("name" not in row and "amount" in row):
            # 合计, or a row with an amount and no name: a total, or a unit subtotal in its own column
            self._finish()
            self.unit_above = [row["unit"]] if "unit" in row and not _is_total(row) else self.unit_above
        elif "name" in row and not self._continues(row, line):
            self._finish()
            own = "unit" in row
            self.unit_above = [row["unit"]] if own else self.unit_above
            self.current = _Draft(line.page, line.start, line.end, [row["name"]], list(self.unit_above), own)
            _fill(self.current, row, cells, self.header)
        elif current is not None:
            if "name" in row and not _repeats(current, row):
                current.name.append(row["name"])  # a name cut by a page break
            if "unit" in row and current.own_unit and not _repeats(current, row):
                current.unit.append(row["unit"])  # a unit name cut by a page break
            _fill(current, row, cells, self.header)
            current.end = line.end
        self.previous = line

    def take_cut_text(self, pending: list[Line]) -> bool:
        """Plain lines between two rows: the text of a goal cell cut out by a page break (True), or the end of
        the list (a heading or title: False)."""
        if self.current is None or any(_is_heading(p.text.strip()) for p in pending):
            return False
        self.current.texts.setdefault("goal", []).extend(line_piece(p) for p in pending)
        return True

    def close(self) -> list[_Draft]:
        self._finish()
        return self.drafts

    def _finish(self) -> None:
        if self.current is not None:
            self.drafts.append(self.current)
        self.current = None

    def _continues(self, row: dict[str, Piece], line: Line) -> bool:
        """A row with a name that still belongs to the current project: its cells redrawn at the top of a
        page (indicator rows below them), or the end of its name cut by the page break (no amount, no 序号)."""
        current, previous = self.current, self.previous
        if current is None or previous is None:
            return False
        if self.header.cols("indicator") and _repeats(current, row):
            return True
        new_page = line.page != previous.page or line.table != previous.table
        return new_page and "amount" not in row and "seq" not in row and bool(self.header.cols("amount"))


def _repeats(draft: _Draft, row: dict[str, Piece]) -> bool:
    """The row prints the draft's own name, unit and amount again."""
    same_name = "".join(p.text for p in draft.name) == row["name"].text if "name" in row else False
    same_unit = "unit" not in row or "".join(p.text for p in draft.unit) == row["unit"].text
    same_amount = "amount" not in row or (draft.amount is not None and draft.amount.text == row["amount"].text)
    return same_name and same_unit and same_amount


def _preamble(lines: tuple[Line, ...], header: int) -> tuple[str | None, tuple[Piece, ...]]:
    """The list's title and the short lines between it and the header."""
    above: list[Piece] = []
    for k in range(header - 1, max(header - 1 - _MAX_PREAMBLE - 1, -1), -1):
        text = lines[k].text.strip()
        if "\t" in lines[k].text or not text or len(text) > _MAX_TITLE or _SENTENCE_END.search(text):
            break
        if _FURNITURE.match(text) and not re.search(r"单位\s*[:：]", text):
            continue
        above.insert(0, line_piece(lines[k]))
    title = next((p.text for p in reversed(above) if re.search(r"表$|情况|绩效", p.text)), None)
    return title, tuple(p for p in above if p.text != title)


def _is_heading(text: str) -> bool:
    return len(text) <= _MAX_TITLE and bool(_HEADING.search(text))


def _is_repeated_header(cells: list[Piece], header: ListHeader) -> bool:
    texts = {c.col: re.sub(r"\s+", "", c.text) for c in cells}
    printed = {c: re.sub(r"\s+", "", p.text) for c, p in header.cells.items()}
    return bool(texts) and all(printed.get(c) == t for c, t in texts.items())


def _cells_by_role(cells: list[Piece], header: ListHeader) -> dict[str, Piece]:
    """The first cell of each role (an indicator cell is read with the row's other indicator cells)."""
    out: dict[str, Piece] = {}
    for cell in cells:
        role = header.roles.get(cell.col)
        if role is not None and role != "indicator" and role not in out:
            out[role] = cell
    return out


def _is_total(row: dict[str, Piece]) -> bool:
    label = row.get("name") or row.get("unit") or row.get("seq")
    return label is not None and bool(_TOTAL.match(label.text))


def _fill(draft: _Draft, row: dict[str, Piece], cells: list[Piece], header: ListHeader) -> None:
    if "amount" in row and draft.amount is None:
        draft.amount = row["amount"]
    if "period_amount" in row and draft.period_amount is None:
        draft.period_amount = row["period_amount"]
    for role in TEXT_ROLES:
        pieces = draft.texts.setdefault(role, [])
        if role in row and row[role].text not in {p.text for p in pieces}:
            pieces.append(row[role])  # a cell redrawn on a new page is not read twice
    grid = tuple(c for c in cells if header.roles.get(c.col) == "indicator")
    if grid:
        draft.indicators.append(grid)


def _projects(
    drafts: list[_Draft], header: ListHeader, title: str | None, preamble: tuple[Piece, ...]
) -> tuple[ListedProject, ...]:
    drafts = _units_from_subtotals(drafts)
    with_target = sum(1 for d in drafts if d.sets_target)
    share = with_target / len(drafts) if drafts else 0.0
    indicator_header = tuple(header.cells[c] for c in header.cols("indicator") if c in header.cells)
    out: list[ListedProject] = []
    for d in drafts:
        if not d.sets_target and share < _TARGET_SHARE:
            continue  # a row of a project list that sets no target
        out.append(
            ListedProject(
                page=d.page,
                start=d.start,
                end=d.end,
                name=tuple(d.name),
                unit=tuple(d.unit),
                amount=d.amount,
                period_amount=d.period_amount,
                texts={role: tuple(pieces) for role, pieces in d.texts.items() if pieces},
                indicator_header=indicator_header,
                indicator_rows=tuple(d.indicators),
                money_unit=header.money_unit,
                money_unit_at=header.money_unit_at,
                title=title,
                preamble=preamble,
                target_share=share,
            )
        )
    return tuple(out)


def _units_from_subtotals(drafts: list[_Draft]) -> list[_Draft]:
    """Subtotal rows printed in the name column, removed; their name becomes the unit of the rows under them.

    A subtotal sets no target and either the following rows add up exactly to its amount or it names a unit
    (…局, …中心). Its rows are those the sum covers, else all rows up to the next subtotal.
    """
    out: list[_Draft] = []
    unit: list[Piece] = []
    until = -1
    for i, d in enumerate(drafts):
        covered = _covered(drafts, i)
        organisation = bool(_ORGANISATION.search("".join(p.text for p in d.name)))
        if (covered is not None or organisation) and not d.sets_target:
            unit, until = list(d.name), covered if covered is not None else len(drafts)
            continue
        if i > until:
            unit = []
        if unit and not d.own_unit:
            d = replace(d, unit=list(unit))
        out.append(d)
    return out


def _covered(drafts: list[_Draft], i: int) -> int | None:
    """The index of the last row whose amounts, from row i + 1 on, add up exactly to row i's amount."""
    total = drafts[i].value
    if total is None or total <= 0:
        return None
    running = Decimal(0)
    for j in range(i + 1, len(drafts)):
        value = drafts[j].value
        if value is None:
            return None
        running += value
        if running == total:
            return j
        if running > total:
            return None
    return None
