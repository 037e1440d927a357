"""Re-verifying a record after a review decision: the hook type, and the default that runs the pipeline's checks.

The review app calls one :data:`Reverify` callable after every decision that changes a record. The default
(:func:`reverify_with_threshold`) re-checks the edited record with the pipeline itself
(:func:`llmextract.pipeline.process` with the reviewed record as the extractor's reading): grounding of every
field (``grounding.not-found``), the record rules (``record.sources-sum``, ``record.period-ge-annual``,
``record.funding-vs-project-list``, …) and the documented confidence of :mod:`llmextract.score`, against the
threshold the run itself routed the record with (:func:`run_threshold`), so the UI and ``llmextract run`` /
``extract --out`` agree on which records need review. What the verifier does not compute stays as the record
carries it: ``hybrid.disagreement`` findings, ``record.agreement`` and ``llm_reasks`` (the review app has
already removed what the reviewer settled).

The verifier needs the document: it is parsed from the run's copy of the source (``RunStore.source_file``)
and kept for the last few documents, because parsing a PDF takes seconds. A run without that copy cannot
re-verify an edit: :class:`~llmextract.store.RunStoreError`, raised before anything is stored.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from llmextract.core.document import Document
from llmextract.core.errors import InputError
from llmextract.core.records import ProjectRecord
from llmextract.extract import Reading
from llmextract.ingest import ParseCache, load_document
from llmextract.pipeline import Config, process
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.settings import ExtractorKind
from llmextract.store import RunStore, RunStoreError, StoredRecord

Reverify = Callable[[ProjectRecord, RunStore, StoredRecord], tuple[ProjectRecord, float | None, bool]]
"""(edited record, store, the stored record under review) -> (record with fresh findings, confidence,
needs_review).

A replacement must keep the findings of rules it does not compute: ``hybrid.disagreement`` comes from the
extractor, and the app has already removed those the reviewer settled.
"""

_NOT_REVERIFIED = "无法重新核查这次修改"


class SourceCache:
    """The parsed documents of the last ``size`` documents re-verified, by document id.

    A document id is the hash of the source's bytes, so one entry serves every run holding that document.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._parsed: OrderedDict[str, Document] = OrderedDict()

    def get(self, store: RunStore, doc_id: str) -> Document:
        if doc_id in self._parsed:
            self._parsed.move_to_end(doc_id)
            return self._parsed[doc_id]
        self._parsed[doc_id] = _load_source(store, doc_id)
        if len(self._parsed) > self._size:
            self._parsed.popitem(last=False)
        return self._parsed[doc_id]


class ReviewedRecord:
    """An extractor whose reading is a reviewed record: the pipeline then re-checks exactly what the reviewer
    decided (the extractor protocol of :mod:`llmextract.extract.base`)."""

    kind = ExtractorKind.rules

    def __init__(self, record: ProjectRecord) -> None:
        self.record = record
        self.label = record.extractor

    async def read(self, doc: Document) -> Reading:
        return Reading([self.record])

    async def aclose(self) -> None:
        return None


def run_threshold(store: RunStore, settings_hash: str | None = None) -> float:
    """The review threshold a run routed records with: that of the settings ``settings_hash`` (a record's),
    else that of the run's last settings, else the default."""
    keys = ([f"settings:{settings_hash}"] if settings_hash else []) + ["config"]
    for key in keys:
        settings = store.meta(key)
        recorded = settings.get("review_threshold") if isinstance(settings, dict) else None
        if isinstance(recorded, int | float) and not isinstance(recorded, bool) and 0 <= recorded <= 1:
            return float(recorded)
    return DEFAULT_THRESHOLD


def reverify_with_threshold(threshold: float | None = None, *, sources: SourceCache | None = None) -> Reverify:
    """The pipeline's re-verification, routing records below ``threshold`` to review (None: the threshold the
    run routed each record with, :func:`run_threshold`)."""
    cache = sources if sources is not None else SourceCache()

    def reverify(
        record: ProjectRecord, store: RunStore, stored: StoredRecord
    ) -> tuple[ProjectRecord, float | None, bool]:
        limit = threshold if threshold is not None else run_threshold(store, stored.settings_hash)
        config = Config(extractor=ExtractorKind.rules, review_threshold=limit)
        analysis = ParseCache(store.parse_cache_dir)  # the document's tables and checks, kept by the run
        result = process(cache.get(store, stored.doc_id), config, extractor=ReviewedRecord(record), cache=analysis)
        (checked,) = result.records
        return checked.record, checked.confidence, checked.needs_review

    return reverify


def _load_source(store: RunStore, doc_id: str) -> Document:
    path = store.source_file(doc_id)
    if path is None:
        raise RunStoreError(
            f"{_NOT_REVERIFIED}：运行目录中没有文档 {doc_id[:16]} 的原文副本",
            hint="未保存任何内容；请把原文件放回运行目录的 sources/ 文件夹，"
            "或用 `llmextract run` 把文档抽取到新的运行目录",
            path=str(store.dir),
        )
    try:
        doc = load_document(path, page_workers=1, cache=ParseCache(store.parse_cache_dir))
    except InputError as exc:
        raise RunStoreError(
            f"{_NOT_REVERIFIED}：运行目录中的原文副本无法读取：{exc.describe()}",
            hint="未保存任何内容；请用原文件恢复它",
            path=str(path),
        ) from exc
    if doc.doc_id != doc_id:
        # Every location in the record is an offset into the document it was read from.
        raise RunStoreError(
            f"{_NOT_REVERIFIED}：运行目录中的原文副本不是抽取这条记录的文档",
            hint="未保存任何内容；请用原文件恢复它",
            path=str(path),
        )
    return doc
