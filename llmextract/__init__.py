"""llmextract: Chinese budget-disclosure PDFs to typed, source-grounded, verified records.

Python API::

    from llmextract import Config, extract, load_document, verify

    result = extract("预算.pdf", Config(extractor="rules"))   # records, verified and scored
    checked = verify("预算.pdf")                              # what `llmextract verify` reports

The names are loaded on first use, so ``import llmextract.core.numbers`` (or ``llmextract --help``) does not
pay for the pipeline, and nothing loads the LLM stack until an LLM extractor runs.
"""

from __future__ import annotations

import sys
import types

from llmextract._version import __version__

# typing.TYPE_CHECKING without importing typing (it costs as much as the rest of this module).
TYPE_CHECKING = False

_LAZY = {
    "Config": "llmextract.pipeline",
    "DocumentResult": "llmextract.pipeline",
    "RecordResult": "llmextract.pipeline",
    "process": "llmextract.pipeline",
    "Document": "llmextract.core.document",
    "LLMExtractError": "llmextract.core.errors",
    "Location": "llmextract.core.locations",
    "Indicator": "llmextract.core.records",
    "ProjectRecord": "llmextract.core.records",
    "FieldPath": "llmextract.core.paths",
    "load_document": "llmextract.ingest",
}

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from llmextract.core.document import Document
    from llmextract.core.errors import LLMExtractError
    from llmextract.core.locations import Location
    from llmextract.core.paths import FieldPath
    from llmextract.core.records import Indicator, ProjectRecord
    from llmextract.ingest import load_document
    from llmextract.pipeline import Config, DocumentResult, RecordResult, process


def extract(source: str | Path | Document, config: Config | None = None) -> DocumentResult:
    """Extract, ground, verify and score the project records of one disclosure (see :mod:`llmextract.api`)."""
    from llmextract.api import extract as _extract

    return _extract(source, config)


def verify(source: str | Path | Document) -> DocumentResult:
    """Every check of one disclosure, as ``llmextract verify`` runs them (see :mod:`llmextract.api`)."""
    from llmextract.api import verify as _verify

    return _verify(source)


class _Package(types.ModuleType):
    """The subpackages ``llmextract.extract`` and ``llmextract.verify`` share their names with the API
    functions; importing one must not rebind the name (the subpackage stays importable by dotted name)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("extract", "verify") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmextract' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Config",
    "Document",
    "DocumentResult",
    "FieldPath",
    "Indicator",
    "LLMExtractError",
    "Location",
    "ProjectRecord",
    "RecordResult",
    "__version__",
    "extract",
    "load_document",
    "process",
    "verify",
]
