"""Correct answers for the scripted server (a test double), built from the rules reading of a block.

Every string is cut from the document at the span the rules extractor located it, so it passes the LLM
extractor's grounding validators exactly as a faithful model's answer would.
"""

from __future__ import annotations

from typing import Any

from llmextract.core.document import Document
from llmextract.core.records import ProjectRecord

_FIELDS = {
    "name": "name",
    "department": "department",
    "implementing_unit": "implementing_unit",
    "attribute": "attribute",
    "period": "period",
    "period_total": "funding.period_total",
    "annual_total": "funding.annual_total",
    "overview": "overview",
    "basis": "basis",
    "necessity": "necessity",
    "safeguards": "safeguards",
    "plan": "plan",
    "period_goal": "goals.period",
    "annual_goal": "goals.annual",
}


def reply_for(doc: Document, record: ProjectRecord) -> dict[str, Any]:
    def at(path: str) -> str:
        loc = record.field_locations.get(path)
        return doc.text[loc.start : loc.end] if loc is not None else ""

    data = {key: at(path) for key, path in _FIELDS.items()}
    if record.department_code and record.department and not data["department"]:
        data["department"] = record.department
    data["funding_unit"] = record.funding.unit or ""
    data["indicators"] = [
        {
            "level1": ind.level1 or "",
            "level2": ind.level2 or "",
            "name": ind.name,
            "value_raw": ind.value_raw,
            "column": ind.column,
        }
        for ind in record.indicators
    ]
    return data
