"""Judged claims: every error the verifier claims on a real document, checked by hand against the printed page.

A *claim* is a finding of severity ``error`` from a verifier rule (``table.*``, ``cross.*``, ``prose.*``,
``record.*``): the tool says the document contradicts itself. Reading findings (``reading.*``, ``extract.*``,
``llm.*``, ``hybrid.*``) are about llmextract's own reading, never claims. A judge reads the page and records a
*verdict*: true (the document is inconsistent as claimed) or false (a misreading by llmextract).
``evals/judged/*.json`` holds one file per corpus document; its format and the claim key are documented in
``evals/judged/README.md``.

The key identifies a claim across code changes without depending on the message wording: the rule, the pages
the finding points at, and the numbers the claim opposes: those of ``actual`` (what the document prints) and of
the result of ``expected`` (what its other figures imply: the text after the last "=", or all of ``expected``
when it has none), leaving out digits inside a parenthesis that names a table ("(表3：2026年…总表)"). The itemised
parts before the "=" are left out, so listing them differently (a "+ 0" term, another order, a shortened list)
keeps the key. Two claims of one document can share a key (the same relation
failing in two columns of one row); the key then counts them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from llmextract.core.findings import Finding

NOT_CLAIMS = ("reading.", "extract.", "llm.", "hybrid.")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# A parenthesis holding Chinese text names a table or a source ("(表3：2026年市级部门支出预算总表)"): its digits
# are part of a name, not figures of the claim.
_NAMED = re.compile(r"[（(][^（）()]*[\u4e00-\u9fff][^（）()]*[)）]")
_SHA256 = r"^[0-9a-f]{64}$"


def is_claim(finding: Finding) -> bool:
    """An error about the document (not about llmextract's reading of it)."""
    return finding.severity == "error" and not finding.rule_id.startswith(NOT_CLAIMS)


def claim_key(finding: Finding) -> str:
    """``rule_id|p<pages>|<numbers>``: the pages the finding points at (ascending, ``+``-joined) and the distinct
    numbers of ``actual`` and of the result of ``expected`` (thousands separators and trailing zeros dropped,
    ascending)."""
    pages = {loc.page for loc in finding.locations if loc.page is not None}
    return key_of(finding.rule_id, pages, finding.expected, finding.actual)


def key_of(rule_id: str, pages: Iterable[int], expected: str | None, actual: str | None) -> str:
    text = f"{(expected or '').rsplit('=', 1)[-1]} {actual or ''}"
    while (unnamed := _NAMED.sub(" ", text)) != text:  # innermost first: names hold parentheses too
        text = unnamed
    numbers = {_normal(n) for n in _NUMBER.findall(text)}
    ordered = sorted(numbers, key=Decimal)
    return f"{rule_id}|p{'+'.join(str(p) for p in sorted(set(pages)))}|{' '.join(ordered)}"


def _normal(text: str) -> str:
    value = Decimal(text.replace(",", "")).normalize()
    return f"{value:f}"


class JudgedClaim(BaseModel):
    """One claim and its verdict, with what the page prints and the arithmetic that decides it."""

    model_config = ConfigDict(extra="forbid")

    key: str
    rule_id: str
    pages: list[int]
    message: str
    expected: str | None = None
    actual: str | None = None
    count: int = Field(default=1, ge=1, description="claims of the document with this key")
    verdict: bool = Field(description="true: the document is inconsistent as claimed; false: a misreading")
    printed: str = Field(min_length=1, description="the numbers the page(s) print, quoted with their labels")
    arithmetic: str = Field(min_length=1, description="the computation on the printed numbers")
    reason: str = Field(min_length=1, description="one line: why the claim is true or false")
    mechanism: str | None = Field(
        default=None, description="false claims: the misreading family (V1…V10 of the families notes, or a new id)"
    )
    open: bool = Field(
        default=False,
        description="false claims: the verifier still made it at the last check (the misreading is not fixed); "
        "once closed, it must never come back",
    )

    @model_validator(mode="after")
    def _false_only_fields(self) -> JudgedClaim:
        if self.verdict and (self.open or self.mechanism):
            raise ValueError(f"{self.key}: a true claim has no mechanism and is never open")
        if not self.verdict and not self.mechanism:
            raise ValueError(f"{self.key}: a false claim names its mechanism")
        return self


class JudgedDocument(BaseModel):
    """The verdicts on every claim of one corpus document (``evals/judged/<city>-<short name>.json``)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="path relative to the corpus folder (../shared/corpus)")
    doc_sha256: str = Field(pattern=_SHA256)
    split: Literal["in_sample", "held_out"]
    fixture: str | None = Field(
        default=None, description="the copy the test suite verifies (path from the repository root), if any"
    )
    judged_at: str = Field(description="the commit of llmextract whose claims were judged")
    judge: str
    notes: list[str] = Field(default_factory=list)
    claims: list[JudgedClaim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_entry_per_key(self) -> JudgedDocument:
        keys = Counter(c.key for c in self.claims)
        if doubled := sorted(k for k, n in keys.items() if n > 1):
            raise ValueError(f"{self.source}: one entry per key (use count): {doubled}")
        return self


def load_judged(directory: Path) -> dict[Path, JudgedDocument]:
    """Every judged document of ``directory`` (``*.json``) by file, in file-name order."""
    return {
        path: JudgedDocument.model_validate(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.json"))
    }


def save_judged(path: Path, judged: JudgedDocument) -> None:
    path.write_text(json.dumps(judged.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@dataclass
class Comparison:
    """Today's claims of one document against its verdicts; each list holds one key per claim."""

    true_kept: list[str] = field(default_factory=list)
    true_missing: list[str] = field(default_factory=list)
    false_open: list[str] = field(default_factory=list)  # known misreadings, still made
    false_back: list[str] = field(default_factory=list)  # misreadings judged fixed, made again
    false_fixed: list[str] = field(default_factory=list)  # open misreadings the verifier no longer makes
    unjudged: list[str] = field(default_factory=list)

    @property
    def claims(self) -> int:
        """Claims made today."""
        return len(self.true_kept) + len(self.false_open) + len(self.false_back) + len(self.unjudged)

    @property
    def judged_true(self) -> int:
        return len(self.true_kept)

    @property
    def judged_false(self) -> int:
        return len(self.false_open) + len(self.false_back)


def compare(judged: JudgedDocument, findings: Iterable[Finding]) -> Comparison:
    """Sort ``findings``' claims by verdict, and find the judged claims no longer made. A key made more often
    than its ``count`` is unjudged for the rest; a false claim made fewer times than its count is fixed for the
    rest only when it is no longer made at all (its ``open`` flag is per key)."""
    today = Counter(claim_key(f) for f in findings if is_claim(f))
    entries = {c.key: c for c in judged.claims}
    out = Comparison()
    for key, n in sorted(today.items()):
        entry = entries.get(key)
        known = min(n, entry.count) if entry else 0
        if entry and entry.verdict:
            out.true_kept += [key] * known
        elif entry:
            (out.false_open if entry.open else out.false_back).extend([key] * known)
        out.unjudged += [key] * (n - known)
    for entry in judged.claims:
        made = today.get(entry.key, 0)
        if entry.verdict and made < entry.count:
            out.true_missing += [entry.key] * (entry.count - made)
        elif not entry.verdict and entry.open and not made:
            out.false_fixed += [entry.key] * entry.count
    return out


def close_fixed(judged: JudgedDocument, comparison: Comparison) -> JudgedDocument:
    """``judged`` with the open false claims the verifier no longer makes closed (so they cannot come back)."""
    fixed = set(comparison.false_fixed)
    claims = [c.model_copy(update={"open": False}) if c.key in fixed else c for c in judged.claims]
    return judged.model_copy(update={"claims": claims})
