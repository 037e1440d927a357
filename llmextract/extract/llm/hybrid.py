"""Two independent readings of one project, the rules' and the LLM's, merged into one hybrid record.

Fields are compared after whitespace/full-width normalisation (amounts as Decimals). The merged record keeps
the deterministic reading where both have one; a field only one side read is taken from that side; every
field compared is recorded in ``record.agreement`` (agreed / disagreed / rules_only / llm_only) under its
field path, and every disagreement also becomes a ``hybrid.disagreement`` finding carrying both readings and
both locations, for the verifier and for review. A field one reader left blank is that reader's silence, not
a disagreement. Confidence is not decided here: the scorer reads ``record.agreement``.

Indicators are paired column by column, by position and normalised name (weights such as "(10分)",
whitespace and full/half width do not count): names equal in order pair up; between them, indicators at the
same position whose names are alike pair up too and their names are compared. A value only one of a pair
printed is taken from it (the other's blank is silence); an indicator only one reader has is kept (the LLM's
with the next free ordinal) with "one reader" agreement.
"""

from __future__ import annotations

import re
from decimal import Decimal
from difflib import SequenceMatcher
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
_WEIGHT = re.compile(r"[(（]\s*\d+(\.\d+)?\s*分\s*[)）]|\d+(\.\d+)?分$")
_ALIKE = 0.6  # names of indicators at the same position this alike are the same indicator


def indicator_key(name: str) -> str:
    """An indicator's name as compared: no weight "(10分)", no whitespace, half-width."""
    return _WEIGHT.sub("", normalise(name))


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


def one_reader(record: ProjectRecord, side: AgreementStatus) -> ProjectRecord:
    """A project only one reader has (``rules_only`` or ``llm_only``): every field it read says so."""
    agreement: dict[FieldPath, FieldAgreement] = {}
    for name in _SCALARS:
        value = _get(record, name)
        if _blank(value):
            continue
        shown = _show(value)
        agreement[FieldPath(name)] = FieldAgreement(
            status=side, rules=shown if side == "rules_only" else None, llm=shown if side == "llm_only" else None
        )
    for ind in record.indicators:
        path = FieldPath.indicator(ind.ordinal or 0, "value_raw")
        value = ind.value_raw
        agreement[path] = FieldAgreement(
            status=side, rules=value if side == "rules_only" else None, llm=value if side == "llm_only" else None
        )
    return record.model_copy(update={"agreement": {**record.agreement, **agreement}})


def _merge_indicators(
    rules: list[Indicator], llm: list[Indicator]
) -> tuple[dict[FieldPath, FieldAgreement], list[Indicator], dict[FieldPath, list[Location]]]:
    """Pairs per column (see the module doc); the LLM's unpaired indicators are added with the next free
    ordinals. Also returns where each reading of a pair is."""
    agreement: dict[FieldPath, FieldAgreement] = {}
    sources: dict[FieldPath, list[Location]] = {}
    merged = list(rules)
    taken: dict[int, Indicator] = {}  # position in ``merged`` -> the rules indicator with the LLM's value
    position = {id(ind): n for n, ind in enumerate(rules)}
    added: list[Indicator] = []
    for column in ("period", "annual"):
        mine = [i for i in rules if i.column == column]
        theirs = [i for i in llm if i.column == column]
        pairs, rules_only, llm_only = _pair_indicators(mine, theirs)
        for r, m in pairs:
            sources[FieldPath.indicator(r.ordinal or 0, "value_raw")] = [
                loc for loc in (r.location, m.location) if loc is not None
            ]
            agreement |= _compare_indicator(r, m)
            if _blank(r.value_raw) and not _blank(m.value_raw):
                taken[position[id(r)]] = r.model_copy(
                    update={k: getattr(m, k) for k in ("value_raw", "comparator", "value", "unit")}
                )
        for r in rules_only:
            agreement[FieldPath.indicator(r.ordinal or 0, "value_raw")] = FieldAgreement(
                status="rules_only", rules=r.value_raw
            )
        added.extend(llm_only)
    for n, ind in taken.items():
        merged[n] = ind
    nxt = max((i.ordinal or 0 for i in rules), default=-1) + 1
    for ind in sorted(added, key=lambda i: i.ordinal or 0):
        merged.append(ind.model_copy(update={"ordinal": nxt}))
        agreement[FieldPath.indicator(nxt, "value_raw")] = FieldAgreement(status="llm_only", llm=ind.value_raw)
        nxt += 1
    return agreement, merged, sources


def _pair_indicators(
    rules: list[Indicator], llm: list[Indicator]
) -> tuple[list[tuple[Indicator, Indicator]], list[Indicator], list[Indicator]]:
    keys_r = [indicator_key(i.name) for i in rules]
    keys_m = [indicator_key(i.name) for i in llm]
    pairs: list[tuple[Indicator, Indicator]] = []
    rules_only: list[Indicator] = []
    llm_only: list[Indicator] = []
    for op, r0, r1, m0, m1 in SequenceMatcher(None, keys_r, keys_m, autojunk=False).get_opcodes():
        if op == "equal":
            pairs.extend(zip(rules[r0:r1], llm[m0:m1], strict=True))
            continue
        for k in range(max(r1 - r0, m1 - m0)):
            r = rules[r0 + k] if r0 + k < r1 else None
            m = llm[m0 + k] if m0 + k < m1 else None
            if r is not None and m is not None and _alike(keys_r[r0 + k], keys_m[m0 + k]):
                pairs.append((r, m))
                continue
            if r is not None:
                rules_only.append(r)
            if m is not None:
                llm_only.append(m)
    return pairs, rules_only, llm_only


def _alike(a: str, b: str) -> bool:
    return bool(a and b) and (a in b or b in a or SequenceMatcher(None, a, b).ratio() >= _ALIKE)


def _compare_indicator(rules: Indicator, llm: Indicator) -> dict[FieldPath, FieldAgreement]:
    n = rules.ordinal or 0
    out = {}
    status = _compare(rules.value_raw, llm.value_raw) or "agreed"  # a blank value is that reader's silence
    out[FieldPath.indicator(n, "value_raw")] = FieldAgreement(
        status=status, rules=rules.value_raw or None, llm=llm.value_raw or None
    )
    if indicator_key(rules.name) != indicator_key(llm.name):
        out[FieldPath.indicator(n, "name")] = FieldAgreement(status="disagreed", rules=rules.name, llm=llm.name)
    return out


def _citations(record: ProjectRecord) -> str | None:
    """The 文号 and titles of a record's citations, order-free, for comparison."""
    keys = sorted(f"{c.doc_number or ''}《{c.title or ''}》" for c in record.basis_citations)
    return "; ".join(keys) or None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _compare(rules: Any, llm: Any) -> AgreementStatus | None:
    if _blank(rules) and _blank(llm):
        return None
    if _blank(llm):
        return "rules_only"
    if _blank(rules):
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
