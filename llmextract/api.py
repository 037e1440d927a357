"""The two calls most users need: ``extract`` a file's records, ``verify`` a file (what ``llmextract verify``
prints). Both are :func:`llmextract.pipeline.process` on a loaded document."""

from __future__ import annotations

from pathlib import Path

from llmextract.core.document import Document
from llmextract.ingest import load_document
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.settings import ExtractorKind


def extract(source: str | Path | Document, config: Config | None = None) -> DocumentResult:
    """Extract, ground, verify and score the project records of one disclosure."""
    config = config or Config()
    doc = source if isinstance(source, Document) else load_document(source, page_workers=config.page_workers)
    return process(doc, config)


def verify(source: str | Path | Document) -> DocumentResult:
    """Every check of one disclosure, as ``llmextract verify`` runs them: the document's tables and prose, and
    the records the rules extractor reads (``result.all_findings``; ``result.checks`` counts them)."""
    return extract(source, Config(extractor=ExtractorKind.rules))
