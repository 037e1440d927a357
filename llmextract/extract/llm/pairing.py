"""Pairing the rules reader's records with the LLM's, project by project, and the hybrid reading of a document.

The two readers find projects independently (the rules reader in the forms it recognises, the LLM in its
regions), so their records are paired by what they say: the name (normalised), the funds (年度资金总额) and
where they are printed. Each candidate pair is scored — name similarity, plus one when the funds agree and a
half less when both printed funds differ, plus one when the two records cover the same text, plus three when
both located the name at the same place — and pairs are taken best first, one to one. Same-named projects of
different units and funds (a 日常保障运行 per unit) thus pair with their own reading, and a reading that differs
in one number still pairs with its project by name and place (and then shows the difference), even when the
wrong number is its neighbour's. A blank name pairs by place only.

Every paired project is merged (:func:`~.hybrid.merge_hybrid`); a project only one reader has is kept with
"one reader" evidence (:func:`~.hybrid.one_reader`): the rules record as ``rules``, the LLM's as ``llm:<model>``.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from llmextract.core.alignment import normalise
from llmextract.core.locations import Location
from llmextract.core.records import ProjectRecord
from llmextract.extract.llm.hybrid import merge_hybrid, one_reader

_MIN_NAME = 0.8  # name similarity that pairs on its own
_MIN_NAME_IN_PLACE = 0.5  # … and when the two records cover the same text
_MIN_SCORE = 0.8
# Both readers located the name at the same printed place: the strongest evidence there is, above any funds
# agreement (a one-row-per-project table prints the neighbour's amount a line away).
_SAME_NAME_PLACE = 3.0


def pair_records(
    rules: list[ProjectRecord], llm: list[ProjectRecord]
) -> list[tuple[ProjectRecord | None, ProjectRecord | None]]:
    """(rules, llm) pairs one to one, then each unpaired record with None, in document order."""
    candidates: list[tuple[float, int, int, int]] = []
    for i, r in enumerate(rules):
        for j, m in enumerate(llm):
            score = _score(r, m)
            if score is not None:
                distance = abs(r.location.start - m.location.start)
                candidates.append((score, distance, i, j))
    paired: list[tuple[ProjectRecord | None, ProjectRecord | None]] = []
    used_r: set[int] = set()
    used_m: set[int] = set()
    for *_, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2], c[3])):
        if i not in used_r and j not in used_m:
            used_r.add(i)
            used_m.add(j)
            paired.append((rules[i], llm[j]))
    paired += [(r, None) for i, r in enumerate(rules) if i not in used_r]
    paired += [(None, m) for j, m in enumerate(llm) if j not in used_m]
    return sorted(paired, key=lambda p: _start(p))


def combine(rules: list[ProjectRecord], llm: list[ProjectRecord], *, model: str) -> list[ProjectRecord]:
    """The hybrid records of a document: pairs merged, single readings kept as one reader's."""
    out: list[ProjectRecord] = []
    for r, m in pair_records(rules, llm):
        if r is not None and m is not None:
            out.append(merge_hybrid(r, m, model=model))
        elif r is not None:
            out.append(one_reader(r, "rules_only"))
        elif m is not None:
            out.append(one_reader(m, "llm_only"))
    return out


def _score(rules: ProjectRecord, llm: ProjectRecord) -> float | None:
    a, b = normalise(rules.name), normalise(llm.name)
    overlap = _overlap(rules.location, llm.location)
    similarity = (1.0 if a == b else SequenceMatcher(None, a, b).ratio()) if a and b else 0.0
    if not (similarity >= _MIN_NAME or (overlap and (similarity >= _MIN_NAME_IN_PLACE or not b))):
        return None
    x, y = rules.funding.annual_total, llm.funding.annual_total
    funds = 0.0 if x is None or y is None else (1.0 if x == y else -0.5)
    named_here = _overlap(rules.field_locations.get("name"), llm.field_locations.get("name"))
    score = similarity + funds + (1.0 if overlap else 0.0) + (_SAME_NAME_PLACE if named_here else 0.0)
    return score if score >= _MIN_SCORE else None


def _overlap(a: Location | None, b: Location | None) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end


def _start(pair: tuple[ProjectRecord | None, ProjectRecord | None]) -> int:
    record = pair[0] if pair[0] is not None else pair[1]
    return record.location.start if record is not None else 0
