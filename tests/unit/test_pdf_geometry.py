"""The pure functions behind PDF ingest: chars to lines, cell grids, wrapped-cell joining."""

from __future__ import annotations

from llmextract.ingest.pdf_tables import assign_chars, build_grid
from llmextract.ingest.pdf_text import group_lines, join_wrapped, line_text


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
