"""Eval suites: documents, their gold annotations and the extractor settings, read from YAML.

::

    name: seeds-rules
    extractor: rules            # rules | llm | hybrid | auto
    model: null                 # LLM runs: overrides LLMEXTRACT_MODEL
    mode: null                  # tools | json | json_schema | md_json; overrides LLMEXTRACT_MODE
    review_threshold: 0.8
    mutations: {count: 40, seed: 7}
    gold_dir: ../gold           # <gold_dir>/<document file name>.gold.json is its default gold
    llm: {max_reasks: 0}        # LLM settings (base_url, concurrency, max_reasks, …); never api_key
    cassette:                   # optional: replay the LLM calls from a vcrpy cassette (needs vcrpy)
      path: ../cassettes/seed001-llm.yaml
      record_mode: none         # none (replay only) | once | new_episodes | all; --record-mode overrides
    oracle:                     # optional, instead of an endpoint: the oracle test server (a test double that
      faults: 0.3               # answers from the gold); share of transport faults in a second run,
      plant: true               # a run with one wrong number per record (hybrid), seed of the faults,
      seed: 1                   # and how long a "slow" fault waits (0: none)
      slow: 2.5
    documents:
      - path: ../../tests/fixtures/seeds/000_853eedb28f35c8b1.txt
      - path: ../../tests/fixtures/pdf/2026年烟台市商务局部门预算.pdf
        gold: ../gold/yantai.gold.json
        require_gold: true      # skipped (and reported as skipped) until its gold exists

Paths are relative to the suite file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from llmextract.core.errors import LLMExtractError
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.settings import MODES, ExtractorKind

EXTRACTORS = tuple(k.value for k in ExtractorKind)
_KEYS = {
    "name",
    "description",
    "extractor",
    "model",
    "mode",
    "llm",
    "cassette",
    "review_threshold",
    "mutations",
    "gold_dir",
    "documents",
    "oracle",
}
ORACLE_KEYS = {"faults", "plant", "seed", "slow"}
# LLM settings a suite may pin (model and mode have their own keys). Never the key, and the response cache is
# the runner's business: a suite measures the model, not the cache.
LLM_KEYS = {
    "base_url",
    "concurrency",
    "max_reasks",
    "max_retries",
    "timeout",
    "backoff_cap",
    "max_tokens",
    "temperature",
}
RECORD_MODES = ("none", "once", "new_episodes", "all")


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
    llm: dict[str, Any] = field(default_factory=dict)
    cassette: Path | None = None
    record_mode: str = "none"
    oracle: dict[str, Any] | None = None

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
            "llm": dict(self.llm),
            "cassette": None
            if self.cassette is None
            else {"file": str(self.cassette), "record_mode": self.record_mode},
            "oracle": self.oracle,
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
    llm = data.get("llm") or {}
    if not isinstance(llm, dict) or set(llm) - LLM_KEYS:
        bad = sorted(set(llm) - LLM_KEYS) if isinstance(llm, dict) else [repr(llm)]
        raise SuiteError(
            f"invalid llm settings: {', '.join(bad)}", hint=f"allowed: {', '.join(sorted(LLM_KEYS))}", path=str(path)
        )
    wrong = sorted(k for k, v in llm.items() if not isinstance(v, str if k == "base_url" else int | float))
    if wrong or any(isinstance(v, bool) for v in llm.values()):
        raise SuiteError(
            f"llm settings of the wrong type: {', '.join(wrong or sorted(llm))}",
            hint="base_url is a string, the others are numbers",
            path=str(path),
        )
    cassette, record_mode = _cassette(data.get("cassette"), base, path)
    oracle = _oracle(data.get("oracle"), extractor, cassette, path)
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
        llm=dict(llm),
        cassette=cassette,
        record_mode=record_mode,
        oracle=oracle,
    )


def with_overrides(suite: Suite, *, extractor: str | None = None, mode: str | None = None) -> Suite:
    """The suite with its extractor or LLM mode replaced (``llmextract eval --extractor/--mode``)."""
    if extractor is not None and extractor not in EXTRACTORS:
        raise SuiteError(f"unknown extractor {extractor!r}", hint=f"use one of {', '.join(EXTRACTORS)}")
    if mode is not None and mode not in MODES:
        raise SuiteError(f"unknown mode {mode!r}", hint=f"use one of {', '.join(MODES)}")
    if suite.oracle is not None and extractor not in (None, "llm", "hybrid"):
        raise SuiteError("an oracle suite needs extractor llm or hybrid", path=str(suite.path))
    return replace(suite, extractor=extractor or suite.extractor, mode=mode or suite.mode)


def check_record_mode(mode: str, suite: Path | None = None) -> str:
    if mode not in RECORD_MODES:
        raise SuiteError(
            f"unknown record_mode {mode!r}",
            hint=f"use one of {', '.join(RECORD_MODES)}",
            path=None if suite is None else str(suite),
        )
    return mode


def _cassette(entry: Any, base: Path, suite: Path) -> tuple[Path | None, str]:
    if entry is None:
        return None, "none"
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict) or not entry.get("path") or set(entry) - {"path", "record_mode"}:
        raise SuiteError(
            "cassette needs a path and optionally record_mode",
            hint="cassette: {path: ../cassettes/x.yaml, record_mode: none}",
            path=str(suite),
        )
    return base / entry["path"], check_record_mode(str(entry.get("record_mode") or "none"), suite)


def _oracle(entry: Any, extractor: str, cassette: Path | None, suite: Path) -> dict[str, Any] | None:
    if entry is None:
        return None
    if not isinstance(entry, dict) or set(entry) - ORACLE_KEYS:
        raise SuiteError(
            "oracle takes faults, plant, seed and slow", hint="oracle: {faults: 0.3, plant: true}", path=str(suite)
        )
    if extractor not in ("llm", "hybrid") or cassette is not None:
        raise SuiteError("an oracle suite needs extractor llm or hybrid and no cassette", path=str(suite))
    faults, slow, seed = entry.get("faults", 0), entry.get("slow", 0), entry.get("seed", 0)
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (faults, slow, seed))
    if not numbers or not isinstance(seed, int) or not isinstance(entry.get("plant", False), bool):
        raise SuiteError("oracle: faults and slow are numbers, seed an integer, plant true or false", path=str(suite))
    if not 0 <= faults < 1:
        raise SuiteError("oracle faults must be at least 0 and below 1", path=str(suite))
    return dict(entry)


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
