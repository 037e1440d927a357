"""Ingest throughput of the corpus PDFs, against a naive pdfplumber baseline measured in the same run.

    python benchmarks/parse.py [--repeat 3] [PDF ...]

Baseline: ``pdfplumber.open`` then ``page.extract_text()`` + ``page.extract_tables()`` on every page.
llmextract: ``load_document`` in one process (``page_workers=1``) and with its default page workers (one per
core). Each configuration runs ``--repeat`` times, interleaved so that machine noise hits all alike, and the
median is reported. Target: ≥ 2x the baseline's pages/second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pdfplumber

from llmextract import load_document

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDFS = sorted(p for p in (ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf") if "北京" not in p.name)


def naive(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def ours(path: Path, workers: int | None) -> int:
    return len(load_document(path, page_workers=workers).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    configs = {
        "baseline (extract_text + extract_tables)": naive,
        "llmextract, 1 process": lambda p: ours(p, 1),
        f"llmextract, default page workers ({os.cpu_count()} cores)": lambda p: ours(p, None),
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    pages = sum(naive(p) for p in args.pdfs)  # also warms the OS file cache
    for _ in range(args.repeat):
        for name, fn in configs.items():
            start = time.perf_counter()
            for path in args.pdfs:
                fn(path)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times[next(iter(configs))])
    print(f"{len(args.pdfs)} PDFs, {pages} pages, median of {args.repeat} runs")
    for name, runs in times.items():
        med = statistics.median(runs)
        print(f"  {name:<55} {pages / med:7.1f} pages/s   {base / med:5.2f}x baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
