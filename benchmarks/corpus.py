"""The team's daily view of generalisation: the whole pipeline over every document of a corpus.

    python benchmarks/corpus.py [DIR ...] [--workers 2] [--timeout 300] [--extractor rules|llm|hybrid]
                                [--out benchmarks/out/corpus] [--compare OLD.json] [--twice] [--show-heldout]

DIR defaults to ../shared/corpus (next to the repository). Every supported file (.pdf, .txt, .md) runs through
the pipeline in its own worker process (``--workers`` at a time); a document that takes longer than
``--timeout`` seconds is killed and reported as failure "timeout", and an exception is reported with its type.
Per document: pages, seconds, failure, records by kind, indicators, records without indicators, share of
fields filled, error and warning findings, and the signals of ``llmextract.evals.signals`` (target-table
titles, 项目名称 labels, indicator headers, the prose's count of project targets, the project lines of the
项目支出 table), which come from the document's own lines and not from the readers.

Documents are listed most suspicious first, each with one line saying why: signals without records, fewer
records than 项目名称 labels or than the prose discloses, records without indicators, few fields filled, errors.

Held-out documents (evals/heldout.txt, paths relative to the corpus's more/ folder) are run but shown only as
masked rows at the end of the list and in separate totals; ``--show-heldout`` unmasks them (for the lead only).

``--out DIR`` receives corpus.csv, corpus.json and corpus.html (one page, offline: per document, records against
the signals, errors and seconds per page, as bars; held-out documents only in the totals); ``--compare OLD.json``
prints what changed per document and in total against an earlier corpus.json; ``--twice`` is what a rerun of
``llmextract run`` with another setting costs: the first run keeps every parsed PDF in a fresh parse cache (as a
run keeps OUT/parse-cache), the second runs with another review threshold and loads them; it prints both wall
times and their ratio (target ≥ 10×). Without ``--twice`` nothing is cached: every document is parsed.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from llmextract.batch.discover import discover
from llmextract.core.document import Document
from llmextract.core.errors import ConfigError
from llmextract.evals.overview import overview_page
from llmextract.evals.signals import read_signals
from llmextract.ingest import ParseCache, load_document
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.settings import Settings, resolve_settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
HELDOUT_LIST = ROOT / "evals" / "heldout.txt"
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "corpus"
KINDS = ("project", "department", "evaluation")

# The fields a table of each kind normally prints: the denominator of "fields filled".
FILLED_FIELDS: dict[str, tuple[str, ...]] = {
    "project": (
        "name",
        "department",
        "implementing_unit",
        "attribute",
        "period",
        "funding.period_total",
        "funding.annual_total",
        "overview",
        "basis",
        "goals.period",
        "goals.annual",
        "indicators",
    ),
    "department": ("name", "funding.annual_total", "goals.annual", "indicators"),
    "evaluation": ("name", "department", "implementing_unit", "funding.annual_total", "goals.annual", "indicators"),
}
MASKED = "(held-out)"


# --- one document -------------------------------------------------------------------------------------------


def _run(path: Path, config: Config, cache_dir: Path | None = None) -> tuple[Document, DocumentResult]:
    """The only call into the pipeline."""
    cache = ParseCache(cache_dir) if cache_dir is not None else None
    result = process(load_document(path, page_workers=config.page_workers, cache=cache), config, cache=cache)
    return result.doc, result


def measure(path: Path, config: Config, cache_dir: Path | None = None) -> dict[str, Any]:
    """Everything the view shows about one document (plain data, so it can leave a worker process)."""
    start = time.perf_counter()
    doc, result = _run(path, config, cache_dir)
    seconds = time.perf_counter() - start
    records = [s.record for s in result.records]
    by_kind = Counter(r.kind for r in records)
    shares = [_filled_share(r) for r in records]
    errors = [f for f in result.all_findings if f.severity == "error"]
    return {
        "pages": len(doc.pages),
        "seconds": round(seconds, 2),
        "failure": None,
        "message": None,
        "records": len(records),
        **{kind: by_kind.get(kind, 0) for kind in KINDS},
        "indicators": sum(len(r.indicators) for r in records),
        "without_indicators": sum(1 for r in records if not r.indicators),
        "fields_filled": round(statistics.fmean(shares), 3) if shares else None,
        "unfilled": dict(Counter(f for r in records for f in FILLED_FIELDS[r.kind] if not _filled(r, f)).most_common()),
        "to_review": sum(1 for s in result.records if s.needs_review),
        "errors": len(errors),
        "warnings": result.count("warning"),
        "error_rules": dict(Counter(f.rule_id for f in errors).most_common()),
        "part_failures": len(result.failures),  # blocks, tables, rules or LLM regions that could not be read
        "signals": read_signals(doc).to_dict(),
    }


def _filled_share(record: Any) -> float:
    fields = FILLED_FIELDS[record.kind]
    return sum(1 for path in fields if _filled(record, path)) / len(fields)


def _filled(record: Any, path: str) -> bool:
    value = record
    for part in path.split("."):
        value = getattr(value, part, None)
    return value not in (None, "", [])


def _worker(path: Path, config: Config, cache_dir: Path | None, conn: Connection) -> None:
    try:
        row = measure(path, config, cache_dir)
    except Exception as exc:  # reported as the document's failure: one document never stops the run
        row = {"failure": type(exc).__name__, "message": str(exc)[:300]}
    conn.send(row)
    conn.close()


# --- the corpus ---------------------------------------------------------------------------------------------


def documents(dirs: list[Path]) -> list[tuple[str, Path]]:
    """``(name, path)`` of every supported file; the name is the path relative to the DIR it was found under."""
    out: list[tuple[str, Path]] = []
    for root in dirs:
        if root.is_file():
            out.append((root.name, root))
            continue
        supported = discover(root).supported
        out.extend((str(p.relative_to(root)), p) for p in supported)
    return out


def read_heldout(path: Path) -> list[tuple[str, ...]]:
    """The held-out documents as path parts (relative to the corpus's more/ folder)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(Path(ln.strip()).parts) for ln in lines if ln.strip() and not ln.startswith("#")]


def is_heldout(path: Path, heldout: list[tuple[str, ...]]) -> bool:
    """Whether ``path`` ends with a held-out path (however the corpus folder is named or wherever it sits)."""
    parts = path.resolve().parts
    return any(parts[-len(h) :] == h for h in heldout)


def run_corpus(
    docs: list[tuple[str, Path]],
    config: Config,
    *,
    workers: int,
    timeout: float,
    heldout: set[str],
    cache_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """One row per document, each in its own process; progress on stderr as documents finish."""
    ctx = multiprocessing.get_context("fork")
    pending = list(docs)
    running: dict[Connection, tuple[str, Any, float]] = {}
    rows: list[dict[str, Any]] = []
    try:
        while pending or running:
            while pending and len(running) < workers:
                name, path = pending.pop(0)
                receiver, sender = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker, args=(path, config, cache_dir, sender), daemon=True)
                proc.start()
                sender.close()
                running[receiver] = (name, proc, time.monotonic())
            for conn in wait(list(running), timeout=0.5):
                name, proc, _ = running.pop(conn)
                try:
                    row = conn.recv()
                except EOFError:
                    proc.join()
                    row = {"failure": "crashed", "message": f"worker exited with code {proc.exitcode}"}
                proc.join()
                rows.append(_finished(name, row, len(rows) + 1, len(docs), name in heldout))
            now = time.monotonic()
            for conn, (name, proc, started) in list(running.items()):
                if now - started > timeout:
                    proc.kill()
                    proc.join()
                    del running[conn]
                    row = {"failure": "timeout", "message": f"no result after {timeout:g} s", "seconds": timeout}
                    rows.append(_finished(name, row, len(rows) + 1, len(docs), name in heldout))
    finally:
        for _, proc, _ in running.values():
            proc.kill()
            proc.join()
    return rows


def _finished(name: str, row: dict[str, Any], done: int, total: int, held_out: bool) -> dict[str, Any]:
    row = {"document": name, "held_out": held_out, **row}
    if held_out:
        print(f"[{done:>3}/{total}] {MASKED}", file=sys.stderr, flush=True)
    elif row["failure"]:
        print(f"[{done:>3}/{total}] FAILED {row['failure']}  {name}", file=sys.stderr, flush=True)
    else:
        print(
            f"[{done:>3}/{total}] {row['seconds']:6.1f}s  records {row['records']:>3}  "
            f"errors {row['errors']:>3}  {name}",
            file=sys.stderr,
            flush=True,
        )
    return row


# --- suspicion ----------------------------------------------------------------------------------------------


def suspicion(row: dict[str, Any]) -> tuple[float, list[str]]:
    """A score (higher: look first) and the reasons, from what the document shows against what was read."""
    if row["failure"]:
        return 1000.0, [f"failed: {row['failure']}" + (f" ({row['message']})" if row.get("message") else "")]
    sig = row["signals"]
    score, reasons = 0.0, []
    read = row["project"] + row["evaluation"]
    shown = [
        _count(n, what)
        for n, what in (
            (sig["target_titles"], "target-table title"),
            (sig["name_labels"], "项目名称 label"),
            (sig["indicator_headers"], "indicator header"),
        )
        if n
    ]
    if row["records"] == 0 and shown:
        score += 100 + min(sig["name_labels"], 50)
        reasons.append(", ".join(shown) + " but no records")
    elif sig["name_labels"] > read:
        score += 30 * (sig["name_labels"] - read) / sig["name_labels"]
        reasons.append(f"{_count(sig['name_labels'], '项目名称 label')}, {_count(read, 'project/evaluation record')}")
    prose = sig["prose_count"]
    if prose and row["project"] == 0:
        score += 40 if sig["prose_disclosed"] else 20
        said = "discloses" if sig["prose_disclosed"] else "counts"
        reasons.append(f"prose {said} {_count(prose, 'project target')}, no project records")
    elif prose and sig["prose_disclosed"] and row["project"] < prose:
        score += 20 * (prose - row["project"]) / prose
        reasons.append(f"prose discloses {_count(prose, 'project target')}, {_count(row['project'], 'project record')}")
    if row["without_indicators"]:
        score += 30 * row["without_indicators"] / row["records"]
        reasons.append(f"{row['without_indicators']} of {_count(row['records'], 'record')} without indicators")
    if row["fields_filled"] is not None and row["fields_filled"] < 0.4:
        score += 20 * (1 - row["fields_filled"])
        reasons.append(f"fields filled {row['fields_filled']:.0%}")
    if row["errors"]:
        score += min(2 * row["errors"], 60)
        rules = ", ".join(f"{rule} ×{n}" for rule, n in list(row["error_rules"].items())[:3])
        reasons.append(f"errors {row['errors']} ({rules})")
    if not reasons:
        reasons.append("records match the signals" if row["records"] else "no target-table signals, no records")
    return round(score, 1), reasons


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def ranked(rows: list[dict[str, Any]], show_heldout: bool) -> list[dict[str, Any]]:
    """Rows with score and reasons, most suspicious first; masked held-out rows last, in no telling order."""
    for row in rows:
        row["suspicion"], row["reasons"] = suspicion(row)
    visible = [r for r in rows if show_heldout or not r["held_out"]]
    visible.sort(key=lambda r: (-r["suspicion"], r["document"]))
    masked = [{"document": MASKED, "held_out": True} for r in rows if r["held_out"] and not show_heldout]
    return visible + masked


# --- totals -------------------------------------------------------------------------------------------------


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in rows if not r["failure"]]
    errors = [r["errors"] for r in done]
    warnings = [r["warnings"] for r in done]
    pages = sum(r["pages"] for r in done)
    return {
        "documents": len(rows),
        "failures": dict(Counter(r["failure"] for r in rows if r["failure"]).most_common()),
        "records": sum(r["records"] for r in done),
        "records_by_kind": {kind: sum(r[kind] for r in done) for kind in KINDS},
        "indicators": sum(r["indicators"] for r in done),
        "errors": sum(errors),
        "warnings": sum(warnings),
        "errors_per_document": _mean_median(errors),
        "warnings_per_document": _mean_median(warnings),
        "pages": pages,
        "seconds": round(sum(r["seconds"] for r in done), 1),
        "seconds_per_page": round(sum(r["seconds"] for r in done) / pages, 3) if pages else None,
        "suspicious": sum(1 for r in rows if r.get("suspicion", 0) >= 100),
    }


def heldout_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in rows if not r["failure"]]
    return {
        "documents": len(rows),
        "records": sum(r["records"] for r in done),
        "indicators": sum(r["indicators"] for r in done),
        "errors": sum(r["errors"] for r in done),
        "failures": sum(1 for r in rows if r["failure"]),
    }


def _mean_median(values: list[int]) -> dict[str, float | None]:
    if not values:
        return {"mean": None, "median": None}
    return {"mean": round(statistics.fmean(values), 2), "median": statistics.median(values)}


# --- output -------------------------------------------------------------------------------------------------

HEADER = (
    f"{'#':>3} {'score':>6} {'pages':>5} {'secs':>6} {'failure':<10} {'proj':>4} {'dept':>4} {'eval':>4} "
    f"{'ind':>5} {'fill':>5} {'err':>4} {'warn':>4} | {'title':>5} {'label':>5} {'hdr':>4} {'prose':>5} "
    f"{'list':>4}  document"
)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(HEADER)
    for i, row in enumerate(rows, start=1):
        if row["document"] == MASKED:
            print(f"{i:>3} {'':>6} {'—':>5}  {MASKED}")
            continue
        print(_table_line(i, row))
        print(f"{'':>10}why: {'; '.join(row['reasons'])}")


def _table_line(i: int, row: dict[str, Any]) -> str:
    if row["failure"]:
        seconds = row.get("seconds") or 0
        return f"{i:>3} {row['suspicion']:>6.0f} {'—':>5} {seconds:>6.1f} {row['failure'][:10]:<10}  {row['document']}"
    sig = row["signals"]
    fill = "—" if row["fields_filled"] is None else f"{row['fields_filled']:.0%}"
    prose = "—" if sig["prose_count"] is None else sig["prose_count"]
    listed = "—" if sig["project_list"] is None else sig["project_list"]
    return (
        f"{i:>3} {row['suspicion']:>6.1f} {row['pages']:>5} {row['seconds']:>6.1f} {'—':<10} {row['project']:>4} "
        f"{row['department']:>4} {row['evaluation']:>4} {row['indicators']:>5} {fill:>5} {row['errors']:>4} "
        f"{row['warnings']:>4} | {sig['target_titles']:>5} {sig['name_labels']:>5} {sig['indicator_headers']:>4} "
        f"{prose:>5} {listed:>4}  {row['document']}"
    )


def print_totals(summary: dict[str, Any], held: dict[str, Any] | None) -> None:
    failures = ", ".join(f"{k} {v}" for k, v in summary["failures"].items()) or "none"
    kinds = ", ".join(f"{k} {v}" for k, v in summary["records_by_kind"].items())
    err, warn = summary["errors_per_document"], summary["warnings_per_document"]
    print()
    print(
        f"documents {summary['documents']} · failures: {failures} · suspicious (score ≥ 100): {summary['suspicious']}"
    )
    print(f"records {summary['records']} ({kinds}) · indicators {summary['indicators']}")
    print(
        f"errors {summary['errors']} (per document mean {err['mean']}, median {err['median']}) · "
        f"warnings {summary['warnings']} (mean {warn['mean']}, median {warn['median']})"
    )
    print(
        f"pages {summary['pages']} in {summary['seconds']} s of document time · "
        f"{summary['seconds_per_page']} s per page"
    )
    if held is not None:
        print(
            f"held-out: {held['documents']} documents, records {held['records']}, indicators {held['indicators']}, "
            f"errors {held['errors']}, failures {held['failures']}"
        )


CSV_COLUMNS = [
    *("rank", "document", "held_out", "suspicion", "reasons", "pages", "seconds", "failure", "message"),
    *("records", *KINDS, "indicators", "without_indicators", "fields_filled", "unfilled", "to_review"),
    *("errors", "warnings", "error_rules", "part_failures"),
    *("target_titles", "title_samples", "name_labels", "indicator_headers"),
    *("prose_disclosed", "prose_targeted", "prose_count", "project_list"),
]


def write_outputs(out: Path, rows: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.html").write_text(html_page(rows, meta), encoding="utf-8")
    (out / "corpus.json").write_text(
        json.dumps({**meta, "documents": rows}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    with (out / "corpus.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for rank, row in enumerate(rows, start=1):
            flat = {**row, **row.get("signals", {}), "rank": rank}
            flat["reasons"] = "; ".join(row.get("reasons", []))
            for key in ("error_rules", "title_samples", "unfilled"):
                if key in flat:
                    flat[key] = json.dumps(flat[key], ensure_ascii=False)
            writer.writerow(flat)


def html_page(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """corpus.html: the totals, then one row per visible document, most suspicious first."""
    t = meta["totals"]["in_sample"]
    failures = ", ".join(f"{k} {v}" for k, v in t["failures"].items()) or "none"
    notes = [
        f"{meta['generated']} · {meta['extractor']} extractor · corpus {', '.join(meta['corpus'])}",
        f"documents {t['documents']} · failures: {failures} · records {t['records']} · indicators {t['indicators']}",
        f"errors {t['errors']} (per document mean {t['errors_per_document']['mean']}, median "
        f"{t['errors_per_document']['median']}) · {t['seconds_per_page']} s per page over {t['pages']} pages",
    ]
    held = meta["totals"].get("held_out")
    if held:
        notes.append(
            f"held-out (not shown): {held['documents']} documents, records {held['records']}, "
            f"errors {held['errors']}, failures {held['failures']}"
        )
    visible = [r for r in rows if r["document"] != MASKED]
    return overview_page("Corpus benchmark", visible, notes)


# --- comparison ---------------------------------------------------------------------------------------------

COMPARED = ("records", "indicators", "errors")


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed per (visible) document and in the totals between two corpus.json files."""
    lines: list[str] = []
    before = {r["document"]: r for r in old["documents"] if not r["held_out"]}
    after = {r["document"]: r for r in new["documents"] if not r["held_out"]}
    for name in sorted(before.keys() | after.keys()):
        if name not in before or name not in after:
            lines.append(f"{name}: {'new' if name not in before else 'gone'}")
            continue
        changes = _changes(before[name], after[name])
        if changes:
            lines.append(f"{name}: {', '.join(changes)}")
    lines.append(
        "in-sample totals: "
        + (", ".join(_total_changes(old["totals"]["in_sample"], new["totals"]["in_sample"])) or "no change")
    )
    old_held, new_held = old["totals"].get("held_out"), new["totals"].get("held_out")
    if old_held and new_held:
        changes = [
            f"{key} {old_held[key]} → {new_held[key]}"
            for key in (*COMPARED, "failures")
            if old_held[key] != new_held[key]
        ]
        lines.append("held-out totals: " + (", ".join(changes) or "no change"))
    return lines


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    if old["failure"] or new["failure"]:
        if old["failure"] == new["failure"]:
            return []
        return [f"failure {old['failure'] or '—'} → {new['failure'] or '—'}"]
    return [f"{key} {old[key]} → {new[key]}" for key in COMPARED if old[key] != new[key]]


def _total_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = [f"{key} {old[key]} → {new[key]}" for key in COMPARED if old[key] != new[key]]
    old_fail, new_fail = sum(old["failures"].values()), sum(new["failures"].values())
    if old_fail != new_fail:
        out.append(f"failures {old_fail} → {new_fail}")
    return out


# --- command line -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=[DEFAULT_CORPUS], metavar="DIR")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per document")
    parser.add_argument("--extractor", choices=("rules", "llm", "hybrid"), default="rules")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--compare", type=Path, metavar="OLD.json")
    parser.add_argument("--twice", action="store_true", help="run the corpus again and print the wall-time ratio")
    parser.add_argument("--show-heldout", action="store_true", help="unmask held-out documents (the lead only)")
    args = parser.parse_args(argv)

    missing = [d for d in args.dirs if not d.exists()]
    if missing or args.workers < 1 or args.timeout <= 0:
        problem = f"no such directory: {missing[0]}" if missing else "--workers and --timeout must be positive"
        print(f"corpus: {problem}", file=sys.stderr)
        return 2
    try:
        settings = resolve_settings() if args.extractor != "rules" else Settings()
        config = Config(extractor=args.extractor, settings=settings, page_workers=1)
        old = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    except (ConfigError, OSError, json.JSONDecodeError) as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 2

    docs = documents(args.dirs)
    heldout_paths = read_heldout(HELDOUT_LIST)
    heldout = {name for name, path in docs if is_heldout(path, heldout_paths)}
    print(
        f"{len(docs)} documents ({len(heldout)} held out), {args.workers} workers, {args.extractor} extractor",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(prefix="corpus-parse-cache-") as tmp:
        cache_dir = Path(tmp) if args.twice else None
        start = time.perf_counter()
        rows = run_corpus(
            docs, config, workers=args.workers, timeout=args.timeout, heldout=heldout, cache_dir=cache_dir
        )
        wall = time.perf_counter() - start
        second = None
        if args.twice:
            rerun = replace(config, review_threshold=config.review_threshold / 2)  # another setting, same bytes
            start = time.perf_counter()
            run_corpus(docs, rerun, workers=args.workers, timeout=args.timeout, heldout=heldout, cache_dir=cache_dir)
            second = time.perf_counter() - start

    shown = ranked(rows, args.show_heldout)
    in_sample = [r for r in rows if not r["held_out"]]
    held = [r for r in rows if r["held_out"]]
    meta = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": [str(d) for d in args.dirs],
        "extractor": args.extractor,
        "workers": args.workers,
        "timeout": args.timeout,
        "wall_seconds": round(wall, 1),
        "second_wall_seconds": round(second, 1) if second is not None else None,
        "heldout_unmasked": args.show_heldout,
        "totals": {"in_sample": totals(in_sample), "held_out": heldout_totals(held) if held else None},
    }
    print_table(shown)
    print_totals(meta["totals"]["in_sample"], meta["totals"]["held_out"])
    print(f"wall time {wall:.1f} s with {args.workers} workers")
    if second is not None:
        print(
            f"rerun with another setting, parsed documents from the cache: {second:.1f} s vs {wall:.1f} s first · "
            f"{wall / second:.1f}× faster (target ≥ 10×)"
        )
    write_outputs(args.out, shown, meta)
    print(f"wrote {args.out / 'corpus.csv'}, {args.out / 'corpus.json'} and {args.out / 'corpus.html'}")
    if old is not None:
        print(f"\nchanges against {args.compare}:")
        for line in compare(old, {**meta, "documents": shown}):
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
