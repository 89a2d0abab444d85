"""The embedded store: one SQLite file with numbered migrations.

Every write that belongs together (an article with its sentences, anchors and vectors; a link with
its alignment) is one transaction, so a run killed half-way leaves only whole records behind, and
re-running skips what is already there.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from ..article import Anchor, Article, Sentence
from ..errors import ArticleNotFound, SchemaTooNew, StoreBusy, StoreError, StoreFull, StoreReadOnly
from ..text.terms import article_terms, idf
from .migrations import MIGRATIONS, add_terms


PENDING = "pending"  # articles.linked_at of an article compared but not pruned around yet


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def to_blob(vector: np.ndarray, dtype=np.float32) -> bytes:
    return np.asarray(vector, dtype=dtype).tobytes()


def from_blob(blob: bytes, dim: int | None = None) -> np.ndarray:
    """A stored vector as float32. Given its dimension, a blob of two bytes per value is read as
    float16 (how the fast tier's sentence vectors are kept), else as float32."""
    if dim and len(blob) == 2 * dim:
        return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    v = np.frombuffer(blob, dtype=np.float32)
    return v if dim is None else v.reshape(-1, dim)


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# Terms whose weight a store keeps per language between calls (about 10 MB).
TERM_CACHE_MAX = 100_000


class Store:
    """An unspun store in one SQLite file.

    Args:
        path: file path, or ":memory:".
        read_only: open it read-only (a store that cannot be written is opened so anyway).
    Raises:
        StoreError: the file is not a SQLite database.
        SchemaTooNew: the file was written by a newer unspun.
        StoreBusy: another process held the write lock past ``UNSPUN_BUSY_TIMEOUT`` (creating or
            upgrading the store).
        StoreFull, StoreReadOnly: the store cannot be created or upgraded; later writes (in
            ``transaction()``) raise them too.
    """

    def __init__(self, path: str | Path = "unspun.db", read_only: bool = False):
        self.path = str(path)
        self._term_weights: dict[str, tuple[int, dict[str, float]]] = {}  # lang -> (its article count, term -> idf)
        # A store that cannot be written (permissions, a read-only mount) is opened read-only, so
        # the commands that only read still work and a write fails with StoreReadOnly.
        self.read_only = read_only or not writable(self.path)
        try:
            self.db = connect(self.path, read_only=self.read_only)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            retry_locked(self._migrate)
        except sqlite3.DatabaseError as exc:
            raise (store_error(exc, self.path) or StoreError(f"Cannot open store {self.path!r}: {exc}")) from exc

    # -- schema ---------------------------------------------------------------------------------
    def _migrate(self) -> None:
        if self.read_only:
            known = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone()
            done = {r[0] for r in self.db.execute("SELECT version FROM _migrations")} if known else set()
            if done and max(done) > len(MIGRATIONS):
                raise SchemaTooNew(f"Store {self.path!r} has schema version {max(done)}, this unspun knows {len(MIGRATIONS)}")
            if len(done) < len(MIGRATIONS):
                raise StoreReadOnly(f"The store {self.path!r} is read-only and needs upgrading to schema version"
                                    f" {len(MIGRATIONS)} before this unspun can read it")
            return
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
        )
        done = {r[0] for r in self.db.execute("SELECT version FROM _migrations")}
        if done and max(done) > len(MIGRATIONS):
            raise SchemaTooNew(f"Store {self.path!r} has schema version {max(done)}, this unspun knows {len(MIGRATIONS)}")
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version in done:
                continue
            with self.transaction():
                # Another process creating or upgrading the same store may have applied it while
                # this one waited for the write lock.
                if self.db.execute("SELECT 1 FROM _migrations WHERE version = ?", (version,)).fetchone():
                    continue
                migration(self.db)
                self.db.execute(
                    "INSERT INTO _migrations VALUES (?, ?, ?)", (version, migration.__name__, now())
                )

    @property
    def schema_version(self) -> int:
        return self.db.execute("SELECT MAX(version) FROM _migrations").fetchone()[0]

    def transaction(self):
        return Transaction(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def id_for_hash(self, content_hash: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article, model: str, doc_vector: np.ndarray | None = None,
                    minhash: tuple[int, bytes] | None = None) -> None:
        """Write an article with its sentences, anchors, sentence vectors, document vector and
        MinHash in one transaction."""
        meta = {k: v for k, v in article.meta.items() if _jsonable(v)}
        with self.transaction():
            self.db.execute(
                "INSERT INTO articles (id, content_hash, url, outlet, lang, published, title, text, source_path,"
                " meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id, article.content_hash, article.url, article.outlet, article.lang,
                    article.published.isoformat() if article.published else None, article.title,
                    article.text, article.source_path, json.dumps(meta, ensure_ascii=False), now(),
                ),
            )
            self.db.executemany(
                "INSERT INTO sentences VALUES (?,?,?,?,?,?,?)",
                [(article.id, s.index, s.start, s.end, s.paragraph, int(s.quoted), s.hash) for s in article.sentences],
            )
            self.db.executemany(
                "INSERT INTO anchors VALUES (?,?,?,?)",
                [(article.id, s.index, a.kind, a.value) for s in article.sentences for a in s.anchors],
            )
            if article.vectors is not None:
                self.put_vectors(model, [s.hash for s in article.sentences], article.vectors)
            if doc_vector is not None:
                self.db.execute("INSERT INTO doc_vectors VALUES (?,?,?)", (article.id, model, to_blob(doc_vector)))
            if minhash is not None:
                self.db.execute("INSERT INTO minhashes VALUES (?,?,?)", (article.id, minhash[0], minhash[1]))
            add_terms(self.db, article.lang or "und", article_terms(article))

    def get_article(self, article_id: str, model: str | None = None) -> Article:
        """Load a stored article with sentences, anchors and (when ``model`` is given) vectors.

        Raises:
            ArticleNotFound: no article has that id.
        """
        row = self.db.execute("SELECT rowid, * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFound(f"No article with id {article_id!r} in {self.path}")
        return self._article_from_row(row, model)

    def get_articles(self, ids: Iterable[str], model: str | None = None) -> list[Article]:
        return [self.get_article(i, model) for i in ids]

    def _article_from_row(self, row: sqlite3.Row, model: str | None) -> Article:
        article = Article(
            id=row["id"], text=row["text"], title=row["title"], url=row["url"], outlet=row["outlet"],
            lang=row["lang"], published=parse_time(row["published"]), source_path=row["source_path"],
            meta=json.loads(row["meta"] or "{}"),
        )
        if row["artifact_score"] is not None:
            article.meta["artifact_score"] = row["artifact_score"]
            article.meta["artifact_kinds"] = sorted({r[0] for r in self.db.execute(
                "SELECT DISTINCT kind FROM artifacts WHERE article_id = ?", (article.id,))})
        article.meta["_rowid"] = row["rowid"]
        text = article.text
        sentences = [
            Sentence(index=r["idx"], text=text[r["start"]:r["end"]], start=r["start"], end=r["end"],
                     paragraph=r["paragraph"], quoted=bool(r["quoted"]))
            for r in self.db.execute("SELECT * FROM sentences WHERE article_id = ? ORDER BY idx", (article.id,))
        ]
        for r in self.db.execute("SELECT sentence_idx, kind, value FROM anchors WHERE article_id = ?", (article.id,)):
            if r[0] < len(sentences):
                sentences[r[0]].anchors.append(Anchor(r[1], r[2]))
        article.sentences = sentences
        if model is not None and sentences:
            article.vectors = self.get_vectors(model, [s.hash for s in sentences])
        return article

    def iter_article_rows(self, where: str = "", params: tuple = ()) -> Iterator[sqlite3.Row]:
        yield from self.db.execute(
            f"SELECT id, lang, outlet, title, published, url, content_hash FROM articles {where} ORDER BY rowid", params
        )

    def article_ids(self, unlinked_only: bool = False) -> list[str]:
        where = "WHERE linked_at IS NULL" if unlinked_only else ""
        return [r[0] for r in self.db.execute(f"SELECT id FROM articles {where} ORDER BY rowid")]

    def count(self, table: str) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def mark_linked(self, ids: list[str], pending: bool = False) -> None:
        """Record that articles were linked. ``pending``: compared, but the link graph around them
        not settled yet (sibling pruning, compilations); a run killed in between finishes that
        work on the next ``link`` (:meth:`pending_ids`)."""
        value = PENDING if pending else now()
        with self.transaction():
            self.db.executemany("UPDATE articles SET linked_at = ? WHERE id = ?", [(value, i) for i in ids])

    def pending_ids(self) -> list[str]:
        """Articles compared by a run that stopped before settling the link graph around them."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE linked_at = ? ORDER BY rowid", (PENDING,))]

    def published_of(self, ids: list[str]) -> dict[str, datetime | None]:
        out = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id, published FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            out.update({r[0]: parse_time(r[1]) for r in self.db.execute(q, chunk)})
        return out

    # -- vectors --------------------------------------------------------------------------------
    def get_vectors(self, model: str, hashes: list[str]) -> np.ndarray | None:
        """Vectors for sentence hashes in order, or None if any is missing."""
        found = self.cached_vectors(model, hashes)
        if len(found) < len(set(hashes)):
            return None
        return np.vstack([found[h] for h in hashes])

    def cached_vectors(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            q = f"SELECT hash, dim, vector FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(chunk))})"
            for h, dim, blob in self.db.execute(q, [model, *chunk]):
                found[h] = from_blob(blob, dim).reshape(-1)
        return found

    def sentences_without_vectors(self, model: str) -> list[tuple[str, str]]:
        """``(hash, text)`` of every stored sentence that has no vector under ``model``, one per
        hash, in storage order (what ``unspun embed`` fills)."""
        seen: set[str] = set()
        out = []
        for h, text in self.db.execute(
            "SELECT s.hash, substr(a.text, s.start + 1, s.end - s.start) FROM articles a JOIN sentences s "
            "ON s.article_id = a.id WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.model = ? AND v.hash = s.hash) "
            "ORDER BY a.rowid, s.idx", (model,)
        ):
            if h not in seen:
                seen.add(h)
                out.append((h, text))
        return out

    def put_vectors(self, model: str, hashes: list[str], vectors: np.ndarray, dtype=np.float32) -> None:
        """Store sentence vectors by (model, sentence hash); ``dtype`` float16 halves the space
        (used for the fast tier's vectors, which only gate pairs)."""
        dim = vectors.shape[1] if vectors.ndim == 2 else 0
        self.db.executemany(
            "INSERT OR IGNORE INTO vectors VALUES (?,?,?,?)",
            [(model, h, dim, to_blob(v, dtype)) for h, v in zip(hashes, vectors)],
        )

    def doc_vectors(self, model: str) -> tuple[list[str], np.ndarray]:
        ids, rows = [], []
        for article_id, blob in self.db.execute(
            "SELECT d.article_id, d.vector FROM doc_vectors d JOIN articles a ON a.id = d.article_id"
            " WHERE d.model = ? ORDER BY a.rowid", (model,)
        ):
            ids.append(article_id)
            rows.append(from_blob(blob))
        return ids, (np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32))

    def minhashes(self) -> Iterator[tuple[str, int, bytes]]:
        yield from self.db.execute(
            "SELECT m.article_id, m.num_perm, m.signature FROM minhashes m JOIN articles a ON a.id = m.article_id"
            " ORDER BY a.rowid"
        )

    def anchor_postings(self, kinds: tuple[str, ...] = ("number", "name")) -> Iterator[tuple[str, str, str]]:
        q = f"SELECT DISTINCT kind, value, article_id FROM anchors WHERE kind IN ({','.join('?' * len(kinds))})"
        yield from self.db.execute(q, kinds)

    def term_weights(self, lang: str, terms: set[str]) -> dict[str, float]:
        """IDF of each term among the stored articles of one language (unseen terms: as if df=0).

        The weights are kept between calls while the language's article count stays the same:
        terms are only ever added with an article (``add_article``), so an unchanged count means
        unchanged frequencies, even when another process writes the store. Linking asks for one
        article's terms once per compared pair."""
        row = self.db.execute("SELECT n FROM term_docs WHERE lang = ?", (lang,)).fetchone()
        n = row[0] if row else 0
        seen_n, weights = self._term_weights.get(lang, (None, {}))
        if seen_n != n or len(weights) > TERM_CACHE_MAX:
            weights = {}
            self._term_weights[lang] = (n, weights)
        missing = [t for t in terms if t not in weights]
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            q = f"SELECT term, df FROM terms WHERE lang = ? AND term IN ({','.join('?' * len(chunk))})"
            dfs = dict(self.db.execute(q, [lang, *chunk]).fetchall())
            weights.update({t: idf(dfs.get(t, 0), n) for t in chunk})
        return {t: weights[t] for t in terms}

    # -- links ----------------------------------------------------------------------------------
    def put_link(self, link: dict[str, Any], alignment: list[dict[str, Any]], model: str, settings: dict) -> None:
        """Write (or replace) one link with its alignment, in one transaction."""
        with self.transaction():
            self.db.execute("DELETE FROM links WHERE derived = ? AND source = ?", (link["derived"], link["source"]))
            self.db.execute(
                "INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    link["derived"], link["source"], link["kind"], link["confidence"], link["direction"],
                    link["derived_coverage"], link["source_coverage"], json.dumps(link.get("features", {})),
                    model, json.dumps(settings, sort_keys=True), now(),
                ),
            )
            self.db.executemany(
                "INSERT INTO alignments (derived, source, pos, derived_idx, source_idx, role, score, detail, changes)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (link["derived"], link["source"], pos, json.dumps(a["derived"]), json.dumps(a["source"]),
                     a["role"], a.get("score"), a.get("detail"), json.dumps(a.get("changes") or [], ensure_ascii=False))
                    for pos, a in enumerate(alignment)
                ],
            )

    def delete_link(self, derived: str, source: str) -> None:
        """Remove one link (its alignment goes with it: ON DELETE CASCADE)."""
        with self.transaction():
            self.db.execute("DELETE FROM links WHERE derived = ? AND source = ?", (derived, source))

    def delete_links_of(self, article_id: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM links WHERE derived = ? OR source = ?", (article_id, article_id))

    def links(self, article_id: str | None = None, as_derived: bool = False) -> list[dict[str, Any]]:
        if article_id is None:
            rows = self.db.execute("SELECT * FROM links ORDER BY derived, confidence DESC")
        elif as_derived:
            rows = self.db.execute("SELECT * FROM links WHERE derived = ? ORDER BY confidence DESC", (article_id,))
        else:
            rows = self.db.execute(
                "SELECT * FROM links WHERE derived = ? OR source = ? ORDER BY confidence DESC", (article_id, article_id)
            )
        out = []
        for r in rows:
            d = dict(r)
            d["features"] = json.loads(d["features"])
            d["settings"] = json.loads(d["settings"])
            out.append(d)
        return out

    def alignment(self, derived: str, source: str) -> list[dict[str, Any]]:
        return [
            {"derived": json.loads(r["derived_idx"]), "source": json.loads(r["source_idx"]), "role": r["role"],
             "score": r["score"], "detail": r["detail"], "changes": json.loads(r["changes"])}
            for r in self.db.execute(
                "SELECT * FROM alignments WHERE derived = ? AND source = ? ORDER BY pos", (derived, source)
            )
        ]

    # -- artifacts ------------------------------------------------------------------------------
    def put_artifacts(self, article_id: str, score: float, artifacts: list[dict[str, Any]]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM artifacts WHERE article_id = ?", (article_id,))
            self.db.executemany(
                "INSERT OR IGNORE INTO artifacts VALUES (?,?,?,?,?,?,?)",
                [(article_id, a["kind"], a["start"], a["end"], a["text"], a["rule"], a["reason"]) for a in artifacts],
            )
            self.db.execute("UPDATE articles SET artifact_score = ? WHERE id = ?", (score, article_id))

    def artifacts(self, article_id: str) -> list[dict[str, Any]]:
        return [
            dict(r) for r in self.db.execute(
                "SELECT kind, start, end, text, rule, reason FROM artifacts WHERE article_id = ? ORDER BY start",
                (article_id,),
            )
        ]

    # -- rejected -------------------------------------------------------------------------------
    def reject(self, input_name: str, reason: str, message: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO rejected (input, reason, message, at) VALUES (?,?,?,?)"
                " ON CONFLICT(input, reason) DO UPDATE SET message = excluded.message, at = excluded.at",
                (input_name, reason, message, now()),
            )

    def rejected(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT input, reason, message, at FROM rejected ORDER BY id")]


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("UNSPUN_BUSY_TIMEOUT", "60")))
    except ValueError:
        return 60.0


def holders(path: str) -> list[str]:
    """Other processes that have the store file (or its WAL) open, as "PID command" (Linux /proc;
    empty elsewhere or when they cannot be read): named in a "store is busy" error."""
    target = {os.path.realpath(path), os.path.realpath(path) + "-wal"}
    out = []
    proc = Path("/proc")
    if not proc.is_dir():
        return out
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.path.realpath(fd) in target for fd in (entry / "fd").iterdir()):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                out.append(f"{entry.name} {cmd[:120]}")
        except OSError:
            continue
    return out


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (nested uses join the outer one).

    A full disk or a read-only store is raised as StoreFull or StoreReadOnly, after the rollback
    (SQLite may have rolled back already: it does on SQLITE_FULL)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.outer = False

    def __enter__(self):
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.db

    def __exit__(self, exc_type, exc, tb):
        if not self.outer:
            return False
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.DatabaseError as failed:
                exc = failed
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        named = store_error(exc, _path_of(self.db)) if isinstance(exc, sqlite3.DatabaseError) else None
        if named is not None and not isinstance(named, StoreBusy):
            raise named from exc
        if exc_type is None:
            raise exc
        return False


def connect(path: str, read_only: bool = False, timeout: float | None = None) -> sqlite3.Connection:
    """A connection to a store (or to the index beside it) that waits ``UNSPUN_BUSY_TIMEOUT`` for
    other writers. ``read_only`` opens the file read-only; on a read-only file system also as
    immutable, since SQLite could not create the shared-memory file a WAL database needs."""
    timeout = busy_timeout() if timeout is None else timeout
    if not read_only or path in ("", ":memory:"):
        return sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    from urllib.parse import quote

    mode = "ro&immutable=1" if _read_only_fs(path) else "ro"
    return sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode={mode}", uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)


def writable(path: str) -> bool:
    """Whether a store at ``path`` can be written: the file (when it exists) and its folder, which
    holds the -wal and -shm files. As root only a read-only file system says no."""
    if path in ("", ":memory:") or path.startswith("file:"):
        return True
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return False
    return not os.path.isdir(folder) or (os.access(folder, os.W_OK) and not _read_only_fs(folder))


def disk_full(path: str, needed: int = 1 << 16) -> bool:
    """Whether the disk that holds ``path`` has less than ``needed`` bytes free."""
    try:
        return shutil.disk_usage(os.path.dirname(os.path.abspath(path)) or ".").free < needed
    except OSError:
        return False


def _read_only_fs(path: str) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _path_of(db: sqlite3.Connection) -> str:
    row = db.execute("PRAGMA database_list").fetchone()
    return (row[2] if row else "") or ":memory:"


def store_error(exc: BaseException, path: str) -> StoreError | None:
    """The named error for a failure to write a store or the index beside it: a full disk
    (SQLITE_FULL, ENOSPC, EDQUOT) is StoreFull, a read-only file or file system StoreReadOnly,
    a lock held past the busy timeout StoreBusy (naming the holders); None for anything else."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    number = exc.errno if isinstance(exc, OSError) else None
    # SQLite says "disk I/O error" when it cannot even grow the -shm file of a full disk.
    if (code == "SQLITE_FULL" or "database or disk is full" in text or number in (errno.ENOSPC, errno.EDQUOT)
            or (code.startswith("SQLITE_IOERR") and disk_full(path))):
        what = f"{exc.filename!r}" if isinstance(exc, OSError) and exc.filename else f"The store {path!r}"
        return StoreFull(f"{what} could not be written: the disk is full")
    if (code.startswith("SQLITE_READONLY") or "readonly database" in text or number == errno.EROFS
            or (code.startswith("SQLITE_CANTOPEN") and not writable(path))):
        return StoreReadOnly(f"The store {path!r} is read-only: this command writes to it")
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        who = holders(path)
        return StoreBusy(f"The store {path!r} stayed locked by another writer" + (f" ({'; '.join(who)})" if who else ""))
    return None


def retry_locked(step, wait: float | None = None):
    """Run ``step``, again while SQLite answers "locked" without waiting (switching a new store
    to WAL does), with backoff, for up to the busy timeout."""
    deadline = time.monotonic() + (busy_timeout() if wait is None else wait)
    pause = 0.01
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False
