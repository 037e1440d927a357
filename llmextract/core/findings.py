"""Findings: what the verifier says about a number or a relation, with the arithmetic and the locations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llmextract.core.locations import Location
from llmextract.core.paths import FieldPath

Severity = Literal["error", "warning", "info"]


class Finding(BaseModel):
    """One verifier result that needs a reader's attention (a failed check, or a check that could not be made)."""

    model_config = ConfigDict(frozen=True, title="核查发现 Finding")

    rule_id: str = Field(description="stable id of the rule in the catalogue (`llmextract rules`)")
    severity: Severity = Field(
        description="error: the document contradicts itself; warning: a soft check failed; "
        "info: the check could not be made"
    )
    message: str = Field(description="one sentence for a human reader")
    expected: str | None = Field(default=None, description="the expected value with its computation")
    actual: str | None = Field(default=None, description="the value the document prints")
    locations: list[Location] = Field(default_factory=list, description="every place the finding refers to")
    record_id: str | None = Field(
        default=None, description="ProjectRecord.record_id of the record the finding is about, if any"
    )
    fields: list[FieldPath] = Field(
        default_factory=list, description="the fields of that record the finding concerns (field paths)"
    )
