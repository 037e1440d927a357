"""Fixtures for the LLM tests: the 遗属补助 table of seed 001 (as a part and as one request's chunk), settings
pointing at a scripted server, and the pytest-recording configuration for the cassettes recorded from a real
llama.cpp server."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from llmextract import load_document
from llmextract.core.document import Document
from llmextract.extract.llm.chunks import Chunk
from llmextract.layout.parts import Part, find_project_tables
from llmextract.settings import Settings
from tests.conftest import seed

HERE = Path(__file__).parent
REPLY = HERE / "fixtures" / "yishu_reply.json"
# The key tests use: a secret-looking value the tests can search for in files and logs.
FAKE_KEY = "sk-test-DO-NOT-LEAK-0123456789"


@pytest.fixture(scope="session")
def seed001() -> Document:
    return load_document(seed("001"))


@pytest.fixture(scope="session")
def yishu_block(seed001: Document) -> Part:
    (block,) = [p for p in find_project_tables(seed001) if p.name == "遗属补助"]
    return block


def chunk_of(doc: Document, start: int, end: int, region: int = 0) -> Chunk:
    """The request for the whole lines of ``doc.text[start:end]``, read for project records."""
    lines = [n for n, ln in enumerate(doc.lines) if ln.start < end and start < ln.end]
    first, last = doc.lines[lines[0]], doc.lines[lines[-1]]
    return Chunk("project", region, lines[0], lines[-1], first.start, last.end, first.page)


@pytest.fixture(scope="session")
def yishu_chunk(seed001: Document, yishu_block: Part) -> Chunk:
    return chunk_of(seed001, yishu_block.start, yishu_block.end)


@pytest.fixture
def yishu_reply() -> dict:
    return json.loads(REPLY.read_text(encoding="utf-8"))


def scripted_settings(base_url: str, tmp_path: Path | None = None, **overrides: object) -> Settings:
    """Fast settings for the scripted server: short timeout and backoff so fault tests run in seconds."""
    settings = Settings(
        base_url=base_url,
        api_key=FAKE_KEY,
        model="scripted-model",
        mode="tools",
        concurrency=4,
        max_reasks=2,
        max_retries=3,
        timeout=2.0,
        backoff_cap=0.2,
        cache_path=None if tmp_path is None else tmp_path / "cache.sqlite",
    )
    return replace(settings, **overrides)


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    return {
        # record_mode is left to the command line: pytest-recording defaults to "none" (replay only).
        "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization"],
        "match_on": ["method", "scheme", "host", "port", "path", BODY_MATCHER],
        "decode_compressed_response": True,
    }


# A re-ask quotes pydantic's validation error, whose links name pydantic's minor version
# ("https://errors.pydantic.dev/2.14/v/value_error"); the cassettes must replay under any pydantic the
# project allows (.ci/floors runs the suite at the lowest), so requests are compared without it.
BODY_MATCHER = "body_any_pydantic"
_PYDANTIC_LINK = re.compile(r"errors\.pydantic\.dev/[0-9.]+/")


def _unversioned_body(request: Any) -> Any:
    body = request.body or b""
    text = _PYDANTIC_LINK.sub("errors.pydantic.dev/", body.decode("utf-8") if isinstance(body, bytes) else body)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _same_body_any_pydantic(r1: Any, r2: Any) -> None:
    assert _unversioned_body(r1) == _unversioned_body(r2)


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher(BODY_MATCHER, _same_body_any_pydantic)


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    # tests/cassettes/<module>/<test>.yaml, shared layout for every recorded test in the repository.
    return str(HERE.parent / "cassettes" / request.module.__name__.rsplit(".", 1)[-1])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Live tests talk to a real endpoint and cost money: they run only when asked for with -m live.
    if "live" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="talks to a real LLM endpoint; run with -m live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
