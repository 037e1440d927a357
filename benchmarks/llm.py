"""LLM extractor ratios: prompt tokens per request ÷ tokens of the region text it carries, and throughput vs
the ideal.

    .venv/bin/python benchmarks/llm.py [--latency 5] [--pdfs]

1. Prompt overhead. Every chunk of every region of the seed exports (and with ``--pdfs`` of the fixture PDFs)
   is sent, once per mode, to the scripted test server (tests/llm/scripted_server.py, a test double), which
   keeps the request bodies. The prompt is everything the model reads: the message texts plus the tool
   definition / response_format schema as sent (each mode sends the schema once). Tokens are counted by the
   deterministic estimator of the rate limiter ("cjk1-ascii4"): each CJK or full-width character is one token;
   every other run of non-space characters is ceil(len/4) tokens. Target: ≤ 1.5 in every mode (prompt tokens
   ÷ region tokens, over all requests).
2. Throughput. The scripted server, in its own process so that its CPU does not compete with the extractor's,
   answers every request after a fixed latency (default 5 s); N chunks are read at concurrency 1, 8 and 32
   (cache off). Ideal time = ceil(N / concurrency) × latency; the printed fraction is ideal ÷ measured (1.0 =
   no overhead at all). Target: ≥ 0.9 at 32. The extractor's own CPU per request (measured at zero latency) is
   printed too: it is what limits the fraction, at about latency ÷ (latency + concurrency × cpu).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from llmextract import load_document  # noqa: E402
from llmextract.core.document import Document  # noqa: E402
from llmextract.extract.llm import LLMExtractor  # noqa: E402
from llmextract.extract.llm.chunks import Chunk, chunk_regions  # noqa: E402
from llmextract.extract.llm.ratelimit import estimate_tokens  # noqa: E402
from llmextract.extract.llm.regions import find_regions  # noqa: E402
from llmextract.settings import MODES, Settings  # noqa: E402
from tests.llm.scripted_server import ScriptedLLMServer, reply  # noqa: E402

EMPTY = {"records": []}


def prompt_text(body: dict) -> str:
    """What the model reads: the messages, and the tools / response_format as the openai client sends them
    (compact JSON)."""
    messages = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
    schema = body.get("tools") or body.get("response_format") or ""
    return messages + "\n" + (json.dumps(schema, ensure_ascii=False, separators=(",", ":")) if schema else "")


def region_text(body: dict) -> str:
    """The region text a request carries: its first user message."""
    return next(str(m["content"]) for m in body["messages"] if m["role"] == "user")


def documents(pdfs: bool) -> list[Document]:
    paths = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
    if pdfs:
        paths += sorted((ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf"))
    out = []
    for path in paths:
        try:
            out.append(load_document(path))
        except Exception as exc:  # a scanned fixture has no text layer: not an LLM input
            print(f"  (skipped {path.name}: {type(exc).__name__})")
    return out


def chunks_of(docs: list[Document], cap: int) -> list[tuple[Document, Chunk]]:
    return [(doc, chunk) for doc in docs for chunk in chunk_regions(doc, find_regions(doc), cap)]


def settings(base_url: str, **overrides: object) -> Settings:
    return replace(
        Settings(base_url=base_url, api_key="bench", model="bench", max_retries=0, max_reasks=0, timeout=60),
        **overrides,
    )


async def read_all(s: Settings, chunks: list[tuple[Document, Chunk]], warm_up: bool = False) -> float:
    async with LLMExtractor(s) as llm:
        if warm_up:  # the openai client imports its response types on first use: a one-off, not throughput
            await llm.read_chunk(*chunks[0])
        started = time.perf_counter()
        nested = await asyncio.gather(*(llm.read_chunk(doc, chunk) for doc, chunk in chunks))
        elapsed = time.perf_counter() - started
    failed = [r.error for rs in nested for r in rs if not r.ok]
    if failed:
        raise SystemExit(f"benchmark run failed: {failed[0]}")
    return elapsed


def token_ratios(chunks: list[tuple[Document, Chunk]]) -> None:
    print("prompt tokens per request ÷ region tokens (estimator cjk1-ascii4), target ≤ 1.5 in every mode")
    for mode in MODES:
        with ScriptedLLMServer(default=reply(EMPTY)) as server:
            asyncio.run(read_all(settings(server.base_url, mode=mode, concurrency=8), chunks))
            pairs = [(estimate_tokens(prompt_text(b)), estimate_tokens(region_text(b))) for b in server.requests]
        ratios = sorted(p / max(r, 1) for p, r in pairs)
        overall = sum(p for p, _ in pairs) / sum(r for _, r in pairs)
        print(
            f"  {mode:<12} overall {overall:.2f}   median {ratios[len(ratios) // 2]:.2f}   "
            f"worst {ratios[-1]:.2f}   ({len(pairs)} requests, {sum(r for _, r in pairs)} region tokens)"
        )


def _serve(latency: float, conn, stop) -> None:
    with ScriptedLLMServer(default=reply(EMPTY, delay=latency)) as server:
        conn.send(server.base_url)
        stop.wait()


def throughput(chunks: list[tuple[Document, Chunk]], latency: float) -> None:
    print(f"throughput against the scripted server (own process), fixed latency {latency:g}s, mode tools")
    ctx = multiprocessing.get_context("fork")
    for concurrency, count in ((0, 192), (1, 4), (8, 32), (32, 96)):
        work = [chunks[i % len(chunks)] for i in range(count)]
        parent, child = ctx.Pipe()
        stop = ctx.Event()
        server = ctx.Process(target=_serve, args=(0.0 if concurrency == 0 else latency, child, stop), daemon=True)
        server.start()
        try:
            base_url = parent.recv()
            s = settings(base_url, concurrency=concurrency or 32)
            elapsed = asyncio.run(read_all(s, work, warm_up=True))
        finally:
            stop.set()
            server.join(5)
        if concurrency == 0:
            print(f"  extractor CPU per request (zero latency, concurrency 32): {elapsed / count * 1000:.1f} ms")
            continue
        ideal = math.ceil(count / concurrency) * latency
        print(
            f"  concurrency {concurrency:>2}: {count / elapsed:6.2f} requests/s, ideal {count / ideal:6.2f}  "
            f"→ {ideal / elapsed:.2f} of ideal" + ("   target ≥ 0.9" if concurrency == 32 else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=5.0)
    parser.add_argument("--pdfs", action="store_true", help="also the regions of the fixture PDFs")
    parser.add_argument("--no-throughput", action="store_true")
    args = parser.parse_args()
    chunks = chunks_of(documents(args.pdfs), Settings().max_tokens)
    token_ratios(chunks)
    if not args.no_throughput:
        throughput(chunks, args.latency)


if __name__ == "__main__":
    main()
