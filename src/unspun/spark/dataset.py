"""The Parquet dataset the Spark job reads: a store and its candidate index, as tables.

``export_dataset(store, out)`` writes a folder::

    manifest.json   what the job needs besides the tables: the settings and model the links are
                    made with, the candidate index's state (language centres, LSH bands and rows,
                    MinHash permutations), the store's term statistics per language, counts
    articles/       one row per article (TABLES["articles"])
    sentences/      one row per sentence, with its vector
    anchors/        one row per anchor of a sentence
    buckets/        one row per MinHash LSH band bucket of an article
    terms/          one row per (language, word): how many articles of that language hold it
    _SUCCESS        written last: a folder without it is a partial export and is refused

Every Parquet field carries its description as field metadata (docs/spark.md lists them).
Vectors are ``binary``: float32 values, little-endian (a vector crosses from Spark's JVM to the
Python workers as one byte string, where a ``list<float>``, format 1, was pickled value by value:
the job at 20,000 articles is 10-12% faster so, docs/spark.md); the index vector is the float16
the candidate index holds, widened without loss. Times are UTC. The index vectors, buckets,
publication epochs and centres are read from the candidate index beside the store (opened and
caught up first), so the job starts from exactly the state the local engine would use.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..errors import SparkError
from ..settings import Settings
from ..store import Store

FORMAT = 2  # of the dataset; the job refuses another (1: vectors as list<float>)

TABLES: dict[str, list[tuple[str, str, str]]] = {
    "articles": [
        ("id", "str", "article id"),
        ("rowid", "int", "position in the store (store order: link examines articles in this order)"),
        ("key", "int", "the candidate index's integer key of the article"),
        ("url", "str", "where it was published"),
        ("outlet", "str", "registered domain of the outlet"),
        ("lang", "str", "language (ISO 639-1)"),
        ("published", "time", "publication time (UTC)"),
        ("published_stored", "str", "publication time exactly as the store holds it (compare reads it so: a time zone offset is kept)"),
        ("published_epoch", "float", "publication time in seconds since 1970 (UTC), as the time window reads it"),
        ("title", "str", "title"),
        ("text", "str", "the extracted text (sentence spans index into it)"),
        ("source_path", "str", "the input it was read from"),
        ("meta", "str", "JSON: the article's metadata as compare reads it (artifact_score, artifact_kinds, _rowid, ...)"),
        ("examine", "bool", "linked by this run (not linked before, or every article with --all)"),
        ("pending", "bool", "compared by an earlier run that stopped before settling its links"),
        ("index_vector", "bytes", "the document vector the candidate index holds: float32 little-endian (float16 widened without loss), uncentred"),
        ("minhash", "bytes", "MinHash signature: minhash_perm uint64 values, little-endian"),
    ],
    "sentences": [
        ("article_id", "str", "article id"),
        ("idx", "int", "sentence index in the article"),
        ("text", "str", "sentence text"),
        ("start", "int", "character offset of its start in the article text"),
        ("end", "int", "character offset of its end"),
        ("paragraph", "int", "paragraph number"),
        ("quoted", "bool", "the sentence is mostly a quotation"),
        ("hash", "str", "sha1 of the text (the vector cache key)"),
        ("vector", "bytes", "sentence vector of the accurate encoder: float32 little-endian, L2-normalised"),
    ],
    "anchors": [
        ("article_id", "str", "article id"),
        ("pos", "int", "order of the anchor in the store (an article's anchors are read in this order)"),
        ("sentence_idx", "int", "index of the sentence holding it"),
        ("kind", "str", "number, name or quote"),
        ("value", "str", "normalised value"),
    ],
    "buckets": [
        ("article_id", "str", "article id"),
        ("bucket", "int", "an LSH band bucket of its MinHash signature (band number mixed in)"),
    ],
    "terms": [
        ("lang", "str", "language"),
        ("term", "str", "a lower-cased word"),
        ("df", "int", "articles of that language holding the word"),
    ],
}


def export_dataset(store: Store, out: str, settings: Settings | None = None, only_new: bool = True,
                   progress: Callable[[str, int, int], None] | None = None, rows_per_file: int = 20_000) -> dict:
    """Write the dataset of a store for the Spark job into the folder ``out``.

    Args:
        store: the store (its candidate index beside it is opened and caught up).
        out: a new or empty folder (an earlier export there is replaced).
        settings: the settings the job links with (recorded in the manifest).
        only_new: the job examines only articles not linked yet (as ``unspun link``); False:
            every article (``--all``).
        progress: ``progress(table, done, total)``.
    Returns:
        ``{"out", "rows": {table: count}, "examine": n}``.
    Raises:
        SparkError: a two-tier store (no accurate document vectors), or ``out`` is a file.
    """
    from ..embed import get_encoder
    from ..graph.export import write_parquet
    from ..index.candidates import CandidateIndex

    settings = settings or Settings()
    report = progress or (lambda table, done, total: None)
    model = get_encoder(settings.encoder).model_id
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise SparkError(f"{out} is a file", "Give a folder for the Spark dataset")
    with CandidateIndex(store, model, settings) as index:
        if index.source != "doc":
            raise SparkError(
                "The Spark engine needs the accurate sentence vectors and document vectors, and this store is"
                " two-tier (its candidate index holds fast vectors)",
                "Run `unspun embed`, then link with `--set candidate_vectors=doc`")
        sidecar = index.sidecar
        items = {r[0]: (r[1], r[2]) for r in sidecar.db.execute("SELECT article_id, key, published FROM items")}
        vectors = {r[0]: r[1] for r in sidecar.db.execute("SELECT article_id, vector FROM items WHERE vector IS NOT NULL")}
        manifest = {
            "format": FORMAT, "model": model, "settings": settings.as_dict(),
            "fingerprint": settings.fingerprint, "only_new": only_new,
            "index": {**index.params, "centers": index.centers.state(), "dim": sidecar.get("dim")},
            "term_docs": dict(store.db.execute("SELECT lang, n FROM term_docs").fetchall()),
        }
    missing = len(store.sentences_without_vectors(model))
    if missing:
        raise SparkError(f"{missing} sentences of the store have no vector under {model}",
                         "Run `unspun embed` first: the Spark engine aligns with stored vectors only")
    last = store.db.execute("SELECT rowid, id FROM articles ORDER BY rowid DESC LIMIT 1").fetchone()
    manifest["store"] = {"path": os.path.abspath(store.path), "articles": store.count("articles"),
                         "last": list(last) if last else None}
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    todo = set(store.article_ids(unlinked_only=only_new))
    pending = set(store.pending_ids()) - todo
    total = store.count("articles")
    counts = {}

    def articles() -> Iterator[dict]:
        done = 0
        for row in store.db.execute(
            "SELECT a.rowid, a.*, m.signature FROM articles a LEFT JOIN minhashes m ON m.article_id = a.id"
            " ORDER BY a.rowid"
        ):
            meta = json.loads(row["meta"] or "{}")
            if row["artifact_score"] is not None:
                meta["artifact_score"] = row["artifact_score"]
                meta["artifact_kinds"] = sorted({r[0] for r in store.db.execute(
                    "SELECT DISTINCT kind FROM artifacts WHERE article_id = ?", (row["id"],))})
            meta["_rowid"] = row["rowid"]
            key, epoch = items.get(row["id"], (None, None))
            blob = vectors.get(row["id"])
            done += 1
            if done % 5000 == 0:
                report("articles", done, total)
            yield {
                "id": row["id"], "rowid": row["rowid"], "key": key, "url": row["url"], "outlet": row["outlet"],
                "lang": row["lang"], "published": _utc(row["published"]), "published_stored": row["published"],
                "published_epoch": epoch,
                "title": row["title"], "text": row["text"], "source_path": row["source_path"],
                "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True),
                "examine": row["id"] in todo, "pending": row["id"] in pending,
                "index_vector": np.frombuffer(blob, dtype=np.float16).astype("<f4").tobytes() if blob else None,
                "minhash": row["signature"],
            }

    def sentences() -> Iterator[dict]:
        from ..store import from_blob

        for r in store.db.execute(
            "SELECT s.article_id, s.idx, substr(a.text, s.start + 1, s.end - s.start) AS text, s.start, s.end,"
            " s.paragraph, s.quoted, s.hash, v.dim, v.vector FROM articles a JOIN sentences s ON s.article_id = a.id"
            " LEFT JOIN vectors v ON v.model = ? AND v.hash = s.hash ORDER BY a.rowid, s.idx", (model,)
        ):
            yield {"article_id": r[0], "idx": r[1], "text": r[2], "start": r[3], "end": r[4], "paragraph": r[5],
                   "quoted": bool(r[6]), "hash": r[7],
                   "vector": from_blob(r[9], r[8]).astype("<f4", copy=False).tobytes() if r[9] is not None else None}

    def anchors() -> Iterator[dict]:
        for r in store.db.execute("SELECT rowid, article_id, sentence_idx, kind, value FROM anchors ORDER BY rowid"):
            yield {"article_id": r[1], "pos": r[0], "sentence_idx": r[2], "kind": r[3], "value": r[4]}

    def buckets() -> Iterator[dict]:
        for r in sidecar_rows(store, "SELECT i.article_id, l.bucket FROM lsh l JOIN items i ON i.key = l.key"):
            yield {"article_id": r[0], "bucket": r[1]}

    def terms() -> Iterator[dict]:
        for r in store.db.execute("SELECT lang, term, df FROM terms"):
            yield {"lang": r[0], "term": r[1], "df": r[2]}

    for name, rows in (("articles", articles()), ("sentences", sentences()), ("anchors", anchors()),
                       ("buckets", buckets()), ("terms", terms())):
        report(name, 0, 1)
        counts[name] = _write_table(name, rows, path / name, rows_per_file, write_parquet)
        report(name, 1, 1)
    manifest["counts"] = counts
    manifest["examine"] = len(todo)
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1),
                                        encoding="utf-8")
    (path / "_SUCCESS").write_text("")
    return {"out": str(path), "rows": counts, "examine": len(todo)}


def sidecar_rows(store: Store, query: str):
    """Rows of a query on the candidate index's SQLite file beside the store."""
    from ..index.sidecar import Sidecar, sidecar_paths

    paths = sidecar_paths(store.path)
    side = Sidecar(paths[0] if paths else None, read_only=True)
    try:
        yield from side.db.execute(query)
    finally:
        side.close()


def _write_table(name: str, rows: Iterator[dict], folder: Path, rows_per_file: int, write_parquet) -> int:
    """Write rows as ``part-NNNNN.parquet`` files of at most ``rows_per_file`` rows each (the
    job reads them in parallel)."""
    folder.mkdir(parents=True, exist_ok=True)
    total, part = 0, 0
    chunk: list[dict] = []

    def flush():
        nonlocal part
        write_parquet(name, iter(chunk), str(folder / f"part-{part:05d}.parquet"), columns=TABLES[name],
                      metadata={"unspun.dataset": str(FORMAT)})
        part += 1
        chunk.clear()

    for row in rows:
        chunk.append(row)
        total += 1
        if len(chunk) >= rows_per_file:
            flush()
    if chunk or part == 0:
        flush()
    return total


def _utc(value: str | None) -> str | None:
    """A stored publication time as UTC ISO 8601 (naive times are UTC)."""
    from ..store import parse_time
    from datetime import timezone

    t = parse_time(value)
    if t is None:
        return None
    t = t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)
    return t.isoformat()


def read_manifest(root: str) -> dict:
    """The manifest of a dataset on the local file system.

    Raises:
        SparkError: no dataset there, a partial export, or another format.
    """
    path = Path(root)
    if not (path / "manifest.json").is_file():
        raise SparkError(f"{root} holds no unspun Spark dataset (no manifest.json)",
                         "Write one with `unspun export --format parquet --what spark --out DIR`")
    if not (path / "_SUCCESS").is_file():
        raise SparkError(f"{root} is a partial export (no _SUCCESS marker)", "Run the export again")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    check_format(manifest, root)
    return manifest


def check_format(manifest: dict, root: str) -> None:
    if manifest.get("format") != FORMAT:
        raise SparkError(f"{root} is a dataset of format {manifest.get('format')!r}; this unspun reads format {FORMAT}",
                         "Export it again with this version of unspun")


def is_local(url: str) -> bool:
    """Whether a dataset or output URL is a path of this machine (no scheme, or file:)."""
    return "://" not in url or url.startswith("file:")


def local_path(url: str) -> str:
    return url[len("file://"):] if url.startswith("file://") else url[len("file:"):] if url.startswith("file:") else url


def remove(url: str) -> None:
    if is_local(url) and os.path.exists(local_path(url)):
        shutil.rmtree(local_path(url))
