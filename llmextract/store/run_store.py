"""The run store: a directory with ``run.sqlite`` and ``sources/`` (copies of the input files).

One writer (the process that drives the run) saves each document's results in a single transaction that first
removes whatever an interrupted attempt left for the same (document, settings): a document is stored exactly
once however often it is retried. Readers (review UI, exports) open the same file; WAL mode lets them read
while a run is writing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from llmextract.core.document import Document
from llmextract.core.errors import LLMExtractError
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord

DB_NAME = "run.sqlite"
SOURCES = "sources"

ReviewAction = Literal["accept", "edit", "reject"]
RecordStatus = Literal["pending", "accepted", "edited", "rejected"]


class RunStoreError(LLMExtractError):
    """The run directory is missing, is not a run, or was written by an incompatible version."""


@dataclass(frozen=True, slots=True)
class DocumentRow:
    doc_id: str
    settings_hash: str
    source: str
    stored_as: str | None
    kind: str | None
    pages: int | None
    status: str
    error_type: str | None
    error: str | None
    finished_at: str


@dataclass(frozen=True, slots=True)
class StoredRecord:
    record_id: str
    doc_id: str
    name: str
    confidence: float | None
    needs_review: bool
    status: RecordStatus
    record: ProjectRecord
    original: ProjectRecord


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    record_id: str
    field: str
    action: ReviewAction
    reviewer: str
    old_value: Any = None
    new_value: Any = None
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


@dataclass(frozen=True, slots=True)
class Usage:
    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal(0)


def record_id(record: ProjectRecord) -> str:
    """Stable id of a record: its document and the offset of its block."""
    return f"{record.doc_id[:16]}:{record.location.start}"


class RunStore:
    def __init__(self, run_dir: str | Path, *, create: bool = True) -> None:
        self.dir = Path(run_dir)
        db = self.dir / DB_NAME
        if not create and not db.is_file():
            raise RunStoreError(
                "not a run directory (no run.sqlite)",
                hint="pass the --out directory of `llmextract run` or `llmextract extract`",
                path=str(self.dir),
            )
        (self.dir / SOURCES).mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(resources.files("llmextract.store").joinpath("schema.sql").read_text("utf-8"))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- run metadata -------------------------------------------------------------------------------------

    def set_meta(self, key: str, value: Any) -> None:
        self._db.execute("INSERT OR REPLACE INTO run (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def meta(self, key: str, default: Any = None) -> Any:
        row = self._db.execute("SELECT value FROM run WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row else default

    # -- writing results ----------------------------------------------------------------------------------

    def is_done(self, doc_id: str, settings_hash: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM documents WHERE doc_id = ? AND settings_hash = ? AND status = 'done'",
            (doc_id, settings_hash),
        ).fetchone()
        return row is not None

    def save_document(
        self,
        doc: Document,
        settings_hash: str,
        records: Iterable[tuple[ProjectRecord, float | None, bool]],
        findings: Iterable[Finding],
        usage: Usage | None = None,
        source_bytes: bytes | None = None,
    ) -> None:
        """Store one document's results: records as (record, confidence, needs_review), document findings."""
        stored_as = self._copy_source(doc, source_bytes) if source_bytes is not None else None
        with self._transaction() as db:
            self._forget(db, doc.doc_id, settings_hash)
            db.execute(
                "INSERT INTO documents (doc_id, settings_hash, source, stored_as, kind, pages, status, text, "
                "finished_at) VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?)",
                (doc.doc_id, settings_hash, doc.source, stored_as, doc.kind, len(doc.pages), doc.text, _now()),
            )
            for record, confidence, needs_review in records:
                rid = record_id(record)
                body = record.model_dump_json()
                db.execute(
                    "INSERT OR REPLACE INTO records (record_id, doc_id, settings_hash, name, position, confidence, "
                    "needs_review, json, original_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        rid,
                        doc.doc_id,
                        settings_hash,
                        record.name,
                        record.location.start,
                        confidence,
                        int(needs_review),
                        body,
                        body,
                    ),
                )
                self._insert_findings(db, doc.doc_id, settings_hash, rid, record.findings)
            self._insert_findings(db, doc.doc_id, settings_hash, None, findings)
            u = usage or Usage()
            db.execute(
                "INSERT INTO usage (doc_id, settings_hash, calls, cached_calls, prompt_tokens, completion_tokens, "
                "cost) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.doc_id, settings_hash, u.calls, u.cached_calls, u.prompt_tokens, u.completion_tokens, str(u.cost)),
            )

    def save_failure(self, doc_id: str, settings_hash: str, source: str, error: BaseException) -> None:
        with self._transaction() as db:
            self._forget(db, doc_id, settings_hash)
            db.execute(
                "INSERT INTO documents (doc_id, settings_hash, source, status, error_type, error, finished_at) "
                "VALUES (?, ?, ?, 'failed', ?, ?, ?)",
                (doc_id, settings_hash, source, type(error).__name__, str(error), _now()),
            )

    def update_record(
        self, rid: str, record: ProjectRecord, confidence: float | None, needs_review: bool, status: RecordStatus
    ) -> None:
        """Replace a record after review (its findings are the re-verified ones it carries)."""
        with self._transaction() as db:
            row = db.execute("SELECT doc_id, settings_hash FROM records WHERE record_id = ?", (rid,)).fetchone()
            if row is None:
                raise RunStoreError(f"no record {rid!r} in this run", path=str(self.dir))
            db.execute(
                "UPDATE records SET json = ?, confidence = ?, needs_review = ?, status = ?, name = ? "
                "WHERE record_id = ?",
                (record.model_dump_json(), confidence, int(needs_review), status, record.name, rid),
            )
            db.execute("DELETE FROM findings WHERE record_id = ?", (rid,))
            self._insert_findings(db, row["doc_id"], row["settings_hash"], rid, record.findings)

    def add_review(self, decision: ReviewDecision) -> None:
        self._db.execute(
            "INSERT INTO reviews (record_id, field, action, old_value, new_value, reviewer, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                decision.record_id,
                decision.field,
                decision.action,
                json.dumps(decision.old_value, ensure_ascii=False, default=str),
                json.dumps(decision.new_value, ensure_ascii=False, default=str),
                decision.reviewer,
                decision.at,
            ),
        )

    # -- reading ------------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        rows = self._db.execute(
            "SELECT doc_id, settings_hash, source, stored_as, kind, pages, status, error_type, error, finished_at "
            "FROM documents ORDER BY finished_at, source"
        ).fetchall()
        return [DocumentRow(**dict(r)) for r in rows]

    def document_text(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM documents WHERE doc_id = ? AND text IS NOT NULL", (doc_id,)).fetchone()
        return row["text"] if row else None

    def source_file(self, doc_id: str) -> Path | None:
        """The stored copy of a document's source, guaranteed to be inside the run directory."""
        row = self._db.execute(
            "SELECT stored_as FROM documents WHERE doc_id = ? AND stored_as IS NOT NULL", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        sources = (self.dir / SOURCES).resolve()
        path = (sources / row["stored_as"]).resolve()
        return path if path.parent == sources and path.is_file() else None

    def records(
        self, *, doc_id: str | None = None, rule_id: str | None = None, severity: str | None = None
    ) -> list[StoredRecord]:
        """Records, lowest confidence first (unscored last), optionally filtered by document or finding."""
        sql = "SELECT * FROM records r WHERE 1 = 1"
        args: list[Any] = []
        if doc_id:
            sql += " AND r.doc_id = ?"
            args.append(doc_id)
        if rule_id or severity:
            sql += " AND EXISTS (SELECT 1 FROM findings f WHERE f.record_id = r.record_id"
            if rule_id:
                sql += " AND f.rule_id = ?"
                args.append(rule_id)
            if severity:
                sql += " AND f.severity = ?"
                args.append(severity)
            sql += ")"
        sql += " ORDER BY r.confidence IS NULL, r.confidence, r.record_id"
        return [_stored(r) for r in self._db.execute(sql, args).fetchall()]

    def record(self, rid: str) -> StoredRecord | None:
        row = self._db.execute("SELECT * FROM records WHERE record_id = ?", (rid,)).fetchone()
        return _stored(row) if row else None

    def findings(self, *, doc_id: str | None = None, record_id: str | None = None) -> list[Finding]:
        sql, args = "SELECT json FROM findings WHERE 1 = 1", []
        if doc_id:
            sql += " AND doc_id = ?"
            args.append(doc_id)
        if record_id:
            sql += " AND record_id = ?"
            args.append(record_id)
        return [Finding.model_validate_json(r["json"]) for r in self._db.execute(sql + " ORDER BY id", args)]

    def iter_records_in_order(self) -> Iterator[tuple[str, StoredRecord]]:
        """``(source, record)`` for every record, by source path then position: a stable export order that
        does not depend on when each document finished. Streams from the database."""
        rows = self._db.execute(
            f"SELECT r.*, s.source FROM records r LEFT JOIN ({_SOURCES}) s USING (doc_id) "
            "ORDER BY s.source, r.position, r.record_id"
        )
        for row in rows:
            yield row["source"] or "", _stored(row)

    def iter_findings_in_order(self) -> Iterator[tuple[str, str, str | None, Finding]]:
        """``(source, doc_id, record_id, finding)`` by source path, position, rule; streamed."""
        rows = self._db.execute(
            f"SELECT f.doc_id, f.record_id, f.json, s.source FROM findings f LEFT JOIN ({_SOURCES}) s "
            "USING (doc_id) ORDER BY s.source, f.position, f.rule_id, f.id"
        )
        for row in rows:
            yield row["source"] or "", row["doc_id"], row["record_id"], Finding.model_validate_json(row["json"])

    def reviews(self, rid: str | None = None) -> list[ReviewDecision]:
        sql, args = "SELECT * FROM reviews", []
        if rid:
            sql += " WHERE record_id = ?"
            args.append(rid)
        out = []
        for r in self._db.execute(sql + " ORDER BY id", args):
            out.append(
                ReviewDecision(
                    record_id=r["record_id"],
                    field=r["field"],
                    action=r["action"],
                    reviewer=r["reviewer"],
                    old_value=json.loads(r["old_value"]) if r["old_value"] is not None else None,
                    new_value=json.loads(r["new_value"]) if r["new_value"] is not None else None,
                    at=r["at"],
                )
            )
        return out

    def usage_totals(self) -> Usage:
        row = self._db.execute(
            "SELECT COALESCE(SUM(calls), 0) c, COALESCE(SUM(cached_calls), 0) cc, COALESCE(SUM(prompt_tokens), 0) p, "
            "COALESCE(SUM(completion_tokens), 0) t FROM usage"
        ).fetchone()
        cost = sum((Decimal(r["cost"]) for r in self._db.execute("SELECT cost FROM usage")), Decimal(0))
        return Usage(row["c"], row["cc"], row["p"], row["t"], cost)

    # -- internals ----------------------------------------------------------------------------------------

    @staticmethod
    def _forget(db: sqlite3.Connection, doc_id: str, settings_hash: str) -> None:
        for table in ("documents", "records", "findings", "usage"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ? AND settings_hash = ?", (doc_id, settings_hash))

    @staticmethod
    def _insert_findings(
        db: sqlite3.Connection, doc_id: str, settings_hash: str, rid: str | None, findings: Iterable[Finding]
    ) -> None:
        db.executemany(
            "INSERT INTO findings (doc_id, settings_hash, record_id, position, rule_id, severity, json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id,
                    settings_hash,
                    rid,
                    f.locations[0].start if f.locations else -1,
                    f.rule_id,
                    f.severity,
                    f.model_dump_json(),
                )
                for f in findings
            ],
        )

    def _copy_source(self, doc: Document, data: bytes) -> str:
        suffix = ".pdf" if doc.kind == "pdf" else Path(doc.source).suffix.lower() or ".txt"
        name = f"{doc.doc_id}{suffix}"
        target = self.dir / SOURCES / name
        if not target.exists():
            # Write then rename: a crash never leaves a half-copied source behind.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        return name


# One source path per document (the same file may sit at two paths; the first in sort order names it).
_SOURCES = "SELECT doc_id, MIN(source) AS source FROM documents GROUP BY doc_id"


def _stored(row: sqlite3.Row) -> StoredRecord:
    return StoredRecord(
        record_id=row["record_id"],
        doc_id=row["doc_id"],
        name=row["name"],
        confidence=row["confidence"],
        needs_review=bool(row["needs_review"]),
        status=row["status"],
        record=ProjectRecord.model_validate_json(row["json"]),
        original=ProjectRecord.model_validate_json(row["original_json"]),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
