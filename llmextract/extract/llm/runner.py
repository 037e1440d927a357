"""Reading a document with the LLM: regions, chunks, one request each (concurrency limit, response cache), a
chunk whose reply was cut at ``max_tokens`` asked again in halves, and the chunks' records assembled.

A chunk that fails (endpoint down after retries, replies that never validate, a reply cut even on the smallest
piece) comes back as a failed :class:`ChunkResult` with its error and the tokens it spent; the other chunks are
unaffected. Nothing here raises on odd content.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import pydantic

from llmextract.core.document import Document
from llmextract.core.errors import ConfigError, LLMError
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import Usage, total
from llmextract.extract.llm.assemble import assemble
from llmextract.extract.llm.cache import ResponseCache, cache_key
from llmextract.extract.llm.chunks import Chunk, chunk_regions, halves, max_tokens_for, with_lines_above
from llmextract.extract.llm.client import FailedCall, LLMClient, reply_json
from llmextract.extract.llm.convert import Source, to_records
from llmextract.extract.llm.grounding import GroundedText
from llmextract.extract.llm.regions import Region, find_regions
from llmextract.extract.llm.schema import CONTEXT_KEY, RESPONSE_MODELS, schema_hash
from llmextract.extract.prompts import DEFAULT_PROMPT, Prompt, load_prompt
from llmextract.settings import Price, Settings

log = logging.getLogger(__name__)
_MAX_SPLITS = 2  # halving a chunk twice over is enough for any sound estimate: a reply still cut on a
# quarter of its chunk comes from a model that does not stop, and halving further only multiplies requests


@dataclass(frozen=True, slots=True)
class ChunkResult:
    chunk: Chunk
    records: list[ProjectRecord]
    error: LLMError | None
    usage: Usage
    attempts: int = 0  # replies the model gave (1 + re-asks) for a fresh reply; 0 for a cache hit or a failure
    cut: bool = False  # the reply stopped at max_tokens

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def cached(self) -> bool:
        return self.usage.cached > 0


@dataclass
class LLMReading:
    """What the LLM read in one document: its regions, the result of every request, the records assembled."""

    regions: list[Region] = field(default_factory=list)
    results: list[ChunkResult] = field(default_factory=list)
    records: list[ProjectRecord] = field(default_factory=list)

    @property
    def failed(self) -> list[ChunkResult]:
        return [r for r in self.results if not r.ok]

    @property
    def usage(self) -> Usage:
        return total(r.usage for r in self.results)


class LLMExtractor:
    """One client, cache and concurrency limit shared by every document of a run.

    ``async with LLMExtractor(settings) as llm: reading = await llm.read(doc)``
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

    async def __aenter__(self) -> LLMExtractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.cache is not None:
            self.cache.close()

    async def read(self, doc: Document) -> LLMReading:
        """Every region of ``doc`` read; the records of each region's chunks assembled."""
        regions = find_regions(doc)
        chunks = chunk_regions(doc, regions, self.settings.max_tokens)
        nested = await asyncio.gather(*(self.read_chunk(doc, c) for c in chunks))
        results = [r for rs in nested for r in rs]
        results = await self._named_starts(doc, regions, results)
        return LLMReading(regions, results, assemble(results))

    async def _named_starts(
        self, doc: Document, regions: list[Region], results: list[ChunkResult]
    ) -> list[ChunkResult]:
        """A region whose first record has no name began inside a project (its name is printed above the
        region): its first chunk is read again with the lines above it."""
        out = list(results)
        for index in range(len(regions)):
            mine = [r for r in out if r.chunk.region == index]
            if not mine:
                continue
            first = min(mine, key=lambda r: r.chunk.start)
            if not first.ok or not first.records or first.records[0].name:
                continue
            floor = regions[index - 1].last if index else -1
            wider = with_lines_above(doc, first.chunk, floor, self.settings.max_tokens)
            if wider is None:
                continue
            again = await self.read_chunk(doc, wider)
            named = all(r.ok for r in again) and any(r.records and r.records[0].name for r in again)
            spent = ChunkResult(first.chunk, [], None, first.usage if named else Usage())
            if named:
                out[out.index(first)] = spent
                out.extend(again)
            else:
                out.extend(ChunkResult(r.chunk, [], None, r.usage) for r in again)
        return out

    async def read_chunks(self, doc: Document, chunks: Sequence[Chunk]) -> list[ChunkResult]:
        """The results of the given chunks, in order (a chunk split after a cut reply gives several)."""
        nested = await asyncio.gather(*(self.read_chunk(doc, c) for c in chunks))
        return [r for rs in nested for r in rs]

    async def read_chunk(self, doc: Document, chunk: Chunk, splits: int = 0) -> list[ChunkResult]:
        """One chunk; asked again as two halves when its reply is cut at ``max_tokens``."""
        result = await self._ask(doc, chunk)
        if not result.cut or splits >= _MAX_SPLITS:
            return [result]
        pieces = halves(doc, chunk)
        if pieces is None:
            return [result]
        log.info("a reply was cut at max_tokens: asking again in two halves (chunk at %d)", chunk.start)
        spent = ChunkResult(chunk, [], None, result.usage)  # the cut reply's tokens, no records
        nested = await asyncio.gather(*(self.read_chunk(doc, p, splits + 1) for p in pieces))
        return [spent, *(r for rs in nested for r in rs)]

    async def _ask(self, doc: Document, chunk: Chunk) -> ChunkResult:
        text = doc.text[chunk.start : chunk.end]
        model = RESPONSE_MODELS[chunk.kind]
        key = self._key(text, chunk)
        hit = self._cached(doc, chunk, key)
        if hit is not None:
            return hit
        async with self._limit:
            outcome = await self.client.extract(
                self.prompt, text, model, max_tokens_for(doc, chunk, self.settings.max_tokens)
            )
        price = self.settings.price()
        if isinstance(outcome, FailedCall):
            usage = _usage(outcome.requests, outcome.prompt_tokens, outcome.completion_tokens, price)
            if not outcome.cut:
                log.warning("LLM extraction failed for the region at %d: %s", chunk.start, outcome.error)
            return ChunkResult(chunk, [], outcome.error, usage, cut=outcome.cut)
        if self.cache is not None:
            self.cache.put(
                key,
                model=self._model,
                prompt_version=self.prompt.version,
                reply=reply_json(outcome.parsed),
                prompt_tokens=outcome.prompt_tokens,
                completion_tokens=outcome.completion_tokens,
            )
        records = self._records(doc, chunk, outcome.parsed.records, outcome.replies)
        usage = _usage(outcome.requests, outcome.prompt_tokens, outcome.completion_tokens, price)
        return ChunkResult(chunk, records, None, usage, attempts=outcome.replies)

    def _records(self, doc: Document, chunk: Chunk, replies: list, attempts: int) -> list[ProjectRecord]:
        source = Source(doc, chunk.start, chunk.end, chunk.kind)
        return to_records(replies, source, model=self._model, prompt_version=self.prompt.version, attempts=attempts)

    @property
    def _model(self) -> str:
        return self.settings.model or ""

    def _key(self, text: str, chunk: Chunk) -> str:
        return cache_key(
            model=self._model,
            mode=self.settings.mode,
            prompt_version=self.prompt.version,
            prompt_sha256=self.prompt.sha256,
            schema_sha256=schema_hash(RESPONSE_MODELS[chunk.kind]),
            block=text,
        )

    def _cached(self, doc: Document, chunk: Chunk, key: str) -> ChunkResult | None:
        row = self.cache.get(key) if self.cache is not None else None
        if row is None:
            return None
        reply, _prompt_tokens, _completion_tokens = row
        grounded = GroundedText.of(doc.text[chunk.start : chunk.end])
        try:
            parsed = RESPONSE_MODELS[chunk.kind].model_validate_json(reply, context={CONTEXT_KEY: grounded})
        except pydantic.ValidationError:
            log.warning("ignoring a cached reply that no longer validates (region at %d)", chunk.start)
            return None
        return ChunkResult(chunk, self._records(doc, chunk, parsed.records, 1), None, Usage(cached=1))


def _usage(requests: int, prompt_tokens: int, completion_tokens: int, price: Price | None) -> Usage:
    cost = price.cost(prompt_tokens, completion_tokens) if price is not None else None
    return Usage(requests, prompt_tokens, completion_tokens, cost)


async def read_document(doc: Document, settings: Settings, *, prompt_version: str = DEFAULT_PROMPT) -> LLMReading:
    """Read one document with the LLM (one request per chunk, at most ``concurrency`` at once)."""
    async with LLMExtractor(settings, prompt_version=prompt_version) as llm:
        return await llm.read(doc)


def read_document_sync(doc: Document, settings: Settings, *, prompt_version: str = DEFAULT_PROMPT) -> LLMReading:
    """:func:`read_document` for synchronous callers."""
    return asyncio.run(read_document(doc, settings, prompt_version=prompt_version))
