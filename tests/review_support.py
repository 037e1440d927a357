"""Runs for the review UI tests: real documents with their sources stored, records whose locations point into them.

Records are built here, not by the extractors, so the UI tests pin the UI and not the extractors' current
output. One text export carries markup (``<script>``, ``<img onerror>``) in its text and in a record. Every
document is ingested from the bytes the run stores, as ``llmextract run`` does, so re-verification (which
parses the run's copy of the source) sees the same document id and text offsets as the records.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.records import Funding, FundingSources, Indicator, ProjectRecord
from llmextract.ingest import load_document
from llmextract.ingest.files import InputFile
from llmextract.ingest.text import ingest_text
from llmextract.store import RunStore, record_id

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


def pdf_records(doc: Document) -> list[tuple[ProjectRecord, float, bool]]:
    """Two projects of the 国家信访局 budget: one misread (2,134.78 for 2,134.87), one read right."""
    first = doc.text.index("信息化运行维护绩效目标表")
    second = doc.text.index("信访综合保障经费绩效目标表")
    third = doc.text.index("信访业务培训绩效目标表")
    total = _cell(doc, "2,134.87", first)
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
            Indicator(
                level1="产出指标",
                level2="数量指标",
                name="数据中心设备维护量",
                value_raw="≥330台（套）",
                comparator=">=",
                value=Decimal(330),
                unit="台(套)",
                location=_cell(doc, "≥330台（套）", first),
            )
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
        findings=[
            Finding(
                rule_id="record.sources-sum",
                severity="error",
                message="年度资金来源 do not add up to the total",
                expected="1384.87 + 750.00 = 2134.87 万元",
                actual="2134.78 万元",
                locations=[total],
                record="信息化运行维护",
            ),
            Finding(
                rule_id="hybrid.disagreement",
                severity="warning",
                message="the rules and the LLM read funding.annual_total differently; check the source and choose one",
                expected="rules: 2134.78",
                actual="llm: 2134.87",
                locations=[total],
                record="信息化运行维护",
            ),
        ],
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
    return [(misread, 0.35, True), (right, 0.6, True)]


HOSTILE_DOC_ID = hostile_document().doc_id
HOSTILE_RID = record_id(hostile_record(hostile_document()))


def build_text_run(run_dir: Path) -> RunStore:
    """A run with the hostile text export only (fast: no PDF parsing)."""
    store = RunStore(run_dir)
    doc = hostile_document()
    store.save_document(doc, "s", [(hostile_record(doc), 0.5, True)], [], source_bytes=HOSTILE_SOURCE)
    return store


def build_pdf_run(run_dir: Path) -> tuple[RunStore, dict[str, str]]:
    """The hostile text export plus two records of the real PDF; returns the store and record ids by name."""
    store = build_text_run(run_dir)
    doc = load_document(PDF)
    records = pdf_records(doc)
    store.save_document(doc, "s", records, [], source_bytes=PDF.read_bytes())
    ids = {r.name: record_id(r) for r, _, _ in records}
    ids["hostile"] = HOSTILE_RID
    return store, ids
