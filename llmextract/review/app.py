"""The review web app: the queue, the record page, page images, decisions, reviewer name and gold export.

Handlers are ``async`` and call the store directly, so every SQLite access happens on the event-loop thread,
one at a time; only page rendering (slow, and guarded by its own lock) goes to the thread pool. A decision
re-verifies the record on the event loop too, so decisions never interleave; the first one on a document
waits while its source is parsed (seconds for a PDF); later ones use the parsed copy.

Records are addressed by their store key (``RunStore`` record key: settings and record id). Pages carry the
queue's filters in their query string, so a record page's n/p walk the queue the reviewer filtered.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from llmextract.review import security
from llmextract.review.decisions import RECORD, decide
from llmextract.review.explain import SEVERITY
from llmextract.review.fields import EditRefused
from llmextract.review.gold import gold_jsonl
from llmextract.review.pages import PageRenderer
from llmextract.review.reverify import Reverify, reverify_with_threshold, run_threshold
from llmextract.review.views import (
    Filters,
    QueueLines,
    neighbours,
    next_to_review,
    queue_page,
    record_view,
    source_names,
)
from llmextract.store import RecordStatus, RunStore, RunStoreError, StoredRecord

_DOC_ID = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{16}:\d{1,10}(?:~\d{1,6})?$")  # record_key(settings, record_id)
_RULE_ID = re.compile(r"^[a-z0-9_.-]{1,80}$")
_ACTIONS = frozenset({"accept", "edit", "reject"})
_SEVERITIES = ("error", "warning", "info")
_STATUS_LABELS: dict[RecordStatus, str] = {
    "pending": "待审",
    "accepted": "已接受",
    "edited": "已修改",
    "rejected": "已拒绝",
}
_STATUSES: tuple[RecordStatus, ...] = tuple(_STATUS_LABELS)
# characters: the longest text field of the gold annotations is 1,410; a 20,000-character paste is a mistake
_MAX_VALUE = 10_000
_MAX_BODY = 256 * 1024


@dataclass(slots=True)
class _State:
    """What the handlers share; the UI changes the reviewer name (and keeps queue lines it has made)."""

    store: RunStore
    reviewer: str
    reverify: Reverify
    token: str
    pages: PageRenderer
    templates: jinja2.Environment
    lines: QueueLines


Handler = Callable[[_State, Request], Awaitable[Response]]


def create_app(
    run_dir: str | Path,
    *,
    reviewer: str = "reviewer",
    reverify: Reverify | None = None,
    allowed_hosts: frozenset[str] = frozenset(),
) -> Starlette:
    """The review app over the run in ``run_dir``; ``reverify`` re-checks a record after each change (default:
    the pipeline's checks at the run's own review threshold, :func:`.reverify.reverify_with_threshold`).

    ``allowed_hosts`` adds host names to the loopback ones (when the server is bound to another address).
    """
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("llmextract.review", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    templates.globals["status_labels"] = _STATUS_LABELS
    templates.globals["severity_labels"] = SEVERITY
    state = _State(
        RunStore(run_dir, create=False),
        reviewer,
        reverify or reverify_with_threshold(),
        security.new_token(),
        PageRenderer(),
        templates,
        QueueLines(),
    )
    static = str(resources.files("llmextract.review").joinpath("static"))
    routes = [
        Route("/", _endpoint(state, _queue_page)),
        Route("/record/{key}", _endpoint(state, _record_page)),
        Route("/record/{key}", _endpoint(state, _form_decision), methods=["POST"]),
        Route("/page/{doc_id}/{page:int}.png", _endpoint(state, _page_image)),
        Route("/api/records/{key}/decisions", _endpoint(state, _decision), methods=["POST"]),
        Route("/reviewer", _endpoint(state, _set_reviewer), methods=["POST"]),
        Route("/export", _endpoint(state, _export), methods=["POST"]),
        Mount("/static", StaticFiles(directory=static), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.store.close()

    app = Starlette(
        routes=routes,
        middleware=[Middleware(security.LocalOnly, allowed_hosts=allowed_hosts)],
        lifespan=lifespan,
        max_body_size=_MAX_BODY,
    )
    return app


def _endpoint(state: _State, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await handler(state, request)

    return endpoint


def _html(state: _State, template: str, **context: Any) -> HTMLResponse:
    body = state.templates.get_template(template).render(token=state.token, reviewer=state.reviewer, **context)
    response = HTMLResponse(body)
    security.set_token_cookie(response, state.token)
    return response


def _not_found() -> Response:
    return Response("not found", status_code=404, media_type="text/plain")


def _filters(request: Request) -> Filters:
    """The queue's filters from the query string; anything malformed is no filter."""
    q = request.query_params
    return Filters(
        doc=q.get("doc") if _DOC_ID.match(q.get("doc", "")) else None,
        rule=q.get("rule") if _RULE_ID.match(q.get("rule", "")) else None,
        severity=q.get("severity") if q.get("severity") in _SEVERITIES else None,
        status=next((s for s in _STATUSES if s == q.get("status")), None),
        everything=q.get("view") == "all",
    )


async def _queue_page(state: _State, request: Request) -> Response:
    filters = _filters(request)
    page = request.query_params.get("page", "1")
    shown = queue_page(state.store, filters, int(page) if page.isdigit() and len(page) < 7 else 1, state.lines)
    return _html(
        state,
        "queue.html",
        queue=shown,
        total=sum(shown.counts.values()),
        threshold=run_threshold(state.store),
        done=request.query_params.get("done") == "1",
        filters=filters,
        documents=source_names(state.store),
        rules=state.store.rule_ids(),
        severities=_SEVERITIES,
        statuses=_STATUSES,
    )


async def _record_page(state: _State, request: Request, *, error: str | None = None, status: int = 200) -> Response:
    key = request.path_params["key"]
    stored = state.store.record(key) if _KEY.match(key) else None
    if stored is None:
        return _not_found()
    pdf = state.store.source_file(stored.doc_id)
    sizes = await run_in_threadpool(state.pages.sizes, pdf) if pdf is not None and pdf.suffix == ".pdf" else None
    filters = _filters(request)
    response = _html(
        state,
        "record.html",
        view=record_view(state.store, stored, sizes),
        has_pages=sizes is not None,
        around=neighbours(state.store, stored, filters),
        filters=filters,
        threshold=run_threshold(state.store, stored.settings_hash),
        selected=request.query_params.get("field", ""),
        error=error,
    )
    response.status_code = status
    return response


async def _page_image(state: _State, request: Request) -> Response:
    doc_id, page = request.path_params["doc_id"], request.path_params["page"]
    pdf = state.store.source_file(doc_id) if _DOC_ID.match(doc_id) else None
    if pdf is None or pdf.suffix != ".pdf":
        return _not_found()
    png = await run_in_threadpool(state.pages.png, pdf, page)
    if png is None:
        return _not_found()
    return Response(png, media_type="image/png")


class _Refused(Exception):
    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _apply(state: _State, stored: StoredRecord, field: object, action: object, value: object) -> StoredRecord:
    """One decision from a request (JSON or form), checked, applied and stored; _Refused says why not."""
    if not isinstance(field, str) or action not in _ACTIONS:
        raise _Refused("一项决定需要字段和操作（接受、修改或拒绝）")
    if value is not None and not isinstance(value, str):
        raise _Refused("值必须是文本")
    if value is not None and len(value) > _MAX_VALUE:
        raise _Refused(f"值过长（too long）：{len(value):,} 个字符，最多 {_MAX_VALUE:,} 个")
    try:
        return decide(state.store, stored, field, action, value, state.reviewer, state.reverify)
    except EditRefused as exc:
        raise _Refused(exc.describe()) from None
    except RunStoreError as exc:
        # decide() re-verifies before it stores anything, so the record and its decisions are as they were.
        raise _Refused(exc.describe(), status=409) from None


def _after(state: _State, updated: StoredRecord, field: str, filters: Filters) -> str:
    """Where the reviewer goes after a decision: the next record to review after a whole-record decision (the
    queue when none is left), else back to the record at the field decided."""
    if field != RECORD:
        return f"/record/{quote(updated.key)}?{filters.query(field=field)}"
    nxt = next_to_review(state.store, updated, filters)
    if nxt is None:
        return f"/?{filters.query(done=1)}"
    query = filters.query()
    return f"/record/{quote(nxt)}" + (f"?{query}" if query else "")


async def _decision(state: _State, request: Request) -> Response:
    if not security.token_matches(request, state.token, request.headers.get(security.HEADER)):
        return security.refused()
    key = request.path_params["key"]
    stored = state.store.record(key) if _KEY.match(key) else None
    if stored is None:
        return _not_found()
    try:
        body = await request.json()
    except ValueError:  # not JSON, or not UTF-8
        return _error("请求内容不是 JSON", status=400)
    if not isinstance(body, dict):
        return _error("请求内容必须是 JSON 对象", status=400)
    field = body.get("field")
    try:
        updated = _apply(state, stored, field, body.get("action"), body.get("value"))
    except _Refused as exc:
        return _error(exc.message, status=exc.status)
    return JSONResponse(
        {
            "ok": True,
            "field": field if field != RECORD else None,
            "status": updated.status,
            "status_label": _STATUS_LABELS[updated.status],
            "confidence": updated.confidence,
            "needs_review": updated.needs_review,
            "findings": [f.model_dump(mode="json") for f in updated.record.findings],
            "next": _after(state, updated, str(field), _filters(request)),
        }
    )


async def _form_decision(state: _State, request: Request) -> Response:
    """The same decision posted by a form (the page without JavaScript): back to the record, or on to the next."""
    form = await request.form()
    sent = form.get(security.FORM_FIELD)
    if not security.token_matches(request, state.token, sent if isinstance(sent, str) else None):
        return security.refused()
    key = request.path_params["key"]
    stored = state.store.record(key) if _KEY.match(key) else None
    if stored is None:
        return _not_found()
    field, action = form.get("field"), form.get("action")
    try:
        updated = _apply(state, stored, field, action, form.get("value") if action == "edit" else None)
    except _Refused as exc:
        return await _record_page(state, request, error=exc.message, status=exc.status)
    return RedirectResponse(_after(state, updated, str(field), _filters(request)), status_code=303)


def _error(message: str, *, status: int = 422) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


async def _set_reviewer(state: _State, request: Request) -> Response:
    form = await request.form()
    sent = form.get(security.FORM_FIELD)
    if not security.token_matches(request, state.token, sent if isinstance(sent, str) else None):
        return security.refused()
    name = form.get("reviewer")
    if isinstance(name, str) and 0 < len(name.strip()) <= 64:
        state.reviewer = name.strip()
    back = form.get("next")
    # Only a path on this server: "//evil.example" would be an open redirect.
    target = back if isinstance(back, str) and back.startswith("/") and not back.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)


async def _export(state: _State, request: Request) -> Response:
    form = await request.form()
    sent = form.get(security.FORM_FIELD)
    if not security.token_matches(request, state.token, sent if isinstance(sent, str) else None):
        return security.refused()
    return Response(
        gold_jsonl(state.store),
        media_type="application/x-ndjson; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="gold.jsonl"'},
    )
