"""fetch: the polite HTTP fetcher against a local server on 127.0.0.1 (never the internet)."""
from __future__ import annotations

import gzip
import socket
import time

import pytest
from conftest import FIXTURES
from fixtures.web.server import Route, WebServer, drip, endless, flaky, slow

from unspun.article import Article
from unspun.errors import RejectedInput
from unspun.ingest import Rejection
from unspun.ingest.fetch import Fetcher, body_text
from unspun.settings import Settings

PAGES = FIXTURES / "web" / "pages"
STRIKE = (PAGES / "harbour-strike.html").read_bytes()


def fetcher(**kw) -> Fetcher:
    """Quick limits so a test never waits long."""
    args = dict(rate=0.0, connect_timeout=2.0, read_timeout=0.5, total_timeout=3.0, retries=2, backoff=0.01,
                backoff_max=0.05)
    args.update(kw)
    return Fetcher(Settings(), **args)


@pytest.fixture
def web():
    with WebServer() as server:
        yield server


def _reject(f: Fetcher, url: str) -> RejectedInput:
    with pytest.raises(RejectedInput) as info:
        f.fetch_article(url)
    return info.value


def test_fetch_page_becomes_article_with_redirects_recorded(web):
    web.routes["/old"] = Route(301, headers={"Location": "/moved"})
    web.routes["/moved"] = Route(302, headers={"Location": web.url("/article")})
    web.routes["/article"] = Route(body=STRIKE)
    with fetcher() as f:
        article = f.fetch_article(web.url("/old"))
    assert article.title == "Dock workers end three-day strike at Port of Valmera after pay deal"
    assert "1,400 workers walked out" in article.text and "Accept all" not in article.text
    assert article.published.isoformat() == "2025-03-14T07:45:00+01:00"
    assert article.meta["author"] == "Marta Ilves"
    assert [(r["status"], r["to"]) for r in article.meta["redirects"]] == [
        (301, web.url("/moved")), (302, web.url("/article"))]
    assert article.meta["requested_url"] == web.url("/old") and article.source_path == web.url("/old")
    # Served from an IP address: the page's URL is where it was served; the canonical is kept.
    assert article.url == web.url("/article")
    assert article.meta["canonical_url"].startswith("https://www.coastalledger.example/business/")
    assert len(article.meta["raw_sha1"]) == 40


def test_fetch_sends_its_user_agent(web):
    web.routes["/a"] = Route(body=STRIKE)
    with fetcher() as f:
        f.fetch_article(web.url("/a"))
    agent = [h for m, p, h, *_ in web.requests if p == "/a"][0]["User-Agent"]
    assert agent.startswith("unspun/")


def test_fetch_http_404_is_rejected(web):
    with fetcher() as f:
        exc = _reject(f, web.url("/nowhere"))
    assert exc.reason == "http-404" and "404" in str(exc)
    assert web.hits("/nowhere") == 1  # a 404 is not retried


def test_fetch_retries_500_then_succeeds(web):
    web.routes["/flaky"] = flaky(2, Route(body=STRIKE))
    with fetcher(retries=3) as f:
        article = f.fetch_article(web.url("/flaky"))
    assert isinstance(article, Article) and web.hits("/flaky") == 3


def test_fetch_gives_up_after_retries_with_the_last_status(web):
    web.routes["/down"] = flaky(100, Route(body=STRIKE), status=503)
    with fetcher(retries=2) as f:
        exc = _reject(f, web.url("/down"))
    assert exc.reason == "http-503" and "after 3 tries" in str(exc)
    assert web.hits("/down") == 3


def test_fetch_backs_off_exponentially_and_honours_retry_after(web):
    web.routes["/busy"] = flaky(1, Route(body=STRIKE), status=429, retry_after="7")
    web.routes["/err"] = flaky(3, Route(body=STRIKE), status=502)
    waits: list[float] = []
    with Fetcher(Settings(), rate=0.0, retries=3, backoff=0.5, backoff_max=60, sleep=waits.append) as f:
        f.fetch_article(web.url("/busy"))
        assert waits == [7.0]
        waits.clear()
        f.fetch_article(web.url("/err"))
    assert waits == [0.5, 1.0, 2.0]


def test_fetch_slow_response_times_out(web):
    web.routes["/slow"] = slow(2.0)
    started = time.monotonic()
    with fetcher(read_timeout=0.3, retries=1) as f:
        exc = _reject(f, web.url("/slow"))
    assert exc.reason == "timeout" and web.hits("/slow") == 2
    assert time.monotonic() - started < 1.8


def test_fetch_dripping_response_hits_the_total_timeout(web):
    web.routes["/drip"] = drip(3.0)
    with fetcher(total_timeout=0.4, retries=0) as f:
        exc = _reject(f, web.url("/drip"))
    assert exc.reason == "timeout" and "longer than 0.4 s" in str(exc)


def test_fetch_connection_refused_is_rejected():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with fetcher(retries=1) as f:
        exc = _reject(f, f"http://127.0.0.1:{port}/x")
    assert exc.reason == "connection"


def test_fetch_robots_disallow_is_obeyed_and_the_page_never_requested(web):
    web.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    web.routes["/private/page"] = Route(body=STRIKE)
    web.routes["/public"] = Route(body=STRIKE)
    with fetcher() as f:
        exc = _reject(f, web.url("/private/page"))
        assert isinstance(f.fetch_article(web.url("/public")), Article)
    assert exc.reason == "robots" and "disallows" in str(exc)
    assert web.hits("/private/page") == 0
    assert web.hits("/robots.txt") == 1  # cached per host


def test_fetch_robots_rules_for_unspun_apply(web):
    web.routes["/robots.txt"] = Route(body="User-agent: unspun\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
                                      content_type="text/plain")
    web.routes["/a"] = Route(body=STRIKE)
    with fetcher() as f:
        assert _reject(f, web.url("/a")).reason == "robots"
    with fetcher(respect_robots=False) as f:
        assert isinstance(f.fetch_article(web.url("/a")), Article)


def test_fetch_robots_unreachable_disallows_missing_allows(web):
    web.routes["/robots.txt"] = flaky(100, Route(), status=500)
    web.routes["/a"] = Route(body=STRIKE)
    with fetcher(retries=0) as f:
        assert _reject(f, web.url("/a")).reason == "robots"
    del web.routes["/robots.txt"]  # 404 now: everything is allowed
    with fetcher() as f:
        assert isinstance(f.fetch_article(web.url("/a")), Article)


def test_fetch_redirect_into_a_disallowed_path_is_refused(web):
    web.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    web.routes["/go"] = Route(302, headers={"Location": "/private/x"})
    with fetcher() as f:
        assert _reject(f, web.url("/go")).reason == "robots"
    assert web.hits("/private/x") == 0


def test_fetch_redirect_loop_is_rejected(web):
    web.routes["/a"] = Route(302, headers={"Location": "/b"})
    web.routes["/b"] = Route(302, headers={"Location": "/a"})
    with fetcher(max_redirects=4) as f:
        exc = _reject(f, web.url("/a"))
    assert exc.reason == "redirects" and web.hits("/a") + web.hits("/b") == 5


def test_fetch_declared_huge_body_is_refused_before_reading(web):
    web.routes["/huge"] = endless(declare=50_000_000, limit=200_000)
    with fetcher(max_bytes=1_000_000) as f:
        exc = _reject(f, web.url("/huge"))
    assert exc.reason == "too-large" and "declares 50,000,000 bytes" in str(exc)


def test_fetch_endless_body_is_cut_at_the_limit(web):
    web.routes["/endless"] = endless()  # streams up to 60 MB with no Content-Length
    started = time.monotonic()
    with fetcher(max_bytes=1_000_000, total_timeout=10) as f:
        exc = _reject(f, web.url("/endless"))
    assert exc.reason == "too-large" and "more than 1,000,000 bytes" in str(exc)
    assert time.monotonic() - started < 5


def test_fetch_gzip_bomb_over_http_is_cut_at_the_limit(web):
    bomb = gzip.compress(b"<html><body>" + b"\x20" * 30_000_000, compresslevel=9)
    web.routes["/bomb"] = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    with fetcher(max_bytes=2_000_000) as f:
        exc = _reject(f, web.url("/bomb"))
    assert exc.reason == "too-large" and len(bomb) < 100_000


@pytest.mark.parametrize("ctype", ["application/pdf", "image/png", "application/json"])
def test_fetch_wrong_content_type_is_rejected_without_reading(web, ctype):
    web.routes["/file"] = Route(body=b"%PDF-1.7 binary", content_type=ctype)
    with fetcher() as f:
        exc = _reject(f, web.url("/file"))
    assert exc.reason == "content-type" and ctype in str(exc)


def test_fetch_empty_and_binary_bodies_are_rejected(web):
    web.routes["/empty"] = Route(body=b"")
    web.routes["/binary"] = Route(body=gzip.compress(b"x" * 5000) + b"\x00" * 100)
    with fetcher() as f:
        assert _reject(f, web.url("/empty")).reason == "empty"
        assert _reject(f, web.url("/binary")).reason == "binary"


def test_fetch_malformed_and_truncated_html(web):
    web.routes["/truncated"] = Route(body=STRIKE[: len(STRIKE) * 2 // 3])
    web.routes["/garbage"] = Route(body=b"<<<>>><!-- --!><![CDATA[" * 300)
    with fetcher() as f:
        cut = f.fetch_article(web.url("/truncated"))
        assert "1,400 workers walked out" in cut.text
        assert _reject(f, web.url("/garbage")).reason in ("no-text", "parse", "too-short")


def test_fetch_decodes_charsets_from_header_meta_and_sniffing(web):
    ru = (PAGES / "ru-bridge-cp1251.html").read_bytes()
    fr = (PAGES / "fr-strike-latin1.html").read_bytes()
    web.routes["/ru-header"] = Route(body=ru, content_type="text/html; charset=windows-1251")
    web.routes["/ru-meta"] = Route(body=ru, content_type="text/html")
    web.routes["/fr-wrong-header"] = Route(body=fr, content_type="text/html; charset=utf-8")
    with fetcher() as f:
        for path in ("/ru-header", "/ru-meta"):
            assert f.fetch_article(web.url(path)).title == "В Новоозёрске открыли новый мост через реку"
        assert "Grève des contrôleurs" in f.fetch_article(web.url("/fr-wrong-header")).title


def test_fetch_body_text_mixed_encodings_fall_back_to_detection():
    mixed = "<p>Élection à Besançon, le maire a déclaré</p>".encode("utf-8") + "<p>réunion à l’été</p>".encode("cp1252")
    text = body_text(mixed, "utf-8")  # the header is wrong for half the page
    assert "Besan" in text and "\ufffd" not in text


def test_fetch_rate_limit_spaces_requests_to_one_host(web):
    for p in ("/a", "/b", "/c"):
        web.routes[p] = Route(body=STRIKE)
    with fetcher(rate=0.3) as f:
        for p in ("/a", "/b", "/c"):
            f.fetch_article(web.url(p))
    times = [t for m, p, _h, _b, t in web.requests if p in ("/a", "/b", "/c")]
    assert all(b - a >= 0.28 for a, b in zip(times, times[1:]))


def test_fetch_articles_batch_never_stops_and_keeps_order(web):
    web.routes["/good"] = Route(body=STRIKE)
    web.routes["/slow"] = slow(1.5)
    web.routes["/pdf"] = Route(body=b"%PDF", content_type="application/pdf")
    urls = [web.url("/good"), web.url("/missing"), "ftp://example.org/file", web.url("/slow"), "not a url",
            web.url("/pdf"), web.url("/good?again=1")]
    with fetcher(read_timeout=0.3, retries=0) as f:
        records = list(f.fetch_articles(urls))
    kinds = [r.reason if isinstance(r, Rejection) else "article" for r in records]
    assert kinds == ["article", "http-404", "bad-url", "timeout", "bad-url", "content-type", "article"]
    assert [r.input for r in records if isinstance(r, Rejection)][0] == web.url("/missing")


def test_fetch_constructor_validates():
    with pytest.raises(ValueError, match="read_timeout must be positive"):
        Fetcher(read_timeout=0)
    with pytest.raises(ValueError, match="retries must not be negative"):
        Fetcher(retries=-1)
