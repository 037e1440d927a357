"""The deterministic (rules) extractor: each project block's form read by its labels into a ProjectRecord.

Every field the reader fills carries its source span in ``field_locations``; every indicator its
``location``. Tab-separated blocks (PDF tables, text exports) and raw PDF text dumps are both read.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from llmextract.core.catalogue import BLOCK_FAILED
from llmextract.core.document import Document
from llmextract.core.failures import FailureLog
from llmextract.core.records import Citation, Funding, FundingSources, Goals, Indicator, ProjectRecord
from llmextract.extract.base import Reading
from llmextract.extract.citations import split_citations
from llmextract.extract.rules.fields import Fields, read_fields
from llmextract.extract.rules.form import read_raw_form, read_tab_form
from llmextract.extract.rules.indicators import packed_cell_indicators, raw_indicators, tab_indicators
from llmextract.extract.rules.prose import add_prose, read_prose
from llmextract.extract.rules.raw_grid import running_lines
from llmextract.extract.rules.rows import read_listed
from llmextract.extract.rules.segments import PLAIN, tab_rows
from llmextract.extract.rules.titles import title_name
from llmextract.layout.form_vocabulary import PACKED_INDICATORS, header_cells, is_indicator_header
from llmextract.layout.project_blocks import ProjectBlock, find_project_blocks
from llmextract.layout.project_lists import ListedProject
from llmextract.layout.prose_projects import ProseProject
from llmextract.settings import ExtractorKind

EXTRACTOR_NAME = "rules"
_GRID_END = re.compile(r"^(负责人|填报人|备注|总分)")
_SIGNATURE = re.compile(r"\n\s*(负责人|填报人)[:：]")


class RulesExtractor:
    """The deterministic reader behind the :class:`~llmextract.extract.base.Extractor` protocol."""

    kind = ExtractorKind.rules
    label = EXTRACTOR_NAME

    async def read(self, doc: Document) -> Reading:
        return await asyncio.to_thread(read_rules, doc)

    async def aclose(self) -> None:
        return None


def read_rules(doc: Document) -> Reading:
    """One record per project, department-wide and self-evaluation table of ``doc``; a block whose reading
    raises becomes an ``extract.block-failed`` finding and the other blocks are read."""
    failures = FailureLog(doc)
    records: list[ProjectRecord] = []
    blocks: list[ProjectBlock] = []
    with failures.guard(BLOCK_FAILED, "finding the project tables", (0, len(doc.text))):
        blocks = find_project_blocks(doc)
    for block in blocks:
        with failures.guard(BLOCK_FAILED, f"reading the {block.kind} table on page {block.page}", block.span):
            records.append(read_block(doc, block))
    return Reading(records, failures.findings)


def extract_rules(doc: Document) -> list[ProjectRecord]:
    """The records of :func:`read_rules` (failures left out): for tests and quick looks."""
    return read_rules(doc).records


def read_block(doc: Document, block: ProjectBlock) -> ProjectRecord:
    """The record of one block, read by labels and grid vocabulary."""
    if isinstance(block.entry, ListedProject):
        fields, indicators = read_listed(doc, block.entry)
        return _record(doc, block, fields, _citations(doc, fields), indicators)
    if block.layout == "prose" and isinstance(block.entry, ProseProject):
        fields = read_prose(block.entry)
        return _record(doc, block, fields, _citations(doc, fields), [])
    fields, indicators = _read_raw(doc, block) if block.raw else _read_tabbed(doc, block)
    if isinstance(block.entry, ProseProject):
        add_prose(fields, block.entry)  # the prose that explains this table's project
    name = title_name(block.title) if "name" not in fields.values and block.title else None
    if name:
        # A form without a name row (self-evaluations, tables named by their title) is named by its title.
        at = doc.text.find(name, block.start, block.end)
        fields.put("name", name, *((at, at + len(name)) if at >= 0 else (block.start, block.start + len(block.title))))
    citations = _citations(doc, fields)
    return _record(doc, block, fields, citations, indicators)


def _read_tabbed(doc: Document, block: ProjectBlock) -> tuple[Fields, list[Indicator]]:
    rows = tab_rows(doc, block.start, block.end, keep_plain=True)
    header = next(
        (i for i, row in enumerate(rows) if row[0].col != PLAIN and is_indicator_header([c.text for c in row])),
        len(rows),
    )
    form = read_tab_form([row for row in rows[:header] if row[0].col != PLAIN])
    fields = read_fields(form, department_form=block.kind == "department")
    grid = [row for row in rows[header + 1 :] if not _GRID_END.match(row[0].text)]
    if header < len(rows):
        return fields, tab_indicators(rows[header], grid, doc.location)
    # No grid: the indicators are packed into a cell of the form ("绩效指标 | 1－产出指标，11－数量指标，…").
    packed = [cell for row in rows for cell in row if PACKED_INDICATORS.search(cell.text)]
    return fields, [ind for cell in packed for ind in packed_cell_indicators(cell, doc.location)]


def _read_raw(doc: Document, block: ProjectBlock) -> tuple[Fields, list[Indicator]]:
    text = doc.text[block.start : block.end]
    header = next(
        (ln for ln in doc.lines_in(block.start, block.end) if is_indicator_header(header_cells(ln.text))), None
    )
    if header is None or header.start < block.start:
        return read_fields(read_raw_form(text, block.start), department_form=block.kind == "department"), []
    line_start, line_end = header.start - block.start, min(header.end, block.end) - block.start
    signature = _SIGNATURE.search(text, line_end)
    grid_end = signature.start() if signature else len(text)
    fields = read_fields(read_raw_form(text[:line_start], block.start), department_form=block.kind == "department")
    grid_text = text[line_end:grid_end]
    furniture = running_lines([ln.text for ln in doc.lines])
    indicators = raw_indicators(text[line_start:line_end], grid_text, block.start + line_end, doc.location, furniture)
    return fields, indicators


def _citations(doc: Document, fields: Fields) -> list[tuple[Citation, tuple[int, int]]]:
    basis = fields.values.get("basis")
    if not basis:
        return []
    start, end = fields.spans["basis"]
    exact = doc.text[start:end] == basis
    return [(c.citation, (start + c.start, start + c.end) if exact else (start, end)) for c in split_citations(basis)]


def _record(
    doc: Document,
    block: ProjectBlock,
    fields: Fields,
    citations: list[tuple[Citation, tuple[int, int]]],
    indicators: list[Indicator],
) -> ProjectRecord:
    v = fields.values
    locations = {path: doc.location(*span) for path, span in fields.spans.items()}
    for i, (_, span) in enumerate(citations):
        locations[f"basis_citations[{i}]"] = doc.location(*span)
    return ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(block.start, block.end),
        kind=block.kind,
        name=v.get("name", ""),
        department=v.get("department"),
        department_code=v.get("department_code"),
        implementing_unit=v.get("implementing_unit"),
        attribute=v.get("attribute"),
        period=v.get("period"),
        funding=Funding(
            unit=v.get("funding.unit"),
            period_total=v.get("funding.period_total"),
            annual_total=v.get("funding.annual_total"),
            sources=FundingSources(**_prefixed(v, "funding.sources.")),
            period_sources=FundingSources(**_prefixed(v, "funding.period_sources.")),
        ),
        overview=v.get("overview"),
        basis=v.get("basis"),
        basis_citations=[c for c, _ in citations],
        necessity=v.get("necessity"),
        safeguards=v.get("safeguards"),
        plan=v.get("plan"),
        goals=Goals(period=v.get("goals.period"), annual=v.get("goals.annual")),
        indicators=indicators,
        extractor=EXTRACTOR_NAME,
        field_locations=locations,
    )


def _prefixed(values: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix) :]: val for k, val in values.items() if k.startswith(prefix)}


__all__ = ["EXTRACTOR_NAME", "RulesExtractor", "extract_rules", "read_block", "read_rules"]
