"""Run store: one SQLite file per run holding documents, records, findings, usage and review decisions."""

from llmextract.store.run_store import (
    DocumentRow,
    ReviewDecision,
    RunStore,
    RunStoreError,
    StoredRecord,
    Usage,
    record_id,
)

__all__ = ["DocumentRow", "ReviewDecision", "RunStore", "RunStoreError", "StoredRecord", "Usage", "record_id"]
