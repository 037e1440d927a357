"""The review web UI: a local server where a reviewer accepts, edits or rejects records field by field.

``llmextract.review.app.create_app(run_dir, reviewer=..., reverify=...)`` builds the Starlette app (it needs
the ``review`` extra); ``llmextract review RUN`` serves it on 127.0.0.1. ``reverify`` is the one hook for
re-checking an edited record (:mod:`.reverify`): by default the pipeline itself
(:func:`llmextract.pipeline.process`) on the document parsed from the run's copy of its source, at the
threshold the run routed the record with. Reviewed records export as gold annotations (format in
:mod:`.gold`). This package module imports no web framework, so the CLI loads without the extra.
"""

from llmextract.review.gold import gold_annotations, write_gold
from llmextract.review.reverify import Reverify, SourceCache, reverify_with_threshold, run_threshold

__all__ = [
    "Reverify",
    "SourceCache",
    "gold_annotations",
    "reverify_with_threshold",
    "run_threshold",
    "write_gold",
]
