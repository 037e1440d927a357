"""What a perfect model would answer for a region, from the gold annotations: the oracle's answer key.

Part of the oracle test server (:mod:`llmextract.evals.oracle_server`), a TEST DOUBLE, not a model. The gold
records of a document are placed in its text once: each record at the occurrence of its name followed by most
of its own items (fields, amounts, indicators), each item at its first occurrence from that record's line on
(indicators column by column, each value after its name). A region ``[start, end)`` of the document is then
answered with every gold record of the requested kind that has an item inside it, carrying only the items
inside it: a record whose name is printed before the region is answered with name "" (it continues a project
the region does not name), as the prompt asks of a model. Strings are answered as printed: amounts with their
thousands separators, the department with its code ("409-忻州市商务局").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from llmextract.core.alignment import normalise
from llmextract.core.document import Document
from llmextract.evals.gold import GoldRecord
from llmextract.extract.llm.grounding import GroundedText

Span = tuple[int, int]
_MAX_OCCURRENCES = 400
_ABOVE = 3000  # chars above a record's name where its title, header fields or report may be printed
_SHARED = frozenset({"department", "funding_unit"})  # printed once above a table of many projects
_VALUE_REACH = 400  # chars after an indicator's name where its value is looked for first
_CODE_BEFORE = re.compile(r"[\[【(（]?\s*(?P<code>[0-9A-Za-z]+)\s*[\]】)）]?\s*[-_－—]?\s*$")


@dataclass
class Item:
    """One answerable string of a gold record: what to answer, and where it is printed."""

    text: str
    span: Span | None


@dataclass
class PlacedIndicator:
    gold: dict[str, Any]
    name: Item
    value: Item


@dataclass
class PlacedRecord:
    index: int  # position in the gold file
    gold: GoldRecord
    anchor: int | None  # where its name is printed
    fields: dict[str, Item] = field(default_factory=dict)
    indicators: list[PlacedIndicator] = field(default_factory=list)

    def spans(self) -> list[Span]:
        """Where its own items are printed (not the department or unit a whole table shares)."""
        out = [i.span for k, i in self.fields.items() if i.span is not None and k not in _SHARED]
        for ind in self.indicators:
            out += [s for s in (ind.name.span, ind.value.span) if s is not None]
        return out


def place(doc: Document, records: list[GoldRecord]) -> list[PlacedRecord]:
    """Every gold record placed in ``doc``'s text (records with no placeable name have anchor None)."""
    text = GroundedText.of(doc.text)
    anchors = _anchors(doc, text, records)
    order = sorted((a, n) for n, a in enumerate(anchors) if a is not None)
    starts = [_line_start(doc.text, a) for a, _ in order]
    placed: dict[int, PlacedRecord] = {n: PlacedRecord(n, r, None) for n, r in enumerate(records)}
    floor = 0
    for k, (anchor, n) in enumerate(order):
        lo = starts[k]
        hi = next((s for s in starts[k + 1 :] if s > lo), len(doc.text))
        record = _place_record(doc, text, n, records[n], anchor, (max(floor, lo - _ABOVE), lo, hi))
        placed[n] = record
        floor = max([lo, *(e for _, e in record.spans())])
    return [placed[n] for n in range(len(records))]


def _anchors(doc: Document, text: GroundedText, records: list[GoldRecord]) -> list[int | None]:
    """Where each record's name is printed: the occurrence followed by most of its items before the name
    occurs again (a list of projects names them too, far from their forms); ties go to the first occurrence
    after the previous record's."""
    out: list[int | None] = []
    floor = -1
    for record in records:
        spans = _occurrences(text, record.name)
        if not spans:
            out.append(None)
            continue
        probes = [normalise(p) for p in _probes(record)]
        window = max(3000, 3 * sum(len(p) for p in probes))
        scored = []
        for n, span in enumerate(spans):
            at = _normalised_index(text, _line_start(doc.text, span[0]))
            stop = at + window
            if n + 1 < len(spans):
                stop = min(stop, _normalised_index(text, _line_start(doc.text, spans[n + 1][0])))
            local = text.text[at:stop]
            scored.append((sum(1 for p in probes if p and p in local), span[0] > floor, -span[0], span[0]))
        best = max(scored)
        out.append(best[3])
        floor = best[3]
    return out


def _normalised_index(text: GroundedText, original: int) -> int:
    return bisect.bisect_left(text.offsets, original)


def _occurrences(text: GroundedText, quote: str) -> list[Span]:
    spans: list[Span] = []
    at = 0
    while len(spans) < _MAX_OCCURRENCES:
        span = text.find(quote, start=at)
        if span is None:
            break
        spans.append(span)
        at = span[0] + 1
    return spans


def _probes(record: GoldRecord) -> list[str]:
    """Texts whose presence after a name occurrence says it is this record's own."""
    probes = [i.name for i in record.indicators] + [i.value_raw for i in record.indicators if len(i.value_raw) > 2]
    probes += [t for t in (record.overview, record.basis, record.goals.period, record.goals.annual) if t]
    probes += [t for t in (record.implementing_unit, record.attribute, record.period) if t]
    probes += [_plain(a) for a in (record.funding.period_total, record.funding.annual_total) if a is not None]
    return [p for p in probes if p]


def _place_record(
    doc: Document, text: GroundedText, index: int, record: GoldRecord, anchor: int | None, bounds: tuple[int, int, int]
) -> PlacedRecord:
    """Items from the record's line to the next record's; an item not there may be printed above the name,
    after the previous record's last item (``floor``); one found nowhere in between is left unplaced."""
    placed = PlacedRecord(index, record, anchor)
    if anchor is None:
        return placed
    floor, lo, hi = bounds

    def find(quote: str | None, start: int | None = None, shared: bool = False) -> Item:
        if not quote:
            return Item("", None)
        span = text.find(quote, start=lo if start is None else start)
        if span is None or span[1] > hi:
            span = text.find(quote, start=0 if shared else floor)
        return Item(quote, span if span is not None and span[1] <= hi else None)

    name_span = text.find(record.name, start=anchor)
    placed.fields["name"] = Item(record.name, name_span)
    for attr in ("implementing_unit", "attribute", "period", "overview", "basis"):
        placed.fields[attr] = find(getattr(record, attr))
    placed.fields["period_goal"] = find(record.goals.period)
    placed.fields["annual_goal"] = find(record.goals.annual)
    placed.fields["funding_unit"] = find(record.funding.unit, shared=True)
    placed.fields["department"] = _department(doc, find(record.department, shared=True), record.department_code)
    if record.kind == "department":
        placed.fields["name"] = _department(doc, placed.fields["name"], record.department_code)
    period = _amount(doc, record.funding.period_total, lo, hi, floor)
    placed.fields["period_total"] = period
    same = record.funding.period_total == record.funding.annual_total
    after = period.span[1] if period.span is not None and same else lo
    placed.fields["annual_total"] = _amount(doc, record.funding.annual_total, after, hi, floor)
    cursors = {"period": lo, "annual": lo}
    for ind in record.indicators:
        name = find(ind.name, cursors[ind.column])
        if name.span is not None and lo <= name.span[0] < hi:
            cursors[ind.column] = name.span[0] + 1
        value = Item(ind.value_raw, None)
        if ind.value_raw and name.span is not None:
            end = name.span[1]
            near = GroundedText.of(doc.text[end : end + _VALUE_REACH]).find(ind.value_raw)
            value.span = (end + near[0], end + near[1]) if near else find(ind.value_raw, end).span
        placed.indicators.append(PlacedIndicator(ind.model_dump(), name, value))
    return placed


def _department(doc: Document, item: Item, code: str | None) -> Item:
    """The department as printed with its code: "409-忻州市商务局", "[292]国家信访局"."""
    if item.span is None or not code:
        return item
    start, end = item.span
    m = _CODE_BEFORE.search(doc.text[max(0, start - 16) : start])
    if m is None or m.group("code") != code:
        return item
    begin = start - (len(m.group(0)))
    return Item(doc.text[begin:end], (begin, end))


def _amount(doc: Document, amount: Decimal | None, lo: int, hi: int, floor: int) -> Item:
    """An amount as printed ("60,100" for 60100), its first occurrence in ``[lo, hi)``, else in ``[floor, lo)``."""
    if amount is None:
        return Item("", None)
    pattern = _amount_pattern(_plain(amount))
    m = pattern.search(doc.text, lo, hi) or pattern.search(doc.text, floor, lo)
    return Item(_plain(amount), None) if m is None else Item(m.group(0), m.span())


def _amount_pattern(plain: str) -> re.Pattern[str]:
    whole, _, decimals = plain.partition(".")
    digits = ",?".join(whole[::-1][i : i + 3][::-1] for i in range(0, len(whole), 3)[::-1])
    return re.compile(rf"(?<![\d.,]){digits}{re.escape('.' + decimals) if decimals else ''}(?![.,]?\d)")


def _plain(amount: Decimal | str) -> str:
    return format(amount, "f") if isinstance(amount, Decimal) else amount


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def answer_region(placed: list[PlacedRecord], start: int, end: int, kind: str) -> list[PlacedRecord]:
    """The gold records of ``kind`` with an item printed inside ``[start, end)``, in printed order."""

    def inside(span: Span | None) -> bool:
        return span is not None and start <= span[0] and span[1] <= end

    hits = []
    for record in placed:
        if record.gold.kind != kind or record.anchor is None:
            continue
        spans = [s for s in record.spans() if inside(s)]
        if spans:
            hits.append((min(s[0] for s in spans), record))
    return [r for _, r in sorted(hits, key=lambda h: h[0])]


def visible(item: Item, start: int, end: int) -> str:
    """What a model reading ``[start, end)`` can copy of an item: all of it, or nothing."""
    return item.text if item.span is not None and start <= item.span[0] and item.span[1] <= end else ""
