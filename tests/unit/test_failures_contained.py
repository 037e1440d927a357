"""One bad block, table, paragraph or rule never loses a document: it becomes a finding, the rest survives.

Before: an exception in the rules reader (an IndexError on an unseen layout) ended the whole document, and
``verify`` printed a traceback and exited 1, the code for "found errors".
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from llmextract.core.catalogue import BLOCK_FAILED, PROSE_PARSE_FAILED, RULE_FAILED, TABLE_PARSE_FAILED
from llmextract.ingest import load_document
from llmextract.pipeline import Config, process
from llmextract.settings import ExtractorKind
from tests.conftest import seed

RULES = Config(extractor=ExtractorKind.rules)


@pytest.fixture(scope="module")
def doc():
    return load_document(seed("001"))


@pytest.fixture(scope="module")
def clean(doc):
    return process(doc, RULES)


def test_a_block_whose_reader_raises_costs_only_that_block(doc, clean, monkeypatch):
    from llmextract.extract import rules

    original = rules.read_block

    def flaky(doc, block):
        if "\t遗属补助\t" in doc.text[block.start : block.end]:
            raise IndexError("list index out of range")
        return original(doc, block)

    monkeypatch.setattr(rules, "read_block", flaky)
    result = process(doc, RULES)
    assert len(result.records) == len(clean.records) - 1
    assert "遗属补助" not in {r.record.name for r in result.records}
    (failure,) = [f for f in result.failures if f.rule_id == BLOCK_FAILED]
    assert "IndexError" in failure.message and failure.locations
    assert failure.locations[0].start <= doc.text.index("\t遗属补助\t") < failure.locations[0].end
    # The document's own checks still ran, with the same results.
    assert [f.rule_id for f in result.findings if f.rule_id.startswith("table.")] == [
        f.rule_id for f in clean.findings if f.rule_id.startswith("table.")
    ]


def test_a_table_the_parser_trips_over_is_left_out_with_a_finding(doc, clean, monkeypatch):
    from llmextract.tables import parse

    original = parse._parse_block
    calls = {"n": 0}

    def flaky(doc, kind, title, lines):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyError("合计")
        return original(doc, kind, title, lines)

    monkeypatch.setattr(parse, "_parse_block", flaky)
    result = process(doc, RULES)
    (failure,) = [f for f in result.failures if f.rule_id == TABLE_PARSE_FAILED]
    assert "KeyError" in failure.message
    assert len(result.records) == len(clean.records)  # the project tables are read as before


def test_a_prose_paragraph_the_parser_trips_over_is_reported(doc, monkeypatch):
    from llmextract.verify import prose

    original = prose._paragraph_claims

    def flaky(text, *context):
        if "项目支出" in text:
            raise ValueError("odd prose")
        return original(text, *context)

    monkeypatch.setattr(prose, "_paragraph_claims", flaky)
    result = process(doc, RULES)
    failures = [f for f in result.failures if f.rule_id == PROSE_PARSE_FAILED]
    assert failures and all("ValueError" in f.message for f in failures)


def test_a_rule_that_raises_is_a_finding_and_its_numbers_are_not_checkable(doc, clean, monkeypatch):
    from llmextract.verify import records

    def broken(record, ledger):
        raise ArithmeticError("division by zero in a rule")

    rules = [(what, rule) for what, rule in records._RULES]
    rules[0] = ("funding", lambda doc, r, led, tables: broken(r, led))
    monkeypatch.setattr(records, "_RULES", tuple(rules))
    result = process(doc, RULES)
    assert len(result.records) == len(clean.records)
    for r in result.records:
        failures = [f for f in r.record.findings if f.rule_id == RULE_FAILED]
        assert len(failures) == 1 and failures[0].record_id == r.record.record_id
        checks = r.record.number_checks
        assert all(RULE_FAILED in c.rules for c in checks.values())


def test_a_document_rule_that_raises_leaves_the_other_rules_running(doc, clean, monkeypatch):
    verify = importlib.import_module("llmextract.verify")  # the package: `llmextract.verify` is the API function

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a cross-table rule on odd content")

    monkeypatch.setattr(verify, "check_cross", broken)
    result = process(doc, RULES)
    (failure,) = [f for f in result.findings if f.rule_id == RULE_FAILED]
    assert "ZeroDivisionError" in failure.message
    assert result.checks.passed > 0
    assert len(result.records) == len(clean.records)


def test_no_command_prints_a_traceback_and_debug_shows_it(tmp_path):
    """An internal error (here: a document path that makes a command fail in an unexpected way) is one line
    with exit code 3; --debug adds the traceback."""
    code = (
        "import sys, llmextract.cli.verify as v\n"
        "def boom(*a, **k): raise RuntimeError('simulated bug')\n"
        "v.process = boom\n"
        "from llmextract.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", code, "verify", str(seed("001"))], capture_output=True, text=True, timeout=120
    )
    assert plain.returncode == 3
    assert "Traceback" not in plain.stderr and "internal error: RuntimeError: simulated bug" in plain.stderr
    debug = subprocess.run(
        [sys.executable, "-c", code, "--debug", "verify", str(seed("001"))], capture_output=True, text=True, timeout=120
    )
    assert debug.returncode == 3 and "Traceback" in debug.stderr
