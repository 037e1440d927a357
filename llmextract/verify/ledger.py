"""Per-record bookkeeping: every check on a record ends passed, failed (a finding) or not checkable, and
every number of the record collects the results of the checks that looked at it.

A number's status is derived, never set: contradicted when any check on it failed, verified when one held
(and none failed), otherwise not checkable with the reason the rules gave (or the default one). Checks that
only bound a number (实施期 ≥ 年度) can contradict it but never verify it: a bound is not a restatement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from llmextract.core.catalogue import BY_ID
from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.paths import FUNDING_AMOUNTS, SOURCE_GROUPS, FieldPath
from llmextract.core.records import Indicator, NumberCheck, ProjectRecord
from llmextract.verify.report import Checker, Span

_NO_RELATION = "no other figure in the document restates or constrains it"
_TARGET = "an indicator target: nothing in the document restates it"


def record_numbers(record: ProjectRecord) -> dict[FieldPath, Decimal]:
    """Every number of a record by field path (``funding.sources.local``, ``indicators[3].value``)."""
    out: dict[FieldPath, Decimal] = {}
    funding = record.funding
    for name in FUNDING_AMOUNTS:
        value = getattr(funding, name)
        if value is not None:
            out[FieldPath(f"funding.{name}")] = value
    for group in SOURCE_GROUPS:
        for name, value in getattr(funding, group):
            if value is not None:
                out[FieldPath(f"funding.{group}.{name}")] = value
    for ind in record.indicators:
        for name in ("value", "weight", "score"):
            value = getattr(ind, name)
            if value is not None:
                out[FieldPath.indicator(ind.ordinal or 0, name)] = value
    return out


@dataclass
class _Result:
    rules: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, rule_id: str, note: str) -> None:
        if rule_id not in self.rules:
            self.rules.append(rule_id)
        if note and note not in self.notes:
            self.notes.append(note)


class RecordLedger:
    """What the record rules report to, for one record; also counts into the document's report."""

    def __init__(self, doc: Document, record: ProjectRecord, checker: Checker) -> None:
        self.doc = doc
        self.record = record
        self.checker = checker
        self.findings: list[Finding] = []
        self.numbers = record_numbers(record)
        self._results: dict[FieldPath, _Result] = {}

    def passed(self, rule_id: str, paths: Iterable[str], note: str, *, verifies: bool = True) -> None:
        self.checker.passed(rule_id)
        for path in paths:
            result = self._result(path)
            result.add(rule_id, note)
            if verifies:
                result.passed.append(rule_id)

    def failed(
        self,
        rule_id: str,
        message: str,
        expected: str,
        actual: str,
        spans: list[Span],
        paths: Iterable[str] = (),
    ) -> None:
        reason = self.checker.distrusted(spans)
        if reason is not None:
            self.unchecked(rule_id, f"{message} — not checkable: {reason}", spans, paths)
            return
        fields = [FieldPath(p) for p in paths]
        for path in fields:
            result = self._result(path)
            result.add(rule_id, f"{expected} ≠ {actual}")
            result.failed.append(rule_id)
        message = message if self.record.name in message else f"{self.record.name}: {message}"
        self.findings.append(
            self.checker.failed(rule_id, message, expected, actual, spans, self.record.record_id, fields)
        )

    def warned(
        self,
        rule_id: str,
        message: str,
        expected: str,
        actual: str,
        spans: list[Span],
        paths: Iterable[str] = (),
    ) -> None:
        """A warning about numbers that may be wrong or merely unfilled: a finding, and the numbers stay
        unverified (noted, not contradicted)."""
        fields = [FieldPath(p) for p in paths]
        self.note(rule_id, fields, f"{expected} ≠ {actual}: {BY_ID[rule_id].description}")
        message = message if self.record.name in message else f"{self.record.name}: {message}"
        self.findings.append(
            self.checker.failed(rule_id, message, expected, actual, spans, self.record.record_id, fields)
        )

    def unchecked(self, rule_id: str, message: str, spans: list[Span], paths: Iterable[str] = ()) -> None:
        """A check that could not be made: an info finding, and the reason noted on the numbers."""
        fields = [FieldPath(p) for p in paths]
        self.note(rule_id, fields, message)
        message = message if self.record.name in message else f"{self.record.name}: {message}"
        self.findings.append(self.checker.unchecked(rule_id, message, spans, self.record.record_id, fields))

    def confirm(self, rule_id: str, paths: Iterable[str]) -> None:
        """Numbers a check counted elsewhere (a document-level relation over several records) verified."""
        for path in paths:
            result = self._result(path)
            result.add(rule_id, "")
            result.passed.append(rule_id)

    def contradict(self, rule_id: str, paths: Iterable[str], note: str) -> None:
        """Numbers a failure already reported (the same arithmetic in the other column) contradicted too."""
        for path in paths:
            result = self._result(path)
            result.add(rule_id, note)
            result.failed.append(rule_id)

    def note(self, rule_id: str, paths: Iterable[str], note: str) -> None:
        """Why a rule did not check the numbers (no finding: nothing a reader needs to act on)."""
        for path in paths:
            self._result(path).add(rule_id, note)

    def number_checks(self) -> dict[FieldPath, NumberCheck]:
        out: dict[FieldPath, NumberCheck] = {}
        for path in self.numbers:
            result = self._results.get(path, _Result())
            if result.failed:
                status = "contradicted"
            elif result.passed:
                status = "verified"
            else:
                status = "not_checkable"
            note = "; ".join(result.notes) or (_TARGET if path.is_indicator else _NO_RELATION)
            out[path] = NumberCheck(status=status, rules=list(result.rules), note=note)
        return out

    def _result(self, path: str) -> _Result:
        return self._results.setdefault(FieldPath(path), _Result())


def by_ordinal(record: ProjectRecord) -> Iterator[tuple[int, Indicator]]:
    """(ordinal, indicator) pairs: what field paths name indicators by."""
    for ind in record.indicators:
        yield ind.ordinal or 0, ind
