"""pdfplumber table cells to a grid with row/column spans, and chars to the cell that holds them.

pdfplumber reports a table as cell rectangles. The distinct x and y edges of those rectangles are the grid
lines; a cell's position and span are where its edges fall among them. Assigning each char to a cell by
bisecting the grid lines is one pass over the chars, instead of cropping the page once per cell.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from llmextract.core.locations import BBox
from llmextract.ingest.pdf_text import Char

# Edges closer than this (points) are the same grid line.
EDGE_SNAP = 1.5


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox
    chars: list[Char] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    bbox: BBox
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]
    slots: dict[tuple[int, int], GridCell]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The cell covering point (x, y), or None when it falls outside every cell."""
        col = bisect.bisect_right(self.xs, x) - 1
        row = bisect.bisect_right(self.ys, y) - 1
        if not (0 <= row < self.n_rows and 0 <= col < self.n_cols):
            return None
        return self.slots.get((row, col))


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_SNAP:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    i = bisect.bisect_left(edges, value - EDGE_SNAP)
    return min(i, len(edges) - 1)


def build_grid(table_bbox: BBox, cell_boxes: list[tuple[float, float, float, float]]) -> Grid | None:
    """Grid of a table from its cell rectangles; None when there are fewer than two cells."""
    if len(cell_boxes) < 2:
        return None
    xs = _snap([b[0] for b in cell_boxes] + [b[2] for b in cell_boxes])
    ys = _snap([b[1] for b in cell_boxes] + [b[3] for b in cell_boxes])
    cells: list[GridCell] = []
    slots: dict[tuple[int, int], GridCell] = {}
    for box in sorted(cell_boxes, key=lambda b: (b[1], b[0])):
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        if r1 <= r0 or c1 <= c0 or (r0, c0) in slots:
            continue
        cell = GridCell(r0, c0, r1 - r0, c1 - c0, (box[0], box[1], box[2], box[3]))
        cells.append(cell)
        for r in range(r0, r1):
            for c in range(c0, c1):
                slots.setdefault((r, c), cell)
    return Grid(table_bbox, xs, ys, cells, slots)


def assign_chars(grids: list[Grid], chars: list[Char]) -> list[Char]:
    """Put each char into the cell under its centre; return the chars that belong to no table."""
    free: list[Char] = []
    for ch in chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        for grid in grids:
            x0, top, x1, bottom = grid.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                cell = grid.cell_at(cx, cy)
                if cell is not None:
                    cell.chars.append(ch)
                    break
        else:
            free.append(ch)
    return free


def table_cell_boxes(table: Any) -> list[tuple[float, float, float, float]]:
    """Cell rectangles of a pdfplumber ``Table``."""
    return [tuple(c) for c in table.cells]
