"""watch: polls feeds on a local server, ingests and links new items, alerts once per new derivation,
and neither misses nor repeats an alert across restarts and crashes. Uses the real model on a few
short articles."""
from __future__ import annotations

import json
from html import escape

import pytest
from fixtures.web.server import Route, WebServer, flaky

from unspun.ingest.fetch import Fetcher
from unspun.ingest.watch import Watcher
from unspun.settings import Settings

STRIKE = [
    "Dock workers at the Port of Valmera returned to work on Friday morning after their union accepted a pay offer"
    " that ends a three-day strike, the longest at the port in more than a decade.",
    "The agreement raises wages by 7.5 percent this year and by a further 4 percent in 2026, and adds a night-shift"
    " allowance that the union had demanded since 2019.",
    "About 1,400 workers walked out on Tuesday, leaving 38 container ships waiting at anchor outside the harbour"
    " and forcing two shipping lines to divert cargo to neighbouring ports.",
    "The port authority said it expected to clear the backlog by the middle of next week, with extra shifts"
    " planned for the weekend.",
    "Exporters had warned that every day of the strike cost the regional economy about 12 million euros, mostly in"
    " delayed shipments of timber and machinery.",
    "The transport ministry welcomed the agreement and said it would review the port's emergency plans.",
]
AIRLINE = [
    "Baltic Coast Air will add direct winter flights from Valmera to Oslo, Stockholm and Helsinki from November,"
    " the airline said on Thursday, betting that business travel in the region has recovered.",
    "The routes will run four times a week on 76-seat turboprop aircraft, with the first flight to Oslo planned"
    " for 3 November and the Helsinki service starting a week later.",
    "The airline carried 1.1 million passengers last year, up 14 percent on 2023, and expects to pass 1.3 million"
    " this year as it takes delivery of two more aircraft in the autumn.",
    "Valmera airport said the new routes would bring its number of international destinations to 19, the most"
    " since it reopened its renovated terminal in 2021.",
    "Travel agents welcomed the announcement but warned that ticket prices would depend on fuel costs, which rose"
    " sharply last winter and pushed several smaller carriers to cut their schedules.",
    "Bookings open on Monday, and the airline said introductory fares would be available until the end of May.",
]


def _html(paragraphs) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def rss(items) -> str:
    """items: (guid, title, link, pubDate, paragraphs or None)"""
    body = []
    for guid, title, link, date, paragraphs in items:
        content = f"<content:encoded><![CDATA[{_html(paragraphs)}]]></content:encoded>" if paragraphs else ""
        body.append(f"<item><title>{escape(title)}</title><link>{link}</link><guid>{guid}</guid>"
                    f"<pubDate>{date}</pubDate><description>Teaser.</description>{content}</item>")
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Feed</title><link>https://example.org/</link>{''.join(body)}</channel></rss>")


LEDGER_ITEM = ("ledger-1", "Dock workers end strike at Port of Valmera",
               "https://www.coastalledger.example/business/valmera-strike-ends", "Fri, 14 Mar 2025 07:45:00 +0100", STRIKE)
AIRLINE_ITEM = ("agg-0", "Airline adds winter routes", "https://dailyaggregator.example/airline",
                "Thu, 13 Mar 2025 16:20:00 +0000", AIRLINE)
COPY_ITEM = ("agg-1", "Valmera port strike is over", "https://dailyaggregator.example/valmera-strike-over",
             "Fri, 14 Mar 2025 10:02:00 +0000", STRIKE[:5])


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A store whose vector cache already holds every sentence of these tests (and nothing else), so
    each test's watcher embeds nothing: the model is slow on two shared cores."""
    from unspun.store import Store

    folder = tmp_path_factory.mktemp("watch-template")
    with WebServer() as server:
        server.routes["/all.rss"] = Route(body=rss([LEDGER_ITEM, AIRLINE_ITEM, COPY_ITEM]),
                                          content_type="application/rss+xml")
        (folder / "feeds.txt").write_text(server.url("/all.rss"))
        store = Store(folder / "template.db")
        Watcher(store, folder / "feeds.txt", 60, settings=Settings(),
                fetcher=Fetcher(Settings(), rate=0.0)).poll_once()
        with store.transaction():
            for table in ("articles", "rejected", "watch_items", "watch_alerts", "watch_state"):
                store.db.execute(f"DELETE FROM {table}")
        assert store.count("vectors") >= 12 and store.count("articles") == 0
        store.close()
    return folder / "template.db"


@pytest.fixture
def store(template_db, tmp_path):
    import shutil

    from unspun.store import Store

    shutil.copy(template_db, tmp_path / "watch.db")
    s = Store(tmp_path / "watch.db")
    yield s
    s.close()


@pytest.fixture
def web():
    with WebServer() as server:
        server.routes["/ledger.rss"] = Route(body=rss([LEDGER_ITEM]), content_type="application/rss+xml")
        server.routes["/agg.rss"] = Route(body=rss([AIRLINE_ITEM]), content_type="application/rss+xml")
        server.routes["/hook"] = Route(200, "ok", "text/plain")
        yield server


@pytest.fixture
def feeds_file(web, tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text(f"# newsroom watch list\n{web.url('/ledger.rss')}\n\n{web.url('/agg.rss')}  # aggregator\n")
    return path


def watcher(store, feeds_file, tmp_path, web, **kw) -> Watcher:
    args = dict(interval=0.05, outlets=["www.coastalledger.example"], log_path=tmp_path / "alerts.jsonl",
                webhook=web.url("/hook"), settings=Settings(), webhook_retries=0,
                fetcher=Fetcher(Settings(), rate=0.0, read_timeout=1.0, retries=0))
    args.update(kw)
    return Watcher(store, feeds_file, **args)


def _log(tmp_path) -> list[dict]:
    path = tmp_path / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_watch_alerts_once_on_a_new_derivation_and_never_again_after_a_restart(store, feeds_file, tmp_path, web):
    shown, events = [], []
    w = watcher(store, feeds_file, tmp_path, web, on_alert=shown.append, on_event=lambda k, m: events.append(k))
    assert w.poll_once() == [] and w.last_poll["ingested"] == 2 and not _log(tmp_path)

    web.routes["/agg.rss"] = Route(body=rss([COPY_ITEM, AIRLINE_ITEM]), content_type="application/rss+xml")
    [alert] = w.poll_once()
    assert w.last_poll["ingested"] == 1  # the airline item was seen before and is not read again
    assert alert["kind"] == "verbatim" and alert["outlets"] == ["coastalledger.example"]
    assert alert["derived"]["outlet"] == "dailyaggregator.example" and alert["source"]["outlet"] == "coastalledger.example"
    assert shown == [alert] and _log(tmp_path) == [alert] and web.posts("/hook") == [alert]
    hook_headers = [h for m, p, h, *_ in web.requests if m == "POST"][0]
    assert hook_headers["Idempotency-Key"] == alert["alert_id"]
    assert "poll" in events and "ingested" in events
    w.close()

    # A restart: same store, same log. Nothing is fetched twice, nothing alerted twice.
    again = watcher(store, feeds_file, tmp_path, web, on_alert=shown.append)
    assert again.poll_once() == [] and again.last_poll["ingested"] == again.last_poll["duplicate"] == 0
    again.run(iterations=2)
    assert len(shown) == 1 and len(_log(tmp_path)) == 1 and len(web.posts("/hook")) == 1
    again.close()


def test_watch_crash_between_alert_and_delivery_delivers_after_restart(store, feeds_file, tmp_path, web):
    watcher(store, feeds_file, tmp_path, web).poll_once()
    web.routes["/agg.rss"] = Route(body=rss([COPY_ITEM, AIRLINE_ITEM]), content_type="application/rss+xml")

    def crash(alert):
        raise KeyboardInterrupt("killed while showing the alert")

    with pytest.raises(KeyboardInterrupt):
        watcher(store, feeds_file, tmp_path, web, on_alert=crash).poll_once()
    assert _log(tmp_path) == [] and web.posts("/hook") == []

    shown = []
    w = watcher(store, feeds_file, tmp_path, web, on_alert=shown.append)
    assert [a["kind"] for a in w.poll_once()] == ["verbatim"]
    assert len(shown) == 1 and len(_log(tmp_path)) == 1 and len(web.posts("/hook")) == 1
    assert w.poll_once() == [] and len(_log(tmp_path)) == 1


def test_watch_crash_after_the_log_line_never_writes_it_twice(store, feeds_file, tmp_path, web):
    w = watcher(store, feeds_file, tmp_path, web, webhook=None)
    w.poll_once()
    web.routes["/agg.rss"] = Route(body=rss([COPY_ITEM, AIRLINE_ITEM]), content_type="application/rss+xml")
    [alert] = w.poll_once()
    # Pretend the process died after appending the line and before marking it delivered.
    store.db.execute("UPDATE watch_alerts SET delivered_log = 0")
    restarted = watcher(store, feeds_file, tmp_path, web, webhook=None)
    assert restarted.poll_once() == [] and _log(tmp_path) == [alert]


def test_watch_webhook_failure_is_retried_on_the_next_poll(store, feeds_file, tmp_path, web):
    web.routes["/hook"] = flaky(1, Route(200, "ok", "text/plain"), status=503)
    events = []
    w = watcher(store, feeds_file, tmp_path, web, on_event=lambda k, m: events.append((k, m)))
    w.poll_once()
    web.routes["/agg.rss"] = Route(body=rss([COPY_ITEM, AIRLINE_ITEM]), content_type="application/rss+xml")
    [alert] = w.poll_once()
    assert web.posts("/hook") == [alert]  # the POST that got 503
    assert any(k == "webhook-error" and "HTTP 503" in m for k, m in events)
    assert w.poll_once() == [] and web.posts("/hook") == [alert, alert] and len(_log(tmp_path)) == 1
    w.poll_once()
    assert len(web.posts("/hook")) == 2


def test_watch_alerts_only_for_chosen_outlets(store, feeds_file, tmp_path, web):
    web.routes["/agg.rss"] = Route(body=rss([COPY_ITEM, AIRLINE_ITEM]), content_type="application/rss+xml")
    other = watcher(store, feeds_file, tmp_path, web, outlets=["https://www.other.example/"])
    assert other.poll_once() == [] and store.count("links") >= 1  # linked, but not an outlet we watch
    assert other.outlets == {"other.example"}


def test_watch_links_made_before_the_first_watch_are_not_alerted(store, feeds_file, tmp_path, web):
    from unspun.ingest.feeds import read_feed
    from unspun.link import link_store
    from unspun.pipeline import ingest

    web.routes["/agg.rss"] = Route(body=rss([COPY_ITEM]), content_type="application/rss+xml")
    for feed in ("/ledger.rss", "/agg.rss"):
        ingest(read_feed(web.url(feed), Settings(), Fetcher(Settings(), rate=0.0)), store, Settings())
    link_store(store, Settings())
    assert store.count("links") >= 1
    w = watcher(store, feeds_file, tmp_path, web, outlets=None)
    assert w.poll_once() == [] and w.last_poll["duplicate"] == 2 and not _log(tmp_path)


def test_watch_transient_item_failure_is_retried_then_ingested(store, feeds_file, tmp_path, web):
    web.routes["/page"] = flaky(1, Route(body="<html><head><title>Strike</title></head><body><article>"
                                             + _html(STRIKE[:3]) + "</article></body></html>"), status=503)
    web.routes["/agg.rss"] = Route(body=rss([("p-1", "Strike page", web.url("/page"), "Fri, 14 Mar 2025 11:00:00 +0000",
                                              None)]), content_type="application/rss+xml")
    events = []
    w = watcher(store, feeds_file, tmp_path, web, on_event=lambda k, m: events.append((k, m)))
    w.poll_once()
    assert w.last_poll["pending"] == 1 and any("will retry" in m for _k, m in events)
    w.poll_once()
    assert w.last_poll["ingested"] == 1 and web.hits("/page") == 2
    w.poll_once()
    assert web.hits("/page") == 2 and w.seen() == 2


def test_watch_unreachable_feed_is_reported_and_read_later(store, feeds_file, tmp_path, web):
    web.routes["/agg.rss"] = Route(500, "down", "text/plain")
    events = []
    w = watcher(store, feeds_file, tmp_path, web, on_event=lambda k, m: events.append((k, m)))
    w.poll_once()
    assert w.last_poll["feed-errors"] == 1 and any(k == "feed-error" and "http-500" in m for k, m in events)
    web.routes["/agg.rss"] = Route(body=rss([AIRLINE_ITEM]), content_type="application/rss+xml")
    w.poll_once()
    assert w.last_poll["ingested"] == 1


def test_watch_validates_its_arguments(store, feeds_file):
    with pytest.raises(ValueError, match="interval"):
        Watcher(store, feeds_file, 0)
    with pytest.raises(ValueError, match="webhook"):
        Watcher(store, feeds_file, 60, webhook="ftp://hooks.example/x")
