"""Candidate recall on a labelled corpus: the share of labelled derived pairs that reach alignment.

A labelled pair (``{"derived", "source"}`` in ``pairs.jsonl``) is *reached* when candidate
generation proposes it from either side, which is when ``link_store`` aligns it (each article is
examined against the store, each pair once). ``reached_from_derived`` counts only the derived
side's candidates, which is what ``trace`` of the derived article sees. Independent of the
classifier: this measures what the aligner is given, not what it decides.

    python benchmarks/candidate_recall.py ../shared/data/dev/wmt21-human --db /tmp/stores/wmt21-human.db
    python benchmarks/candidate_recall.py ../shared/data/dev/llm-rewrite --sample 100   # ingests (slow: embeds)
    python benchmarks/candidate_recall.py ../shared/data/dev/wmt21-human --db /tmp/stores/wmt21-human.db \
        --set candidate_vectors=fast --gates=-1,0.1,0.2,0.3    # the two-tier (fast) index, with gates

Beside recall overall, it reports recall by language pair (derived <- source), and for each gate
in ``--gates`` (a ``min_vector_cosine``: fast-tier neighbours below it propose nothing) the recall
and the share of articles that would need the accurate model in a two-tier store: those that
``link_store`` aligns with at least one candidate, from either side.

``--db`` names an already ingested store; it is copied to a temporary folder first, so the index
files written beside it never touch the original. Prints one JSON object; ``--out`` also writes it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from unspun.embed import E5Encoder
from unspun.eval import load_corpus
from unspun.index.candidates import CandidateIndex
from unspun.settings import Settings
from unspun.store import Store


def make_settings(pairs: list[str]) -> Settings:
    """Settings from ``NAME=VALUE`` pairs, accepting the index's own tunables (candidates.DEFAULTS)
    even where settings.py does not declare them yet."""
    from unspun.index.candidates import DEFAULTS

    known = [p for p in pairs if p.split("=", 1)[0] not in DEFAULTS]
    settings = Settings.from_pairs(known)
    for p in pairs:
        name, value = p.split("=", 1)
        if name in DEFAULTS:
            try:
                settings.set(name, value)
            except Exception:
                settings._values[name] = type(DEFAULTS[name])(value)
    return settings


def open_store(corpus: Path, db: str | None, sample: int | None, workdir: Path, settings: Settings) -> Store:
    if db:
        target = workdir / "store.db"
        src = Store(db)  # checkpoints the WAL into the copy's source view; read only
        src.db.execute("VACUUM INTO ?", (str(target),))
        src.close()
        return Store(target)
    from unspun.ingest.jsonl import article_from_record
    from unspun.pipeline import ingest

    articles, _pairs = load_corpus(corpus, sample)
    store = Store(workdir / "store.db")
    ingest((article_from_record(r, settings, f"{corpus.name}:{n}") for n, r in enumerate(articles)), store, settings)
    return store


def candidate_recall(store: Store, pairs: list[dict], settings: Settings, gates: list[float] | None = None) -> dict:
    """Recall of labelled derived pairs among the candidates of a store's articles."""
    model = E5Encoder.model_id
    stored = set(store.article_ids())
    labelled = [(p["derived"], p["source"]) for p in pairs
                if "derived" in p and p["derived"] in stored and p["source"] in stored]
    t0 = time.perf_counter()
    index = CandidateIndex(store, model, settings)
    open_s = time.perf_counter() - t0
    needed = {i for pair in labelled for i in pair}
    articles = {i: store.get_article(i, model) for i in store.article_ids() if i in needed or gates}
    proposed: dict[str, dict[str, dict]] = {}
    timings = []
    for article_id, article in articles.items():
        if article_id not in needed:
            continue
        t = time.perf_counter()
        proposed[article_id] = dict(index.candidates(article))
        timings.append(time.perf_counter() - t)
    gated = [_gate(index, articles, labelled, settings, g) for g in gates or []]
    source = index.source
    index.close()
    langs = dict(store.db.execute("SELECT id, lang FROM articles").fetchall())
    by_langs: dict[str, list[int]] = {}
    for d, s in labelled:
        key = f"{langs.get(d)}<-{langs.get(s)}"
        hit = s in proposed[d] or d in proposed[s]
        by_langs.setdefault(key, [0, 0])
        by_langs[key][0] += hit
        by_langs[key][1] += 1
    reached = from_derived = 0
    by_signal = {"vector": 0, "anchors": 0, "minhash": 0}
    missed = []
    for d, s in labelled:
        ev = proposed[d].get(s) or proposed[s].get(d)
        if ev is not None:
            reached += 1
            by_signal["vector"] += "vector_rank" in ev
            by_signal["anchors"] += "anchor_rank" in ev
            by_signal["minhash"] += bool(ev.get("minhash"))
        else:
            missed.append({"derived": d, "source": s})
        from_derived += s in proposed[d]
    timings.sort()
    n = len(labelled)
    return {
        "articles": len(stored), "labelled_pairs": n,
        "candidate_recall": round(reached / n, 4) if n else None,
        "reached_from_derived": round(from_derived / n, 4) if n else None,
        "reached_by_signal": by_signal,
        "candidates_per_article": settings.candidates_per_article,
        "candidate_vectors": source,
        "recall_by_languages": {k: {"recall": round(h / n, 4), "pairs": n} for k, (h, n) in sorted(by_langs.items())},
        "gates": gated,
        "index_open_s": round(open_s, 3),
        "query_p50_s": round(timings[len(timings) // 2], 4) if timings else None,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "missed": missed[:20],
    }


def _gate(index: CandidateIndex, articles: dict, labelled: list, settings: Settings, floor: float) -> dict:
    """Recall, and the share of articles the accurate model must embed, with the nearest-neighbour
    signal cut at ``min_vector_cosine = floor`` (anchors and MinHash unchanged)."""
    gated = Settings(**{**settings.as_dict(), "min_vector_cosine": float(floor)})
    saved, index.settings = index.settings, gated
    try:
        proposed = {i: dict(index.candidates(a)) for i, a in articles.items()}
    finally:
        index.settings = saved
    embed = set()
    for i, cands in proposed.items():
        if cands and articles[i].sentences:
            embed.add(i)
            embed.update(cands)
    reached = sum(1 for d, s in labelled if s in proposed[d] or d in proposed[s])
    return {
        "min_vector_cosine": floor,
        "candidate_recall": round(reached / len(labelled), 4) if labelled else None,
        "candidates_per_article": round(sum(map(len, proposed.values())) / max(len(proposed), 1), 2),
        "articles_needing_accurate_model": round(len(embed) / max(len(articles), 1), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--db", help="an ingested store of this corpus (copied, never written)")
    ap.add_argument("--sample", type=int, help="without --db: ingest only the first N labelled pairs")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--gates", default="", help="comma-separated min_vector_cosine values to sweep (e.g. -1,0.2,0.3)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    gates = [float(g) for g in args.gates.split(",") if g.strip()]
    settings = make_settings(args.set)
    _articles, pairs = load_corpus(args.corpus)
    with tempfile.TemporaryDirectory(prefix="unspun-recall-") as tmp:
        store = open_store(args.corpus, args.db, args.sample, Path(tmp), settings)
        result = {"corpus": args.corpus.name, "db": args.db, **candidate_recall(store, pairs, settings, gates)}
        store.close()
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
