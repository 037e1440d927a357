from __future__ import annotations

from llmextract.core.locations import Location
from llmextract.ingest.builder import CellDraft, DocumentBuilder


def _doc():
    b = DocumentBuilder("d" * 64, "x.pdf", "pdf")
    b.begin_page(1, 600, 800)
    b.add_line("第一部分 概况", (10, 10, 100, 20))
    b.end_page()
    b.begin_page(2, 600, 800)
    b.add_table(
        2,
        2,
        [
            CellDraft(0, 0, "项目名称", bbox=(10, 10, 50, 20)),
            CellDraft(0, 1, "遗属补助", bbox=(50, 10, 90, 20)),
            CellDraft(1, 0, "合计", colspan=2, bbox=(10, 20, 90, 30)),
        ],
        (10, 10, 90, 30),
    )
    b.end_page()
    return b.build()


def test_table_rows_are_tab_separated_lines_with_cell_spans():
    doc = _doc()
    assert doc.text == "第一部分 概况\n项目名称\t遗属补助\n合计\t\n"
    table = doc.tables[0]
    assert table.texts() == [["项目名称", "遗属补助"], ["合计", ""]]
    assert [doc.text[c.start : c.end] for c in table.cells] == ["项目名称", "遗属补助", "合计"]
    assert table.cells[2].colspan == 2
    row_lines = [ln for ln in doc.lines if ln.table == 0]
    assert [ln.row for ln in row_lines] == [0, 1]
    assert row_lines[0].bbox == (10, 10, 90, 20)


def test_location_knows_page_and_bbox():
    doc = _doc()
    cell = doc.tables[0].cells[1]
    loc = doc.location(cell.start, cell.end, cell.bbox)
    assert loc == Location(doc_id="d" * 64, page=2, start=cell.start, end=cell.end, bbox=(50, 10, 90, 20))
    # Without an explicit bbox the span gets the union of the PDF lines it touches.
    assert doc.location(0, 4).bbox == (10, 10, 100, 20)
    assert doc.location(0, 4).page == 1


def test_a_value_in_a_table_row_is_boxed_in_its_cell_not_across_the_row():
    """Before: a field read from a form row was boxed from the label's cell to the row's end, so the review
    page's box covered 项目名称 and its value alike."""
    doc = _doc()
    label, value, total = doc.tables[0].cells
    assert doc.location(value.start, value.end).bbox == (50, 10, 90, 20)
    assert doc.location(value.start + 1, value.end - 1).bbox == (50, 10, 90, 20)  # part of a cell: the cell
    assert doc.location(label.start, value.end).bbox == (10, 10, 90, 20)  # both cells: both
    assert doc.location(label.start, total.end).bbox == (10, 10, 90, 30)  # rows below: their cells too


def test_lines_in_span():
    doc = _doc()
    texts = [ln.text for ln in doc.lines_in(0, len(doc.text))]
    assert texts == ["第一部分 概况", "项目名称\t遗属补助", "合计\t"]
    assert [ln.text for ln in doc.lines_in(9, 9)] == ["项目名称\t遗属补助"]


def test_a_span_across_pages_is_boxed_on_its_first_page():
    doc = _doc()
    loc = doc.location(0, len(doc.text))
    assert loc.page == 1 and loc.bbox == (10, 10, 100, 20)
