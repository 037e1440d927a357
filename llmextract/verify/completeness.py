"""``reading.incomplete``: a record that lacks what its block visibly prints (a name, funds, indicators).

The evidence comes from the block's layout (:mod:`llmextract.layout.form_evidence`), not from any reader, so
the check holds whichever extractor made the record, and a record completed in review passes it again. A
warning, priced by the confidence policy so that the record goes to review.
"""

from __future__ import annotations

from llmextract.core.catalogue import READING_INCOMPLETE
from llmextract.core.document import Document
from llmextract.core.records import ProjectRecord
from llmextract.layout.form_evidence import form_evidence
from llmextract.verify.ledger import RecordLedger

# Fewer indicators than this share of the grid rows that print a value: rows were lost.
_MIN_INDICATOR_SHARE = 0.5
_MIN_ROWS = 4  # below this many value rows, merged and wrapped rows make the count too rough to judge


def check_completeness(doc: Document, record: ProjectRecord, ledger: RecordLedger) -> None:
    evidence = form_evidence(doc, record.location.start, record.location.end)
    funding = record.funding
    gaps: list[tuple[str, str, tuple[int, int], list[str]]] = []
    if evidence.name is not None and not record.name.strip():
        gaps.append(("a name row", "no name", evidence.name, ["name"]))
    if evidence.funds is not None and funding.annual_total is None and funding.period_total is None:
        gaps.append(("a funds row with an amount", "no funds", evidence.funds, ["funding.annual_total"]))
    if evidence.grid is not None and not record.indicators:
        gaps.append(("an indicator grid", "no indicators", evidence.grid, []))
    elif evidence.value_rows >= _MIN_ROWS and len(record.indicators) < _MIN_INDICATOR_SHARE * evidence.value_rows:
        shown = f"{len(record.indicators)} indicators"
        gaps.append((f"{evidence.value_rows} indicator rows with values", shown, evidence.grid or (0, 0), []))
    if not gaps:
        ledger.passed(READING_INCOMPLETE, [], "")
        return
    for printed, read, span, paths in gaps:
        ledger.failed(
            READING_INCOMPLETE,
            f"the table prints {printed} but the reading has {read}: read it again or complete it in review",
            printed,
            read,
            [span],
            paths,
        )
