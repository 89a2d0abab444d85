"""The web interface in a real browser: headless Chromium (Debian's ``chromium`` package, driven by
Playwright) against a server on 127.0.0.1 over a copy of the demo store.

These tests fail, never skip, when Chromium is missing: ``make test`` installs it. Set
``UNSPUN_WEB_SCREENSHOT=docs/web-screenshot.png`` to keep the trace page's screenshot.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import DEMO
from test_web import HOSTILE_LEAD, HOSTILE_OUTLET, HOSTILE_TITLE, HOSTILE_URL, _copy, _id

CHROMIUM = os.environ.get("UNSPUN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium package "
                    "(apt-get install chromium; `make test` installs it) or UNSPUN_CHROMIUM=/path/to/chromium",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The browser tests need Playwright: pip install 'playwright>=1.40' (its own browser "
                    "download is not needed; Debian's chromium is used)", pytrace=False)
    with sync_playwright() as p:
        # launch() gives every run a fresh, empty profile in a temporary folder
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(db_path):
    """The app served by uvicorn on 127.0.0.1 in a thread; stopped on exit."""
    import uvicorn

    from unspun.web import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db_path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive(), "the web server did not stop"


@pytest.fixture
def db_path(demo_store, tmp_path):
    return _copy(demo_store, tmp_path / "web.db")


@pytest.fixture
def base(db_path):
    with running(db_path) as url:
        yield url


@pytest.fixture
def page(browser):
    """A fresh browser tab that records dialogs (alert() would mean injected script ran) and errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.dialogs, tab.errors = [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def _css(page, selector, prop):
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def test_web_browser_trace_by_pasting_text_with_screenshot(base, page, tmp_path):
    page.goto(base + "/")
    page.fill("textarea[name=text]", (DEMO / "fr-spun.txt").read_text(encoding="utf-8"))
    page.click("form.trace-form button[type=submit]")
    page.wait_for_url("**/trace?id=fr-spun-*")
    first = page.locator("section.source").first
    assert first.locator("h2").inner_text().startswith("#1")
    # roles are drawn in their own colours
    inserted = _css(page, "tr.role-inserted td.derived", "backgroundColor")
    translated = _css(page, "tr.role-translated td.derived", "backgroundColor")
    altered = _css(page, "tr.role-altered td.derived", "backgroundColor")
    assert len({inserted, translated, altered}) == 3
    # the changed number is marked inside the altered sentence, in both languages
    assert first.locator("tr.role-altered mark.fact").all_inner_texts() == ["1,8 milliard", "1.6 billion"]
    change = first.locator("tr.role-altered li.change-number").inner_text()
    assert "1.6 billion" in change and "1,8 milliard" in change and "another figure" in change
    # filtering by change type keeps only the rows with a change of that type
    rows = page.locator("section.source").first.locator("tr.row")
    total = rows.count()
    page.select_option("#change-type", "number")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and "role-altered" in visible[0].get_attribute("class")
    page.select_option("#change-type", "negation")
    assert not any(r.is_visible() for r in rows.all())
    page.select_option("#change-type", "")
    assert sum(1 for r in rows.all() if r.is_visible()) == total
    # persona sentences are underlined and say why
    persona = first.locator("tr.role-inserted u.artifact-persona").first
    assert _css(page, "tr.role-inserted u.artifact-persona", "textDecorationLine") == "underline"
    assert persona.get_attribute("title").startswith("persona: first-person")
    assert "persona" in first.locator("tr.role-inserted .artifact-note").first.inner_text()
    assert first.locator(".coverage-derived").inner_text().endswith("%")
    assert page.dialogs == [] and page.errors == []
    shot = tmp_path / "trace.png"
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": min(1500, height)})
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    assert int.from_bytes(data[16:20], "big") == 1280  # PNG width, from the IHDR chunk
    if os.environ.get("UNSPUN_WEB_SCREENSHOT"):
        shutil.copy(shot, os.environ["UNSPUN_WEB_SCREENSHOT"])


def test_web_browser_trace_an_uploaded_file_and_show_only_changes(base, page, db_path):
    page.goto(base + "/")
    page.set_input_files("input[name=file]", str(DEMO / "fr-spun.txt"))
    page.click("form.trace-form button[type=submit]")
    page.wait_for_url("**/trace?id=fr-spun-*")
    from unspun.store import Store

    assert page.url.split("id=")[1].split("&")[0] == _id(Store(db_path), "fr-spun")
    table = page.locator("section.source").first.locator("table.alignment")
    assert table.locator("tr.role-translated").first.is_visible()
    page.check("#only-changes")
    assert not table.locator("tr.role-translated").first.is_visible()
    assert table.locator("tr.role-inserted").first.is_visible()
    assert table.locator("tr.role-altered").first.is_visible()
    assert page.errors == []


def test_web_browser_hostile_upload_runs_no_script(base, page, db_path, tmp_path):
    from unspun.store import Store

    wire = Store(db_path).get_article(_id(Store(db_path), "en-wire"))
    record = {"id": "hostile-</title><script>alert(5)</script>", "lang": "en", "outlet": HOSTILE_OUTLET,
              "title": HOSTILE_TITLE, "url": HOSTILE_URL, "published": "2025-02-09T10:00:00+00:00",
              "text": HOSTILE_LEAD + "\n\n" + wire.text}
    upload = tmp_path / "<img src=x onerror=alert(6)>.jsonl"
    upload.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    page.goto(base + "/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("form.trace-form button[type=submit]")
    page.wait_for_url("**/trace?id=hostile-*")
    # the hostile text is shown as text, and it was traced to the wire story it copies
    assert page.locator("h1.article-title").inner_text() == HOSTILE_TITLE
    top = page.locator("section.source").first
    assert top.get_attribute("data-kind") == "verbatim"
    assert top.get_attribute("data-source-id") == wire.id
    assert "<script>alert(1)</script> Breaking: <img src=x onerror=alert(2)>" in top.inner_text()
    for path in (f"/articles/{record['id'].replace('/', '%2F').replace('<', '%3C').replace('>', '%3E')}",
                 "/search?q=alert", "/outlets", "/network", "/outlets/" + HOSTILE_OUTLET.replace('"', "%22")
                 .replace("<", "%3C").replace(">", "%3E").replace("/", "%2F")):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.locator("script:not([src]):not([type='application/json'])").count() == 0, path
        assert page.locator("img").count() == 0, path
    page.goto(base + "/network")
    page.wait_for_selector("svg[data-settled=true]")
    assert HOSTILE_OUTLET in page.locator("#network g.node text").all_text_contents()
    page.goto(base + "/articles/" + record["id"].replace("/", "%2F").replace("<", "%3C").replace(">", "%3E"))
    text = page.locator("section.article-text").inner_text()
    assert "\u202egnp.exe\u202c" in text and "قالت الحكومة إن الشبكة مستقرة 🔌" in text
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator(".bad-url").inner_text() == HOSTILE_URL
    assert page.dialogs == [], page.dialogs
    assert page.errors == [], page.errors


def test_web_browser_network_is_drawn_and_interactive(base, page):
    import urllib.request

    with urllib.request.urlopen(base + "/network.json") as r:
        net = json.load(r)
    page.goto(base + "/network")
    page.wait_for_selector("svg[data-settled=true]")
    assert page.locator("#network g.node").count() == len(net["nodes"])
    assert page.locator("#network line.edge").count() == len(net["edges"])
    # the layout spread the outlets out: no two circles sit on each other
    boxes = [page.locator("#network g.node circle").nth(i).bounding_box() for i in range(len(net["nodes"]))]
    centres = [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes]
    assert min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
               for i, a in enumerate(centres) for b in centres[i + 1:]) > 20
    node = page.locator('#network g.node[data-outlet="northwire.example"]')
    node.locator("circle").hover()
    assert page.locator("#network-tip").inner_text().startswith("northwire.example: 1 article(s)")
    node.locator("circle").click()
    page.wait_for_url("**/outlets/northwire.example")
    assert page.locator("h1").inner_text() == "northwire.example"
    assert page.errors == []


def test_web_browser_search_and_error_pages(base, page):
    page.goto(base + "/search")
    page.fill(".search-form input[name=q]", "Litgrid")
    page.select_option(".search-form select[name=lang]", "en")
    page.click(".search-form button[type=submit]")
    page.wait_for_url("**/search?q=Litgrid*")
    results = page.locator("li.result")
    assert results.count() >= 1
    assert all("Litgrid" in t for t in page.locator("li.result p.snippet mark").all_inner_texts())
    assert page.errors == []
    response = page.goto(base + "/articles/no-such-article")
    assert response.status == 404
    assert page.locator("section.error code").first.inner_text() == "not-found"
