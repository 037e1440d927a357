"""Prose claims: every amount, share, change, completion rate, count and component list stated in the text.

Prose is read paragraph by paragraph. Lines of one paragraph are joined first, because PDF lines and raw
text dumps wrap mid-sentence and sometimes mid-number ("1,024.8" / "7"): a number split by the export is
joined back, never reported. A sentence is read clause by clause (，；、): a clause that states an amount
opens a claim; the share (占x%), change (比上年增长x万元，增长y%, 持平) and completion rate (完成年初预算的x%)
clauses after it belong to it; after 其中/主要包括 the amounts are the components of the claim before.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from llmextract.core.catalogue import PROSE_PARSE_FAILED
from llmextract.core.claims import Direction, NarrativeClaim
from llmextract.core.document import Document, Line
from llmextract.core.failures import FailureLog
from llmextract.core.numbers import half_width, try_decimal

_MONEY = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)")
_PCT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*%")
_COUNT = re.compile(r"(?P<num>\d+)\s*个")
_UP, _DOWN = ("增长", "增加", "上升", "提高"), ("减少", "下降", "降低", "减小")
_CHANGE_AMOUNT = re.compile(
    r"(比|较|与|同比)[^，]*?(?P<dir>增长|增加|上升|提高|减少|下降|降低|减小)\s*" + _MONEY.pattern
)
_CHANGE_PCT = re.compile(r"(?P<dir>增长|增加|上升|提高|减少|下降|降低|减小|增幅|降幅)(了|为)?\s*" + _PCT.pattern)
_FLAT = re.compile(r"持平|相同|无变化|不变|一致")
_SHARE = re.compile(r"占(?P<base>[^，。；%]*?)(?P<num>\d+(?:\.\d+)?)\s*%")
_COMPLETION = re.compile(r"完成(?P<base>[^，。；%]*?(预算|计划))的?\s*(?P<num>\d+(?:\.\d+)?)\s*%")
_LIST_START = re.compile(r"^其中|包括$|主要包括|主要用于|分别为|分别是|具体为")
_EXHAUSTIVE = re.compile(r"^其中|分别为|分别是|具体为")
_REASON = re.compile(r"原因")
_TOTAL_WORDS = ("总计", "合计", "总额", "总预算")
# A comma splits clauses unless it is a thousands separator (a digit before, exactly three digits after).
_CLAUSE_SPLIT = re.compile(r"(?<!\d)[，,]|[，,](?!\d{3}(?:\D|$))|[；;：:]")
_SENTENCE_END = "。！？"
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\w+\)|\d+[、.．])"
)
_PAGE_NUMBER = re.compile(r"^[\W_]*\d{1,3}[\W_]*$")
_SUBJECT_NOISE = re.compile(r"^(其中|主要包括|主要用于|包括|分别为|以及|及|和|其余|另外)[:：]?|^\d{4}年度?")


@dataclass
class Paragraph:
    """Joined prose lines and, for each char, its offset in ``Document.text``."""

    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[max(end - 1, start)] + 1


def paragraphs(doc: Document) -> list[Paragraph]:
    """Prose paragraphs: lines outside tables, joined while a sentence runs on."""
    repeated = Counter(ln.text.strip() for ln in doc.lines if ln.text.strip())
    out: list[Paragraph] = []
    current: Paragraph | None = None
    for line in doc.lines:
        text = line.text.rstrip()
        stripped = text.strip()
        if _skip(line, stripped, repeated):
            continue
        if current is None or _starts_paragraph(current.text, stripped):
            current = Paragraph("", [])
            out.append(current)
        lead = len(text) - len(text.lstrip())
        current.text += stripped
        current.offsets.extend(range(line.start + lead, line.start + lead + len(stripped)))
    return [p for p in out if _MONEY.search(p.text) or _PCT.search(p.text) or _COUNT.search(p.text)]


def _skip(line: Line, text: str, repeated: Counter[str]) -> bool:
    if not text or line.table is not None or "\t" in line.text:
        return True
    # Page numbers and running headers would glue into a sentence that continues on the next page.
    return bool(_PAGE_NUMBER.match(text)) or (repeated[text] >= 3 and len(text) <= 30)


def _starts_paragraph(previous: str, line: str) -> bool:
    if not previous or previous[-1] in _SENTENCE_END + "；;：:" or _HEADING.match(line):
        return True
    heading = (
        _HEADING.match(previous)
        and len(previous) <= 40
        and "。" not in previous
        and not _MONEY.search(previous)
        and previous[-1] not in "，,、"
    )
    return bool(heading)


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
    groups: list[list[_Draft]] = field(default_factory=list)


def claims(doc: Document, failures: FailureLog | None = None) -> list[NarrativeClaim]:
    """Every claim in the prose of ``doc``, in document order (components nested under their total). With
    ``failures``, a paragraph the parser trips over becomes a ``prose.parse-failed`` finding there and the
    other paragraphs are read."""
    out: list[NarrativeClaim] = []
    for para in paragraphs(doc):
        if failures is None:
            out.extend(_to_claim(doc, para, d) for d in _paragraph_claims(para.text))
            continue
        with failures.guard(
            PROSE_PARSE_FAILED,
            "reading the figures of a paragraph",
            para.span(0, len(para.text)) if para.text else None,
        ):
            out.extend([_to_claim(doc, para, d) for d in _paragraph_claims(para.text)])
    return out


def _paragraph_claims(text: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    start = 0
    for i, ch in enumerate(text + "。"):
        if ch in _SENTENCE_END:
            _sentence(text, start, i, drafts)
            start = i + 1
    return [d for d in drafts if not d.is_component]


def _sentence(text: str, start: int, end: int, drafts: list[_Draft]) -> None:
    head: _Draft | None = None
    # A sentence may go on about the previous one's figure ("…支出决算462.77万元。较上年决算减少288.24万元").
    current: _Draft | None = drafts[-1] if drafts else None
    parent: _Draft | None = None
    in_reason = False
    group: list[_Draft] = []  # claims since the last ；: only these can head a list that starts now
    for clause_start, clause_end, separator in _clauses(text, start, end):
        clause = half_width(text[clause_start:clause_end]).strip()
        if separator in "；;":
            group = []
        if separator in "；;" and _MONEY.search(clause):
            in_reason = False  # a reason (主要原因是…) runs on until the next figure
        if not clause:
            continue
        if _LIST_START.search(clause) and not _MONEY.search(clause):
            totals = [d for d in reversed(group) if not d.is_component]
            if totals:
                parent = totals[0]
            elif clause.startswith("其中"):
                # "…总预算1,024.87万元。其中：…": the parts of the last total before this sentence.
                parent = next((d for d in reversed(drafts) if not d.is_component), None)
            else:
                parent = None  # "支出包括：…" with no total of its own in this sentence
            if parent is not None:
                parent.groups.append([])
                if not _EXHAUSTIVE.search(clause) or text[start:end].rstrip("；;").endswith("等"):
                    parent.partial = True
            in_reason = False
        if _REASON.search(clause):
            in_reason = True
        if in_reason:
            continue
        if (m := _CHANGE_AMOUNT.search(clause)) and current is not None:
            current.change_amount = try_decimal(m.group("num"))
            current.direction = "up" if m.group("dir") in _UP else "down"
            current.end = clause_end
            continue
        if (m := _CHANGE_PCT.search(clause)) and current is not None and not _MONEY.search(clause):
            current.change_pct = current.change_pct or try_decimal(m.group("num"))
            current.direction = current.direction or ("up" if m.group("dir") in (*_UP, "增幅") else "down")
            current.end = clause_end
            continue
        if _FLAT.search(clause) and current is not None and not _MONEY.search(clause):
            current.direction = "flat"
            current.end = clause_end
            continue
        if (m := _SHARE.search(clause)) and current is not None and not _MONEY.search(clause[: m.start()]):
            current.share_pct = try_decimal(m.group("num"))
            current.end = clause_end
            continue
        if (m := _COMPLETION.search(clause)) and current is not None and not _MONEY.search(clause[: m.start()]):
            current.completion_pct = try_decimal(m.group("num"))
            current.end = clause_end
            continue
        for item_start, item_end in _items(text, clause_start, clause_end):
            item = half_width(text[item_start:item_end])
            money, count = _MONEY.search(item), _COUNT.search(item)
            if money is None and count is None:
                continue
            subject = _subject(item[: (money or count).start()])
            verb = next((w for w in _UP + _DOWN if subject.endswith(w)), None)
            if money and verb and current is not None:
                # "与上年相比，收入总计增加10,656.85万元": a change of the figure named before the verb.
                named = subject[: -len(verb)]
                target = next((d for d in reversed(drafts) if named and d.subject.endswith(named)), current)
                target.change_amount = try_decimal(money.group("num"))
                target.direction = "up" if verb in _UP else "down"
                target.end = max(target.end, item_end)
                current = target
                continue
            if (
                money
                and current is not None
                and current.count is not None
                and current.amount is None
                and not (count and count.start() < money.start())
            ):
                current.amount, current.unit = try_decimal(money.group("num")), money.group("unit")
                current.end = item_end
                continue
            draft = _Draft(subject, item_start, item_end)
            if count and (money is None or count.start() < money.start()):
                draft.count = int(count.group("num"))
            if money:
                draft.amount, draft.unit = try_decimal(money.group("num")), money.group("unit")
            if any(w in subject for w in _TOTAL_WORDS) and parent is not None:
                parent = None  # a new total ends the list before it
            if parent is not None:
                draft.is_component = True
                parent.groups[-1].append(draft)
            drafts.append(draft)
            group.append(draft)
            current = draft
            head = head or draft


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


def _subject(text: str) -> str:
    subject = text.strip(" ：:，,、")
    for _ in range(3):
        subject = _SUBJECT_NOISE.sub("", subject).strip(" ：:，,、")
    return subject


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
    )
