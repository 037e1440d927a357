"""A persistent response cache (SQLite): a rerun over the same blocks makes no HTTP call.

The key is sha256 over the model, mode, prompt version and text, response-schema hash and block text; the value
is the validated reply. Nothing else is stored: no API key, no headers, no base URL.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from llmextract.core.errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    reply TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created TEXT NOT NULL DEFAULT (datetime('now'))
)
"""


def cache_key(*, model: str, mode: str, prompt_version: str, prompt_sha256: str, schema_sha256: str, block: str) -> str:
    parts = [model, mode, prompt_version, prompt_sha256, schema_sha256, block]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


class ResponseCache:
    """Thread-safe; one connection per cache, used from the event loop's thread."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot open the LLM response cache {path}: {exc}",
                hint="set cache_path in the config file to a writable location, or run with --no-cache",
            ) from None
        self._lock = threading.Lock()
        self.path = path

    def get(self, key: str) -> tuple[str, int, int] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT reply, prompt_tokens, completion_tokens FROM replies WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else (row[0], int(row[1]), int(row[2]))

    def put(
        self, key: str, *, model: str, prompt_version: str, reply: str, prompt_tokens: int, completion_tokens: int
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO replies (key, model, prompt_version, reply, prompt_tokens, completion_tokens)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key, model, prompt_version, reply, prompt_tokens, completion_tokens),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
