"""The one location type every stage uses to point into a document.

A location is a document id (sha256 of the file bytes), a 1-based page number, a half-open character span
``[start, end)`` into ``Document.text``, and, for PDFs, the bounding box on the page in PDF points
``(x0, top, x1, bottom)`` with the origin at the top-left corner, as pdfplumber reports it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

BBox = tuple[float, float, float, float]


class Location(BaseModel):
    """Where something is in a document: page, character span, and bbox for PDFs."""

    model_config = ConfigDict(frozen=True, title="位置 Location")

    doc_id: str = Field(description="sha256 of the source file bytes (hex)")
    page: int = Field(ge=1, description="1-based page number (text exports without page breaks: 1)")
    start: int = Field(ge=0, description="start offset into Document.text (inclusive)")
    end: int = Field(ge=0, description="end offset into Document.text (exclusive)")
    bbox: BBox | None = Field(
        default=None, description="(x0, top, x1, bottom) in PDF points, origin top-left; null for text exports"
    )

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Location:
        if self.end < self.start:
            raise ValueError(f"location end {self.end} is before start {self.start}")
        return self


def union_bbox(boxes: list[BBox]) -> BBox | None:
    """Smallest box covering all ``boxes``; None when there are none."""
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
