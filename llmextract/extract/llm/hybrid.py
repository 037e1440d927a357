"""Two independent readings of one block, the rules' and the LLM's, merged into one hybrid record.

Fields are compared after whitespace/full-width normalisation (amounts as Decimals). The merged record keeps
the deterministic reading where both have one; a field only one side read is taken from that side; every
disagreement becomes a ``hybrid.disagreement`` finding carrying both readings and both locations, for the
verifier and for review. Confidence is the share of compared fields on which the two readings agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from llmextract.core.alignment import normalise
from llmextract.core.findings import Finding
from llmextract.core.records import TEXT_FIELDS, Indicator, ProjectRecord

Status = Literal["agreed", "disagreed", "rules_only", "llm_only"]
DISAGREEMENT_RULE = "hybrid.disagreement"

# Scalar fields compared one by one: record path -> how to read it from a record.
_SCALARS: tuple[str, ...] = (
    *TEXT_FIELDS,
    "goals.period",
    "goals.annual",
    "funding.unit",
    "funding.period_total",
    "funding.annual_total",
)


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    field: str
    status: Status
    rules: str | None
    llm: str | None


@dataclass(frozen=True, slots=True)
class HybridResult:
    record: ProjectRecord
    fields: tuple[FieldAgreement, ...]

    @property
    def agreed(self) -> list[str]:
        return [f.field for f in self.fields if f.status == "agreed"]

    @property
    def disagreements(self) -> list[FieldAgreement]:
        return [f for f in self.fields if f.status == "disagreed"]


def merge_hybrid(rules: ProjectRecord, llm: ProjectRecord, *, model: str) -> HybridResult:
    """The hybrid record of one block read by both extractors (``extractor = "hybrid:<model>"``)."""
    data = rules.model_dump()
    locations = dict(rules.field_locations)
    fields: list[FieldAgreement] = []
    for path in _SCALARS:
        r, m = _get(rules, path), _get(llm, path)
        status = _compare(r, m)
        if status is None:
            continue  # neither reading has it: nothing to agree on
        fields.append(FieldAgreement(path, status, _show(r), _show(m)))
        if status == "llm_only":
            _set(data, path, m)
            if path in llm.field_locations:
                locations[path] = llm.field_locations[path]
    indicator_fields, indicators = _merge_indicators(rules.indicators, llm.indicators)
    fields.extend(indicator_fields)
    r_cites, m_cites = _citations(rules), _citations(llm)
    if (cite_status := _compare(r_cites, m_cites)) is not None:
        fields.append(FieldAgreement("basis_citations", cite_status, r_cites, m_cites))
    if not rules.basis_citations and llm.basis_citations:
        data["basis_citations"] = [c.model_dump() for c in llm.basis_citations]
    findings = [*rules.findings, *(_finding(f, rules, llm) for f in fields if f.status == "disagreed")]
    compared = [f for f in fields if f.status in ("agreed", "disagreed")]
    confidence = sum(f.status == "agreed" for f in compared) / len(compared) if compared else rules.confidence
    data |= {
        "indicators": [i.model_dump() for i in indicators],
        "extractor": f"hybrid:{model}",
        "prompt_version": llm.prompt_version,
        "confidence": None if confidence is None else round(confidence, 3),
        "field_locations": locations,
        "findings": [f.model_dump() for f in findings],
    }
    return HybridResult(ProjectRecord.model_validate(data), tuple(fields))


def _merge_indicators(rules: list[Indicator], llm: list[Indicator]) -> tuple[list[FieldAgreement], list[Indicator]]:
    """Indicators are matched by (column, 三级指标名); their printed values are compared."""
    by_key = {(i.column, normalise(i.name)): i for i in llm}
    fields: list[FieldAgreement] = []
    merged = list(rules)
    matched: set[tuple[str, str]] = set()
    for ind in rules:
        key = (ind.column, normalise(ind.name))
        other = by_key.get(key)
        path = f"indicators[{ind.column}:{ind.name}]"
        if other is None:
            fields.append(FieldAgreement(path, "rules_only", ind.value_raw, None))
            continue
        matched.add(key)
        same = normalise(ind.value_raw) == normalise(other.value_raw)
        fields.append(FieldAgreement(path, "agreed" if same else "disagreed", ind.value_raw, other.value_raw))
    for key, ind in by_key.items():
        if key not in matched:
            fields.append(FieldAgreement(f"indicators[{ind.column}:{ind.name}]", "llm_only", None, ind.value_raw))
            merged.append(ind)
    return fields, merged


def _citations(record: ProjectRecord) -> str | None:
    """The 文号 and titles of a record's citations, order-free, for comparison."""
    keys = sorted(f"{c.doc_number or ''}《{c.title or ''}》" for c in record.basis_citations)
    return "; ".join(keys) or None


def _compare(rules: Any, llm: Any) -> Status | None:
    if rules is None and llm is None:
        return None
    if llm is None:
        return "rules_only"
    if rules is None:
        return "llm_only"
    if isinstance(rules, Decimal) and isinstance(llm, Decimal):
        return "agreed" if rules == llm else "disagreed"
    return "agreed" if normalise(str(rules)) == normalise(str(llm)) else "disagreed"


def _finding(field: FieldAgreement, rules: ProjectRecord, llm: ProjectRecord) -> Finding:
    locations = [loc for rec in (rules, llm) if (loc := rec.field_locations.get(field.field)) is not None]
    return Finding(
        rule_id=DISAGREEMENT_RULE,
        severity="warning",
        message=f"the rules and the LLM read {field.field} differently; check the source and choose one",
        expected=f"rules: {field.rules}",
        actual=f"llm: {field.llm}",
        locations=locations,
        record=rules.name,
    )


def _get(record: ProjectRecord, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data[part]
    data[leaf] = value


def _show(value: Any) -> str | None:
    return None if value is None else str(value)
