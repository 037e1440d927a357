"""llmextract: Chinese budget-disclosure PDFs to typed, source-grounded, verified records.

Python API::

    from llmextract import Config, extract, load_document, verify

    result = extract("预算.pdf", Config(extractor="rules"))   # records, verified and scored
    report = verify("预算.pdf")                               # the document's own checks
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

# The subpackages ``llmextract.extract`` and ``llmextract.verify`` share their names with the API functions
# below. The imports here load both packages first, so the functions, bound afterwards, are what the names
# ``llmextract.extract`` and ``llmextract.verify`` refer to; the packages stay importable by dotted name.
from llmextract.core.document import Document
from llmextract.core.errors import LLMExtractError
from llmextract.core.locations import Location
from llmextract.core.records import Indicator, ProjectRecord
from llmextract.ingest import load_document
from llmextract.pipeline import Config, DocumentResult, process
from llmextract.verify import VerificationReport
from llmextract.verify import verify as verify_document


def extract(path: str | Path, config: Config | None = None) -> DocumentResult:
    """Extract, ground, verify and score the project records of one disclosure."""
    return process(path, config)


def verify(source: str | Path | Document) -> VerificationReport:
    """The document verifier's report (tables, cross-table relations, prose claims) for a path or Document."""
    doc = source if isinstance(source, Document) else load_document(source)
    return verify_document(doc)


__all__ = [
    "Config",
    "Document",
    "DocumentResult",
    "Indicator",
    "LLMExtractError",
    "Location",
    "ProjectRecord",
    "VerificationReport",
    "__version__",
    "extract",
    "load_document",
    "verify",
]
