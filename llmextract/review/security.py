"""Keeping the review server to its one local user.

- Host: only the names the server was bound to (and the loopback names) are served, so a web page that
  rebinds its DNS name to 127.0.0.1 gets 400.
- Cross-site requests: every state-changing request (POST) must carry the per-server-start secret twice: in
  the ``SameSite=Strict`` cookie the pages set, and in the ``X-CSRF-Token`` header (JSON calls) or the
  ``csrf_token`` form field (forms). A request whose ``Origin`` is not this server (``Origin: null``, sent by
  sandboxed frames and by pages that hide their referrer, included), or that the browser marks
  ``Sec-Fetch-Site: cross-site`` or ``same-site``, is refused before the token is even looked at.
- The pages' own form posts must say where they come from: a browser sends ``Origin: null`` for a form post
  under ``Referrer-Policy: no-referrer``, so the pages use ``same-origin`` (the full URL to this server, nothing
  to any other; the pages link nowhere else anyway).
- Every response carries a Content-Security-Policy without inline scripts, so text that slipped past
  escaping still could not run.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "llmextract_csrf"
HEADER = "x-csrf-token"
FORM_FIELD = "csrf_token"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def host_name(value: str) -> str:
    """The host of a Host header or URL netloc without its port ("[::1]:8765" -> "::1")."""
    return urlsplit(f"//{value}").hostname or ""


class LocalOnly:
    """ASGI middleware: Host and Origin checks on every request, security headers on every response."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed_hosts | LOOPBACK

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._problem(Headers(scope=scope), scope["method"])
        if problem is not None:
            status, message = problem
            await PlainTextResponse(message, status_code=status)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.extend((k.encode(), v.encode()) for k, v in _HEADERS.items())
            await send(message)

        await self.app(scope, receive, with_headers)

    def _problem(self, headers: Headers, method: str) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if host_name(host) not in self.allowed:
            return 400, (
                "未知主机：请用 `llmextract review` 打印的地址打开审核界面"
                "（unknown host: open the review UI at the address `llmextract review` printed）"
            )
        if method in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and (urlsplit(origin).scheme not in ("http", "https") or urlsplit(origin).netloc != host):
            return 403, "跨源请求被拒绝（cross-origin request refused）"
        if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return 403, "跨站请求被拒绝（cross-site request refused）"
        return None


def token_matches(request: Request, token: str, sent: str | None) -> bool:
    """The secret is in the cookie and in the header or form field, and both equal this server's."""
    cookie = request.cookies.get(COOKIE, "")
    return bool(sent) and secrets.compare_digest(cookie, token) and secrets.compare_digest(sent or "", token)


def set_token_cookie(response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")


def refused() -> Response:
    return PlainTextResponse(
        "安全令牌缺失或错误：请刷新页面后重试（missing or wrong CSRF token: reload the page and try again）",
        status_code=403,
    )
