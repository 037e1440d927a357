"""Gold annotations: hand-checked records and inconsistencies of one document (``evals/gold/*.gold.json``).

A gold file holds, for one fixture document, the project / department / evaluation records an annotator wrote
from the source, and the inconsistencies a careful auditor finds in it. The format is documented in
``evals/gold/README.md``; this module validates it and converts reviewed records exported by the review UI
(``llmextract/review/gold.py``, JSONL lines with a ``record`` key) into the same shape.

Amounts are strings in the JSON ("60100", "2134.87") and :class:`~decimal.Decimal` once loaded, in the unit of
the record's ``funding.unit`` exactly as the table prints them (no conversion between 元 and 万元).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from llmextract.core.records import Citation, Funding, Goals, ProjectRecord, RecordKind

GOLD_SUFFIX = ".gold.json"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class GoldIndicator(BaseModel):
    """One 绩效指标 row of one column, as printed (no parsed comparator/value/unit: those are derived)."""

    model_config = ConfigDict(extra="forbid")

    level1: str | None = None
    level2: str | None = None
    name: str
    value_raw: str = Field(description="exactly as printed; '' when the cell is printed empty")
    column: Literal["annual", "period"] = "annual"


class GoldRecord(BaseModel):
    """The gold-annotated fields of a :class:`~llmextract.core.records.ProjectRecord` (a subset of it)."""

    model_config = ConfigDict(extra="forbid")

    kind: RecordKind = "project"
    name: str
    department: str | None = None
    department_code: str | None = None
    implementing_unit: str | None = None
    attribute: str | None = None
    period: str | None = None
    funding: Funding = Field(default_factory=Funding)
    overview: str | None = None
    basis: str | None = None
    basis_citations: list[Citation] = Field(default_factory=list)
    goals: Goals = Field(default_factory=Goals)
    indicators: list[GoldIndicator] = Field(default_factory=list)

    @classmethod
    def from_record(cls, record: ProjectRecord | dict[str, Any]) -> GoldRecord:
        """The gold fields of a full record (e.g. the ``record`` of a reviewed export line)."""
        rec = record if isinstance(record, ProjectRecord) else ProjectRecord.model_validate(record)
        return cls(
            kind=rec.kind,
            name=rec.name,
            department=rec.department,
            department_code=rec.department_code,
            implementing_unit=rec.implementing_unit,
            attribute=rec.attribute,
            period=rec.period,
            funding=rec.funding,
            overview=rec.overview,
            basis=rec.basis,
            basis_citations=[Citation(title=c.title, doc_number=c.doc_number) for c in rec.basis_citations],
            goals=rec.goals,
            indicators=[
                GoldIndicator(level1=i.level1, level2=i.level2, name=i.name, value_raw=i.value_raw, column=i.column)
                for i in rec.indicators
            ],
        )


class GoldInconsistency(BaseModel):
    """One inconsistency of the document: a rule of the catalogue (``llmextract rules``) that fails, where, and why."""

    model_config = ConfigDict(extra="forbid")

    rule_id: str = Field(description="id of a rule in the catalogue, e.g. prose.change-rate")
    page: int | None = Field(default=None, ge=1, description="1-based physical page; 1 for plain-text documents")
    quote: str = Field(description="the printed text the finding is about (short, verbatim)")
    expected: str = Field(description="what the document's own figures imply, with the arithmetic")
    actual: str = Field(description="what the document prints")
    note: str = ""


class GoldDocument(BaseModel):
    """One gold file: the annotated records and inconsistencies of one source document."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="path of the source document relative to the repository root")
    doc_sha256: str = Field(description="sha256 of the source file (= ProjectRecord.doc_id)")
    annotator: str
    checked_twice: bool = False
    split: Literal["in_sample", "held_out"] = Field(
        default="in_sample",
        description="held_out: never looked at while tuning a reader or rule; its figures are reported apart",
    )
    no_records: bool = Field(
        default=False, description="true when the document holds no project, department or evaluation table"
    )
    notes: list[str] = Field(default_factory=list, description="what was ambiguous and how it was decided")
    records: list[GoldRecord] = Field(default_factory=list)
    inconsistencies: list[GoldInconsistency] = Field(default_factory=list)

    def model_post_init(self, __context: Any) -> None:
        if not _SHA256.match(self.doc_sha256):
            raise ValueError(f"doc_sha256 must be 64 lower-case hex digits, got {self.doc_sha256!r}")


def load_gold(path: str | Path) -> GoldDocument:
    """Read and validate one gold file."""
    return GoldDocument.model_validate_json(Path(path).read_text(encoding="utf-8"))


def load_gold_dir(directory: str | Path) -> list[GoldDocument]:
    """Every ``*.gold.json`` of a directory, sorted by file name."""
    return [load_gold(p) for p in sorted(Path(directory).glob(f"*{GOLD_SUFFIX}"))]


def dump_gold(doc: GoldDocument, path: str | Path) -> None:
    """Write a gold file (amounts as strings, UTF-8, unescaped Chinese)."""
    data = doc.model_dump(mode="json", exclude_none=False)
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def gold_from_review_export(
    lines: Iterable[str | dict[str, Any]], *, annotator: str | None = None, source_dir: str = "tests/fixtures"
) -> Iterator[GoldDocument]:
    """Gold documents from the JSONL written by ``llmextract review RUN --export-gold`` (one per ``doc_id``).

    Only the record fields are known from an export: ``inconsistencies`` stays empty and ``checked_twice`` false
    (a single review is one check); ``notes`` lists the reviewer's edits so the annotation can be traced.
    """
    by_doc: dict[str, GoldDocument] = {}
    for line in lines:
        item = json.loads(line) if isinstance(line, str) else line
        if not item:
            continue
        doc_id = item["doc_id"]
        doc = by_doc.get(doc_id)
        if doc is None:
            doc = GoldDocument(
                source=f"{source_dir}/{item.get('source') or doc_id}",
                doc_sha256=doc_id,
                annotator=annotator or item.get("reviewer") or "review UI",
            )
            by_doc[doc_id] = doc
        record = GoldRecord.from_record(item["record"])
        doc.records.append(record)
        for d in item.get("decisions", []):
            if d.get("action") == "edit":
                doc.notes.append(
                    f"{record.name}: {d['field']} edited by {d.get('reviewer')} "
                    f"({d.get('old_value')!r} → {d.get('new_value')!r})"
                )
    yield from by_doc.values()
