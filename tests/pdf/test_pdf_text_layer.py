"""Text layers that fool a naive reader: glyphs whose fonts misplace their boxes, glyphs with no Unicode mapping.

The pages are cut from the corpus by tests/fixtures/cut_pdf_pages.py (which says what was changed in them).
"""

from __future__ import annotations

import re

import pytest

from llmextract import load_document
from llmextract.core.errors import NoTextLayerError
from tests.conftest import PDFS

PAGES = PDFS / "pages"
READERS = ["pdfium", "pdfplumber"]
ONLY_DIGITS_OR_PUNCTUATION = re.compile(r"^[\d\s.,，、:：︰%\-—()（）/]+$")


@pytest.mark.parametrize("reader", READERS)
def test_digits_drawn_in_a_font_with_a_bad_descent_stay_on_their_line(reader):
    # The dates and numbers are separate text objects in a second font whose boxes sit most of a line below
    # the text; grouped by box, "于 年 月 日至 月中旬" and "2025 9 12 11" came out as two lines.
    doc = load_document(PAGES / "digits-font-with-bad-descent.pdf", reader=reader)
    lines = [ln.text for ln in doc.lines]
    assert "按照宁波市委统一部署，市委第三巡察组于2025年9月12日至11月中旬，对市卫" in lines
    assert "规定移交有关部门认真处理。巡察意见箱放置在鄞州区和济街117号B座12楼1219室，" in lines
    assert "值班电话：13685713249；受理时间：2025年9月12日至11月7日，工作日9︰00-" in lines
    assert lines[-1] == "2025年9月9日"
    assert not [ln for ln in lines if ONLY_DIGITS_OR_PUNCTUATION.match(ln)]


@pytest.mark.parametrize("reader", READERS)
def test_title_in_a_font_that_is_not_embedded_is_read(reader):
    # PDFium drops glyphs its substitute font has no outline for; the pdfium reader hands such pages to pdfplumber.
    doc = load_document(PAGES / "title-font-not-embedded.pdf", reader=reader)
    assert [ln.text for ln in doc.lines[:3]] == [
        "北京市审计局2026年度部门预算信息公开",
        "目 录",
        "第一部分 2026年度部门预算情况说明",
    ]


@pytest.mark.parametrize("reader", READERS)
def test_page_without_unicode_maps_is_reported_and_not_read(reader):
    doc = load_document(PAGES / "one-page-without-unicode-maps.pdf", reader=reader)
    assert doc.warnings == (
        "page 2: most glyphs have no Unicode mapping, so their text was not read (run OCR on these pages)",
    )
    first, garbage, last = doc.pages
    assert (garbage.has_text, garbage.unreadable, garbage.start == garbage.end) == (False, "no_unicode", True)
    assert (first.has_text, first.unreadable, last.has_text, last.unreadable) == (True, None, True, None)
    assert not [ln for ln in doc.lines if ln.page == 2]
    assert not [t for t in doc.tables if t.page == 2]
    assert "\ufffd" not in doc.text and "(cid:" not in doc.text
    # The readable pages around it are read as usual.
    assert "3、公务用车购置及运行费\t0.00" in doc.text
    assert "（七）2101301-城乡医疗救助7296.00万元。主要用于城" in doc.text


@pytest.mark.parametrize("reader", READERS)
def test_document_without_unicode_maps_is_refused(reader):
    with pytest.raises(NoTextLayerError, match="no usable text layer: its fonts have no Unicode map; run OCR"):
        load_document(PAGES / "no-unicode-maps.pdf", reader=reader)
