"""The judged claims hold (evals/judged, issue 12): on every corpus document with a claim, a claim judged true is
still made, a misreading judged fixed does not come back, and every claim the verifier makes is judged.

Held-out documents run too, but their failures name only rules and counts: whoever tunes the verifier must not
read their claims. A judge (who tunes nothing) reads them with ``python benchmarks/judged.py --show-heldout``.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pytest

from llmextract.evals.judged import Comparison, JudgedDocument, compare, load_judged
from llmextract.ingest import ParseCache, load_document
from llmextract.pipeline import Config, process
from llmextract.settings import ExtractorKind, parse_cache_dir

ROOT = Path(__file__).resolve().parents[2]
JUDGED = {path.name: doc for path, doc in load_judged(ROOT / "evals" / "judged").items() if doc.fixture}
# Read at collection, before the session fixture points LLMEXTRACT_PARSE_CACHE at a fresh directory: a cache the
# caller names (LLMEXTRACT_PARSE_CACHE=… pytest) makes reruns load these documents instead of parsing them.
_CALLER_CACHE = os.environ.get("LLMEXTRACT_PARSE_CACHE")

pytestmark = pytest.mark.slow


def _verify(judged: JudgedDocument) -> Comparison:
    path = ROOT / judged.fixture
    assert hashlib.sha256(path.read_bytes()).hexdigest() == judged.doc_sha256, f"{path} is not the judged file"
    cache = ParseCache(_CALLER_CACHE or parse_cache_dir())
    result = process(load_document(path, cache=cache), Config(extractor=ExtractorKind.rules))
    return compare(judged, result.all_findings)


def _lines(what: str, keys: list[str], held_out: bool) -> list[str]:
    if not keys:
        return []
    if held_out:  # rules and counts only
        rules = Counter(k.split("|")[0] for k in keys)
        return [f"{what}: " + ", ".join(f"{rule} ×{n}" for rule, n in sorted(rules.items()))]
    return [f"{what}:", *(f"  {k}" for k in keys)]


@pytest.mark.parametrize("name", sorted(JUDGED))
def test_judged_claims_hold(name):
    judged = JUDGED[name]
    c = _verify(judged)
    held_out = judged.split == "held_out"
    problems = [
        *_lines("judged true, no longer claimed (a lost real error)", c.true_missing, held_out),
        *_lines("judged false and fixed, claimed again (a misreading came back)", c.false_back, held_out),
        *_lines("not judged: judge these (read the page, add them to the file)", c.unjudged, held_out),
        *_lines(
            "judged false and no longer claimed: close them with `python benchmarks/judged.py --close-fixed`",
            c.false_fixed,
            held_out,
        ),
    ]
    header = f"evals/judged/{name} ({judged.split}; keys are rule|pages|numbers, evals/judged/README.md)"
    if problems:
        pytest.fail("\n".join([header, *problems]), pytrace=False)
