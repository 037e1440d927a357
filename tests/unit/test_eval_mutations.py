"""Mutated documents stay consistent, mutations are reproducible, and the verifier sees the ones it should."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract import load_document
from llmextract.core.document import Document
from llmextract.evals.docedit import Edit, edit_document, moved_span
from llmextract.evals.mutation_eval import run_mutations
from llmextract.evals.mutations import KINDS, Target, draw_mutations, find_targets
from llmextract.tables import parse_tables
from tests.conftest import seed


@pytest.fixture(scope="module")
def seed001() -> Document:
    return load_document(seed("001"))


def _consistent(doc: Document) -> None:
    for ln in doc.lines:
        assert doc.text[ln.start : ln.end] == ln.text
    for table in doc.tables:
        for cell in table.cells:
            assert doc.text[cell.start : cell.end] == cell.text
    assert doc.pages[-1].end <= len(doc.text)


def test_edits_that_change_length_move_every_later_span(seed001: Document):
    cell = next(c for t in seed001.tables for c in t.cells if c.text == "1024.87")
    later_table, later = next((t, c) for t in seed001.tables for c in t.cells if c.start > cell.end + 100 and c.text)
    edits = [Edit(cell.start, cell.end, "10248.7x")]
    mutated = edit_document(seed001, edits)
    _consistent(mutated)
    assert mutated.text[cell.start : cell.start + 8] == "10248.7x"
    moved = next(c for c in mutated.tables[later_table.index].cells if (c.row, c.col) == (later.row, later.col))
    assert moved.text == later.text and moved.start == later.start + 1
    assert moved_span(edits, cell.start, cell.end) == (cell.start, cell.start + 8)


def test_overlapping_edits_are_refused(seed001: Document):
    with pytest.raises(ValueError, match="overlapping"):
        edit_document(seed001, [Edit(10, 20, "x"), Edit(15, 25, "y")])


def test_mutations_are_reproducible_and_cover_every_kind(seed001: Document):
    targets = find_targets(seed001, parse_tables(seed001))
    first, again = draw_mutations(targets, 40, seed=3), draw_mutations(targets, 40, seed=3)
    assert first == again
    assert draw_mutations(targets, 40, seed=4) != first
    assert {m.kind for m in first} == set(KINDS)
    for m in first:
        assert m.before != m.after
        for edit in m.edits:
            assert seed001.text[edit.start : edit.end] != edit.new


def test_each_kind_changes_the_number_as_described():
    amount = Target(0, 7, "1024.87", "table:income", (0, 0), (0, 1))
    partner = Target(10, 16, "560.30", "table:income", (0, 0), (0, 2))
    pct = Target(20, 25, "77.46", "prose", (20, 30), percent=True)
    seen = {}
    for s in range(30):
        for m in draw_mutations([amount, partner, pct], 4, seed=s):
            seen.setdefault(m.kind, m)
    digit, decimal, swap, percent = (seen[k] for k in KINDS)
    assert (
        len(digit.after) == len(digit.before)
        and sum(a != b for a, b in zip(digit.after, digit.before, strict=True)) == 1
    )
    assert Decimal(decimal.after.replace(",", "")) in {Decimal(decimal.before) * 10, Decimal(decimal.before) / 10}
    assert {e.new for e in swap.edits} == {"1024.87", "560.30"}
    assert 0.5 <= abs(Decimal(percent.after) - Decimal("77.46")) <= 10


def test_a_change_of_one_rounding_step_is_marked_within_tolerance():
    target = Target(0, 7, "1815.31", "prose", (0, 10))
    one_step = [m for s in range(200) for m in draw_mutations([target], 1, seed=s) if m.after == "1815.32"]
    assert one_step and all(m.within_tolerance and not m.checkable for m in one_step)


def test_indicator_values_of_a_raw_dump_are_their_own_area():
    doc = load_document(seed("000"))
    areas = {t.area for t in find_targets(doc, parse_tables(doc))}
    assert "prose:indicator" in areas and "prose" in areas


def test_a_misprinted_expenditure_cell_is_detected_and_located(seed001: Document):
    outcomes = run_mutations(seed001, 12, seed=11)
    table_outcomes = [o for o in outcomes if o.mutation.area in ("table:expenditure", "table:income")]
    assert table_outcomes
    assert all(o.detected and o.located for o in table_outcomes if o.mutation.checkable)
