"""Run store: one SQLite file per run holding documents, records, findings, usage and review decisions."""

from llmextract.store.run_store import (
    DocumentRow,
    QueueFilter,
    QueueRow,
    RecordStatus,
    ReviewAction,
    ReviewDecision,
    RunStore,
    RunStoreError,
    StoredRecord,
    record_key,
)

__all__ = [
    "DocumentRow",
    "QueueFilter",
    "QueueRow",
    "RecordStatus",
    "ReviewAction",
    "ReviewDecision",
    "RunStore",
    "RunStoreError",
    "StoredRecord",
    "record_key",
]
