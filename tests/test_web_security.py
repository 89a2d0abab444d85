"""The web interface's security review: headers, body limits, path and SQL injection, FTS5 query
syntax, the token and CSRF rules on every page, hostile Host headers, other sites' pages.

In-process (Starlette TestClient) over a copy of the demo store; nothing here runs the model.
"""
from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from urllib.parse import quote

import pytest

from unspun.graph import synthetic
from unspun.store import Store

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

TOKEN = "s3cret-token-value"


@pytest.fixture
def db(demo_store, tmp_path):
    path = tmp_path / "web.db"
    target = sqlite3.connect(path)
    demo_store.db.backup(target)
    target.close()
    return path


def _client(db, **options):
    from starlette.testclient import TestClient

    from unspun.web import create_app

    base = "http://10.0.0.5:8008" if options.get("token") else "http://127.0.0.1"
    return TestClient(create_app(db, **options), base_url=base)


@pytest.fixture
def client(db):
    with _client(db) as c:
        yield c


def _wire(db) -> str:
    [article_id] = [r["id"] for r in Store(db).iter_article_rows() if r["id"].startswith("en-wire")]
    return article_id


def _csrf(client) -> str:
    client.get("/")
    return client.cookies.get("unspun_csrf")


def _snapshot(db) -> tuple:
    """The store's schema and every table's row count (the derived search index aside)."""
    con = sqlite3.connect(db)
    schema = sorted(r[0] or "" for r in con.execute("SELECT sql FROM sqlite_master WHERE name NOT LIKE 'web_fts%'"))
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'web_fts%'")]
    counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    con.close()
    return schema, counts


# -- security headers ---------------------------------------------------------------------------

HEADERS = {
    "content-security-policy": None,  # checked below
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def _assert_secured(r, what) -> None:
    for name, value in HEADERS.items():
        assert len(r.headers.get_list(name)) == 1, (what, name, r.headers.get_list(name))
        if value:
            assert r.headers[name] == value, (what, name)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "default-src 'self'" in csp, what


PAGES = ["/", "/index.json", "/search?q=grid", "/search.json?q=grid", "/api/search?q=grid", "/api", "/outlets",
         "/outlets.json", "/outlets/northwire.example", "/network", "/network.json", "/stories", "/stories.json",
         "/static/style.css", "/static/app.js", "/static/favicon.svg"]


def test_web_security_headers_on_every_page_and_json_answer(client, db):
    wire = _wire(db)
    for path in PAGES + [f"/articles/{wire}", f"/articles/{wire}.json", f"/stories/{wire}", f"/stories/{wire}.json"]:
        r = client.get(path)
        assert r.status_code == 200, path
        _assert_secured(r, path)


def test_web_security_headers_on_every_error_and_redirect(db):
    with _client(db, max_upload_bytes=1000) as c:
        answers = {
            "404 page": c.get("/no/such/page"),
            "404 json": c.get("/articles/nope.json"),
            "400": c.get("/api/search", params={"from": "yesterday"}),
            "405": c.delete("/api/trace"),
            "413": c.post("/api/trace", content=b"x" * 100_000, headers={"Content-Type": "application/json"}),
            "415": c.post("/api/trace", content=b"{}", headers={"Content-Type": "text/plain"}),
            "403 csrf": c.post("/trace", data={"text": "x"}),
            "403 cross-site": c.post("/api/trace", json={"text": "x"}, headers={"Origin": "http://evil.example"}),
            "303": c.get("/trace", follow_redirects=False),
        }
        web = c.app.web
        taken = sum(1 for _ in iter(lambda: web.trace_slots.acquire(blocking=False), False))
        try:
            answers["503"] = c.get("/trace", params={"id": _wire(db)})
        finally:
            for _ in range(taken):
                web.trace_slots.release()
    with _client(db) as c:
        answers["421"] = c.get("/", headers={"Host": "attacker.example"})
    with _client(db, token=TOKEN) as c:
        answers["401"] = c.get("/outlets")
        answers["303 token"] = c.get(f"/?token={TOKEN}", follow_redirects=False)
    for what, r in answers.items():
        assert str(r.status_code) == what.split()[0], (what, r.status_code, r.text[:200])
        _assert_secured(r, what)


# -- body limits --------------------------------------------------------------------------------

def test_web_oversized_json_body_is_413_with_a_message(db):
    with _client(db, max_upload_bytes=2000) as c:
        # announced: refused before a byte is read
        r = c.post("/api/trace", content=b'{"text": "' + b"x" * 100_000 + b'"}',
                   headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too-large"
        assert "over the limit of 66,000" in r.json()["error"]["message"]
        # a text over the limit inside a body the server reads
        r = c.post("/api/trace", json={"text": "é" * 1500})
        assert r.status_code == 413
        assert r.json()["error"]["message"] == "The text is 3,000 bytes, over the limit of 2,000"


def test_web_oversized_form_body_is_413_with_a_message(db):
    with _client(db, max_upload_bytes=2000) as c:
        token = _csrf(c)
        for what, kwargs in {
            "urlencoded": {"data": {"text": "word " * 1000, "csrf": token}},
            "multipart": {"data": {"text": "word " * 1000, "csrf": token}, "files": {"file": ("a.txt", b"", "text/plain")}},
        }.items():
            r = c.post("/trace", headers={"Accept": "application/json"}, **kwargs)
            assert r.status_code == 413, (what, r.text)
            assert r.json()["error"] == {"code": "too-large",
                                         "message": "A field of the form is over the limit of 2,000 bytes",
                                         "hint": "Upload a single article; the limit is set with `unspun serve --max-upload-bytes`"}
            page = c.post("/trace", **kwargs)
            assert page.status_code == 413 and "over the limit of 2,000 bytes" in page.text, what
        # a body that does not say its length is cut off as it is read
        chunks = (b"text=" + b"x" * 995 for _ in range(200))
        r = c.post("/trace", content=chunks, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                      "Accept": "application/json"})
        assert r.status_code == 413 and "over the limit" in r.json()["error"]["message"]
        # a malformed form is a 400 that says so, not a crash
        r = c.post("/trace", content=b"--x\r\nnonsense", headers={"Content-Type": "multipart/form-data",
                                                                 "Accept": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad-request"
        assert r.json()["error"]["message"].startswith("The form cannot be read")


def _asgi_post(app, path: str, chunks: int, head: bytes, headers: list) -> tuple[int, int]:
    """POST ``head`` and then ``chunks`` pieces of 1,000 bytes to the ASGI app; returns (status,
    pieces the app read)."""
    read = 0
    status = []

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": head if read == 1 else b"x" * 1000, "more_body": read < chunks}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"127.0.0.1")] + headers, "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 1234), "http_version": "1.1", "root_path": "", "asgi": {"version": "3.0"}}
    asyncio.run(app(scope, receive, send))
    return status[0], read


@pytest.mark.parametrize("path, ctype, head", [
    ("/api/trace", b"application/json", b'{"text": "'),
    ("/trace", b"application/x-www-form-urlencoded", b"text="),
    ("/trace", b"multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\n'),
    ("/trace", b"multipart/form-data; boundary=x",
     b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'),
])
def test_web_oversized_body_is_not_read_into_memory(db, path, ctype, head):
    from unspun.web import create_app

    app = create_app(db, max_upload_bytes=10_000)  # bodies up to 74,000 bytes with the form framing
    # 100 MB announced: refused from the header, nothing read
    status, read = _asgi_post(app, path, 100_000, head, [(b"content-type", ctype), (b"content-length", b"100000000")])
    assert (status, read) == (413, 0)
    # 100 MB streamed without a length: reading stops just past the limit
    status, read = _asgi_post(app, path, 100_000, head, [(b"content-type", ctype)])
    assert status == 413 and read <= 75


# -- path traversal -----------------------------------------------------------------------------

TRAVERSALS = [
    "/articles/..%2F..%2Fetc%2Fpasswd", "/articles/..%2F..%2Fetc%2Fpasswd.json", "/articles/../../etc/passwd",
    "/articles/%2Fetc%2Fpasswd", "/articles/file:%2F%2F%2Fetc%2Fpasswd", "/articles/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/outlets/..%2F..%2Fetc%2Fpasswd", "/outlets/..%2F..%2Fsrc%2Funspun%2Fweb%2Fapp.py", "/stories/..%2F..%2Fetc%2Fpasswd",
    "/static/../app.py", "/static/..%2Fapp.py", "/static/%2e%2e/app.py", "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py", "/static/%252e%252e%252fapp.py", "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static//etc/passwd", "/static/%2Fetc%2Fpasswd", "/static/", "/static/templates/base.html",
    "/%2e%2e/%2e%2e/etc/passwd", "/static/..%c0%afapp.py", "/trace.json?id=..%2F..%2Fetc%2Fpasswd",
    "/trace.json?id=%2Fetc%2Fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_web_no_path_traversal(client, path):
    r = client.get(path)
    assert r.status_code == 404, r.text[:300]
    assert "root:" not in r.text and "import " not in r.text and "[project]" not in r.text
    assert r.headers["content-type"].startswith(("text/html", "application/json"))


def test_web_api_trace_id_is_never_a_file(client, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("A file on the server's disk.\n\nIt must never be read because a request named it.\n")
    for article_id in (str(article), "/etc/passwd", "../../etc/passwd"):
        r = client.post("/api/trace", json={"id": article_id})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not-found", article_id


# -- SQL injection ------------------------------------------------------------------------------

INJECTIONS = ["' OR 1=1 --", "\" OR \"\"=\"", "x'; DROP TABLE articles; --", "1 UNION SELECT id, text FROM articles --",
              "%", "_", "\\", "ʼ OR 1=1 --", "') OR ('a'='a", "northwire.example' --", "🔌' OR 'x'='x", "\u202e' OR 1=1"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_web_no_sql_injection(client, db, payload):
    before = _snapshot(db)
    part = quote(payload, safe="")
    for path in (f"/articles/{part}", f"/articles/{part}.json", f"/outlets/{part}", f"/outlets/{part}.json",
                 f"/stories/{part}", f"/stories/{part}.json"):
        assert client.get(path).status_code == 404, path
    assert client.get("/trace.json", params={"id": payload}).status_code == 404
    assert client.post("/api/trace", json={"id": payload}).status_code == 404
    for name in ("outlet", "lang"):
        r = client.get("/api/search", params={name: payload})
        assert r.status_code == 200 and r.json()["total"] == 0 and r.json()["results"] == [], name
    r = client.get("/api/search", params={"q": payload})
    assert r.status_code == 200, r.text
    assert {x["id"] for x in r.json()["results"]} <= {x["id"] for x in client.get("/api/search").json()["results"]}
    for name in ("kind", "from", "to"):
        r = client.get("/api/search", params={name: payload})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad-request", name
    r = client.get("/stories.json", params={"outlet": payload})
    assert r.status_code == 200 and r.json()["total"] == 0 and r.json()["stories"] == []
    r = client.get("/network.json", params={"focus": payload})
    assert r.status_code == 200 and payload not in {n["id"] for n in r.json()["nodes"]}
    r = client.get("/network.json", params={"lang": payload})
    assert r.status_code == 200 and r.json()["nodes"] == []
    for name in ("since", "until", "kind", "community", "max_nodes"):
        assert client.get("/network.json", params={name: payload}).status_code == 400, name
    assert _snapshot(db) == before


def test_web_numbers_past_sqlite_integers_are_clamped(client):
    huge = str(10**30)
    r = client.get("/api/search", params={"offset": huge, "limit": huge})
    assert r.status_code == 200 and r.json()["results"] == [] and r.json()["query"]["limit"] == 500
    assert client.get("/search", params={"offset": "-" + huge}).status_code == 200
    r = client.get("/stories.json", params={"offset": huge})
    assert r.status_code == 200 and r.json()["stories"] == []
    assert client.get("/network.json", params={"max_nodes": huge}).status_code == 400
    assert client.get("/network.json", params={"community": huge}).status_code == 400


def test_web_deeply_nested_json_is_400(client):
    r = client.post("/api/trace", content=b"[" * 100_000 + b"]" * 100_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "The body is not JSON this server reads: it is nested too deeply"


# -- FTS5 query syntax --------------------------------------------------------------------------

FTS_SYNTAX = ['"unbalanced', "AND OR", "NEAR(", "*", "col:x", "title:grid", "grid*", "^grid", "-grid", "grid NOT Baltic",
              "(", ")", '"', "''", "NEAR(grid Baltic, 2)", "{title text}: grid", "+", "AND", "a:b:c", "\x00", "grid OR",
              "text:Litgrid AND", '"Baltic states', "\u202e", "%", "_"]


@pytest.mark.parametrize("q", FTS_SYNTAX)
def test_web_fts5_syntax_is_searched_as_plain_words(client, q):
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, r.text
    words = re.findall(r"\w+", q)
    if words:  # the words themselves are searched, nothing else
        plain = client.get("/api/search", params={"q": " ".join(dict.fromkeys(words))}).json()
        assert r.json()["total"] == plain["total"]
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200


def test_web_fts5_column_filter_is_plain_text(client):
    # "text:Litgrid" is the two words "text" and "Litgrid", not a column filter
    assert client.get("/api/search", params={"q": "title:Litgrid"}).json()["total"] == 0
    assert client.get("/api/search", params={"q": "Litgrid"}).json()["total"] >= 2


def test_web_queries_of_too_many_words_are_400(client):
    many = " ".join(f"word{i}" for i in range(65))
    for path in ("/api/search", "/search.json"):
        r = client.get(path, params={"q": many})
        assert r.status_code == 400
        assert r.json()["error"] == {"code": "bad-request", "message": "The query has 65 words; search with at most 64",
                                     "hint": "See docs/web.md for the JSON API"}
    page = client.get("/search", params={"q": many})
    assert page.status_code == 400 and "search with at most 64" in page.text
    # a word repeated is searched once (FTS5 slows with the square of the terms)
    assert client.get("/api/search", params={"q": "grid " * 5000}).status_code == 200


# -- the token and CSRF on every page -----------------------------------------------------------

def test_web_token_guards_the_graph_pages(db):
    wire = _wire(db)
    paths = ["/outlets", "/outlets.json", "/outlets/northwire.example", "/outlets/northwire.example.json", "/network",
             "/network.json?max_nodes=3", "/stories", "/stories.json", f"/stories/{wire}", f"/stories/{wire}.json",
             f"/articles/{wire}", "/api", "/search?q=grid", "/trace.json?id=" + wire, "/static/network.js"]
    with _client(db, token=TOKEN) as c:
        for path in paths:
            r = c.get(path)
            assert r.status_code == 401, path
            assert wire not in r.text and "northwire" not in r.text, path
        assert c.post("/api/trace", json={"id": wire}).status_code == 401
        for path in paths[:-2]:
            assert c.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200, path


def test_web_every_form_that_writes_carries_the_csrf_token(client, db):
    wire = _wire(db)
    token = _csrf(client)
    for path in ["/", "/search?q=grid", "/outlets", "/outlets/northwire.example", "/network", "/stories",
                 f"/stories/{wire}", f"/articles/{wire}", "/no/such/page"]:
        html = client.get(path).text
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S):
            method = re.search(r'method="(\w+)"', form).group(1).lower()
            if method == "post":
                assert f'<input type="hidden" name="csrf" value="{token}">' in form, path
            else:  # the token never goes into an address
                assert 'name="csrf"' not in form, path


def test_web_only_the_trace_routes_take_posts(client, db):
    wire = _wire(db)
    token = _csrf(client)
    for path in ["/", "/search", "/api/search", "/outlets", "/outlets/northwire.example", "/network", "/stories",
                 f"/stories/{wire}", f"/articles/{wire}", "/api", "/static/style.css"]:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            r = client.request(method, path, data={"csrf": token})
            assert r.status_code in (404, 405), (method, path, r.status_code)


# -- hostile Host headers and other sites -------------------------------------------------------

HOSTILE_HOSTS = ["attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example", "attacker.example:8008",
                 "127.0.0.1@attacker.example", "localhost:8008@attacker.example", "127.0.0.1:8008:80", "127.0.0.1 evil",
                 "", "localhost.", "127.0.0.2", "0.0.0.0", "[::1]evil", "%31%32%37.0.0.1", "127.0.0.1\tx", "[::ffff:7f00:1]"]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_web_hostile_host_headers_are_refused(client, host):
    r = client.get("/api/search", params={"q": "grid"}, headers={"Host": host})
    assert r.status_code == 421, r.text[:200]
    assert r.json()["error"]["code"] == "bad-host" and "results" not in r.text
    assert client.post("/api/trace", json={"id": "x"}, headers={"Host": host}).status_code == 421


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8008", "localhost", "LOCALHOST:8008", "[::1]", "[::1]:8008"])
def test_web_loopback_host_headers_are_served(client, host):
    assert client.get("/api/search", params={"q": "grid"}, headers={"Host": host}).status_code == 200


def test_web_token_redirect_never_names_the_host(db):
    with _client(db, token=TOKEN) as c:
        r = c.get(f"/search?q=grid&token={TOKEN}", headers={"Host": "attacker.example"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/search?q=grid"


def test_web_pages_of_other_sites_cannot_load_from_the_server(client, db):
    wire = _wire(db)
    for mode, dest in (("no-cors", "image"), ("cors", "empty"), ("no-cors", "script")):
        for site in ("cross-site", "same-site"):
            headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest}
            # an <img src=/trace?id=…> on another site would run a trace on the visitor's server
            r = client.get("/trace", params={"id": wire}, headers=headers)
            assert r.status_code == 403 and "cannot load from this server" in r.text, (site, mode)
            assert client.get("/api/search?q=grid", headers=headers).status_code == 403
    # following a link from another site is fine; so are the server's own pages and tools
    nav = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert client.get("/outlets", headers=nav).status_code == 200
    own = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
    assert client.get("/api/search?q=grid", headers=own).status_code == 200
    assert client.get("/api/search?q=grid").status_code == 200


# -- many clients -------------------------------------------------------------------------------

def test_web_search_index_catches_up_once_under_concurrent_searches(tmp_path):
    """Server threads that search at once after new articles arrived bring the index up to date
    once (each appending the same rows was a constraint error: 500 in the soak benchmark)."""
    from unspun.web import service

    path = tmp_path / "many.db"
    store = Store(path)
    synthetic.generate(store, seed=2, communities=3, stories_per_originator=5)
    service.sync_search_index(store)
    store.db.execute("INSERT INTO articles (id, content_hash, url, outlet, lang, published, title, text, meta, ingested_at)"
                     " SELECT 'more-' || id, 'more-' || content_hash, url, outlet, lang, published, title, text, meta,"
                     " ingested_at FROM articles")  # new articles the index has not seen
    store.close()
    readers = [Store(path) for _ in range(8)]
    start, failures = threading.Barrier(len(readers)), []

    def search(s):
        start.wait()
        try:
            service.search(s, "Synthetic")
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            failures.append(exc)

    threads = [threading.Thread(target=search, args=(s,)) for s in readers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    articles, indexed = readers[0].db.execute("SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM web_fts)").fetchone()
    assert articles == indexed > 0
    assert service.search(readers[0], "Synthetic", limit=1)["total"] == articles
