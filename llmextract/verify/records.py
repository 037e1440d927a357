"""Verifying extracted records: grounding of every text field, the record rules, and a status for every number.

``verify_records`` is pure and deterministic: it returns copies of the records with ``field_grounding``,
``number_checks``, corrected ``field_locations`` and the findings of the record rules (replacing earlier
findings of the same rules, so verifying twice gives the same record). A rule that trips over odd content
leaves its numbers not checkable instead of stopping the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from llmextract.core.document import Document
from llmextract.core.records import ProjectRecord
from llmextract.tables import BudgetTable, parse_tables
from llmextract.verify.dept_table import check_dept_table
from llmextract.verify.disclosed import check_disclosed, disclosed_claim
from llmextract.verify.evaluation import check_evaluation
from llmextract.verify.grounding import ground
from llmextract.verify.indicator_rules import check_indicator_arithmetic
from llmextract.verify.ledger import RecordLedger
from llmextract.verify.project_list import check_project_list
from llmextract.verify.prose import claims
from llmextract.verify.record_rules import check_funding
from llmextract.verify.report import Checker, VerificationReport
from llmextract.verify.rules import RULES

log = logging.getLogger(__name__)

RECORD_RULES = frozenset(r.id for r in RULES if r.id.startswith(("record.", "grounding.")))

RecordRule = Callable[[Document, ProjectRecord, RecordLedger, list[BudgetTable]], None]

_RULES: tuple[tuple[str, RecordRule], ...] = (
    ("funding", lambda doc, r, led, tables: check_funding(r, led)),
    ("project list", lambda doc, r, led, tables: check_project_list(r, led, tables)),
    ("indicator arithmetic", lambda doc, r, led, tables: check_indicator_arithmetic(r, led)),
    ("department table", lambda doc, r, led, tables: check_dept_table(doc, r, led, tables)),
    ("self-evaluation", lambda doc, r, led, tables: check_evaluation(doc, r, led)),
)


@dataclass(frozen=True)
class RecordsVerification:
    records: list[ProjectRecord]
    report: VerificationReport  # the record rules' counts and findings (document-level ones included)


def check_records(
    doc: Document, records: list[ProjectRecord], tables: list[BudgetTable] | None = None
) -> RecordsVerification:
    tables = parse_tables(doc) if tables is None else tables
    checker = Checker(doc)
    pairs: list[tuple[ProjectRecord, RecordLedger]] = []
    groundings = []
    for record in records:
        ledger = RecordLedger(doc, record, checker)
        grounded = ground(doc, record, ledger)
        for what, rule in _RULES:
            try:
                rule(doc, record, ledger, tables)
            except (ArithmeticError, ValueError, IndexError, KeyError) as exc:
                # Odd content must not cost the other rules or records; the numbers stay not checkable.
                log.warning("%s: %s rule failed on %r: %s", doc.source, what, record.name, exc)
        pairs.append((record.model_copy(update={"field_locations": grounded.locations}), ledger))
        groundings.append(grounded.groundings)
    check_disclosed(disclosed_claim(claims(doc)), pairs, checker)
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


def verify_records(
    doc: Document, records: list[ProjectRecord], *, tables: list[BudgetTable] | None = None
) -> list[ProjectRecord]:
    """Copies of ``records`` with grounding, a status for every number and the record rules' findings."""
    return check_records(doc, records, tables).records
