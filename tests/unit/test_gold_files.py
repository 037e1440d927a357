"""The gold annotations in evals/gold/ load, belong to their fixtures, and agree with themselves."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest

from llmextract.evals.gold import GoldDocument, GoldRecord, gold_from_review_export, load_gold
from llmextract.verify import RULES

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "evals" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.gold.json"))
RULE_IDS = {r.id for r in RULES}


def _ids(paths: list[Path]) -> list[str]:
    return [p.name.removesuffix(".gold.json") for p in paths]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("<p>", "").replace("</p>", "")


def _sum(values: dict[str, Decimal | None]) -> Decimal:
    return sum((v for v in values.values() if v is not None), Decimal(0))


def _flagged(doc: GoldDocument, rule_id: str, record: GoldRecord) -> bool:
    """The document's own inconsistency list names this rule for this record."""
    return any(i.rule_id == rule_id and (record.name in i.quote or record.name in i.note) for i in doc.inconsistencies)


def test_gold_dir_covers_seeds_and_three_pdfs() -> None:
    sources = {load_gold(p).source for p in GOLD_FILES}
    seeds = {f"tests/fixtures/seeds/{p.name}" for p in (ROOT / "tests/fixtures/seeds").glob("*.txt")}
    assert seeds <= sources
    assert len([s for s in sources if s.endswith(".pdf")]) >= 3


@pytest.mark.parametrize("path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_gold_file_matches_its_fixture(path: Path) -> None:
    doc = load_gold(path)
    source = ROOT / doc.source
    assert source.is_file(), doc.source
    assert path.name == source.name + ".gold.json"
    assert doc.doc_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert doc.checked_twice
    # A document without target tables is gold too (it pins that nothing is read from it), but it says so.
    assert bool(doc.records) != doc.no_records


@pytest.mark.parametrize("path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_gold_records_are_internally_consistent(path: Path) -> None:
    doc = load_gold(path)
    for rec in doc.records:
        f = rec.funding
        assert f.unit in ("元", "万元"), rec.name
        # Sources add up to the totals wherever the document's own numbers do.
        sources = f.sources.model_dump()
        flagged = _flagged(doc, "record.sources-sum", rec)
        if any(v is not None for v in sources.values()) and f.annual_total is not None and not flagged:
            assert _sum(sources) == f.annual_total, (rec.name, sources, f.annual_total)
        period_sources = f.period_sources.model_dump()
        if any(v is not None for v in period_sources.values()) and f.period_total is not None and not flagged:
            assert _sum(period_sources) == f.period_total, (rec.name, period_sources, f.period_total)
        if f.period_total is not None and f.annual_total is not None and f.period_total < f.annual_total:
            assert _flagged(doc, "record.period-ge-annual", rec), rec.name
        for ind in rec.indicators:
            assert ind.name.strip(), rec.name
        if rec.kind == "project" and rec.indicators:
            columns = {i.column for i in rec.indicators}
            assert columns <= {"annual", "period"}


@pytest.mark.parametrize("path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_gold_inconsistencies_are_catalogued_and_declared(path: Path) -> None:
    doc = load_gold(path)
    for inc in doc.inconsistencies:
        assert inc.rule_id in RULE_IDS, inc.rule_id
        assert inc.quote and inc.expected and inc.actual
        assert inc.page is not None
    # A file without inconsistencies says whether the document was audited.
    assert doc.inconsistencies or any("nconsisten" in n for n in doc.notes)


SEEDS = [p for p in GOLD_FILES if p.name.endswith(".txt.gold.json")]


@pytest.mark.parametrize("path", SEEDS, ids=_ids(SEEDS))
def test_seed_gold_text_is_in_the_source(path: Path) -> None:
    """Every annotated string is printed in the seed (line breaks and spaces of the export ignored)."""
    doc = load_gold(path)
    text = _norm((ROOT / doc.source).read_text(encoding="utf-8"))
    for rec in doc.records:
        strings = [rec.name, rec.department, rec.implementing_unit, rec.attribute, rec.period, rec.overview]
        strings += [rec.basis, rec.goals.period, rec.goals.annual]
        strings += [s for c in rec.basis_citations for s in (c.title, c.doc_number)]
        strings += [s for i in rec.indicators for s in (i.name, i.value_raw)]
        for s in strings:
            if s:
                assert _norm(s) in text, (rec.name, s)


KNOWN = {
    "001_2dc8c89a6b4bfa48.txt": {"prose.disclosed-project-tables", "record.disclosed-amount"},
    "002_6c1c086a26e80980.txt": {"prose.change-rate", "record.dept-table-sum", "record.dept-vs-prose"},
    "004_886bd96bd1902dfa.txt": {"record.dept-table-sum"},
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_seed_inconsistencies_are_annotated(name: str) -> None:
    doc = load_gold(GOLD_DIR / f"{name}.gold.json")
    assert KNOWN[name] <= {i.rule_id for i in doc.inconsistencies}


def test_known_arithmetic() -> None:
    seed2 = load_gold(GOLD_DIR / "002_6c1c086a26e80980.txt.gold.json")
    rate = next(i for i in seed2.inconsistencies if i.rule_id == "prose.change-rate")
    assert "32.67%" in rate.expected and rate.actual == "48.51%"
    assert round(Decimal("4.41") / Decimal("13.50") * 100, 2) == Decimal("32.67")
    dept = next(r for r in seed2.records if r.kind == "department")
    assert dept.funding.annual_total == Decimal("1284.82")
    assert Decimal("342.32") + Decimal("1042.50") == Decimal("1384.82")
    seed4 = load_gold(GOLD_DIR / "004_886bd96bd1902dfa.txt.gold.json")
    dept4 = next(r for r in seed4.records if r.kind == "department")
    assert dept4.funding.annual_total == Decimal("1629.62")
    assert Decimal("798.63") + Decimal("630.99") == Decimal("1429.62")


@pytest.mark.parametrize(
    ("name", "stated_wan"),
    [
        ("000_853eedb28f35c8b1.txt", "745.65"),
        ("002_6c1c086a26e80980.txt", "1030.50"),
        ("004_886bd96bd1902dfa.txt", "31.08"),
        ("001_2dc8c89a6b4bfa48.txt", "245.87"),  # the prose says 359.87: see its inconsistencies
    ],
)
def test_disclosed_amount_is_sum_of_project_tables(name: str, stated_wan: str) -> None:
    doc = load_gold(GOLD_DIR / f"{name}.gold.json")
    total = sum(
        (r.funding.annual_total for r in doc.records if r.kind == "project" and r.funding.annual_total is not None),
        Decimal(0),
    )
    assert all(r.funding.unit == "元" for r in doc.records if r.kind == "project")
    assert round(total / 10000, 2) == Decimal(stated_wan)


def test_reviewed_export_maps_onto_gold_records() -> None:
    """A reviewed record exported by the review UI becomes a gold record with the same fields."""
    from llmextract.core.locations import Location
    from llmextract.core.records import Indicator, ProjectRecord

    gold = load_gold(GOLD_DIR / "001_2dc8c89a6b4bfa48.txt.gold.json").records[0]
    data = gold.model_dump()
    data["indicators"] = [Indicator(**i) for i in data["indicators"]]
    location = Location(doc_id="0" * 64, page=1, start=0, end=0)
    record = ProjectRecord(doc_id="0" * 64, location=location, extractor="rules", **data)
    line = {"record_id": "x", "doc_id": "0" * 64, "source": "seeds/x.txt", "status": "edited",
            "record": record.model_dump(mode="json"), "reviewer": "r", "reviewed_at": None,
            "decisions": [{"field": "name", "action": "edit", "old_value": "a", "new_value": gold.name,
                           "reviewer": "r", "at": None}]}  # fmt: skip
    (doc,) = gold_from_review_export([line])
    assert doc.records == [gold]
    assert doc.doc_sha256 == "0" * 64 and doc.source == "tests/fixtures/seeds/x.txt"
    assert doc.notes and "name" in doc.notes[0]
