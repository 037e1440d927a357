"""Property tests: a generated consistent 支出表 yields no finding; one perturbed cell yields a finding that
names that cell."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from llmextract import load_document
from llmextract.tables import parse_tables
from llmextract.verify import verify

CENT = Decimal("0.01")
amounts = st.integers(min_value=0, max_value=5_000_000).map(lambda cents: Decimal(cents) * CENT)
# 类 -> 款 -> 项, each 项 a (基本支出, 项目支出) pair.
items = st.lists(st.tuples(amounts, amounts), min_size=1, max_size=3)
tree = st.lists(st.lists(items, min_size=1, max_size=2), min_size=1, max_size=3)


def _rows(classes: list[list[list[tuple[Decimal, Decimal]]]]) -> list[tuple[str, str, Decimal, Decimal]]:
    """(code, name, 基本支出, 项目支出) for the 合计 row, every 类, 款 and 项, parents before children."""
    rows: list[tuple[str, str, Decimal, Decimal]] = []
    for i, kuans in enumerate(classes):
        cls = f"2{i + 1:02d}"
        class_rows: list[tuple[str, str, Decimal, Decimal]] = []
        for j, xiangs in enumerate(kuans):
            kuan = f"{cls}{j + 1:02d}"
            leaves = [(f"{kuan}{k + 1:02d}", f"项{kuan}{k + 1:02d}", b, p) for k, (b, p) in enumerate(xiangs)]
            class_rows.append((kuan, f"款{kuan}", sum(x[2] for x in leaves), sum(x[3] for x in leaves)))
            class_rows.extend(leaves)
        kuan_rows = [r for r in class_rows if len(r[0]) == 5]
        rows.append((cls, f"类{cls}", sum(r[2] for r in kuan_rows), sum(r[3] for r in kuan_rows)))
        rows.extend(class_rows)
    classes_only = [r for r in rows if len(r[0]) == 3]
    return [("", "合计", sum(r[2] for r in classes_only), sum(r[3] for r in classes_only)), *rows]


def _document(rows: list[tuple[str, str, Decimal, Decimal]], bump: tuple[int, int] | None = None):
    lines = ["2024年预算支出总表", "单位：万元", "科目编码\t科目名称\t合计\t基本支出\t项目支出"]
    for n, (code, name, basic, project) in enumerate(rows):
        cells = [basic + project, basic, project]
        if bump is not None and bump[0] == n:
            cells[bump[1]] += Decimal("1.00")
        lines.append("\t".join([code, name, *(f"{c:.2f}" for c in cells)]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return load_document(path)


@settings(max_examples=40, deadline=None)
@given(tree)
def test_consistent_tables_yield_no_findings(classes):
    report = verify(_document(_rows(classes)))
    assert report.findings == []
    assert report.passed > 0


@settings(max_examples=40, deadline=None)
@given(tree, st.data())
def test_one_perturbed_cell_yields_a_finding_naming_it(classes, data):
    rows = _rows(classes)
    row_index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    col_index = data.draw(st.integers(min_value=0, max_value=2))
    doc = _document(rows, bump=(row_index, col_index))
    (table,) = parse_tables(doc)
    code, name = rows[row_index][0], rows[row_index][1]
    row = next(r for r in table.rows if r.label == name and (r.code or "") == code)
    cell = row.amount(table.columns[col_index])
    report = verify(doc)
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors
    assert any(loc.start == cell.start and loc.end == cell.end for f in errors for loc in f.locations)
