"""The ``llm`` and ``hybrid`` extractors behind the :class:`~llmextract.extract.base.Extractor` protocol.

Both read the blocks of :func:`~llmextract.layout.project_blocks.find_project_blocks`, so the rules and the LLM
read exactly the same spans. The LLM reading never depends on the rules reading: a block the rules reader
cannot read is still read by the LLM. A block the LLM could not read keeps the rules reading, if there is one,
with an ``llm.failed`` finding that says why (and the record is not claimed as the LLM's).
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from llmextract.core.catalogue import BLOCK_FAILED, LLM_FAILED
from llmextract.core.document import Document
from llmextract.core.failures import FailureLog
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import total
from llmextract.extract.base import Reading
from llmextract.extract.llm.hybrid import merge_hybrid
from llmextract.extract.llm.runner import LLMExtractor, LLMResult
from llmextract.extract.prompts import DEFAULT_PROMPT
from llmextract.extract.rules import read_block
from llmextract.layout.project_blocks import ProjectBlock, find_project_blocks
from llmextract.settings import ExtractorKind, Settings

log = logging.getLogger(__name__)


class LLMReader:
    """The ``llm`` (``hybrid=False``) or ``hybrid`` extractor. One instance serves every document of a run:
    one HTTP client, response cache and concurrency limit."""

    def __init__(
        self,
        settings: Settings,
        *,
        hybrid: bool,
        prompt_version: str = DEFAULT_PROMPT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.kind = ExtractorKind.hybrid if hybrid else ExtractorKind.llm
        self.session = LLMExtractor(settings, prompt_version=prompt_version, transport=transport)

    @property
    def label(self) -> str:
        return f"{self.kind.value}:{self.session.settings.model or ''}"

    async def aclose(self) -> None:
        await self.session.aclose()

    async def read(self, doc: Document) -> Reading:
        failures = FailureLog(doc)
        blocks: list[ProjectBlock] = []
        with failures.guard(BLOCK_FAILED, "finding the project tables", (0, len(doc.text))):
            blocks = find_project_blocks(doc)
        rules_task = asyncio.to_thread(_rules_readings, doc, blocks, failures)
        results, rules = await asyncio.gather(self.session.extract(doc, blocks), rules_task)
        records: list[ProjectRecord] = []
        for block, result, rules_record in zip(blocks, results, rules, strict=True):
            record = self._record(block, result, rules_record)
            if result.error is not None:
                failures.findings.append(_llm_failed(doc, block, result, record))
            if record is not None:
                records.append(record)
        reading = Reading(records, failures.findings, total(r.usage for r in results))
        u = reading.usage
        log.info(
            "LLM usage for %s: %d requests, %d prompt + %d completion tokens, cost %s, %d cached, %d failed",
            doc.source,
            u.requests,
            u.prompt_tokens,
            u.completion_tokens,
            "unknown (no price for this model)" if u.cost is None else u.cost,
            u.cached,
            sum(1 for r in results if not r.ok),
        )
        return reading

    def _record(self, block: ProjectBlock, result: LLMResult, rules: ProjectRecord | None) -> ProjectRecord | None:
        if result.record is None:
            return rules  # the LLM failed: the rules reading (if any) stands, flagged by an llm.failed finding
        llm = result.record.model_copy(update={"kind": block.kind})
        if self.kind is ExtractorKind.hybrid and rules is not None:
            return merge_hybrid(rules, llm, model=self.session.settings.model or "")
        return llm


def _rules_readings(doc: Document, blocks: list[ProjectBlock], failures: FailureLog) -> list[ProjectRecord | None]:
    out: list[ProjectRecord | None] = []
    for block in blocks:
        record = None
        with failures.guard(BLOCK_FAILED, f"reading the {block.kind} table on page {block.page}", block.span):
            record = read_block(doc, block)
        out.append(record)
    return out


def _llm_failed(doc: Document, block: ProjectBlock, result: LLMResult, record: ProjectRecord | None) -> Finding:
    kept = "it has the rules reading only" if record is not None else "it has no record"
    return Finding(
        rule_id=LLM_FAILED,
        severity="warning",
        message=f"the LLM could not read the {block.kind} table on page {block.page}, so {kept}: {result.error}",
        locations=[doc.location(block.start, block.end)],
        record_id=record.record_id if record is not None else None,
    )
