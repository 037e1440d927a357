"""Analyst exports of a run: CSV that Excel opens with the Chinese intact, and one Excel workbook."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from llmextract.store import RunStore
from llmextract.store.exports import XLSX_NAME, export_run
from tests.review_support import HOSTILE_SOURCE, hostile_document, hostile_record, save

FORMULA = "=HYPERLINK(\"http://x\",\"点击\")"


def _run(tmp_path: Path) -> RunStore:
    doc = hostile_document()
    record = hostile_record(doc).model_copy(update={"overview": FORMULA + "\x07项目概况"})
    store = RunStore(tmp_path / "run")
    save(store, doc, [(record, 0.5, True)], HOSTILE_SOURCE)
    return store


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_utf8(tmp_path):
    """Before: plain UTF-8, which Excel opens as GBK/ANSI on a Chinese Windows: mojibake."""
    with _run(tmp_path) as store:
        written = export_run(store, tmp_path / "out", csv_too=True)
    csvs = [p for p in written if p.suffix == ".csv"]
    assert sorted(p.name for p in csvs) == ["findings.csv", "indicators.csv", "projects.csv"]
    for path in csvs:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    projects = (tmp_path / "out" / "projects.csv").read_text("utf-8-sig")
    assert projects.startswith("record_id,") and "恶意项目" in projects


def test_xlsx_has_one_sheet_per_table_with_numbers_as_numbers_and_text_as_text(tmp_path):
    with _run(tmp_path) as store:
        written = export_run(store, tmp_path / "out", xlsx_too=True)
    assert tmp_path / "out" / XLSX_NAME in written
    book = load_workbook(tmp_path / "out" / XLSX_NAME)
    assert book.sheetnames == ["projects", "indicators", "findings"]
    rows = list(book["projects"].iter_rows(values_only=True))
    header, (project,) = rows[0], rows[1:]
    values = dict(zip(header, project, strict=True))
    assert values["name"].startswith("恶意项目<script>")
    assert Decimal(str(values["annual_total"])) == Decimal("100.00")  # a number cell, not text
    # Document text is data: a leading "=" stays text (no formula runs in Excel), control characters go.
    overview = next(c for c in book["projects"][2] if c.column == header.index("overview") + 1)
    assert overview.data_type == "s" and overview.value == FORMULA + "项目概况"
    assert next(book["indicators"].iter_rows(values_only=True))[:3] == ("record_id", "doc_id", "source")
