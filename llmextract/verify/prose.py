"""Prose claims: every amount, share, change, completion rate, count and component list stated in the text.

Prose is read paragraph by paragraph (:mod:`llmextract.verify.paragraphs` joins the lines of one paragraph,
so a number split by the export is joined back, never reported). A sentence is read clause by clause (，；、): a
clause that states an amount opens a claim; the share (占x%), change (比上年增长x万元，增长y%, 持平) and
completion rate (完成年初预算的x%) clauses after it belong to it; after a clause ending in 其中/包括/主要用于 (or
starting with it, before its first item) the amounts are the components of the claim before.

The reader says how sure it is (``NarrativeClaim.doubts``): a figure with no subject before it, inside a
parenthesis, of another year, or whose subject is a bare 预算数 under no heading; a change or share clause
that opens with other words; a list item without a subject. The verifier claims no error on a
relation the reader doubts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from llmextract.core.catalogue import PROSE_PARSE_FAILED
from llmextract.core.claims import Direction, Doubt, DoubtAbout, NarrativeClaim, Scope
from llmextract.core.document import Document
from llmextract.core.failures import FailureLog
from llmextract.core.numbers import half_width, try_decimal
from llmextract.verify.paragraphs import Paragraph, paragraphs

_MONEY = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)")
_PCT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*%")
_COUNT = re.compile(r"(?P<num>\d+)\s*个")
_UP, _DOWN = ("增长", "增加", "上升", "提高"), ("减少", "下降", "降低", "减小")
_CHANGE_AMOUNT = re.compile(
    r"(比|较|与|同比)[^，]*?(?P<dir>增长|增加|上升|提高|减少|下降|降低|减小)\s*" + _MONEY.pattern
)
_CHANGE_PCT = re.compile(r"(?P<dir>增长|增加|上升|提高|减少|下降|降低|减小|增幅|降幅|减幅)(了|为)?\s*" + _PCT.pattern)
# 持平 is a change only as a comparison ("与上年预算数持平"), not in a reason ("总量不变，结构调整").
_FLAT = re.compile(r"^(与|比|较|同)[^，]*?(持平|相同|无变化|不变|一致)|^(基本)?(持平|相同|无变化|不变)$")
_SHARE = re.compile(r"占(?P<base>[^，。；%]*?)(?P<num>\d+(?:\.\d+)?)\s*%")
_COMPLETION = re.compile(r"完成(?P<base>[^，。；%]*?(预算|计划))的?\s*(?P<num>\d+(?:\.\d+)?)\s*%")
# A list starts at a clause that ends with its word (…，其中：A…) or opens with it before its first item
# (包括A 5万元、B 3万元). "主要用于开展…工作" is a purpose, not a list.
_LIST_TAIL = re.compile(r"(其中|包括|主要用于|分别为|分别是|具体为|以下方面|如下)$")
_LIST_LEAD = re.compile(r"^(其中|主要包括|具体包括|包括|主要用于|分别为|分别是|具体为)")
_EXHAUSTIVE = re.compile(r"^其中|分别为|分别是|具体为")
_REASON = re.compile(r"原因")
_TOTAL_WORDS = ("总计", "合计", "总额", "总预算")
# A comma splits clauses unless it is a thousands separator (a digit before, exactly three digits after).
_CLAUSE_SPLIT = re.compile(r"(?<!\d)[，,]|[，,](?!\d{3}(?:\D|$))|[；;：:]")
_SENTENCE_END = "。！？"
_SUBJECT_NOISE = re.compile(r"^(其中|主要包括|具体包括|主要用于|包括|分别为|以及|及|和|其余|另外)[:：]?")
_YEAR = re.compile(r"^(?P<year>\d{4})\s*年度?")
_ANY_YEAR = re.compile(r"(?P<year>20\d{2})\s*年")
# A subject that names nothing ("2026年预算数1026.36万元" under the heading "（一）因公出国（境）费用。").
_GENERIC = re.compile(r"^(安排)?(预算数|预算|金额|资金|预算金额|预算安排)?(为|是|共)?$")
_THRESHOLD = re.compile(r"\s*(\((含|原值)\))?\s*(以上|以下|及以上|及以下)")
_BROKEN_START = re.compile(r"^(万元|亿元|元|%|[、，。；：）)])")
_SCOPES: tuple[Scope, ...] = ("财政拨款", "一般公共预算", "政府性基金", "国有资本经营")
_LEVELS = (
    re.compile(r"^第[一二三四五六七八九十]+部分"),
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^(\d+[、.．](?!\d)|[（(]\d+[）)])"),
)
_HEADING_END = re.compile(r"[。：:]")
_HEADING_TAIL = re.compile(r"(预算)?(情况说明|说明|情况)$")
_MAX_HEADING = 40
_SHORT_LEAD = 2  # chars before 比/较/增长/占 that are still the same clause ("本年比上年…")


@dataclass
class _Draft:
    subject: str
    start: int
    end: int
    amount: Decimal | None = None
    unit: str | None = None
    share_pct: Decimal | None = None
    change_amount: Decimal | None = None
    change_pct: Decimal | None = None
    direction: Direction | None = None
    completion_pct: Decimal | None = None
    count: int | None = None
    partial: bool = False
    is_component: bool = False
    year: str | None = None
    scope: Scope | None = None
    groups: list[list[_Draft]] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)

    def doubt(self, about: DoubtAbout, reason: str) -> None:
        if not any(d.about == about and d.reason == reason for d in self.doubts):
            self.doubts.append(Doubt(about=about, reason=reason))


@dataclass
class _Headings:
    """The section headings above the current paragraph, one per level (第X部分, 一、, （一）, 1.)."""

    levels: list[str | None] = field(default_factory=lambda: [None] * len(_LEVELS))
    just_seen: bool = False  # the paragraph before this one was a heading

    def enter(self, text: str) -> bool:
        level = _level(text)
        if level is None:
            return False
        self.levels[level] = text
        self.levels[level + 1 :] = [None] * (len(_LEVELS) - level - 1)
        return True

    @property
    def innermost(self) -> str | None:
        return next((h for h in reversed(self.levels) if h), None)

    @property
    def scope(self) -> Scope | None:
        return next((s for h in reversed(self.levels) if h for s in [_scope(h)] if s), None)


def claims(doc: Document, failures: FailureLog | None = None) -> list[NarrativeClaim]:
    """Every claim in the prose of ``doc``, in document order (components nested under their total). With
    ``failures``, a paragraph the parser trips over becomes a ``prose.parse-failed`` finding there and the
    other paragraphs are read."""
    paras = paragraphs(doc)
    years = Counter(m.group("year") for p in paras for m in _ANY_YEAR.finditer(half_width(p.text)))
    budget_year = years.most_common(1)[0][0] if years else None
    headings = _Headings()
    out: list[NarrativeClaim] = []
    for para in paras:
        heading = _heading_of(para.text)
        if not (_MONEY.search(para.text) or _PCT.search(para.text) or _COUNT.search(para.text)):
            if heading is not None:
                headings.enter(heading)
            headings.just_seen = heading is not None
            continue
        topic = headings.innermost if headings.just_seen else None
        if heading is not None:
            headings.enter(heading)
            topic = heading
        context = _Context(headings.scope, _topic(topic), budget_year)
        headings.just_seen = False
        if failures is None:
            out.extend(_to_claim(doc, para, d) for d in _paragraph_claims(para.text, context))
            continue
        with failures.guard(
            PROSE_PARSE_FAILED,
            "reading the figures of a paragraph",
            para.span(0, len(para.text)) if para.text else None,
        ):
            out.extend([_to_claim(doc, para, d) for d in _paragraph_claims(para.text, context)])
    return out


@dataclass(slots=True)
class _Context:
    scope: Scope | None  # of the section the paragraph is in
    topic: str | None  # the last heading above a figure (before or inside the paragraph), for figures that name
    # nothing ("其中：（一）因公出国（境）费用。2026年预算数1026.36万元")
    budget_year: str | None  # the year the document is about (the one its prose names most)


def _level(text: str) -> int | None:
    return next((i for i, pattern in enumerate(_LEVELS) if pattern.match(text)), None)


def _heading_of(text: str) -> str | None:
    """The heading a paragraph is or opens with: a numbered title up to its first 。/：, without a figure."""
    if _level(text) is None:
        return None
    end = _HEADING_END.search(text)
    head = text[: end.start()] if end else text
    if len(head) > _MAX_HEADING or _MONEY.search(head) or _PCT.search(head):
        return None
    return head.strip()


def _topic(heading: str | None) -> str | None:
    if heading is None:
        return None
    for pattern in _LEVELS:
        heading = pattern.sub("", heading)
    topic = _HEADING_TAIL.sub("", half_width(heading).strip(" 。：:"))
    return topic or None


def _scope(text: str) -> Scope | None:
    return next((s for s in _SCOPES if s in text), None)


def _paragraph_claims(text: str, context: _Context) -> list[_Draft]:
    drafts: list[_Draft] = []
    start, depth = 0, 0
    for i, ch in enumerate(text + "。"):
        depth = max(depth + (ch in "（(") - (ch in "）)"), 0)
        if ch in _SENTENCE_END and (depth == 0 or i == len(text)):
            # "…0万元（公务用车购置费0万元，…；公务用车运行维护费0万元。）比上年…": no sentence ends inside brackets.
            _sentence(text, start, i, drafts, context)
            start, depth = i + 1, 0
    top = [d for d in drafts if not d.is_component]
    lead_scope = next((d.scope for d in top[:1]), None)
    for draft in top:
        _settle(draft, context, lead_scope, None)
    return top


def _settle(draft: _Draft, context: _Context, lead_scope: Scope | None, parent: _Draft | None) -> None:
    """Scope and doubts that depend on the whole paragraph: a list item takes its total's scope, any figure
    its paragraph's first figure's or its section's."""
    draft.scope = draft.scope or (parent.scope if parent else None) or lead_scope or context.scope
    if context.budget_year and draft.year and draft.year != context.budget_year:
        draft.doubt("subject", f"a figure of {draft.year}, not of the budget year {context.budget_year}")
    for group in draft.groups:
        for part in group:
            _settle(part, context, lead_scope, draft)
            if not part.subject or any(d.about == "figure" for d in part.doubts):
                draft.doubt("components", "a listed part has no subject: the list may be broken")


def _sentence(text: str, start: int, end: int, drafts: list[_Draft], context: _Context) -> None:
    # A sentence may go on about the previous one's figure ("…支出决算462.77万元。较上年决算减少288.24万元").
    current: _Draft | None = drafts[-1] if drafts else None
    parent: _Draft | None = None
    # "…履职工作经费4,754.51万元，其中结转结余390.00万元，用于…；…": a part noted inside one item of a list is
    # that item's; the list it interrupts resumes at the next ；.
    resume: _Draft | None = None
    in_reason = False
    group: list[_Draft] = []  # claims since the last ；: only these can head a list that starts now
    for clause_start, clause_end, separator in _clauses(text, start, end):
        clause = half_width(text[clause_start:clause_end]).strip()
        if separator in "；;":
            group = []
            if resume is not None:
                parent, resume = resume, None
        if separator in "；;" and _MONEY.search(clause):
            in_reason = False  # a reason (主要原因是…) runs on until the next figure
        if not clause:
            continue
        money = _MONEY.search(clause)
        if not money and _level(clause) is not None and len(clause) <= _MAX_HEADING:
            context.topic = _topic(clause)
        if (_LIST_TAIL.search(clause) and not money) or (money and _LIST_LEAD.match(clause)):
            if money and group and group[-1].is_component:
                resume = parent
            parent = _open_list(text, start, end, clause, group, drafts)
            in_reason = False
            if not money:
                continue
        if _REASON.search(clause):
            in_reason = True
        if in_reason:
            continue
        if current is not None and _attribute(clause, current):
            current.end = clause_end
            continue
        depth = _paren_depth(text, start, clause_start)
        for item_start, item_end in _items(text, clause_start, clause_end):
            draft, new = _item(text, item_start, item_end, current, drafts, context)
            if draft is None:
                continue
            if not new:
                current = draft  # the item completed an earlier figure (an amount after a count, or a change)
                continue
            if depth > 0 or _paren_depth(text, clause_start, item_start) > 0:
                draft.doubt("subject", "the figure is inside a parenthesis")
            if any(w in draft.subject for w in _TOTAL_WORDS) and parent is not None:
                parent = None  # a new total ends the list before it
            inside = depth > 0 or _paren_depth(text, clause_start, item_start) > 0
            if parent is not None and not inside:
                draft.is_component = True
                parent.groups[-1].append(draft)
            drafts.append(draft)
            if inside:
                continue  # "（去年预算数为0万元，…）": what follows is still said of the figure before
            group.append(draft)
            current = draft


def _open_list(
    text: str, start: int, end: int, clause: str, group: list[_Draft], drafts: list[_Draft]
) -> _Draft | None:
    """The total a list that starts at ``clause`` gives the parts of (None: the list has no total): the figure
    just before it, itself a listed part when lists nest ("项目支出3,699.32万元，具体包括：1.生态环境管理3,302.01
    万元，主要包括：法制与宣传工作62.38万元…")."""
    if group:
        parent: _Draft | None = group[-1]
    elif clause.startswith("其中"):
        # "…总预算1,024.87万元。其中：…": the parts of the last total before this sentence.
        parent = next((d for d in reversed(drafts) if not d.is_component), None)
    else:
        parent = None  # "支出包括：…" with no total of its own in this sentence
    if parent is not None:
        parent.groups.append([])
        if not _EXHAUSTIVE.search(clause) or text[start:end].rstrip("；;").endswith("等"):
            parent.partial = True
    return parent


def _attribute(clause: str, current: _Draft) -> bool:
    """Whether the clause says something of the figure before it (a change, a share, a completion rate);
    if so it is recorded on that figure, with a doubt when the clause opens with other words."""
    money = _MONEY.search(clause)
    m = _CHANGE_AMOUNT.search(clause)
    if m:
        current.change_amount = try_decimal(m.group("num"))
        current.direction = "up" if m.group("dir") in _UP else "down"
        _attached(current, "change", clause, m.start())
        return True
    m = _CHANGE_PCT.search(clause)
    if m and not money:
        current.change_pct = current.change_pct or try_decimal(m.group("num"))
        current.direction = current.direction or ("up" if m.group("dir") in (*_UP, "增幅") else "down")
        _attached(current, "change", clause, m.start())
        return True
    if _FLAT.search(clause) and not money:
        if current.direction is None:
            current.direction = "flat"
        return True
    m = _SHARE.search(clause)
    if m and not _MONEY.search(clause[: m.start()]):
        current.share_pct = try_decimal(m.group("num"))
        _attached(current, "share", clause, m.start())
        return True
    m = _COMPLETION.search(clause)
    if m and not _MONEY.search(clause[: m.start()]):
        current.completion_pct = try_decimal(m.group("num"))
        _attached(current, "change", clause, m.start())
        return True
    return False


def _attached(draft: _Draft, about: DoubtAbout, clause: str, at: int) -> None:
    # "…用于开展…研究，支撑构建较2025年年初预算增加29.23万元" (a clause misplaced by the document's authors):
    # a comparison that opens mid-clause may be said of something else.
    if at > _SHORT_LEAD:
        draft.doubt(about, f"the clause starts with other words (“{clause[:at][:20]}”)")


def _item(
    text: str, item_start: int, item_end: int, current: _Draft | None, drafts: list[_Draft], context: _Context
) -> tuple[_Draft | None, bool]:
    """The claim an item of a clause opens (and True), or the earlier claim it completes (and False); None for
    an item without a figure."""
    item = half_width(text[item_start:item_end])
    money, count = _MONEY.search(item), _COUNT.search(item)
    if money and _THRESHOLD.match(item, money.end()):
        money = None  # "单价100万元（含）以上的设备": a threshold, not an amount of the budget
    if money is None and count is None:
        return None, False
    raw = item[: (money or count).start()]
    subject, year = _subject(raw)
    verb = next((w for w in _UP + _DOWN if subject.endswith(w)), None)
    if money and verb and current is not None:
        # "与上年相比，收入总计增加10,656.85万元": a change of the figure named before the verb.
        named = subject[: -len(verb)]
        target = next((d for d in reversed(drafts) if named and d.subject.endswith(named)), current)
        target.change_amount = try_decimal(money.group("num"))
        target.direction = "up" if verb in _UP else "down"
        target.end = max(target.end, item_end)
        return target, False
    if (
        money
        and current is not None
        and current.count is not None
        and current.amount is None
        and not (count and count.start() < money.start())
    ):
        current.amount, current.unit = try_decimal(money.group("num")), money.group("unit")
        current.end = item_end
        return current, False
    draft = _Draft(subject, item_start, item_end, year=year, scope=_scope(raw))
    if count and (money is None or count.start() < money.start()):
        draft.count = int(count.group("num"))
    if money:
        draft.amount, draft.unit = try_decimal(money.group("num")), money.group("unit")
    _subject_doubts(draft, raw, verb, context)
    return draft, True


def _subject_doubts(draft: _Draft, raw: str, verb: str | None, context: _Context) -> None:
    if verb is not None:
        draft.doubt("figure", "a change with no figure before it to be the change of")
    elif _GENERIC.match(draft.subject):
        if context.topic:
            draft.subject = context.topic
        else:
            draft.doubt("figure", "the text names no subject for the figure")
    elif _BROKEN_START.match(raw.strip()):
        draft.doubt("figure", "the subject starts mid-phrase (a line or page break)")


def _paren_depth(text: str, start: int, end: int) -> int:
    chunk = text[start:end]
    return chunk.count("（") + chunk.count("(") - chunk.count("）") - chunk.count(")")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Clause spans with the separator that precedes each."""
    spans = []
    pos, separator = start, ""
    for m in _CLAUSE_SPLIT.finditer(text, start, end):
        spans.append((pos, m.start(), separator))
        pos, separator = m.end(), m.group()
    spans.append((pos, end, separator))
    return spans


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A clause listing several amounts with 、 ("货物7.97万元、工程0万元、服务13.10万元") is split per amount."""
    if len(_MONEY.findall(text[start:end])) < 2:
        return [(start, end)]
    spans, pos = [], start
    for i in range(start, end):
        if text[i] == "、" and _MONEY.search(text[pos:i]):
            spans.append((pos, i))
            pos = i + 1
    spans.append((pos, end))
    return spans


def _subject(text: str) -> tuple[str, str | None]:
    """The subject printed before a figure, without list words, and the year it opens with (if any)."""
    subject = text.strip(" ：:，,、")
    year = None
    for _ in range(3):
        subject = _SUBJECT_NOISE.sub("", subject).strip(" ：:，,、")
        if m := _YEAR.match(subject):
            year = year or m.group("year")
            subject = subject[m.end() :].strip(" ：:，,、")
    return subject, year


def _to_claim(doc: Document, para: Paragraph, draft: _Draft) -> NarrativeClaim:
    start, end = para.span(draft.start, draft.end)
    return NarrativeClaim(
        location=doc.location(start, end),
        text=para.text[draft.start : draft.end],
        subject=draft.subject,
        amount=draft.amount,
        unit=draft.unit,
        share_pct=draft.share_pct,
        change_amount=draft.change_amount,
        change_pct=draft.change_pct,
        direction=draft.direction,
        completion_pct=draft.completion_pct,
        count=draft.count,
        partial=draft.partial,
        components=[[_to_claim(doc, para, c) for c in group] for group in draft.groups if group],
        scope=draft.scope,
        doubts=draft.doubts,
    )
