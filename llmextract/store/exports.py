"""Exports of a run, regenerated from its store: JSONL for machines, Parquet (and CSV) for analysts.

Rows are ordered by source path and position in the document, never by completion order, so a run that was
interrupted and resumed exports exactly what an uninterrupted run does. Every file is written to a temporary
name and renamed into place: a crash leaves the previous export, never half a file.

Query the Parquet files with DuckDB, e.g.::

    duckdb -c "SELECT name, annual_total, confidence FROM 'OUT/projects.parquet' ORDER BY confidence"
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from llmextract.core.findings import Finding
from llmextract.store.run_store import RunStore, StoredRecord

_UMASK = os.umask(0)
os.umask(_UMASK)


def export_run(store: RunStore, out: Path, *, csv_too: bool = False) -> list[Path]:
    """Write all exports of ``store`` into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    sources = {d.doc_id: d.source for d in store.documents()}
    records = sorted(store.records(), key=lambda r: (sources.get(r.doc_id, ""), r.record.location.start))
    findings = _finding_rows(store, sources)
    written = [
        _write_text(out / "records.jsonl", _jsonl(_record_json(r, sources) for r in records)),
        _write_text(out / "findings.jsonl", _jsonl(findings)),
        _write_text(out / "errors.jsonl", _jsonl(_error_rows(store))),
    ]
    tables = {
        "projects": _project_rows(records, sources),
        "indicators": _indicator_rows(records, sources),
        "findings": [_flat_finding(f) for f in findings],
    }
    for name, rows in tables.items():
        written.append(_write_bytes(out / f"{name}.parquet", _parquet(rows, _SCHEMAS[name])))
        if csv_too:
            written.append(_write_text(out / f"{name}.csv", _csv(rows, [n for n, _ in _SCHEMAS[name]])))
    return written


# -- rows -----------------------------------------------------------------------------------------------


def _record_json(r: StoredRecord, sources: dict[str, str]) -> dict[str, Any]:
    data = r.record.model_dump(mode="json")
    data["record_id"] = r.record_id
    data["source"] = sources.get(r.doc_id)
    data["needs_review"] = r.needs_review
    data["review_status"] = r.status
    return data


def _finding_rows(store: RunStore, sources: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for doc_id, record_id, finding in store.finding_rows():
        data = finding.model_dump(mode="json")
        data.update(doc_id=doc_id, source=sources.get(doc_id), record_id=record_id)
        rows.append(data)
    rows.sort(key=lambda r: (r["source"] or "", _first_start(r), r["rule_id"], r["message"]))
    return rows


def _first_start(row: dict[str, Any]) -> int:
    return row["locations"][0]["start"] if row["locations"] else -1


def _error_rows(store: RunStore) -> list[dict[str, Any]]:
    return [
        {"source": d.source, "doc_id": d.doc_id, "error_type": d.error_type, "error": d.error}
        for d in sorted(store.documents(), key=lambda d: d.source)
        if d.status == "failed"
    ]


def _project_rows(records: list[StoredRecord], sources: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        rec = r.record
        rows.append(
            {
                "record_id": r.record_id,
                "doc_id": r.doc_id,
                "source": sources.get(r.doc_id),
                "page": rec.location.page,
                "kind": rec.kind,
                "name": rec.name,
                "department": rec.department,
                "department_code": rec.department_code,
                "implementing_unit": rec.implementing_unit,
                "attribute": rec.attribute,
                "period": rec.period,
                "funding_unit": rec.funding.unit,
                "period_total": rec.funding.period_total,
                "annual_total": rec.funding.annual_total,
                "overview": rec.overview,
                "basis": rec.basis,
                "citations": "；".join(filter(None, (c.doc_number or c.title for c in rec.basis_citations))),
                "indicators": len(rec.indicators),
                "extractor": rec.extractor,
                "confidence": r.confidence,
                "needs_review": r.needs_review,
                "review_status": r.status,
                "errors": sum(f.severity == "error" for f in rec.findings),
                "warnings": sum(f.severity == "warning" for f in rec.findings),
            }
        )
    return rows


def _indicator_rows(records: list[StoredRecord], sources: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        for i, ind in enumerate(r.record.indicators):
            rows.append(
                {
                    "record_id": r.record_id,
                    "doc_id": r.doc_id,
                    "source": sources.get(r.doc_id),
                    "project": r.record.name,
                    "position": i,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "name": ind.name,
                    "value_raw": ind.value_raw,
                    "comparator": ind.comparator,
                    "value": ind.value,
                    "unit": ind.unit,
                    "column": ind.column,
                    "page": ind.location.page if ind.location else None,
                }
            )
    return rows


def _flat_finding(row: dict[str, Any]) -> dict[str, Any]:
    first = row["locations"][0] if row["locations"] else {}
    return {
        "doc_id": row["doc_id"],
        "source": row["source"],
        "record_id": row["record_id"],
        "rule_id": row["rule_id"],
        "severity": row["severity"],
        "message": row["message"],
        "expected": row["expected"],
        "actual": row["actual"],
        "page": first.get("page"),
        "start": first.get("start"),
        "end": first.get("end"),
    }


# -- formats --------------------------------------------------------------------------------------------

_STR, _INT, _DEC, _FLOAT, _BOOL = "string", "int64", "decimal", "float64", "bool"
_SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "projects": [
        ("record_id", _STR), ("doc_id", _STR), ("source", _STR), ("page", _INT), ("kind", _STR), ("name", _STR),
        ("department", _STR), ("department_code", _STR), ("implementing_unit", _STR), ("attribute", _STR),
        ("period", _STR), ("funding_unit", _STR), ("period_total", _DEC), ("annual_total", _DEC),
        ("overview", _STR), ("basis", _STR), ("citations", _STR), ("indicators", _INT), ("extractor", _STR),
        ("confidence", _FLOAT), ("needs_review", _BOOL), ("review_status", _STR), ("errors", _INT),
        ("warnings", _INT),
    ],
    "indicators": [
        ("record_id", _STR), ("doc_id", _STR), ("source", _STR), ("project", _STR), ("position", _INT),
        ("level1", _STR), ("level2", _STR), ("name", _STR), ("value_raw", _STR), ("comparator", _STR),
        ("value", _DEC), ("unit", _STR), ("column", _STR), ("page", _INT),
    ],
    "findings": [
        ("doc_id", _STR), ("source", _STR), ("record_id", _STR), ("rule_id", _STR), ("severity", _STR),
        ("message", _STR), ("expected", _STR), ("actual", _STR), ("page", _INT), ("start", _INT), ("end", _INT),
    ],
}  # fmt: skip


def _parquet(rows: list[dict[str, Any]], schema: list[tuple[str, str]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Money stays exact: decimal128 with enough scale for 元 amounts printed to the fen and 万元 to 6 places.
    types: dict[str, Callable[[], Any]] = {
        _STR: pa.string,
        _INT: pa.int64,
        _DEC: lambda: pa.decimal128(24, 6),
        _FLOAT: pa.float64,
        _BOOL: pa.bool_,
    }
    arrow_schema = pa.schema([(name, types[kind]()) for name, kind in schema])
    columns = {name: [row.get(name) for row in rows] for name, _ in schema}
    table = pa.Table.from_pydict(columns, schema=arrow_schema)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _csv(rows: list[dict[str, Any]], names: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def _jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, default=_json_default) + "\n" for r in rows)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Finding):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _write_text(path: Path, text: str) -> Path:
    return _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; exports are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
