"""The run store: a directory with ``run.sqlite`` and ``sources/`` (copies of the input files).

:meth:`RunStore.save` is the one writer of results: each document's result is saved in a single transaction
keyed by (document, settings fingerprint), so a document is stored exactly once however often it is retried,
and a rerun with other settings adds rows beside the old ones instead of overwriting them. A record a reviewer
has decided on is never replaced by a rerun. Each document is shown (queue, exports) with its latest saved
settings. Readers (review UI, exports) open the same file; WAL mode lets them read while a run is writing.
"""

from __future__ import annotations

import hashlib
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

from llmextract.core.catalogue import LLM_FAILED
from llmextract.core.errors import LLMExtractError
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import Usage
from llmextract.pipeline import Config, DocumentResult

DB_NAME = "run.sqlite"
SOURCES = "sources"
# Parsed documents (llmextract.ingest.ParseCache): a rerun with other settings, and review, load instead of parse.
PARSE_CACHE = "parse-cache"
SCHEMA_VERSION = 2

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
    extractor: str | None
    status: str
    error_type: str | None
    error: str | None
    finished_at: str


@dataclass(frozen=True, slots=True)
class StoredRecord:
    key: str  # the store's id of the record: settings and record id
    record_id: str
    doc_id: str
    settings_hash: str
    name: str
    confidence: float | None
    needs_review: bool
    status: RecordStatus
    record: ProjectRecord
    original: ProjectRecord


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A record as a queue lists it, without parsing its JSON."""

    key: str
    doc_id: str
    name: str
    confidence: float | None
    needs_review: bool
    status: RecordStatus
    source: str
    position: int


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which current records a queue shows (None: no condition)."""

    doc_id: str | None = None
    rule_id: str | None = None
    severity: str | None = None
    needs_review: bool | None = None
    status: RecordStatus | None = None


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    record_key: str
    field: str
    action: ReviewAction
    reviewer: str
    old_value: Any = None
    new_value: Any = None
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def record_key(settings_hash: str, record_id: str) -> str:
    return f"{settings_hash[:8]}-{record_id}"


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
        if self.dir.exists() and not self.dir.is_dir():
            raise RunStoreError(
                "the run directory is a file", hint="choose another --out directory", path=str(self.dir)
            )
        (self.dir / SOURCES).mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(db, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.row_factory = sqlite3.Row
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise RunStoreError(
                f"run.sqlite cannot be read: {exc}", hint="use a new run directory", path=str(db)
            ) from None
        if version not in (0, SCHEMA_VERSION):
            self._db.close()
            raise RunStoreError(
                f"this run was written by another version of llmextract (store schema {version}; this version "
                f"reads schema {SCHEMA_VERSION})",
                hint="write the run into a new --out directory (or use the llmextract version that wrote it)",
                path=str(self.dir),
            )
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

    def save(self, result: DocumentResult, config: Config, *, source: Path | None = None) -> None:
        """Store one document's result under ``config``'s fingerprint, in one transaction. The source file
        (``source``, default the document's own path) is copied into the run for review; it must be the file
        the document was read from. Records a reviewer has decided on are kept as they are."""
        doc = result.doc
        fingerprint = config.fingerprint()
        stored_as = self._copy_source(doc.doc_id, doc.kind, Path(source or doc.source))
        with self._transaction() as db:
            self._settings(db, fingerprint, config)
            reviewed = {
                r["record_key"]
                for r in db.execute(
                    "SELECT record_key FROM records WHERE doc_id = ? AND settings_hash = ? AND status != 'pending'",
                    (doc.doc_id, fingerprint),
                )
            }
            self._forget(db, doc.doc_id, fingerprint, keep=reviewed)
            db.execute(
                "INSERT INTO documents (doc_id, settings_hash, seq, source, stored_as, kind, pages, extractor, status, "
                "text, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'done', ?, ?)",
                (
                    doc.doc_id,
                    fingerprint,
                    self._next_seq(db),
                    doc.source,
                    stored_as,
                    doc.kind,
                    len(doc.pages),
                    result.extractor,
                    doc.text,
                    _now(),
                ),
            )
            for r in result.records:
                key = record_key(fingerprint, r.record.record_id)
                if key in reviewed:
                    continue
                body = r.record.model_dump_json()
                db.execute(
                    "INSERT INTO records (record_key, record_id, doc_id, settings_hash, name, position, confidence, "
                    "needs_review, json, original_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        r.record.record_id,
                        doc.doc_id,
                        fingerprint,
                        r.record.name,
                        r.record.location.start,
                        r.confidence,
                        int(r.needs_review),
                        body,
                        body,
                    ),
                )
                self._insert_findings(db, doc.doc_id, fingerprint, key, r.record.findings)
            self._insert_findings(db, doc.doc_id, fingerprint, None, result.findings)
            u = result.usage
            db.execute(
                "INSERT INTO usage (doc_id, settings_hash, requests, cached, prompt_tokens, completion_tokens, cost) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.doc_id,
                    fingerprint,
                    u.requests,
                    u.cached,
                    u.prompt_tokens,
                    u.completion_tokens,
                    None if u.cost is None else str(u.cost),
                ),
            )

    def save_failure(self, doc_id: str, config: Config, source: str, error: BaseException) -> None:
        """Store that a document could not be processed (its earlier results under other settings stay)."""
        fingerprint = config.fingerprint()
        with self._transaction() as db:
            self._settings(db, fingerprint, config)
            self._forget(db, doc_id, fingerprint, keep=set())
            db.execute(
                "INSERT INTO documents (doc_id, settings_hash, seq, source, status, error_type, error, finished_at) "
                "VALUES (?, ?, ?, ?, 'failed', ?, ?, ?)",
                (doc_id, fingerprint, self._next_seq(db), source, type(error).__name__, str(error), _now()),
            )

    def apply_review(
        self,
        key: str,
        decisions: Iterable[ReviewDecision],
        record: ProjectRecord,
        confidence: float | None,
        needs_review: bool,
        status: RecordStatus,
    ) -> StoredRecord:
        """A review decision, in one transaction: the decisions, the re-verified record and its findings."""
        with self._transaction() as db:
            row = db.execute("SELECT doc_id, settings_hash FROM records WHERE record_key = ?", (key,)).fetchone()
            if row is None:
                raise RunStoreError(f"no record {key!r} in this run", path=str(self.dir))
            db.executemany(
                "INSERT INTO reviews (record_key, field, action, old_value, new_value, reviewer, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        key,
                        d.field,
                        d.action,
                        json.dumps(d.old_value, ensure_ascii=False, default=str),
                        json.dumps(d.new_value, ensure_ascii=False, default=str),
                        d.reviewer,
                        d.at,
                    )
                    for d in decisions
                ],
            )
            db.execute(
                "UPDATE records SET json = ?, confidence = ?, needs_review = ?, status = ?, name = ? "
                "WHERE record_key = ?",
                (record.model_dump_json(), confidence, int(needs_review), status, record.name, key),
            )
            db.execute("DELETE FROM findings WHERE record_key = ?", (key,))
            self._insert_findings(db, row["doc_id"], row["settings_hash"], key, record.findings)
        stored = self.record(key)
        assert stored is not None  # it was just updated
        return stored

    # -- reading ------------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        """Every document row (all settings), in save order."""
        rows = self._db.execute(
            "SELECT doc_id, settings_hash, source, stored_as, kind, pages, extractor, status, error_type, error, "
            "finished_at FROM documents ORDER BY seq"
        ).fetchall()
        return [DocumentRow(**dict(r)) for r in rows]

    def document_text(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM documents WHERE doc_id = ? AND text IS NOT NULL", (doc_id,)).fetchone()
        return row["text"] if row else None

    @property
    def parse_cache_dir(self) -> Path:
        return self.dir / PARSE_CACHE

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

    def queue(self, where: QueueFilter = QueueFilter()) -> list[QueueRow]:
        """Current records matching ``where``, lowest confidence first (unscored last); no JSON is parsed."""
        sql, args = _queue_sql(where)
        return [
            QueueRow(
                r["record_key"],
                r["doc_id"],
                r["name"],
                r["confidence"],
                bool(r["needs_review"]),
                r["status"],
                r["source"],
                r["position"],
            )
            for r in self._db.execute(sql, args)
        ]

    def neighbours(self, key: str, where: QueueFilter = QueueFilter()) -> tuple[str | None, str | None, int, int]:
        """(previous key, next key, 1-based position, queue length) of ``key`` in the queue ``where``."""
        sql, args = _queue_sql(where, keys_only=True)
        keys = [r[0] for r in self._db.execute(sql, args)]
        try:
            i = keys.index(key)
        except ValueError:
            return (None, keys[0] if keys else None, 0, len(keys))
        return (keys[i - 1] if i > 0 else None, keys[i + 1] if i + 1 < len(keys) else None, i + 1, len(keys))

    def records(self, where: QueueFilter = QueueFilter()) -> list[StoredRecord]:
        """Current records matching ``where``, in queue order, parsed."""
        return [r for r in (self.record(q.key) for q in self.queue(where)) if r is not None]

    def record(self, key: str) -> StoredRecord | None:
        row = self._db.execute("SELECT * FROM records WHERE record_key = ?", (key,)).fetchone()
        return _stored(row) if row else None

    def findings(self, *, doc_id: str | None = None, record_key: str | None = None) -> list[Finding]:
        """Findings of the documents' current settings (or of one record, whatever its settings)."""
        if record_key is not None:
            rows = self._db.execute("SELECT json FROM findings WHERE record_key = ? ORDER BY id", (record_key,))
            return [Finding.model_validate_json(r["json"]) for r in rows]
        sql = f"SELECT f.json FROM findings f JOIN ({_CURRENT}) c USING (doc_id, settings_hash)"
        args: list[Any] = []
        if doc_id:
            sql += " WHERE f.doc_id = ?"
            args.append(doc_id)
        return [Finding.model_validate_json(r["json"]) for r in self._db.execute(sql + " ORDER BY f.id", args)]

    def iter_records_in_order(self) -> Iterator[tuple[str, StoredRecord]]:
        """``(source, record)`` for every current record, by source path then position: a stable export order
        that does not depend on when each document finished. Streams from the database."""
        rows = self._db.execute(
            f"SELECT r.*, c.source FROM records r JOIN ({_CURRENT}) c USING (doc_id, settings_hash) "
            "ORDER BY c.source, r.position, r.record_id"
        )
        for row in rows:
            yield row["source"] or "", _stored(row)

    def iter_findings_in_order(self) -> Iterator[tuple[str, str, str | None, Finding]]:
        """``(source, doc_id, record_key, finding)`` of the current settings, by source, position, rule."""
        rows = self._db.execute(
            f"SELECT f.doc_id, f.record_key, f.json, c.source FROM findings f JOIN ({_CURRENT}) c "
            "USING (doc_id, settings_hash) ORDER BY c.source, f.position, f.rule_id, f.id"
        )
        for row in rows:
            yield row["source"] or "", row["doc_id"], row["record_key"], Finding.model_validate_json(row["json"])

    def rule_ids(self) -> list[str]:
        """The rules with findings under the documents' current settings (no JSON is parsed)."""
        rows = self._db.execute(
            f"SELECT DISTINCT f.rule_id FROM findings f JOIN ({_CURRENT}) c USING (doc_id, settings_hash) "
            "ORDER BY f.rule_id"
        )
        return [r[0] for r in rows]

    def reviews(self, key: str | None = None) -> list[ReviewDecision]:
        sql, args = "SELECT * FROM reviews", []
        if key:
            sql += " WHERE record_key = ?"
            args.append(key)
        return [
            ReviewDecision(
                record_key=r["record_key"],
                field=r["field"],
                action=r["action"],
                reviewer=r["reviewer"],
                old_value=json.loads(r["old_value"]) if r["old_value"] is not None else None,
                new_value=json.loads(r["new_value"]) if r["new_value"] is not None else None,
                at=r["at"],
            )
            for r in self._db.execute(sql + " ORDER BY id", args)
        ]

    def usage_totals(self) -> Usage:
        """LLM usage of every save in the run (all settings: what the run cost)."""
        out = Usage()
        for r in self._db.execute("SELECT * FROM usage"):
            cost = Decimal(r["cost"]) if r["cost"] is not None else None
            out = out + Usage(r["requests"], r["prompt_tokens"], r["completion_tokens"], cost, r["cached"])
        return out

    def document_counts(self, doc_id: str, settings_hash: str) -> dict[str, int]:
        """What a saved document holds (records, records to review, findings by severity, LLM failures): what a
        resumed run counts for a document it skips."""
        records = self._db.execute(
            "SELECT COUNT(*) AS records, COALESCE(SUM(needs_review), 0) AS needs_review FROM records "
            "WHERE doc_id = ? AND settings_hash = ?",
            (doc_id, settings_hash),
        ).fetchone()
        findings = self._db.execute(
            "SELECT COALESCE(SUM(severity = 'error'), 0) AS errors, COALESCE(SUM(severity = 'warning'), 0) "
            "AS warnings, COALESCE(SUM(rule_id = ?), 0) AS llm_failures FROM findings "
            "WHERE doc_id = ? AND settings_hash = ?",
            (LLM_FAILED, doc_id, settings_hash),
        ).fetchone()
        return {**dict(records), **dict(findings)}

    # -- internals ----------------------------------------------------------------------------------------

    def _settings(self, db: sqlite3.Connection, fingerprint: str, config: Config) -> None:
        """The settings behind each fingerprint, and the last ones used (what `review` re-verifies with)."""
        described = {**config.describe(), "fingerprint": fingerprint}
        db.execute(
            "INSERT OR REPLACE INTO run (key, value) VALUES (?, ?)", (f"settings:{fingerprint}", json.dumps(described))
        )
        db.execute("INSERT OR REPLACE INTO run (key, value) VALUES ('config', ?)", (json.dumps(described),))

    @staticmethod
    def _next_seq(db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM documents").fetchone()[0])

    @staticmethod
    def _forget(db: sqlite3.Connection, doc_id: str, settings_hash: str, *, keep: set[str]) -> None:
        """Remove what an earlier save of (document, settings) left, except the reviewed records ``keep``."""
        db.execute("DELETE FROM documents WHERE doc_id = ? AND settings_hash = ?", (doc_id, settings_hash))
        db.execute("DELETE FROM usage WHERE doc_id = ? AND settings_hash = ?", (doc_id, settings_hash))
        kept = sorted(keep)
        marks = ",".join("?" * len(kept))
        not_kept = f" AND record_key NOT IN ({marks})" if kept else ""
        db.execute(
            "DELETE FROM records WHERE doc_id = ? AND settings_hash = ?" + not_kept, (doc_id, settings_hash, *kept)
        )
        db.execute(
            "DELETE FROM findings WHERE doc_id = ? AND settings_hash = ? AND (record_key IS NULL"
            + (f" OR record_key NOT IN ({marks}))" if kept else " OR 1)"),
            (doc_id, settings_hash, *kept),
        )

    @staticmethod
    def _insert_findings(
        db: sqlite3.Connection, doc_id: str, settings_hash: str, key: str | None, findings: Iterable[Finding]
    ) -> None:
        db.executemany(
            "INSERT INTO findings (doc_id, settings_hash, record_key, position, rule_id, severity, json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id,
                    settings_hash,
                    key,
                    f.locations[0].start if f.locations else -1,
                    f.rule_id,
                    f.severity,
                    f.model_dump_json(),
                )
                for f in findings
            ],
        )

    def _copy_source(self, doc_id: str, kind: str, path: Path) -> str | None:
        """Copy the source into ``sources/`` (once per document) after checking it is the document's file."""
        suffix = ".pdf" if kind == "pdf" else path.suffix.lower() or ".txt"
        name = f"{doc_id}{suffix}"
        target = self.dir / SOURCES / name
        if target.exists():
            return name
        try:
            data = path.read_bytes()
        except OSError:
            return None  # the review UI then says the source is missing; the results are still saved
        if hashlib.sha256(data).hexdigest() != doc_id:
            raise RunStoreError(
                "the source file changed while it was being processed", hint="run it again", path=str(path)
            )
        # Write then rename: a crash never leaves a half-copied source behind.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        return name


# Each document's current settings (its latest done save), with one source path per document.
_CURRENT = "SELECT doc_id, settings_hash, source FROM current_documents"


def _queue_sql(where: QueueFilter, *, keys_only: bool = False) -> tuple[str, list[Any]]:
    columns = (
        "r.record_key"
        if keys_only
        else "r.record_key, r.doc_id, r.name, r.confidence, r.needs_review, r.status, r.position, c.source"
    )
    sql = f"SELECT {columns} FROM records r JOIN ({_CURRENT}) c USING (doc_id, settings_hash) WHERE 1 = 1"
    args: list[Any] = []
    if where.doc_id:
        sql += " AND r.doc_id = ?"
        args.append(where.doc_id)
    if where.needs_review is not None:
        sql += " AND r.needs_review = ?"
        args.append(int(where.needs_review))
    if where.status:
        sql += " AND r.status = ?"
        args.append(where.status)
    if where.rule_id or where.severity:
        sql += " AND EXISTS (SELECT 1 FROM findings f WHERE f.record_key = r.record_key"
        if where.rule_id:
            sql += " AND f.rule_id = ?"
            args.append(where.rule_id)
        if where.severity:
            sql += " AND f.severity = ?"
            args.append(where.severity)
        sql += ")"
    sql += " ORDER BY r.confidence IS NULL, r.confidence, c.source, r.position, r.record_key"
    return sql, args


def _stored(row: sqlite3.Row) -> StoredRecord:
    return StoredRecord(
        key=row["record_key"],
        record_id=row["record_id"],
        doc_id=row["doc_id"],
        settings_hash=row["settings_hash"],
        name=row["name"],
        confidence=row["confidence"],
        needs_review=bool(row["needs_review"]),
        status=row["status"],
        record=ProjectRecord.model_validate_json(row["json"]),
        original=ProjectRecord.model_validate_json(row["original_json"]),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
