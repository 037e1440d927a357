"""Review decisions on records without the web layer: edits, rejections, re-verification, status, gold export."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmextract.cli.app import app
from llmextract.core.findings import Finding
from llmextract.core.records import Indicator
from llmextract.ingest.files import InputFile
from llmextract.ingest.text import ingest_text
from llmextract.review import SourceCache, reverify_with_threshold, write_gold
from llmextract.review import reverify as reverify_module
from llmextract.review.decisions import decide, disagreements
from llmextract.review.fields import EditRefused, apply_edit, apply_reject, get_value
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.store import RunStoreError
from tests.review_support import HOSTILE_RID, build_text_run, hostile_document, hostile_record

RID = HOSTILE_RID
SECOND_SOURCE = "项目名称\t另一个项目\n年度资金总额\t10.00".encode()


@pytest.fixture
def store(tmp_path):
    with build_text_run(tmp_path / "run") as s:
        yield s


def _with_indicator():
    return hostile_record(hostile_document()).model_copy(
        update={
            "indicators": [Indicator(name="覆盖率", value_raw="≥90%", comparator=">=", value=Decimal(90), unit="%")]
        }
    )


def test_editing_an_indicator_reparses_its_value():
    edited = apply_edit(_with_indicator(), "indicators[annual:覆盖率]", "不低于95%")
    (ind,) = edited.indicators
    assert (ind.value_raw, ind.comparator, ind.value, ind.unit) == ("不低于95%", ">=", Decimal(95), "%")


def test_rejecting_clears_a_value_removes_an_indicator_and_never_the_name():
    rec = _with_indicator()
    assert get_value(apply_reject(rec, "overview"), "overview") is None
    assert "overview" not in apply_reject(rec, "overview").field_locations
    assert apply_reject(rec, "indicators[annual:覆盖率]").indicators == []
    with pytest.raises(EditRefused, match="reject the record"):
        apply_reject(rec, "name")


def test_amounts_accept_printed_forms_and_refuse_anything_else():
    rec = hostile_record(hostile_document())
    assert apply_edit(rec, "funding.period_total", "1,024.87").funding.period_total == Decimal("1024.87")
    assert apply_edit(rec, "funding.period_total", "").funding.period_total is None
    with pytest.raises(EditRefused, match="not a number"):
        apply_edit(rec, "funding.period_total", "1024.8.7")


def test_reverify_finds_a_period_total_below_the_annual_total_and_lowers_confidence(store):
    reverify = reverify_with_threshold()
    rec = hostile_record(hostile_document())
    fine, fine_confidence, fine_needs = reverify(rec, store, rec.doc_id)
    assert fine.findings == [] and fine_confidence == 1.0 and not fine_needs
    short = apply_edit(rec, "funding.period_total", "60")
    checked, confidence, needs = reverify(short, store, rec.doc_id)
    (finding,) = checked.findings
    assert finding.rule_id == "record.period-ge-annual" and "100.00" in finding.expected
    # 实施期资金总额 contradicted (0.25), one error finding (× 0.6).
    assert confidence == 0.15 and needs


def test_reverify_flags_a_value_that_is_not_in_the_source_and_moves_a_found_one(store):
    reverify = reverify_with_threshold()
    rec = hostile_record(hostile_document())
    missing, _, _ = reverify(apply_edit(rec, "overview", "完全不同的概况文字内容"), store, rec.doc_id)
    assert [f.rule_id for f in missing.findings] == ["grounding.not-found"]
    assert "overview" not in missing.field_locations
    # The highlight follows an edit to text printed elsewhere in the block.
    moved, _, _ = reverify(apply_edit(rec, "overview", "用于测试转义"), store, rec.doc_id)
    where = moved.field_locations["overview"]
    assert moved.findings == [] and store.document_text(rec.doc_id)[where.start : where.end] == "用于测试转义"


def test_reverify_keeps_findings_of_other_rules_and_replaces_its_own(store):
    other = Finding(rule_id="hybrid.disagreement", severity="warning", message="m")
    stale = Finding(rule_id="record.sources-sum", severity="error", message="no longer true")
    rec = hostile_record(hostile_document()).model_copy(update={"findings": [other, stale]})
    checked, confidence, _ = reverify_with_threshold()(rec, store, rec.doc_id)
    assert checked.findings == [other] and confidence == 0.9  # one warning finding: × 0.9


def test_confidence_never_rises_with_another_contradiction(store):
    reverify = reverify_with_threshold()
    rec = hostile_record(hostile_document())
    _, last, _ = reverify(rec, store, rec.doc_id)
    for path, value in (
        ("overview", "完全不同的概况文字内容"),
        ("funding.annual_total", "120.00"),
        ("funding.period_total", "60"),
        ("funding.sources.carried_over", "10"),
    ):
        rec = apply_edit(rec, path, value)
        rec, confidence, _ = reverify(rec, store, rec.doc_id)
        assert confidence is not None and confidence <= last, path
        last = confidence


def test_threshold_routes_to_review(store):
    rec = hostile_record(hostile_document())
    warned = rec.model_copy(
        update={"findings": [Finding(rule_id="hybrid.disagreement", severity="warning", message="m")]}
    )
    assert not reverify_with_threshold()(warned, store, rec.doc_id)[2]  # 0.9
    assert reverify_with_threshold(0.95)(warned, store, rec.doc_id)[2]


def test_sources_are_parsed_once_per_document_and_evicted_least_recently_used(store, monkeypatch):
    second = ingest_text(InputFile(Path("/data/second.txt"), SECOND_SOURCE, "text"))
    store.save_document(second, "s", [], [], source_bytes=SECOND_SOURCE)
    first = hostile_record(hostile_document())
    loads = []
    load = reverify_module.load_document

    def counted(path, **kwargs):
        loads.append(Path(path).stem)
        return load(path, **kwargs)

    monkeypatch.setattr(reverify_module, "load_document", counted)
    reverify = reverify_with_threshold(sources=SourceCache(size=1))
    for doc_id in (first.doc_id, first.doc_id, second.doc_id, first.doc_id):
        reverify(first, store, doc_id)
    assert loads == [first.doc_id, second.doc_id, first.doc_id]


def test_reverify_without_the_source_copy_says_why(store):
    rec = hostile_record(hostile_document())
    (copy,) = (store.dir / "sources").iterdir()
    copy.write_bytes(SECOND_SOURCE)
    with pytest.raises(RunStoreError, match="not the document the record was read from"):
        reverify_with_threshold()(rec, store, rec.doc_id)
    copy.unlink()
    with pytest.raises(RunStoreError, match="could not be re-verified: the run holds no copy of the source"):
        reverify_with_threshold()(rec, store, rec.doc_id)


def test_accepting_a_disputed_field_settles_the_disagreement(store):
    dispute = Finding(
        rule_id="hybrid.disagreement",
        severity="warning",
        message="the rules and the LLM read overview differently; check the source and choose one",
        expected="rules: a",
        actual="llm: b",
    )
    assert disagreements([dispute])["overview"].llm == "b"
    stored = store.record(RID)
    store.update_record(RID, stored.record.model_copy(update={"findings": [dispute]}), 0.8, True, "pending")
    calls = []

    def reverify(record, store, doc_id):
        calls.append(record)
        return record, 1.0, False

    updated = decide(store, store.record(RID), "overview", "accept", None, "张三", reverify)
    assert updated.record.findings == [] and updated.confidence == 1.0 and len(calls) == 1
    # A plain accept of an undisputed field changes nothing, so nothing is re-verified.
    decide(store, updated, "name", "accept", None, "张三", reverify)
    assert len(calls) == 1


def test_status_follows_the_decisions(store):
    def keep(record, store, doc_id):
        return record, 1.0, False

    stored = store.record(RID)
    stored = decide(store, stored, "name", "accept", None, "张三", keep)
    assert stored.status == "pending"
    stored = decide(store, stored, "overview", "edit", "用于测试转义", "张三", keep)
    stored = decide(store, stored, "record", "accept", None, "张三", keep)
    assert stored.status == "edited"
    stored = decide(store, stored, "record", "reject", None, "张三", keep)
    assert stored.status == "rejected"


def test_gold_export_from_the_command_line(store, tmp_path):
    stored = decide(store, store.record(RID), "record", "accept", None, "张三", reverify_with_threshold())
    assert stored.status == "accepted"
    out = tmp_path / "gold" / "gold.jsonl"
    result = CliRunner().invoke(app, ["review", str(store.dir), "--export-gold", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = out.read_text("utf-8").splitlines()
    gold = json.loads(line)
    assert set(gold) == {"record_id", "doc_id", "source", "status", "record", "reviewer", "reviewed_at", "decisions"}
    assert gold["source"] == "恶意<导出>.txt" and gold["reviewer"] == "张三"
    assert gold["record"]["funding"]["annual_total"] == "100.00"
    assert {d["field"] for d in gold["decisions"]} >= {"name", "record"}
    assert write_gold(store, out) == 1


def test_review_command_refuses_a_directory_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(app, ["review", str(tmp_path), "--export-gold", str(tmp_path / "g.jsonl")])
    assert result.exit_code == 2 and "not a run directory" in result.output


def test_review_command_routes_with_the_runs_threshold(store):
    from llmextract.cli.review import _run_threshold

    assert _run_threshold(store.dir) == DEFAULT_THRESHOLD == 0.7
    store.set_meta("config", {"fingerprint": "f", "review_threshold": 0.9})
    assert _run_threshold(store.dir) == 0.9
