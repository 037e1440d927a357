from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.records import Funding, ProjectRecord
from llmextract.ingest.builder import DocumentBuilder
from llmextract.store import ReviewDecision, RunStore, RunStoreError, Usage, record_id


def _doc(text="项目名称\t遗属补助\n"):
    b = DocumentBuilder("a" * 64, "/data/x.txt", "text")
    b.begin_page(1)
    b.add_line(text)
    b.end_page()
    return b.build()


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
    return Finding(rule_id=rule, severity=severity, message="m", record=record)


def test_save_and_read_back(tmp_path):
    doc = _doc()
    with RunStore(tmp_path / "run") as store:
        low = _record(doc, "遗属补助", 0, [_finding("funding.sources_sum")])
        high = _record(doc, "驻村干部补助", 10)
        store.save_document(
            doc,
            "s1",
            [(high, 0.9, False), (low, 0.2, True)],
            [_finding("prose.share", "info")],
            Usage(calls=2, prompt_tokens=100, completion_tokens=50, cost=Decimal("0.0012")),
            source_bytes=b"\xe9\xa1\xb9",
        )
        assert store.is_done(doc.doc_id, "s1") and not store.is_done(doc.doc_id, "s2")
        records = store.records()
        assert [r.name for r in records] == ["遗属补助", "驻村干部补助"]  # lowest confidence first
        assert records[0].record.funding.annual_total == Decimal("60100")
        assert [r.name for r in store.records(rule_id="funding.sources_sum")] == ["遗属补助"]
        assert store.records(severity="warning") == []
        assert [f.rule_id for f in store.findings(doc_id=doc.doc_id)] == ["funding.sources_sum", "prose.share"]
        assert store.usage_totals().cost == Decimal("0.0012")
        assert store.document_text(doc.doc_id) == doc.text
        source = store.source_file(doc.doc_id)
        assert source is not None and source.read_bytes() == b"\xe9\xa1\xb9"
        assert source.parent == (tmp_path / "run" / "sources").resolve()


def test_saving_again_replaces_instead_of_duplicating(tmp_path):
    doc = _doc()
    with RunStore(tmp_path) as store:
        for _ in range(3):
            store.save_document(doc, "s1", [(_record(doc, "遗属补助", 0, [_finding("r")]), 0.5, True)], [])
        assert len(store.records()) == 1
        assert len(store.findings()) == 1
        assert len(store.documents()) == 1


def test_failure_is_recorded_and_later_success_replaces_it(tmp_path):
    doc = _doc()
    with RunStore(tmp_path) as store:
        store.save_failure(doc.doc_id, "s1", "/data/x.txt", ValueError("boom"))
        (row,) = store.documents()
        assert (row.status, row.error_type, row.error) == ("failed", "ValueError", "boom")
        assert not store.is_done(doc.doc_id, "s1")
        store.save_document(doc, "s1", [], [])
        (row,) = store.documents()
        assert row.status == "done"


def test_reviews_and_record_updates(tmp_path):
    doc = _doc()
    with RunStore(tmp_path) as store:
        rec = _record(doc, "忻州市食品公司经营", 0, [_finding("project.line_match", "warning")])
        store.save_document(doc, "s1", [(rec, 0.3, True)], [])
        rid = record_id(rec)
        edited = rec.model_copy(update={"name": "忻州市食品公司经费", "findings": []})
        store.update_record(rid, edited, 0.95, False, "edited")
        store.add_review(ReviewDecision(rid, "name", "edit", "张三", "忻州市食品公司经营", "忻州市食品公司经费"))
        stored = store.record(rid)
        assert stored is not None
        assert stored.record.name == "忻州市食品公司经费" and stored.original.name == "忻州市食品公司经营"
        assert stored.status == "edited" and not stored.needs_review
        assert store.findings(record_id=rid) == []
        (decision,) = store.reviews(rid)
        assert decision.reviewer == "张三" and decision.new_value == "忻州市食品公司经费" and decision.at


def test_opening_a_directory_that_is_not_a_run(tmp_path):
    with pytest.raises(RunStoreError, match="not a run directory"):
        RunStore(tmp_path / "nothing", create=False)


def test_meta_round_trip(tmp_path):
    with RunStore(tmp_path) as store:
        store.set_meta("settings", {"extractor": "rules"})
        assert store.meta("settings") == {"extractor": "rules"}
        assert store.meta("missing", 3) == 3
