"""Failures of llmextract itself, contained to the part that failed and said as findings.

A reader, parser or rule that raises on odd content must not cost the rest of the document: the pipeline runs
each block reader, table parser, prose paragraph and verifier rule inside :meth:`FailureLog.guard`, which turns
an exception into a finding (``extract.block-failed``, ``tables.parse-failed``, ``prose.parse-failed``,
``verify.rule-failed``) with the location, the exception type and its message. The traceback goes to the debug
log (``--debug`` prints it); the user sees one line per failure.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from llmextract.core.catalogue import BY_ID
from llmextract.core.document import Document
from llmextract.core.errors import describe_exception
from llmextract.core.findings import Finding
from llmextract.core.paths import FieldPath

log = logging.getLogger("llmextract.failures")


@dataclass
class FailureLog:
    """Collects the failure findings of one document."""

    doc: Document
    findings: list[Finding] = field(default_factory=list)

    @contextmanager
    def guard(
        self,
        rule_id: str,
        what: str,
        span: tuple[int, int] | None = None,
        *,
        record_id: str | None = None,
        fields: Iterable[FieldPath] = (),
    ) -> Iterator[None]:
        """Run the body; an exception in it becomes a ``rule_id`` finding about ``what`` at ``span``."""
        try:
            yield
        except Exception as exc:
            self.add(rule_id, what, exc, span, record_id=record_id, fields=fields)

    def add(
        self,
        rule_id: str,
        what: str,
        exc: BaseException,
        span: tuple[int, int] | None = None,
        *,
        record_id: str | None = None,
        fields: Iterable[FieldPath] = (),
    ) -> Finding:
        log.debug("%s: %s failed on %s", self.doc.source, what, span, exc_info=exc)
        start, end = span if span is not None else (0, 0)
        locations = [self.doc.location(start, end)] if span is not None and self.doc.text else []
        finding = Finding(
            rule_id=rule_id,
            severity=BY_ID[rule_id].severity,
            message=f"{what} failed ({describe_exception(exc)}); the rest of the document was read",
            actual=type(exc).__name__,
            locations=locations,
            record_id=record_id,
            fields=list(fields),
        )
        self.findings.append(finding)
        return finding
