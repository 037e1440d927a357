from __future__ import annotations

import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.records import Funding, ProjectRecord
from llmextract.core.usage import Usage
from llmextract.ingest import load_document
from llmextract.pipeline import CheckCounts, Config, DocumentResult, RecordResult
from llmextract.settings import ExtractorKind, Settings
from llmextract.store import QueueFilter, ReviewDecision, RunStore, RunStoreError, record_key

RULES = Config(extractor=ExtractorKind.rules)


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    path = tmp_path / "x.txt"
    path.write_text("项目名称\t遗属补助\n项目名称\t驻村干部补助\n", encoding="utf-8")
    return path


def _record(doc, name, start, findings=()):
    loc = Location(doc_id=doc.doc_id, page=1, start=start, end=start + 2)
    return ProjectRecord(
        doc_id=doc.doc_id,
        location=loc,
        name=name,
        extractor="rules",
        funding=Funding(unit="元", annual_total=Decimal("60100")),
        findings=list(findings),
    )


def _finding(rule, severity="error", record=None):
    return Finding(rule_id=rule, severity=severity, message="m", record_id=record.record_id if record else None)


def _result(doc, scored, findings=(), usage=None):
    records = [RecordResult(rec, {}, confidence, review) for rec, confidence, review in scored]
    return DocumentResult(doc, "rules", records, list(findings), CheckCounts(), usage or Usage())


def test_save_and_read_back(tmp_path, source):
    doc = load_document(source)
    with RunStore(tmp_path / "run") as store:
        low = _record(doc, "遗属补助", 0)
        low = low.model_copy(update={"findings": [_finding("record.sources-sum", record=low)]})
        high = _record(doc, "驻村干部补助", 10)
        store.save(
            _result(
                doc,
                [(high, 0.9, False), (low, 0.2, True)],
                [_finding("prose.share", "info")],
                Usage(requests=2, prompt_tokens=100, completion_tokens=50, cost=Decimal("0.0012")),
            ),
            RULES,
        )
        fp = RULES.fingerprint()
        assert store.is_done(doc.doc_id, fp) and not store.is_done(doc.doc_id, "other")
        records = store.records()
        assert [r.name for r in records] == ["遗属补助", "驻村干部补助"]  # lowest confidence first
        assert records[0].record.funding.annual_total == Decimal("60100")
        assert records[0].key == record_key(fp, low.record_id)
        assert [r.name for r in store.records(QueueFilter(rule_id="record.sources-sum"))] == ["遗属补助"]
        assert [r.name for r in store.records(QueueFilter(needs_review=True))] == ["遗属补助"]
        assert store.records(QueueFilter(severity="warning")) == []
        assert [f.rule_id for f in store.findings(doc_id=doc.doc_id)] == ["record.sources-sum", "prose.share"]
        assert store.usage_totals().cost == Decimal("0.0012")
        assert store.document_text(doc.doc_id) == doc.text
        copied = store.source_file(doc.doc_id)
        assert copied is not None and copied.read_bytes() == source.read_bytes()
        assert copied.parent == (tmp_path / "run" / "sources").resolve()
        assert store.meta("config")["review_threshold"] == RULES.review_threshold


def test_saving_again_replaces_instead_of_duplicating(tmp_path, source):
    doc = load_document(source)
    with RunStore(tmp_path / "run") as store:
        for _ in range(3):
            rec = _record(doc, "遗属补助", 0)
            store.save(_result(doc, [(rec, 0.5, True)], [_finding("prose.share")]), RULES)
        assert len(store.records()) == 1
        assert len(store.findings()) == 1
        assert len(store.documents()) == 1


def test_a_rerun_with_other_settings_keeps_reviews_and_never_duplicates_findings(tmp_path, source):
    """Before: records were keyed by document and offset only, so a rerun with another setting overwrote a
    reviewed record in place, and findings of both settings were listed side by side."""
    doc = load_document(source)
    other = Config(extractor=ExtractorKind.rules, review_threshold=0.9)
    with RunStore(tmp_path / "run") as store:
        rec = _record(doc, "遗属补助", 0)
        rec = rec.model_copy(update={"findings": [_finding("record.sources-sum", record=rec)]})
        store.save(_result(doc, [(rec, 0.3, True)], [_finding("prose.share")]), RULES)
        (stored,) = store.records()
        edited = stored.record.model_copy(update={"name": "遗属补助（改）", "findings": []})
        store.apply_review(
            stored.key, [ReviewDecision(stored.key, "name", "edit", "张三")], edited, 0.9, False, "edited"
        )

        store.save(_result(doc, [(rec, 0.3, True)], [_finding("prose.share")]), other)
        assert len(store.findings()) == 2  # the current settings' findings only, once each
        (current,) = store.records()
        assert current.key != stored.key and current.name == "遗属补助"
        kept = store.record(stored.key)
        assert kept is not None and kept.status == "edited" and kept.record.name == "遗属补助（改）"

        # Rerunning the reviewed settings again does not replace the reviewed record either.
        store.save(_result(doc, [(rec, 0.3, True)], [_finding("prose.share")]), RULES)
        kept = store.record(stored.key)
        assert kept is not None and kept.status == "edited" and kept.record.name == "遗属补助（改）"
        assert len(store.findings()) == 1  # the reviewed record's findings (none) + one document finding


def test_failure_is_recorded_and_later_success_replaces_it(tmp_path, source):
    doc = load_document(source)
    with RunStore(tmp_path / "run") as store:
        store.save_failure(doc.doc_id, RULES, str(source), ValueError("boom"))
        (row,) = store.documents()
        assert (row.status, row.error_type, row.error) == ("failed", "ValueError", "boom")
        assert not store.is_done(doc.doc_id, RULES.fingerprint())
        store.save(_result(doc, []), RULES)
        (row,) = store.documents()
        assert row.status == "done"


def test_a_review_decision_is_one_transaction(tmp_path, source):
    doc = load_document(source)
    with RunStore(tmp_path / "run") as store:
        rec = _record(doc, "忻州市食品公司经营", 0)
        rec = rec.model_copy(update={"findings": [_finding("record.project-list-name", "warning", rec)]})
        store.save(_result(doc, [(rec, 0.3, True)]), RULES)
        (stored,) = store.records()
        edited = rec.model_copy(update={"name": "忻州市食品公司经费", "findings": []})
        decision = ReviewDecision(stored.key, "name", "edit", "张三", "忻州市食品公司经营", "忻州市食品公司经费")
        with pytest.raises(sqlite3.IntegrityError):  # the status is not one the store knows: nothing is written
            store.apply_review(stored.key, [decision], edited, 0.95, False, "bogus")  # type: ignore[arg-type]
        assert store.reviews(stored.key) == []
        assert store.record(stored.key).record.name == "忻州市食品公司经营"  # type: ignore[union-attr]
        updated = store.apply_review(stored.key, [decision], edited, 0.95, False, "edited")
        assert updated.record.name == "忻州市食品公司经费" and updated.original.name == "忻州市食品公司经营"
        assert updated.status == "edited" and not updated.needs_review
        assert store.findings(record_key=stored.key) == []
        (kept,) = store.reviews(stored.key)
        assert kept.reviewer == "张三" and kept.new_value == "忻州市食品公司经费" and kept.at


def test_queue_neighbours_follow_the_filter(tmp_path, source):
    doc = load_document(source)
    with RunStore(tmp_path / "run") as store:
        a, b, c = (_record(doc, n, s) for n, s in (("甲", 0), ("乙", 10), ("丙", 20)))
        store.save(_result(doc, [(a, 0.2, True), (b, 0.5, False), (c, 0.6, True)]), RULES)
        keys = [q.key for q in store.queue()]
        assert store.neighbours(keys[0]) == (None, keys[1], 1, 3)
        review = QueueFilter(needs_review=True)
        assert store.neighbours(keys[0], review) == (None, keys[2], 1, 2)


def test_a_store_of_another_schema_version_is_refused_clearly(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    with sqlite3.connect(run / "run.sqlite") as db:
        db.execute("PRAGMA user_version = 1")
        db.execute("CREATE TABLE records (record_id TEXT)")
    with pytest.raises(RunStoreError, match="another version of llmextract"):
        RunStore(run)


def test_opening_a_directory_that_is_not_a_run(tmp_path):
    with pytest.raises(RunStoreError, match="not a run directory"):
        RunStore(tmp_path / "nothing", create=False)


def test_the_fingerprint_covers_every_setting_that_changes_output():
    llm = Config(
        extractor=ExtractorKind.llm,
        settings=Settings(base_url="http://x/v1", model="m", api_key="k"),
    )
    base = llm.fingerprint()
    for change in (
        {"model": "m2"},
        {"mode": "json"},
        {"max_tokens": 100},
        {"temperature": 0.5},
        {"max_reasks": 0},
        {"base_url": "http://y/v1"},
    ):
        assert replace(llm, settings=replace(llm.settings, **change)).fingerprint() != base, change
    assert replace(llm, review_threshold=0.5).fingerprint() != base
    # Settings that do not change what is read leave it alone (a new key, more concurrency).
    assert replace(llm, settings=replace(llm.settings, api_key="k2", concurrency=9)).fingerprint() == base
    assert "readers" in llm.describe() and "prompt_sha256" in llm.describe()


def test_meta_round_trip(tmp_path):
    with RunStore(tmp_path) as store:
        store.set_meta("settings", {"extractor": "rules"})
        assert store.meta("settings") == {"extractor": "rules"}
        assert store.meta("missing", 3) == 3
