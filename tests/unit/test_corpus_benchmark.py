"""benchmarks/corpus.py: failures never stop the run, held-out documents never show, comparisons name changes."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "seeds" / "001_2dc8c89a6b4bfa48.txt"
SECRET = "秘密文件.txt"


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("corpus_benchmark", ROOT / "benchmarks" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _row(name: str, *, held_out: bool = False, records: int = 0, errors: int = 0, **signals) -> dict:
    sig = {
        "target_titles": 0,
        "title_samples": [],
        "name_labels": 0,
        "indicator_headers": 0,
        "prose_disclosed": None,
        "prose_targeted": None,
        "prose_count": None,
        "project_list": None,
        **signals,
    }
    return {
        "document": name,
        "held_out": held_out,
        "pages": 3,
        "seconds": 1.0,
        "failure": None,
        "message": None,
        "records": records,
        "project": records,
        "department": 0,
        "evaluation": 0,
        "indicators": 5 * records,
        "without_indicators": 0,
        "fields_filled": 1.0 if records else None,
        "to_review": 0,
        "errors": errors,
        "warnings": 0,
        "error_rules": {"prose.share": errors} if errors else {},
        "part_failures": 0,
        "signals": sig,
    }


def test_heldout_paths_match_wherever_the_corpus_sits(corpus, tmp_path):
    listing = tmp_path / "heldout.txt"
    listing.write_text("# comment\n上海/2026年某局_部门预算.pdf\n", encoding="utf-8")
    heldout = corpus.read_heldout(listing)
    assert corpus.is_heldout(tmp_path / "copy" / "more" / "上海" / "2026年某局_部门预算.pdf", heldout)
    assert not corpus.is_heldout(tmp_path / "more" / "上海" / "2026年别的局_部门预算.pdf", heldout)
    assert not corpus.is_heldout(tmp_path / "more" / "北京" / "2026年某局_部门预算.pdf", heldout)


def test_signals_without_records_come_first_with_their_reason(corpus):
    rows = [
        _row("clean.pdf", records=3, name_labels=3, target_titles=3),
        _row("unread.pdf", name_labels=12, target_titles=12, indicator_headers=12),
        _row("prose.pdf", prose_disclosed=7, prose_count=7),
    ]
    ranked = corpus.ranked(rows, show_heldout=False)
    assert [r["document"] for r in ranked] == ["unread.pdf", "prose.pdf", "clean.pdf"]
    assert ranked[0]["reasons"] == ["12 target-table titles, 12 项目名称 labels, 12 indicator headers but no records"]
    assert ranked[1]["reasons"] == ["prose discloses 7 project targets, no project records"]
    assert ranked[2]["reasons"] == ["records match the signals"]


def test_heldout_rows_are_masked_and_last_however_suspicious(corpus, tmp_path):
    rows = [_row("seen.pdf", records=2, name_labels=2), _row(SECRET, held_out=True, name_labels=40, errors=9)]
    ranked = corpus.ranked(rows, show_heldout=False)
    assert ranked[-1] == {"document": corpus.MASKED, "held_out": True}
    meta = {
        "generated": "2026-12-01T00:00:00+00:00",
        "extractor": "rules",
        "corpus": ["corpus"],
        "totals": {"in_sample": corpus.totals(rows[:1]), "held_out": corpus.heldout_totals(rows[1:])},
    }
    corpus.write_outputs(tmp_path, ranked, meta)
    written = "".join((tmp_path / f"corpus.{ext}").read_text(encoding="utf-8") for ext in ("json", "csv", "html"))
    assert SECRET not in written
    assert "40" not in written
    assert corpus.ranked(rows, show_heldout=True)[0]["document"] == SECRET


def test_heldout_totals_are_separate(corpus):
    rows = [_row("a.pdf", held_out=True, records=2, errors=1), {**_row("b.pdf", held_out=True), "failure": "timeout"}]
    assert corpus.heldout_totals(rows) == {"documents": 2, "records": 2, "indicators": 10, "errors": 1, "failures": 1}


def test_compare_names_what_changed_and_keeps_heldout_in_totals(corpus):
    def run(records: int, errors: int, held_records: int) -> dict:
        visible = [_row("a.pdf", records=records, errors=errors), _row("same.pdf", records=1)]
        held = [_row(SECRET, held_out=True, records=held_records)]
        return {
            "totals": {"in_sample": corpus.totals(visible), "held_out": corpus.heldout_totals(held)},
            "documents": corpus.ranked(visible + held, show_heldout=False),
        }

    lines = corpus.compare(run(2, 3, 4), run(5, 3, 6))
    assert lines == [
        "a.pdf: records 2 → 5, indicators 10 → 25",
        "in-sample totals: records 3 → 6, indicators 15 → 30",
        "held-out totals: records 4 → 6, indicators 20 → 30",
    ]


def test_hangs_and_exceptions_are_failures_and_the_run_goes_on(corpus, tmp_path, monkeypatch):
    real_run = corpus._run

    def flaky(path, config, cache_dir=None):
        if "hang" in path.name:
            time.sleep(60)
        if "bad" in path.name:
            raise ValueError("unreadable table")
        return real_run(path, config, cache_dir)

    monkeypatch.setattr(corpus, "_run", flaky)
    for name in ("hang.txt", "bad.txt", "good.txt"):
        shutil.copy(SEED, tmp_path / name)
    docs = corpus.documents([tmp_path])
    config = corpus.Config(extractor="rules", page_workers=1)
    rows = corpus.run_corpus(docs, config, workers=2, timeout=3, heldout=set())
    by_name = {r["document"]: r for r in rows}
    assert by_name["hang.txt"]["failure"] == "timeout"
    assert by_name["bad.txt"]["failure"] == "ValueError"
    assert by_name["good.txt"]["failure"] is None
    assert by_name["good.txt"]["project"] == 6
    assert by_name["good.txt"]["signals"]["prose_disclosed"] == 7


def test_main_masks_heldout_documents_on_stdout_and_in_files(corpus, tmp_path, monkeypatch, capsys):
    (tmp_path / "corpus" / "more" / "上海").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "corpus" / "more" / "上海" / SECRET)
    shutil.copy(SEED, tmp_path / "corpus" / "seen.txt")
    listing = tmp_path / "heldout.txt"
    listing.write_text(f"上海/{SECRET}\n", encoding="utf-8")
    monkeypatch.setattr(corpus, "HELDOUT_LIST", listing)

    assert corpus.main([str(tmp_path / "corpus"), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    written = json.loads((tmp_path / "out" / "corpus.json").read_text(encoding="utf-8"))
    assert SECRET not in captured.out + captured.err + json.dumps(written, ensure_ascii=False)
    assert "held-out: 1 documents, records 6, indicators 84, errors 1, failures 0" in captured.out
    assert [d["document"] for d in written["documents"]] == ["seen.txt", corpus.MASKED]
    assert written["totals"]["in_sample"]["records"] == 6


def test_the_html_page_shows_each_document_with_its_bars_offline(corpus, tmp_path):
    rows = [
        _row("short.pdf", records=2, name_labels=9, errors=4),
        {**_row("broken.pdf"), "failure": "CorruptPDFError"},
        _row("fine.pdf", records=3, name_labels=3),
    ]
    shown = corpus.ranked(rows, show_heldout=False)
    meta = {
        "generated": "2026-12-01T00:00:00+00:00",
        "extractor": "rules",
        "corpus": ["corpus"],
        "totals": {"in_sample": corpus.totals(rows), "held_out": None},
    }
    corpus.write_outputs(tmp_path, shown, meta)
    page = (tmp_path / "corpus.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page and "http" not in page.split("</title>")[1]
    assert page.index("broken.pdf") < page.index("short.pdf") < page.index("fine.pdf")  # most suspicious first
    assert "failed: CorruptPDFError" in page
    short = page.split("short.pdf", 2)[2].split("</tr>", 1)[0]
    assert "<title>records: 2</title>" in short and "<title>项目名称 labels: 9</title>" in short
    assert '<td class="num">4</td>' in short and '<td class="num">0.33</td>' in short  # errors; 1.0 s / 3 pages
