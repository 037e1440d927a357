"""The one extractor protocol: a reader turns a Document into project records (rules, llm or hybrid).

Every extractor is asynchronous so the LLM ones can share one client, cache and concurrency limit across the
documents of a run; the rules extractor does its CPU-bound work in a thread. A reader never raises on odd
content: what it could not read comes back as failure findings in :class:`Reading`, the rest as records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.core.records import ProjectRecord
from llmextract.core.usage import Usage
from llmextract.settings import ExtractorKind


@dataclass
class Reading:
    """What an extractor read in one document."""

    records: list[ProjectRecord] = field(default_factory=list)
    # Parts it could not read (``extract.block-failed``, ``llm.failed``): document-level findings.
    failures: list[Finding] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


class Extractor(Protocol):
    kind: ExtractorKind

    @property
    def label(self) -> str:
        """What records say they were read by: ``rules``, ``llm:<model>``, ``hybrid:<model>``."""
        ...

    async def read(self, doc: Document) -> Reading: ...

    async def aclose(self) -> None: ...
