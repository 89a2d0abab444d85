"""Watch feeds: poll them, ingest and link new items, and alert on new derivations.

``Watcher(store, feeds_file, interval).run()`` is what ``unspun watch`` runs. Each poll reads the
feed list again (so it can be edited while the watcher runs), ingests every item not seen before,
links the new articles against the whole store, and reports each new link that involves one of
the chosen outlets: to a callback (the terminal), to a JSONL log and, when given, to a webhook.

A newsroom leaves it running, so a restart must neither miss nor repeat. All state lives in the
store's SQLite file, in the ``watch_*`` tables:

* ``watch_items`` — every feed item handled, keyed by (feed, item key). An item is marked only
  after its article is committed; if the process dies in between, the next poll handles it again,
  the store answers "duplicate", and the item (marked ``storing`` before the attempt) is marked
  ingested: the article is its own. Items that failed for a passing reason (timeout, HTTP 5xx,
  429) stay pending and are retried on the next polls, up to ``WATCH_ITEM_MAX_ATTEMPTS``.
* ``watch_alerts`` — every alert, keyed by (derived, source), with one delivered flag per
  channel. An alert is written before it is delivered and each channel is marked after it
  succeeds, so an alert cut off by a crash is delivered on the next poll. The JSONL log is read at
  start-up and alerts already in it are marked, so a line is never written twice; a webhook
  receives an ``Idempotency-Key`` header (the ``alert_id``) to drop the rare repeat of a POST that
  succeeded just before a crash.
* ``watch_state`` — the baseline: links that existed before the first watch are never alerted.
"""
from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..errors import RejectedInput
from ..settings import Settings
from ..store import Store
from . import Rejection

# --- tunables -------------------------------------------------------------------------------------
WATCH_WEBHOOK_TIMEOUT = 10.0  # seconds for one webhook POST
WATCH_WEBHOOK_RETRIES = 3  # retries of a failed POST within one poll (the next poll tries again)
WATCH_WEBHOOK_BACKOFF = 1.0  # seconds before the first retry, doubling
# A feed item that fails for a passing reason is retried on this many polls, then given up
# (and kept in the rejected table with its last reason).
WATCH_ITEM_MAX_ATTEMPTS = 5

# Failures that may pass: the item is retried on a later poll instead of being given up.
TRANSIENT = frozenset({"timeout", "connection", "robots", "http-408", "http-425", "http-429", "http-500",
                       "http-502", "http-503", "http-504"})

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS watch_items (
        feed TEXT NOT NULL,
        key TEXT NOT NULL,
        url TEXT,
        status TEXT NOT NULL,          -- ingested, duplicate, rejected, pending
        article_id TEXT,
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (feed, key)
    )""",
    """CREATE TABLE IF NOT EXISTS watch_alerts (
        derived TEXT NOT NULL,
        source TEXT NOT NULL,
        alert TEXT NOT NULL,           -- the alert as JSON
        created_at TEXT NOT NULL,
        baseline INTEGER NOT NULL DEFAULT 0,
        delivered_terminal INTEGER NOT NULL DEFAULT 0,
        delivered_log INTEGER NOT NULL DEFAULT 0,
        delivered_webhook INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (derived, source)
    )""",
    "CREATE TABLE IF NOT EXISTS watch_state (key TEXT PRIMARY KEY, value TEXT)",
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def alert_id(derived: str, source: str) -> str:
    return f"{derived}<-{source}"


def format_alert(alert: dict) -> str:
    """One terminal line for an alert."""
    d, s = alert["derived"], alert["source"]
    return (f"{alert['kind']} ({alert['confidence']:.2f}): {d.get('outlet') or '?'} "
            f"\"{(d.get('title') or d['id'])[:70]}\" derives from {s.get('outlet') or '?'} "
            f"\"{(s.get('title') or s['id'])[:70]}\"  {d.get('url') or ''}")


def _normal_outlet(value: str) -> str:
    from .fetch import site_of

    value = value.strip().lower()
    return site_of(value if "://" in value else f"http://{value}") or value


class Watcher:
    """Polls feeds, ingests and links new items, alerts on new derivations.

    Args:
        store: the store to ingest into (its SQLite file also keeps the watch state).
        feeds_file: a text file with one feed, OPML or sitemap URL (or path) a line (``#``
            comments), or an OPML file.
        interval: seconds between the start of two polls.
        outlets: alert only on links whose derived or source article is from one of these
            outlets (registered domains; ``www.x.com`` and URLs are normalised). None: every link.
        log_path: JSONL file that gets one line per alert.
        webhook: http(s) URL that gets each alert as a JSON POST.
        settings: unspun settings.
        on_alert: called with each alert dict (the terminal).
        on_event: called with ``(kind, message)`` for everything else worth a line: ``ingested``,
            ``duplicate``, ``rejected``, ``feed-error``, ``webhook-error``, ``error``, ``poll``.
        fetcher: a ``fetch.Fetcher`` (one with default politeness is made when not given).
    Raises:
        ValueError: a non-positive interval or a webhook that is not an http(s) URL.
    """

    def __init__(self, store: Store, feeds_file: str | os.PathLike, interval: float, outlets=None,
                 log_path: str | os.PathLike | None = None, webhook: str | None = None,
                 settings: Settings | None = None, on_alert: Callable[[dict], None] | None = None,
                 on_event: Callable[[str, str], None] | None = None, fetcher=None,
                 webhook_retries: int | None = None, webhook_backoff: float | None = None):
        if not interval or interval <= 0:
            raise ValueError(f"the watch interval must be a positive number of seconds, got {interval!r}")
        if webhook is not None and not str(webhook).startswith(("http://", "https://")):
            raise ValueError(f"the webhook must be an http(s) URL, got {webhook!r}")
        self.store = store
        self.feeds_file = Path(feeds_file)
        self.interval = float(interval)
        self.outlets = {_normal_outlet(o) for o in outlets} if outlets else None
        self.log_path = Path(log_path) if log_path else None
        self.webhook = webhook
        self.settings = settings or Settings()
        self.on_alert = on_alert
        self.on_event = on_event
        from .fetch import _tunable

        self.webhook_retries = int(_tunable(settings, "WATCH_WEBHOOK_RETRIES", WATCH_WEBHOOK_RETRIES)
                                   if webhook_retries is None else webhook_retries)
        self.webhook_backoff = float(_tunable(settings, "WATCH_WEBHOOK_BACKOFF", WATCH_WEBHOOK_BACKOFF)
                                     if webhook_backoff is None else webhook_backoff)
        self.webhook_timeout = float(_tunable(settings, "WATCH_WEBHOOK_TIMEOUT", WATCH_WEBHOOK_TIMEOUT))
        self.max_attempts = int(_tunable(settings, "WATCH_ITEM_MAX_ATTEMPTS", WATCH_ITEM_MAX_ATTEMPTS))
        self._own_fetcher = fetcher is None
        if fetcher is None:
            from .fetch import Fetcher

            fetcher = Fetcher(self.settings)
        self.fetcher = fetcher
        self._stop = threading.Event()
        self._http = None
        self._create_tables()
        self._baseline()
        self._reconcile_log()

    # -- state ------------------------------------------------------------------------------------
    def _create_tables(self) -> None:
        with self.store.transaction():
            for statement in _SCHEMA:
                self.store.db.execute(statement)

    def _baseline(self) -> None:
        """The first watch on a store: links made before it are old news, never alerted."""
        db = self.store.db
        if db.execute("SELECT 1 FROM watch_state WHERE key = 'baseline_at'").fetchone():
            return
        with self.store.transaction():
            db.execute(
                "INSERT OR IGNORE INTO watch_alerts (derived, source, alert, created_at, baseline,"
                " delivered_terminal, delivered_log, delivered_webhook)"
                " SELECT derived, source, '{}', ?, 1, 1, 1, 1 FROM links", (_now(),)
            )
            db.execute("INSERT INTO watch_state VALUES ('baseline_at', ?)", (_now(),))

    def _reconcile_log(self) -> None:
        """Alerts already in the log (written just before a crash) are marked, never written twice."""
        if not self.log_path or not self.log_path.exists():
            return
        logged = set()
        with open(self.log_path, "rb") as fh:
            for line in fh:
                try:
                    logged.add(json.loads(line)["alert_id"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a crash, or not ours
        pending = self.store.db.execute(
            "SELECT derived, source FROM watch_alerts WHERE delivered_log = 0").fetchall()
        marks = [(d, s) for d, s in pending if alert_id(d, s) in logged]
        if marks:
            with self.store.transaction():
                self.store.db.executemany(
                    "UPDATE watch_alerts SET delivered_log = 1 WHERE derived = ? AND source = ?", marks)

    def seen(self) -> int:
        """How many feed items were handled for good."""
        return self.store.db.execute("SELECT COUNT(*) FROM watch_items WHERE status != 'pending'").fetchone()[0]

    # -- polling ----------------------------------------------------------------------------------
    def _event(self, kind: str, message: str) -> None:
        if self.on_event:
            self.on_event(kind, message)

    def feed_sources(self) -> list[str]:
        """The feeds to poll, read afresh from the feeds file."""
        from .feeds import sniff

        try:
            data = self.feeds_file.read_bytes()
        except OSError as exc:
            self._event("feed-error", f"{self.feeds_file}: cannot read the feeds file ({exc})")
            return []
        if sniff(data) == "opml":
            return [str(self.feeds_file)]
        lines = data.decode("utf-8", "replace").splitlines()
        out = []
        for line in lines:
            line = line.split("#", 1)[0].strip() if not line.strip().startswith("#") else ""
            if line:
                out.append(line if "://" in line or Path(line).is_absolute()
                           else str(self.feeds_file.parent / line))
        return list(dict.fromkeys(out))

    def _item_state(self, feed: str, key: str):
        return self.store.db.execute(
            "SELECT status, attempts, reason FROM watch_items WHERE feed = ? AND key = ?", (feed, key)).fetchone()

    def _mark_item(self, feed: str, key: str, url: str | None, status: str, article_id: str | None,
                   reason: str | None, attempts: int) -> None:
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO watch_items (feed, key, url, status, article_id, reason, attempts, first_seen,"
                " updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(feed, key) DO UPDATE SET"
                " status = excluded.status, article_id = excluded.article_id, reason = excluded.reason,"
                " attempts = excluded.attempts, updated_at = excluded.updated_at",
                (feed, key, url, status, article_id, reason, attempts, _now(), _now()),
            )

    def _ingest_new_items(self) -> dict:
        from ..pipeline import ingest
        from .feeds import discover, item_article

        counts = {"ingested": 0, "duplicate": 0, "rejected": 0, "pending": 0, "feed-errors": 0}
        for feed in self.feed_sources():
            for item in discover(feed, self.settings, self.fetcher):
                if self._stop.is_set():
                    return counts
                if isinstance(item, Rejection):
                    # The feed itself failed: nothing is marked, so its items are read next poll.
                    counts["feed-errors"] += 1
                    self._event("feed-error", f"{item.input}: {item.reason}: {item.message}")
                    continue
                state = self._item_state(item.source, item.key)
                if state is not None and state[0] != "pending":
                    continue
                attempts = (state[1] if state else 0) + 1
                # Marked before its article is stored: if the process dies between storing the
                # article and marking the item, the next poll knows the "duplicate" is its own.
                resumed = state is not None and state[2] == "storing"
                self._mark_item(item.source, item.key, item.url, "pending", None, "storing", attempts - 1)
                try:
                    record = item_article(item, self.settings, self.fetcher)
                except RejectedInput as exc:
                    record = Rejection(item.name, exc.reason, str(exc))
                except Exception as exc:  # one broken item never stops the watch
                    record = Rejection(item.name, "error", f"{type(exc).__name__}: {exc}")
                summary = ingest([record], self.store, self.settings)
                if summary.ingested or summary.duplicates:
                    article_id = (summary.ingested or summary.duplicates)[0]
                    own = summary.ingested or (resumed and self._carries(article_id, item))
                    status = "ingested" if own else "duplicate"
                    self._mark_item(item.source, item.key, item.url, status, article_id, None, attempts)
                    counts[status] += 1
                    self._event(status, f"{item.name} -> {article_id}")
                    continue
                rejection = summary.rejected[0]
                if rejection.reason in TRANSIENT and attempts < self.max_attempts:
                    self._mark_item(item.source, item.key, item.url, "pending", None, rejection.reason, attempts)
                    counts["pending"] += 1
                    self._event("rejected", f"{rejection.input}: {rejection.reason}: {rejection.message}"
                                f" (will retry, try {attempts} of {self.max_attempts})")
                else:
                    self._mark_item(item.source, item.key, item.url, "rejected", None, rejection.reason, attempts)
                    counts["rejected"] += 1
                    self._event("rejected", f"{rejection.input}: {rejection.reason}: {rejection.message}")
        return counts

    def _carries(self, article_id: str, item) -> bool:
        """Whether the stored article came from this feed item (its name and feed key)."""
        return self.store.db.execute(
            "SELECT 1 FROM articles WHERE id = ? AND source_path = ? AND json_extract(meta, '$.feed_key') = ?",
            (article_id, item.name, item.key)).fetchone() is not None

    def _side(self, row, prefix: str) -> dict:
        return {k: row[f"{prefix}_{k}"] for k in ("id", "url", "outlet", "title", "published", "lang")}

    def _new_alerts(self) -> int:
        """Write an alert for every link not alerted yet that involves a chosen outlet."""
        rows = self.store.db.execute(
            "SELECT l.derived, l.source, l.kind, l.confidence, l.direction, l.derived_coverage,"
            " l.source_coverage, d.id AS d_id, d.url AS d_url, d.outlet AS d_outlet, d.title AS d_title,"
            " d.published AS d_published, d.lang AS d_lang, s.id AS s_id, s.url AS s_url,"
            " s.outlet AS s_outlet, s.title AS s_title, s.published AS s_published, s.lang AS s_lang"
            " FROM links l JOIN articles d ON d.id = l.derived JOIN articles s ON s.id = l.source"
            " WHERE NOT EXISTS (SELECT 1 FROM watch_alerts w WHERE w.derived = l.derived AND w.source = l.source)"
            " ORDER BY l.created_at, l.derived, l.source"
        ).fetchall()
        new = []
        for row in rows:
            involved = [o for o in (row["d_outlet"], row["s_outlet"]) if o]
            if self.outlets is not None and not self.outlets.intersection(involved):
                continue
            alert = {
                "alert_id": alert_id(row["derived"], row["source"]),
                "detected_at": _now(),
                "kind": row["kind"], "confidence": row["confidence"], "direction": row["direction"],
                "coverage": {"derived": row["derived_coverage"], "source": row["source_coverage"]},
                "derived": self._side(row, "d"), "source": self._side(row, "s"),
                "outlets": sorted(set(involved) & self.outlets) if self.outlets is not None else sorted(set(involved)),
            }
            new.append((row["derived"], row["source"], json.dumps(alert, ensure_ascii=False), _now()))
        if new:
            with self.store.transaction():
                self.store.db.executemany(
                    "INSERT OR IGNORE INTO watch_alerts (derived, source, alert, created_at) VALUES (?,?,?,?)", new)
        return len(new)

    def _deliver(self) -> list[dict]:
        """Deliver every alert a channel has not had yet; returns the alerts shown this time."""
        rows = self.store.db.execute(
            "SELECT derived, source, alert, delivered_terminal, delivered_log, delivered_webhook"
            " FROM watch_alerts WHERE baseline = 0 AND (delivered_terminal = 0"
            + (" OR delivered_log = 0" if self.log_path else "")
            + (" OR delivered_webhook = 0" if self.webhook else "")
            + ") ORDER BY created_at, rowid"
        ).fetchall()
        shown = []
        for row in rows:
            alert = json.loads(row["alert"])
            key = (row["derived"], row["source"])
            if not row["delivered_terminal"]:
                if self.on_alert:
                    self.on_alert(alert)
                shown.append(alert)
                self._mark_alert(key, "delivered_terminal")
            if self.log_path and not row["delivered_log"]:
                self._append_log(alert)
                self._mark_alert(key, "delivered_log")
            if self.webhook and not row["delivered_webhook"]:
                if self._post(alert):
                    self._mark_alert(key, "delivered_webhook")
        return shown

    def _mark_alert(self, key: tuple[str, str], column: str) -> None:
        with self.store.transaction():
            self.store.db.execute(f"UPDATE watch_alerts SET {column} = 1 WHERE derived = ? AND source = ?", key)

    def _append_log(self, alert: dict) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(alert, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _post(self, alert: dict) -> bool:
        import httpx

        if self._http is None:
            self._http = httpx.Client(timeout=self.webhook_timeout, follow_redirects=True)
        last = ""
        for attempt in range(self.webhook_retries + 1):
            if attempt:
                time.sleep(self.webhook_backoff * 2 ** (attempt - 1))
            try:
                response = self._http.post(self.webhook, json=alert,
                                           headers={"Idempotency-Key": alert["alert_id"]})
                if response.status_code < 300:
                    return True
                last = f"HTTP {response.status_code}"
                if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                    break  # the receiver refuses this alert; retrying will not change its mind
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
        self._event("webhook-error", f"{self.webhook}: {last}; the alert {alert['alert_id']} will be sent"
                    " again on the next poll")
        return False

    def poll_once(self) -> list[dict]:
        """One poll: ingest new feed items, link, write and deliver new alerts.

        Returns:
            The alerts shown (to ``on_alert``) in this poll, including any a crash kept from being
            shown before.
        """
        from ..link import link_store

        started = time.monotonic()
        counts = self._ingest_new_items()
        linked = link_store(self.store, self.settings, only_new=True) if not self._stop.is_set() else {}
        self._new_alerts()
        shown = self._deliver()
        self.last_poll = {**counts, "links": linked.get("links", 0), "alerts": len(shown),
                          "seconds": round(time.monotonic() - started, 2)}
        self._event("poll", ", ".join(f"{k} {v}" for k, v in self.last_poll.items()))
        return shown

    def run(self, iterations: int | None = None) -> None:
        """Poll every ``interval`` seconds until ``stop()`` (or ``iterations`` polls). An error in
        one poll is reported and the next poll goes on."""
        done = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.poll_once()
            except Exception as exc:  # a long-running watch outlives any one bad poll (a full disk too)
                from ..store import store_error

                exc = store_error(exc, self.store.path) or exc
                self._event("error", f"the poll failed ({type(exc).__name__}: {exc}); trying again in"
                            f" {self.interval:g} s")
            done += 1
            if iterations is not None and done >= iterations:
                break
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def stop(self) -> None:
        """Ask ``run`` to return after the item in hand."""
        self._stop.set()

    def __enter__(self) -> "Watcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP clients (the store stays open: it belongs to the caller)."""
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._own_fetcher:
            self.fetcher.close()
