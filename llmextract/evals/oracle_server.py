"""The oracle test server: an OpenAI-compatible HTTP server that answers as a perfect model would. A TEST
DOUBLE, not a model — it reads the answers from the gold annotations, so what it measures is the ceiling of the
LLM path (regions, chunking, output budget, grounding, assembling, pairing), never a model's quality.

Every request is answered from the gold records placed in the current document
(:mod:`llmextract.evals.oracle_answers`): the region is the request's user message, found in the document's
text; the kind comes from the title of the schema in the request; the reply is shaped by that schema (its
list property, each record's and indicator's properties; "" for what the gold does not annotate) and sent the
way the request's mode expects — a tool call (tools), JSON content (json, json_schema) or a ```json block
(md_json). A reply longer than the request's ``max_tokens`` is cut there with ``finish_reason: length``, as a
server would. Token counts use the benchmark's estimator (one per CJK character, one per four others).

Two switches turn it into an adversary:

- ``faults``: that share of responses is a transport fault instead (429 with Retry-After, 500, 503, a dropped
  connection, a body cut short, a malformed 200 body, and with ``slow`` a reply later than the client's
  timeout), drawn from a seeded generator;
- ``plant``: every record gets one wrong number — its 年度资金总额 replaced by the amount printed nearest to it
  in the first region it is answered for, or else one indicator value by the nearest other value of the same
  record — the same one in every reply that shows it, recorded in :attr:`OracleServer.plants` so a run can
  check that the hybrid reading caught each of them. A wrong number is always one printed in the region: a
  model copying text could have sent it, and the grounding validators let it through.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from llmextract.core.alignment import normalise
from llmextract.core.document import Document
from llmextract.core.numbers import try_decimal
from llmextract.evals.gold import GoldRecord
from llmextract.evals.oracle_answers import PlacedRecord, answer_region, place, visible
from llmextract.extract.llm.ratelimit import estimate_tokens

MODEL = "oracle-test-double"
KINDS = {"ProjectTargets": "project", "DepartmentTargets": "department", "SelfEvaluations": "evaluation"}
FAULTS = ("429", "500", "503", "drop", "cut", "malformed", "slow")
_SCHEMA_IN_PROMPT = re.compile(r"json_schema:\s*")
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_PLANT_REACH = 300  # chars around a field where the wrong number it gets is taken from


@dataclass
class Plant:
    """One wrong number sent for a gold record: which field, what the gold says, what was sent."""

    record: int  # index of the gold record
    name: str
    field: str  # funding.annual_total | indicator
    gold: str
    planted: str
    indicator: dict[str, Any] | None = None
    delivered: int = 0  # replies that carried it


@dataclass
class Stats:
    requests: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    unlocated: int = 0  # requests whose region is not text of the current document
    cut: int = 0  # replies cut at max_tokens
    answered: set[int] = field(default_factory=set)  # gold records some reply carried


class OracleServer:
    """``with OracleServer() as oracle: oracle.prepare(doc, gold_records); … oracle.base_url …``"""

    def __init__(self, *, seed: int = 0, slow: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._slow = slow
        self.faults = 0.0
        self.plant = False
        self.doc: Document | None = None
        self.placed: list[PlacedRecord] = []
        self.plants: dict[int, Plant] = {}
        self.stats = Stats()
        self._httpd = DoubleServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> OracleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def prepare(self, doc: Document, records: list[GoldRecord], *, faults: float = 0.0, plant: bool = False) -> None:
        """Answer from now on for ``doc`` and its gold ``records``, with that share of faults and plants."""
        with self._lock:
            self.doc = doc
            self.placed = place(doc, records)
            self.faults, self.plant = faults, plant
            self.plants = {}
            self.stats = Stats()

    @property
    def unplaced(self) -> int:
        """Gold strings the oracle could not find in the document (it cannot answer them)."""
        missing = 0
        for record in self.placed:
            missing += sum(1 for i in record.fields.values() if i.text and i.span is None)
            missing += sum(1 for i in record.indicators if i.name.span is None or (i.value.text and not i.value.span))
        return missing

    @property
    def never_answered(self) -> int:
        """Gold records no request asked about (no region of the LLM path held them), placed or not."""
        return sum(1 for record in self.placed if record.index not in self.stats.answered)

    def respond(self, body: dict[str, Any]) -> tuple[str, Any]:
        """(fault kind or "reply", payload) for one request."""
        with self._lock:
            self.stats.requests += 1
            if self.faults and self._rng.random() < self.faults:
                kinds = FAULTS if self._slow else FAULTS[:-1]
                kind = self._rng.choice(kinds)
                self.stats.faults[kind] = self.stats.faults.get(kind, 0) + 1
                return kind, self._answer(body)
            return "reply", self._answer(body)

    def _answer(self, body: dict[str, Any]) -> dict[str, Any]:
        schema = _schema(body)
        region = next((str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user"), "")
        start = self.doc.text.find(region) if self.doc is not None and region else -1
        key, item_schema = _list_property(schema)
        if start < 0:
            self.stats.unlocated += 1
            return {key: []}
        end = start + len(region)
        kind = KINDS.get(str(schema.get("title")), "project")
        records = []
        printed = normalise(region)
        for placed in answer_region(self.placed, start, end, kind):
            self.stats.answered.add(placed.index)
            shaped = _shape(placed, start, end, item_schema, schema, printed)
            if self.plant:
                self._plant(shaped, placed, region, (start, end))
            records.append(shaped)
        return {key: records}

    def _plant(self, shaped: dict[str, Any], placed: PlacedRecord, region: str, bounds: tuple[int, int]) -> None:
        plan = self.plants.get(placed.index)
        if plan is None:
            plan = _plan(self.doc, placed, bounds) if self.doc is not None else None
            if plan is None:
                return
            self.plants[placed.index] = plan
        if normalise(plan.planted) not in normalise(region):
            return  # the wrong number is not printed here: a model could not have copied it
        if plan.field == "funding.annual_total" and shaped.get("annual_total"):
            shaped["annual_total"] = plan.planted
            plan.delivered += 1
        elif plan.field == "indicator" and plan.indicator is not None:
            for ind in shaped.get("indicators", []):
                if (ind.get("name"), ind.get("value"), ind.get("column", "annual")) == (
                    plan.indicator["name"],
                    plan.gold,
                    plan.indicator["column"],
                ):
                    ind["value"] = plan.planted
                    plan.delivered += 1
                    break


def _plan(doc: Document, placed: PlacedRecord, bounds: tuple[int, int]) -> Plant | None:
    """The wrong number a record gets, printed in the region ``bounds``: the amount nearest to its 年度资金总额,
    else the value of another of its indicators nearest to one of them."""
    lo, hi = bounds
    annual = placed.fields.get("annual_total")
    gold = placed.gold
    if annual is not None and annual.span is not None and gold.funding.annual_total is not None:
        start, end = annual.span
        if lo <= start and end <= hi:
            near = []
            for m in _NUMBER.finditer(doc.text, max(lo, start - _PLANT_REACH), min(hi, end + _PLANT_REACH)):
                value = try_decimal(m.group(0))
                if value is not None and value not in (gold.funding.annual_total, Decimal(0)):
                    near.append((min(abs(m.start() - start), abs(m.end() - end)), m.group(0)))
            if near:
                return Plant(placed.index, gold.name, "funding.annual_total", annual.text, min(near)[1])
    values = [i for i in placed.indicators if i.value.span is not None and i.value.text]
    values = [i for i in values if lo <= i.value.span[0] and i.value.span[1] <= hi]  # type: ignore[index]
    pairs = [
        (abs(other.value.span[0] - ind.value.span[0]), n, ind, other)  # type: ignore[index]
        for n, ind in enumerate(values)
        for other in values
        if normalise(other.value.text) != normalise(ind.value.text)
    ]
    if not pairs:
        return None
    *_, ind, other = min(pairs, key=lambda p: p[:2])
    return Plant(placed.index, gold.name, "indicator", ind.value.text, other.value.text, ind.gold)


def _schema(body: dict[str, Any]) -> dict[str, Any]:
    """The response schema of a request, whichever way its mode sent it."""
    tools = body.get("tools") or []
    if tools:
        return tools[0]["function"]["parameters"] | {"title": tools[0]["function"]["name"]}
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        spec = response_format["json_schema"]
        return spec["schema"] | {"title": spec.get("name", spec["schema"].get("title"))}
    for message in body.get("messages", []):
        text = str(message.get("content") or "")
        m = _SCHEMA_IN_PROMPT.search(text)
        if m:
            with contextlib.suppress(ValueError):
                schema, _ = json.JSONDecoder().raw_decode(text, m.end())
                return schema
    return {}


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return root.get("$defs", {}).get(ref.rsplit("/", 1)[1], {})
    return schema


def _list_property(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for key, prop in (schema.get("properties") or {}).items():
        if prop.get("type") == "array":
            return key, _resolve(prop.get("items", {}), schema)
    return "records", {}


_FIELD_ALIASES = {"value": "value_raw"}


def _shape(
    placed: PlacedRecord, start: int, end: int, item: dict[str, Any], root: dict[str, Any], region: str
) -> dict[str, Any]:
    """A gold record as the request's schema has it, with what is printed in ``[start, end)`` (``region``,
    normalised, is its text); a field the region does not print is left out, as the prompt asks."""
    out: dict[str, Any] = {}
    required = set(item.get("required") or ())
    for key, prop in (item.get("properties") or {}).items():
        if prop.get("type") == "array":
            inner = _resolve(prop.get("items", {}), root)
            out[key] = [_shape_indicator(i.gold, inner, region) for i in placed.indicators if _seen(i, start, end)]
        else:
            value = visible(placed.fields[key], start, end) if key in placed.fields else ""
            if value or key in required:
                out[key] = value
    return out


def _seen(indicator: Any, start: int, end: int) -> bool:
    name, value = indicator.name, indicator.value
    if not visible(name, start, end):
        return False
    return not value.text or bool(visible(value, start, end))


def _shape_indicator(gold: dict[str, Any], schema: dict[str, Any], region: str) -> dict[str, Any]:
    """An indicator as the schema has it, blank cells left out. Its levels, carried down from the rows above
    as the prompt asks, are left out when they are printed above the region: a model reading the region
    cannot know them."""
    out: dict[str, Any] = {}
    required = set(schema.get("required") or ())
    for key in schema.get("properties") or {}:
        value = gold.get(_FIELD_ALIASES.get(key, key))
        if key in ("level1", "level2") and value and normalise(value) not in region:
            value = ""
        if key == "column":
            out[key] = value or "annual"
        elif (isinstance(value, str) and value) or key in required:
            out[key] = value if isinstance(value, str) else ""
    return out


class DoubleServer(ThreadingHTTPServer):
    """The HTTP server of the test doubles (this oracle, the suite's scripted server)."""

    daemon_threads = True
    request_queue_size = 256  # the default listen backlog (5) refuses connections at concurrency 32


class JSONPostHandler(BaseHTTPRequestHandler):
    """An OpenAI-style endpoint's plumbing: a JSON body in, :meth:`answer` writes the reply. Quiet, no Nagle
    delay, and a client that gave up first (a timeout) is the expected end, not an error."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle + delayed ACK add 40 ms per reply.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.answer(body)

    def answer(self, body: dict[str, Any]) -> None:
        raise NotImplementedError


def _handler(oracle: OracleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(JSONPostHandler):
        def answer(self, body: dict[str, Any]) -> None:
            kind, data = oracle.respond(body)
            _send(self, oracle, kind, body, data)

    return Handler


def _send(handler: BaseHTTPRequestHandler, oracle: OracleServer, kind: str, body: dict[str, Any], data: Any) -> None:
    if kind == "drop":
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True
        return
    if kind == "slow":
        time.sleep(oracle._slow)
        handler.close_connection = True
        return
    if kind in ("429", "500", "503"):
        headers = {"Retry-After": "0"} if kind == "429" else {}
        _write(handler, int(kind), json.dumps({"error": {"message": "oracle fault", "type": "server_error"}}), headers)
        return
    completion = _completion(oracle, body, data)
    raw = json.dumps(completion, ensure_ascii=False)
    if kind == "malformed":
        raw = raw[: len(raw) // 2]  # a garbled body with a Content-Length that matches it
    if kind == "cut":
        encoded = raw.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(encoded)))
        handler.end_headers()
        handler.wfile.write(encoded[: len(encoded) // 2])
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True
        return
    _write(handler, 200, raw)


def _completion(oracle: OracleServer, body: dict[str, Any], data: Any) -> dict[str, Any]:
    text = json.dumps(data, ensure_ascii=False)
    if "tools" not in body and not (body.get("response_format") or {}).get("type"):
        text = f"```json\n{text}\n```"  # md_json: the reply text holds a fenced block
    completion_tokens = estimate_tokens(text)
    limit = body.get("max_tokens") or body.get("max_completion_tokens")
    finish = "stop"
    if limit and completion_tokens > int(limit):
        text, completion_tokens, finish = _truncate(text, int(limit)), int(limit), "length"
        with oracle._lock:
            oracle.stats.cut += 1
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        call = {"id": "call_0", "type": "function", "function": {"name": name, "arguments": text}}
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
    else:
        message = {"role": "assistant", "content": text}
    prompt = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
    schema = body.get("tools") or body.get("response_format") or ""
    prompt_tokens = estimate_tokens(prompt) + (estimate_tokens(json.dumps(schema, ensure_ascii=False)) if schema else 0)
    return {
        "id": "chatcmpl-oracle",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", MODEL),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _truncate(text: str, tokens: int) -> str:
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if estimate_tokens(text[:mid]) <= tokens:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]


def _write(handler: BaseHTTPRequestHandler, code: int, raw: str, headers: dict[str, str] | None = None) -> None:
    encoded = raw.encode()
    handler.send_response(code)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(encoded)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(encoded)
