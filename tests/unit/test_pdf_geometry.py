"""The pure functions behind PDF ingest: chars to lines, cell grids, wrapped-cell joining, PDFium geometry."""

from __future__ import annotations

from pdfplumber.table import edges_to_intersections
from pdfplumber.table import intersections_to_cells as pdfplumber_cells

from llmextract.ingest.pdf_pdfium import _IDENTITY as IDENTITY
from llmextract.ingest.pdf_pdfium import _Frame, _subpath_objects
from llmextract.ingest.pdf_tables import assign_chars, build_grid, intersections_to_cells
from llmextract.ingest.pdf_text import em_box, group_lines, join_wrapped, line_text


def ch(text, x0, top, size=10.0, width=None):
    w = width if width is not None else size
    return {"text": text, "x0": x0, "x1": x0 + w, "top": top, "bottom": top + size, "size": size}


def test_group_lines_and_cjk_spacing():
    chars = [ch("预", 10, 100), ch("算", 20.5, 100.4), ch("表", 31, 99.8), ch("合", 10, 130), ch("计", 60, 130)]
    lines = group_lines(reversed(chars))
    assert [line_text(line) for line in lines] == ["预算表", "合 计"]


def test_overprinted_glyphs_are_dropped():
    chars = [ch("绩", 10, 100), ch("绩", 10.2, 100.1), ch("效", 20, 100)]
    assert line_text(group_lines(chars)[0]) == "绩效"


def test_join_wrapped():
    assert join_wrapped(["通过兑现政策奖励，举办", "3场以上活动"]) == "通过兑现政策奖励，举办3场以上活动"
    assert join_wrapped(["Digital", "economy"]) == "Digital economy"
    assert join_wrapped(["财政专户管", "理资金"]) == "财政专户管理资金"


def test_grid_spans_and_char_assignment():
    # | A (2 cols)      |
    # | B   | C         |
    boxes = [(0, 0, 100, 10), (0, 10, 50, 20), (50, 10, 100, 20)]
    grid = build_grid((0, 0, 100, 20), boxes)
    assert grid is not None and (grid.n_rows, grid.n_cols) == (2, 2)
    a, b, c = sorted(grid.cells, key=lambda cell: (cell.row, cell.col))
    assert (a.row, a.col, a.rowspan, a.colspan) == (0, 0, 1, 2)
    assert (c.row, c.col) == (1, 1)
    free = assign_chars([grid], [ch("甲", 70, 1, size=5), ch("乙", 60, 12, size=5), ch("外", 10, 50, size=5)])
    assert [x["text"] for x in a.chars] == ["甲"]
    assert [x["text"] for x in c.chars] == ["乙"]
    assert [x["text"] for x in free] == ["外"]
    assert b.chars == []


def test_snapped_edges_make_one_grid_line():
    boxes = [(0, 0, 50, 10), (50.4, 0.3, 100, 10), (0, 10, 100, 20.5)]
    grid = build_grid((0, 0, 100, 20.5), boxes)
    assert grid is not None and (grid.n_rows, grid.n_cols) == (2, 2)


def test_em_box_sits_on_the_baseline():
    assert em_box(100.0, 10.0) == (91.4, 101.4)


def test_pdfium_frame_matches_pdfplumber_coordinates():
    # Portrait: y flips against the page height.
    portrait = _Frame((0, 0, 595, 842), 0)
    assert (portrait.width, portrait.height) == (595, 842)
    assert portrait.point(100, 742) == (100, 100)
    # Rotated a quarter turn: the page is landscape and user-space x runs down the page.
    landscape = _Frame((0, 0, 595, 842), 90)
    assert (landscape.width, landscape.height) == (842, 595)
    assert landscape.point(100, 700) == (700, 100)
    # A MediaBox not at the origin keeps pdfplumber's convention (its issue #1181): x as in user space, and
    # top = height - (y - y0) + (height - y1) = 595 - 495 - 12.
    shifted = _Frame((-12, 12, 830, 607), 0)
    assert (shifted.width, shifted.height) == (842, 595)
    assert shifted.point(0, 507) == (0, 88)


def test_pdfium_subpaths_are_classified_as_pdfminer_does():
    frame = _Frame((0, 0, 100, 100), 0)

    def kinds(*ops):
        return [
            (o["object_type"], o["x0"], o["top"], o["x1"], o["bottom"])
            for o in _subpath_objects(list(ops), IDENTITY, frame)
        ]

    # ``10 10 20 5 re``: PDFium closes it with a line back to the start.
    rect = [("m", 10, 10), ("l", 30, 10), ("l", 30, 15), ("l", 10, 15), ("l", 10, 10), ("h", 10, 10)]
    assert kinds(*rect) == [("rect", 10, 85, 30, 90)]
    assert kinds(("m", 0, 50), ("l", 80, 50)) == [("line", 0, 50, 80, 50)]
    # ``m l h``: PDFium adds the line back to the start; pdfminer drops it again.
    assert kinds(("m", 0, 50), ("l", 80, 50), ("l", 0, 50), ("h", 0, 50)) == [("line", 0, 50, 80, 50)]
    (curve,) = _subpath_objects([("m", 0, 0), ("l", 10, 0), ("c", 10, 10)], IDENTITY, frame)
    assert curve["object_type"] == "curve" and curve["pts"] == [(0, 100), (10, 100), (10, 90)]
    assert list(_subpath_objects([("l", 0, 0), ("l", 1, 1)], IDENTITY, frame)) == []


def test_a_gap_of_exactly_three_tenths_of_an_em_is_not_a_space():
    # Typeset spacing between CJK and digits; whether it became a space used to depend on float noise.
    chars = [ch("加", 0, 100, size=16), ch("2", 16 + 4.8, 100, size=16, width=8), ch("0", 28.8 + 5.2, 100, size=16)]
    assert line_text(chars) == "加2 0"


def test_cells_from_intersections_match_pdfplumber():
    # A 3 x 3 grid whose first row is one merged cell, and a second table beside it sharing no corner.
    def edge(orientation, x0, top, x1, bottom):
        return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "orientation": orientation}

    edges = [edge("h", 0, y, 90, y) for y in (0, 10, 20, 30)]
    edges += [edge("v", x, 0, x, 30) for x in (0, 90)] + [edge("v", x, 10, x, 30) for x in (30, 60)]
    edges += [edge("h", 100, y, 120, y) for y in (0, 5)] + [edge("v", x, 0, x, 5) for x in (100, 110, 120)]
    points = edges_to_intersections(edges, 3, 3)
    cells = intersections_to_cells(points)
    assert cells == pdfplumber_cells(points)
    assert (0, 0, 90, 10) in cells and len(cells) == 1 + 6 + 2
