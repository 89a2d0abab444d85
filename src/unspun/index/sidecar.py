"""The candidate index on disk, beside the store: ``<db>.candidates`` (SQLite), with the passage
graph (``<db>.usearch.passages``) and the exact search's vectors (``<db>.exact.*.npy``).

The store stays the source of truth; these files are a cache of what candidate generation
needs, so that a run over a store of a million articles neither reads every vector nor rebuilds
an index. ``<db>.candidates`` holds:

* ``items``: one row per indexed article: a dense integer key, the article id, its rowid in the
  store (to notice new, deleted or replaced articles), its publication time (for the time
  window) and its document vector (float16), which the exact search reads;
* ``lsh``: the MinHash LSH bucket keys of each article, one row per band;
* ``meta``: what the files were built with (vector source, dimension, MinHash parameters) and how
  far the passage graph and the exact vectors' files are up to date.

Opening the index *catches up*: articles the store gained since the last run are appended (only
those), and an index built with other parameters, or over a store that lost or replaced
articles, is rebuilt from the store.

Several processes may index one store at once (``IndexLock``): whatever changes the files (an
append, a rebuild, writing a file) holds ``<db>.candidates.lock``; reading never waits. Each
append is one SQLite transaction and each other file is written beside its place and renamed
into it, so a process killed at any moment leaves whole files behind.
"""
from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import StoreBusy
from ..store import Transaction, busy_timeout, connect, holders, retry_locked

SCHEMA_VERSION = 1


def sidecar_paths(store_path: str) -> tuple[str, str] | None:
    """``(<db>.candidates, <db>.usearch)`` for a store file, or None for an in-memory store. The
    second is the stem of the passage graph's file (``<db>.usearch.passages``); no
    ``<db>.usearch`` is written."""
    if store_path in ("", ":memory:") or store_path.startswith("file::memory:"):
        return None
    return store_path + ".candidates", store_path + ".usearch"


def epoch(when: datetime | str | None) -> float | None:
    """Seconds since 1970 of a publication time (naive times are taken as UTC)."""
    if when is None:
        return None
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


class IndexLock:
    """An exclusive ``flock`` on ``<db>.candidates.lock`` for whatever changes the index files.

    Re-entrant, and taken by one thread of a process at a time (the web server traces in
    several); released by the kernel when a process dies, so a kill -9 never leaves it held.
    Waits up to ``UNSPUN_BUSY_TIMEOUT`` like a store writer, then raises StoreBusy naming the
    processes that hold it. ``None`` as path (an in-memory or read-only store): threads only.
    """

    def __init__(self, path: str | None):
        self.path = path
        self.depth = 0
        self.fd: int | None = None
        self.threads = threading.RLock()

    def __enter__(self) -> "IndexLock":
        self.threads.acquire()
        try:
            self._flock()
        except BaseException:
            self.threads.release()
            raise
        self.depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None
        self.threads.release()

    def _flock(self) -> None:
        if self.path and self.depth == 0:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            deadline = time.monotonic() + busy_timeout()
            pause = 0.01
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        os.close(self.fd)
                        self.fd = None
                        raise self._busy() from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.25)

    def _busy(self):
        who = holders(self.path)
        return StoreBusy(f"The candidate index {self.path.removesuffix('.lock')!r} stayed locked by another"
                         " process" + (f" ({'; '.join(who)})" if who else ""))


class Sidecar:
    """The ``<db>.candidates`` SQLite file (or an in-memory one for an in-memory store).

    Opened read-only when the store is (``read_only``): then it is read, never created."""

    def __init__(self, path: str | None, read_only: bool = False):
        self.path = path
        self.read_only = bool(path) and read_only
        self.db = connect(path or ":memory:", read_only=self.read_only)
        if not self.read_only:
            retry_locked(self._create)

    def _create(self) -> None:
        self.db.execute("PRAGMA journal_mode = WAL" if self.path else "PRAGMA journal_mode = MEMORY")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS items (key INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE,"
            " store_rowid INTEGER NOT NULL, published REAL, lang TEXT, vector BLOB)"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS items_rowid ON items(store_rowid)")
        # Passage vectors (index.passages), uncentred float16, keyed like the passage index: the
        # exact search centres them with the current language centres.
        self.db.execute("CREATE TABLE IF NOT EXISTS passages (key INTEGER PRIMARY KEY, vector BLOB NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS lsh (bucket INTEGER NOT NULL, key INTEGER NOT NULL,"
            " PRIMARY KEY (bucket, key)) WITHOUT ROWID"
        )

    # -- meta ---------------------------------------------------------------------------------
    def get(self, name: str, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else default

    def put(self, name: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, json.dumps(value)))

    def reset(self) -> None:
        """Forget everything (the index will be rebuilt from the store). A new ``generation``
        tells other processes holding the old index in memory to read it again."""
        with Transaction(self.db):
            for table in ("meta", "items", "lsh", "passages"):
                self.db.execute(f"DELETE FROM {table}")
            self.put("generation", uuid.uuid4().hex)

    def put_many(self, values: dict) -> None:
        """Several meta values in one transaction."""
        with Transaction(self.db):
            for name, value in values.items():
                self.put(name, value)

    # -- items --------------------------------------------------------------------------------
    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def last(self) -> tuple[int, str, int] | None:
        """``(key, article_id, store_rowid)`` of the last persisted item."""
        row = self.db.execute(
            "SELECT key, article_id, store_rowid FROM items ORDER BY key DESC LIMIT 1"
        ).fetchone()
        return tuple(row) if row else None

    def next_key(self) -> int:
        last = self.last()
        return 0 if last is None else last[0] + 1

    def has(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM items WHERE article_id = ?", (article_id,)).fetchone() is not None

    def append(self, rows: list[tuple[int, str, int, float | None, str | None, np.ndarray | None, list[int]]],
               meta: dict | None = None) -> None:
        """Persist ``(key, article_id, store_rowid, published, lang, vector, buckets)`` rows, and
        ``meta`` values, in one transaction. Vectors are stored as given (not centred)."""
        with Transaction(self.db):
            self.db.executemany(
                "INSERT INTO items VALUES (?,?,?,?,?,?)",
                [(k, a, r, p, lang, None if v is None else np.asarray(v, dtype=np.float16).tobytes())
                 for k, a, r, p, lang, v, _b in rows],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO lsh VALUES (?,?)", [(b, k) for k, *_rest, bs in rows for b in bs]
            )
            for name, value in (meta or {}).items():
                self.put(name, value)

    def ids_of(self, keys: list[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for i in range(0, len(keys), 500):
            chunk = [int(k) for k in keys[i : i + 500]]
            q = f"SELECT key, article_id FROM items WHERE key IN ({','.join('?' * len(chunk))})"
            out.update(dict(self.db.execute(q, chunk).fetchall()))
        return out

    def published_of(self, article_ids: list[str]) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i : i + 500]
            q = f"SELECT article_id, published FROM items WHERE article_id IN ({','.join('?' * len(chunk))})"
            out.update(dict(self.db.execute(q, chunk).fetchall()))
        return out

    def vectors_after(self, key: int, batch: int = 50_000, lang: str | None = None, one_lang: bool = False):
        """``(keys, langs, float32 vectors)`` batches of the items after ``key`` that have a vector
        (with ``one_lang``, only those whose language is ``lang``, None meaning unknown)."""
        cursor = key
        where = " AND lang IS ?" if one_lang else ""
        while True:
            rows = self.db.execute(
                f"SELECT key, lang, vector FROM items WHERE key > ? AND vector IS NOT NULL{where} ORDER BY key LIMIT ?",
                (cursor, *((lang,) if one_lang else ()), batch),
            ).fetchall()
            if not rows:
                return
            cursor = rows[-1][0]
            yield (np.array([r[0] for r in rows], dtype=np.uint64), [r[1] for r in rows],
                   np.vstack([np.frombuffer(r[2], dtype=np.float16) for r in rows]).astype(np.float32))

    def items_after(self, key: int, upto: int | None = None, batch: int = 50_000):
        """``(article ids, langs, float32 vectors, published epochs)`` batches of the items after
        ``key`` (up to ``upto``) that have a vector, in key order."""
        cursor = key
        while True:
            rows = self.db.execute(
                "SELECT key, article_id, lang, vector, published FROM items WHERE key > ? AND key <= ?"
                " AND vector IS NOT NULL ORDER BY key LIMIT ?",
                (cursor, upto if upto is not None else (1 << 62), batch)).fetchall()
            if not rows:
                return
            cursor = rows[-1][0]
            yield ([r[1] for r in rows], [r[2] for r in rows], _f16_rows([r[3] for r in rows]), [r[4] for r in rows])

    def put_passages(self, rows: list[tuple[int, np.ndarray]]) -> None:
        """Persist ``(passage key, vector)`` rows (float16, uncentred)."""
        with Transaction(self.db):
            self.db.executemany("INSERT OR REPLACE INTO passages VALUES (?,?)",
                                [(int(k), np.asarray(v, dtype=np.float16).tobytes()) for k, v in rows])

    def passage_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def clear_passages(self) -> None:
        with Transaction(self.db):
            self.db.execute("DELETE FROM passages")

    def passage_rows(self, upto: int | None = None, after: int = -1, batch: int = 100_000):
        """``(article ids, langs, float32 vectors, published epochs)`` batches of the stored passages of the items
        after ``after`` and up to ``upto``, in passage-key order."""
        from .passages import KEY_BITS

        cursor = ((after + 1) << KEY_BITS) - 1 if after >= 0 else -1
        limit = ((upto + 1) << KEY_BITS) if upto is not None else (1 << 62)
        while True:
            rows = self.db.execute(
                f"SELECT p.key, i.article_id, i.lang, p.vector, i.published FROM passages p"
                f" JOIN items i ON i.key = (p.key >> {KEY_BITS})"
                " WHERE p.key > ? AND p.key < ? ORDER BY p.key LIMIT ?", (cursor, limit, batch)).fetchall()
            if not rows:
                return
            cursor = rows[-1][0]
            yield ([r[1] for r in rows], [r[2] for r in rows], _f16_rows([r[3] for r in rows]), [r[4] for r in rows])

    def vector_count(self, upto: int) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM items WHERE key <= ? AND vector IS NOT NULL", (upto,)
        ).fetchone()[0]

    # -- LSH ----------------------------------------------------------------------------------
    def collisions(self, buckets: list[int], bucket_max: int) -> dict[int, int]:
        """Keys colliding with any of the buckets, with how many bands each shares. Buckets held by
        more than ``bucket_max`` articles are boilerplate (a shared footer) and propose nothing."""
        counts: dict[int, int] = {}
        for b in buckets:
            keys = [r[0] for r in self.db.execute("SELECT key FROM lsh WHERE bucket = ? LIMIT ?", (b, bucket_max + 1))]
            if len(keys) > bucket_max:
                continue
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
        return counts

    def close(self) -> None:
        self.db.close()


def _f16_rows(blobs: list[bytes]) -> np.ndarray:
    """float16 BLOBs of one length as a float32 matrix (one read, not one array per row)."""
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), -1).astype(np.float32)


def remove_files(paths: tuple[str, str] | None) -> None:
    """Delete the sidecar files (used when they cannot be read)."""
    if not paths:
        return
    for p in paths:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(p + suffix)
            except FileNotFoundError:
                pass


def file_exists(path: str | None) -> bool:
    return bool(path) and Path(path).is_file()
