"""Which files a run processes: every supported file under the input directory, in a stable order."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from llmextract.ingest.files import SUPPORTED_SUFFIXES


@dataclass
class Found:
    """The files under a directory: to process, of other types, and links that lead out of the directory."""

    supported: list[Path] = field(default_factory=list)
    unsupported: list[Path] = field(default_factory=list)
    outside: list[Path] = field(default_factory=list)


def discover(root: Path, *, exclude: Path | None = None) -> Found:
    """The files under ``root``, sorted; hidden entries and ``exclude`` skipped.

    A run reads only what is inside ``root``: a symbolic link (to a file or a directory) that resolves to a
    place outside it is never followed, only listed in ``outside``; a link within it is read like its target.
    """
    found = Found()
    top = root.resolve()
    skip = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            target = (here / d).resolve()
            if d.startswith(".") or target == skip:
                continue
            if (here / d).is_symlink():  # os.walk does not descend into it; say so when it leads out
                if not target.is_relative_to(top):
                    found.outside.append(here / d)
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                found.outside.append(path)
            elif path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.supported.append(path)
            else:
                found.unsupported.append(path)
    found.supported.sort()
    found.unsupported.sort()
    found.outside.sort()
    return found
