"""feeds: RSS, Atom, OPML and sitemaps, from files and from a local server on 127.0.0.1."""
from __future__ import annotations

import gzip

import pytest
from conftest import FIXTURES
from fixtures.web.server import Route, WebServer, slow

from unspun.article import Article
from unspun.ingest import Rejection, read_paths
from unspun.ingest.feeds import FeedItem, discover, item_article, read_feed, sniff
from unspun.ingest.fetch import Fetcher
from unspun.settings import Settings

FEEDS = FIXTURES / "web" / "feeds"
PAGES = FIXTURES / "web" / "pages"
LEDGER, AGG = "https://www.coastalledger.example", "https://dailyaggregator.example"


@pytest.fixture
def web():
    """The two fixture sites on one local server: the Ledger at /, the aggregator under /agg."""
    with WebServer() as server:
        def local(name: str) -> bytes:
            text = (FEEDS / name).read_text(encoding="utf-8")
            return text.replace(LEDGER, server.base).replace(AGG, server.url("/agg")).encode("utf-8")

        server.local = local
        server.routes["/business/rss.xml"] = Route(body=local("coastalledger-rss.xml"),
                                                   content_type="application/rss+xml; charset=utf-8")
        server.routes["/agg/feed.atom"] = Route(body=local("aggregator-atom.xml"), content_type="application/atom+xml")
        server.routes["/business/2025/03/14/valmera-port-strike-ends"] = Route(
            body=(PAGES / "harbour-strike.html").read_bytes())
        server.routes["/agg/2025/03/14/valmera-port-strike-over/"] = Route(
            body=(PAGES / "harbour-strike-copy.html").read_bytes())
        yield server


def fetcher() -> Fetcher:
    return Fetcher(Settings(), rate=0.0, read_timeout=0.5, retries=0, backoff=0.01)


def _split(records):
    articles = [r for r in records if isinstance(r, Article)]
    rejected = [r for r in records if isinstance(r, Rejection)]
    assert len(articles) + len(rejected) == len(records)
    return articles, rejected


def test_feeds_sniff_recognises_every_kind():
    assert {name: sniff((FEEDS / name).read_bytes()) for name in (
        "coastalledger-rss.xml", "aggregator-atom.xml", "feeds.opml", "sitemap-news.xml", "sitemap-index.xml",
        "not-a-feed.xml")} == {
        "coastalledger-rss.xml": "rss", "aggregator-atom.xml": "atom", "feeds.opml": "opml",
        "sitemap-news.xml": "sitemap", "sitemap-index.xml": "sitemapindex", "not-a-feed.xml": None}
    assert sniff(b'\xef\xbb\xbf<!-- generator --><rdf:RDF xmlns:rdf="x">') == "rdf"
    assert sniff(b"https://a.example/1\nhttps://a.example/2\n") == "urls"
    assert sniff("<?xml version='1.0' encoding='utf-16'?><rss/>".encode("utf-16")) == "rss"
    assert sniff(b"") is None and sniff(b"\x00\x01\x02") is None


def test_feeds_rss_items_keep_guid_date_author_and_resolve_relative_links():
    items = list(discover(str(FEEDS / "coastalledger-rss.xml")))
    assert [i.key for i in items] == ["ledger-article-88213", "ledger-article-88190",
                                     "https://www.coastalledger.example/business/2025/03/12/timber-prices"]
    first = items[0]
    assert first.published.isoformat() == "2025-03-14T06:45:00+00:00" and first.author == "Marta Ilves"
    assert first.content is None  # a one-line teaser: the page must be fetched
    assert items[1].content and "76-seat turboprop" in items[1].content


def test_feeds_full_text_entry_needs_no_fetch(web):
    with fetcher() as f:
        records = list(read_feed(web.url("/business/rss.xml"), Settings(), f))
    articles, rejected = _split(records)
    airline = next(a for a in articles if a.title.startswith("Regional airline"))
    assert "76-seat turboprop" in airline.text and airline.meta["from_feed_content"]
    assert airline.meta["feed_guid"] == "ledger-article-88190" and airline.meta["author"] == "Oskar Lind"
    assert airline.published.isoformat() == "2025-03-13T15:20:00+00:00"
    assert web.hits("/business/2025/03/13/airline-winter-routes") == 0


def test_feeds_teaser_entry_fetches_the_linked_page(web):
    with fetcher() as f:
        records = list(read_feed(web.url("/business/rss.xml"), Settings(), f))
    articles, rejected = _split(records)
    strike = next(a for a in articles if a.title.startswith("Dock workers"))
    assert "1,400 workers walked out" in strike.text
    assert strike.published.isoformat() == "2025-03-14T07:45:00+01:00"  # the page's own time wins
    assert strike.meta["feed"] == web.url("/business/rss.xml") and strike.meta["feed_key"] == "ledger-article-88213"
    # The third item links to a page the site does not have.
    assert [(r.input, r.reason) for r in rejected] == [(web.url("/business/2025/03/12/timber-prices"), "http-404")]


def test_feeds_atom_entries(web):
    with fetcher() as f:
        records = list(read_feed(web.url("/agg/feed.atom"), Settings(), f))
    articles, rejected = _split(records)
    assert [a.title for a in articles] == ["Valmera port strike is over: dockers accept pay deal"]
    assert articles[0].url == web.url("/agg/2025/03/14/valmera-port-strike-over/")
    assert [r.reason for r in rejected] == ["http-404"]


def test_feeds_opml_follows_each_feed_once(web, tmp_path):
    opml = tmp_path / "list.opml"
    opml.write_bytes(web.local("feeds.opml"))
    with fetcher() as f:
        items = list(discover(str(opml), Settings(), f))
    assert web.hits("/agg/feed.atom") == 1  # listed twice, read once
    assert {i.source for i in items} == {web.url("/business/rss.xml"), web.url("/agg/feed.atom")}
    assert len(items) == 5 and all(isinstance(i, FeedItem) for i in items)


def test_feeds_sitemap_index_with_gzip_news_sitemap_and_a_missing_one(web):
    web.routes["/sitemap-index.xml"] = Route(body=web.local("sitemap-index.xml"), content_type="application/xml")
    web.routes["/sitemap-news.xml"] = Route(body=web.local("sitemap-news.xml"), content_type="text/xml")
    older = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<url><loc>{web.url("/agg/2025/03/14/valmera-port-strike-over/")}</loc></url></urlset>')
    web.routes["/sitemap-2024.xml.gz"] = Route(body=gzip.compress(older.encode()), content_type="application/x-gzip")
    with fetcher() as f:
        records = list(read_feed(web.url("/sitemap-index.xml"), Settings(), f))
    articles, rejected = _split(records)
    assert sorted(a.outlet for a in articles) == ["127.0.0.1", "127.0.0.1"]
    assert {a.meta["sitemap"] for a in articles} == {web.url("/sitemap-news.xml"), web.url("/sitemap-2024.xml.gz")}
    assert sorted((r.input.rsplit("/", 1)[1], r.reason) for r in rejected) == [
        ("missing-page", "http-404"), ("sitemap-gone.xml", "http-404")]


def test_feeds_news_sitemap_dates_and_titles():
    items = list(discover(str(FEEDS / "sitemap-news.xml")))
    assert items[0].published.isoformat() == "2025-03-14T07:45:00+01:00"
    assert items[0].title.startswith("Dock workers") and items[0].meta["lastmod"] == "2025-03-14T08:00:00+01:00"
    assert items[1].published is None and items[1].kind == "sitemap"


def test_feeds_broken_entries_are_rejected_one_by_one(web, tmp_path):
    path = tmp_path / "broken.rss"
    path.write_bytes(web.local("broken-entries.rss"))
    with fetcher() as f:
        records = list(read_feed(str(path), Settings(), f))
    articles, rejected = _split(records)
    assert [a.meta["feed_guid"] for a in articles] == ["broken-2", "good-5"]
    assert articles[0].title == "Dock workers end three-day strike at Port of Valmera after pay deal"
    assert [(r.input.rsplit("/", 1)[-1], r.reason) for r in rejected] == [
        ("broken.rss#0", "feed-entry"), ("javascript:alert(1)", "bad-url"), ("broken.rss#3", "feed-entry")]


def test_feeds_truncated_feed_keeps_the_entries_before_the_cut(web, tmp_path):
    path = tmp_path / "cut.rss"
    path.write_bytes(web.local("broken-truncated.rss"))
    with fetcher() as f:
        records = list(read_feed(str(path), Settings(), f))
    articles, rejected = _split(records)
    assert [a.meta["feed_guid"] for a in articles] == ["first-item"]
    assert [r.reason for r in rejected] == ["feed-entry"]


@pytest.mark.parametrize("name,data,reason", [
    ("empty.rss", b"", "empty"),
    ("blank.xml", b"  \n ", "empty"),
    ("binary.rss", bytes(range(256)) * 20, "binary"),
    ("empty-sitemap.xml", b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "no-items"),
    ("page.xml", (PAGES / "harbour-strike.html").read_bytes(), "unsupported"),
    ("invoice.xml", (FEEDS / "not-a-feed.xml").read_bytes(), "unsupported"),
    ("bad.opml", b"<?xml version='1.0'?><opml><body><outline xmlUrl=", "parse"),
    ("bomb.xml.gz", gzip.compress(b"<rss>" + b" " * 30_000_000), "zip-bomb"),
])
def test_feeds_bad_sources_are_one_rejection_each(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    records = list(read_feed(str(path), Settings(), fetcher()))
    assert [(r.input, r.reason) for r in records] == [(str(path), reason)]


def test_feeds_unreachable_feed_is_rejected(web):
    web.routes["/slow.rss"] = slow(1.5)
    with fetcher() as f:
        records = list(read_feed(web.url("/slow.rss"), Settings(), f)) + list(read_feed(web.url("/gone.rss"), Settings(), f))
    assert [r.reason for r in records] == ["timeout", "http-404"]


def test_feeds_feed_files_are_read_by_suffix(web, tmp_path):
    import unspun.ingest.feeds  # noqa: F401  (registers .rss/.atom/.opml/.xml)

    (tmp_path / "ledger.rss").write_bytes(web.local("coastalledger-rss.xml"))
    (tmp_path / "invoice.xml").write_bytes((FEEDS / "not-a-feed.xml").read_bytes())
    records = list(read_paths([tmp_path], Settings()))
    articles, rejected = _split(records)
    assert len(articles) == 2 and sorted(r.reason for r in rejected) == ["http-404", "unsupported"]


def test_feeds_item_without_fetcher_is_rejected_not_raised():
    item = FeedItem(source="f", key="k", position=0, url="https://a.example/x")
    with pytest.raises(Exception) as info:
        item_article(item, Settings(), None)
    assert getattr(info.value, "reason", None) == "fetch-off"


def test_feeds_opml_loops_end_and_depth_is_bounded(tmp_path):
    def opml(*children):
        outlines = "".join(f'<outline type="rss" xmlUrl="{c}"/>' for c in children)
        return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'

    (tmp_path / "a.opml").write_text(opml("b.opml", "a.opml"))
    (tmp_path / "b.opml").write_text(opml("a.opml", "c.opml"))
    (tmp_path / "c.opml").write_text(opml("d.opml"))
    (tmp_path / "d.opml").write_text(opml("e.opml"))
    (tmp_path / "e.opml").write_text(opml("f.opml"))
    records = list(discover(str(tmp_path / "a.opml"), Settings(), NoFetch()))
    assert [(r.input.rsplit("/", 1)[1], r.reason) for r in records] == [("d.opml", "too-deep")]


class NoFetch:
    def fetch(self, url, accept=None):
        raise AssertionError("no fetch expected")
