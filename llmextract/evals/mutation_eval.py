"""Run the verifier on mutated copies of a document: is each corruption detected, and is it located?

Detected: the mutated document has an error or warning finding that the original does not have (compared by
rule, message, expected and actual, so a finding that only moved with the text is not new). Located: one of the
new findings has a location overlapping a mutated span.

This is the one eval that calls the document verifier directly instead of the whole pipeline: it measures the
verifier's own detection, and verifying each of hundreds of mutated copies through the extractors too would
multiply its time by four for checks it does not score.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.evals.docedit import edit_document, moved_span
from llmextract.evals.mutations import Mutation, draw_mutations, find_targets
from llmextract.tables import parse_tables
from llmextract.verify import verify


@dataclass(frozen=True, slots=True)
class MutationOutcome:
    mutation: Mutation
    detected: bool
    located: bool
    rules: tuple[str, ...]  # rule ids of the new findings


def _key(f: Finding) -> tuple[str, str, str | None, str | None]:
    return (f.rule_id, f.message, f.expected, f.actual)


def _counted(findings: list[Finding]) -> Counter[tuple[str, str, str | None, str | None]]:
    return Counter(_key(f) for f in findings if f.severity in ("error", "warning"))


def run_mutations(doc: Document, n: int, seed: int) -> list[MutationOutcome]:
    """Draw ``n`` mutations of ``doc`` and verify each mutated copy."""
    tables = parse_tables(doc)
    before = _counted(verify(doc, tables=tables).findings)
    outcomes = []
    for mutation in draw_mutations(find_targets(doc, tables), n, seed):
        edits = list(mutation.edits)
        mutated = edit_document(doc, edits)
        report = verify(mutated)
        remaining = before.copy()
        new: list[Finding] = []
        for f in report.findings:
            if f.severity not in ("error", "warning"):
                continue
            if remaining[_key(f)] > 0:
                remaining[_key(f)] -= 1
            else:
                new.append(f)
        spans = [moved_span(edits, e.start, e.end) for e in edits]
        located = any(loc.start < end and start < loc.end for f in new for loc in f.locations for start, end in spans)
        outcomes.append(MutationOutcome(mutation, bool(new), located, tuple(sorted({f.rule_id for f in new}))))
    return outcomes
