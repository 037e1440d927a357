"""An LLM reply (strings copied from the block) to a ProjectRecord: located, and with numbers parsed by code.

Every string is found again in the block to give its ``field_locations`` entry; amounts and indicator values
are parsed by :mod:`llmextract.core.numbers`, never taken from the model.
"""

from __future__ import annotations

from collections.abc import Callable

from llmextract.core.document import Document
from llmextract.core.locations import Location
from llmextract.core.numbers import UNIT_SCALE, parse_indicator_value, try_decimal
from llmextract.core.paths import TEXT_FIELDS, FieldPath
from llmextract.core.records import Funding, Goals, Indicator, ProjectRecord
from llmextract.extract.citations import split_citations
from llmextract.extract.llm.grounding import GroundedText
from llmextract.extract.llm.schema import LLMIndicator, LLMProject
from llmextract.extract.rules.fields import split_department

# Record field path -> reply attribute, for the plain text fields.
_TEXT_FIELDS = {
    **{f: f for f in TEXT_FIELDS},
    "department_code": "department",  # both come from the one 主管部门及代码 cell
    "goals.period": "period_goal",
    "goals.annual": "annual_goal",
    "funding.period_total": "period_total",
    "funding.annual_total": "annual_total",
}


def to_record(
    reply: LLMProject,
    doc: Document,
    start: int,
    end: int,
    *,
    model: str,
    prompt_version: str,
    attempts: int = 1,
) -> ProjectRecord:
    """The record for the block ``doc.text[start:end]`` that ``reply`` was read from."""
    block = GroundedText.of(doc.text[start:end])

    def locate(quote: str, occurrence: int = 0) -> Location | None:
        span = block.find(quote, occurrence)
        return None if span is None else doc.location(start + span[0], start + span[1])

    field_locations: dict[FieldPath, Location] = {}
    for path, attr in _TEXT_FIELDS.items():
        location = locate(getattr(reply, attr))
        if location is not None:
            field_locations[FieldPath(path)] = location
    unit = reply.funding_unit.strip()
    code, department = split_department(reply.department) if reply.department.strip() else (None, "")
    return ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(start, end),
        name=reply.name.strip(),
        department=_text(department),
        department_code=code,
        implementing_unit=_text(reply.implementing_unit),
        attribute=_text(reply.attribute),
        period=_text(reply.period),
        funding=Funding(
            unit=unit if unit in UNIT_SCALE else None,
            period_total=try_decimal(reply.period_total),
            annual_total=try_decimal(reply.annual_total),
        ),
        overview=_text(reply.overview),
        basis=_text(reply.basis),
        basis_citations=[span.citation for span in split_citations(reply.basis)],
        necessity=_text(reply.necessity),
        safeguards=_text(reply.safeguards),
        plan=_text(reply.plan),
        goals=Goals(period=_text(reply.period_goal), annual=_text(reply.annual_goal)),
        indicators=_indicators(reply.indicators, locate),
        extractor=f"llm:{model}",
        prompt_version=prompt_version,
        llm_reasks=max(attempts - 1, 0),
        field_locations=field_locations,
    )


def _indicators(items: list[LLMIndicator], locate: Callable[[str, int], Location | None]) -> list[Indicator]:
    out: list[Indicator] = []
    seen: dict[str, int] = {}
    for item in items:
        # The k-th indicator with a name is the k-th place it is printed (实施期 and 年度 columns repeat names).
        occurrence = seen.get(item.name, 0)
        seen[item.name] = occurrence + 1
        parsed = parse_indicator_value(item.value_raw)
        out.append(
            Indicator(
                level1=_text(item.level1),
                level2=_text(item.level2),
                name=item.name.strip(),
                value_raw=item.value_raw.strip(),
                comparator=parsed.comparator,
                value=parsed.value,
                unit=parsed.unit,
                column=item.column,
                location=locate(item.name, occurrence),
            )
        )
    return out


def _text(value: str) -> str | None:
    return value.strip() or None
