"""Precision of the verifier's error claims on the judged set (evals/judged), and errors per document.

    python benchmarks/judged.py [CORPUS] [--workers 2] [--show-heldout] [--close-fixed] [--out DIR]

CORPUS defaults to ../shared/corpus (next to the repository). Every document of its seeds/, pdf/ and more/
folders runs through ``llmextract verify`` (the rules extractor), ``--workers`` documents at a time, each in a
process of its own; its claims (the severity-error findings of verifier rules, ``llmextract.evals.judged``) are
looked up in evals/judged/*.json by claim key (evals/judged/README.md). It prints:

- precision: claims judged true ÷ judged claims made today, in-sample and held-out separately;
- claims made today, judged or not; the unjudged ones are listed (held-out ones only counted) — judge them;
- claims judged true that are no longer made (lost real errors) and misreadings judged fixed that came back;
- errors per document (claims ÷ documents), in-sample and held-out;
- the in-sample false claims grouped by mechanism, with document, pages, rule and why each is a misreading;
- the held-out false claims as counts by mechanism only.

``--show-heldout`` lists held-out claims too (for a judge, who tunes nothing). ``--close-fixed`` closes the open
false claims the verifier no longer makes, in evals/judged, so that a regression shows in the test suite.
Documents are parsed through the parse cache (``$LLMEXTRACT_PARSE_CACHE``, else the user cache), so reruns after
a verifier change skip the parsing. ``--out DIR`` receives judged.json (held-out rows masked unless shown).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from llmextract.batch.discover import discover
from llmextract.core.findings import Finding
from llmextract.evals.judged import (
    Comparison,
    JudgedDocument,
    close_fixed,
    compare,
    is_claim,
    load_judged,
    save_judged,
)
from llmextract.ingest import ParseCache, load_document
from llmextract.pipeline import Config, process
from llmextract.settings import ExtractorKind, parse_cache_dir

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
JUDGED_DIR = ROOT / "evals" / "judged"
HELDOUT_LIST = ROOT / "evals" / "heldout.txt"
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "judged"
FOLDERS = ("seeds", "pdf", "more")
CORPUS_NOTES = {"README.md", "SOURCES.md"}  # the corpus's own descriptions, not disclosures
MASKED = "(held-out)"


# --- running the verifier ------------------------------------------------------------------------------------


def corpus_documents(corpus: Path) -> list[str]:
    """Paths (relative to ``corpus``) of every document of its seeds/, pdf/ and more/ folders."""
    out: list[str] = []
    for folder in FOLDERS:
        supported = discover(corpus / folder).supported
        out += [p.relative_to(corpus).as_posix() for p in supported if p.name not in CORPUS_NOTES]
    return out


def claims_of(corpus: Path, source: str) -> dict[str, Any]:
    """The document's claims as plain data (it leaves a worker process); a failure is the document's result."""
    path = corpus / source
    row: dict[str, Any] = {"source": source, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    try:
        doc = load_document(path, page_workers=1, cache=ParseCache(parse_cache_dir()))
        result = process(doc, Config(extractor=ExtractorKind.rules, page_workers=1))
    except Exception as exc:  # one document never stops the run (a scan is refused with NoTextLayerError)
        return {**row, "failure": f"{type(exc).__name__}: {str(exc)[:200]}", "claims": []}
    return {**row, "failure": None, "claims": [f.model_dump(mode="json") for f in result.all_findings if is_claim(f)]}


def run(corpus: Path, sources: list[str], workers: int) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("fork")
    rows = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(claims_of, corpus, s) for s in sources]
        for i, future in enumerate(as_completed(futures), 1):
            rows.append(future.result())
            print(f"[{i:>3}/{len(sources)}]", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return sorted(rows, key=lambda r: r["source"])


# --- comparing ----------------------------------------------------------------------------------------------


def read_heldout(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {f"more/{ln.strip()}" for ln in lines if ln.strip() and not ln.startswith("#")}


def judge(rows: list[dict[str, Any]], judged: dict[Path, JudgedDocument], heldout: set[str]) -> list[dict[str, Any]]:
    """Per document: its split, its judged file and the comparison of today's claims with it."""
    by_source = {doc.source: (path, doc) for path, doc in judged.items()}
    out = []
    for row in rows:
        path, doc = by_source.get(row["source"], (None, None))
        split = doc.split if doc else ("held_out" if row["source"] in heldout else "in_sample")
        findings = [Finding.model_validate(f) for f in row["claims"]]
        empty = JudgedDocument(source=row["source"], doc_sha256=row["sha256"], split=split, judged_at="-", judge="-")
        out.append(
            {
                **row,
                "split": split,
                "file": path,
                "judged": doc,
                "changed": doc is not None and doc.doc_sha256 != row["sha256"],
                "comparison": compare(doc or empty, findings),
            }
        )
    return out


def totals(docs: list[dict[str, Any]]) -> dict[str, Any]:
    cs: list[Comparison] = [d["comparison"] for d in docs]
    true, false = sum(c.judged_true for c in cs), sum(c.judged_false for c in cs)
    claims = sum(c.claims for c in cs)
    return {
        "documents": len(docs),
        "failed": sum(1 for d in docs if d["failure"]),
        "claims": claims,
        "judged_true": true,
        "judged_false": false,
        "unjudged": sum(len(c.unjudged) for c in cs),
        "precision": round(true / (true + false), 3) if true + false else None,
        "errors_per_document": round(claims / len(docs), 2) if docs else None,
        "true_missing": sum(len(c.true_missing) for c in cs),
        "false_back": sum(len(c.false_back) for c in cs),
        "false_fixed": sum(len(c.false_fixed) for c in cs),
    }


def false_claims(docs: list[dict[str, Any]]) -> dict[str, list[tuple[str, Any]]]:
    """Today's false claims by mechanism: ``(document, judged claim)``."""
    groups: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for d in docs:
        c: Comparison = d["comparison"]
        entries = {e.key: e for e in d["judged"].claims} if d["judged"] else {}
        for key, n in Counter(c.false_open + c.false_back).items():
            entry = entries[key]
            groups[entry.mechanism or "?"] += [(d["source"], entry)] * n
    return dict(sorted(groups.items()))


# --- printing -----------------------------------------------------------------------------------------------


def _precision(t: dict[str, Any]) -> str:
    p = "n/a" if t["precision"] is None else f"{t['precision']:.3f}"
    return (
        f"precision {p} ({t['judged_true']} true / {t['judged_true'] + t['judged_false']} judged claims) · "
        f"{t['claims']} claims, {t['unjudged']} not judged · {t['documents']} documents "
        f"({t['failed']} refused) · {t['errors_per_document']} errors per document"
    )


def print_report(docs: list[dict[str, Any]], show_heldout: bool) -> None:
    splits = {s: [d for d in docs if d["split"] == s] for s in ("in_sample", "held_out")}
    for split, members in splits.items():
        print(f"{split:<9} {_precision(totals(members))}")
    print(f"{'all':<9} {_precision(totals(docs))}")

    def visible(d: dict[str, Any]) -> bool:
        return d["split"] == "in_sample" or show_heldout

    for title, attr in (
        ("judged TRUE, no longer claimed (lost real errors)", "true_missing"),
        ("judged FALSE and fixed, claimed again (misreadings back)", "false_back"),
        ("NOT JUDGED: judge these (read the page, add them to evals/judged)", "unjudged"),
        ("judged false, no longer claimed: close them with --close-fixed", "false_fixed"),
    ):
        hits = [(d, k) for d in docs for k in getattr(d["comparison"], attr)]
        if not hits:
            continue
        hidden = sum(1 for d, _ in hits if not visible(d))
        print(f"\n{title}: {len(hits)}" + (f" ({hidden} held-out, not listed)" if hidden else ""))
        for d, key in hits:
            if visible(d):
                print(f"  {d['source']}  {key}")
    for d in docs:
        if d["changed"]:
            print(f"\n{d['source'] if visible(d) else MASKED}: the file differs from the judged one (sha256)")

    print("\nin-sample false claims by mechanism (what a fixer can act on):")
    groups = false_claims(splits["in_sample"])
    if not groups:
        print("  none")
    for mechanism, items in groups.items():
        print(f"  {mechanism}: {len(items)}")
        for source, entry in items:
            pages = "+".join(str(p) for p in entry.pages)
            print(f"    {source} p{pages} {entry.rule_id}: {entry.reason}")
    held = false_claims(splits["held_out"])
    print("held-out false claims by mechanism: " + (", ".join(f"{m} {len(v)}" for m, v in held.items()) or "none"))
    if show_heldout:
        for mechanism, items in held.items():
            for source, entry in items:
                print(f"    {mechanism} {source} p{'+'.join(map(str, entry.pages))} {entry.rule_id}: {entry.reason}")


def report_json(docs: list[dict[str, Any]], show_heldout: bool) -> dict[str, Any]:
    def row(d: dict[str, Any]) -> dict[str, Any]:
        c: Comparison = d["comparison"]
        hide = d["split"] == "held_out" and not show_heldout
        return {
            "document": MASKED if hide else d["source"],
            "split": d["split"],
            "failure": d["failure"],
            "claims": c.claims,
            "judged_true": c.judged_true,
            "judged_false": c.judged_false,
            "unjudged": len(c.unjudged),
            "true_missing": len(c.true_missing),
        }

    return {
        "totals": {s: totals([d for d in docs if d["split"] == s]) for s in ("in_sample", "held_out")}
        | {"all": totals(docs)},
        "in_sample_false_by_mechanism": {
            m: [{"document": s, "key": e.key, "reason": e.reason} for s, e in items]
            for m, items in false_claims([d for d in docs if d["split"] == "in_sample"]).items()
        },
        "held_out_false_by_mechanism": {
            m: len(items) for m, items in false_claims([d for d in docs if d["split"] == "held_out"]).items()
        },
        "documents": [row(d) for d in docs],
    }


# --- command line -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-heldout", action="store_true", help="list held-out claims (a judge only)")
    parser.add_argument("--close-fixed", action="store_true", help="close the false claims no longer made")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not all((args.corpus / f).is_dir() for f in FOLDERS) or args.workers < 1:
        print(f"judged: {args.corpus} needs seeds/, pdf/ and more/; --workers must be positive", file=sys.stderr)
        return 2

    judged = load_judged(JUDGED_DIR)
    sources = corpus_documents(args.corpus)
    start = time.perf_counter()
    rows = run(args.corpus, sources, args.workers)
    docs = judge(rows, judged, read_heldout(HELDOUT_LIST))
    print_report(docs, args.show_heldout)
    print(f"\n{len(sources)} documents in {time.perf_counter() - start:.0f} s with {args.workers} workers")

    if args.close_fixed:
        closed = 0
        for d in docs:
            if d["judged"] is not None and d["comparison"].false_fixed:
                save_judged(d["file"], close_fixed(d["judged"], d["comparison"]))
                closed += len(d["comparison"].false_fixed)
        print(f"closed {closed} false claims no longer made")
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / "judged.json"
    out.write_text(json.dumps(report_json(docs, args.show_heldout), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
