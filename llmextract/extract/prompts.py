"""Versioned prompt templates, loaded from ``prompts/`` in a checkout or ``llmextract/_data/prompts`` in a wheel."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from llmextract.core.errors import ConfigError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
# A wheel force-includes prompts/ as llmextract/_data/prompts; a checkout (editable install) has it at the root.
_SEARCH_PATH = (_PACKAGE_DIR / "_data" / "prompts", _PACKAGE_DIR.parent / "prompts")

DEFAULT_PROMPT = "extract_region/v1"


@dataclass(frozen=True, slots=True)
class Prompt:
    version: str
    system: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.system.encode("utf-8")).hexdigest()


def prompts_dir() -> Path:
    for candidate in _SEARCH_PATH:
        if candidate.is_dir():
            return candidate
    raise ConfigError(
        "prompt templates not found",
        hint=f"reinstall llmextract; looked in {', '.join(str(p) for p in _SEARCH_PATH)}",
    )


@cache
def load_prompt(version: str = DEFAULT_PROMPT) -> Prompt:
    """The template ``<task>/<version>`` (for example ``extract_project/v1``)."""
    path = prompts_dir() / f"{version}.md"
    if not path.is_file():
        root = prompts_dir()
        available = sorted(str(p.relative_to(root).with_suffix("")) for p in root.glob("*/*.md"))
        raise ConfigError(f"unknown prompt version {version!r}", hint=f"available: {', '.join(available)}")
    return Prompt(version=version, system=path.read_text(encoding="utf-8").strip())
