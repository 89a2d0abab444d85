"""The web interface without a browser: pages, JSON twins, the JSON API, errors and safety.

Runs the real app (Starlette TestClient) over a copy of the demo store with the real model.
The browser tests are in test_web_browser.py.
"""
from __future__ import annotations

import json
import re
import sqlite3
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from conftest import DEMO

from unspun.article import Article
from unspun.cli import main
from unspun.settings import Settings

# Starlette 1.x suggests httpx2 for its TestClient; httpx works the same.
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

HOSTILE_TITLE = '<script>alert("title")</script> Baltic grid <b>news'
HOSTILE_OUTLET = 'evil"><script>alert(3)</script>.example'
HOSTILE_URL = "javascript:alert(4)"
# Sentences a hostile page might carry: script tags, broken markup, an attribute breakout,
# right-to-left overrides, zero-width and combining characters, Arabic, emoji.
HOSTILE_LEAD = ("<script>alert(1)</script> Breaking: <img src=x onerror=alert(2)> the grid story </td></table></textarea>"
                " continues. Readers wrote \u202egnp.exe\u202c and \u200b\u200dZ\u0338a\u0301lgo\u0336 text. "
                "قالت الحكومة إن الشبكة مستقرة 🔌.")


def _id(store, prefix):
    [row] = [r["id"] for r in store.iter_article_rows() if r["id"].startswith(prefix)]
    return row


def _copy(store, path):
    target = sqlite3.connect(path)
    store.db.backup(target)
    target.close()
    return path


@pytest.fixture(scope="session")
def hostile_db(demo_store, tmp_path_factory):
    """The demo store plus a hostile copy of the wire story (linked as a verbatim copy), built once."""
    from unspun.link import link_store
    from unspun.pipeline import store_article
    from unspun.store import Store, parse_time

    path = _copy(demo_store, tmp_path_factory.mktemp("web") / "hostile.db")
    store = Store(path)
    wire = store.get_article(_id(store, "en-wire"))
    hostile = Article(text=HOSTILE_LEAD + "\n\n" + wire.text, title=HOSTILE_TITLE, id="hostile-<b>&amp;",
                      url=HOSTILE_URL, outlet=HOSTILE_OUTLET, published=parse_time("2025-02-09T10:00:00+00:00"))
    store_article(hostile, store, Settings())
    link_store(store, Settings())
    store.close()
    return path


@pytest.fixture
def db(hostile_db, tmp_path):
    """A fresh copy per test, so tests that add articles do not change what others see."""
    from unspun.store import Store

    s = Store(hostile_db)
    path = _copy(s, tmp_path / "web.db")
    s.close()
    return path


@pytest.fixture
def client(db):
    from starlette.testclient import TestClient

    from unspun.web import create_app

    with TestClient(create_app(db), base_url="http://127.0.0.1") as c:
        yield c


def _store(path):
    from unspun.store import Store

    return Store(path)


# -- the JSON API gives what the CLI prints -----------------------------------------------------

def test_web_api_trace_prints_what_the_cli_prints(db, client):
    text = (DEMO / "fr-spun.txt").read_text(encoding="utf-8")
    cli = CliRunner().invoke(main, ["trace", str(DEMO / "fr-spun.txt"), "--db", str(db), "--json"],
                             catch_exceptions=False)
    assert cli.exit_code == 0, cli.output
    r = client.post("/api/trace", json={"text": text})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.text == cli.output
    result = r.json()
    assert result["article"]["lang"] == "fr"
    assert result["sources"] and result["artifacts"]["artifacts"]


def test_web_trace_by_upload_by_id_and_twin_agree(db, client):
    data = (DEMO / "fr-spun.txt").read_bytes()
    up = client.post("/trace", files={"file": ("fr-spun.txt", data, "text/plain")}, data={"csrf": _csrf(client)},
                     headers={"Accept": "application/json"})
    assert up.status_code == 200, up.text
    article_id = up.json()["article"]["id"]
    assert article_id == _id(_store(db), "fr-spun")  # the id the CLI gives the same file
    assert client.get("/trace.json", params={"id": article_id}).json() == up.json()
    assert client.post("/api/trace", json={"id": article_id}).json() == up.json()
    # the form redirects to the trace page
    page = client.post("/trace", files={"file": ("fr-spun.txt", data, "text/plain")}, data={"csrf": _csrf(client)},
                       follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/trace?id=fr-spun-")


def test_web_api_trace_with_title_and_lang(client):
    body = ("Estonia, Latvia and Lithuania disconnected their electricity systems from the Russian-controlled "
            "BRELL grid on Saturday and synchronised with the continental European network.")
    r = client.post("/api/trace", json={"text": body, "title": "A short one", "lang": "en"})
    assert r.status_code == 200
    assert r.json()["article"]["title"] == "A short one" and r.json()["article"]["lang"] == "en"


# -- the trace page -----------------------------------------------------------------------------

def test_web_trace_page_shows_roles_changed_facts_artifacts_and_coverage(client, db):
    article_id = _id(_store(db), "fr-spun")
    result = client.get("/trace.json", params={"id": article_id}).json()
    html = client.get("/trace", params={"id": article_id}).text
    top = result["sources"][0]
    # every alignment row of every source is drawn, coloured by its role
    rows = re.findall(r'<tr class="row role-(\w+)(?: opinion)?" data-role="\w+" data-changes="([\w ]*)">', html)
    assert [r for r, _ in rows] == [r["role"] for s in result["sources"] for r in s["alignment"]]
    assert [c for _, c in rows] == [" ".join(sorted({c["type"] for c in r["changes"]}))
                                    for s in result["sources"] for r in s["alignment"]]
    assert {"inserted", "altered", "omitted"} <= {r for r, _ in rows}
    # the changed number is marked in both sentences, and listed by type with its reason
    assert '<mark class="fact fact-number change-number" title="changed number">1,8 milliard</mark>' in html
    assert '<mark class="fact fact-number change-number" title="changed number">1.6 billion</mark>' in html
    assert ('<b>number</b> <span class="was">1.6 billion</span> → <span class="now">1,8 milliard</span>'
            '<span class="reason">the source gives another figure</span>') in html
    # a reader can filter the rows by change type: every type is offered
    for t in ("number", "date", "name", "quote", "attribution", "negation", "hedge", "pronoun", "evaluative"):
        assert f'<option value="{t}">{t}</option>' in html
    # the persona sentences inserted are shown as opinion, and the link's opinion share is given
    assert 'class="row role-inserted opinion"' in html and "new opinion" in html
    # persona sentences are underlined with their reason
    persona = next(a for a in result["artifacts"]["artifacts"] if a["kind"] == "persona")
    assert f'<u class="artifact artifact-persona" title="persona: {_esc(persona["reason"])}">' in html
    assert f'<b>persona</b>: {_esc(persona["reason"])}' in html
    # coverage percentages and a link to each source
    assert f'<span class="coverage-derived">{top["coverage"]["derived"]:.0%}</span>' in html
    for s in result["sources"]:
        assert f'href="/articles/{quote(s["id"], safe="")}"' in html
    # the page title is the article's title as text, and the artifact table is drawn once
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith("Trace: Les pays baltes") and "<" not in title
    assert html.count('<section class="card artifacts">') == 1


def _esc(text):
    import markupsafe

    return str(markupsafe.escape(text))


def test_web_trace_form_without_input_shows_the_error(client):
    r = client.post("/trace", data={"text": "", "id": "", "csrf": _csrf(client)})
    assert r.status_code == 400
    assert 'data-code="bad-request"' in r.text and "Paste a text, choose a file or give an article id" in r.text
    j = client.post("/trace", data={"text": "", "csrf": _csrf(client)}, headers={"Accept": "application/json"})
    assert j.status_code == 400 and j.json()["error"]["code"] == "bad-request"


def test_web_trace_rejects_short_text_with_its_reason(client, db):
    r = client.post("/api/trace", json={"text": "Too short."})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "rejected" and r.json()["error"]["reason"] == "too-short"
    page = client.post("/trace", data={"text": "Too short.", "csrf": _csrf(client)})
    assert page.status_code == 422 and "too-short" in page.text and "Too short." in page.text
    assert ("pasted text", "too-short") in {(r["input"], r["reason"]) for r in _store(db).rejected()}


def test_web_upload_of_binary_is_rejected_not_run(client):
    r = client.post("/trace", files={"file": ("evil.sh", b"#!/bin/sh\n\x00\x01rm -rf /\n" * 20, "text/x-sh")},
                    data={"csrf": _csrf(client)}, headers={"Accept": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"] == {"code": "rejected", "reason": "binary",
                                 "message": "evil.sh was rejected: the file holds binary data (NUL bytes), not text"}


def test_web_upload_over_the_limit_is_refused(db):
    from starlette.testclient import TestClient

    from unspun.web import create_app

    with TestClient(create_app(db, max_upload_bytes=2000), base_url="http://127.0.0.1") as c:
        big = b"Word " * 20_000
        r = c.post("/trace", files={"file": ("big.txt", big, "text/plain")}, data={"csrf": _csrf(c)},
                   headers={"Accept": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too-large"
        page = c.post("/trace", files={"file": ("big.txt", big, "text/plain")}, data={"csrf": _csrf(c)})
        assert page.status_code == 413 and "too-large" in page.text
        # a body that does not announce its size is cut off while it is read
        chunks = (b"x" * 1000 for _ in range(200))
        streamed = c.post("/api/trace", content=chunks, headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "too-large"


def test_web_api_trace_bad_requests(client):
    assert client.post("/api/trace", content=b"{not json",
                       headers={"Content-Type": "application/json"}).json()["error"]["code"] == "bad-request"
    r = client.post("/api/trace", json={"title": "no text"})
    assert r.status_code == 400 and '"text"' in r.json()["error"]["message"]
    assert client.post("/api/trace", json={"text": 42}).status_code == 400
    r = client.delete("/api/trace")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method-not-allowed"


# -- pages and their JSON twins -----------------------------------------------------------------

TWINS = ["/", "/search?q=Baltic", "/outlets", "/outlets/northwire.example", "/network", "/api/search?q=grid",
         "/network?kind=verbatim&max_nodes=3", "/stories", "/stories?lang=en&limit=5"]


@pytest.mark.parametrize("path", TWINS)
def test_web_every_page_has_a_json_twin(client, path):
    base, _, query = path.partition("?")
    suffixed = ("/index" if base == "/" else base) + ".json" + ("?" + query if query else "")
    a = client.get(suffixed)
    b = client.get(path, headers={"Accept": "application/json"})
    assert a.status_code == b.status_code == 200
    assert a.headers["content-type"].startswith("application/json")
    assert a.json() == b.json()
    if not base.startswith("/api"):
        html = client.get(path)
        assert html.headers["content-type"].startswith("text/html")
        assert f'href="{suffixed.replace("&", "&amp;")}"' in html.text  # the page links its twin


def test_web_article_page_and_twin(client, db):
    store = _store(db)
    copy, wire = _id(store, "en-copy"), _id(store, "en-wire")
    data = client.get(f"/articles/{copy}.json").json()
    assert data["article"]["id"] == copy and data["sentences"]
    assert any(s["id"] == wire and s["kind"] == "verbatim" for s in data["sources"])
    html = client.get(f"/articles/{copy}").text
    assert f'href="/articles/{wire}"' in html and f'href="/trace?id={copy}"' in html


def test_web_unknown_article_is_404_page_and_json(client):
    r = client.get("/articles/no-such-article.json")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not-found"
    assert r.json()["error"]["message"].startswith("No article with id 'no-such-article'")
    page = client.get("/articles/no-such-article")
    assert page.status_code == 404 and 'data-code="not-found"' in page.text
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/trace.json", params={"id": "nope"}).json()["error"]["code"] == "not-found"
    assert client.get("/outlets/nowhere.example.json").json()["error"]["code"] == "not-found"


# -- search -------------------------------------------------------------------------------------

def test_web_search_full_text_and_filters(client, db):
    store = _store(db)
    r = client.get("/api/search", params={"q": "Litgrid"}).json()
    ids = {x["id"] for x in r["results"]}
    assert _id(store, "en-wire") in ids and _id(store, "fr-spun") in ids
    assert all("Litgrid" in x["snippet"] for x in r["results"])
    en = client.get("/api/search", params={"q": "Litgrid", "lang": "en"}).json()["results"]
    assert en and all(x["lang"] == "en" for x in en)
    out = client.get("/api/search", params={"outlet": "northwire.example"}).json()
    assert [x["id"] for x in out["results"]] == [_id(store, "en-wire")]
    verbatim = client.get("/api/search", params={"kind": "verbatim"}).json()["results"]
    assert _id(store, "en-copy") in {x["id"] for x in verbatim}
    assert _id(store, "en-wire") not in {x["id"] for x in verbatim}
    day = client.get("/api/search", params={"from": "2025-02-09", "to": "2025-02-09"}).json()["results"]
    assert {x["published"][:10] for x in day} == {"2025-02-09"}
    # a phrase must occur as written; accents are not needed to match
    assert client.get("/api/search", params={"q": '"Baltic states"'}).json()["total"] >= 2
    assert client.get("/api/search", params={"q": "electrique"}).json()["total"] >= 1


def test_web_search_never_fails_on_query_syntax(client):
    for q in ['"', 'AND OR NOT (', "title:x*", "NEAR(a b)", "'; DROP TABLE articles; --", "\u202e\u0000"]:
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, q


def test_web_search_bad_filters_are_400(client):
    r = client.get("/api/search", params={"from": "yesterday"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-request"
    assert "YYYY-MM-DD" in r.json()["error"]["message"]
    assert client.get("/search", params={"kind": "stolen"}).status_code == 400


def test_web_search_index_follows_the_store(client, db):
    from unspun.pipeline import store_article

    assert client.get("/api/search", params={"q": "zeppelinfabrik"}).json()["total"] == 0
    store = _store(db)
    store_article(Article(text="The zeppelinfabrik in Friedrichshafen reopened on Monday after a long pause.",
                          title="Zeppelin works reopen"), store, Settings(detect_artifacts=False))
    store.close()
    assert client.get("/api/search", params={"q": "zeppelinfabrik"}).json()["total"] == 1


# -- outlets and the network --------------------------------------------------------------------

def test_web_outlet_page_says_who_copies_whom_and_how_fast(client):
    wire = client.get("/outlets/northwire.example.json").json()
    assert wire["articles"] == 1 and wire["languages"] == {"en": 1}
    by = {g["outlet"]: g for g in wire["copied_by"]}
    assert by["dailypanorama.example"]["kinds"] == {"verbatim": 1}
    assert by["dailypanorama.example"]["median_delay_hours"] == 3.58  # 11:30 → 15:05
    assert by["dailypanorama.example"]["languages"] == {"en→en": 1}
    copy = client.get("/outlets/dailypanorama.example.json").json()
    assert copy["derived_articles"] == 1 and copy["copied_share"] == 1.0
    assert {g["outlet"] for g in copy["copies_from"]} >= {"northwire.example"}
    html = client.get("/outlets/dailypanorama.example").text
    assert "northwire.example" in html and "3.6 h" in html


def test_web_network_has_outlets_and_edges(client):
    net = client.get("/network.json").json()
    names = {n["id"] for n in net["nodes"]}
    assert {"northwire.example", "dailypanorama.example", "ostseebote.example"} <= names
    edges = {(e["source"], e["target"]): e for e in net["edges"]}
    assert edges[("northwire.example", "dailypanorama.example")]["kinds"] == {"verbatim": 1}
    assert edges[("northwire.example", "ostseebote.example")]["kinds"] == {"translation": 1}


def test_web_outlet_page_shows_the_profile_role_community_and_stories(client, db):
    wire = client.get("/outlets/northwire.example.json").json()
    assert wire["role"] == "originator" and wire["community"] is not None
    assert wire["summary"][0] == "derives none of its 1 articles from another outlet in the store"
    assert [s["id"] for s in wire["stories"]] == [_id(_store(db), "en-wire")]
    html = client.get("/outlets/northwire.example").text
    for line in wire["summary"]:
        assert f"<li>{_esc(line)}</li>" in html
    role = f'<span class="outlet-role outlet-role-originator" title="{_esc(wire["role_reason"])}">originator</span>'
    assert role in html
    assert f'href="/network?community={wire["community"]}">community {wire["community"]}</a>' in html
    assert f'href="/stories/{_id(_store(db), "en-wire")}"' in html
    assert 'href="/stories?outlet=northwire.example"' in html
    # the article without an outlet is grouped, never linked as an outlet
    assert 'href="/outlets/%28unknown%20outlet%29"' not in html and "unknown outlet" in html


def test_web_outlets_list_gives_roles_and_communities(client):
    rows = {o["outlet"]: o for o in client.get("/outlets.json").json()["outlets"]}
    assert rows["northwire.example"]["source_articles"] == 1 and rows["northwire.example"]["role"] == "originator"
    assert rows["dailypanorama.example"]["derived_articles"] == 1 and rows["dailypanorama.example"]["role"] == "relay"
    assert rows["diariodelsur.example"]["community"] is None
    keys = {"outlet", "articles", "langs", "derived_articles", "source_articles", "role", "community"}
    assert keys <= set(rows["northwire.example"])


def test_web_stories_list_the_families_largest_first(client, db):
    store = _store(db)
    wire = _id(store, "en-wire")
    data = client.get("/stories.json").json()
    assert data["total"] == len(data["stories"]) >= 1
    top = data["stories"][0]
    assert top["id"] == wire and top["origin_outlet"] == "northwire.example"
    assert top["title"].startswith("Baltic states") and top["articles"] >= 4 and top["outlets"] >= 4
    assert [s["articles"] for s in data["stories"]] == sorted((s["articles"] for s in data["stories"]), reverse=True)
    html = client.get("/stories").text
    assert f'<tr data-story="{wire}"><td><a href="/stories/{wire}">{_esc(top["title"])}</a>' in html
    # an outlet's stories; none for an outlet in no story
    assert client.get("/stories.json", params={"outlet": "dailypanorama.example"}).json()["stories"][0]["id"] == wire
    assert client.get("/stories.json", params={"outlet": "diariodelsur.example"}).json()["total"] == 0
    # paging
    one = client.get("/stories.json", params={"limit": 1, "offset": 1}).json()
    assert one["stories"] == data["stories"][1:2] and one["offset"] == 1


def test_web_story_page_has_its_timeline_and_members(client, db):
    store = _store(db)
    wire, copy = _id(store, "en-wire"), _id(store, "en-copy")
    story = client.get(f"/stories/{copy}.json").json()  # any member's id names the story
    assert story["id"] == wire and story == client.get(f"/stories/{wire}.json").json()
    members = {m["id"]: m for m in story["members"]}
    assert members[wire]["origin"] and members[wire]["hours_after_origin"] == 0
    assert members[copy]["source"] == wire and members[copy]["kind"] == "verbatim" and members[copy]["depth"] == 1
    assert members[copy]["hours_after_origin"] == 3.58
    html = client.get(f"/stories/{wire}").text
    timeline = html.split('<svg class="timeline"')[1].split("</svg>")[0]
    assert f'data-members="{len(members)}"' in timeline
    assert len(re.findall(r'class="marker kind-(\w+)"', timeline)) == len(members)
    assert re.findall(r'class="marker kind-(\w+)"', timeline)[0] == "origin"
    assert timeline.count('class="row-label"') == story["outlets"]
    # the member table: one row per member, each with its article page and its trace
    assert len(re.findall(r'<tr data-id="', html)) == len(members)
    for article_id in members:
        assert f'href="/articles/{quote(article_id, safe="")}"' in html
        assert f'href="/trace?id={quote(article_id, safe="")}"' in html
    assert '<span class="kind kind-verbatim">verbatim</span>' in html
    assert '<span class="kind kind-translation">translation</span>' in html
    # the article page links its story; an article in no story does not
    assert f'<a class="story-link" href="/stories/{copy}">' in client.get(f"/articles/{copy}").text
    assert 'class="story-link"' not in client.get(f"/articles/{_id(store, 'es-independent')}").text


def test_web_unknown_story_is_404(client, db):
    r = client.get("/stories/no-such-article.json")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not-found"
    assert r.json()["error"]["message"].startswith("No story with the article 'no-such-article'")
    r = client.get(f"/stories/{_id(_store(db), 'es-independent')}")  # an article linked with none
    assert r.status_code == 404 and 'data-code="not-found"' in r.text


def test_web_network_filters(client):
    everything = client.get("/network.json").json()
    assert everything["filters"]["max_nodes"] == 150 and everything["filters"]["community"] is None
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in everything["nodes"])
    verbatim = client.get("/network.json", params={"kind": "verbatim"}).json()
    assert verbatim["edges"] and all(set(e["kinds"]) == {"verbatim"} for e in verbatim["edges"])
    assert verbatim["filters"]["kinds"] == ["verbatim"]
    german = client.get("/network.json", params={"lang": "de"}).json()  # one German article: nothing links
    assert german["edges"] == [] and german["filters"]["langs"] == ["de"]
    later = client.get("/network.json", params={"since": "2025-02-09", "until": "2025-02-09"}).json()
    assert later["filters"]["since"] == "2025-02-09T00:00:00Z" and later["filters"]["until"] == "2025-02-09T23:59:59Z"
    assert ("northwire.example", "dailypanorama.example") not in {(e["source"], e["target"]) for e in later["edges"]}
    wire = client.get("/outlets/northwire.example.json").json()
    community = client.get("/network.json", params={"community": wire["community"]}).json()
    assert community["nodes"] and {n["community"] for n in community["nodes"]} == {wire["community"]}
    # past max_nodes, outlets are folded into one node per community; a searched outlet stays drawn
    small = client.get("/network.json", params={"max_nodes": 1}).json()
    assert [n["id"] for n in small["nodes"] if not n["aggregate"]] == ["northwire.example"]
    assert small["folded_outlets"] == sum(n["members"] for n in small["nodes"] if n["aggregate"]) >= 2
    focus = client.get("/network.json", params={"max_nodes": 1, "focus": "dailypanorama.example"}).json()
    assert {"northwire.example", "dailypanorama.example"} <= {n["id"] for n in focus["nodes"]}
    # the form sends empty fields for "any": they are no filter
    blank = client.get("/network.json?focus=&lang=&kind=&since=&until=&community=&max_nodes=").json()
    assert blank == everything
    html = client.get("/network", params={"max_nodes": 1}).text
    assert '<span class="count-shown">1</span> outlets drawn' in html
    assert f'<span class="count-folded">{small["folded_outlets"]}</span> smaller linked outlets folded' in html


@pytest.mark.parametrize("path, message", [
    ("/network?since=garbage", "Cannot read the time 'garbage'"),
    ("/network?until=2025-13-45", "Cannot read the time '2025-13-45'"),
    ("/network?kind=stolen", "Unknown link kind(s): stolen"),
    ("/network?community=abc", "community must be a whole number, got 'abc'"),
    ("/network?community=99", "There is no community 99 under these filters"),
    ("/network?max_nodes=0", "max_nodes must be between 1 and 1000, got 0"),
    ("/network?max_nodes=many", "max_nodes must be a whole number, got 'many'"),
    ("/stories?since=yesterday", "Cannot read the time 'yesterday'"),
    ("/stories?limit=ten", "limit must be a whole number, got 'ten'"),
])
def test_web_network_and_stories_bad_filters_are_400(client, path, message):
    base, _, query = path.partition("?")
    r = client.get(f"{base}.json?{query}")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-request"
    assert r.json()["error"]["message"].startswith(message)
    page = client.get(path)
    assert page.status_code == 400 and 'data-code="bad-request"' in page.text and _esc(message) in page.text


def synthetic_db(path, outlets: int = 1000):
    """A store of ``outlets`` outlets (40 planted communities, the rest independents) with planted
    stories, written as rows (no text, no model): a fraction of a second."""
    from unspun.graph import synthetic
    from unspun.store import Store

    store = Store(path)
    synthetic.generate(store, seed=3, communities=40, independents=outlets - 317, stories_per_originator=3)
    store.close()
    return path


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    from starlette.testclient import TestClient

    from unspun.web import create_app

    with TestClient(create_app(synthetic_db(tmp_path_factory.mktemp("big") / "big.db")),
                    base_url="http://127.0.0.1") as c:
        yield c


def test_web_network_of_a_thousand_outlets_is_folded(big_client):
    net = big_client.get("/network.json").json()
    assert 950 <= net["total_outlets"] <= 1000
    drawn = [n for n in net["nodes"] if not n["aggregate"]]
    folds = [n for n in net["nodes"] if n["aggregate"]]
    assert len(drawn) == 150 and folds and len(folds) <= len(net["all_communities"])
    assert len(drawn) + net["folded_outlets"] + net["hidden_outlets"] == net["total_outlets"]
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in net["nodes"])
    # every outlet, up to the limit
    full = big_client.get("/network.json", params={"max_nodes": 1000}).json()
    assert len(full["nodes"]) == full["total_outlets"] and full["folded_outlets"] == full["hidden_outlets"] == 0
    # the page lists at most 300 links and says so
    html = big_client.get("/network", params={"max_nodes": 1000}).text
    assert len(full["edges"]) > 300
    assert f"The 300 links with the most articles of {len(full['edges'])}" in html
    table = html.split('<table class="edges">')[1].split("</table>")[0]
    assert table.count("<tr>") == 301  # the head and 300 links
    # a folded node's links open its community
    assert re.search(r'<a class="folded" href="/network\?community=\d+">\(small outlets of community \d+\)</a>',
                     big_client.get("/network").text)


def test_web_stories_of_a_thousand_outlets_page_through(big_client):
    first = big_client.get("/stories.json", params={"limit": 20}).json()
    assert first["total"] > 100 and len(first["stories"]) == 20
    second = big_client.get("/stories.json", params={"limit": 20, "offset": 20}).json()
    assert not {s["id"] for s in first["stories"]} & {s["id"] for s in second["stories"]}
    html = big_client.get("/stories", params={"limit": 20, "offset": 20}).text
    assert 'href="/stories?limit=20&amp;offset=40"' in html and 'href="/stories?limit=20"' in html


# -- hostile input ------------------------------------------------------------------------------

OUR_SCRIPTS = {'<script src="/static/app.js" defer>', '<script src="/static/network.js" defer>',
               '<script type="application/json" id="network-data">'}


def _assert_inert(html: str) -> None:
    """No markup from stored text survives: only our own script tags, no javascript: links."""
    assert set(re.findall(r"<script[^>]*>", html)) <= OUR_SCRIPTS
    assert "<img" not in html
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.I)
    assert "</textarea></table>" not in html
    assert "<b>news" not in html and "<b>&amp;" not in html


def test_web_hostile_article_is_escaped_everywhere(client):
    hostile = "hostile-<b>&amp;"
    pages = {
        "article": client.get("/articles/" + "hostile-%3Cb%3E%26amp%3B"),
        "trace": client.get("/trace", params={"id": hostile}),
        "search": client.get("/search", params={"q": "alert grid"}),
        "outlet": client.get("/outlets/" + 'evil%22%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E.example'),
        "outlets": client.get("/outlets"),
        "network": client.get("/network"),
        "network-focus": client.get("/network", params={"focus": HOSTILE_OUTLET}),
        "network-missing": client.get("/network", params={"focus": "</script><script>alert(7)</script>"}),
        "stories": client.get("/stories"),
        "story": client.get("/stories/" + "hostile-%3Cb%3E%26amp%3B"),
        "wire outlet": client.get("/outlets/northwire.example"),
        "index": client.get("/"),
    }
    for name, r in pages.items():
        assert r.status_code == 200, name
        _assert_inert(r.text)
    article = pages["article"].text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Baltic grid &lt;b&gt;news" in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Breaking: &lt;img src=x onerror=alert(2)&gt;" in article
    assert "\u202egnp.exe\u202c" in article and "قالت الحكومة" in article and "🔌" in article
    assert '<span class="external bad-url" title="not an http(s) link">javascript:alert(4)</span>' in article
    assert "hostile-&lt;b&gt;&amp;amp;" in article
    # the hostile copy is traced to the wire story, its sentences escaped in the alignment
    trace = pages["trace"].text
    assert 'data-kind="verbatim"' in trace
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in trace
    # stored text (and what a visitor typed) cannot close the network page's data block
    for name in ("network", "network-focus", "network-missing"):
        block = pages[name].text.split('<script type="application/json" id="network-data">')[1].split("</script>")[0]
        assert "<" not in block, name
        assert json.loads(block)["nodes"], name
    assert HOSTILE_OUTLET in {n["id"] for n in json.loads(pages["network-focus"].text.split(
        'id="network-data">')[1].split("</script>")[0])["nodes"]}
    missing = "No outlet named <q>&lt;/script&gt;&lt;script&gt;alert(7)&lt;/script&gt;</q>"
    assert missing in pages["network-missing"].text
    # the hostile copy's story lists it by its escaped title and outlet
    story = pages["story"].text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Baltic grid &lt;b&gt;news" in story
    assert _esc(HOSTILE_OUTLET) in story
    # the JSON twin carries the raw text (JSON is not HTML; it is served as application/json)
    j = client.get("/articles/hostile-%3Cb%3E%26amp%3B.json")
    assert j.json()["article"]["title"] == HOSTILE_TITLE
    assert j.headers["x-content-type-options"] == "nosniff"


def test_web_pages_send_a_strict_content_security_policy(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp


# -- who may connect ----------------------------------------------------------------------------

def test_web_token_is_required_on_every_request(db):
    from starlette.testclient import TestClient

    from unspun.web import create_app

    token = "s3cret-token-value"
    with TestClient(create_app(db, token=token), base_url="http://10.0.0.5:8008") as c:
        for path in ("/", "/static/style.css", "/api/search?q=grid", "/articles/x.json"):
            r = c.get(path)
            assert r.status_code == 401, path
        assert c.get("/api/search?q=grid", headers={"Accept": "application/json"}).json()["error"]["code"] == "unauthorized"
        assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/search?q=grid", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert c.get("/api/search?q=grid", headers={"X-Unspun-Token": token}).status_code == 200
        # a browser visit with ?token= moves the token into a cookie and drops it from the address
        r = c.get(f"/search?q=grid&token={token}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/search?q=grid"
        assert "HttpOnly" in r.headers["set-cookie"]
        assert c.get("/search?q=grid").status_code == 200  # the cookie now carries it


def test_web_serve_refuses_a_public_address_without_a_token(db):
    from unspun.errors import UnspunError
    from unspun.web import TokenRequired, is_loopback, serve

    with pytest.raises(TokenRequired) as exc:
        serve(db, host="0.0.0.0", port=0)
    assert isinstance(exc.value, UnspunError)
    assert str(exc.value) == (
        "Refusing to listen on 0.0.0.0: it is reachable from other machines and no token was given. "
        "Pass --token SECRET (every request must then carry it), or bind to 127.0.0.1 and reach the "
        "server through an SSH tunnel")
    with pytest.raises(TokenRequired):
        serve(db, host="192.168.1.10", port=0, token="short")
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org") and not is_loopback("10.0.0.1")


def test_web_other_host_names_are_refused_without_a_token(db):
    from starlette.testclient import TestClient

    from unspun.web import create_app

    with TestClient(create_app(db), base_url="http://attacker.example") as c:
        r = c.get("/api/search?q=grid")
        assert r.status_code == 421 and r.json()["error"]["code"] == "bad-host"
    with TestClient(create_app(db), base_url="http://localhost:8008") as c:
        assert c.get("/").status_code == 200


def test_web_service_trace_is_the_cli_trace(db):
    """resolve_target + trace_article is the function pair the CLI's trace can share."""
    from unspun.web.app import dumps
    from unspun.web.service import resolve_target, trace_article

    store = _store(db)
    article = resolve_target(store, str(DEMO / "fr-spun.txt"), Settings())
    ours = dumps(trace_article(store, article, Settings(), limit=5))
    cli = CliRunner().invoke(main, ["trace", article.id, "--db", str(db), "--json"], catch_exceptions=False)
    assert ours == cli.output
    from unspun.errors import ArticleNotFound

    with pytest.raises(ArticleNotFound):
        resolve_target(store, "no-such-article", Settings())


# -- under load: reads never wait for a trace; traces are bounded ------------------------------

def test_web_pages_do_not_wait_for_a_running_trace(client, db):
    import time

    web = client.app.web
    article_id = _id(_store(db), "fr-spun")
    assert web.lock.acquire(timeout=5)  # a trace (or a pasted text's write) is running
    try:
        for path in ("/", "/search?q=Russie", f"/articles/{quote(article_id, safe='')}", "/outlets", "/network",
                     "/api/search?q=OTAN", "/stories", f"/stories/{quote(article_id, safe='')}"):
            started = time.perf_counter()
            r = client.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert time.perf_counter() - started < 5, path
    finally:
        web.lock.release()


def test_web_traces_beyond_the_slots_get_a_busy_answer(client, db):
    web = client.app.web
    taken = 0
    while web.trace_slots.acquire(blocking=False):  # every slot running or waiting
        taken += 1
    try:
        assert taken == web.slot_count >= 1
        r = client.post("/api/trace", json={"text": "Un texte à tracer. Il a deux phrases."})
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        assert r.json()["error"]["code"] == "busy" and "retry" in r.json()["error"]["hint"]
        r = client.get("/trace", params={"id": _id(_store(db), "fr-spun")})
        assert r.status_code == 503 and "retry" in r.text
    finally:
        for _ in range(taken):
            web.trace_slots.release()
    r = client.get("/trace.json", params={"id": _id(_store(db), "fr-spun")})
    assert r.status_code == 200 and r.json()["sources"]



def _csrf(client) -> str:
    """The CSRF token a page of the server hands out (its forms send it back)."""
    client.get("/")
    return client.cookies.get("unspun_csrf")


# -- forms that write: CSRF and other sites ------------------------------------------------------

def test_web_forms_that_write_need_the_pages_token(client):
    text = (DEMO / "fr-spun.txt").read_text(encoding="utf-8")
    # no token, a wrong one: refused, nothing stored
    for data in ({"text": text}, {"text": text, "csrf": "forged"}):
        r = client.post("/trace", data=data, headers={"Accept": "application/json"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf", r.text
    # the page's own form: its hidden field carries the token of the cookie it set
    html = client.get("/").text
    field = re.search(r'<input type="hidden" name="csrf" value="([^"]+)">', html).group(1)
    assert field == client.cookies.get("unspun_csrf")
    r = client.post("/trace", data={"text": text, "csrf": field}, follow_redirects=False)
    assert r.status_code == 303


def test_web_other_sites_cannot_write(client):
    text = (DEMO / "fr-spun.txt").read_text(encoding="utf-8")
    token = _csrf(client)
    r = client.post("/trace", data={"text": text, "csrf": token}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.text
    r = client.post("/api/trace", json={"text": text}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    # a form elsewhere can only send form encodings to the JSON API: refused
    r = client.post("/api/trace", content=b'{"text": "x"}', headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported-type"
    # the same origin is fine
    r = client.post("/api/trace", json={"text": text}, headers={"Origin": "http://127.0.0.1"})
    assert r.status_code == 200
