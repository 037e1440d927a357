"""The records of a region's chunks, assembled: a project seen in two chunks becomes one record.

Chunks of one region are taken in document order. A record is the same project as one already assembled when
its name is printed at the same place (two chunks sharing the lines where it is printed), or, when its name
could not be located, when name and funds agree. A record with no name at the start of a chunk continues the
last project of the chunk before (its name was printed above the cut). Merging keeps every field either chunk
read (the longer text when a cell was seen cut in one of them) and every indicator once: indicators read twice
in the lines the chunks share are the same when column, name, value and place agree. A chunk starting below
a merged level cell cannot see its 一级/二级 text: an indicator left without levels takes those of the one
above it in its column, as a blank level cell means in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmextract.core.alignment import normalise
from llmextract.core.paths import TEXT_FIELDS
from llmextract.core.records import Indicator, ProjectRecord

if TYPE_CHECKING:
    from llmextract.extract.llm.runner import ChunkResult

_TEXT = (*TEXT_FIELDS, "goals.period", "goals.annual")
_FUNDS = ("unit", "period_total", "annual_total")


def assemble(results: Sequence[ChunkResult]) -> list[ProjectRecord]:
    """Records of every chunk, same projects merged, in document order."""
    out: list[ProjectRecord] = []
    by_region: dict[int, list[int]] = {}  # region -> indices into out
    ordered = sorted(results, key=lambda r: (r.chunk.region, r.chunk.start, r.chunk.end))
    for result in ordered:
        mine = by_region.setdefault(result.chunk.region, [])
        for n, record in enumerate(result.records):
            same = _same_project(out, mine, record, first_in_chunk=n == 0)
            if same is None:
                mine.append(len(out))
                out.append(record)
            else:
                out[same] = merge_records(out[same], record)
    return sorted((_levels_carried(r) for r in out), key=lambda r: r.location.start)


def _levels_carried(record: ProjectRecord) -> ProjectRecord:
    above: dict[str, Indicator] = {}
    indicators = []
    changed = False
    for ind in record.indicators:
        prev = above.get(ind.column)
        if prev is not None and ind.level1 is None and ind.level2 is None:
            ind = ind.model_copy(update={"level1": prev.level1, "level2": prev.level2})
            changed = True
        elif prev is not None and ind.level1 is None and ind.level2 is not None:
            ind = ind.model_copy(update={"level1": prev.level1})
            changed = True
        above[ind.column] = ind
        indicators.append(ind)
    return record.model_copy(update={"indicators": indicators}) if changed else record


def _same_project(out: list[ProjectRecord], mine: list[int], record: ProjectRecord, first_in_chunk: bool) -> int | None:
    if not record.name:
        return mine[-1] if first_in_chunk and mine else None
    name_at = record.field_locations.get("name")
    for i in reversed(mine):
        other = out[i]
        other_at = other.field_locations.get("name")
        if name_at is not None and other_at is not None:
            if name_at.start == other_at.start:
                return i
            continue
        if normalise(other.name) == normalise(record.name) and _funds_agree(other, record):
            return i
    return None


def _funds_agree(a: ProjectRecord, b: ProjectRecord) -> bool:
    x, y = a.funding.annual_total, b.funding.annual_total
    return x is None or y is None or x == y


def merge_records(a: ProjectRecord, b: ProjectRecord) -> ProjectRecord:
    """One record of a project read in two chunks (``a`` first)."""
    data = a.model_dump()
    for path in _TEXT:
        mine, theirs = _get(data, path), _get(b.model_dump(), path)
        if theirs and (not mine or len(str(theirs)) > len(str(mine))):
            _set(data, path, theirs)
    for key in _FUNDS:
        if data["funding"][key] is None:
            data["funding"][key] = getattr(b.funding, key)
    if not data["basis_citations"]:
        data["basis_citations"] = [c.model_dump() for c in b.basis_citations]
    data["indicators"] = [i.model_dump(exclude={"ordinal"}) for i in _union(a.indicators, b.indicators, _overlap(a, b))]
    data["field_locations"] = {**b.field_locations, **a.field_locations}
    start = min(a.location.start, b.location.start)
    end = max(a.location.end, b.location.end)
    first = a.location if a.location.start == start else b.location
    data["location"] = first.model_dump() | {"start": start, "end": end}
    data["record_id"] = ""  # given again from the merged location
    data["llm_reasks"] = a.llm_reasks + b.llm_reasks
    return ProjectRecord.model_validate(data)


def _overlap(a: ProjectRecord, b: ProjectRecord) -> tuple[int, int]:
    return max(a.location.start, b.location.start), min(a.location.end, b.location.end)


def _union(first: list[Indicator], second: list[Indicator], overlap: tuple[int, int]) -> list[Indicator]:
    out = list(first)
    for ind in second:
        if not any(_duplicate(ind, other, overlap) for other in first):
            out.append(ind)
    return out


def _duplicate(a: Indicator, b: Indicator, overlap: tuple[int, int]) -> bool:
    if (a.column, normalise(a.name), normalise(a.value_raw)) != (b.column, normalise(b.name), normalise(b.value_raw)):
        return False
    if a.location is None or b.location is None:
        return True
    if a.location.start == b.location.start:
        return True
    lo, hi = overlap
    return lo <= a.location.start < hi and lo <= b.location.start < hi


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data[part]
    data[leaf] = value
