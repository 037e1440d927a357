"""The LLM extractor: one schema-constrained call per project block (openai client + instructor).

Public entry points: :func:`read_with` (async, one shared :class:`LLMExtractor` for a whole run: what the
pipeline uses), :func:`read_document`, :func:`extract_llm` and :func:`extract_hybrid` (document and settings
in, records out); :func:`extract_blocks_llm` (async) and :func:`extract_blocks_llm_sync` for given blocks;
:func:`merge_hybrid` (rules + LLM).
"""

from llmextract.extract.llm.extractors import (
    BlockReading,
    DocumentReading,
    extract_hybrid,
    extract_llm,
    read_document,
    read_with,
)
from llmextract.extract.llm.hybrid import FieldAgreement, HybridResult, merge_hybrid
from llmextract.extract.llm.runner import (
    LLMExtractor,
    LLMResult,
    document_usage,
    extract_blocks_llm,
    extract_blocks_llm_sync,
)
from llmextract.extract.llm.usage import Usage, total

__all__ = [
    "BlockReading",
    "DocumentReading",
    "FieldAgreement",
    "HybridResult",
    "LLMExtractor",
    "LLMResult",
    "Usage",
    "document_usage",
    "extract_blocks_llm",
    "extract_blocks_llm_sync",
    "extract_hybrid",
    "extract_llm",
    "merge_hybrid",
    "read_document",
    "read_with",
    "total",
]
