"""Extraction layer: project records from a Document, read by the rules extractor or an LLM.

The rules extractor (:func:`extract_rules`) is deterministic; the LLM extractor lives in
:mod:`llmextract.extract.llm`. Which one reads a document, and how the readings are combined, is decided by
:class:`llmextract.pipeline.Config`.
"""

from llmextract.extract.rules import extract_rules

__all__ = ["extract_rules"]
