"""The review UI in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

The server runs in a thread on a free 127.0.0.1 port against a run built from the real 国家信访局 budget PDF
and a text export whose text carries ``<script>``. Locally the tests skip when Chromium is missing; with
``CI`` set they fail instead, because CI installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.review_support import HOSTILE_NAME, IMG, build_pdf_run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
DOCS_SCREENSHOT = Path(__file__).parents[2] / "docs" / "review-record-page.png"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not Path(CHROMIUM).is_file():
    reason = "Chromium not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must install it", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

playwright_sync = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], object]]:
    from llmextract.review.app import create_app

    run = tmp_path_factory.mktemp("review") / "run"
    store, ids = build_pdf_run(run)
    store.close()
    calls: list[str] = []

    from llmextract.review.reverify import reverify_with_threshold

    checks = reverify_with_threshold()

    def reverify(record, store, stored):  # the default checks, counted
        calls.append(record.name)
        return checks(record, store, stored)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(run, reviewer="测试员", reverify=reverify)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "review server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids, calls
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def test_queue_lists_lowest_confidence_first(server, page):
    base, _, _ = server
    page.goto(base + "/")
    names = page.locator("table.queue td.name").all_inner_texts()
    assert names == ["信息化运行维护", HOSTILE_NAME, "信访综合保障经费"]
    confidences = [float(t) for t in page.locator("td.conf .num").all_inner_texts()]
    assert confidences == sorted(confidences)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue_page.png"))


def test_document_markup_is_shown_as_text_and_never_runs(server, page):
    base, ids, _ = server
    page.goto(f"{base}/record/{ids['hostile']}")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#record-name").inner_text() == HOSTILE_NAME
    assert IMG in page.locator("#source-text").inner_text()
    assert page.locator("#source-text img, #record-name script, tr.field img").count() == 0
    page.goto(f"{base}/")
    assert page.evaluate("window.__pwned") is None


def test_edit_with_the_keyboard_is_saved_and_reverified(server, page):
    base, ids, calls = server
    rid = ids["信息化运行维护"]
    page.goto(f"{base}/record/{rid}")
    assert page.locator("#confidence").inner_text() == "0.35"
    assert page.locator("code", has_text="record.sources-sum").count() == 1
    row = page.locator('tr.field[data-path="funding.annual_total"]')
    assert row.locator(".readings").inner_text().split() == ["规则", "2134.78", "LLM", "2134.87"]
    for _ in range(20):  # j until the 年度资金总额 row is the current one
        if "current" in (row.get_attribute("class") or ""):
            break
        page.keyboard.press("j")
    assert "current" in (row.get_attribute("class") or "")
    assert page.locator("#bbox").is_visible()
    assert page.evaluate("document.getElementById('page-image').naturalWidth") > 1000  # page 30, rendered at 2x
    assert page.locator("#source-text mark.current").inner_text() == "2,134.87"
    _screenshot(page)
    assert page.locator("#confidence").inner_text() == "0.35"
    page.keyboard.press("e")
    page.locator(".editor").fill("2,134.8x")
    page.keyboard.press("Enter")
    playwright_sync.expect(row.locator(".error")).to_contain_text("not a number")
    page.locator(".editor").fill("2,134.87")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "重新核查" in page.locator("#flash").inner_text()
    assert calls == ["信息化运行维护"]
    # Sources and total agree now; the weakest number is the indicator's, which no rule can check (0.85), and the
    # record still holds 3 of the table's indicators, so reading.incomplete halves it (0.85 × 0.5).
    assert page.locator("#confidence").inner_text() == "0.42"
    assert page.locator("code", has_text="reading.incomplete").count() >= 1
    assert page.locator("code", has_text="record.sources-sum").count() == 0
    assert page.locator('tr.field[data-path="funding.annual_total"] .value').inner_text() == "2134.87"
    assert "已修改" in page.locator('tr.field[data-path="funding.annual_total"] .decision').inner_text()


def test_editing_the_second_of_two_same_named_indicators_changes_only_it(server, page):
    """Before: both rows were ``indicators[annual:设备完好率]``, so saving the second one's edit changed the first."""
    base, ids, calls = server
    page.goto(f"{base}/record/{ids['信息化运行维护']}")
    first = page.locator('tr.field[data-path="indicators[1].value_raw"]')
    second = page.locator('tr.field[data-path="indicators[2].value_raw"]')
    assert "设备完好率" in first.locator("th").inner_text() and "设备完好率" in second.locator("th").inner_text()
    assert (first.locator(".value").inner_text(), second.locator(".value").inner_text()) == ("≥96%", "≤4小时")
    second.locator(".value").click()
    page.keyboard.press("e")
    page.locator(".editor").fill("≤5小时")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert calls[-1] == "信息化运行维护"
    assert (first.locator(".value").inner_text(), second.locator(".value").inner_text()) == ("≥96%", "≤5小时")
    assert "已修改" in second.locator(".decision").inner_text()
    assert "已修改" not in first.locator(".decision").inner_text()


def test_n_and_p_follow_the_queues_filter(server, page):
    base, _, _ = server
    page.goto(base + "/")
    page.locator("select[name=doc]").select_option(label="国家信访局2026年度部门预算.pdf")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    names = page.locator("table.queue td.name").all_inner_texts()
    assert sorted(names) == ["信息化运行维护", "信访综合保障经费"]  # the text export's record is filtered out
    with page.expect_navigation():
        page.keyboard.press("j")
        page.keyboard.press("Enter")
    assert page.locator("#record-name").inner_text() == names[0]
    assert page.locator("#queue-position").inner_text() == "1 / 2"
    with page.expect_navigation():
        page.keyboard.press("n")  # skips the text export's record, which the whole queue has in between or not
    assert page.locator("#record-name").inner_text() == names[1]
    assert "doc=" in page.url and page.locator("#next-record").count() == 0
    with page.expect_navigation():
        page.keyboard.press("p")
    assert page.locator("#record-name").inner_text() == names[0]
    with page.expect_navigation():
        page.keyboard.press("q")
    assert page.locator("table.queue td.name").all_inner_texts() == names


def test_the_reviewer_name_and_gold_export_forms_work(server, page):
    """Before: the pages sent ``Referrer-Policy: no-referrer``, so Chromium posted these forms with
    ``Origin: null`` and the server refused them as cross-origin."""
    base, ids, _ = server
    page.goto(f"{base}/record/{ids['hostile']}")
    page.locator("form.reviewer input[name=reviewer]").fill("王五")
    with page.expect_navigation():
        page.locator("form.reviewer button[type=submit]").click()
    assert page.url.startswith(f"{base}/record/")  # back where the form was posted from
    assert page.locator("form.reviewer input[name=reviewer]").input_value() == "王五"
    with page.expect_navigation():
        page.keyboard.press("A")
    assert page.locator("#record-status").get_attribute("data-status") == "accepted"
    with page.expect_download() as download:
        page.locator("form[action='/export'] button[type=submit]").click()
    gold = [json.loads(line) for line in Path(download.value.path()).read_text("utf-8").splitlines()]
    assert [g["reviewer"] for g in gold if g["record_key"] == ids["hostile"]] == ["王五"]
    page.locator("form.reviewer input[name=reviewer]").fill("测试员")  # the name the other tests expect
    with page.expect_navigation():
        page.locator("form.reviewer button[type=submit]").click()


def test_a_form_posted_from_another_origin_is_refused(server, page):
    """The same form, token included, from a page on another origin: refused, and the name stays."""
    base, _, _ = server
    page.goto(base + "/")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    attacker = (
        f'<form method="post" action="{base}/reviewer"><input name="csrf_token" value="{token}">'
        '<input name="reviewer" value="mallory"><input name="next" value="/"><button>go</button></form>'
    )
    page.route("http://attacker.test/", lambda route: route.fulfill(body=attacker, content_type="text/html"))
    page.goto("http://attacker.test/")
    with page.expect_navigation():
        page.locator("button").click()
    assert "request refused" in page.locator("body").inner_text()  # by the Origin check, not the token
    page.goto(base + "/")
    assert page.locator("form.reviewer input[name=reviewer]").input_value() != "mallory"


def test_accept_a_field_then_the_record(server, page):
    base, ids, _ = server
    page.goto(f"{base}/record/{ids['信访综合保障经费']}")
    with page.expect_navigation():
        page.keyboard.press("a")  # the first field, 项目名称
    assert "已接受" in page.locator('tr.field[data-path="name"] .decision').inner_text()
    assert page.locator("#record-status").get_attribute("data-status") == "pending"
    with page.expect_navigation():
        page.keyboard.press("A")
    assert page.locator("#record-status").get_attribute("data-status") == "accepted"
    page.goto(base + "/?status=accepted")
    assert "信访综合保障经费" in page.locator("table.queue td.name").all_inner_texts()


def _screenshot(page) -> None:
    """The record page as a reviewer sees it; the README's copy is refreshed only on request (it is committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "record_page.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("LLMEXTRACT_UPDATE_SCREENSHOTS") or not DOCS_SCREENSHOT.exists():
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOT)
