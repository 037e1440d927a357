"""The reviewable fields of a record: their paths, labels, values, locations, and how an edit is applied.

Every field is named by its :class:`~llmextract.core.paths.FieldPath`, the name findings, grounding, number
checks and the rules-vs-LLM agreement use too. Scalars are dotted paths (``funding.annual_total``); an
indicator is reviewed through its printed value, ``indicators[<ordinal>].value_raw``: the ordinal is given at
extraction, so two indicators with the same name are two fields, and removing one renames no other. The
parsed comparator/value/unit are re-derived from the reviewed ``value_raw`` by deterministic code, never typed
in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from llmextract.core.errors import LLMExtractError
from llmextract.core.locations import Location
from llmextract.core.numbers import parse_decimal, parse_indicator_value
from llmextract.core.paths import FUNDING_AMOUNTS, GOAL_FIELDS, SOURCE_GROUPS, FieldPath, FieldPathError
from llmextract.core.records import Funding, FundingSources, Goals, Indicator, ProjectRecord

FieldKind = Literal["text", "amount", "unit", "indicator"]

_HEAD_TEXT = ("name", "department", "department_code", "implementing_unit", "attribute", "period")
_PROSE = ("overview", "basis", "necessity", "safeguards", "plan")


class EditRefused(LLMExtractError):
    """A reviewer's edit or rejection that would make the record invalid; the record is left unchanged."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    path: FieldPath
    label: str
    kind: FieldKind


def _title(model: type[BaseModel], name: str) -> str:
    return model.model_fields[name].title or name


def _scalar_specs() -> tuple[FieldSpec, ...]:
    specs = [FieldSpec(FieldPath(p), _title(ProjectRecord, p), "text") for p in _HEAD_TEXT]
    specs.append(FieldSpec(FieldPath("funding.unit"), _title(Funding, "unit"), "unit"))
    specs += [FieldSpec(FieldPath(f"funding.{p}"), _title(Funding, p), "amount") for p in FUNDING_AMOUNTS]
    for group in SOURCE_GROUPS:
        prefix = _title(Funding, group)
        specs += [
            FieldSpec(FieldPath(f"funding.{group}.{p}"), f"{prefix}·{_title(FundingSources, p)}", "amount")
            for p in FundingSources.model_fields
        ]
    specs += [FieldSpec(FieldPath(p), _title(ProjectRecord, p), "text") for p in _PROSE]
    specs += [FieldSpec(FieldPath(p), _title(Goals, p.split(".")[1]), "text") for p in GOAL_FIELDS]
    return tuple(specs)


SCALAR_FIELDS: tuple[FieldSpec, ...] = _scalar_specs()
_BY_PATH = {s.path: s for s in SCALAR_FIELDS}


def indicator_spec(ind: Indicator) -> FieldSpec:
    column = "实施期" if ind.column == "period" else "年度"
    levels = " / ".join(x for x in (ind.level1, ind.level2) if x)
    label = f"{ind.name}（{levels}，{column}）" if levels else f"{ind.name}（{column}）"
    return FieldSpec(FieldPath.indicator(ind.ordinal or 0, "value_raw"), label, "indicator")


def all_fields(record: ProjectRecord) -> list[FieldSpec]:
    """Every field of ``record`` a reviewer can decide on: the scalars, then one entry per indicator."""
    return [*SCALAR_FIELDS, *(indicator_spec(i) for i in record.indicators)]


def as_path(text: str) -> FieldPath:
    """A reviewer's field name as a FieldPath; EditRefused when it names no field of a record."""
    try:
        return FieldPath(text)
    except FieldPathError:
        raise EditRefused(f"未知字段 {text!r}", hint="请重新加载记录页面") from None


def spec_for(record: ProjectRecord, path: FieldPath) -> FieldSpec | None:
    if path in _BY_PATH:
        return _BY_PATH[path]
    ind = _indicator(record, path)
    return indicator_spec(ind) if ind is not None and path.attr == "value_raw" else None


def _indicator(record: ProjectRecord, path: FieldPath) -> Indicator | None:
    return record.indicator(path.ordinal) if path.ordinal is not None else None


def get_value(record: ProjectRecord, path: FieldPath) -> Any:
    """The current value of a field (an indicator's ``value_raw``); None when unset or unknown."""
    if path.is_indicator:
        ind = _indicator(record, path)
        return getattr(ind, path.attr) if ind is not None and path.attr else None
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def show(value: Any) -> str:
    """A value as the reviewer reads and types it (Decimals as printed, None as empty)."""
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def field_location(record: ProjectRecord, path: FieldPath) -> Location | None:
    """Where the field is printed: its grounded span, else (indicators) the cell the extractor read it from."""
    found = record.field_locations.get(path)
    if found is not None:
        return found
    ind = _indicator(record, path)
    return ind.location if ind is not None else None


def apply_edit(record: ProjectRecord, path: FieldPath, text: str | None) -> ProjectRecord:
    """``record`` with the field at ``path`` set from the reviewer's text (None or "" clears it).

    The result is validated as a whole ProjectRecord; anything invalid raises EditRefused with a message
    for the reviewer.
    """
    spec = _spec_or_refuse(record, path)
    text = text.strip() if text is not None else ""
    data = record.model_dump()
    if spec.kind == "indicator":
        if not text:
            raise EditRefused("指标值不能为空", hint="要删除这个指标，请按 r 拒绝")
        parsed = parse_indicator_value(text)
        data["indicators"][_position(record, path)].update(
            value_raw=text, comparator=parsed.comparator, value=parsed.value, unit=parsed.unit
        )
    else:
        _set(data, path, _typed(spec, text))
    return _validated(data)


def apply_reject(record: ProjectRecord, path: FieldPath) -> ProjectRecord:
    """``record`` without the rejected value: a scalar is cleared, an indicator removed (with everything
    recorded about it under its ordinal)."""
    spec = _spec_or_refuse(record, path)
    if path == "name":
        raise EditRefused("项目名称不能拒绝", hint="请修改它，或按 R 拒绝整条记录")
    data = record.model_dump()
    if spec.kind == "indicator":
        del data["indicators"][_position(record, path)]
        gone = {p for p in (*record.field_locations, *record.agreement) if FieldPath(p).item == path.item}
    else:
        _set(data, path, None)
        gone = {path}
    data["field_locations"] = {p: loc for p, loc in data["field_locations"].items() if p not in gone}
    data["agreement"] = {p: a for p, a in data["agreement"].items() if p not in gone}
    return _validated(data)


def _spec_or_refuse(record: ProjectRecord, path: FieldPath) -> FieldSpec:
    spec = spec_for(record, path)
    if spec is None:
        raise EditRefused(f"未知字段 {path!r}", hint="请重新加载记录页面")
    return spec


def _position(record: ProjectRecord, path: FieldPath) -> int:
    """The list index of the indicator with ``path``'s ordinal (spec_for has found it)."""
    return next(i for i, ind in enumerate(record.indicators) if ind.ordinal == path.ordinal)


def _typed(spec: FieldSpec, text: str) -> Any:
    if not text:
        if spec.path == "name":
            raise EditRefused("项目名称不能为空", hint="请按原文输入名称，或按 R 拒绝整条记录")
        return None
    if spec.kind == "amount":
        try:
            return parse_decimal(text)
        except ValueError:
            raise EditRefused(f"{spec.label}：{text!r} 不是数字", hint="请按原文输入金额，例如 2,134.87") from None
    return text


def _validated(data: dict[str, Any]) -> ProjectRecord:
    try:
        return ProjectRecord.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise EditRefused(f"修改后的记录无效：{problems}", hint="请更正这个值") from None


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data[part]
    data[leaf] = value
