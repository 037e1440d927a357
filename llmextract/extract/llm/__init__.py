"""The LLM extractor: schema-constrained calls per region of a document (openai client + instructor).

:class:`LLMReader` is the ``llm`` / ``hybrid`` extractor of the pipeline (one shared client, cache and
concurrency limit for a whole run); :class:`LLMExtractor` reads a document's regions; :func:`combine` pairs the
rules and the LLM records of a document and :func:`merge_hybrid` merges one pair. Importing this package loads
openai and instructor: the pipeline does so only when an LLM extractor runs.
"""

from llmextract.extract.llm.extractors import LLMReader
from llmextract.extract.llm.hybrid import merge_hybrid
from llmextract.extract.llm.pairing import combine, pair_records
from llmextract.extract.llm.runner import ChunkResult, LLMExtractor, LLMReading, read_document, read_document_sync

__all__ = [
    "ChunkResult",
    "LLMExtractor",
    "LLMReader",
    "LLMReading",
    "combine",
    "merge_hybrid",
    "pair_records",
    "read_document",
    "read_document_sync",
]
