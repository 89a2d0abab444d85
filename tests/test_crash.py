"""Crash safety: kill -9 at many moments of `unspun ingest --link`, `unspun link`, `unspun embed`,
`unspun watch` and the candidate index update, then run it again; the store ends exactly as after
an uninterrupted run (same articles, links, vectors, index), with nothing half-written left behind
to trip the next run.

Kill points of `ingest --link` and `link` are shares of the time an uninterrupted run took, so they
fall across the whole run (loading, reading, embedding, storing, indexing, linking, pruning). The
others are killed as soon as the store shows a given stage done (so many vectors, articles, links
or index items committed): the encoder's speed on two shared cores varies too much for a kill by
time to land in a run of a few seconds. Moments too short to hit either way (between storing a
feed item and marking it, between linking and pruning) are simulated in process."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from unspun.store import Store

CORPUS = ROOT / "demo" / "corpus"

UNSPUN = ("-c", "from unspun.cli import main; main()")


def _python(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _start(*args) -> subprocess.Popen:
    """``unspun *args`` in a process of its own."""
    return _python(*UNSPUN, *args)


def _kill_at(seconds: float, *args) -> None:
    """Start ``python *args`` and kill -9 it after ``seconds``."""
    victim = _python(*args)
    time.sleep(seconds)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)


def _finish(process: subprocess.Popen) -> str:
    """Wait for a process: exit status 0 and no traceback; returns its output."""
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0 and b"Traceback" not in err, (process.args[3:], err.decode()[-2000:])
    return out.decode()


def _timed(*args) -> float:
    """Seconds ``python *args`` took to finish."""
    started = time.perf_counter()
    _finish(_python(*args))
    return time.perf_counter() - started


def _vectors(db: str) -> dict:
    with Store(db) as store:
        return {(model, h): (dim, blob) for model, h, dim, blob in store.db.execute("SELECT * FROM vectors")}


def _kill_when(ready, *args) -> None:
    """Start ``python *args`` and kill -9 it as soon as ``ready()`` holds (or it ended)."""
    victim = _python(*args)
    while victim.poll() is None and not ready():
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)


def _count(db: str, rows: str) -> int:
    """``SELECT COUNT(*) FROM <rows>`` in ``db`` read-only, while another process writes it (0
    before the file or the table exists)."""
    import sqlite3

    try:
        reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return reader.execute(f"SELECT COUNT(*) FROM {rows}").fetchone()[0]
        finally:
            reader.close()
    except sqlite3.Error:
        return 0


def _killed(*args, **kw):
    raise KeyboardInterrupt("killed")


def _no_temporary_files(db: str) -> None:
    for suffix in (".usearch.tmp", ".usearch.passages.tmp"):
        assert not os.path.exists(db + suffix), suffix


def cached_vectors_store(path, *args) -> str:
    """An empty store whose vector cache holds every sentence ``unspun *args --db path`` stores
    (the store is emptied after that run): the runs a test compares then never wait for the
    encoder, the slow part on two shared cores."""
    path = str(path)
    _finish(_start(*args, "--db", path))
    with Store(path) as store, store.transaction():
        for (table,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT IN ('vectors', '_migrations')").fetchall():
            store.db.execute(f"DELETE FROM {table}")
    for suffix in (".candidates", ".usearch", ".usearch.passages"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def _state(db: str):
    with Store(db) as store:
        articles = sorted(r["id"] for r in store.iter_article_rows())
        links = sorted((l["derived"], l["source"], l["kind"], l["direction"], round(l["confidence"], 4))
                       for l in store.links())
        alignments = store.count("alignments")
        integrity = store.db.execute("PRAGMA integrity_check").fetchone()[0]
    return articles, links, alignments, integrity


@pytest.mark.slow
def test_crash_kill_at_any_moment_of_ingest_and_link_loses_nothing(tmp_path):
    reference = str(tmp_path / "reference.db")
    duration = _timed(*UNSPUN, "ingest", CORPUS, "--db", reference, "--link")
    expected = _state(reference)
    assert expected[1] and expected[3] == "ok"
    # Kill points spread over the whole run: model loading, reading, embedding, storing, the
    # candidate index, linking, pruning.
    interrupted = 0
    for n, share in enumerate((0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.97)):
        db = str(tmp_path / f"killed-{n}.db")
        _kill_at(duration * share, *UNSPUN, "ingest", CORPUS, "--db", db, "--link")
        if not os.path.exists(db) or _state(db)[:2] != expected[:2]:
            interrupted += 1  # the kill cut work in progress (what the rerun must complete)
        _finish(_start("ingest", CORPUS, "--db", db, "--link"))
        assert _state(db) == expected, (share, _state(db), expected)
        _finish(_start("check", "--db", db, "--json"))
        _no_temporary_files(db)
    assert interrupted >= 3, interrupted  # the kills did land in the middle of the work


@pytest.mark.slow
def test_crash_kill_during_link_then_link_again(tmp_path):
    # Ingested first, linked apart (`unspun link`), killed while linking: the next `unspun link`
    # completes the work with no link missing or doubled.
    reference = str(tmp_path / "reference.db")
    _finish(_start("ingest", CORPUS, "--db", reference))
    ingested = str(tmp_path / "ingested.db")
    shutil.copy(reference, ingested)
    duration = _timed(*UNSPUN, "link", "--db", reference)
    expected = _state(reference)
    assert expected[1]
    for n, share in enumerate((0.3, 0.5, 0.7, 0.85, 0.95)):
        db = str(tmp_path / f"link-killed-{n}.db")
        shutil.copy(ingested, db)
        _kill_at(duration * share, *UNSPUN, "link", "--db", db)
        _finish(_start("link", "--db", db))
        assert _state(db) == expected, (share, _state(db), expected)


INDEX_UPDATE = """
import sys
import unspun.index.candidates as candidates
from unspun.settings import Settings
from unspun.store import Store
candidates.CATCH_UP_BATCH = 150  # many appends, each its own transaction
with Store(sys.argv[1]) as store:
    candidates.CandidateIndex(store, sys.argv[2], Settings()).close()
"""


def _index_state(db: str, model: str, dim: int, probes: list):
    """Everything the index beside ``db`` holds, and the candidates it proposes for ``probes``."""
    import sqlite3

    from unspun.index.candidates import CandidateIndex
    from unspun.settings import Settings
    from unspun.store.check import check_store

    side = sqlite3.connect(db + ".candidates")
    items = side.execute("SELECT * FROM items ORDER BY key").fetchall()
    lsh = side.execute("SELECT * FROM lsh ORDER BY bucket, key").fetchall()
    meta = dict(side.execute("SELECT name, value FROM meta WHERE name IN ('centers', 'dim', 'params')").fetchall())
    side.close()
    with Store(db) as store:
        checked = check_store(store, model, dim, Settings())
        with CandidateIndex(store, model, Settings()) as index:
            assert index.appended == 0 and not index.rebuilt  # nothing left to do
            sizes = (len(index.vectors), len(index.passages))
            found = [[i for i, _e in index.candidates(a)] for a in probes]
    return items, lsh, meta, sizes, found, checked["ok"]


@pytest.mark.slow
def test_crash_kill_during_the_candidate_index_update_then_open_again(tmp_path):
    # 1,200 articles in three languages (the global mean freezes at 1,000 of them, each
    # language's at 200) indexed in appends of 150; killed at any moment, the next open
    # completes the index: the same items, buckets, language centres and candidates.
    from test_index import DIM, MODEL, _fill

    store_only = str(tmp_path / "store.db")
    with Store(store_only) as store, store.transaction():
        probes = _fill(store, 1200)[::120]
    reference = str(tmp_path / "reference.db")
    shutil.copy(store_only, reference)
    script = ("-c", INDEX_UPDATE)
    _finish(_python(*script, reference, MODEL))
    expected = _index_state(reference, MODEL, DIM, probes)
    assert len(expected[0]) == 1200 and expected[-1]
    interrupted = 0
    # Killed after 1, 4 and 7 of the 8 appends, and after the last one (while the vectors are
    # centred again, the passages computed and the .usearch files written).
    for n, appended in enumerate((150, 600, 1050, 1200)):
        db = str(tmp_path / f"index-killed-{n}.db")
        shutil.copy(store_only, db)
        _kill_when(lambda: _count(db + ".candidates", "items") >= appended, *script, db, MODEL)
        saved = _count(db + ".candidates", "meta WHERE name = 'passages_upto'")
        interrupted += _count(db + ".candidates", "items") < 1200 or not saved
        _finish(_python(*script, db, MODEL))
        assert _index_state(db, MODEL, DIM, probes) == expected, appended
        _no_temporary_files(db)
    assert interrupted >= 3, interrupted  # the kills did land in the middle of the update


@pytest.mark.slow
def test_crash_kill_during_embed_then_embed_again(tmp_path):
    # A two-tier store (no sentence vectors) embedded in bulk four sentences a commit, killed in
    # the middle (the encoder's speed on two shared cores varies too much for a kill by time):
    # the next `unspun embed` embeds only the rest, and the store holds exactly the vectors of an
    # uninterrupted run.
    from unspun.embed import E5Encoder
    from unspun.settings import Settings
    from unspun.store.check import check_store

    places, topics = ["Hamburg", "Bremen", "Kiel", "Rostock", "Lübeck"], ["den Haushalt", "den Hafen", "die Schulen"]
    doc = tmp_path / "council.txt"
    doc.write_text("Sitzungen im Norden\n" + " ".join(f"Der Rat von {places[n % 5]} beriet am {n + 1}. Mai über"
                                                       f" {topics[n % 3]}." for n in range(16)), encoding="utf-8")
    ingested = str(tmp_path / "ingested.db")
    _finish(_start("ingest", doc, "--db", ingested, "--set", "embed_on_ingest=false"))
    reference = str(tmp_path / "reference.db")
    shutil.copy(ingested, reference)
    _finish(_start("embed", "--db", reference, "--chunk", 4))
    expected = _vectors(reference)
    assert len(expected) == 16
    interrupted = 0
    for n, committed in enumerate((4, 8, 12)):
        db = str(tmp_path / f"embed-killed-{n}.db")
        shutil.copy(ingested, db)
        _kill_when(lambda: _count(db, "vectors") >= committed, *UNSPUN, "embed", "--db", db, "--chunk", 4)
        left = json.loads(_finish(_start("embed", "--db", db, "--json")))["sentences"]
        interrupted += 0 < left <= 16 - committed  # it went on from what was committed
        assert _vectors(db) == expected, committed
        with Store(db) as store:
            assert check_store(store, E5Encoder.model_id, E5Encoder.dim, Settings())["ok"]
    assert interrupted >= 2, interrupted


def _watch_state(db: str, log) -> tuple:
    with Store(db) as store:
        items = sorted(tuple(r) for r in store.db.execute("SELECT feed, key, status, article_id FROM watch_items"))
        alerts = sorted(tuple(r) for r in store.db.execute(
            "SELECT derived, source, baseline, delivered_log FROM watch_alerts"))
    logged = sorted(json.loads(line)["alert_id"] for line in log.read_text().splitlines()) if log.exists() else []
    return _state(db), items, alerts, logged


@pytest.mark.slow
def test_crash_kill_during_watch_then_watch_again(tmp_path):
    # `unspun watch` polls a feed on a local server (three items: a story, a copy of it, another
    # story), killed at any moment of its poll and started again: the same articles and links,
    # every item handled once, and the alert in the log exactly once.
    from fixtures.web.server import Route, WebServer
    from test_ingest_web_watch import AIRLINE_ITEM, COPY_ITEM, LEDGER_ITEM, rss
    from unspun.ingest.fetch import Fetcher
    from unspun.ingest.watch import Watcher
    from unspun.settings import Settings

    with WebServer() as web:
        web.routes["/news.rss"] = Route(body=rss([LEDGER_ITEM, AIRLINE_ITEM, COPY_ITEM]),
                                        content_type="application/rss+xml")
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(web.url("/news.rss") + "\n")
        cached = cached_vectors_store(tmp_path / "cached.db", "watch", "--feeds", feeds, "--iterations", 1)
        reference = str(tmp_path / "reference.db")
        shutil.copy(cached, reference)

        def watch(db: str, log) -> tuple:
            return (*UNSPUN, "watch", "--db", db, "--feeds", feeds, "--interval", 0.05, "--iterations", 1, "--log", log)

        _finish(_python(*watch(reference, tmp_path / "reference.jsonl")))
        expected = _watch_state(reference, tmp_path / "reference.jsonl")
        assert expected[0][1] and len(expected[1]) == 3 and len(expected[3]) == 1, expected
        # Killed once the first item is stored, once all three are (while linking), once the link
        # is written (pruning, alerting) and once the alert is (delivering it).
        for n, (table, rows) in enumerate((("articles", 1), ("articles", 3), ("links", 1),
                                           ("watch_alerts", 1))):
            db, log = str(tmp_path / f"watch-killed-{n}.db"), tmp_path / f"watch-killed-{n}.jsonl"
            shutil.copy(cached, db)
            _kill_when(lambda: _count(db, table) >= rows, *watch(db, log))
            _finish(_python(*watch(db, log)))
            assert _watch_state(db, log) == expected, (table, rows)
            _no_temporary_files(db)
        # Killed between storing an item's article and marking the item (too short a moment to
        # hit by timing): the next poll finds the article is the item's own, not a duplicate.
        db, log = str(tmp_path / "watch-unmarked.db"), tmp_path / "watch-unmarked.jsonl"
        shutil.copy(cached, db)
        with Store(db) as store:
            watcher = Watcher(store, feeds, 0.05, log_path=log, fetcher=Fetcher(Settings(), rate=0.0))
            mark = watcher._mark_item
            watcher._mark_item = lambda *args: mark(*args) if args[3] == "pending" else _killed()
            with pytest.raises(KeyboardInterrupt):
                watcher.poll_once()
            watcher.close()
            assert store.count("articles") == 1 and not store.db.execute(
                "SELECT 1 FROM watch_items WHERE status != 'pending'").fetchone()
        _finish(_python(*watch(db, log)))
        assert _watch_state(db, log) == expected


def test_crash_kill_between_linking_and_pruning_then_link_again(demo_store, tmp_path, monkeypatch):
    # A kill at the moment the links are written and the sibling rule has not run yet (too short a
    # moment to hit by timing), then `unspun link` again: the same links as an uninterrupted run.
    import sqlite3

    import unspun.link as link
    from unspun.settings import Settings

    def unlinked_copy(name: str) -> str:
        path = str(tmp_path / name)
        copy = sqlite3.connect(path)
        demo_store.db.backup(copy)
        copy.close()
        with Store(path) as store, store.transaction():
            store.db.execute("DELETE FROM links")
            store.db.execute("UPDATE articles SET linked_at = NULL")
        return path

    whole, killed = unlinked_copy("whole.db"), unlinked_copy("killed.db")
    with Store(whole) as store:
        link.link_store(store, Settings())
    with Store(killed) as store:
        monkeypatch.setattr(link, "prune_explained", _killed)
        with pytest.raises(KeyboardInterrupt):
            link.link_store(store, Settings())
        monkeypatch.undo()
        link.link_store(store, Settings())
    assert _state(killed)[1] == _state(whole)[1]
