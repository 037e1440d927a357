"""Typed budget tables: the standard tables of a disclosure with Decimal amounts and cell locations."""

from llmextract.tables.model import Amount, BudgetRow, BudgetTable, Column, TableKind
from llmextract.tables.parse import parse_tables

__all__ = ["Amount", "BudgetRow", "BudgetTable", "Column", "TableKind", "parse_tables"]
