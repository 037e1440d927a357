"""Real PDFs through pdfplumber: content, positions, and the parallel page path."""

from __future__ import annotations

import pytest

from llmextract import load_document
from llmextract.core.errors import NoTextLayerError
from llmextract.layout import detect_parts
from tests.conftest import SCAN_PDF, TEXT_PDFS, pdf


@pytest.fixture(scope="module")
def yantai():
    return load_document(pdf("烟台"))


def test_yantai_project_table_cells(yantai):
    (table,) = [t for t in yantai.tables if any(c.text == "会展业发展专项资金" for c in t.cells)]
    texts = {c.text for c in table.cells}
    assert "≤2200万元" in texts
    assert "重点会展活动举办分项成本" in texts
    assert table.page == 37
    # The indicator value sits in the same grid row as its 三级指标.
    grid = table.grid()
    (row,) = [r for r in grid if any(c and c.text == "项目总成本" for c in r)]
    assert "≤2200万元" in [c.text for c in row if c]


def test_multi_line_cell_keeps_its_text_without_spurious_spaces(yantai):
    cells = [c.text for t in yantai.tables for c in t.cells]
    goal = next(c for c in cells if c.startswith("通过兑现2024-2025年度会展业发展政策奖励"))
    assert "举办3场以上市政府重点支持会展等活动" in goal
    assert "带动烟台市旅游、住宿、餐饮等产业发展。" in goal
    assert " " not in goal


def test_merged_cells_have_spans(yantai):
    table = next(t for t in yantai.tables if any(c.text == "会展业发展专项资金" for c in t.cells))
    name = next(c for c in table.cells if c.text == "会展业发展专项资金")
    assert name.colspan > 1
    level1 = next(c for c in table.cells if c.text == "产出指标")
    assert level1.rowspan > 1


def test_spans_and_boxes_are_consistent(yantai):
    for line in yantai.lines:
        assert yantai.text[line.start : line.end] == line.text
    for table in yantai.tables:
        page = yantai.pages[table.page - 1]
        for cell in table.cells:
            assert yantai.text[cell.start : cell.end] == cell.text
            x0, top, x1, bottom = cell.bbox
            assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
    loc = yantai.location(yantai.tables[0].cells[0].start, yantai.tables[0].cells[0].end)
    assert loc.page == yantai.tables[0].page and loc.bbox is not None


def test_free_text_lines_keep_reading_order(yantai):
    page37 = [ln.text for ln in yantai.lines if ln.page == 37 and ln.table is None]
    assert page37[0] == "项目支出绩效目标表（2026）"


def test_parallel_pages_give_the_same_document():
    path = pdf("普陀")
    serial = load_document(path, page_workers=1)
    parallel = load_document(path, page_workers=2)
    assert serial.text == parallel.text
    assert serial.tables == parallel.tables
    assert serial.lines == parallel.lines


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.stem[:12])
def test_every_text_pdf_parses_with_tables_and_parts(path):
    doc = load_document(path)
    assert len(doc.pages) >= 20
    assert len(doc.tables) >= 10
    kinds = {p.kind for p in detect_parts(doc)}
    assert "budget_table" in kinds


def test_scan_is_refused_with_ocr_hint():
    with pytest.raises(NoTextLayerError, match=r"no text layer; run OCR \(e\.g\. ocrmypdf\) first"):
        load_document(SCAN_PDF)
