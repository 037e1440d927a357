"""Review UI latency on a large run: record-page and queue requests against a static-file request.

    python benchmarks/review.py [--copies 150] [--samples 60]

The run is **synthetic**: the rules pipeline reads the five seed exports once, then each seed is saved
``--copies`` times as a distinct document (its text with a line ``合成副本 N`` appended, so a new document id)
with copies of its records and findings, each record given a random confidence so the queue interleaves
documents. With the default 150 copies that is 750 documents and 4,050 records as the rules reader reads the
seeds (indicators, grounding, number checks: ~20 KB of JSON each). The review app runs under uvicorn on 127.0.0.1; an
HTTP client (keep-alive) times, per request kind, the median over ``--samples`` requests of the wall time (and
of the CPU time of the process, server and client: what a request costs when other work shares the cores):

- baseline: ``GET /static/review.css`` (a static file through the same server, middleware and client);
- record page: records spread over the queue; with a queue filter (neighbours under the filter), both for
  records in the filtered queue and for records outside it (as after a decision changed a record's status);
- queue: pages not shown before (each parses its records), the first page again (its lines are kept), a
  rule filter.

No page image is requested (the seeds are text exports), so the record page is the database and template work.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn

from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.ingest import load_document
from llmextract.ingest.files import InputFile
from llmextract.ingest.text import ingest_text
from llmextract.pipeline import Config, DocumentResult, RecordResult, process
from llmextract.review.app import create_app
from llmextract.review.views import PAGE_SIZE
from llmextract.settings import ExtractorKind
from llmextract.store import QueueFilter, RunStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
RULES = Config(extractor=ExtractorKind.rules)


def build_run(run_dir: Path, copies: int, rng: random.Random) -> int:
    """Save ``copies`` synthetic copies of every seed document; returns the number of records."""
    store = RunStore(run_dir)
    count = 0
    for seed in SEEDS:
        data = seed.read_bytes()
        result = process(load_document(seed), RULES)
        records = [r.record.model_dump_json() for r in result.records]
        findings = [f.model_dump_json() for f in result.findings]
        old = result.doc.doc_id
        for i in range(copies):
            name = Path(f"/synthetic/{seed.stem}-{i:03d}.txt")
            doc = ingest_text(InputFile(name, data + f"\n合成副本 {i}\n".encode(), "text"))

            scored = []
            for body in records:
                confidence = round(rng.uniform(0.1, 1.0), 4)
                record = ProjectRecord.model_validate_json(_moved(body, old, doc.doc_id))
                record = record.model_copy(update={"confidence": confidence})
                scored.append(RecordResult(record, {}, confidence, confidence < RULES.review_threshold))
            document_findings = [Finding.model_validate_json(_moved(f, old, doc.doc_id)) for f in findings]
            copy = DocumentResult(doc, "rules", scored, document_findings, result.checks)
            store.save(copy, RULES, source=run_dir / "no-source")  # no copy of the source: nothing re-verified
            count += len(scored)
    store.close()
    return count


def _moved(text: str, old: str, new: str) -> str:
    """JSON of one document's record or finding as a copy's: its document id, and the record ids built on it."""
    return text.replace(old, new).replace(old[:16], new[:16])


def serve(run_dir: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(run_dir), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _spread(keys: list[str], n: int) -> list[str]:
    """``n`` keys evenly spread over ``keys`` (queue order)."""
    return [keys[round(i * (len(keys) - 1) / max(n - 1, 1))] for i in range(n)]


def medians_ms(client: httpx.Client, urls: Callable[[int], str], samples: int) -> tuple[float, float]:
    """Median wall time and median CPU time (this process: server thread and client) of a request, in ms."""
    wall, cpu = [], []
    for i in range(samples):
        url = urls(i)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=150, help="synthetic copies of each seed document")
    parser.add_argument("--samples", type=int, default=60, help="requests per kind")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        start = time.perf_counter()
        records = build_run(run_dir, args.copies, rng)
        with RunStore(run_dir, create=False) as store:
            keys = [r.key for r in store.queue()]
            warned = [r.key for r in store.queue(QueueFilter(severity="warning"))]
            with_warning = set(warned)
            unwarned = [k for k in keys if k not in with_warning]
            rule = max(store.rule_ids(), key=lambda r: len(store.queue(QueueFilter(rule_id=r))))
        print(
            f"synthetic run: {len(SEEDS) * args.copies} documents, {records} records "
            f"(built in {time.perf_counter() - start:.0f}s)"
        )
        server, thread, base = serve(run_dir)
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                client.get("/?view=all")  # warm up: templates compiled, the first page's lines kept
                picks = _spread(keys, args.samples)
                in_filter = _spread(warned, args.samples)
                outside = _spread(unwarned, args.samples)
                pages = -(-len(keys) // PAGE_SIZE)
                # view=all: every record of the run (the default queue holds only those that need review)
                kinds: list[tuple[str, Callable[[int], str]]] = [
                    ("baseline: static file (review.css)", lambda i: "/static/review.css"),
                    ("record page", lambda i: f"/record/{picks[i]}?view=all"),
                    (
                        "record page, queue filtered by severity",
                        lambda i: f"/record/{in_filter[i]}?view=all&severity=warning",
                    ),
                    (
                        "record page outside its filtered queue (just decided)",
                        lambda i: f"/record/{outside[i]}?view=all&severity=warning",
                    ),
                    (
                        f"queue, a page of {PAGE_SIZE} not shown before",
                        lambda i: f"/?view=all&page={2 + i % (pages - 1)}",
                    ),
                    ("queue, the first page again", lambda i: "/?view=all"),
                    (f"queue filtered by rule {rule}, shown before", lambda i: f"/?view=all&rule={rule}"),
                    ("queue of the records that need review, first page", lambda i: "/"),
                ]
                baseline = None
                for label, urls in kinds:
                    ms, cpu = medians_ms(client, urls, args.samples)
                    baseline = baseline or ms
                    print(f"  {label:<56} {ms:7.1f} ms {ms / baseline:6.1f}x baseline   (CPU {cpu:6.1f} ms)")
        finally:
            server.should_exit = True
            thread.join(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
