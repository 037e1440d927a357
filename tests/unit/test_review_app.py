"""The review app through Starlette's TestClient: CSRF, host/origin checks, files served, escaping, edits."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from llmextract.review.app import create_app
from llmextract.review.reverify import reverify_with_threshold
from llmextract.review.security import COOKIE
from llmextract.store import RunStore
from tests.review_support import HOSTILE_DOC_ID, HOSTILE_NAME, HOSTILE_RID, IMG, SCRIPT, build_text_run

RID = HOSTILE_RID
DOC = HOSTILE_DOC_ID


@pytest.fixture
def run(tmp_path):
    build_text_run(tmp_path / "run").close()
    return tmp_path / "run"


@pytest.fixture
def calls():
    return []


@pytest.fixture
def client(run, calls):
    checks = reverify_with_threshold()

    def reverify(record, store, doc_id):
        calls.append((record.name, doc_id))
        return checks(record, store, doc_id)

    app = create_app(run, reviewer="张三", reverify=reverify)
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        c.get("/")  # the page sets the CSRF cookie, as a browser's first visit does
        yield c


def _token(client) -> str:
    return client.cookies[COOKIE]


def _decide(client, field, action, value=None, **headers):
    headers = {"x-csrf-token": _token(client), **headers}
    return client.post(
        f"/api/records/{RID}/decisions", json={"field": field, "action": action, "value": value}, headers=headers
    )


def test_document_text_and_record_fields_are_escaped(client):
    for url in ("/", f"/record/{RID}"):
        html = client.get(url).text
        assert SCRIPT not in html and IMG not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    page = client.get(f"/record/{RID}")
    assert "&lt;img src=x onerror=window.__pwned=2&gt;" in page.text
    # The JSON island cannot close its <script> element early.
    assert page.text.count("</script>") == page.text.count("<script")


def test_queue_filters(client):
    link = f"/record/{quote(RID, safe='')}"
    assert link in client.get("/?status=pending&severity=").text
    assert link not in client.get("/?rule=record.sources-sum").text
    assert link not in client.get("/?status=accepted").text
    assert link in client.get(f"/?doc={DOC}").text


def test_responses_forbid_inline_scripts(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_decision_without_the_token_is_refused(client, run):
    no_header = client.post(f"/api/records/{RID}/decisions", json={"field": "name", "action": "accept"})
    wrong = _decide(client, "name", "accept", **{"x-csrf-token": "guess"})
    client.cookies.clear()
    no_cookie = client.post(
        f"/api/records/{RID}/decisions", json={"field": "name", "action": "accept"}, headers={"x-csrf-token": "x"}
    )
    assert [r.status_code for r in (no_header, wrong, no_cookie)] == [403, 403, 403]
    with RunStore(run, create=False) as store:
        assert store.reviews() == []


def test_cross_origin_and_foreign_host_are_refused(client):
    assert _decide(client, "name", "accept", origin="http://evil.example").status_code == 403
    assert _decide(client, "name", "accept", **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    assert _decide(client, "name", "accept", origin="http://127.0.0.1:8765").status_code == 200


def test_forms_need_the_token(client):
    assert client.post("/reviewer", data={"reviewer": "mallory"}).status_code == 403
    assert client.post("/export", data={}).status_code == 403
    ok = client.post(
        "/reviewer",
        data={"reviewer": "李四", "csrf_token": _token(client), "next": "//evil.example"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    assert 'value="李四"' in client.get("/").text


@pytest.mark.parametrize(
    "url",
    [
        "/static/../../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fstore%2frun_store.py",
        "/page/..%2f..%2fetc%2fpasswd/1.png",
        f"/page/{DOC}/1.png",  # a text export has no page images
        "/page/" + "a" * 64 + "/1.png",
        "/record/..%2f..%2frun.sqlite",
        f"/record/{RID.split(':')[0]}:999",
        "/run.sqlite",
        "/sources/" + DOC + ".txt",
    ],
)
def test_nothing_outside_the_package_assets_and_page_images_is_served(client, url):
    assert client.get(url).status_code == 404


def test_static_assets_are_served(client):
    assert client.get("/static/review.js").status_code == 200


def test_edit_updates_the_record_stores_the_decision_and_reverifies(client, run, calls):
    reply = _decide(client, "funding.annual_total", "edit", "１２０.00")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert calls == [(HOSTILE_NAME, DOC)]
    # 60.00 + 40.00 no longer adds up to 120.00: the total is contradicted (0.25) and the record has an error
    # finding (× 0.6).
    assert [f["rule_id"] for f in body["findings"]] == ["record.sources-sum"]
    assert body["confidence"] == 0.15 and body["needs_review"]
    with RunStore(run, create=False) as store:
        stored = store.record(RID)
        assert stored.record.funding.annual_total == Decimal("120.00")
        assert stored.original.funding.annual_total == Decimal("100.00")
        assert [f.rule_id for f in store.findings(record_id=RID)] == ["record.sources-sum"]
        assert stored.record.number_checks  # the pipeline's verifier ran, not a stand-in
        (decision,) = store.reviews(RID)
    assert (decision.field, decision.action, decision.reviewer) == ("funding.annual_total", "edit", "张三")
    assert (decision.old_value, decision.new_value) == ("100.00", "120.00")
    assert decision.at


def test_edit_without_the_source_copy_is_refused_and_nothing_is_stored(client, run, calls):
    for copy in (run / "sources").iterdir():
        copy.unlink()
    reply = _decide(client, "funding.annual_total", "edit", "120.00")
    assert reply.status_code == 409
    assert not reply.json()["ok"]
    assert "could not be re-verified" in reply.json()["error"] and "no copy of the source" in reply.json()["error"]
    assert calls == [(HOSTILE_NAME, DOC)]
    with RunStore(run, create=False) as store:
        assert store.reviews() == [] and store.record(RID).record.funding.annual_total == Decimal("100.00")
    assert client.get(f"/record/{RID}").status_code == 200


def test_invalid_edit_is_refused_and_nothing_is_stored(client, run, calls):
    bad_amount = _decide(client, "funding.annual_total", "edit", "12O.00")
    bad_unit = _decide(client, "funding.unit", "edit", "美元")
    empty_name = _decide(client, "name", "edit", "")
    unknown = _decide(client, "funding.nothing", "edit", "1")
    assert [r.status_code for r in (bad_amount, bad_unit, empty_name, unknown)] == [422] * 4
    assert "not a number" in bad_amount.json()["error"]
    assert "funding.unit" in bad_unit.json()["error"]
    assert calls == []
    with RunStore(run, create=False) as store:
        assert store.reviews() == [] and store.record(RID).record.funding.annual_total == Decimal("100.00")


def test_accepting_every_field_accepts_the_record_and_exports_it(client, run):
    assert _decide(client, "name", "accept").json()["status"] == "pending"
    assert _decide(client, "record", "accept").json()["status"] == "accepted"
    export = client.post("/export", data={"csrf_token": _token(client)})
    assert export.status_code == 200
    (line,) = export.text.splitlines()
    assert '"status": "accepted"' in line and '"reviewer": "张三"' in line


def test_rejecting_the_record(client):
    assert _decide(client, "record", "reject").json()["status"] == "rejected"
    assert client.post("/export", data={"csrf_token": _token(client)}).text == ""
