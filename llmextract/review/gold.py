"""Reviewed records as gold annotations for the eval suites.

``llmextract review RUN --export-gold OUT.jsonl`` (or the 导出 button of the review UI) writes one JSON object
per line, for every current record whose review is complete and kept (status ``accepted`` or ``edited``;
rejected and pending records are left out), by source file and position::

    {
      "record_id":   "35b6ffa77c409f11:12947",     # doc_id[:16]:block start, stable across runs
      "record_key":  "3f2a9c1e-35b6ffa77c409f11:12947",  # the run store's key: settings and record id
      "doc_id":      "35b6…3d77",                  # sha256 of the source file
      "source":      "国家信访局2026年度部门预算.pdf",  # the file name the run was given
      "status":      "edited",                     # accepted: no value changed; edited: some were
      "record":      {...},                        # the reviewed ProjectRecord (schemas/ProjectRecord.schema.json)
      "reviewer":    "张三",                        # who made the last decision
      "reviewed_at": "2026-11-22T03:40:12+00:00",  # when (UTC, ISO 8601)
      "decisions":   [                             # every decision, oldest first
        {"field": "funding.annual_total", "action": "edit", "old_value": "2134.78", "new_value": "2134.87",
         "reviewer": "张三", "at": "2026-11-22T03:39:58+00:00"},
        ...
      ]
    }

``record`` is the whole record after review: its ``findings`` are those of the re-verification on the last
save, and ``confidence`` the re-verified score. Fields in ``decisions`` are field paths
(:class:`llmextract.core.paths.FieldPath`: ``name``, ``funding.sources.central``, ``indicators[7].value_raw``
where 7 is the indicator's ordinal in ``record.indicators``; ``record`` for a decision on the whole record).
Values are strings as the reviewer saw and typed them, or null.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from llmextract.store import RunStore

GOLD_STATUSES = ("accepted", "edited")


def gold_annotations(store: RunStore) -> Iterator[dict[str, Any]]:
    rows = sorted((r for r in store.queue() if r.status in GOLD_STATUSES), key=lambda r: (r.source, r.position, r.key))
    for row in rows:
        stored = store.record(row.key)
        if stored is None:
            continue
        decisions = store.reviews(stored.key)
        last = decisions[-1] if decisions else None
        yield {
            "record_id": stored.record_id,
            "record_key": stored.key,
            "doc_id": stored.doc_id,
            "source": PurePath(row.source).name,
            "status": stored.status,
            "record": stored.record.model_dump(mode="json"),
            "reviewer": last.reviewer if last else None,
            "reviewed_at": last.at if last else None,
            "decisions": [
                {
                    "field": d.field,
                    "action": d.action,
                    "old_value": d.old_value,
                    "new_value": d.new_value,
                    "reviewer": d.reviewer,
                    "at": d.at,
                }
                for d in decisions
            ],
        }


def gold_jsonl(store: RunStore) -> str:
    return "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in gold_annotations(store))


def write_gold(store: RunStore, out: Path) -> int:
    """Write the gold annotations to ``out``; returns how many records were written."""
    text = gold_jsonl(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text.count("\n")
