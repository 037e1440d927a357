"""Do the PDF readers agree? Both read every page of the corpus; the pages whose text, lines and cells differ.

    python benchmarks/equivalence.py [--corpus ../shared/corpus] [--jobs N] [PDF ...]

The pdfplumber reader (pdfminer.six) is the reference; the pdfium reader must give the same page content: the
same text (lines and table rows in reading order), the same free-text lines and the same table cells (grid
position, spans, text). Prints the share of pages equal on each count and overall, how many pages the pdfium
reader handed to pdfplumber (text PDFium cannot place), then the differing pages with their first difference.
Documents listed in evals/heldout.txt (or ``--heldout``) are only counted: their content and their
per-document results are never printed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from llmextract.core.errors import LLMExtractError
from llmextract.ingest.pdf import open_reader
from llmextract.ingest.pdf_page import PageReading, parse_page

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_HELDOUT = ROOT / "evals" / "heldout.txt"


@dataclass
class Result:
    path: str
    pages: int = 0
    text: int = 0
    lines: int = 0
    cells: int = 0
    equal: int = 0
    delegated: int = 0
    diffs: list[tuple[int, str]] = field(default_factory=list)
    error: str | None = None


def compare(path: str) -> Result:
    result = Result(path)
    data = Path(path).read_bytes()
    try:
        ref = open_reader(data, path, "pdfplumber")
        new = open_reader(data, path, "pdfium")
    except LLMExtractError as exc:
        result.error = str(exc)
        return result
    try:
        for number in range(1, len(ref) + 1):
            a = parse_page(ref.read(number)).reading()
            b = parse_page(new.read(number)).reading()
            result.pages += 1
            result.text += a.text == b.text
            result.lines += a.lines == b.lines
            result.cells += a.cells == b.cells
            if a == b:
                result.equal += 1
            else:
                result.diffs.append((number, _first_difference(a, b)))
    except LLMExtractError as exc:
        result.error = str(exc)
    finally:
        result.delegated = getattr(new, "delegated", result.pages)  # PDFium could not open it at all
        ref.close()
        new.close()
    return result


def _first_difference(a: PageReading, b: PageReading) -> str:
    old, new = a.text.splitlines(), b.text.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            return f"pdfplumber {old[i1:i2][:2]!r} | pdfium {new[j1:j2][:2]!r}"
    return "same text; the cells' grid positions or spans differ"


def heldout_paths(listing: Path, corpus: Path) -> set[Path]:
    if not listing.exists():
        return set()
    lines = (ln.strip() for ln in listing.read_text(encoding="utf-8").splitlines())
    return {(corpus / "more" / ln).resolve() for ln in lines if ln.endswith(".pdf") and not ln.startswith("..")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    paths = args.pdfs or sorted(args.corpus.glob("pdf/*.pdf")) + sorted(args.corpus.glob("more/**/*.pdf"))
    hidden = heldout_paths(args.heldout, args.corpus)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(compare, [str(p) for p in paths]))
    open_results = [r for r in results if Path(r.path).resolve() not in hidden]
    held_results = [r for r in results if Path(r.path).resolve() in hidden]
    for label, group in (("corpus (not held out)", open_results), ("held-out documents", held_results)):
        pages = sum(r.pages for r in group)
        if not pages:
            continue
        print(f"{label}: {len(group)} PDFs, {pages} pages")
        for name in ("text", "lines", "cells", "equal"):
            n = sum(getattr(r, name) for r in group)
            print(f"  {name:<6} {n:5d} / {pages} pages  {n / pages:7.2%}")
        delegated = sum(r.delegated for r in group)
        print(f"  ({delegated} of the pages were handed by the pdfium reader to pdfplumber: text PDFium cannot place)")
    print("\ndiffering pages (not held out):")
    for r in open_results:
        if r.error:
            print(f"  {r.path}: not read ({r.error})")
        for number, diff in r.diffs:
            print(f"  {r.path} p.{number}: {diff}")
    unreadable = sum(1 for r in held_results if r.error)
    if unreadable:
        print(f"  ({unreadable} held-out documents not read)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
