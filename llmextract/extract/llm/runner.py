"""Reading many blocks with the LLM: concurrency limit, response cache, per-block results that never raise.

A block that fails (endpoint down after retries, replies that never validate) comes back as a failed
:class:`LLMResult` with its error and the tokens it spent; the other blocks are unaffected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx
import pydantic

from llmextract.core.document import Document
from llmextract.core.errors import ConfigError, LLMError
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import Usage, total
from llmextract.extract.llm.cache import ResponseCache, cache_key
from llmextract.extract.llm.client import FailedCall, LLMClient, reply_json
from llmextract.extract.llm.convert import to_record
from llmextract.extract.llm.grounding import GroundedText
from llmextract.extract.llm.schema import CONTEXT_KEY, LLMProject, schema_hash
from llmextract.extract.prompts import DEFAULT_PROMPT, Prompt, load_prompt
from llmextract.settings import Price, Settings

log = logging.getLogger(__name__)


class Block(Protocol):
    """A project block: ``layout.parts.Part`` satisfies it. The LLM sees ``doc.text[start:end]`` only."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class LLMResult:
    block: Block
    record: ProjectRecord | None
    error: LLMError | None
    usage: Usage
    attempts: int = 0  # replies the model gave (1 + re-asks) for a fresh record; 0 for a cache hit or a failure

    @property
    def ok(self) -> bool:
        return self.record is not None

    @property
    def cached(self) -> bool:
        return self.usage.cached > 0


class LLMExtractor:
    """One client, cache and concurrency limit shared by every document of a run.

    ``async with LLMExtractor(settings) as llm: results = await llm.extract(doc, blocks)``
    """

    def __init__(
        self,
        settings: Settings,
        *,
        prompt_version: str = DEFAULT_PROMPT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not settings.model:
            raise ConfigError(
                "no LLM model configured",
                hint="set LLMEXTRACT_MODEL (and LLMEXTRACT_BASE_URL for a local server), or use --extractor rules",
            )
        self.settings = settings
        self.prompt: Prompt = load_prompt(prompt_version)
        self.client = LLMClient(settings, transport=transport)
        self.cache = ResponseCache(settings.cache_path) if settings.cache_path else None
        self._limit = asyncio.Semaphore(settings.concurrency)
        self._schema_sha = schema_hash(LLMProject)

    async def __aenter__(self) -> LLMExtractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.cache is not None:
            self.cache.close()

    async def extract(self, doc: Document, blocks: Sequence[Block]) -> list[LLMResult]:
        """One result per block, in order."""
        return list(await asyncio.gather(*(self.extract_block(doc, b) for b in blocks)))

    async def extract_block(self, doc: Document, block: Block) -> LLMResult:
        text = doc.text[block.start : block.end]
        key = self._key(text)
        hit = self._cached(doc, block, key)
        if hit is not None:
            return hit
        async with self._limit:
            outcome = await self.client.extract(self.prompt, text)
        price = self.settings.price()
        if isinstance(outcome, FailedCall):
            usage = _usage(outcome.requests, outcome.prompt_tokens, outcome.completion_tokens, price)
            log.warning("LLM extraction failed for block at %d: %s", block.start, outcome.error)
            return LLMResult(block, None, outcome.error, usage)
        if self.cache is not None:
            self.cache.put(
                key,
                model=self._model,
                prompt_version=self.prompt.version,
                reply=reply_json(outcome.project),
                prompt_tokens=outcome.prompt_tokens,
                completion_tokens=outcome.completion_tokens,
            )
        record = to_record(
            outcome.project,
            doc,
            block.start,
            block.end,
            model=self._model,
            prompt_version=self.prompt.version,
            attempts=outcome.replies,
        )
        usage = _usage(outcome.requests, outcome.prompt_tokens, outcome.completion_tokens, price)
        return LLMResult(block, record, None, usage, attempts=outcome.replies)

    @property
    def _model(self) -> str:
        return self.settings.model or ""

    def _key(self, text: str) -> str:
        return cache_key(
            model=self._model,
            mode=self.settings.mode,
            prompt_version=self.prompt.version,
            prompt_sha256=self.prompt.sha256,
            schema_sha256=self._schema_sha,
            block=text,
        )

    def _cached(self, doc: Document, block: Block, key: str) -> LLMResult | None:
        row = self.cache.get(key) if self.cache is not None else None
        if row is None:
            return None
        reply, _prompt_tokens, _completion_tokens = row
        grounded = GroundedText.of(doc.text[block.start : block.end])
        try:
            project = LLMProject.model_validate_json(reply, context={CONTEXT_KEY: grounded})
        except pydantic.ValidationError:
            log.warning("ignoring a cached reply that no longer validates (block at %d)", block.start)
            return None
        record = to_record(project, doc, block.start, block.end, model=self._model, prompt_version=self.prompt.version)
        return LLMResult(block, record, None, Usage(cached=1), attempts=0)


def _usage(requests: int, prompt_tokens: int, completion_tokens: int, price: Price | None) -> Usage:
    cost = price.cost(prompt_tokens, completion_tokens) if price is not None else None
    return Usage(requests, prompt_tokens, completion_tokens, cost)


async def extract_blocks_llm(
    doc: Document, blocks: Sequence[Block], settings: Settings, *, prompt_version: str = DEFAULT_PROMPT
) -> list[LLMResult]:
    """Read every block of one document with the LLM (one call per block, at most ``concurrency`` at once)."""
    async with LLMExtractor(settings, prompt_version=prompt_version) as llm:
        return await llm.extract(doc, blocks)


def extract_blocks_llm_sync(
    doc: Document, blocks: Sequence[Block], settings: Settings, *, prompt_version: str = DEFAULT_PROMPT
) -> list[LLMResult]:
    """:func:`extract_blocks_llm` for synchronous callers (the CLI)."""
    return asyncio.run(extract_blocks_llm(doc, blocks, settings, prompt_version=prompt_version))


def document_usage(results: Sequence[LLMResult]) -> Usage:
    return total(r.usage for r in results)
