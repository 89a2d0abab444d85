"""The web interface in a real browser: headless Chromium (Debian's ``chromium`` package, driven by
Playwright) against a server on 127.0.0.1 over a copy of the demo store.

These tests fail, never skip, when Chromium is missing: ``make test`` installs it. Set
``UNSPUN_WEB_SCREENSHOT=docs/web-screenshot.png`` to keep the trace page's screenshot, and
``UNSPUN_WEB_SCREENSHOTS=docs/img`` to keep the network's and a story's (network.png, story.png).
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
from test_web import HOSTILE_LEAD, HOSTILE_OUTLET, HOSTILE_TITLE, HOSTILE_URL, _copy, _id, synthetic_db

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
    page.wait_for_selector("svg[data-drawn=true]")
    assert HOSTILE_OUTLET in page.locator("#network text.label").all_text_contents()
    page.locator(f'#network g.node[data-outlet="{HOSTILE_OUTLET.replace(chr(34), chr(92) + chr(34))}"] circle').hover()
    assert page.locator("#network-tip").inner_text().startswith(HOSTILE_OUTLET + ": 1 article(s)")
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
    page.wait_for_selector("svg[data-drawn=true]")
    assert page.locator("#network g.node").count() == len(net["nodes"])
    assert page.locator("#network line.edge").count() == len(net["edges"])
    # the server's layout spread the outlets out: no two circles sit on each other
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


# -- a thousand outlets -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_base(tmp_path_factory):
    with running(synthetic_db(tmp_path_factory.mktemp("big") / "big.db")) as url:
        yield url


def _get_json(url):
    import urllib.request

    with urllib.request.urlopen(url) as r:
        return json.load(r)


def _visible_labels(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#network text.label'))
        .filter(t => getComputedStyle(t).visibility === 'visible')
        .map(t => { const r = t.getBoundingClientRect();
                    return {id: t.getAttribute('data-outlet'), x: r.x, y: r.y, w: r.width, h: r.height}; })""")


def _assert_apart(labels: list[dict]) -> None:
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = (a["x"] + a["w"] <= b["x"] + 0.5 or b["x"] + b["w"] <= a["x"] + 0.5
                     or a["y"] + a["h"] <= b["y"] + 0.5 or b["y"] + b["h"] <= a["y"] + 0.5)
            assert apart, (a, b)


def _screenshot(page, name: str, tmp_path, down_to: str) -> None:
    """The page from its top to the bottom of ``down_to``, 1280 pixels wide."""
    shot = tmp_path / name
    box = page.locator(down_to).bounding_box()
    bottom = box["y"] + box["height"] + page.evaluate("window.scrollY") + 12
    page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": bottom})
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
    if os.environ.get("UNSPUN_WEB_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["UNSPUN_WEB_SCREENSHOTS"]) / name)


def test_web_browser_network_of_a_thousand_outlets(big_base, page, tmp_path):
    net = _get_json(big_base + "/network.json")
    assert 950 <= net["total_outlets"] <= 1000
    page.goto(big_base + "/network")
    svg = page.wait_for_selector("#network svg[data-drawn=true]")
    assert page.locator("#network g.node").count() == len(net["nodes"])
    assert page.locator("#network line.edge").count() == len(net["edges"])
    drawn = sum(not n["aggregate"] and n["known"] for n in net["nodes"])
    assert page.locator(".count-shown").inner_text() == str(drawn)
    assert page.locator(".count-folded").inner_text() == str(net["folded_outlets"])
    assert page.locator(".count-hidden").inner_text() == str(net["hidden_outlets"])
    # every outlet where the server placed it
    frame = svg.bounding_box()
    for n in net["nodes"][::15]:
        b = page.locator(f'#network g.node[data-outlet="{n["id"]}"] circle').bounding_box()
        assert abs(b["x"] + b["width"] / 2 - frame["x"] - n["x"] * frame["width"]) < 1.5, n["id"]
        assert abs(b["y"] + b["height"] / 2 - frame["y"] - n["y"] * frame["height"]) < 1.5, n["id"]
    # labels for the biggest outlets, none over another
    labels = _visible_labels(page)
    assert 10 <= len(labels) < len(net["nodes"])
    _assert_apart(labels)
    biggest = max((n for n in net["nodes"] if not n["aggregate"]), key=lambda n: (n["articles"], n["id"]))
    assert biggest["id"] in {label["id"] for label in labels}
    # hovering an outlet names it, with its figures, and still no label overlaps
    hidden = next(n for n in net["nodes"] if not n["aggregate"] and n["id"] not in {label["id"] for label in labels})
    page.locator(f'#network g.node[data-outlet="{hidden["id"]}"] circle').hover(force=True)
    assert page.locator("#network-tip").inner_text().startswith(f'{hidden["id"]}: {hidden["articles"]} article(s)')
    assert hidden["id"] in {label["id"] for label in _visible_labels(page)}
    _assert_apart(_visible_labels(page))
    _screenshot(page, "network.png", tmp_path, ".network-card")
    # the wheel zooms in around the pointer: outlets move apart, more labels fit, none overlap
    page.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    page.mouse.wheel(0, -600)
    page.wait_for_function("Number(document.querySelector('#network svg').getAttribute('data-zoom')) > 1.5")
    page.wait_for_timeout(100)
    _assert_apart(_visible_labels(page))
    # dragging moves the view
    before = page.locator("#network g.node").first.get_attribute("transform")
    page.mouse.move(frame["x"] + 30, frame["y"] + 30)
    page.mouse.down()
    page.mouse.move(frame["x"] + 130, frame["y"] + 90, steps=5)
    page.mouse.up()
    page.wait_for_timeout(100)
    assert page.locator("#network g.node").first.get_attribute("transform") != before
    assert page.errors == [] and page.dialogs == []


def test_web_browser_network_search_highlights_an_outlet_and_opens_it(big_base, page):
    shown = {n["id"] for n in _get_json(big_base + "/network.json")["nodes"]}
    every = _get_json(big_base + "/network.json?max_nodes=1000")["nodes"]
    folded = sorted(n["id"] for n in every if n["id"] not in shown and (n["copies"] or n["copied"]))[0]
    page.goto(big_base + "/network")
    page.wait_for_selector("#network svg[data-drawn=true]")
    assert page.locator(f'#network g.node[data-outlet="{folded}"]').count() == 0
    page.fill("input[name=focus]", folded)
    page.press("input[name=focus]", "Enter")
    page.wait_for_url("**/network?focus=*")
    page.wait_for_selector("#network svg[data-drawn=true]")
    node = page.locator(f'#network g.node.focus[data-outlet="{folded}"]')
    assert node.count() == 1
    label = page.locator(f'#network text.label.focus[data-outlet="{folded}"]')
    assert label.evaluate("t => getComputedStyle(t).visibility") == "visible"
    assert folded in {label["id"] for label in _visible_labels(page)}
    _assert_apart(_visible_labels(page))
    # a folded node opens its community
    aggregate = page.locator("#network g.node.aggregate").first
    community = _get_json(big_base + "/network.json")["nodes"]
    aggregate_id = aggregate.get_attribute("data-outlet")
    number = next(n["community"] for n in community if n["id"] == aggregate_id)
    aggregate.locator("circle").click(force=True)
    page.wait_for_url(f"**/network?*community={number}*")
    page.wait_for_selector("#network svg[data-drawn=true]")
    assert page.locator("h1").inner_text() == f"Who copies whom: community {number}"
    # clicking an outlet opens its page
    page.goto(big_base + "/network?" + f"focus={folded}")
    page.wait_for_selector("#network svg[data-drawn=true]")
    page.locator(f'#network g.node[data-outlet="{folded}"] circle').click(force=True)
    page.wait_for_url(f"**/outlets/{folded}")
    assert page.locator("h1").inner_text() == folded
    assert page.errors == [] and page.dialogs == []


def test_web_browser_story_page_draws_its_timeline(big_base, page, tmp_path):
    page.goto(big_base + "/stories")
    first = page.locator("table.stories tbody tr").first
    story_id = first.get_attribute("data-story")
    first.locator("a").first.click()
    page.wait_for_url(f"**/stories/{story_id}")
    story = _get_json(big_base + f"/stories/{story_id}.json")
    markers = page.locator("svg.timeline .marker")
    assert markers.count() == len(story["members"]) == page.locator("table.members tbody tr").count()
    # one marker per member, drawn, the origin's first and leftmost of the dated ones
    xs = [markers.nth(i).bounding_box()["x"] for i in range(markers.count())]
    assert all(b is not None for b in xs)
    assert page.locator("svg.timeline a").first.get_attribute("data-id") == story_id
    assert "kind-origin" in markers.first.get_attribute("class")
    dated = [x for x, m in zip(xs, story["members"]) if m["hours_after_origin"] is not None]
    assert xs[0] <= min(dated) + 0.5
    assert page.locator("svg.timeline .row-label").count() == story["outlets"]
    _screenshot(page, "story.png", tmp_path, "table.members tbody tr:nth-child(4)")
    markers.nth(1).click()
    page.wait_for_url(f"**/articles/{story['members'][1]['id']}")
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
