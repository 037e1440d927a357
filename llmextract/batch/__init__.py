"""Batch runs: many documents, resumable, on a local process pool or a Ray cluster."""

from llmextract.batch.engines import Engine, LocalEngine, RayEngine
from llmextract.batch.run import BatchSummary, DocumentEvent, run_batch

__all__ = ["BatchSummary", "DocumentEvent", "Engine", "LocalEngine", "RayEngine", "run_batch"]
