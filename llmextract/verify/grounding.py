"""Grounding: every text field and every indicator of a record found in the record's block of the document.

Each field is aligned with :class:`~llmextract.core.alignment.Aligner` (character level: Chinese has no word
boundaries). The extractor's own span is tried first — an indicator printed in both the 实施期 and the 年度
column, or a name repeated in the block, must keep the occurrence it was read from, which a search of the
whole block would not — then the whole block. A field read outside the block (a list row's department from
the table's caption, a table's overview from the prose before it) is aligned in its own span only. A found
span becomes the field's location; a field that is not found keeps no location of its own and gets a
``grounding.not-found`` warning naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmextract.core.alignment import Aligner, Alignment
from llmextract.core.document import Document
from llmextract.core.furniture import page_number_spans
from llmextract.core.locations import Location
from llmextract.core.paths import GOAL_FIELDS, TEXT_FIELDS, FieldPath
from llmextract.core.records import FieldGrounding, ProjectRecord
from llmextract.verify.ledger import RecordLedger

_SHOWN = 40  # characters of a value quoted in a finding


@dataclass(frozen=True, slots=True)
class Grounded:
    groundings: dict[FieldPath, FieldGrounding]
    locations: dict[FieldPath, Location]


def text_fields(record: ProjectRecord) -> list[tuple[FieldPath, str, Location | None]]:
    """(path, text, the extractor's location) of every non-empty text field and indicator."""
    out: list[tuple[FieldPath, str | None, Location | None]] = []
    locs = record.field_locations
    for name in TEXT_FIELDS:
        out.append((FieldPath(name), getattr(record, name), locs.get(FieldPath(name))))
    for name in GOAL_FIELDS:
        out.append((FieldPath(name), getattr(record.goals, name.split(".")[1]), locs.get(FieldPath(name))))
    for i, citation in enumerate(record.basis_citations):
        hint = locs.get(FieldPath.citation(i))
        out.append((FieldPath.citation(i, "title"), citation.title, hint))
        out.append((FieldPath.citation(i, "doc_number"), citation.doc_number, hint))
    for ind in record.indicators:
        n = ind.ordinal or 0
        out.append((FieldPath.indicator(n, "name"), ind.name, ind.location))
        out.append((FieldPath.indicator(n, "value_raw"), ind.value_raw, ind.location))
    return [(path, text, hint) for path, text, hint in out if text and text.strip()]


def ground(doc: Document, record: ProjectRecord, ledger: RecordLedger) -> Grounded:
    block = record.location
    start, end = max(block.start, 0), min(block.end, len(doc.text))
    furniture = page_number_spans(doc, start, end)
    aligner = Aligner(doc.text, start, end, furniture)
    groundings: dict[FieldPath, FieldGrounding] = {}
    locations = dict(record.field_locations)
    for path, text, hint in text_fields(record):
        found = _align(doc, aligner, text, hint, start, end)
        groundings[path] = FieldGrounding(status=found.status, score=found.score)
        if found.found and found.start is not None and found.end is not None:
            locations[path] = doc.location(found.start, found.end)
            ledger.passed("grounding.not-found", [], "")
            continue
        locations.pop(path, None)
        shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
        ledger.failed(
            "grounding.not-found",
            f"{path} “{shown}” is not in the record's block of the document",
            "the text as printed in the block",
            shown,
            [(start, end)],
            [path],
        )
    return Grounded(groundings, locations)


def _align(doc: Document, aligner: Aligner, quote: str, hint: Location | None, start: int, end: int) -> Alignment:
    text = doc.text
    if hint is not None and start <= hint.start <= hint.end <= end:
        local = Aligner(text, hint.start, hint.end, page_number_spans(doc, hint.start, hint.end)).align(quote)
        if local.status in ("exact", "normalised"):
            return local
    elif hint is not None and 0 <= hint.start <= hint.end <= len(text):
        # Read outside the block: a list row's department (the table's caption), the prose that explains a
        # table's project (its 项目概述 pages before the table). There is nowhere else to look.
        return Aligner(text, hint.start, hint.end, page_number_spans(doc, hint.start, hint.end)).align(quote)
    return aligner.align(quote)
