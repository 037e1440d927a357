"""The parse cache: the same bytes are parsed once, whatever their path; a changed reader or entry misses."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from llmextract.core.document import Document
from llmextract.extract import Reading
from llmextract.ingest import load_document
from llmextract.ingest.cache import ParseCache
from llmextract.pipeline import Config, process
from llmextract.settings import ExtractorKind

PDF = Path(__file__).parents[1] / "fixtures" / "pdf" / "上海市普陀区商务委员会25年预算.pdf"


def _entries(root: Path) -> list[Path]:
    return sorted(root.rglob("*.pickle"))


def test_the_second_load_of_the_same_bytes_is_served_from_the_cache_with_the_callers_path(tmp_path: Path):
    cache = ParseCache(tmp_path / "cache")
    first = load_document(PDF, page_workers=1, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    assert len(_entries(tmp_path / "cache")) == 1
    copy = tmp_path / "renamed.pdf"
    shutil.copy(PDF, copy)
    second = load_document(copy, page_workers=1, cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert second.source == str(copy) and first.source == str(PDF)
    assert (second.doc_id, second.text, second.lines, second.tables) == (
        first.doc_id,
        first.text,
        first.lines,
        first.tables,
    )
    # The derived indexes are rebuilt, not doubled: offsets still map to the right page.
    last = second.pages[-1]
    assert second.page_at(last.start) == last.number == first.page_at(last.start)


def test_a_document_read_by_the_other_reader_is_another_entry(tmp_path: Path):
    cache = ParseCache(tmp_path)
    load_document(PDF, page_workers=1, cache=cache, reader="pdfium")
    load_document(PDF, page_workers=1, cache=cache, reader="pdfplumber")
    assert cache.misses == 2 and len(_entries(tmp_path)) == 2


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", pickle.dumps({"doc_id": "x"})])
def test_a_torn_or_foreign_entry_is_a_miss_and_is_replaced(tmp_path: Path, garbage: bytes):
    cache = ParseCache(tmp_path)
    good = load_document(PDF, page_workers=1, cache=cache)
    (entry,) = _entries(tmp_path)
    entry.write_bytes(garbage)
    again = load_document(PDF, page_workers=1, cache=cache)
    assert cache.hits == 0 and cache.misses == 2
    assert again.text == good.text
    assert pickle.loads(entry.read_bytes()).doc_id == good.doc_id


def test_a_cache_that_cannot_be_written_never_fails_the_load(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    cache = ParseCache(blocker / "cache")
    doc = load_document(PDF, page_workers=1, cache=cache)
    assert doc.pages and cache.misses == 1


class _NoRecords:
    """A test double: an extractor that says it is the rules kind but reads nothing."""

    kind = ExtractorKind.rules
    label = "no-records"

    async def read(self, doc: Document) -> Reading:
        return Reading()

    async def aclose(self) -> None:
        return None


def test_a_rerun_with_another_setting_loads_the_checks_and_the_rules_reading(tmp_path: Path):
    cache = ParseCache(tmp_path)
    doc = load_document(PDF, page_workers=1, cache=cache)
    first = process(doc, Config(extractor="rules"), cache=cache)
    assert (cache.hits, cache.misses) == (0, 3)  # the document, its checks, the rules reading
    second = process(doc, Config(extractor="rules", review_threshold=0.99), cache=cache)
    assert (cache.hits, cache.misses) == (2, 3)
    assert first.records and [r.record for r in second.records] == [r.record for r in first.records]
    assert second.findings == first.findings and second.checks == first.checks
    assert sum(r.needs_review for r in second.records) >= sum(r.needs_review for r in first.records)
    # Another extractor's reading never comes from the cache, even one that calls itself rules.
    other = process(doc, Config(extractor="rules"), extractor=_NoRecords(), cache=cache)
    assert other.records == [] and other.findings == first.findings
