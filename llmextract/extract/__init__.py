"""Extraction layer: project records from a Document, read by the rules extractor or an LLM.

Extractors are looked up by name in one table, so adding the ``llm`` and ``hybrid`` readings is one entry
each. Every extractor takes the document and the resolved settings (the rules extractor ignores them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from llmextract.core.document import Document
from llmextract.core.errors import ConfigError
from llmextract.core.records import ProjectRecord
from llmextract.extract.rules import extract_rules
from llmextract.settings import Settings

ExtractorName = Literal["rules", "llm", "hybrid"]
Extractor = Callable[[Document, Settings], list[ProjectRecord]]


def _rules(doc: Document, settings: Settings) -> list[ProjectRecord]:
    return extract_rules(doc)


EXTRACTORS: dict[str, Extractor] = {"rules": _rules}


def default_extractor(settings: Settings) -> ExtractorName:
    """hybrid when an LLM endpoint is configured and available, else rules."""
    return "hybrid" if settings.configured and "hybrid" in EXTRACTORS else "rules"


def extract_records(doc: Document, extractor: str = "rules", settings: Settings | None = None) -> list[ProjectRecord]:
    """The project records of ``doc`` read by the named extractor."""
    try:
        run = EXTRACTORS[extractor]
    except KeyError:
        raise ConfigError(
            f"the {extractor!r} extractor is not available here",
            hint=f"use one of: {', '.join(sorted(EXTRACTORS))}",
        ) from None
    return run(doc, settings or Settings())


__all__ = ["EXTRACTORS", "ExtractorName", "default_extractor", "extract_records", "extract_rules"]
