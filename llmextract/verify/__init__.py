"""The verifier: every table relation and every prose figure checked, each result a Finding or a pass."""

from __future__ import annotations

from llmextract.core.document import Document
from llmextract.tables import BudgetTable, parse_tables
from llmextract.verify.cross_rules import check_cross
from llmextract.verify.prose import claims
from llmextract.verify.prose_rules import check_prose
from llmextract.verify.records import RECORD_RULES, RecordsVerification, check_records, verify_records
from llmextract.verify.report import Checker, VerificationReport
from llmextract.verify.rules import RULES, Rule
from llmextract.verify.summary_rules import (
    SOURCE_TABLES,
    check_rows_by_code,
    check_sources_sum,
    check_summary_columns,
)
from llmextract.verify.table_rules import check_tables


def verify(doc: Document, *, tables: list[BudgetTable] | None = None) -> VerificationReport:
    """Check a document's tables and prose against each other; never raises on odd content."""
    checker = Checker(doc)
    tables = parse_tables(doc) if tables is None else tables
    check_tables(doc, tables, checker)
    for table in tables:
        if table.kind in ("summary", "fiscal_summary") and not table.empty:
            check_summary_columns(table, checker)
        if table.kind in SOURCE_TABLES and not table.empty:
            check_sources_sum(table, checker)
    check_cross(doc, tables, checker)
    check_rows_by_code(tables, checker)
    check_prose(doc, claims(doc), tables, checker)
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
