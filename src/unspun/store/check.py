"""Verify a store and repair what can be rebuilt (``unspun check``).

Checks, each reported with what it found:

* ``integrity``: SQLite's own ``PRAGMA integrity_check`` and ``foreign_key_check``;
* ``links``: every link's two articles are stored, every alignment row belongs to a link;
* ``vectors``: sentence and document vectors have the dimension their model's rows declare and
  the encoder in use expects; the share of articles without sentence vectors is reported
  (a two-tier store has them on purpose);
* ``index``: the candidate index beside the store (``<db>.candidates``, ``<db>.usearch``)
  describes this store: same parameters, as many articles, the same last article.

``--repair`` rebuilds the candidate index from the store (it is a cache: nothing is lost) and
removes alignment rows whose link is gone. Damage to the store itself (integrity, a link to a
missing article) is reported and never "repaired" by deleting data.
"""
from __future__ import annotations

import sqlite3

from . import Store


def check_store(store: Store, model: str, dim: int, settings, repair: bool = False) -> dict:
    """The checks of the module docstring on an open store: ``{"ok", "checks": {name: {"ok",
    "found", ...}}, "repaired": [...]}``."""
    db = store.db
    checks: dict[str, dict] = {}
    repaired: list[str] = []

    rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    checks["integrity"] = {"ok": rows == ["ok"] and not fk, "sqlite": rows[:10],
                           "foreign_key_violations": len(fk)}

    dangling = db.execute(
        "SELECT derived, source FROM links l WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = l.derived)"
        " OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = l.source)").fetchall()
    orphans = db.execute(
        "SELECT COUNT(*) FROM alignments al WHERE NOT EXISTS"
        " (SELECT 1 FROM links l WHERE l.derived = al.derived AND l.source = al.source)").fetchone()[0]
    if orphans and repair:
        with store.transaction():
            db.execute("DELETE FROM alignments WHERE NOT EXISTS"
                       " (SELECT 1 FROM links l WHERE l.derived = alignments.derived AND l.source = alignments.source)")
        repaired.append(f"removed {orphans} alignment rows whose link was gone")
        orphans = 0
    checks["links"] = {"ok": not dangling and not orphans, "links": store.count("links"),
                       "links_to_missing_articles": [f"{d} -> {s}" for d, s in dangling[:20]],
                       "orphan_alignment_rows": orphans}

    # float32, or float16 (the fast tier's sentence vectors, see store.from_blob)
    wrong_dim = db.execute("SELECT model, dim, COUNT(*) FROM vectors WHERE length(vector) NOT IN (dim * 4, dim * 2)"
                           " GROUP BY model, dim").fetchall()
    other_dim = db.execute("SELECT dim, COUNT(*) FROM vectors WHERE model = ? AND dim != ? GROUP BY dim",
                           (model, dim)).fetchall()
    bad_doc = db.execute("SELECT COUNT(*) FROM doc_vectors WHERE model = ? AND length(vector) != ?",
                         (model, dim * 4)).fetchone()[0]
    articles = store.count("articles")
    without = db.execute(
        "SELECT COUNT(*) FROM articles a WHERE EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id)"
        " AND EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id AND NOT EXISTS"
        " (SELECT 1 FROM vectors v WHERE v.model = ? AND v.hash = s.hash))", (model,)).fetchone()[0]
    checks["vectors"] = {"ok": not wrong_dim and not other_dim and not bad_doc, "model": model, "dim": dim,
                         "rows_of_wrong_length": sum(n for *_, n in wrong_dim),
                         "rows_of_another_dimension": sum(n for _, n in other_dim),
                         "document_vectors_of_wrong_length": bad_doc,
                         "articles_without_sentence_vectors": without, "articles": articles}

    checks["index"] = _check_index(store, model, settings, repair, repaired)
    return {"ok": all(c["ok"] for c in checks.values()), "store": store.path, "checks": checks,
            "repaired": repaired}


def _check_index(store: Store, model: str, settings, repair: bool, repaired: list[str]) -> dict:
    from ..index.candidates import CandidateIndex
    from ..index.sidecar import Sidecar, remove_files, sidecar_paths

    paths = sidecar_paths(store.path)
    if not paths:
        return {"ok": True, "note": "in-memory store: no index on disk"}
    import os

    if not os.path.exists(paths[0]):
        state = {"ok": True, "note": "no index yet: it is built by the next `unspun link` or trace"}
        return state
    problem = None
    try:
        sidecar = Sidecar(paths[0], read_only=store.read_only)
        try:
            count, last = sidecar.count(), sidecar.last()
        finally:
            sidecar.db.close()
    except Exception as exc:  # an unreadable sidecar
        problem, count, last = f"the index cannot be read: {exc}", None, None
    if problem is None and last is not None:
        row = store.db.execute("SELECT id FROM articles WHERE rowid = ?", (last[2],)).fetchone()
        held = store.db.execute("SELECT COUNT(*) FROM articles WHERE rowid <= ?", (last[2],)).fetchone()[0]
        if row is None or row[0] != last[1]:
            problem = f"the index's last article ({last[1]}) is not this store's"
        elif held != count:
            problem = f"the index holds {count} articles, the store {held} up to the same one"
    behind = 0
    if problem is None:
        upto = last[2] if last else 0
        behind = store.db.execute("SELECT COUNT(*) FROM articles WHERE rowid > ?", (upto,)).fetchone()[0]
    if problem and repair:
        try:  # emptied and rebuilt under the index lock: other processes may have it open
            with CandidateIndex(store, model, settings, rebuild=True) as index:
                rebuilt = len(index)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise
            remove_files(paths)  # not even a database: start a new one
            remove_files((paths[1] + ".passages", paths[1] + ".tmp"))
            with CandidateIndex(store, model, settings) as index:
                rebuilt = len(index)
        repaired.append(f"rebuilt the candidate index ({rebuilt} articles): {problem}")
        return {"ok": True, "articles": rebuilt, "was": problem}
    return {"ok": problem is None, "problem": problem, "articles": count,
            "behind": behind, "note": "articles added since are indexed by the next link or trace" if behind else None}
