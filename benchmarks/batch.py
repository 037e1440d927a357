"""Batch ratios: scaling with worker processes, memory as the batch grows, LLM throughput vs the ideal.

    python benchmarks/batch.py [--docs 12] [--latency 4] [--concurrency 8] [--only scaling|memory|llm]

1. Scaling. ``llmextract run`` (rules extractor, local engine) over N distinct documents (copies of the text
   fixtures and two PDFs made distinct by a trailing comment) with --workers 1 and --workers 2; documents/s
   for each and the ratio (ideal: the number of cores).
2. Memory. Peak resident memory of the whole process tree (driver + workers, sampled from /proc every 20 ms)
   for a batch of N and of 10×N documents; the ratio should stay ≤ 1.3 (results are streamed to the store,
   never accumulated).
3. LLM throughput. ``llmextract run`` with the hybrid extractor over 2×N text documents against the
   scripted OpenAI-compatible server (tests/llm/scripted_server.py, a test double) answering every request
   after a fixed latency in its own process, without the response cache; ideal time = ceil(blocks /
   concurrency) × latency; printed as ideal ÷ measured wall time of the whole command (target ≥ 0.9).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TEXT_DOCS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDF_DOCS = [
    FIXTURES / "pdf" / "上海市普陀区商务委员会25年预算.pdf",
    FIXTURES / "pdf" / "国家信访局2026年度部门预算.pdf",
]


def make_corpus(root: Path, n: int, sources: list[Path]) -> Path:
    """``n`` distinct files cycling over ``sources`` (a trailing comment changes each file's hash)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        tail = f"\n% copy {i}\n" if src.suffix == ".pdf" else f"\n\n（副本 {i}）\n"
        (root / f"{i:04d}-{src.name}").write_bytes(data + tail.encode())
    return root


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/status") as fh:
                vm = next((line for line in fh if line.startswith("VmRSS:")), "VmRSS: 0 kB")
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(vm.split()[1])
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak tree RSS (KiB) of one ``llmextract`` invocation."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmextract", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            time.sleep(0.02)

    start = time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code not in (0, 1):
        raise SystemExit(f"llmextract {' '.join(args)} exited {code}")
    return elapsed, peak


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("LLMEXTRACT_", "OPENAI_"))}


def scaling(tmp: Path, n: int) -> None:
    corpus = make_corpus(tmp / "scaling", n, TEXT_DOCS + PDF_DOCS)
    rates = {}
    for workers in (1, 2):
        out = tmp / f"out-w{workers}"
        seconds, _ = run(["run", str(corpus), "--out", str(out), "--workers", str(workers)], clean_env())
        rates[workers] = n / seconds
        shutil.rmtree(out)
    print(f"1. scaling ({n} documents, rules extractor, local engine)")
    print(f"   1 worker  {rates[1]:6.2f} documents/s")
    print(f"   2 workers {rates[2]:6.2f} documents/s   scaling ratio {rates[2] / rates[1]:.2f} (ideal 2.00)")


def memory(tmp: Path, n: int) -> None:
    peaks = {}
    for factor in (1, 10):
        corpus = make_corpus(tmp / f"mem-{factor}", n * factor, TEXT_DOCS + PDF_DOCS)
        out = tmp / f"mem-out-{factor}"
        _, peaks[factor] = run(["run", str(corpus), "--out", str(out), "--workers", "2"], clean_env())
        shutil.rmtree(out)
    print("2. memory (peak RSS of driver + workers)")
    print(f"   {n:4d} documents  {peaks[1] / 1024:7.1f} MiB")
    print(f"   {10 * n:4d} documents  {peaks[10] / 1024:7.1f} MiB   ratio {peaks[10] / peaks[1]:.2f} (target ≤ 1.30)")


def llm_throughput(tmp: Path, n: int, latency: float, concurrency: int) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.llm import _serve  # the scripted server (a test double) in its own process
    from llmextract import load_document
    from llmextract.layout.project_blocks import find_project_blocks

    corpus = make_corpus(tmp / "llm", n, TEXT_DOCS)
    blocks = sum(len(find_project_blocks(load_document(p))) for p in sorted(corpus.iterdir()))
    config = tmp / "llm.toml"
    config.write_text(f"[llm]\nconcurrency = {concurrency}\nmax_retries = 0\ntimeout = 60\n", encoding="utf-8")
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    server = ctx.Process(target=_serve, args=(latency, child, stop), daemon=True)
    server.start()
    try:
        env = clean_env() | {
            "LLMEXTRACT_BASE_URL": parent.recv(),
            "LLMEXTRACT_MODEL": "bench",
            "LLMEXTRACT_API_KEY": "bench",
        }
        # --no-cache: the copies repeat the seeds' blocks, and every block must be a real call.
        seconds, _ = run(
            ["run", str(corpus), "--out", str(tmp / "llm-out"), "--config", str(config), "--no-cache"], env
        )
    finally:
        stop.set()
        server.join(5)
    rules_seconds, _ = run(
        ["run", str(corpus), "--out", str(tmp / "llm-rules-out"), "--extractor", "rules"], clean_env()
    )
    ideal = math.ceil(blocks / concurrency) * latency
    print(
        f"3. LLM throughput (hybrid, {n} documents, {blocks} blocks, concurrency {concurrency}, latency {latency:g}s)"
    )
    print(f"   measured {seconds:6.1f}s, ideal ceil(blocks/concurrency) × latency = {ideal:.1f}s")
    print(
        f"   fraction of ideal {ideal / seconds:.2f} (target ≥ 0.90); "
        f"the same run without the LLM takes {rules_seconds:.1f}s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--latency", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", choices=("scaling", "memory", "llm"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llmextract-bench-") as tmp:
        if args.only in (None, "scaling"):
            scaling(Path(tmp), args.docs)
        if args.only in (None, "memory"):
            memory(Path(tmp), args.docs)
        if args.only in (None, "llm"):
            llm_throughput(Path(tmp), 2 * args.docs, args.latency, args.concurrency)
    return 0


if __name__ == "__main__":
    sys.exit(main())
