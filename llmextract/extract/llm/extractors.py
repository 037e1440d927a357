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
from llmextract.extract.llm.hybrid import FieldAgreement, merge_hybrid
from llmextract.extract.llm.runner import LLMExtractor, LLMResult
from llmextract.extract.llm.usage import Usage, total
from llmextract.extract.rules import read_block
from llmextract.layout.project_blocks import ProjectBlock, find_project_blocks
from llmextract.settings import Settings

LLM_FAILED_RULE = "llm.failed"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BlockReading:
    """One block's record, the LLM call behind it, and (hybrid) where the two readings agreed."""

    record: ProjectRecord
    result: LLMResult
    agreements: tuple[FieldAgreement, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentReading:
    """The records of one document, with what the LLM calls cost (``usage``) and each block's result."""

    blocks: list[BlockReading]

    @property
    def records(self) -> list[ProjectRecord]:
        return [b.record for b in self.blocks]

    @property
    def results(self) -> list[LLMResult]:
        return [b.result for b in self.blocks]

    @property
    def usage(self) -> Usage:
        return total(r.usage for r in self.results)

    @property
    def failed(self) -> list[LLMResult]:
        return [r for r in self.results if not r.ok]


async def read_with(llm: LLMExtractor, doc: Document, *, hybrid: bool) -> DocumentReading:
    """Read every block of ``doc`` with a shared extractor (one client, cache and concurrency limit for a run)."""
    blocks = find_project_blocks(doc)
    results = await llm.extract(doc, blocks)
    model = llm.settings.model or ""
    reading = DocumentReading(
        [
            _hybrid_reading(doc, block, result, model) if hybrid else _llm_reading(doc, block, result)
            for block, result in zip(blocks, results, strict=True)
        ]
    )
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


def read_document(doc: Document, settings: Settings, *, hybrid: bool) -> DocumentReading:
    """Read every block of ``doc`` with the LLM (and, for ``hybrid``, merge with the rules reading)."""
    return asyncio.run(_read(doc, settings, hybrid))


def extract_llm(doc: Document, settings: Settings) -> list[ProjectRecord]:
    """One record per block as the LLM reads it (the rules reading, flagged, where the LLM failed)."""
    return read_document(doc, settings, hybrid=False).records


def extract_hybrid(doc: Document, settings: Settings) -> list[ProjectRecord]:
    """One record per block read by both extractors and merged (see :func:`merge_hybrid`)."""
    return read_document(doc, settings, hybrid=True).records


def _hybrid_reading(doc: Document, block: ProjectBlock, result: LLMResult, model: str) -> BlockReading:
    rules = read_block(doc, block)
    if result.record is None:
        return BlockReading(_with_failure(rules, result), result)
    merged = merge_hybrid(rules, _with_kind(result.record, block), model=model)
    return BlockReading(merged.record, result, merged.fields)


async def _read(doc: Document, settings: Settings, hybrid: bool) -> DocumentReading:
    async with LLMExtractor(settings) as llm:
        return await read_with(llm, doc, hybrid=hybrid)


def _llm_reading(doc: Document, block: ProjectBlock, result: LLMResult) -> BlockReading:
    if result.record is None:
        return BlockReading(_with_failure(read_block(doc, block), result), result)
    return BlockReading(_with_kind(result.record, block), result)


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
