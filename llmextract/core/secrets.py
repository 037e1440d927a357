"""Keeping secrets out of everything llmextract writes.

Endpoints sometimes echo the credentials they were sent ("Incorrect API key provided: Bearer sk-…"). Every
message that comes back from an endpoint goes through :func:`redact` before it can reach an error, a finding,
a record, the store, an export, a log line or the terminal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"

# Bearer tokens, OpenAI-style keys (sk-…, sk-proj-…), and "api_key": "…" / api-key=… pairs.
_PATTERNS = (
    re.compile(r"(?i)(\bbearer\s+)[^\s\"',;]{4,}"),
    re.compile(r"\bsk-[A-Za-z0-9_\-]{4,}"),
    re.compile(r"(?i)(\b(?:api[_-]?key|x-api-key|authorization)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]{4,}"),
)


# Keys in use in this process (the LLM client registers its key), redacted wherever they appear.
_KNOWN: set[str] = set()


def register_secret(secret: str | None) -> None:
    if secret and len(secret) >= 4:
        _KNOWN.add(secret)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every known secret and anything shaped like a key or token replaced by ``[redacted]``."""
    for secret in (*secrets, *_KNOWN):
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.lastindex else "") + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record (libraries log what endpoints answered, keys included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
