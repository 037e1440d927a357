"""The review app through Starlette's TestClient: CSRF, host/origin checks, files served, escaping, edits,
request bodies, the queue's filters and pages, and what a record page reads."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from llmextract.pipeline import Config
from llmextract.review import views
from llmextract.review.app import create_app
from llmextract.review.reverify import reverify_with_threshold
from llmextract.review.security import COOKIE
from llmextract.settings import ExtractorKind
from llmextract.store import RunStore
from llmextract.store import run_store as run_store_module
from tests.review_support import (
    HOSTILE_DOC_ID,
    HOSTILE_KEY,
    HOSTILE_NAME,
    IMG,
    SCRIPT,
    build_many_run,
    build_text_run,
    hostile_document,
    hostile_record,
    key_of,
)

KEY = HOSTILE_KEY
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

    def reverify(record, store, stored):
        calls.append((record.name, stored.doc_id))
        return checks(record, store, stored)

    app = create_app(run, reviewer="张三", reverify=reverify)
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        c.get("/")  # the page sets the CSRF cookie, as a browser's first visit does
        yield c


def _token(client) -> str:
    return client.cookies[COOKIE]


def _decide(client, field, action, value=None, **headers):
    headers = {"x-csrf-token": _token(client), **headers}
    return client.post(
        f"/api/records/{KEY}/decisions", json={"field": field, "action": action, "value": value}, headers=headers
    )


def test_document_text_and_record_fields_are_escaped(client):
    for url in ("/", f"/record/{KEY}"):
        html = client.get(url).text
        assert SCRIPT not in html and IMG not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    page = client.get(f"/record/{KEY}")
    assert "&lt;img src=x onerror=window.__pwned=2&gt;" in page.text
    # The JSON island cannot close its <script> element early.
    assert page.text.count("</script>") == page.text.count("<script")


def test_queue_filters(client):
    link = f"/record/{quote(KEY, safe='')}"
    assert link in client.get("/?status=pending&severity=").text
    assert link not in client.get("/?rule=record.sources-sum").text
    assert link not in client.get("/?status=accepted").text
    assert link in client.get(f"/?doc={DOC}").text


def test_responses_forbid_inline_scripts(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_decision_without_the_token_is_refused(client, run):
    no_header = client.post(f"/api/records/{KEY}/decisions", json={"field": "name", "action": "accept"})
    wrong = _decide(client, "name", "accept", **{"x-csrf-token": "guess"})
    client.cookies.clear()
    no_cookie = client.post(
        f"/api/records/{KEY}/decisions", json={"field": "name", "action": "accept"}, headers={"x-csrf-token": "x"}
    )
    assert [r.status_code for r in (no_header, wrong, no_cookie)] == [403, 403, 403]
    with RunStore(run, create=False) as store:
        assert store.reviews() == []


def test_cross_origin_and_foreign_host_are_refused(client):
    assert _decide(client, "name", "accept", origin="http://evil.example").status_code == 403
    assert _decide(client, "name", "accept", origin="null").status_code == 403  # sandboxed frame, hidden referrer
    assert _decide(client, "name", "accept", origin="http://127.0.0.1:9999").status_code == 403  # another port
    assert _decide(client, "name", "accept", **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert _decide(client, "name", "accept", **{"sec-fetch-site": "same-site"}).status_code == 403
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    assert _decide(client, "name", "accept", origin="http://127.0.0.1:8765").status_code == 200


def test_forms_posted_from_the_page_itself_are_accepted(client):
    """Before: the pages sent ``Referrer-Policy: no-referrer``, under which a browser posts forms with
    ``Origin: null``, so the reviewer-name and gold-export forms were refused as cross-origin. The pages now
    ask for ``same-origin``, which makes the browser name this server as the Origin (the browser test checks
    the real thing); a form from anywhere else is still refused."""
    assert client.get("/").headers["referrer-policy"] == "same-origin"
    same = {"origin": "http://127.0.0.1:8765", "sec-fetch-site": "same-origin"}
    form = {"reviewer": "李四", "csrf_token": _token(client), "next": "/"}
    assert client.post("/reviewer", data=form, headers=same, follow_redirects=False).status_code == 303
    assert client.post("/export", data={"csrf_token": _token(client)}, headers=same).status_code == 200
    for origin in ("null", "http://evil.example"):
        refused = client.post("/reviewer", data=form | {"reviewer": "mallory"}, headers={"origin": origin})
        assert refused.status_code == 403
    assert 'value="李四"' in client.get("/").text


@pytest.mark.parametrize(
    "body",
    [b"{", b"\xff\xfe", b"", b"[1, 2]", b'"accept"', b"null", b"1e999999"],
    ids=["cut", "not-utf8", "empty", "list", "string", "null", "number"],
)
def test_a_malformed_decision_body_is_a_400(client, run, body):
    reply = client.post(
        f"/api/records/{KEY}/decisions",
        content=body,
        headers={"x-csrf-token": _token(client), "content-type": "application/json"},
    )
    assert reply.status_code == 400 and reply.json()["ok"] is False
    with RunStore(run, create=False) as store:
        assert store.reviews() == []


def test_a_decision_on_a_field_that_is_no_field_path_is_refused(client):
    for field in ("indicators[annual:覆盖率]", "indicators[0]", "funding", "../name"):
        reply = _decide(client, field, "edit", "1")
        assert reply.status_code == 422 and "未知字段" in reply.json()["error"], field


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
        f"/record/{KEY.split(':')[0]}:999",
        f"/record/{KEY.split('-', 1)[1]}",  # a record id is not a key
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
        stored = store.record(KEY)
        assert stored.record.funding.annual_total == Decimal("120.00")
        assert stored.original.funding.annual_total == Decimal("100.00")
        assert [f.rule_id for f in store.findings(record_key=KEY)] == ["record.sources-sum"]
        assert stored.record.number_checks  # the pipeline's verifier ran, not a stand-in
        (decision,) = store.reviews(KEY)
    assert (decision.field, decision.action, decision.reviewer) == ("funding.annual_total", "edit", "张三")
    assert (decision.old_value, decision.new_value) == ("100.00", "120.00")
    assert decision.at


def test_edit_without_the_source_copy_is_refused_and_nothing_is_stored(client, run, calls):
    for copy in (run / "sources").iterdir():
        copy.unlink()
    reply = _decide(client, "funding.annual_total", "edit", "120.00")
    assert reply.status_code == 409
    assert not reply.json()["ok"]
    assert "无法重新核查这次修改" in reply.json()["error"] and "原文副本" in reply.json()["error"]
    assert calls == [(HOSTILE_NAME, DOC)]
    with RunStore(run, create=False) as store:
        assert store.reviews() == [] and store.record(KEY).record.funding.annual_total == Decimal("100.00")
    assert client.get(f"/record/{KEY}").status_code == 200


def test_invalid_edit_is_refused_and_nothing_is_stored(client, run, calls):
    bad_amount = _decide(client, "funding.annual_total", "edit", "12O.00")
    bad_unit = _decide(client, "funding.unit", "edit", "美元")
    empty_name = _decide(client, "name", "edit", "")
    unknown = _decide(client, "funding.nothing", "edit", "1")
    assert [r.status_code for r in (bad_amount, bad_unit, empty_name, unknown)] == [422] * 4
    assert "不是数字" in bad_amount.json()["error"]
    assert "funding.unit" in bad_unit.json()["error"]
    assert calls == []
    with RunStore(run, create=False) as store:
        assert store.reviews() == [] and store.record(KEY).record.funding.annual_total == Decimal("100.00")


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


def test_reverification_routes_with_the_runs_own_threshold(tmp_path):
    """Before: the app re-verified at the default 0.7 whatever threshold the run was made with."""
    config = Config(extractor=ExtractorKind.rules, review_threshold=0.9)
    build_text_run(tmp_path / "run", config).close()
    key = key_of(hostile_record(hostile_document()), config)
    with TestClient(create_app(tmp_path / "run"), base_url="http://127.0.0.1:8765") as c:
        c.get("/")
        # 实施期资金总额 is not checkable (0.85): below the run's 0.9, above the default 0.7.
        body = _decide_key(c, key, "funding.period_total", "edit", "200").json()
    assert body["confidence"] == 0.85 and body["needs_review"] is True


def _links(html: str) -> dict[str, str]:
    return {m[1]: unescape(m[2]) for m in re.finditer(r'<a id="([a-z-]+)" href="([^"]*)"', html)}


@pytest.fixture
def many(tmp_path):
    store, keys = build_many_run(tmp_path / "many", 30)
    store.close()
    with TestClient(create_app(tmp_path / "many"), base_url="http://127.0.0.1:8765") as c:
        c.get(f"/record/{keys[0]}")  # sets the token cookie, shows no queue page
        yield c, keys


def test_a_record_page_parses_that_record_only(many, monkeypatch):
    client, keys = many
    parsed = []
    stored = run_store_module._stored
    monkeypatch.setattr(run_store_module, "_stored", lambda row: parsed.append(row["record_key"]) or stored(row))
    page = client.get(f"/record/{keys[10]}")
    assert page.status_code == 200 and parsed == [keys[10]]
    links = _links(page.text)
    assert (links["prev-record"], links["next-record"]) == (f"/record/{quote(keys[9])}", f"/record/{quote(keys[11])}")
    assert '<span class="muted" id="queue-position">11 / 30</span>' in page.text


def test_n_and_p_follow_the_queues_filter(many):
    client, keys = many
    query = "rule=record.sources-sum&status=pending"
    queue = client.get(f"/?{query}").text
    # Every third record has the error; the queue links carry the filter to the record pages.
    assert f'href="/record/{quote(keys[3])}?{query.replace("&", "&amp;")}"' in queue
    links = _links(client.get(f"/record/{keys[3]}?{query}").text)
    assert links["prev-record"] == f"/record/{quote(keys[0])}?{query}"
    assert links["next-record"] == f"/record/{quote(keys[6])}?{query}"
    assert links["queue-link"] == f"/?{query}"
    # A record that has left the filtered queue (decided: no longer pending) keeps its place in it.
    assert _decide_key(client, keys[3], "record", "reject").status_code == 200
    page = client.get(f"/record/{keys[3]}?{query}").text
    links = _links(page)
    assert links["prev-record"] == f"/record/{quote(keys[0])}?{query}"
    assert links["next-record"] == f"/record/{quote(keys[6])}?{query}"
    assert "– / 9" in page


def _decide_key(client, key, field, action, value=None):
    return client.post(
        f"/api/records/{key}/decisions",
        json={"field": field, "action": action, "value": value},
        headers={"x-csrf-token": _token(client)},
    )


def test_the_queue_is_paged_and_parses_only_the_page_it_shows(many, monkeypatch):
    client, keys = many
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    parsed = []
    stored = run_store_module._stored
    monkeypatch.setattr(run_store_module, "_stored", lambda row: parsed.append(row["record_key"]) or stored(row))
    page = client.get("/?page=2").text
    assert parsed == keys[10:20]
    assert "第 2 / 3 页" in page and "全部 30" in page
    assert re.findall(r"测试项目\d+", page) == [f"测试项目{i:03d}" for i in range(10, 20)]
    links = _links(page)
    assert (links["prev-page"], links["next-page"]) == ("/?page=1", "/?page=3")
    filtered = client.get("/?rule=record.sources-sum&page=99").text  # 10 matches: one page, shown whole
    assert 'class="pager"' not in filtered and "测试项目027" in filtered and "测试项目000" in filtered


def test_a_queue_page_shown_again_parses_only_the_records_decided_since(many, monkeypatch):
    client, keys = many
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    parsed = []
    stored = run_store_module._stored
    monkeypatch.setattr(run_store_module, "_stored", lambda row: parsed.append(row["record_key"]) or stored(row))
    client.get("/")
    assert parsed == keys[:10]
    parsed.clear()
    assert _decide_key(client, keys[4], "name", "accept").status_code == 200  # still pending: same row
    parsed.clear()
    page = client.get("/").text
    assert parsed == [keys[4]]  # its decisions changed; the other nine lines are kept
    assert page.count(">1/1<") == 1  # 测试项目004: its one field decided


@pytest.fixture
def routed(tmp_path):
    """30 records, those below 0.7 to review (the first 23 of the queue)."""
    store, keys = build_many_run(tmp_path / "routed", 30, threshold=0.7)
    store.close()
    with TestClient(create_app(tmp_path / "routed"), base_url="http://127.0.0.1:8765") as c:
        c.get(f"/record/{keys[0]}")
        yield c, keys


def test_the_default_queue_is_the_records_that_need_review_with_the_threshold(routed):
    client, keys = routed
    page = client.get("/").text
    names = re.findall(r"测试项目\d+", page)
    assert names == [f"测试项目{i:03d}" for i in range(23)]
    assert "需要审核 23" in page and "全部记录 30" in page
    assert '置信度低于阈值\n    <strong>0.70</strong>' in page
    everything = client.get("/?view=all").text
    assert re.findall(r"测试项目\d+", everything) == [f"测试项目{i:03d}" for i in range(30)]
    # A record page reached from the default queue walks that queue: the last to review has no next.
    assert "next-record" not in _links(client.get(f"/record/{keys[22]}").text)
    everything = _links(client.get(f"/record/{keys[22]}?view=all").text)
    assert everything["next-record"] == f"/record/{quote(keys[23])}?view=all"


def test_a_record_decision_names_the_next_record_to_review(routed):
    client, keys = routed
    _decide_key(client, keys[1], "record", "accept")  # decided before: skipped
    body = _decide_key(client, keys[0], "record", "accept").json()
    assert body["status"] == "accepted" and body["next"] == f"/record/{quote(keys[2])}"
    assert _decide_key(client, keys[2], "name", "accept").json()["next"] == f"/record/{quote(keys[2])}?field=name"
    for key in keys[2:23]:
        last = _decide_key(client, key, "record", "reject").json()
    assert last["next"] == "/?done=1"
    assert "已经没有待审的记录" in client.get(last["next"]).text


def test_decisions_work_as_plain_form_posts_without_javascript(routed):
    client, keys = routed
    form = {"csrf_token": _token(client), "field": "name", "action": "accept"}
    done = client.post(f"/record/{keys[0]}", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/record/{quote(keys[0])}?field=name"
    page = client.get(done.headers["location"]).text
    assert "✓ 已接受" in page
    edit = form | {"field": "name", "action": "edit", "value": "测试项目000改"}
    assert client.post(f"/record/{keys[0]}?view=all", data=edit, follow_redirects=False).status_code == 303
    whole = client.post(f"/record/{keys[0]}", data=form | {"field": "record"}, follow_redirects=False)
    assert whole.headers["location"] == f"/record/{quote(keys[1])}"
    refused = client.post(f"/record/{keys[1]}", data=form | {"action": "edit", "value": ""})
    assert refused.status_code == 422 and "项目名称不能为空" in refused.text
    assert client.post(f"/record/{keys[1]}", data={**form, "csrf_token": "guess"}).status_code == 403


def test_a_value_of_twenty_thousand_characters_is_too_long(client, run):
    """Before: refused as "the value must be text" (over 20,000), or stored (20,000 itself)."""
    reply = _decide(client, "overview", "edit", "很" * 20_000)
    assert reply.status_code == 422 and "过长（too long）" in reply.json()["error"]
    with RunStore(run, create=False) as store:
        assert store.reviews() == []


def test_findings_are_shown_in_chinese_with_their_rule_id_and_fields_with_their_reasons(client):
    assert _decide(client, "funding.annual_total", "edit", "120.00").status_code == 200
    page = client.get(f"/record/{KEY}").text
    assert "<code>record.sources-sum</code>" in page
    assert "项目的各资金来源之和等于其年度（及实施期）资金总额" in page
    assert "do not add up" not in page and ">error<" not in page and "错误" in page
    # 年度资金总额 is contradicted by record.sources-sum: its line says so, with the factor.
    row = page.split('data-path="funding.annual_total"', 1)[1].split("</tr>", 1)[0]
    assert "与其他数字矛盾" in row and "×0.25" in row and "<code>record.sources-sum</code>" in row
    assert "原文中逐字找到" in page.split('data-path="name"', 1)[1].split("</tr>", 1)[0]
    # The record's own line: its weakest field times the error finding, = the confidence.
    why = page.split('id="record-why"', 1)[1].split("</div>", 1)[0]
    assert "最弱字段 年度资金总额" in why and "错误发现 record.sources-sum" in why and "0.15" in why
