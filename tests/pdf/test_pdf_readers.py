"""The pdfium reader reads what the pdfplumber reader (the reference) reads, page by page.

benchmarks/equivalence.py runs the same comparison over the whole corpus; this is a sample of the fixtures:
portrait and rotated landscape pages, ruled tables with merged cells, prose, and the cut pages.
"""

from __future__ import annotations

import pytest
from pdfplumber.table import TableSettings, edges_to_intersections, merge_edges
from pdfplumber.table import intersections_to_cells as pdfplumber_cells
from pdfplumber.utils import filter_edges

from llmextract.ingest.pdf import open_reader
from llmextract.ingest.pdf_page import parse_page
from llmextract.ingest.pdf_tables import intersections_to_cells
from tests.conftest import PDFS, TEXT_PDFS

SAMPLED = [(path, range(1, 60, 3)) for path in TEXT_PDFS] + [
    (path, range(1, 4)) for path in sorted((PDFS / "pages").glob("*.pdf"))
]


@pytest.mark.parametrize(("path", "numbers"), SAMPLED, ids=lambda v: v.stem[:16] if hasattr(v, "stem") else None)
def test_pdfium_reads_the_pages_pdfplumber_reads(path, numbers):
    data = path.read_bytes()
    reference, fast = open_reader(data, str(path), "pdfplumber"), open_reader(data, str(path), "pdfium")
    differing = []
    try:
        for number in numbers:
            if number > len(reference):
                break
            page = reference.read(number)
            _assert_cells_as_pdfplumber_finds_them(page.edges)
            expected = parse_page(page).reading()
            actual = parse_page(fast.read(number)).reading()
            if actual != expected:
                differing.append((number, expected.text[:200], actual.text[:200]))
    finally:
        reference.close()
        fast.close()
    assert differing == []


def _assert_cells_as_pdfplumber_finds_them(edges):
    # find_grids runs pdfplumber's chain of table functions, with intersections_to_cells rewritten for speed.
    s = TableSettings.resolve(None)
    ruled = [e for o in "vh" for e in filter_edges(edges, o, min_length=s.edge_min_length_prefilter)]
    merged = merge_edges(ruled, s.snap_x_tolerance, s.snap_y_tolerance, s.join_x_tolerance, s.join_y_tolerance)
    merged = filter_edges(merged, min_length=s.edge_min_length)
    points = edges_to_intersections(merged, s.intersection_x_tolerance, s.intersection_y_tolerance)
    assert intersections_to_cells(points) == pdfplumber_cells(points)


def test_rotated_landscape_pages_have_the_same_geometry():
    # 烟台 prints its budget tables on pages rotated a quarter turn; the boxes must land where pdfplumber puts them.
    path = PDFS / "2026年烟台市商务局部门预算.pdf"
    data = path.read_bytes()
    reference, fast = open_reader(data, str(path), "pdfplumber"), open_reader(data, str(path), "pdfium")
    try:
        expected, actual = parse_page(reference.read(13)), parse_page(fast.read(13))
    finally:
        reference.close()
        fast.close()
    assert actual.width > actual.height
    assert (actual.width, actual.height) == pytest.approx((expected.width, expected.height))
    boxes = [[item.bbox for item in c.items if not isinstance(item, tuple)] for c in (expected, actual)]
    assert len(boxes[0]) == 1 and boxes[1][0] == pytest.approx(boxes[0][0], abs=0.01)
    lines = [[item[1] for item in c.items if isinstance(item, tuple)] for c in (expected, actual)]
    for box, ref in zip(lines[1], lines[0], strict=True):
        assert box[0] == pytest.approx(ref[0], abs=0.5) and box[2] == pytest.approx(ref[2], abs=0.5)


def test_unknown_reader_is_a_usage_error():
    with pytest.raises(ValueError, match="unknown PDF reader 'pdfbox'; use one of pdfium, pdfplumber"):
        open_reader(b"", "x.pdf", "pdfbox")  # type: ignore[arg-type]
