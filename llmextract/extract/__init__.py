"""Extraction layer: project records from a Document, read by the rules extractor or an LLM.

Every extractor follows one protocol (:class:`~llmextract.extract.base.Extractor`) and is chosen from one enum
(:class:`~llmextract.settings.ExtractorKind`) by :func:`make_extractor`. The rules extractor is deterministic;
the LLM extractors live in :mod:`llmextract.extract.llm`, which is imported only when one is made, so commands
that never call a model never load openai or instructor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmextract.extract.base import Extractor, Reading
from llmextract.extract.prompts import DEFAULT_PROMPT
from llmextract.extract.rules import RulesExtractor, extract_rules, read_rules
from llmextract.settings import ExtractorKind, Settings

if TYPE_CHECKING:
    import httpx


def make_extractor(
    kind: ExtractorKind,
    settings: Settings,
    *,
    prompt_version: str = DEFAULT_PROMPT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Extractor:
    """The extractor for a resolved kind (``auto`` is resolved by the pipeline's Config)."""
    if kind is ExtractorKind.rules:
        return RulesExtractor()
    if kind not in (ExtractorKind.llm, ExtractorKind.hybrid):
        raise ValueError(f"unresolved extractor kind {kind!r}")
    from llmextract.extract.llm import LLMReader  # the LLM stack loads only here

    return LLMReader(settings, hybrid=kind is ExtractorKind.hybrid, prompt_version=prompt_version, transport=transport)


__all__ = ["Extractor", "ExtractorKind", "Reading", "RulesExtractor", "extract_rules", "make_extractor", "read_rules"]
