"""Review decisions on records without the web layer: edits, rejections, re-verification, status, gold export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmextract.cli.app import command_app
from llmextract.core.catalogue import HYBRID_DISAGREEMENT
from llmextract.core.findings import Finding
from llmextract.core.paths import FieldPath
from llmextract.core.records import FieldAgreement, Indicator
from llmextract.ingest.files import InputFile
from llmextract.ingest.text import ingest_text
from llmextract.pipeline import Config
from llmextract.review import SourceCache, reverify_with_threshold, run_threshold, write_gold
from llmextract.review import reverify as reverify_module
from llmextract.review.decisions import decide, disagreements
from llmextract.review.fields import EditRefused, apply_edit, apply_reject, get_value
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.settings import ExtractorKind
from llmextract.store import RunStore, RunStoreError
from tests.review_support import HOSTILE_KEY, HOSTILE_SOURCE, build_text_run, hostile_document, hostile_record, save

KEY = HOSTILE_KEY
FIRST, SECOND = FieldPath("indicators[0].value_raw"), FieldPath("indicators[1].value_raw")
SECOND_SOURCE = "项目名称\t另一个项目\n年度资金总额\t10.00".encode()


@pytest.fixture
def store(tmp_path):
    with build_text_run(tmp_path / "run") as s:
        yield s


def _with_indicators(*values: str):
    """The hostile record with one indicator 覆盖率 per value (same name, same column: ordinals 0, 1, …)."""
    return hostile_record(hostile_document()).model_copy(
        update={"indicators": [Indicator(name="覆盖率", value_raw=v, ordinal=i) for i, v in enumerate(values)]}
    )


def _path(text: str) -> FieldPath:
    return FieldPath(text)


def test_editing_an_indicator_reparses_its_value():
    edited = apply_edit(_with_indicators("≥90%"), FIRST, "不低于95%")
    (ind,) = edited.indicators
    assert (ind.value_raw, ind.comparator, ind.value, ind.unit) == ("不低于95%", ">=", Decimal(95), "%")


def test_two_indicators_with_the_same_name_are_two_fields(store):
    """Before: review named an indicator by column and name (``indicators[annual:覆盖率]``), so editing the
    second of two same-named indicators changed the first."""
    rec = _with_indicators("≥90%", "≥80%")
    edited = apply_edit(rec, SECOND, "≥85%")
    assert [i.value_raw for i in edited.indicators] == ["≥90%", "≥85%"]
    # Through a stored decision too, and rejecting the first renames nothing.
    stored = store.record(KEY)
    store.apply_review(KEY, [], rec, stored.confidence, True, "pending")
    updated = decide(store, store.record(KEY), SECOND, "edit", "≥85%", "张三", _keep)
    assert [(i.ordinal, i.value_raw) for i in updated.record.indicators] == [(0, "≥90%"), (1, "≥85%")]
    updated = decide(store, updated, FIRST, "reject", None, "张三", _keep)
    assert [(i.ordinal, i.value_raw) for i in updated.record.indicators] == [(1, "≥85%")]
    assert get_value(updated.record, SECOND) == "≥85%" and get_value(updated.record, FIRST) is None
    assert [(d.field, d.action, d.old_value, d.new_value) for d in store.reviews(KEY)] == [
        (SECOND, "edit", "≥80%", "≥85%"),
        (FIRST, "reject", "≥90%", None),
    ]


def test_rejecting_clears_a_value_removes_an_indicator_and_never_the_name():
    rec = _with_indicators("≥90%")
    assert get_value(apply_reject(rec, _path("overview")), _path("overview")) is None
    assert "overview" not in apply_reject(rec, _path("overview")).field_locations
    assert apply_reject(rec, FIRST).indicators == []
    with pytest.raises(EditRefused, match="拒绝整条记录"):
        apply_reject(rec, _path("name"))


def test_amounts_accept_printed_forms_and_refuse_anything_else():
    rec = hostile_record(hostile_document())
    total = _path("funding.period_total")
    assert apply_edit(rec, total, "1,024.87").funding.period_total == Decimal("1024.87")
    assert apply_edit(rec, total, "").funding.period_total is None
    with pytest.raises(EditRefused, match="不是数字"):
        apply_edit(rec, total, "1024.8.7")


def _keep(record, store, stored):
    return record, 1.0, False


def test_reverify_finds_a_period_total_below_the_annual_total_and_lowers_confidence(store):
    reverify, stored = reverify_with_threshold(), store.record(KEY)
    rec = hostile_record(hostile_document())
    fine, fine_confidence, fine_needs = reverify(rec, store, stored)
    assert fine.findings == [] and fine_confidence == 1.0 and not fine_needs
    short = apply_edit(rec, _path("funding.period_total"), "60")
    checked, confidence, needs = reverify(short, store, stored)
    (finding,) = checked.findings
    assert finding.rule_id == "record.period-ge-annual" and "100.00" in finding.expected
    # 实施期资金总额 contradicted (0.25), one error finding (× 0.6).
    assert confidence == 0.15 and needs


def test_reverify_flags_a_value_that_is_not_in_the_source_and_moves_a_found_one(store):
    reverify, stored = reverify_with_threshold(), store.record(KEY)
    rec = hostile_record(hostile_document())
    missing, _, _ = reverify(apply_edit(rec, _path("overview"), "完全不同的概况文字内容"), store, stored)
    assert [f.rule_id for f in missing.findings] == ["grounding.not-found"]
    assert "overview" not in missing.field_locations
    # The highlight follows an edit to text printed elsewhere in the block.
    moved, _, _ = reverify(apply_edit(rec, _path("overview"), "用于测试转义"), store, stored)
    where = moved.field_locations["overview"]
    assert moved.findings == [] and store.document_text(rec.doc_id)[where.start : where.end] == "用于测试转义"


def test_reverify_keeps_findings_of_other_rules_and_replaces_its_own(store):
    other = Finding(rule_id=HYBRID_DISAGREEMENT, severity="warning", message="m")
    stale = Finding(rule_id="record.sources-sum", severity="error", message="no longer true")
    rec = hostile_record(hostile_document()).model_copy(update={"findings": [other, stale]})
    checked, confidence, _ = reverify_with_threshold()(rec, store, store.record(KEY))
    assert checked.findings == [other] and confidence == 0.9  # one warning finding: × 0.9


def test_confidence_never_rises_with_another_contradiction(store):
    reverify, stored = reverify_with_threshold(), store.record(KEY)
    rec = hostile_record(hostile_document())
    _, last, _ = reverify(rec, store, stored)
    for path, value in (
        ("overview", "完全不同的概况文字内容"),
        ("funding.annual_total", "120.00"),
        ("funding.period_total", "60"),
        ("funding.sources.carried_over", "10"),
    ):
        rec = apply_edit(rec, _path(path), value)
        rec, confidence, _ = reverify(rec, store, stored)
        assert confidence is not None and confidence <= last, path
        last = confidence


def test_threshold_routes_to_review(store):
    rec = hostile_record(hostile_document())
    # 实施期资金总额 not checkable: 0.85.
    edited = apply_edit(rec, _path("funding.period_total"), "200")
    assert reverify_with_threshold()(edited, store, store.record(KEY))[1:] == (0.85, False)
    assert reverify_with_threshold(0.9)(edited, store, store.record(KEY))[1:] == (0.85, True)


def test_the_run_threshold_is_that_of_the_records_settings(tmp_path, store):
    """Before: ``extract --out`` did not keep ``--review-threshold`` and review re-verified at 0.7."""
    assert run_threshold(store) == DEFAULT_THRESHOLD == 0.7
    strict = Config(extractor=ExtractorKind.rules, review_threshold=0.9)
    doc = hostile_document()
    save(store, doc, [(hostile_record(doc), 0.5, True)], HOSTILE_SOURCE, strict)
    assert run_threshold(store) == 0.9  # the run's last settings
    assert run_threshold(store, store.record(KEY).settings_hash) == 0.7  # the settings the record was routed with
    assert run_threshold(store, strict.fingerprint()) == 0.9
    edited = apply_edit(hostile_record(doc), _path("funding.period_total"), "200")
    assert reverify_with_threshold()(edited, store, store.record(KEY))[1:] == (0.85, False)
    # `llmextract extract --out` keeps the threshold in the run it writes.
    out = tmp_path / "extracted"
    source = tmp_path / "seed.txt"
    source.write_bytes(HOSTILE_SOURCE)
    result = CliRunner().invoke(
        command_app("extract"),
        ["extract", str(source), "--extractor", "rules", "--review-threshold", "0.9", "--out", str(out)],
    )
    assert result.exit_code in (0, 1), result.output
    with RunStore(out, create=False) as extracted:
        assert run_threshold(extracted) == 0.9


def test_sources_are_parsed_once_per_document_and_evicted_least_recently_used(store, monkeypatch):
    second = ingest_text(InputFile(Path("/data/second.txt"), SECOND_SOURCE, "text"))
    save(store, second, [], SECOND_SOURCE)
    stored = store.record(KEY)
    loads = []
    load = reverify_module.load_document

    def counted(path, **kwargs):
        loads.append(Path(path).stem)
        return load(path, **kwargs)

    monkeypatch.setattr(reverify_module, "load_document", counted)
    reverify = reverify_with_threshold(sources=SourceCache(size=1))
    for doc_id in (stored.doc_id, stored.doc_id, second.doc_id, stored.doc_id):
        reverify(stored.record, store, replace(stored, doc_id=doc_id))
    assert loads == [stored.doc_id, second.doc_id, stored.doc_id]


def test_reverify_without_the_source_copy_says_why(store):
    rec = hostile_record(hostile_document())
    (copy,) = (store.dir / "sources").iterdir()
    copy.write_bytes(SECOND_SOURCE)
    with pytest.raises(RunStoreError, match="不是抽取这条记录的文档"):
        reverify_with_threshold()(rec, store, store.record(KEY))
    copy.unlink()
    with pytest.raises(RunStoreError, match=r"无法重新核查这次修改：运行目录中没有文档 .* 的原文副本"):
        reverify_with_threshold()(rec, store, store.record(KEY))


def _disputed(store, *, message: str, fields: list[str]):
    """The stored record with overview read differently by the two readers."""
    stored = store.record(KEY)
    dispute = Finding(
        rule_id=HYBRID_DISAGREEMENT,
        severity="warning",
        message=message,
        expected="rules: a",
        actual="llm: b",
        record_id=stored.record_id,
        fields=[FieldPath(f) for f in fields],
    )
    rec = stored.record.model_copy(
        update={
            "findings": [dispute],
            "agreement": {FieldPath("overview"): FieldAgreement(status="disagreed", rules="a", llm="b")},
        }
    )
    # As extracted: the original record is the one the readers disagreed on.
    store.apply_review(KEY, [], rec, 0.4, True, "pending")
    return replace(store.record(KEY), original=rec)


def test_accepting_a_disputed_field_settles_the_disagreement(store):
    stored = _disputed(store, message="the rules and the LLM read overview differently", fields=["overview"])
    assert disagreements(stored.original)[FieldPath("overview")].llm == "b"
    calls = []

    def reverify(record, store, stored):
        calls.append(record)
        return record, 1.0, False

    updated = decide(store, stored, "overview", "accept", None, "张三", reverify)
    assert updated.record.findings == [] and updated.record.agreement == {} and len(calls) == 1
    assert updated.confidence == 1.0 and not updated.needs_review
    # A plain accept of an undisputed field changes nothing, so nothing is re-verified.
    decide(store, updated, "name", "accept", None, "张三", reverify)
    assert len(calls) == 1


def test_a_disagreement_is_settled_by_the_field_it_names_not_by_its_message(store):
    """Before: review found a disagreement's field with a regex on the finding's message."""
    message = "the rules and the LLM read funding.annual_total differently"
    stored = _disputed(store, message=message, fields=["overview"])
    unrelated = decide(store, stored, "funding.annual_total", "accept", None, "张三", _keep)
    assert [f.rule_id for f in unrelated.record.findings] == [HYBRID_DISAGREEMENT]
    settled = decide(store, unrelated, "overview", "accept", None, "张三", _keep)
    assert settled.record.findings == []


def test_accepting_the_record_settles_every_disagreement(store):
    stored = _disputed(store, message="m", fields=["basis_citations[0]"])  # no row of its own
    updated = decide(store, stored, "record", "accept", None, "张三", _keep)
    assert updated.record.findings == [] and updated.record.agreement == {} and updated.status == "accepted"


def test_a_decision_is_one_transaction(store, monkeypatch):
    """The decision, the re-verified record and its findings are stored together or not at all."""

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(RunStore, "_insert_findings", staticmethod(broken))
    with pytest.raises(sqlite3.OperationalError):
        decide(store, store.record(KEY), "funding.annual_total", "edit", "120.00", "张三", reverify_with_threshold())
    monkeypatch.undo()
    stored = store.record(KEY)
    assert store.reviews(KEY) == [] and stored.record.funding.annual_total == Decimal("100.00")
    assert stored.status == "pending" and stored.confidence == 0.5


def test_status_follows_the_decisions(store):
    stored = store.record(KEY)
    stored = decide(store, stored, "name", "accept", None, "张三", _keep)
    assert stored.status == "pending"
    stored = decide(store, stored, "overview", "edit", "用于测试转义", "张三", _keep)
    stored = decide(store, stored, "record", "accept", None, "张三", _keep)
    assert stored.status == "edited"
    stored = decide(store, stored, "record", "reject", None, "张三", _keep)
    assert stored.status == "rejected"


def test_gold_export_from_the_command_line(store, tmp_path):
    stored = decide(store, store.record(KEY), "record", "accept", None, "张三", reverify_with_threshold())
    assert stored.status == "accepted"
    out = tmp_path / "gold" / "gold.jsonl"
    result = CliRunner().invoke(command_app("review"), ["review", str(store.dir), "--export-gold", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = out.read_text("utf-8").splitlines()
    gold = json.loads(line)
    assert set(gold) == {
        "record_id",
        "record_key",
        "doc_id",
        "source",
        "status",
        "record",
        "reviewer",
        "reviewed_at",
        "decisions",
    }
    assert gold["record_key"] == KEY and gold["record_id"] == stored.record_id
    assert gold["source"] == "恶意<导出>.txt" and gold["reviewer"] == "张三"
    assert gold["record"]["funding"]["annual_total"] == "100.00"
    assert {d["field"] for d in gold["decisions"]} >= {"name", "record"}
    assert write_gold(store, out) == 1


def test_review_command_refuses_a_directory_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(
        command_app("review"), ["review", str(tmp_path), "--export-gold", str(tmp_path / "g.jsonl")]
    )
    assert result.exit_code == 2 and "not a run directory" in result.output
