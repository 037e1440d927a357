"""A scripted OpenAI-compatible HTTP server: a TEST DOUBLE, not a model.

It runs in-process on 127.0.0.1 (a free port, a daemon thread), answers ``POST /v1/chat/completions`` from a
script of actions (one per request, in order; then the default action), and counts and keeps every request.
Faults it can inject: an HTTP status (429 with Retry-After, 500, …), a sleep past the client's timeout, a
dropped connection, a body cut short, a 200 whose body is garbled, a reply whose content is malformed JSON or
was truncated at max_tokens.
A success reply is shaped like the request: a tool call when the request has ``tools``, else message content.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from llmextract.evals.oracle_server import DoubleServer, JSONPostHandler


@dataclass(frozen=True)
class Action:
    kind: str  # reply | content | status | sleep | drop | cut | garbled
    payload: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"
    delay: float = 0.0


def reply(data: dict[str, Any], delay: float = 0.0) -> Action:
    """A well-formed answer carrying ``data`` as the structured output."""
    return Action("reply", data, delay=delay)


def content(text: str, finish_reason: str = "stop") -> Action:
    """Message content exactly as given: malformed JSON, ``<think>`` preambles, truncated output."""
    return Action("content", text, finish_reason=finish_reason)


def status(code: int, retry_after: float | None = None, message: str = "scripted failure") -> Action:
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return Action("status", {"error": {"message": message, "type": "server_error"}}, status=code, headers=headers)


def sleep(seconds: float) -> Action:
    """Answer nothing for ``seconds`` (longer than the client timeout), then close."""
    return Action("sleep", delay=seconds)


def drop() -> Action:
    """Close the connection without answering (a connection reset)."""
    return Action("drop")


def cut(data: dict[str, Any]) -> Action:
    """Send headers promising the whole answer, then half the body, then close."""
    return Action("cut", data)


def garbled(data: dict[str, Any]) -> Action:
    """A 200 whose body is half of the answer's JSON, with a Content-Length that matches it (a proxy or a
    server that garbled the completion, not the model)."""
    return Action("garbled", data)


class ScriptedLLMServer:
    """``with ScriptedLLMServer([status(429, 1), reply(data)]) as server: ... server.base_url ...``"""

    def __init__(self, script: Iterable[Action] = (), default: Action | Callable[[dict], Action] | None = None):
        self._script: deque[Action] = deque(script)
        self._default = default
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._httpd = DoubleServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def push(self, *actions: Action) -> None:
        with self._lock:
            self._script.extend(actions)

    def __enter__(self) -> ScriptedLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Action:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if self._script:
                return self._script.popleft()
        if callable(self._default):
            return self._default(body)
        if self._default is None:
            return status(500, message="scripted server: script exhausted")
        return self._default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JSONPostHandler):
            def answer(self, body: dict[str, Any]) -> None:
                action = server._next(body, {k.lower(): v for k, v in self.headers.items()})
                _perform(self, action, body)

        return Handler


def _perform(handler: BaseHTTPRequestHandler, action: Action, body: dict[str, Any]) -> None:
    if action.delay:
        time.sleep(action.delay)
    if action.kind == "sleep":
        handler.close_connection = True
        return
    if action.kind == "drop":
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True
        return
    if action.kind == "status":
        _send(handler, action.status, action.payload, action.headers)
        return
    message = _message(action, body)
    completion = _completion(body, message, action.finish_reason)
    if action.kind == "cut":
        raw = json.dumps(completion).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw[: len(raw) // 2])
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True
        return
    if action.kind == "garbled":
        raw = json.dumps(completion).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw) // 2))
        handler.end_headers()
        handler.wfile.write(raw[: len(raw) // 2])
        return
    _send(handler, 200, completion)


def _message(action: Action, body: dict[str, Any]) -> dict[str, Any]:
    if action.kind == "content":
        return {"role": "assistant", "content": action.payload}
    arguments = json.dumps(action.payload, ensure_ascii=False)
    tools = body.get("tools") or []
    if tools:
        name = tools[0]["function"]["name"]
        call = {"id": "call_0", "type": "function", "function": {"name": name, "arguments": arguments}}
        return {"role": "assistant", "content": None, "tool_calls": [call]}
    return {"role": "assistant", "content": arguments}


def _completion(body: dict[str, Any], message: dict[str, Any], finish_reason: str) -> dict[str, Any]:
    prompt_chars = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
    prompt_chars += len(json.dumps(body.get("tools") or body.get("response_format") or "", ensure_ascii=False))
    reply_chars = len(json.dumps(message, ensure_ascii=False))
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        # Deterministic token counts (one per 2 characters) so usage and cost assertions are exact.
        "usage": {
            "prompt_tokens": prompt_chars // 2,
            "completion_tokens": reply_chars // 2,
            "total_tokens": prompt_chars // 2 + reply_chars // 2,
        },
    }


def _send(handler: BaseHTTPRequestHandler, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    handler.send_response(code)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(raw)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(raw)
