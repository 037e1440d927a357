"""The ``llm`` and ``hybrid`` extractors behind the :class:`~llmextract.extract.base.Extractor` protocol.

The LLM reads its own regions (:mod:`.regions`), never the rules reader's blocks, and never waits for the
rules reader: the hybrid extractor runs both readings side by side and pairs their records project by project
(:mod:`.pairing`). A region the LLM could not read is an ``llm.failed`` finding on every record printed in it
(so they go to review), or on the document when it holds none.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from llmextract.core.catalogue import LLM_FAILED
from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.extract.base import Reading
from llmextract.extract.llm.pairing import combine
from llmextract.extract.llm.runner import ChunkResult, LLMExtractor, LLMReading
from llmextract.extract.prompts import DEFAULT_PROMPT
from llmextract.extract.rules import read_rules
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
        if self.kind is ExtractorKind.hybrid:
            llm, rules = await asyncio.gather(self.session.read(doc), asyncio.to_thread(read_rules, doc))
            records = combine(rules.records, llm.records, model=self.session.settings.model or "")
            failures = list(rules.failures)
        else:
            llm = await self.session.read(doc)
            records, failures = llm.records, []
        failures += [f for result in llm.failed for f in _llm_failed(doc, result, records)]
        reading = Reading(records, failures, llm.usage)
        _log_usage(doc, llm, reading)
        return reading


def _llm_failed(doc: Document, result: ChunkResult, records: list[ProjectRecord]) -> list[Finding]:
    """One finding per record printed in the failed chunk (it goes to review), or one about the document."""
    chunk = result.chunk
    pages = (
        f"page {chunk.page}"
        if doc.page_at(chunk.end - 1) == chunk.page
        else (f"pages {chunk.page}–{doc.page_at(chunk.end - 1)}")
    )
    inside = [r for r in records if r.location.start < chunk.end and chunk.start < r.location.end]
    message = f"the LLM could not read the {chunk.kind} region on {pages}: {result.error}"
    location = [doc.location(chunk.start, chunk.end)]
    if not inside:
        return [Finding(rule_id=LLM_FAILED, severity="warning", message=message, locations=location)]
    return [
        Finding(
            rule_id=LLM_FAILED,
            severity="warning",
            message=f"{message}; {r.name or 'this record'} has no complete LLM reading",
            locations=location,
            record_id=r.record_id,
        )
        for r in inside
    ]


def _log_usage(doc: Document, llm: LLMReading, reading: Reading) -> None:
    u = reading.usage
    log.info(
        "LLM usage for %s: %d regions, %d requests, %d prompt + %d completion tokens, cost %s, %d cached, %d failed",
        doc.source,
        len(llm.regions),
        u.requests,
        u.prompt_tokens,
        u.completion_tokens,
        "unknown (no price for this model)" if u.cost is None else u.cost,
        u.cached,
        len(llm.failed),
    )
