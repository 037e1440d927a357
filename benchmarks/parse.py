"""PDF ingest speed and memory, against a naive pdfplumber baseline measured in the same run.

    python benchmarks/parse.py [--corpus ../shared/corpus/more] [--repeat 1] [--sections 123] [PDF ...]

Baseline: ``pdfplumber.open`` then ``page.extract_text()`` + ``page.extract_tables()`` on every page.

1. In-process throughput over the corpus (every PDF of ``--corpus`` except the held-out ones, or the PDFs
   given): the baseline; ``load_document`` with the pdfplumber reader and with the pdfium reader (the default)
   in one process (``page_workers=1``); and with the default page workers (one per core). Each configuration
   runs ``--repeat`` times, interleaved so that machine noise hits all alike; the median is reported.
   Targets: one process >= 2x the baseline, default workers on 2 cores >= 3.5x.
2. Whole process on the documents of 30-60 pages: ``llmextract parse --no-cache FILE`` against a fresh interpreter
   running the baseline on the same file, one after the other, summed. Target >= 2x. The import time of
   the CLI is printed too, since it is part of every run.
3. Peak memory (max RSS of a fresh process and of its largest page worker) after ingesting the corpus once and
   three times over: it is set by the largest document, so the ratio should stay near 1 (no accumulation).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from llmextract import load_document
from llmextract.core.errors import LLMExtractError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "more"
DEFAULT_HELDOUT = ROOT / "evals" / "heldout.txt"
PYTHON = sys.executable
CLI = str(Path(sys.executable).with_name("llmextract"))

NAIVE = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_text()
        page.extract_tables()
"""
INGEST_ALL = """
import resource, sys
from pathlib import Path
from llmextract import load_document
from llmextract.core.errors import LLMExtractError
for path in sys.argv[1:]:
    try:
        load_document(path)
    except LLMExtractError:
        pass
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the benchmark's own peak.
status = Path("/proc/self/status").read_text()
own = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def naive(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def ours(path: Path, workers: int | None, reader: str = "pdfium") -> None:
    with contextlib.suppress(LLMExtractError):  # a scan: refused after reading every page, as it should be
        load_document(path, page_workers=workers, reader=reader)  # type: ignore[arg-type]


def corpus_pdfs(corpus: Path, heldout: Path) -> list[Path]:
    hidden = set()
    if heldout.exists():
        lines = (ln.strip() for ln in heldout.read_text(encoding="utf-8").splitlines())
        hidden = {(corpus / ln).resolve() for ln in lines if ln.endswith(".pdf") and not ln.startswith("..")}
    return sorted(p for p in corpus.glob("**/*.pdf") if p.resolve() not in hidden)


def page_counts(paths: list[Path]) -> dict[Path, int]:
    counts = {}
    for path in paths:
        try:
            with pdfplumber.open(path) as pdf:  # reading the file also warms the OS file cache
                counts[path] = len(pdf.pages)
        except Exception:  # a file the baseline cannot open is left out of every measurement
            continue
    return counts


def throughput(paths: list[Path], pages: int, repeat: int) -> None:
    configs: dict[str, Callable[[Path], object]] = {
        "baseline (extract_text + extract_tables)": naive,
        "llmextract, pdfplumber reader, 1 process": lambda p: ours(p, 1, "pdfplumber"),
        "llmextract, pdfium reader, 1 process": lambda p: ours(p, 1),
        f"llmextract, default page workers ({os.cpu_count()} cores)": lambda p: ours(p, None),
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    for _ in range(repeat):
        for name, fn in configs.items():
            start = time.perf_counter()
            for path in paths:
                fn(path)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times[next(iter(configs))])
    print(f"1. in process: {len(paths)} PDFs, {pages} pages, median of {repeat} runs")
    for name, runs in times.items():
        med = statistics.median(runs)
        print(f"   {name:<52} {pages / med:7.1f} pages/s   {base / med:5.2f}x baseline")


def whole_process(counts: dict[Path, int]) -> None:
    docs = [p for p, n in counts.items() if 30 <= n <= 60]
    if not docs:
        return
    naive_s = ours_s = 0.0
    for path in docs:
        start = time.perf_counter()
        subprocess.run([PYTHON, "-c", NAIVE, str(path)], check=True, capture_output=True)
        naive_s += time.perf_counter() - start
        start = time.perf_counter()
        # --no-cache: the parse itself is measured, not a load from the parse cache
        subprocess.run([CLI, "parse", "--no-cache", str(path)], capture_output=True)
        ours_s += time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", "import llmextract.cli"], check=True)
    imports = time.perf_counter() - start
    pages = sum(counts[p] for p in docs)
    print(f"2. whole process: {len(docs)} PDFs of 30-60 pages, {pages} pages")
    print(f"   baseline in a fresh interpreter      {naive_s:7.1f} s")
    print(f"   llmextract parse --no-cache FILE     {ours_s:7.1f} s   {naive_s / ours_s:5.2f}x baseline")
    print(f"   (of which starting llmextract: {imports:.2f} s per process, importing llmextract.cli)")


def peak_memory(paths: list[Path]) -> None:
    print("3. peak memory (max RSS in MiB of the process, and of its largest page worker)")
    peaks = []
    for rounds in (1, 3):
        args = [str(p) for _ in range(rounds) for p in paths]
        out = subprocess.run([PYTHON, "-c", INGEST_ALL, *args], check=True, capture_output=True, text=True)
        own, worker = (int(v) / 1024 for v in out.stdout.split())
        peaks.append(own + worker)
        print(f"   {len(args):4d} PDFs   process {own:7.1f}   worker {worker:7.1f}")
    print(f"   ratio of the sums, three times the corpus / the corpus once: {peaks[1] / peaks[0]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sections", default="123", help="which of the three measurements to run (default: 123)")
    args = parser.parse_args()
    counts = page_counts(args.pdfs or corpus_pdfs(args.corpus, args.heldout))
    if not counts:
        print(f"parse: no readable PDF {'given' if args.pdfs else f'under {args.corpus}'}", file=sys.stderr)
        return 2
    paths = list(counts)
    if "1" in args.sections:
        throughput(paths, sum(counts.values()), args.repeat)
    if "2" in args.sections:
        whole_process(counts)
    if "3" in args.sections:
        peak_memory(paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
