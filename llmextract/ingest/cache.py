"""The parse cache: a file's ``Document`` stored under its content hash and the reader that made it, and beside
it what later stages derive from the document alone (the pipeline keeps its tables, checks and rules reading).

Parsing is the slow part of every command, and the same bytes are parsed again and again: ``verify`` after
``extract``, review's re-verification, evals, every rerun of ``run`` with another setting. The cache key is the
file's SHA-256 (its document id), the PDF reader, and the *reader version*: llmextract's version, a hash of the
ingest code itself and the versions of the PDF libraries — a change to any of them misses the cache instead of
serving a stale reading. The path is not part of the key: a cached Document is returned with the caller's path.

Entries are pickles written atomically (temporary file + rename) under a directory only this user writes: a run
keeps one in ``OUT/parse-cache``, single commands use the user cache
(:func:`llmextract.settings.parse_cache_dir`). An unreadable entry is a miss, and a
cache that cannot be written is skipped with one log line: the cache never fails a command.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import replace
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from llmextract._version import __version__
from llmextract.core.document import Document

log = logging.getLogger(__name__)

T = TypeVar("T")

_FORMAT = 1  # bump when the pickled layout changes in a way the code hash cannot see
_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2")


@cache
def reader_version() -> str:
    """What a cached Document depends on besides the file: llmextract, the ingest code, the PDF libraries."""
    h = hashlib.sha256(f"{_FORMAT}:{__version__}".encode())
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode())
        h.update(source.read_bytes())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-".encode())
    core_document = Path(__file__).parents[1] / "core" / "document.py"
    h.update(core_document.read_bytes())
    return h.hexdigest()[:16]


class ParseCache:
    """Parsed documents under ``root``, one file per (content hash, reader, reader version)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0

    def _entry(self, doc_id: str, name: str) -> Path:
        return self.root / doc_id[:2] / f"{doc_id}.{name}.pickle"

    def get(self, doc_id: str, reader: str, source: str) -> Document | None:
        """The cached Document of these bytes, carrying ``source`` as its path; None on a miss."""
        doc = self.load(doc_id, f"{reader}.{reader_version()}", Document)
        if doc is None:
            return None
        return doc if doc.source == source else replace(doc, source=source)

    def put(self, doc: Document, reader: str) -> None:
        """Store ``doc``; a cache that cannot be written is skipped (logged), never raised."""
        self.store(doc.doc_id, f"{reader}.{reader_version()}", doc)

    def load(self, doc_id: str, name: str, kind: type[T]) -> T | None:
        """The ``kind`` stored for document ``doc_id`` under ``name`` (which must carry its own version); None on
        a miss, an unreadable entry or one of another type or document."""
        entry = self._entry(doc_id, name)
        try:
            with entry.open("rb") as fh:
                value = pickle.load(fh)
        except FileNotFoundError:
            value = None
        except Exception as exc:  # a torn or foreign entry is a miss, never an error
            log.info("parse cache: ignoring unreadable entry %s (%s)", entry, exc)
            value = None
        if not isinstance(value, kind) or (isinstance(value, Document) and value.doc_id != doc_id):
            value = None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def store(self, doc_id: str, name: str, value: object) -> None:
        """Keep ``value`` for document ``doc_id`` under ``name``; skipped (logged) when it cannot be written."""
        entry = self._entry(doc_id, name)
        tmp: str | None = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except Exception as exc:  # a full disk, a read-only cache, an unpicklable value: never the command's end
            log.info("parse cache: not written to %s (%s)", self.root, exc)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


__all__ = ["ParseCache", "reader_version"]
