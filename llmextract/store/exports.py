"""Exports of a run, regenerated from its store: JSONL for machines, Parquet, CSV and Excel for analysts.

Rows are ordered by source path and position in the document, never by completion order, so a run that was
interrupted and resumed exports exactly what an uninterrupted run does. Every file is written to a temporary
name and renamed into place: a crash leaves the previous export, never half a file.

CSV files start with a UTF-8 byte order mark, which is how Excel knows they are UTF-8 (without it, it opens
Chinese text as mojibake). ``run.xlsx`` holds the same three tables, one sheet each (projects, indicators,
findings); amounts are numbers, text is always text (a value starting with ``=`` is never a formula).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from llmextract.store.run_store import RunStore, StoredRecord

JSONL_NAMES = ("records.jsonl", "findings.jsonl", "errors.jsonl")
_UMASK = os.umask(0)
os.umask(_UMASK)


XLSX_NAME = "run.xlsx"


def export_run(store: RunStore, out: Path, *, csv_too: bool = False, xlsx_too: bool = False) -> list[Path]:
    """Write all exports of ``store`` into ``out``; returns the paths written.

    Rows stream from the database to the files (Parquet in row groups, Excel sheets through openpyxl's
    write-only workbook), so memory does not grow with the run.
    """
    out.mkdir(parents=True, exist_ok=True)
    records_jsonl, findings_jsonl, errors_jsonl = (_JsonlSink(out / n) for n in JSONL_NAMES)
    workbook = _XlsxSink(out / XLSX_NAME) if xlsx_too else None
    tables = {name: _TableSink(out, name, csv_too, workbook) for name in _SCHEMAS}
    sinks: list[_Sink] = [records_jsonl, findings_jsonl, errors_jsonl, *tables.values()]
    if workbook is not None:
        sinks.append(workbook)
    try:
        for source, stored in store.iter_records_in_order():
            records_jsonl.write(_record_json(stored, source))
            tables["projects"].write(_project_row(stored, source))
            for row in _indicator_rows(stored, source):
                tables["indicators"].write(row)
        for source, doc_id, _, finding in store.iter_findings_in_order():
            data = finding.model_dump(mode="json") | {"doc_id": doc_id, "source": source}
            findings_jsonl.write(data)
            tables["findings"].write(_flat_finding(data))
        for row in _error_rows(store):
            errors_jsonl.write(row)
        return [path for sink in sinks for path in sink.commit()]
    finally:
        for sink in sinks:
            sink.discard()


# -- rows -----------------------------------------------------------------------------------------------


def _record_json(r: StoredRecord, source: str) -> dict[str, Any]:
    data = r.record.model_dump(mode="json")
    data["record_id"] = r.record_id
    data["source"] = source
    data["needs_review"] = r.needs_review
    data["review_status"] = r.status
    return data


def _error_rows(store: RunStore) -> list[dict[str, Any]]:
    return [
        {"source": d.source, "doc_id": d.doc_id, "error_type": d.error_type, "error": d.error}
        for d in sorted(store.documents(), key=lambda d: d.source)
        if d.status == "failed"
    ]


def _project_row(r: StoredRecord, source: str) -> dict[str, Any]:
    rec = r.record
    return {
        "record_id": r.record_id,
        "doc_id": r.doc_id,
        "source": source,
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


def _indicator_rows(r: StoredRecord, source: str) -> list[dict[str, Any]]:
    return [
        {
            "record_id": r.record_id,
            "doc_id": r.doc_id,
            "source": source,
            "project": r.record.name,
            "position": i,
            "ordinal": ind.ordinal,
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
        for i, ind in enumerate(r.record.indicators)
    ]


def _flat_finding(row: dict[str, Any]) -> dict[str, Any]:
    first = row["locations"][0] if row["locations"] else {}
    return {
        "doc_id": row["doc_id"],
        "source": row["source"],
        "record_id": row["record_id"],
        "fields": ";".join(row["fields"]),
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
        ("ordinal", _INT), ("level1", _STR), ("level2", _STR), ("name", _STR), ("value_raw", _STR),
        ("comparator", _STR), ("value", _DEC), ("unit", _STR), ("column", _STR), ("page", _INT),
    ],
    "findings": [
        ("doc_id", _STR), ("source", _STR), ("record_id", _STR), ("fields", _STR), ("rule_id", _STR),
        ("severity", _STR), ("message", _STR), ("expected", _STR), ("actual", _STR), ("page", _INT),
        ("start", _INT), ("end", _INT),
    ],
}  # fmt: skip


_ROW_GROUP = 2000


def _arrow_schema(schema: list[tuple[str, str]]) -> Any:
    import pyarrow as pa

    # Money stays exact: decimal128 with enough scale for 元 amounts printed to the fen and 万元 to 6 places.
    types: dict[str, Callable[[], Any]] = {
        _STR: pa.string,
        _INT: pa.int64,
        _DEC: lambda: pa.decimal128(24, 6),
        _FLOAT: pa.float64,
        _BOOL: pa.bool_,
    }
    return pa.schema([(name, types[kind]()) for name, kind in schema])


class _Sink:
    """A file written under a temporary name and renamed into place by ``commit`` (or removed by ``discard``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(fd)
        self.tmp = Path(tmp)

    def close(self) -> None:
        """Finish writing ``tmp`` (subclasses holding an open handle close it)."""

    def commit(self) -> list[Path]:
        self.close()
        with self.tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(self.tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; exports are ordinary files
        os.replace(self.tmp, self.path)
        return [self.path]

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


class _JsonlSink(_Sink):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._fh = self.tmp.open("w", encoding="utf-8")

    def write(self, row: dict[str, Any]) -> None:
        self._fh.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")

    def close(self) -> None:
        self._fh.close()


class _CsvSink(_Sink):
    def __init__(self, path: Path, names: list[str]) -> None:
        super().__init__(path)
        self._fh = self.tmp.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.DictWriter(self._fh, fieldnames=names, extrasaction="ignore")
        self._writer.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow({k: "" if v is None else v for k, v in row.items()})

    def close(self) -> None:
        self._fh.close()


class _XlsxSink(_Sink):
    """One workbook, a sheet per table, written row by row (openpyxl's write-only mode keeps rows on disk)."""

    # Excel refuses a cell longer than this; the full text is in the JSONL and Parquet exports.
    _MAX_CELL = 32_767

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook

        super().__init__(path)
        self._book = Workbook(write_only=True)
        self._sheets: dict[str, Any] = {}

    def sheet(self, name: str, names: list[str]) -> None:
        sheet = self._book.create_sheet(name)
        sheet.freeze_panes = "A2"
        sheet.append(names)
        self._sheets[name] = sheet

    def write(self, name: str, values: list[Any]) -> None:
        sheet = self._sheets[name]
        sheet.append([self._cell(sheet, v) for v in values])

    def _cell(self, sheet: Any, value: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if not isinstance(value, str):
            return value
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(text) > self._MAX_CELL:
            text = text[: self._MAX_CELL - 1] + "…"
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"  # document text is data: "=SUM(…)" stays text, never a formula
        return cell

    def close(self) -> None:
        self._book.save(self.tmp)


class _TableSink:
    """A Parquet table (and optionally its CSV twin and Excel sheet), written in row groups as rows arrive."""

    def __init__(self, out: Path, name: str, csv_too: bool, workbook: _XlsxSink | None = None) -> None:
        import pyarrow.parquet as pq

        self._name = name
        self._names = [n for n, _ in _SCHEMAS[name]]
        self._schema = _arrow_schema(_SCHEMAS[name])
        self._parquet = _Sink(out / f"{name}.parquet")
        self._writer = pq.ParquetWriter(self._parquet.tmp, self._schema)
        self._csv = _CsvSink(out / f"{name}.csv", self._names) if csv_too else None
        self._workbook = workbook
        if workbook is not None:
            workbook.sheet(name, self._names)
        self._rows: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if self._csv is not None:
            self._csv.write(row)
        if self._workbook is not None:
            self._workbook.write(self._name, [row.get(n) for n in self._names])
        if len(self._rows) >= _ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        columns = {name: [row.get(name) for row in self._rows] for name in self._names}
        self._writer.write_table(pa.Table.from_pydict(columns, schema=self._schema))
        self._rows.clear()

    def commit(self) -> list[Path]:
        if self._rows:
            self._flush()
        self._writer.close()
        paths = self._parquet.commit()
        if self._csv is not None:
            paths += self._csv.commit()
        return paths

    def discard(self) -> None:
        self._parquet.discard()
        if self._csv is not None:
            self._csv.discard()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
