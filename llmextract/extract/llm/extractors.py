"""The ``llm`` and ``hybrid`` extractors, with the signature of ``llmextract.extract.EXTRACTORS`` entries.

Both read the blocks of :func:`~llmextract.layout.project_blocks.find_project_blocks`, so the rules and the LLM
read exactly the same spans. A block the LLM could not read is not lost: it keeps the rules reading, with an
``llm.failed`` finding that says why (and the record is not claimed as the LLM's).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.extract.llm.hybrid import merge_hybrid
from llmextract.extract.llm.runner import LLMExtractor, LLMResult
from llmextract.extract.llm.usage import Usage, total
from llmextract.extract.rules import read_block
from llmextract.layout.project_blocks import ProjectBlock, find_project_blocks
from llmextract.settings import Settings

LLM_FAILED_RULE = "llm.failed"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DocumentReading:
    """The records of one document, with what the LLM calls cost (``usage``) and each block's result."""

    records: list[ProjectRecord]
    results: list[LLMResult]

    @property
    def usage(self) -> Usage:
        return total(r.usage for r in self.results)

    @property
    def failed(self) -> list[LLMResult]:
        return [r for r in self.results if not r.ok]


def read_document(doc: Document, settings: Settings, *, hybrid: bool) -> DocumentReading:
    """Read every block of ``doc`` with the LLM (and, for ``hybrid``, merge with the rules reading)."""
    blocks = find_project_blocks(doc)
    results = asyncio.run(_read(doc, blocks, settings))
    model = settings.model or ""
    records = [
        _hybrid_record(doc, block, result, model) if hybrid else _llm_record(doc, block, result)
        for block, result in zip(blocks, results, strict=True)
    ]
    reading = DocumentReading(records, results)
    usage = reading.usage
    log.info(
        "LLM usage for %s: %d requests, %d prompt + %d completion tokens, cost %s, %d cached, %d failed",
        doc.source,
        usage.requests,
        usage.prompt_tokens,
        usage.completion_tokens,
        "unknown (no price for this model)" if usage.cost is None else usage.cost,
        usage.cached,
        len(reading.failed),
    )
    return reading


def extract_llm(doc: Document, settings: Settings) -> list[ProjectRecord]:
    """One record per block as the LLM reads it (the rules reading, flagged, where the LLM failed)."""
    return read_document(doc, settings, hybrid=False).records


def extract_hybrid(doc: Document, settings: Settings) -> list[ProjectRecord]:
    """One record per block read by both extractors and merged (see :func:`merge_hybrid`)."""
    return read_document(doc, settings, hybrid=True).records


def _hybrid_record(doc: Document, block: ProjectBlock, result: LLMResult, model: str) -> ProjectRecord:
    rules = read_block(doc, block)
    if result.record is None:
        return _with_failure(rules, result)
    return merge_hybrid(rules, _with_kind(result.record, block), model=model).record


async def _read(doc: Document, blocks: list[ProjectBlock], settings: Settings) -> list[LLMResult]:
    async with LLMExtractor(settings) as llm:
        return await llm.extract(doc, blocks)


def _llm_record(doc: Document, block: ProjectBlock, result: LLMResult) -> ProjectRecord:
    if result.record is None:
        return _with_failure(read_block(doc, block), result)
    return _with_kind(result.record, block)


def _with_kind(record: ProjectRecord, block: ProjectBlock) -> ProjectRecord:
    return record.model_copy(update={"kind": block.kind})


def _with_failure(record: ProjectRecord, result: LLMResult) -> ProjectRecord:
    finding = Finding(
        rule_id=LLM_FAILED_RULE,
        severity="warning",
        message=f"the LLM could not read this block, so it has the rules reading only: {result.error}",
        locations=[record.location],
        record=record.name,
    )
    return record.model_copy(update={"findings": [*record.findings, finding]})
