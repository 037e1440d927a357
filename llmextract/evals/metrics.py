"""Extraction metrics of one document against its gold records, and the verifier against gold inconsistencies.

Definitions (also in the report's ``definitions``):

- project tables: precision = matched ÷ extracted records, recall = matched ÷ gold records;
- exact fields: accuracy over matched pairs, equal after whitespace normalisation (amounts as Decimals; both
  empty counts as equal);
- text fields (项目概况, 立项依据, goals): mean character-level F1 over matched pairs;
- indicators: precision / recall / F1 of the (三级指标, 指标值) multiset, whitespace-normalised, over all records
  (indicators of unmatched records count as misses or false positives); level accuracy = share of matched
  indicators whose 一级 and 二级 are also equal;
- numeric accuracy: share of the gold amounts (资金 totals and sources) of matched records reproduced exactly;
- annual funds: share of ALL gold records printing a 年度资金总额 whose record carries exactly that amount (a
  record not found counts as wrong);
- a record is *erroneous* when unmatched (spurious), or when any exact field, any amount or any indicator differs,
  or a text field's F1 is below ``TEXT_OK``;
- verifier: a gold inconsistency is found by an error/warning finding of the same rule family (the part of the
  rule id before the dot) on the same page whose location overlaps the annotated quote (page alone when the
  quote cannot be found in the text); precision = findings that match some inconsistency ÷ findings.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any, Self

from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.paths import FUNDING_AMOUNTS, FUNDING_SOURCES, GOAL_FIELDS, SOURCE_GROUPS
from llmextract.evals.matching import char_f1, get_path, match_records, norm

EXACT_FIELDS = (
    "name",
    "department",
    "department_code",
    "implementing_unit",
    "attribute",
    "period",
    "funding.unit",
)
AMOUNT_FIELDS = (
    *(f"funding.{a}" for a in FUNDING_AMOUNTS),
    *(f"funding.{g}.{s}" for g in SOURCE_GROUPS for s in FUNDING_SOURCES),
)
# Long text scored by character F1 (the rest of the text fields must match exactly).
TEXT_FIELDS = ("overview", "basis", *GOAL_FIELDS)
TEXT_OK = 0.9


class Counts:
    """Counters that add up field by field: a document's counts, summed over a suite, are the suite's."""

    def __iadd__(self, other: Self) -> Self:
        for f in fields(self):  # type: ignore[arg-type]
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def __add__(self, other: Self) -> Self:
        out = copy.deepcopy(self)
        out += other
        return out


@dataclass
class RecordScore:
    gold_name: str | None
    predicted_name: str | None
    erroneous: bool
    confidence: float | None = None
    needs_review: bool = False


@dataclass
class ExtractionMetrics(Counts):
    gold_records: int = 0
    predicted_records: int = 0
    matched: int = 0
    field_correct: Counter[str] = field(default_factory=Counter)
    field_total: Counter[str] = field(default_factory=Counter)
    text_f1_sum: Counter[str] = field(default_factory=Counter)
    indicators_gold: int = 0
    indicators_predicted: int = 0
    indicators_matched: int = 0
    indicator_levels_correct: int = 0
    numbers_gold: int = 0
    numbers_correct: int = 0
    annual_gold: int = 0  # gold records printing a 年度资金总额 (matched or not)
    annual_correct: int = 0  # … whose matched record has exactly that amount
    records: list[RecordScore] = field(default_factory=list)


def _indicator_key(ind: dict[str, Any]) -> tuple[str | None, str | None]:
    return norm(ind.get("name")), norm(ind.get("value_raw"))


def _levels(ind: dict[str, Any]) -> tuple[str | None, str | None]:
    return norm(ind.get("level1")), norm(ind.get("level2"))


def _compare_indicators(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> tuple[int, int]:
    """(matched pairs, of which levels agree)."""
    pool: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
    for ind in predicted:
        pool.setdefault(_indicator_key(ind), []).append(ind)
    matched = levels = 0
    for ind in gold:
        candidates = pool.get(_indicator_key(ind))
        if candidates:
            other = candidates.pop(0)
            matched += 1
            levels += _levels(ind) == _levels(other)
    return matched, levels


def score_extraction(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]], confidence: list[tuple[float, bool]]
) -> ExtractionMetrics:
    """Compare one document's extracted records (dicts, with ``confidence`` = (score, needs_review) each)."""
    m = ExtractionMetrics(gold_records=len(gold), predicted_records=len(predicted))
    pairs = match_records(gold, predicted)
    m.matched = len(pairs)
    matched_pred = {pi for _, pi in pairs}
    for g in gold:
        m.indicators_gold += len(g.get("indicators") or [])
        m.annual_gold += get_path(g, "funding.annual_total") is not None
    for p in predicted:
        m.indicators_predicted += len(p.get("indicators") or [])
    for gi, pi in pairs:
        g, p = gold[gi], predicted[pi]
        wrong = False
        for name in (*EXACT_FIELDS, *AMOUNT_FIELDS):
            ok = norm(get_path(g, name)) == norm(get_path(p, name))
            m.field_total[name] += 1
            m.field_correct[name] += ok
            wrong |= not ok
        annual = get_path(g, "funding.annual_total")
        m.annual_correct += annual is not None and norm(annual) == norm(get_path(p, "funding.annual_total"))
        for name in AMOUNT_FIELDS:
            if get_path(g, name) is not None:
                m.numbers_gold += 1
                m.numbers_correct += norm(get_path(g, name)) == norm(get_path(p, name))
        for name in TEXT_FIELDS:
            f1 = char_f1(get_path(g, name), get_path(p, name))
            m.text_f1_sum[name] += f1
            wrong |= f1 < TEXT_OK
        g_ind, p_ind = g.get("indicators") or [], p.get("indicators") or []
        matched, levels = _compare_indicators(g_ind, p_ind)
        m.indicators_matched += matched
        m.indicator_levels_correct += levels
        wrong |= matched != len(g_ind) or matched != len(p_ind) or levels != matched
        score, review = confidence[pi]
        m.records.append(RecordScore(g.get("name"), p.get("name"), wrong, score, review))
    for pi, p in enumerate(predicted):
        if pi not in matched_pred:
            score, review = confidence[pi]
            m.records.append(RecordScore(None, p.get("name"), True, score, review))
    return m


@dataclass
class VerifierMetrics(Counts):
    inconsistencies: int = 0
    findings: int = 0
    found: int = 0  # gold inconsistencies matched by a finding
    true_findings: int = 0  # findings matching some gold inconsistency
    missed: list[str] = field(default_factory=list)


def _family(rule_id: str | None) -> str:
    return (rule_id or "").split(".")[0]


def _matches(doc: Document, inc: dict[str, Any], finding: Finding) -> bool:
    if _family(inc.get("rule_id")) != _family(finding.rule_id):
        return False
    page = inc.get("page")
    on_page = [loc for loc in finding.locations if page is None or loc.page == page]
    if not on_page:
        return False
    quote = "".join((inc.get("quote") or "").split())
    if not quote:
        return True
    spans = _quote_spans(doc, quote)
    if not spans:
        return True
    return any(loc.start < end and start < loc.end for loc in on_page for start, end in spans)


def _quote_spans(doc: Document, quote: str) -> list[tuple[int, int]]:
    """Where a quote occurs in the text, ignoring whitespace (annotators copy across line breaks)."""
    compact: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(doc.text):
        if not ch.isspace():
            compact.append(ch)
            offsets.append(i)
    text = "".join(compact)
    spans = []
    start = text.find(quote)
    while start != -1:
        spans.append((offsets[start], offsets[start + len(quote) - 1] + 1))
        start = text.find(quote, start + 1)
    return spans


def score_verifier(doc: Document, inconsistencies: list[dict[str, Any]], findings: list[Finding]) -> VerifierMetrics:
    flagged = [f for f in findings if f.severity in ("error", "warning")]
    m = VerifierMetrics(inconsistencies=len(inconsistencies), findings=len(flagged))
    for inc in inconsistencies:
        if any(_matches(doc, inc, f) for f in flagged):
            m.found += 1
        else:
            m.missed.append(f"{inc.get('rule_id')} p.{inc.get('page')}: {inc.get('quote')}")
    m.true_findings = sum(any(_matches(doc, inc, f) for inc in inconsistencies) for f in flagged)
    return m
