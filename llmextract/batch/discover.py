"""Which files a run processes: every supported file under the input directory, in a stable order."""

from __future__ import annotations

import os
from pathlib import Path

from llmextract.ingest.files import SUPPORTED_SUFFIXES


def discover(root: Path, *, exclude: Path | None = None) -> tuple[list[Path], list[Path]]:
    """``(supported, unsupported)`` files under ``root``, sorted; hidden entries and ``exclude`` skipped."""
    supported: list[Path] = []
    unsupported: list[Path] = []
    skip = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (skip is None or (here / d).resolve() != skip)
        )
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            (supported if path.suffix.lower() in SUPPORTED_SUFFIXES else unsupported).append(path)
    return sorted(supported), sorted(unsupported)
