"""Field paths: the one way to name a field of a record, everywhere.

Findings, number checks, grounding, rules-vs-LLM agreement, confidence and review decisions all name the field
they are about with a :class:`FieldPath`, so the evidence about one field meets in one place. A path is a
string (it is a JSON key and a URL fragment) that is checked when it is made:

- scalar fields: ``name``, ``funding.annual_total``, ``funding.sources.local``, ``goals.period``, …
- citations: ``basis_citations[0]``, ``basis_citations[0].doc_number``
- indicators: ``indicators[7]`` (the whole indicator) and ``indicators[7].value_raw`` — the number is the
  indicator's **ordinal**, given once at extraction, not its position in the list: removing an indicator in
  review does not rename the others, and two indicators with the same name are two fields.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

FUNDING_AMOUNTS: tuple[str, ...] = ("period_total", "annual_total")
# Funding sources: by level of government, then by kind of appropriation (central forms and some cities).
FUNDING_SOURCES: tuple[str, ...] = (
    "central",
    "provincial",
    "local",
    "self_raised",
    "other",
    "appropriation",
    "carried_over",
)
SOURCE_GROUPS: tuple[str, ...] = ("sources", "period_sources")
# Sources are split by government level or by kind of appropriation; "other" completes either split, and a
# form may print both splits (then each one alone must add up).
SOURCE_SPLITS: tuple[tuple[str, ...], ...] = (
    ("central", "provincial", "local", "self_raised", "other"),
    ("appropriation", "carried_over", "other"),
)
# The record's own free-text fields (top level): what grounding aligns and the readers compare one by one.
TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "department",
    "department_code",
    "implementing_unit",
    "attribute",
    "period",
    "overview",
    "basis",
    "necessity",
    "safeguards",
    "plan",
)
GOAL_FIELDS: tuple[str, ...] = ("goals.period", "goals.annual")
INDICATOR_ATTRS: tuple[str, ...] = (
    "level1",
    "level2",
    "name",
    "value_raw",
    "value",
    "unit",
    "comparator",
    "actual_raw",
    "weight",
    "score",
)
CITATION_ATTRS: tuple[str, ...] = ("title", "doc_number")

SCALAR_PATHS: frozenset[str] = frozenset(
    {
        *TEXT_FIELDS,
        *GOAL_FIELDS,
        "funding.unit",
        *(f"funding.{a}" for a in FUNDING_AMOUNTS),
        *(f"funding.{g}.{s}" for g in SOURCE_GROUPS for s in FUNDING_SOURCES),
    }
)

_INDEXED = re.compile(r"^(?P<root>indicators|basis_citations)\[(?P<n>\d+)\](?:\.(?P<attr>[a-z_0-9]+))?$")


class FieldPathError(ValueError):
    """A string that names no field of a record."""


class FieldPath(str):
    """A checked field path; compares and hashes as its string."""

    __slots__ = ()

    def __new__(cls, text: str) -> FieldPath:
        if isinstance(text, FieldPath):
            return text
        text = str(text)
        if text not in SCALAR_PATHS:
            m = _INDEXED.match(text)
            attrs = INDICATOR_ATTRS if m and m["root"] == "indicators" else CITATION_ATTRS
            if m is None or (m["attr"] is not None and m["attr"] not in attrs):
                raise FieldPathError(f"not a field of a record: {text!r}")
        return super().__new__(cls, text)

    @classmethod
    def indicator(cls, ordinal: int, attr: str | None = None) -> FieldPath:
        return cls(f"indicators[{ordinal}]" + (f".{attr}" if attr else ""))

    @classmethod
    def citation(cls, index: int, attr: str | None = None) -> FieldPath:
        return cls(f"basis_citations[{index}]" + (f".{attr}" if attr else ""))

    @property
    def ordinal(self) -> int | None:
        """The indicator's ordinal for ``indicators[n]…`` paths, else None."""
        m = _INDEXED.match(self)
        return int(m["n"]) if m and m["root"] == "indicators" else None

    @property
    def attr(self) -> str | None:
        """The attribute after an indexed root (``value_raw`` of ``indicators[3].value_raw``)."""
        m = _INDEXED.match(self)
        return m["attr"] if m else None

    @property
    def item(self) -> FieldPath:
        """The whole item an indexed path is part of (``indicators[3]``); the path itself for scalars."""
        m = _INDEXED.match(self)
        return FieldPath(f"{m['root']}[{m['n']}]") if m else self

    @property
    def is_indicator(self) -> bool:
        return self.startswith("indicators[")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(), serialization=core_schema.to_string_ser_schema()
        )


def is_field_path(text: str) -> bool:
    try:
        FieldPath(text)
    except FieldPathError:
        return False
    return True
