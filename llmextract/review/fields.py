"""The reviewable fields of a record: their paths, labels, values, locations, and how an edit is applied.

A field path names one value the reviewer decides on. Scalars use dotted paths (``funding.annual_total``);
an indicator is ``indicators[<column>:<三级指标名>]`` — the same key the hybrid extractor uses for its
disagreement findings, and stable when another indicator is removed. An indicator's reviewed value is its
``value_raw``; the parsed comparator/value/unit are re-derived from it by deterministic code, never typed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from llmextract.core.errors import LLMExtractError
from llmextract.core.locations import Location
from llmextract.core.numbers import parse_decimal, parse_indicator_value
from llmextract.core.records import Funding, FundingSources, Goals, Indicator, ProjectRecord

FieldKind = Literal["text", "amount", "unit", "indicator"]

_INDICATOR = re.compile(r"^indicators\[(?P<column>annual|period):(?P<name>.+)\]$")


class EditRefused(LLMExtractError):
    """A reviewer's edit or rejection that would make the record invalid; the record is left unchanged."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    path: str
    label: str
    kind: FieldKind


def _title(model: type[BaseModel], name: str) -> str:
    return model.model_fields[name].title or name


def _scalar_specs() -> tuple[FieldSpec, ...]:
    text = ("name", "department", "department_code", "implementing_unit", "attribute", "period")
    specs = [FieldSpec(p, _title(ProjectRecord, p), "text") for p in text]
    specs.append(FieldSpec("funding.unit", _title(Funding, "unit"), "unit"))
    specs += [FieldSpec(f"funding.{p}", _title(Funding, p), "amount") for p in ("period_total", "annual_total")]
    for group in ("sources", "period_sources"):
        prefix = _title(Funding, group)
        specs += [
            FieldSpec(f"funding.{group}.{p}", f"{prefix}·{_title(FundingSources, p)}", "amount")
            for p in FundingSources.model_fields
        ]
    prose = ("overview", "basis", "necessity", "safeguards", "plan")
    specs += [FieldSpec(p, _title(ProjectRecord, p), "text") for p in prose]
    specs += [FieldSpec(f"goals.{p}", _title(Goals, p), "text") for p in ("period", "annual")]
    return tuple(specs)


SCALAR_FIELDS: tuple[FieldSpec, ...] = _scalar_specs()
_BY_PATH = {s.path: s for s in SCALAR_FIELDS}


def indicator_path(ind: Indicator) -> str:
    return f"indicators[{ind.column}:{ind.name}]"


def indicator_spec(ind: Indicator) -> FieldSpec:
    column = "实施期" if ind.column == "period" else "年度"
    levels = " / ".join(x for x in (ind.level1, ind.level2) if x)
    label = f"{ind.name}（{levels}，{column}）" if levels else f"{ind.name}（{column}）"
    return FieldSpec(indicator_path(ind), label, "indicator")


def all_fields(record: ProjectRecord) -> list[FieldSpec]:
    """Every field of ``record`` a reviewer can decide on: the scalars, then one entry per indicator."""
    return [*SCALAR_FIELDS, *(indicator_spec(i) for i in record.indicators)]


def spec_for(record: ProjectRecord, path: str) -> FieldSpec | None:
    if path in _BY_PATH:
        return _BY_PATH[path]
    return next((s for s in all_fields(record) if s.path == path), None)


def _find_indicator(record: ProjectRecord, path: str) -> int | None:
    m = _INDICATOR.match(path)
    if m is None:
        return None
    return next(
        (i for i, ind in enumerate(record.indicators) if ind.column == m["column"] and ind.name == m["name"]), None
    )


def get_value(record: ProjectRecord, path: str) -> Any:
    """The current value of a field (an indicator's ``value_raw``); None when unset or unknown."""
    index = _find_indicator(record, path)
    if index is not None:
        return record.indicators[index].value_raw
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def show(value: Any) -> str:
    """A value as the reviewer reads and types it (Decimals as printed, None as empty)."""
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def field_location(record: ProjectRecord, path: str) -> Location | None:
    index = _find_indicator(record, path)
    if index is not None:
        return record.indicators[index].location
    return record.field_locations.get(path)


def apply_edit(record: ProjectRecord, path: str, text: str | None) -> ProjectRecord:
    """``record`` with the field at ``path`` set from the reviewer's text (None or "" clears it).

    The result is validated as a whole ProjectRecord; anything invalid raises EditRefused with a message
    for the reviewer.
    """
    spec = spec_for(record, path)
    if spec is None:
        raise EditRefused(f"unknown field {path!r}", hint="reload the record page")
    text = text.strip() if text is not None else ""
    data = record.model_dump()
    if spec.kind == "indicator":
        index = _find_indicator(record, path)
        assert index is not None  # spec_for found it
        if not text:
            raise EditRefused("an indicator value cannot be empty", hint="reject the indicator instead (r)")
        parsed = parse_indicator_value(text)
        data["indicators"][index].update(
            value_raw=text, comparator=parsed.comparator, value=parsed.value, unit=parsed.unit
        )
    else:
        _set(data, path, _typed(spec, text))
    return _validated(data)


def apply_reject(record: ProjectRecord, path: str) -> ProjectRecord:
    """``record`` without the rejected value: a scalar is cleared, an indicator removed."""
    spec = spec_for(record, path)
    if spec is None:
        raise EditRefused(f"unknown field {path!r}", hint="reload the record page")
    if path == "name":
        raise EditRefused("项目名称 is required and cannot be rejected", hint="edit it, or reject the record (R)")
    data = record.model_dump()
    if spec.kind == "indicator":
        index = _find_indicator(record, path)
        assert index is not None
        del data["indicators"][index]
    else:
        _set(data, path, None)
    data["field_locations"].pop(path, None)
    return _validated(data)


def _typed(spec: FieldSpec, text: str) -> Any:
    if not text:
        if spec.path == "name":
            raise EditRefused("项目名称 cannot be empty", hint="type the name as printed, or reject the record (R)")
        return None
    if spec.kind == "amount":
        try:
            return parse_decimal(text)
        except ValueError:
            raise EditRefused(
                f"{spec.label}: {text!r} is not a number", hint="type the amount as printed, e.g. 2,134.87"
            ) from None
    return text


def _validated(data: dict[str, Any]) -> ProjectRecord:
    try:
        return ProjectRecord.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise EditRefused(f"the edited record is not valid: {problems}", hint="correct the value") from None


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data[part]
    data[leaf] = value
