"""The candidate index on disk, beside the store: ``<db>.candidates`` (SQLite) and ``<db>.usearch``.

The store stays the source of truth; these two files are a cache of what candidate generation
needs, so that a run over a store of a million articles neither reads every vector nor rebuilds
an index. ``<db>.candidates`` holds:

* ``items``: one row per indexed article: a dense integer key (the usearch key), the article id,
  its rowid in the store (to notice new, deleted or replaced articles), its publication time
  (for the time window) and the vector the nearest-neighbour index holds (float16);
* ``lsh``: the MinHash LSH bucket keys of each article, one row per band;
* ``meta``: what the files were built with (vector source, dimension, MinHash parameters) and how
  far the ``.usearch`` file is up to date.

Opening the index *catches up*: articles the store gained since the last run are appended (only
those), and an index built with other parameters, or over a store that lost or replaced
articles, is rebuilt from the store.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

SCHEMA_VERSION = 1


def sidecar_paths(store_path: str) -> tuple[str, str] | None:
    """``(<db>.candidates, <db>.usearch)`` for a store file, or None for an in-memory store."""
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


class Sidecar:
    """The ``<db>.candidates`` SQLite file (or an in-memory one for an in-memory store)."""

    def __init__(self, path: str | None):
        self.path = path
        self.db = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL" if path else "PRAGMA journal_mode = MEMORY")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self._create()

    def _create(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS items (key INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE,"
            " store_rowid INTEGER NOT NULL, published REAL, lang TEXT, vector BLOB)"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS items_rowid ON items(store_rowid)")
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
        """Forget everything (the index will be rebuilt from the store)."""
        self.db.execute("BEGIN IMMEDIATE")
        for table in ("meta", "items", "lsh"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("COMMIT")

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
        self.db.execute("BEGIN IMMEDIATE")
        try:
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
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

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
