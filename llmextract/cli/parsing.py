"""How single commands read a file: through the user's parse cache unless ``--no-cache`` says otherwise."""

from __future__ import annotations

from pathlib import Path

from llmextract.core.document import Document
from llmextract.ingest import ParseCache, load_document
from llmextract.settings import parse_cache_dir

NO_CACHE_HELP = "Parse the file again instead of loading the document parsed before from the parse cache."


def user_cache(no_cache: bool) -> ParseCache | None:
    """The user's parse cache, or None under ``--no-cache``."""
    return None if no_cache else ParseCache(parse_cache_dir())


def read_document(file: Path, *, workers: int | None, cache: ParseCache | None) -> Document:
    """``file``'s Document; PDFs parsed before (same bytes, same reader version) come from ``cache``."""
    return load_document(file, page_workers=workers, cache=cache)
