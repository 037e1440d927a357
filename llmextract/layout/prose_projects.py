"""Projects explained in prose: labelled sections per project, named paragraphs, transfer-payment items.

Labelled sections: a project's heading ("1.学前免费政策市级财政补助", "科技创新专项经费情况说明") or a 项目名称:
line, then sections opened by labels — 项目概述/项目概况, 立项依据/政策依据, 实施主体, 实施方案, 实施周期,
（年度）预算安排, 绩效目标, 项目绩效目标表 — numbered "（1）", "1.", "一、" or followed by a colon. A label that
repeats starts the next project. A project needs a budget or goal section and one that describes it.

Named paragraphs: under a 重点支出和重大投资项目 / 重点项目 heading, a paragraph "<name>：…" that states an
amount it budgets ("本项目计划安排年初预算 21384.60 万元") is one project, its text the overview.

Transfer payments: under a "…转移支付项目绩效目标情况说明" heading, each item "…已安排<X资金> N 万元，主要用于…"
is one project: the fund, its amount, its purpose (the goal) and the 根据… it cites.

Sections end at the next label, the next project's heading, a heading of a higher level, a title, or a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from llmextract.core.document import Document, Line
from llmextract.core.furniture import PAGE_NUMBER
from llmextract.layout.pieces import Passage, Piece, line_piece

Section = str  # name, overview, basis, necessity, unit, plan, period, budget, goal, goal_table

_LABELS: tuple[tuple[Section, str], ...] = (
    ("name", r"项目名称"),
    ("overview", r"项目概述|项目概况|项目简介|项目基本情况"),
    ("basis", r"立项依据|政策依据|设立依据|项目依据"),
    ("necessity", r"项目设立必要性|立项必要性|必要性"),
    ("unit", r"实施主体|实施单位"),
    ("plan", r"实施方案|项目实施计划|实施计划"),
    ("period", r"实施周期|项目周期|实施期限"),
    ("budget", r"年度预算安排|预算安排|资金安排|年度资金安排"),
    ("goal_table", r"项目绩效目标表|绩效目标表"),
    ("goal", r"年度绩效目标|项目绩效目标|绩效目标"),
)
_ENUM = r"(?:（\s*\d{1,2}\s*）|\(\s*\d{1,2}\s*\)|\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*[、.．])"
_LABEL_LINE = re.compile(
    rf"^\s*(?P<enum>{_ENUM})?\s*(?P<label>{'|'.join(f'(?:{rx})' for _, rx in _LABELS)})\s*(?P<sep>[:：]|$)"
)
# Enumerator styles of headings, from the lowest level up: a body stops at a heading of its project's style or
# of a higher one.
_STYLES = (
    re.compile(r"^\s*（\s*\d{1,2}\s*）"),
    re.compile(r"^\s*\d{1,2}\s*[.．](?!\d)"),
    re.compile(r"^\s*\d{1,2}\s*、"),
    re.compile(r"^\s*（\s*[一二三四五六七八九十]{1,3}\s*）"),
    re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*、"),
    re.compile(r"^\s*第[一二三四五六七八九十]+部分"),
)
_HIGH_HEADING = re.compile(
    r"^\s*(（\s*[一二三四五六七八九十]{1,3}\s*）|[一二三四五六七八九十]{1,3}\s*、|第[一二三四五六七八九十]+部分)"
)
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.．、](?!\d)")
_OWN_TITLE = re.compile(r"^.{2,40}(情况说明|情况|项目|经费|资金)$")
_TITLE = re.compile(r"^.{2,40}(说明|表)$")
_POINTER = re.compile(r"^(详见|具体见|见)")  # "详见单位的项目绩效目标表": a section's text, not a title
_SENTENCE_END = re.compile(r"[。；;！!？?]$")
_MAX_NAME_LINES = 3
_MAX_GAP = 120  # lines between two labels of one project (a long 实施方案 runs over pages)
_DESCRIBING = frozenset({"overview", "basis", "plan", "unit", "period", "necessity"})
_STATING = frozenset({"budget", "goal", "goal_table"})

_NAME_PREFIX = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*")
_NAME_SUFFIX = re.compile(r"(情况说明|情况)$")
# "报全国人大审议的一级项目—信息化运行维护项目": the class of project before the dash, its name after it.
_CLASS_DASH = re.compile(r"项目\s*(—{1,2}|－|-)\s*")

_KEY_PROJECTS = re.compile(r"重点支出|重大投资项目|重点项目")
_NAMED = re.compile(r"^(?P<name>[^，。；：:,;、\s]{3,30})[：:]")
_BUDGETED = re.compile(r"(预算|安排)[^。；]{0,12}?(?P<amount>\d[\d,]*(?:\.\d+)?\s*(亿元|万元|元))")

_TRANSFER_HEADING = re.compile(r"转移支付")
_TRANSFER_ITEM = re.compile(
    r"(?:已)?安排(?P<name>[^，。；,;]{2,60}?资金)\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)"
)
_PURPOSE = re.compile(r"(?:主要)?用于(?P<goal>[^。]+)")
_BASIS = re.compile(r"根据(?P<basis>.+?)[，,]\s*(?:已)?安排")
_ITEM_START = re.compile(r"^\s*\d{1,2}\s*[.．、]")


@dataclass(frozen=True, slots=True)
class ProseProject:
    """One project explained in prose: its heading (name) and its sections as passages; ``[start, end)``
    covers all of it."""

    page: int
    start: int
    end: int
    heading: Passage | None
    sections: dict[Section, Passage]
    title: str | None = None
    points_to_table: bool = False  # its goals are in a target table ("（7）项目绩效目标表", "详见…绩效目标表")

    layout: ClassVar[Literal["prose"]] = "prose"

    @property
    def name(self) -> Piece | None:
        """The project's name: its 项目名称 section, or its heading without numbering and "情况说明"."""
        named = self.sections.get("name")
        if named is not None:
            return named.piece()
        if self.heading is None:
            return None
        text = self.heading.text
        a = m.end() if (m := _NAME_PREFIX.match(text)) else 0
        b = m.start() if (m := _NAME_SUFFIX.search(text)) else len(text)
        dash = _CLASS_DASH.search(text, a, b)
        return self.heading.piece(dash.end() if dash else a, b)


@dataclass(frozen=True, slots=True)
class _Label:
    index: int
    section: Section
    enum: str | None
    rest: Piece | None  # text after the label on its own line


def find_prose_projects(doc: Document) -> list[ProseProject]:
    """Projects explained in labelled prose sections, in "<name>：…" paragraphs under a 重点支出 heading,
    and transfer-payment items, in document order."""
    labelled = _labelled_projects(doc.lines)
    taken = [(p.start, p.end) for p in labelled]
    named = [p for p in _named_paragraphs(doc.lines) if not any(a < p.end and p.start < b for a, b in taken)]
    return sorted(labelled + named + _transfer_items(doc.lines), key=lambda p: p.start)


# -- labelled sections ------------------------------------------------------------------------------------


def _labels(lines: tuple[Line, ...]) -> list[_Label]:
    out: list[_Label] = []
    for i, line in enumerate(lines):
        if line.table is not None or "\t" in line.text:
            continue
        m = _LABEL_LINE.match(line.text)
        if m is None or (m.group("enum") is None and not m.group("sep")):
            continue
        section = next(s for s, rx in _LABELS if re.fullmatch(rx, m.group("label")))
        rest_start = m.end()
        rest = line.text[rest_start:]
        piece = Piece(rest.strip(), line.start + rest_start + len(rest) - len(rest.lstrip()), line.end)
        out.append(_Label(i, section, m.group("enum"), piece if piece.text else None))
    return out


def _groups(labels: list[_Label]) -> list[list[_Label]]:
    """Labels grouped by project: a repeated section, a 项目名称 label or a long gap starts a new group."""
    groups: list[list[_Label]] = []
    for label in labels:
        current = groups[-1] if groups else None
        if (
            current is None
            or label.section in {lb.section for lb in current}
            or label.section == "name"
            or label.index - current[-1].index > _MAX_GAP
            or _other_level(label, current[0])
        ):
            groups.append([label])
        else:
            current.append(label)
    return [g for g in groups if _is_project(g)]


def _other_level(label: _Label, first: _Label) -> bool:
    """Numbered in another style than the project's first label ("一、" after "（1）"): another level of
    heading. An unnumbered "政策依据：" after "1.项目名称：" is the same project's."""
    return label.enum is not None and first.enum is not None and _style(label.enum) != _style(first.enum)


def _is_project(group: list[_Label]) -> bool:
    sections = {lb.section for lb in group}
    return bool(sections & _STATING) and bool(sections & (_DESCRIBING | {"name"})) and len(sections) >= 2


def _style(enum: str | None) -> int | None:
    if enum is None:
        return None
    return next((k for k, rx in enumerate(_STYLES) if rx.match(enum)), None)


def _labelled_projects(lines: tuple[Line, ...]) -> list[ProseProject]:
    groups = _groups(_labels(lines))
    headings = [_heading_lines(lines, g[0].index, _floor(groups[k - 1]) if k else -1) for k, g in enumerate(groups)]
    out: list[ProseProject] = []
    for k, group in enumerate(groups):
        heading = headings[k]
        limit = headings[k + 1][0] if k + 1 < len(groups) and headings[k + 1] else None
        limit = limit if limit is not None else (groups[k + 1][0].index if k + 1 < len(groups) else len(lines))
        style = _heading_style(lines, heading)
        sections: dict[Section, Passage] = {}
        last = group[-1].index
        for n, label in enumerate(group):
            stop = group[n + 1].index if n + 1 < len(group) else limit
            body, end = _body(lines, label, stop, style)
            last = max(last, end)
            if body.text and label.section != "goal_table":
                sections[label.section] = body
        if "name" not in sections and not heading:
            continue
        first = heading[0] if heading else group[0].index
        out.append(
            ProseProject(
                page=lines[first].page,
                start=lines[first].start,
                end=lines[last].end,
                heading=Passage.of([line_piece(lines[i]) for i in heading]) if heading else None,
                sections=sections,
                points_to_table=_points_to_table(group, sections),
            )
        )
    return out


def _points_to_table(group: list[_Label], sections: dict[Section, Passage]) -> bool:
    goal = sections.get("goal")
    return any(lb.section == "goal_table" for lb in group) or (goal is not None and "绩效目标表" in goal.text)


def _floor(previous: list[_Label]) -> int:
    """The last line that surely belongs to the previous project: its last label's line, or the line after
    it when the label stands alone (its text starts on the next line)."""
    last = previous[-1]
    return last.index if last.rest else last.index + 1


def _heading_lines(lines: tuple[Line, ...], first_label: int, floor: int) -> list[int]:
    """The project's heading just above its first label: a numbered line ("1.…", wrapped over up to three
    lines), or a title of its own ("…经费情况说明")."""
    picked: list[int] = []
    i = first_label - 1
    while i > floor and len(picked) < _MAX_NAME_LINES:
        text = lines[i].text.strip()
        if not text or PAGE_NUMBER.match(text):
            i -= 1
            continue
        if "\t" in lines[i].text or _SENTENCE_END.search(text) or _LABEL_LINE.match(text) or _HIGH_HEADING.match(text):
            break  # prose, a table, or the heading of the section that holds the projects
        picked.insert(0, i)
        if _NUMBERED.match(text):
            return picked
        i -= 1
    joined = "".join(lines[k].text.strip() for k in picked)
    return picked if _OWN_TITLE.match(joined) else []


def _heading_style(lines: tuple[Line, ...], heading: list[int]) -> int | None:
    if not heading:
        return None
    text = lines[heading[0]].text
    return next((k for k, rx in enumerate(_STYLES) if rx.match(text)), None)


def _body(lines: tuple[Line, ...], label: _Label, stop: int, style: int | None) -> tuple[Passage, int]:
    """The section's text: the rest of the label line and the lines after it, up to ``stop`` or the first
    heading, title or table; and the index of its last line."""
    pieces = [label.rest] if label.rest else []
    last = label.index
    for i in range(label.index + 1, stop):
        text = lines[i].text.strip()
        if not text or PAGE_NUMBER.match(text):
            continue
        if "\t" in lines[i].text or _ends_body(text, style):
            break
        pieces.append(line_piece(lines[i]))
        last = i
    return Passage.of(pieces), last


def _ends_body(text: str, style: int | None) -> bool:
    if _TITLE.match(text) and not _SENTENCE_END.search(text) and not _POINTER.match(text):
        return True
    level = next((k for k, rx in enumerate(_STYLES) if rx.match(text)), None)
    if level is None:
        return False
    if style is None:
        return level >= 3  # (四) / 四、 / 第四部分 headings close any section
    return level >= style


# -- "<name>：…" paragraphs under a 重点支出 heading ---------------------------------------------------------


def _named_paragraphs(lines: tuple[Line, ...]) -> list[ProseProject]:
    """Under a 重点支出和重大投资项目 / 重点项目 heading, each paragraph "<project name>：<what it does, its
    budget>" that states an amount is one project: the text after the colon is its overview."""
    out: list[ProseProject] = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not (_HIGH_HEADING.match(text) and _KEY_PROJECTS.search(text) and "\t" not in line.text):
            continue
        paragraph: list[int] = []
        for j in range(i + 1, len(lines)):
            body = lines[j].text.strip()
            if "\t" in lines[j].text or _HIGH_HEADING.match(body) or _NUMBERED.match(body):
                break
            if not body or PAGE_NUMBER.match(body):
                continue
            if _NAMED.match(body):
                out.extend(_named(lines, paragraph))
                paragraph = []
            paragraph.append(j)
        out.extend(_named(lines, paragraph))
    return out


def _named(lines: tuple[Line, ...], paragraph: list[int]) -> list[ProseProject]:
    if not paragraph:
        return []
    passage = Passage.of([line_piece(lines[k]) for k in paragraph])
    m = _NAMED.match(passage.text)
    amount = _BUDGETED.search(passage.text)
    if m is None or amount is None or _LABEL_LINE.match(passage.text):
        return []
    sections = {
        "name": passage.slice(*m.span("name")),
        "overview": passage.slice(m.end(), len(passage.text)),
        "budget": passage.slice(*amount.span("amount")),
    }
    first, last = lines[paragraph[0]], lines[paragraph[-1]]
    return [ProseProject(page=first.page, start=first.start, end=last.end, heading=None, sections=sections)]


# -- transfer payments ------------------------------------------------------------------------------------


def _transfer_items(lines: tuple[Line, ...]) -> list[ProseProject]:
    out: list[ProseProject] = []
    i = 0
    while i < len(lines):
        text = lines[i].text.strip()
        if not (_HIGH_HEADING.match(text) and _TRANSFER_HEADING.search(text) and "\t" not in lines[i].text):
            i += 1
            continue
        heading = [i]
        if i + 1 < len(lines) and not _SENTENCE_END.search(text) and len(lines[i + 1].text.strip()) <= 8:
            heading.append(i + 1)  # "…绩效目标情" / "况说明"
        title = "".join(lines[k].text.strip() for k in heading)
        j = heading[-1] + 1
        items: list[list[int]] = []
        while j < len(lines):
            body = lines[j].text.strip()
            if "\t" in lines[j].text or _HIGH_HEADING.match(body) or (_TITLE.match(body) and not items):
                break
            if body and not PAGE_NUMBER.match(body):
                if _ITEM_START.match(body) or not items:
                    items.append([])
                items[-1].append(j)
            j += 1
        for item in items:
            project = _transfer(lines, item, title)
            if project is not None:
                out.append(project)
        i = j
    return out


def _transfer(lines: tuple[Line, ...], item: list[int], title: str) -> ProseProject | None:
    passage = Passage.of([line_piece(lines[k]) for k in item])
    m = _TRANSFER_ITEM.search(passage.text)
    if m is None:
        return None
    sections: dict[Section, Passage] = {}
    for section, (a, b) in (
        ("name", m.span("name")),
        ("budget", (m.start("amount"), m.end("unit"))),
    ):
        sections[section] = _sub(passage, a, b)
    purpose = _PURPOSE.search(passage.text, m.end())
    if purpose:
        sections["goal"] = _sub(passage, *purpose.span("goal"))
    basis = _BASIS.search(passage.text, 0, m.end())
    if basis:
        sections["basis"] = _sub(passage, *basis.span("basis"))
    return ProseProject(
        page=lines[item[0]].page,
        start=lines[item[0]].start,
        end=lines[item[-1]].end,
        heading=None,
        sections=sections,
        title=title,
    )


def _sub(passage: Passage, a: int, b: int) -> Passage:
    return passage.slice(a, b)
