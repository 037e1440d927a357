"""Two independent readings of one project, the rules' and the LLM's, merged into one hybrid record.

Fields are compared after whitespace/full-width normalisation (amounts as Decimals). The merged record keeps
the deterministic reading where both have one; a field only one side read is taken from that side; every
field compared is recorded in ``record.agreement`` (agreed / disagreed / rules_only / llm_only) under its
field path, and every disagreement also becomes a ``hybrid.disagreement`` finding carrying both readings and
both locations, for the verifier and for review. Confidence is not decided here: the scorer reads
``record.agreement``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from llmextract.core.alignment import normalise
from llmextract.core.catalogue import HYBRID_DISAGREEMENT
from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.paths import GOAL_FIELDS, TEXT_FIELDS, FieldPath
from llmextract.core.records import AgreementStatus, FieldAgreement, Indicator, ProjectRecord

# Scalar fields compared one by one.
_SCALARS: tuple[str, ...] = (
    *TEXT_FIELDS,
    *GOAL_FIELDS,
    "funding.unit",
    "funding.period_total",
    "funding.annual_total",
)


def merge_hybrid(rules: ProjectRecord, llm: ProjectRecord, *, model: str) -> ProjectRecord:
    """The hybrid record of one project read by both extractors (``extractor = "hybrid:<model>"``)."""
    data = rules.model_dump()
    locations = dict(rules.field_locations)
    agreement: dict[FieldPath, FieldAgreement] = {}
    for name in _SCALARS:
        path = FieldPath(name)
        r, m = _get(rules, path), _get(llm, path)
        status = _compare(r, m)
        if status is None:
            continue  # neither reading has it: nothing to agree on
        agreement[path] = FieldAgreement(status=status, rules=_show(r), llm=_show(m))
        if status == "llm_only":
            _set(data, path, m)
            if path in llm.field_locations:
                locations[path] = llm.field_locations[path]
    indicator_agreement, indicators, sources = _merge_indicators(rules.indicators, llm.indicators)
    agreement |= indicator_agreement
    for name in agreement:
        if name.ordinal is None:
            sources[name] = [loc for rec in (rules, llm) if (loc := rec.field_locations.get(name)) is not None]
    r_cites, m_cites = _citations(rules), _citations(llm)
    if (cite_status := _compare(r_cites, m_cites)) is not None:
        agreement[FieldPath.citation(0).item] = FieldAgreement(status=cite_status, rules=r_cites, llm=m_cites)
    if not rules.basis_citations and llm.basis_citations:
        data["basis_citations"] = [c.model_dump() for c in llm.basis_citations]
    findings = [
        *rules.findings,
        *(_finding(path, a, rules, sources.get(path, [])) for path, a in agreement.items() if a.status == "disagreed"),
    ]
    data |= {
        "indicators": [i.model_dump() for i in indicators],
        "extractor": f"hybrid:{model}",
        "prompt_version": llm.prompt_version,
        "field_locations": locations,
        "findings": [f.model_dump() for f in findings],
        "agreement": agreement,
        "llm_reasks": llm.llm_reasks,
    }
    return ProjectRecord.model_validate(data)


def _merge_indicators(
    rules: list[Indicator], llm: list[Indicator]
) -> tuple[dict[FieldPath, FieldAgreement], list[Indicator], dict[FieldPath, list[Location]]]:
    """Indicators are paired by (column, normalised 三级指标名); their printed values are compared. An indicator
    only the LLM read is added with the next free ordinal. Also returns where each reading of a pair is."""
    by_key = {(i.column, normalise(i.name)): i for i in llm}
    agreement: dict[FieldPath, FieldAgreement] = {}
    sources: dict[FieldPath, list[Location]] = {}
    merged = list(rules)
    matched: set[tuple[str, str]] = set()
    for ind in rules:
        key = (ind.column, normalise(ind.name))
        path = FieldPath.indicator(ind.ordinal or 0, "value_raw")
        other = by_key.get(key)
        if other is None:
            agreement[path] = FieldAgreement(status="rules_only", rules=ind.value_raw)
            continue
        matched.add(key)
        sources[path] = [loc for loc in (ind.location, other.location) if loc is not None]
        same = normalise(ind.value_raw) == normalise(other.value_raw)
        agreement[path] = FieldAgreement(
            status="agreed" if same else "disagreed", rules=ind.value_raw, llm=other.value_raw
        )
    nxt = max((i.ordinal or 0 for i in rules), default=-1) + 1
    for key, ind in by_key.items():
        if key not in matched:
            added = ind.model_copy(update={"ordinal": nxt})
            agreement[FieldPath.indicator(nxt, "value_raw")] = FieldAgreement(status="llm_only", llm=ind.value_raw)
            merged.append(added)
            nxt += 1
    return agreement, merged, sources


def _citations(record: ProjectRecord) -> str | None:
    """The 文号 and titles of a record's citations, order-free, for comparison."""
    keys = sorted(f"{c.doc_number or ''}《{c.title or ''}》" for c in record.basis_citations)
    return "; ".join(keys) or None


def _compare(rules: Any, llm: Any) -> AgreementStatus | None:
    if rules is None and llm is None:
        return None
    if llm is None:
        return "rules_only"
    if rules is None:
        return "llm_only"
    if isinstance(rules, Decimal) and isinstance(llm, Decimal):
        return "agreed" if rules == llm else "disagreed"
    return "agreed" if normalise(str(rules)) == normalise(str(llm)) else "disagreed"


def _finding(path: FieldPath, agreement: FieldAgreement, rules: ProjectRecord, locations: list[Location]) -> Finding:
    return Finding(
        rule_id=HYBRID_DISAGREEMENT,
        severity="warning",
        message=f"{rules.name}: the rules and the LLM read {path} differently; check the source and choose one",
        expected=f"rules: {agreement.rules}",
        actual=f"llm: {agreement.llm}",
        locations=locations,
        record_id=rules.record_id,
        fields=[path],
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
