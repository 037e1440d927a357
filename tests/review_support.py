"""Runs for the review UI tests: real documents with their sources stored, records whose locations point into them.

Records are built here, not by the extractors, so the UI tests pin the UI and not the extractors' current
output. One text export carries markup (``<script>``, ``<img onerror>``) in its text and in a record. Every
document is ingested from the bytes the run stores, as ``llmextract run`` does, so re-verification (which
parses the run's copy of the source) sees the same document id and text offsets as the records. Runs are
written with :meth:`RunStore.save`, the one writer, under the rules settings ``RULES``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from llmextract.core.catalogue import HYBRID_DISAGREEMENT
from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.numbers import parse_indicator_value
from llmextract.core.paths import FieldPath
from llmextract.core.records import (
    FieldAgreement,
    FieldGrounding,
    Funding,
    FundingSources,
    Indicator,
    NumberCheck,
    ProjectRecord,
)
from llmextract.core.usage import Usage
from llmextract.ingest import load_document
from llmextract.ingest.files import InputFile
from llmextract.ingest.text import ingest_text
from llmextract.pipeline import CheckCounts, Config, DocumentResult, RecordResult
from llmextract.settings import ExtractorKind
from llmextract.store import RunStore, record_key

RULES = Config(extractor=ExtractorKind.rules)

PDF = Path(__file__).parent / "fixtures" / "pdf" / "国家信访局2026年度部门预算.pdf"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=2>"
HOSTILE_NAME = f"恶意项目{SCRIPT}"


HOSTILE_SOURCE = "\n".join(
    (
        "恶意项目绩效目标表",
        f"项目名称\t{HOSTILE_NAME}",
        f"项目概况\t{IMG}用于测试转义",
        "项目资金（万元）\t年度资金总额\t100.00",
        "\t其中：财政拨款\t60.00",
        "\t上年结转\t40.00",
    )
).encode()


def hostile_document() -> Document:
    return ingest_text(InputFile(Path("/data/恶意<导出>.txt"), HOSTILE_SOURCE, "text"))


def hostile_record(doc: Document) -> ProjectRecord:
    def span(text: str) -> Location:
        at = doc.text.index(text)
        return doc.location(at, at + len(text))

    return ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(0, len(doc.text)),
        name=HOSTILE_NAME,
        overview=f"{IMG}用于测试转义",
        funding=Funding(
            unit="万元",
            annual_total=Decimal("100.00"),
            sources=FundingSources(appropriation=Decimal("60.00"), carried_over=Decimal("40.00")),
        ),
        extractor="rules",
        field_locations={
            "name": span(HOSTILE_NAME),
            "overview": span(f"{IMG}用于测试转义"),
            "funding.annual_total": span("100.00"),
        },
    )


def _cell(doc: Document, text: str, after: int) -> Location:
    """The location of the first table cell printing ``text`` after offset ``after`` (its own bbox)."""
    for table in doc.tables:
        for cell in table.cells:
            if cell.start >= after and cell.text == text:
                return Location(doc_id=doc.doc_id, page=table.page, start=cell.start, end=cell.end, bbox=cell.bbox)
    raise LookupError(text)


def _indicator(doc: Document, level2: str, name: str, value_raw: str, cell: str, after: int) -> Indicator:
    parsed = parse_indicator_value(value_raw)
    return Indicator(
        level1="产出指标",
        level2=level2,
        name=name,
        value_raw=value_raw,
        comparator=parsed.comparator,
        value=parsed.value,
        unit=parsed.unit,
        location=_cell(doc, cell, after),
    )


def pdf_records(doc: Document) -> list[tuple[ProjectRecord, float, bool]]:
    """Three projects of the 国家信访局 budget: one misread (2,134.78 for 2,134.87, which the LLM read right), one
    read right, both to review, and one that needs no review. The misread one has two indicators both named
    设备完好率 (the second a made-up reading of the ≤4小时 cell): two fields, by ordinal. Its evidence (grounding,
    number checks) is given here as the verifier would give it."""
    first = doc.text.index("信息化运行维护绩效目标表")
    second = doc.text.index("信访综合保障经费绩效目标表")
    third = doc.text.index("信访业务培训绩效目标表")
    total = _cell(doc, "2,134.87", first)
    total_path = FieldPath("funding.annual_total")
    misread = ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(first, second),
        name="信息化运行维护",
        department="国家信访局",
        implementing_unit="国家信访局本级",
        funding=Funding(
            unit="万元",
            annual_total=Decimal("2134.78"),
            sources=FundingSources(appropriation=Decimal("1384.87"), carried_over=Decimal("750.00")),
        ),
        indicators=[
            _indicator(doc, "数量指标", "数据中心设备维护量", "≥330台（套）", "≥330台（套）", first),
            _indicator(doc, "质量指标", "设备完好率", "≥96%", "≥96%", first),
            _indicator(doc, "时效指标", "设备完好率", "≤4小时", "≤4小时", first),
        ],
        extractor="hybrid:test-model",
        field_locations={
            "name": _cell(doc, "信息化运行维护", first),
            "department": _cell(doc, "[292]国家信访局", first),
            "implementing_unit": _cell(doc, "国家信访局本级", first),
            "funding.annual_total": total,
            "funding.sources.appropriation": _cell(doc, "1,384.87", first),
            "funding.sources.carried_over": _cell(doc, "750.00", first),
        },
        agreement={total_path: FieldAgreement(status="disagreed", rules="2134.78", llm="2134.87")},
        field_grounding={
            "name": FieldGrounding(status="exact", score=1.0),
            "department": FieldGrounding(status="exact", score=1.0),
            "indicators[1].value_raw": FieldGrounding(status="exact", score=1.0),
        },
        number_checks={
            total_path: NumberCheck(status="contradicted", rules=["record.sources-sum"], note="1384.87 + 750.00"),
            "indicators[1].value": NumberCheck(status="not_checkable"),
        },
    )
    rid = misread.record_id
    misread = misread.model_copy(
        update={
            "findings": [
                Finding(
                    rule_id="record.sources-sum",
                    severity="error",
                    message="年度资金来源 do not add up to the total",
                    expected="1384.87 + 750.00 = 2134.87 万元",
                    actual="2134.78 万元",
                    locations=[total],
                    record_id=rid,
                    fields=[total_path],
                ),
                Finding(
                    rule_id=HYBRID_DISAGREEMENT,
                    severity="warning",
                    message="信息化运行维护: the rules and the LLM read funding.annual_total differently",
                    expected="rules: 2134.78",
                    actual="llm: 2134.87",
                    locations=[total],
                    record_id=rid,
                    fields=[total_path],
                ),
            ]
        }
    )
    right = ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(second, third),
        name="信访综合保障经费",
        funding=Funding(unit="万元", annual_total=Decimal("2706.79")),
        extractor="rules",
        field_locations={
            "name": _cell(doc, "信访综合保障经费", second),
            "funding.annual_total": _cell(doc, "2,706.79", second),
        },
    )
    fourth = doc.pages[doc.page_at(third) - 1].end
    settled = ProjectRecord(
        doc_id=doc.doc_id,
        location=doc.location(third, fourth),
        name="信访业务培训",
        funding=Funding(unit="万元", annual_total=Decimal("118.01")),
        extractor="rules",
        field_locations={"name": _cell(doc, "信访业务培训", third)},
    )
    return [(misread, 0.35, True), (right, 0.6, True), (settled, 0.9, False)]


def key_of(record: ProjectRecord, config: Config = RULES) -> str:
    return record_key(config.fingerprint(), record.record_id)


HOSTILE_DOC_ID = hostile_document().doc_id
HOSTILE_KEY = key_of(hostile_record(hostile_document()))


def save(
    store: RunStore,
    doc: Document,
    scored: list[tuple[ProjectRecord, float, bool]],
    data: bytes,
    config: Config = RULES,
) -> None:
    """Save ``doc``'s records as ``llmextract run`` would, with ``data`` (the source's bytes) as its source."""
    inputs = store.dir.parent / "inputs"
    inputs.mkdir(exist_ok=True)
    source = inputs / f"{doc.doc_id[:16]}{'.pdf' if doc.kind == 'pdf' else '.txt'}"
    source.write_bytes(data)
    records = [RecordResult(r, {}, confidence, review) for r, confidence, review in scored]
    store.save(DocumentResult(doc, "rules", records, [], CheckCounts(), Usage()), config, source=source)


def build_text_run(run_dir: Path, config: Config = RULES) -> RunStore:
    """A run with the hostile text export only (fast: no PDF parsing)."""
    store = RunStore(run_dir)
    doc = hostile_document()
    save(store, doc, [(hostile_record(doc), 0.5, True)], HOSTILE_SOURCE, config)
    return store


def build_pdf_run(run_dir: Path) -> tuple[RunStore, dict[str, str]]:
    """The hostile text export plus two records of the real PDF; returns the store and record keys by name."""
    store = build_text_run(run_dir)
    doc = load_document(PDF)
    records = pdf_records(doc)
    save(store, doc, records, PDF.read_bytes())
    keys = {r.name: key_of(r) for r, _, _ in records}
    keys["hostile"] = HOSTILE_KEY
    return store, keys


def build_many_run(run_dir: Path, n: int, threshold: float = 1.0) -> tuple[RunStore, list[str]]:
    """A text export listing ``n`` projects, one record each, confidence rising with the number (so the queue
    lists them in order); every third has a ``record.sources-sum`` error; those below ``threshold`` need review.
    Returns the store and the keys in queue order."""
    data = "".join(f"项目名称\t测试项目{i:03d}\n" for i in range(n)).encode()
    doc = ingest_text(InputFile(Path("/data/many.txt"), data, "text"))
    scored = []
    for i in range(n):
        start = doc.text.index(f"测试项目{i:03d}")
        record = ProjectRecord(
            doc_id=doc.doc_id, location=doc.location(start, start + 7), name=f"测试项目{i:03d}", extractor="rules"
        )
        if i % 3 == 0:
            error = Finding(rule_id="record.sources-sum", severity="error", message="m", record_id=record.record_id)
            record = record.model_copy(update={"findings": [error]})
        confidence = round(0.1 + 0.8 * i / n, 4)
        scored.append((record, confidence, confidence < threshold))
    store = RunStore(run_dir)
    save(store, doc, scored, data)
    return store, [key_of(r) for r, _, _ in scored]
