"""llmextract: Chinese budget-disclosure PDFs to typed, source-grounded, verified records."""

from llmextract.core.document import Document
from llmextract.core.errors import LLMExtractError
from llmextract.core.locations import Location
from llmextract.ingest import load_document

__version__ = "0.1.0"

__all__ = ["Document", "LLMExtractError", "Location", "__version__", "load_document"]
