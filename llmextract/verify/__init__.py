"""The verifier: every table relation and every prose figure checked, each result a Finding or a pass.

Every rule runs contained (:meth:`Checker.guard`): a rule that raises on odd content becomes a
``verify.rule-failed`` finding and the other rules run.
"""

from __future__ import annotations

from llmextract.core.catalogue import RULES, Rule
from llmextract.core.claims import NarrativeClaim
from llmextract.core.document import Document
from llmextract.tables import BudgetTable, parse_tables
from llmextract.verify.cross_rules import check_cross
from llmextract.verify.prose import claims
from llmextract.verify.prose_rules import check_prose
from llmextract.verify.records import RECORD_RULES, RecordsVerification, check_records, verify_records
from llmextract.verify.report import Checker, VerificationReport
from llmextract.verify.summary_rules import check_rows_by_code
from llmextract.verify.trust import check_tables


def verify(
    doc: Document, *, tables: list[BudgetTable] | None = None, prose: list[NarrativeClaim] | None = None
) -> VerificationReport:
    """Check a document's tables and prose against each other; never raises on odd content."""
    checker = Checker(doc)
    tables = parse_tables(doc) if tables is None else tables
    prose = claims(doc) if prose is None else prose
    check_tables(doc, tables, checker)
    with checker.guard("the cross-table rules"):
        check_cross(doc, tables, checker)
    with checker.guard("the rows-by-code rule"):
        check_rows_by_code(tables, checker)
    check_prose(doc, prose, tables, checker)
    return checker.report


__all__ = [
    "RECORD_RULES",
    "RULES",
    "RecordsVerification",
    "Rule",
    "VerificationReport",
    "check_records",
    "claims",
    "verify",
    "verify_records",
]
