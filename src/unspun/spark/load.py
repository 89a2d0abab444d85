"""``unspun import-links``: the Spark job's links into the store, settled as the local engine does.

The links of one job are written in one transaction, with the articles it examined marked as
compared but not settled (``Store.mark_linked(pending=True)``); then ``link.settle`` runs, the
graph rules that end ``link_store`` (compilations turned round, links another article explains
pruned, families joined, articles marked linked), so the store ends with the links the local
engine would have left. A process killed between the two leaves the articles pending: the next
``unspun link`` settles them. Importing the same output again gives
the same store: each pair's links (either direction) are replaced, then settled again.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from ..errors import LinksDatasetError
from ..settings import Settings
from ..store import Store

LINK_COLUMNS = ("derived", "source", "kind", "confidence", "direction", "derived_coverage", "source_coverage",
                "features", "model", "settings", "alignment")


def read_output(out: str) -> tuple[dict, list[dict], list[dict]]:
    """``(summary, link rows, examined rows)`` of a finished job output folder (local file system).

    Raises:
        LinksDatasetError: no folder, an unfinished job (no ``_SUCCESS``), or missing tables.
    """
    import pyarrow.parquet as pq

    root = Path(out[len("file:"):] if out.startswith("file:") else out)
    if not root.is_dir():
        raise LinksDatasetError(f"No folder {out!r}")
    if not (root / "summary.json").is_file():
        if (root / "manifest.json").is_file():
            raise LinksDatasetError(f"{out} is an exported dataset, not the output of the job",
                                    "Run `python -m unspun.spark DATASET OUT` on it, then import OUT")
        raise LinksDatasetError(f"{out} is not an output of the unspun Spark job (no summary.json)")
    if not (root / "_SUCCESS").is_file():
        raise LinksDatasetError(f"{out} is the output of a job that did not finish (no _SUCCESS marker)",
                                "Run the job again with the same OUT: it resumes from its last finished stage")
    for table in ("links", "examined"):
        if not (root / table / "_SUCCESS").is_file():
            raise LinksDatasetError(f"{out} lacks its {table} table", "Run the job again with the same OUT")
    summary = json.loads((root / "summary.json").read_text(encoding="utf-8"))
    links = pq.read_table(str(root / "links"), columns=list(LINK_COLUMNS)).to_pylist()
    examined = pq.read_table(str(root / "examined")).to_pylist()
    return summary, links, examined


def import_links(store: Store, out: str, settings: Settings | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Load a finished job's links into ``store`` and settle them.

    Returns:
        ``{"examined", "links", "pruned", "imported"}`` (as ``link_store``'s counts).
    Raises:
        LinksDatasetError: a wrong or unfinished folder, or links naming articles the store lacks.
    """
    from ..link import settle

    report = progress or (lambda stage, done, total: None)
    summary, links, examined = read_output(out)
    stored = summary.get("store") or {}
    last = store.db.execute("SELECT rowid, id FROM articles ORDER BY rowid DESC LIMIT 1").fetchone()
    if stored.get("last") is not None and stored["last"][0] <= (last[0] if last else 0):
        row = store.db.execute("SELECT id FROM articles WHERE rowid = ?", (stored["last"][0],)).fetchone()
        if row is None or row[0] != stored["last"][1]:
            raise LinksDatasetError(f"{out} was made from another store ({stored.get('path')})",
                                    "Import it into the store it was exported from")
    ids = {r["article_id"] for r in examined} | {l["derived"] for l in links} | {l["source"] for l in links}
    missing = [i for i in ids if not store.has_article(i)]
    if missing:
        raise LinksDatasetError(f"{len(missing)} articles named in {out} are not in this store (e.g. {missing[0]!r})",
                                "Import it into the store it was exported from")
    settings = settings or Settings()
    todo = [r["article_id"] for r in sorted(examined, key=lambda r: r["rowid"]) if r["examine"]]
    pending = [r["article_id"] for r in sorted(examined, key=lambda r: r["rowid"]) if r["pending"] and not r["examine"]]
    report("import", 0, len(links))
    with store.transaction():
        for n, link in enumerate(links, start=1):
            # the pair's links of an earlier import of this output (either direction) are replaced
            store.db.execute("DELETE FROM links WHERE derived = ? AND source = ?", (link["source"], link["derived"]))
            row = {k: link[k] for k in ("derived", "source", "kind", "confidence", "direction",
                                        "derived_coverage", "source_coverage")}
            row["features"] = json.loads(link["features"])
            store.put_link(row, json.loads(link["alignment"]), link["model"], json.loads(link["settings"]))
            if n % 1000 == 0:
                report("import", n, len(links))
        store.mark_linked(todo, pending=True)
    report("import", len(links), len(links))
    report("settle", 0, 1)
    settled = settle(store, todo + [i for i in pending if i not in set(todo)], settings)
    report("settle", 1, 1)
    return {"examined": len(todo), "compared": summary.get("pairs"), "links": len(links) + settled["joined"],
            "imported": len(links), "pruned": settled["pruned"], "joined": settled["joined"], "engine": "spark"}
