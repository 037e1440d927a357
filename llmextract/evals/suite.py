"""Eval suites: documents, their gold annotations and the extractor settings, read from YAML.

::

    name: seeds-rules
    extractor: rules            # rules | llm | hybrid | auto
    model: null                 # LLM runs: overrides LLMEXTRACT_MODEL
    mode: null                  # tools | json | json_schema | md_json; overrides LLMEXTRACT_MODE
    review_threshold: 0.8
    mutations: {count: 40, seed: 7}
    gold_dir: ../gold           # <gold_dir>/<document file name>.gold.json is its default gold
    documents:
      - path: ../../tests/fixtures/seeds/000_853eedb28f35c8b1.txt
      - path: ../../tests/fixtures/pdf/2026年烟台市商务局部门预算.pdf
        gold: ../gold/yantai.gold.json
        require_gold: true      # skipped (and reported as skipped) until its gold exists

Paths are relative to the suite file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from llmextract.core.errors import LLMExtractError
from llmextract.score import DEFAULT_THRESHOLD

EXTRACTORS = ("auto", "rules", "llm", "hybrid")
_KEYS = {"name", "description", "extractor", "model", "mode", "review_threshold", "mutations", "gold_dir", "documents"}


class SuiteError(LLMExtractError):
    """A suite file that cannot be read or is not a valid suite. Bad input: exit code 2."""


@dataclass(frozen=True)
class SuiteDocument:
    path: Path
    gold: Path | None
    require_gold: bool = False


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    documents: tuple[SuiteDocument, ...]
    extractor: str = "rules"
    model: str | None = None
    mode: str | None = None
    review_threshold: float = DEFAULT_THRESHOLD
    mutation_count: int = 0
    mutation_seed: int = 0
    description: str = ""

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "file": str(self.path),
            "extractor": self.extractor,
            "model": self.model,
            "mode": self.mode,
            "review_threshold": self.review_threshold,
            "mutations": {"count": self.mutation_count, "seed": self.mutation_seed},
        }


def load_suite(path: str | Path) -> Suite:
    """Read and check a suite file; a SuiteError names the problem and the fix."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise SuiteError(f"cannot read the suite: {e.strerror}", hint="pass a suite YAML file", path=str(path)) from e
    except yaml.YAMLError as e:
        raise SuiteError(f"invalid YAML: {e}".splitlines()[0], path=str(path)) from e
    if not isinstance(data, dict):
        raise SuiteError("a suite is a YAML mapping", hint="see evals/suites/seeds-rules.yaml", path=str(path))
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SuiteError(
            f"unknown keys: {', '.join(unknown)}", hint=f"allowed: {', '.join(sorted(_KEYS))}", path=str(path)
        )
    extractor = data.get("extractor", "rules")
    if extractor not in EXTRACTORS:
        raise SuiteError(f"unknown extractor {extractor!r}", hint=f"use one of {', '.join(EXTRACTORS)}", path=str(path))
    threshold = data.get("review_threshold", DEFAULT_THRESHOLD)
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise SuiteError("review_threshold must be a number between 0 and 1", path=str(path))
    mutations = data.get("mutations") or {}
    count, seed = mutations.get("count", 0), mutations.get("seed", 0)
    if not isinstance(count, int) or not isinstance(seed, int) or count < 0:
        raise SuiteError("mutations needs integer count (≥ 0) and seed", path=str(path))
    base = path.parent
    gold_dir = base / data["gold_dir"] if data.get("gold_dir") else None
    docs = tuple(_document(entry, base, gold_dir, path) for entry in data.get("documents") or [])
    if not docs:
        raise SuiteError("the suite lists no documents", hint="add a documents: list of {path: …}", path=str(path))
    return Suite(
        name=str(data.get("name") or path.stem),
        path=path,
        documents=docs,
        extractor=extractor,
        model=data.get("model"),
        mode=data.get("mode"),
        review_threshold=float(threshold),
        mutation_count=count,
        mutation_seed=seed,
        description=str(data.get("description") or ""),
    )


def _document(entry: Any, base: Path, gold_dir: Path | None, suite: Path) -> SuiteDocument:
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict) or "path" not in entry:
        raise SuiteError(f"a document entry needs a path, got {entry!r}", path=str(suite))
    doc = base / entry["path"]
    if not doc.is_file():
        raise SuiteError(
            f"document not found: {entry['path']}", hint="paths are relative to the suite file", path=str(suite)
        )
    if entry.get("gold"):
        gold: Path | None = base / entry["gold"]
    elif gold_dir is not None:
        gold = gold_dir / f"{doc.name}.gold.json"
    else:
        gold = None
    return SuiteDocument(doc, gold, bool(entry.get("require_gold", False)))
