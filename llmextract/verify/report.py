"""Check bookkeeping: every check ends passed, failed (a finding) or not checkable (an info finding)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from llmextract.core.catalogue import BY_ID, RULE_FAILED
from llmextract.core.document import Document
from llmextract.core.failures import FailureLog
from llmextract.core.findings import Finding, Severity
from llmextract.core.locations import Location
from llmextract.core.paths import FieldPath

Span = tuple[int, int]


@dataclass
class VerificationReport:
    doc_id: str
    source: str
    findings: list[Finding] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    not_checkable: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def checks_run(self) -> int:
        return self.passed + self.failed + self.not_checkable

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.count("error") > 0

    def merged(self, other: VerificationReport) -> VerificationReport:
        """This report and another one on the same document (the record rules' report) as one."""
        return VerificationReport(
            self.doc_id,
            self.source,
            [*self.findings, *other.findings],
            self.passed + other.passed,
            self.failed + other.failed,
            self.not_checkable + other.not_checkable,
            self.by_rule + other.by_rule,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "summary": {
                "checks_run": self.checks_run,
                "passed": self.passed,
                "failed": self.failed,
                "not_checkable": self.not_checkable,
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "info": self.count("info"),
            },
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


class Checker:
    """What the rules report to; turns spans into locations and keeps the counts."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.report = VerificationReport(doc.doc_id, doc.source)
        self._failures = FailureLog(doc)
        self._distrusted: list[tuple[Span, str]] = []

    def distrust(self, span: Span, reason: str) -> None:
        """Figures inside ``span`` (a table whose reading is not trusted) may not make a failure: a check that
        fails on one of them is not checkable, for ``reason``."""
        self._distrusted.append((span, reason))

    def distrusted(self, spans: Iterable[Span]) -> str | None:
        """Why a check on these spans is not checkable, or None when no span lies in a distrusted table."""
        for start, end in spans:
            for (lo, hi), reason in self._distrusted:
                if lo <= start and end <= hi:
                    return reason
        return None

    def absorb(self, report: VerificationReport, *, failures: bool = True) -> None:
        """Another checker's results as this one's (``failures=False``: its passes only)."""
        failed = Counter(f.rule_id for f in report.findings if f.severity != "info")
        self.report.passed += report.passed
        self.report.by_rule.update(report.by_rule if failures else report.by_rule - failed)
        if failures:
            self.report.failed += report.failed
            self.report.not_checkable += report.not_checkable
            self.report.findings.extend(report.findings)

    @contextmanager
    def guard(self, what: str, span: tuple[int, int] | None = None, *, record_id: str | None = None) -> Iterator[None]:
        """Run one rule; if it raises, a ``verify.rule-failed`` finding replaces its results and the other
        rules still run."""
        before = len(self._failures.findings)
        with self._failures.guard(RULE_FAILED, what, span, record_id=record_id):
            yield
        for finding in self._failures.findings[before:]:
            self.report.not_checkable += 1
            self.report.by_rule[RULE_FAILED] += 1
            self.report.findings.append(finding)

    def passed(self, rule_id: str) -> None:
        self.report.passed += 1
        self.report.by_rule[rule_id] += 1

    def check(self, ok: bool, rule_id: str, message: str, expected: str, actual: str, spans: list[Span]) -> None:
        if ok:
            self.passed(rule_id)
        else:
            self.failed(rule_id, message, expected, actual, spans)

    def failed(
        self,
        rule_id: str,
        message: str,
        expected: str,
        actual: str,
        spans: list[Span],
        record_id: str | None = None,
        fields: Iterable[FieldPath] = (),
    ) -> Finding:
        reason = self.distrusted(spans)
        if reason is not None:
            return self.unchecked(rule_id, f"{message} — not checkable: {reason}", spans, record_id, fields)
        self.report.failed += 1
        self.report.by_rule[rule_id] += 1
        return self._add(rule_id, BY_ID[rule_id].severity, message, expected, actual, spans, record_id, fields)

    def unchecked(
        self,
        rule_id: str,
        message: str,
        spans: list[Span],
        record_id: str | None = None,
        fields: Iterable[FieldPath] = (),
    ) -> Finding:
        self.report.not_checkable += 1
        self.report.by_rule[rule_id] += 1
        return self._add(rule_id, "info", message, None, None, spans, record_id, fields)

    def _add(
        self,
        rule_id: str,
        severity: Severity,
        message: str,
        expected: str | None,
        actual: str | None,
        spans: list[Span],
        record_id: str | None,
        fields: Iterable[FieldPath],
    ) -> Finding:
        locations: list[Location] = [self.doc.location(s, e) for s, e in spans]
        finding = Finding(
            rule_id=rule_id,
            severity=severity,
            message=message,
            expected=expected,
            actual=actual,
            locations=locations,
            record_id=record_id,
            fields=list(fields),
        )
        self.report.findings.append(finding)
        return finding
