"""Why a field's and a record's confidence is what it is, and what a finding says, in the UI's language.

The review UI speaks Chinese. Findings are named by their rule id and what the rule checks
(:data:`llmextract.core.catalogue.CHINESE`), with the finding's own arithmetic (expected / actual), never by
the verifier's English message. A field's confidence is shown as the factors of
:func:`llmextract.score.field_factors` (grounding, verification and by which rules, agreement of the two
readers), the same list the formula multiplies, so what the page says is what the score is.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmextract.core.catalogue import CHINESE, HYBRID_DISAGREEMENT
from llmextract.core.findings import Finding
from llmextract.core.paths import FieldPath
from llmextract.core.records import ProjectRecord
from llmextract.score import (
    Factor,
    FieldEvidence,
    evidence_path,
    field_confidence,
    field_factors,
    record_evidence,
    record_factors,
)

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
_FACTOR_KIND = {"grounding": "原文溯源", "verification": "数字核查", "agreement": "两种读取"}
_STATUS = {
    "grounding": {
        "exact": "原文中逐字找到",
        "normalised": "规范化后找到",
        "fuzzy": "近似找到",
        "not_found": "原文中找不到",
    },
    "verification": {"verified": "已核实", "contradicted": "与其他数字矛盾", "not_checkable": "无法核查"},
    "agreement": {
        "agreed": "规则与 LLM 一致",
        "disagreed": "规则与 LLM 不一致",
        "rules_only": "仅规则读取",
        "llm_only": "仅 LLM 读取",
    },
}
_ATTRS = {"name": "三级指标", "value": "指标值", "value_raw": "指标值", "weight": "分值", "score": "得分"}


@dataclass(frozen=True, slots=True)
class Reason:
    """One factor as a line: what it is about, its status in words, its value, and the rules behind it."""

    kind: str
    text: str
    value: float
    rules: tuple[tuple[str, str], ...] = ()  # (rule id, what it checks)
    tone: str = "ok"  # ok | weak | bad: how the page colours it


@dataclass(frozen=True, slots=True)
class FieldReasons:
    confidence: float
    reasons: tuple[Reason, ...]


def rule_text(rule_id: str) -> str:
    return CHINESE.get(rule_id, rule_id)


def field_reasons(record: ProjectRecord, path: FieldPath, evidence: dict[FieldPath, FieldEvidence]) -> FieldReasons:
    """The factors of the field's confidence; a field nothing is known about has none (confidence 1)."""
    e = evidence.get(evidence_path(path), FieldEvidence())
    checks = [c for p, c in record.number_checks.items() if evidence_path(FieldPath(p)) == path]
    rules = tuple(dict.fromkeys(r for c in checks for r in c.rules))
    reasons = []
    for factor in field_factors(e):
        text = _STATUS[factor.kind][factor.status]
        if factor.kind == "grounding" and factor.status == "fuzzy":
            text += f"（匹配度 {e.grounding_score:.2f}）"
        if factor.kind == "verification" and not rules:
            text += "：文档中没有其他数字与它相关"
        shown = tuple((r, rule_text(r)) for r in rules) if factor.kind == "verification" else ()
        reasons.append(Reason(_FACTOR_KIND[factor.kind], text, factor.value, shown, _tone(factor.value)))
    return FieldReasons(field_confidence(e), tuple(reasons))


def record_reasons(record: ProjectRecord, labels: dict[str, str]) -> tuple[float, list[Reason]]:
    """The record's confidence by the formula and its factors: weakest field, re-asks, findings."""
    evidence = record_evidence(record)
    factors = record_factors(evidence, record.findings, reasks=record.llm_reasks)
    product = 1.0
    for factor in factors:
        product *= factor.value
    return round(product, 4), [_record_reason(f, record, labels) for f in factors]


def _record_reason(factor: Factor, record: ProjectRecord, labels: dict[str, str]) -> Reason:
    if factor.kind == "weakest-field":
        label = field_label(record, FieldPath(factor.status), labels)
        return Reason("最弱字段", label, factor.value, (), _tone(factor.value))
    if factor.kind == "reask":
        return Reason("LLM 重问", f"{factor.status} 次", factor.value, (), "weak")
    rule = factor.status
    severity = next((f.severity for f in record.findings if f.rule_id == rule), "warning")
    return Reason(f"{SEVERITY[severity]}发现", rule, factor.value, ((rule, rule_text(rule)),), _tone(factor.value))


def field_label(record: ProjectRecord, path: FieldPath, labels: dict[str, str]) -> str:
    """A field's name as the page shows it; an indicator attribute that is not reviewed by itself (分值) gets
    its indicator's name and the attribute."""
    if path in labels:
        return labels[path]
    if path.ordinal is not None:
        ind = record.indicator(path.ordinal)
        name = ind.name if ind is not None else f"指标 {path.ordinal}"
        return f"{name} · {_ATTRS.get(path.attr or '', path.attr or '')}".rstrip(" ·")
    return str(path)


@dataclass(frozen=True, slots=True)
class FindingLine:
    """A finding as the page shows it."""

    finding: Finding
    severity: str
    rule_id: str
    text: str
    fields: tuple[str, ...]
    expected: str | None
    actual: str | None
    readings: tuple[str, str] | None  # (rules, llm) of a disagreement
    page: int | None


def finding_line(finding: Finding, record: ProjectRecord, labels: dict[str, str]) -> FindingLine:
    readings = None
    expected, actual = finding.expected, finding.actual
    if finding.rule_id == HYBRID_DISAGREEMENT:
        readings = (_strip(expected, "rules: "), _strip(actual, "llm: "))
        expected = actual = None
    return FindingLine(
        finding=finding,
        severity=SEVERITY.get(finding.severity, finding.severity),
        rule_id=finding.rule_id,
        text=rule_text(finding.rule_id),
        fields=tuple(dict.fromkeys(field_label(record, FieldPath(p), labels) for p in finding.fields)),
        expected=expected,
        actual=actual,
        readings=readings,
        page=finding.locations[0].page if finding.locations else None,
    )


def _strip(text: str | None, prefix: str) -> str:
    text = text or ""
    return text[len(prefix) :] if text.startswith(prefix) else text


def _tone(value: float) -> str:
    return "ok" if value >= 0.95 else "weak" if value >= 0.8 else "bad"
