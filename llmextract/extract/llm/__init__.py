"""The LLM extractor: schema-constrained calls per project block (openai client + instructor).

:class:`LLMReader` is the ``llm`` / ``hybrid`` extractor of the pipeline (one shared client, cache and
concurrency limit for a whole run); :class:`LLMExtractor` reads given blocks; :func:`merge_hybrid` merges the
rules and the LLM reading of one project. Importing this package loads openai and instructor: the pipeline
does so only when an LLM extractor runs.
"""

from llmextract.extract.llm.extractors import LLMReader
from llmextract.extract.llm.hybrid import merge_hybrid
from llmextract.extract.llm.runner import LLMExtractor, LLMResult, extract_blocks_llm, extract_blocks_llm_sync

__all__ = ["LLMExtractor", "LLMReader", "LLMResult", "extract_blocks_llm", "extract_blocks_llm_sync", "merge_hybrid"]
