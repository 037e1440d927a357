"""An LLM reply (records of strings copied from a chunk) to ProjectRecords: located, numbers parsed by code.

A chunk may hold several projects, so each record's strings are looked for in its own stretch of the chunk:
from the line of its name to the line of the next record's name (a record with no name continues a project
printed before the chunk and starts at the chunk's start). A string not in that stretch is looked for in the
rest of the chunk. Amounts and indicator values are parsed by :mod:`llmextract.core.numbers`; an indicator's
``value_raw`` is composed from its 指标性质 / 指标值 / 计量单位 cells by the rule the rules reader uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from llmextract.core.document import Document
from llmextract.core.locations import Location
from llmextract.core.numbers import UNIT_SCALE, parse_indicator_value, try_decimal
from llmextract.core.paths import FieldPath
from llmextract.core.records import Funding, Goals, Indicator, ProjectRecord, RecordKind
from llmextract.extract.citations import split_citations
from llmextract.extract.llm.grounding import GroundedText
from llmextract.extract.llm.schema import LLMDepartment, LLMEvaluationIndicator, LLMIndicator, LLMRecord
from llmextract.extract.rules.fields import split_department
from llmextract.extract.rules.values import compose_value

# Record field path -> reply attribute, for the plain text fields (a kind's reply may lack some).
_TEXT_FIELDS = {
    "name": "name",
    "department": "department",
    "department_code": "department",  # both come from the one 主管部门及代码 cell
    "implementing_unit": "implementing_unit",
    "attribute": "attribute",
    "period": "period",
    "overview": "overview",
    "basis": "basis",
    "necessity": "necessity",
    "safeguards": "safeguards",
    "plan": "plan",
    "goals.period": "period_goal",
    "goals.annual": "annual_goal",
    "funding.period_total": "period_total",
    "funding.annual_total": "annual_total",
}
_UNIT = re.compile(r"亿元|万元|元")
_TITLE_REST = re.compile(r"^(项目)?(支出)?绩效[^\t\d]{0,8}表\s*$")
_REPEAT = 120  # chars between two printings of a name that are one project's (title, then name cell)
_AMOUNT_UNIT = re.compile(r"\s*[（(]?(亿元|万元|元)[）)]?\s*$")

# locate(quote, after): where ``quote`` is printed in the record's stretch, at or after the document offset
# ``after`` when it is printed there.
Locate = Callable[[str, int | None], Location | None]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a reply came from: ``doc.text[start:end]``, read for records of ``kind``."""

    doc: Document
    start: int
    end: int
    kind: RecordKind


def to_records(
    replies: list[LLMRecord], source: Source, *, model: str, prompt_version: str, attempts: int = 1
) -> list[ProjectRecord]:
    """The records of one chunk's reply, each located in its own stretch of the chunk."""
    doc = source.doc
    text = GroundedText.of(doc.text[source.start : source.end])
    starts: list[int] = []
    names: list[tuple[int, int] | None] = []
    cursor = 0
    for reply in replies:
        first = span = text.find(reply.name, start=cursor) if reply.name.strip() else None
        # A name heading its line (a form's title, "…项目绩效目标表") and printed again just below (its 项目名称
        # cell) is one project's: it is named at the cell, and its lines start at the title.
        while (
            span is not None
            and _alone_on_line(text.original, span)
            and (again := text.find(reply.name, start=span[1]))
            and again[0] - span[1] <= _REPEAT
        ):
            span = again
        starts.append(_line_start(text.original, first[0]) if first else cursor)
        names.append(span)
        cursor = span[1] if span else cursor
    out = []
    for n, reply in enumerate(replies):
        lo = starts[n]
        hi = starts[n + 1] if n + 1 < len(replies) and starts[n + 1] > lo else len(text.original)
        out.append(_record(reply, source, text, (lo, hi), names[n], model, prompt_version, attempts))
    return out


def _record(
    reply: LLMRecord,
    source: Source,
    text: GroundedText,
    stretch: tuple[int, int],
    name_at: tuple[int, int] | None,
    model: str,
    prompt_version: str,
    attempts: int,
) -> ProjectRecord:
    doc, offset = source.doc, source.start
    lo, hi = stretch  # the record's own lines; its location defaults to them

    def locate(quote: str, after: int | None = None) -> Location | None:
        # In the record's stretch (after ``after``), else after it, else anywhere in the chunk (a field printed
        # above the name).
        start = lo if after is None else max(lo, after - offset)
        found = [text.find(quote, start=start), text.find(quote, start=lo), text.find(quote)]
        spans = [f for f in found if f is not None]
        span = next((f for f in spans if f[1] <= hi), spans[0] if spans else None)
        return None if span is None else doc.location(offset + span[0], offset + span[1])

    field_locations: dict[FieldPath, Location] = {}
    for path, attr in _TEXT_FIELDS.items():
        if path == "name" and name_at is not None:
            location = doc.location(offset + name_at[0], offset + name_at[1])
        else:
            location = locate(getattr(reply, attr, ""))
        if location is not None:
            field_locations[FieldPath(path)] = location
    name = reply.name.strip()
    department = getattr(reply, "department", "")
    code, department = split_department(department) if department.strip() else (None, "")
    if isinstance(reply, LLMDepartment):
        code, name = split_department(name) if name else (None, name)
        department = name
    unit, period_total = _amount(getattr(reply, "period_total", ""), reply.funding_unit)
    unit, annual_total = _amount(reply.annual_total, unit)
    indicators = _indicators(reply.indicators, locate)
    # The record covers what it printed in its stretch; a string it shares with a neighbour (found only
    # outside) does not stretch it over the neighbour's lines.
    spans = [(loc.start, loc.end) for loc in field_locations.values()]
    spans += [(i.location.start, i.location.end) for i in indicators if i.location is not None]
    own = [(a, b) for a, b in spans if offset + lo <= a and b <= offset + hi]
    spans = own or spans
    start = min((s for s, _ in spans), default=offset + lo)
    end = max((e for _, e in spans), default=offset + hi)
    basis = getattr(reply, "basis", "")
    return ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(start, end),
        kind=source.kind,
        name=name,
        department=_text(department),
        department_code=code,
        implementing_unit=_text(getattr(reply, "implementing_unit", "")),
        attribute=_text(getattr(reply, "attribute", "")),
        period=_text(getattr(reply, "period", "")),
        funding=Funding(
            unit=unit if unit in UNIT_SCALE else None,
            period_total=period_total,
            annual_total=annual_total,
        ),
        overview=_text(reply.overview),
        basis=_text(basis),
        basis_citations=[span.citation for span in split_citations(basis)],
        necessity=_text(getattr(reply, "necessity", "")),
        safeguards=_text(getattr(reply, "safeguards", "")),
        plan=_text(getattr(reply, "plan", "")),
        goals=Goals(period=_text(getattr(reply, "period_goal", "")), annual=_text(reply.annual_goal)),
        indicators=indicators,
        extractor=f"llm:{model}",
        prompt_version=prompt_version,
        llm_reasks=max(attempts - 1, 0),
        field_locations=field_locations,
    )


def _amount(printed: str, unit: str) -> tuple[str, object]:
    """The amount of a cell and the unit: "120.00万元" is 120.00 in 万元; "单位：万元" names 万元."""
    found = _UNIT.search(unit or "")
    unit = found.group(0) if found else ""
    m = _AMOUNT_UNIT.search(printed)
    if m:
        unit = unit or m.group(1)
        printed = printed[: m.start()]
    return unit, try_decimal(printed)


def _indicators(items: list[LLMIndicator], locate: Locate) -> list[Indicator]:
    out: list[Indicator] = []
    after: dict[str, int] = {}  # per column, where the previous indicator is printed
    for item in items:
        # Indicators are read in printed order within their column, so each is looked for after the one
        # before it (a name printed earlier in another cell, or in the other column, is not this one).
        previous = after.get(item.column)
        location = locate(item.name, None if previous is None else previous + 1)
        if location is not None:
            after[item.column] = location.start
        value_raw = compose_value(item.comparator, item.value, item.unit)
        parsed = parse_indicator_value(value_raw)
        evaluation = isinstance(item, LLMEvaluationIndicator)
        out.append(
            Indicator(
                level1=_text(item.level1),
                level2=_text(item.level2),
                name=item.name.strip(),
                value_raw=value_raw,
                comparator=parsed.comparator,
                value=parsed.value,
                unit=parsed.unit,
                column=item.column,
                actual_raw=_text(item.actual) if evaluation else None,
                weight=try_decimal(item.weight) if evaluation else None,
                score=try_decimal(item.score) if evaluation else None,
                location=location,
            )
        )
    return out


def _alone_on_line(text: str, span: tuple[int, int]) -> bool:
    """The name heads its line, followed by nothing or by title words ("…项目绩效目标表")."""
    start, end = _line_start(text, span[0]), text.find("\n", span[1])
    rest = text[span[1] : len(text) if end < 0 else end].strip()
    return not text[start : span[0]].strip() and (not rest or bool(_TITLE_REST.match(rest)))


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _text(value: str) -> str | None:
    return value.strip() or None
