"""LLM extractor ratios: prompt tokens per project ÷ tokens of the block, and throughput vs the ideal.

    /work/venv/bin/python benchmarks/llm.py [--latency 0.5] [--blocks 64]

1. Prompt overhead. Every project block of the seed exports is sent, once per mode, to the scripted test server
   (tests/llm/scripted_server.py), which keeps the request bodies. The prompt is everything the model reads: the
   message texts plus the tool definition / response_format schema as sent. Tokens are counted by a simple
   deterministic estimator ("cjk1-ascii4"): each CJK or full-width character is one token; every other run of
   non-space characters is ceil(len/4) tokens. Target: ≤ 1.5 (prompt tokens ÷ block tokens, over all blocks).
2. Throughput. The scripted server, in its own process so that its CPU does not compete with the extractor's,
   answers every request after a fixed latency (default 5 s: shorter than a real extraction call, which
   writes ~1k tokens, so the fraction is a lower bound); N blocks are read at concurrency 1, 8 and 32 (cache
   off). Ideal time = ceil(N / concurrency) × latency; the printed fraction is ideal ÷ measured (1.0 = no
   overhead at all). Target: ≥ 0.9 at 32. The extractor's own CPU per block (measured at zero latency) is
   printed too: it is what limits the fraction, at about latency ÷ (latency + concurrency × cpu).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from llmextract import load_document  # noqa: E402
from llmextract.core.document import Document  # noqa: E402
from llmextract.extract.llm import LLMExtractor  # noqa: E402
from llmextract.extract.llm.schema import LLMProject  # noqa: E402
from llmextract.layout.project_blocks import ProjectBlock, find_project_blocks  # noqa: E402
from llmextract.settings import MODES, Settings  # noqa: E402
from tests.llm.scripted_server import ScriptedLLMServer, reply  # noqa: E402

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def estimate_tokens(text: str) -> int:
    """cjk1-ascii4: one token per CJK/full-width character, ceil(len/4) per other non-space run."""
    cjk = len(_CJK.findall(text))
    rest = _CJK.sub(" ", text)
    return cjk + sum(math.ceil(len(run) / 4) for run in rest.split())


def prompt_text(body: dict) -> str:
    """What the model reads: the messages, and the tools / response_format as the openai client sends them
    (compact JSON)."""
    messages = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
    schema = body.get("tools") or body.get("response_format") or ""
    return messages + "\n" + (json.dumps(schema, ensure_ascii=False, separators=(",", ":")) if schema else "")


def block_of(body: dict, blocks: dict[str, int]) -> int:
    """Tokens of the block a request carries (md_json mode appends an instruction to the user message)."""
    user = str(body["messages"][1]["content"])
    return next(tokens for text, tokens in blocks.items() if user.startswith(text))


def seed_blocks() -> list[tuple[Document, ProjectBlock]]:
    out = []
    for path in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")):
        doc = load_document(path)
        out.extend((doc, part) for part in find_project_blocks(doc))
    return out


def empty_answer(body: dict) -> dict:
    """A minimal valid reply: the project name is a cell of the block (so it is grounded), all else blank."""
    block = body["messages"][1]["content"]
    cells = [c.strip() for c in re.split(r"[\t\n]", block) if c.strip()]
    fields = [name for name, f in LLMProject.model_fields.items() if f.annotation is str and name != "name"]
    return {
        "name": cells[1] if len(cells) > 1 else cells[0],
        **dict.fromkeys(fields, ""),
        "indicators": [],
    }


def settings(base_url: str, **overrides: object) -> Settings:
    return replace(
        Settings(base_url=base_url, api_key="bench", model="bench", max_retries=0, max_reasks=0, timeout=60),
        **overrides,
    )


async def read_all(s: Settings, blocks: list[tuple[Document, ProjectBlock]], warm_up: bool = False) -> float:
    async with LLMExtractor(s) as llm:
        if warm_up:  # the openai client imports its response types on first use: a one-off, not throughput
            await llm.extract_block(*blocks[0])
        started = time.perf_counter()
        results = await asyncio.gather(*(llm.extract_block(doc, part) for doc, part in blocks))
        elapsed = time.perf_counter() - started
    failed = [r.error for r in results if not r.ok]
    if failed:
        raise SystemExit(f"benchmark run failed: {failed[0]}")
    return elapsed


def token_ratios(blocks: list[tuple[Document, ProjectBlock]]) -> None:
    print("prompt tokens per project ÷ block tokens (estimator cjk1-ascii4)")
    by_text = {doc.text[p.start : p.end]: estimate_tokens(doc.text[p.start : p.end]) for doc, p in blocks}
    by_text = dict(sorted(by_text.items(), key=lambda kv: -len(kv[0])))  # longest first for prefix matching
    block_tokens = [by_text[doc.text[p.start : p.end]] for doc, p in blocks]
    for mode in MODES:
        with ScriptedLLMServer(default=lambda body: reply(empty_answer(body))) as server:
            asyncio.run(read_all(settings(server.base_url, mode=mode, concurrency=8), blocks))
            pairs = [(estimate_tokens(prompt_text(body)), block_of(body, by_text)) for body in server.requests]
        prompts = [p for p, _ in pairs]
        ratios = sorted(p / b for p, b in pairs)
        overall = sum(prompts) / sum(block_tokens)
        print(
            f"  {mode:<12} overall {overall:.2f}   median {ratios[len(ratios) // 2]:.2f}   "
            f"worst {ratios[-1]:.2f}   ({len(blocks)} blocks, {sum(block_tokens)} block tokens)"
            + ("   target ≤ 1.5" if mode == "tools" else "")
        )


def _serve(latency: float, conn, stop) -> None:
    with ScriptedLLMServer(default=lambda body: reply(empty_answer(body), delay=latency)) as server:
        conn.send(server.base_url)
        stop.wait()


def throughput(blocks: list[tuple[Document, ProjectBlock]], latency: float) -> None:
    print(f"throughput against the scripted server (own process), fixed latency {latency:g}s, mode tools")
    ctx = multiprocessing.get_context("fork")
    for concurrency, count in ((0, 192), (1, 4), (8, 32), (32, 96)):
        work = [blocks[i % len(blocks)] for i in range(count)]
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
            print(f"  extractor CPU per block (zero latency, concurrency 32): {elapsed / count * 1000:.1f} ms")
            continue
        ideal = math.ceil(count / concurrency) * latency
        print(
            f"  concurrency {concurrency:>2}: {count / elapsed:6.2f} blocks/s, ideal {count / ideal:6.2f}  "
            f"→ {ideal / elapsed:.2f} of ideal" + ("   target ≥ 0.9" if concurrency == 32 else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=5.0)
    args = parser.parse_args()
    blocks = seed_blocks()
    token_ratios(blocks)
    throughput(blocks, args.latency)


if __name__ == "__main__":
    main()
