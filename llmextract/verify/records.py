"""Verifying extracted records: grounding of every text field, the record rules, and a status for every number.

``verify_records`` is pure and deterministic: it returns copies of the records with ``field_grounding``,
``number_checks``, corrected ``field_locations`` and the findings of the record rules (replacing earlier
findings of the same rules, so verifying twice gives the same record). A rule that raises on odd content
becomes a ``verify.rule-failed`` finding on the record, the numbers it looks at are not checkable for that
reason, and the other rules and records are checked as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from llmextract.core.catalogue import RULE_FAILED, RULES
from llmextract.core.claims import NarrativeClaim
from llmextract.core.document import Document
from llmextract.core.records import ProjectRecord
from llmextract.tables import BudgetTable, parse_tables
from llmextract.verify.completeness import check_completeness
from llmextract.verify.dept_table import check_dept_table
from llmextract.verify.disclosed import check_disclosed, disclosed_claim
from llmextract.verify.evaluation import check_evaluation
from llmextract.verify.grounding import Grounded, ground
from llmextract.verify.indicator_rules import check_indicator_arithmetic
from llmextract.verify.ledger import RecordLedger
from llmextract.verify.project_list import check_project_list
from llmextract.verify.prose import claims
from llmextract.verify.record_rules import check_funding
from llmextract.verify.report import Checker, VerificationReport
from llmextract.verify.trust import distrust

RECORD_RULES = frozenset(
    {*(r.id for r in RULES if r.id.startswith(("record.", "grounding.", "reading."))), RULE_FAILED}
)

# A rule sees the document, the record, its ledger, the document's tables and all its records (a project list
# line may belong to another record of the same name).
RecordRule = Callable[[Document, ProjectRecord, RecordLedger, list[BudgetTable], list[ProjectRecord]], None]

_RULES: tuple[tuple[str, RecordRule], ...] = (
    ("funding", lambda doc, r, led, tables, records: check_funding(r, led)),
    ("project list", lambda doc, r, led, tables, records: check_project_list(r, led, tables, records)),
    ("indicator arithmetic", lambda doc, r, led, tables, records: check_indicator_arithmetic(r, led)),
    ("department table", lambda doc, r, led, tables, records: check_dept_table(doc, r, led, tables)),
    ("self-evaluation", lambda doc, r, led, tables, records: check_evaluation(doc, r, led)),
    ("reading completeness", lambda doc, r, led, tables, records: check_completeness(doc, r, led)),
)


@dataclass(frozen=True)
class RecordsVerification:
    records: list[ProjectRecord]
    report: VerificationReport  # the record rules' counts and findings (document-level ones included)


def check_records(
    doc: Document,
    records: list[ProjectRecord],
    tables: list[BudgetTable] | None = None,
    prose: list[NarrativeClaim] | None = None,
) -> RecordsVerification:
    tables = parse_tables(doc) if tables is None else tables
    prose = claims(doc) if prose is None else prose
    checker = Checker(doc)
    with checker.guard("judging the tables' readings"):
        distrust(doc, tables, checker)
    pairs: list[tuple[ProjectRecord, RecordLedger]] = []
    groundings = []
    for record in records:
        ledger = RecordLedger(doc, record, checker)
        grounded: Grounded | None = None
        with _contained(checker, ledger, "grounding"):
            grounded = ground(doc, record, ledger)
        for what, rule in _RULES:
            with _contained(checker, ledger, f"the {what} rule"):
                rule(doc, record, ledger, tables, records)
        locations = grounded.locations if grounded is not None else record.field_locations
        pairs.append((record.model_copy(update={"field_locations": locations}), ledger))
        groundings.append(grounded.groundings if grounded is not None else {})
    with checker.guard("the disclosed-tables rule"):
        check_disclosed(disclosed_claim(prose), pairs, checker)
    out = []
    for (record, ledger), grounding in zip(pairs, groundings, strict=True):
        kept = [f for f in record.findings if f.rule_id not in RECORD_RULES]
        out.append(
            record.model_copy(
                update={
                    "findings": kept + ledger.findings,
                    "field_grounding": grounding,
                    "number_checks": ledger.number_checks(),
                }
            )
        )
    return RecordsVerification(out, checker.report)


@contextmanager
def _contained(checker: Checker, ledger: RecordLedger, what: str) -> Iterator[None]:
    """One record rule; if it raises, the failure is the record's finding and its numbers are not checkable
    for that reason (a rule that ran before keeps what it found)."""
    record = ledger.record
    span = (record.location.start, record.location.end)
    before = len(checker.report.findings)
    with checker.guard(f"{what} on {record.name!r}", span, record_id=record.record_id):
        yield
    for failure in checker.report.findings[before:]:
        if failure.rule_id == RULE_FAILED:
            ledger.findings.append(failure)
            ledger.note(RULE_FAILED, ledger.numbers, failure.message)


def verify_records(
    doc: Document, records: list[ProjectRecord], *, tables: list[BudgetTable] | None = None
) -> list[ProjectRecord]:
    """Copies of ``records`` with grounding, a status for every number and the record rules' findings."""
    return check_records(doc, records, tables).records
