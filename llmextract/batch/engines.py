"""Where the CPU-bound part of each document runs: a local process pool, or a Ray cluster.

Both return awaitables, so the driver's event loop treats them alike: ``asyncio.wrap_future`` over a
``ProcessPoolExecutor`` future, or a Ray ``ObjectRef`` (awaitable in asyncio). No home-made scheduler:
placement, retries of lost workers and cluster membership are Ray's (or the pool's) business.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Awaitable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from llmextract.core.document import Document
from llmextract.core.errors import ConfigError
from llmextract.ingest import ParseCache, load_document
from llmextract.pipeline import Config, DocumentResult, process


def work_in_worker(path: str, config: Config, cache_dir: str | None = None) -> Document | DocumentResult:
    """The CPU-bound part of a document: all of it with the rules extractor; parsing only when an LLM reads
    (the driver then runs the pipeline, so every document shares one LLM client, cache and limit).
    ``cache_dir``: the run's parse cache (a rerun with other settings loads the documents instead of parsing)."""
    # Documents already run in parallel: parsing one document's pages in more processes would oversubscribe.
    cache = ParseCache(cache_dir) if cache_dir is not None else None
    doc = load_document(Path(path), page_workers=1, cache=cache)
    if config.uses_llm:
        return doc
    return process(doc, replace(config, page_workers=1), cache=cache)


class Engine(Protocol):
    workers: int

    def submit(
        self, path: Path, config: Config, cache_dir: str | None = None
    ) -> Awaitable[Document | DocumentResult]: ...

    def close(self) -> None: ...


class LocalEngine:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        # fork: spawn would re-import the caller's __main__ (scripts without a __main__ guard would recurse).
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))

    def submit(
        self, path: Path, config: Config, cache_dir: str | None = None
    ) -> Awaitable[Document | DocumentResult]:
        return asyncio.wrap_future(self._pool.submit(work_in_worker, str(path), config, cache_dir))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class RayEngine:
    """Runs :func:`work_in_worker` as Ray tasks. ``address``: a cluster ("auto", "ray://host:10001") or
    None for a local Ray instance started for this run."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("the ray engine needs Ray installed", hint='pip install "llmextract[ray]"') from exc
        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            ray.init(address=address, num_cpus=workers, include_dashboard=False, log_to_driver=False)
        self.workers = int(ray.cluster_resources().get("CPU", 1))
        self._remote: Any = ray.remote(work_in_worker).options(max_retries=2)

    def submit(
        self, path: Path, config: Config, cache_dir: str | None = None
    ) -> Awaitable[Document | DocumentResult]:
        # Ray ships the file path, so every node must see the input directory (and the run's parse cache) at
        # the same path (shared storage); the README says so.
        return self._remote.remote(str(path.resolve()), config, cache_dir)

    def close(self) -> None:
        if self._started_here:
            self._ray.shutdown()
