"""Throughput of parse + verify over the corpus fixtures (seed exports and text-layer PDFs).

    python benchmarks/verify.py [--repeat 3] [FILE ...]

Each file is loaded (``load_document``, default page workers) and verified; the median over ``--repeat``
runs is reported, per file and overall, in documents/second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from llmextract import load_document
from llmextract.verify import verify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEFAULT = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted(
    p
    for p in (FIXTURES / "pdf").glob("*.pdf")
    if "北京" not in p.name  # a scan: no text layer to verify
)


def once(path: Path) -> tuple[float, float]:
    start = time.perf_counter()
    doc = load_document(path)
    parsed = time.perf_counter()
    verify(doc)
    return parsed - start, time.perf_counter() - parsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    total_parse = total_verify = 0.0
    for path in args.files:
        runs = [once(path) for _ in range(args.repeat)]
        parse_s = statistics.median(r[0] for r in runs)
        verify_s = statistics.median(r[1] for r in runs)
        total_parse += parse_s
        total_verify += verify_s
        print(f"{path.name[:40]:<40} parse {parse_s:6.2f}s  verify {verify_s:6.3f}s")
    n = len(args.files)
    print(
        f"{n} documents: parse {total_parse:.2f}s + verify {total_verify:.2f}s -> "
        f"{n / (total_parse + total_verify):.2f} documents/second (verify alone {n / total_verify:.1f}/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
