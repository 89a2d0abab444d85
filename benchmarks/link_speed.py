"""Link and trace time per article on labelled corpora, for comparing two versions of unspun.

Builds each corpus's store once with cached sentence vectors (so the encoder's time is left out),
then times ``link_store`` over every article and ``trace`` of ``--traces`` stored articles (the
candidate index open, the article's sentences cached). Run it with the code to compare on the
path, on an idle machine, with the same vector cache:

    python benchmarks/link_speed.py --cache .eval-cache.db --out benchmarks/results/link-speed.json
    PYTHONPATH=/path/to/old/src python benchmarks/link_speed.py --cache .eval-cache.db
    python benchmarks/link_speed.py --cache .eval-cache.db --without-changes   # what change detection costs

Corpora: the dev corpora's test-suite samples (wmt21-human, llm-rewrite, llm-same-narrative) and,
when its texts were rebuilt, the real-world clusters.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "PYTHONPATH" not in os.environ:
    sys.path.insert(0, str(ROOT / "src"))

SAMPLES = {"wmt21-human": 60, "llm-rewrite": 80, "llm-same-narrative": 110}


def corpus_records(name: str, dev: Path, real: Path, texts: Path) -> list[dict]:
    if name == "real":
        arts = [json.loads(line) for line in open(real / "articles.jsonl", encoding="utf-8")]
        text_of = {r["id"]: r["text"] for r in map(json.loads, open(texts, encoding="utf-8"))}
        return [{"id": a["id"], "lang": a["lang"], "outlet": a["outlet"], "title": None, "text": text_of[a["id"]],
                 "published": a["date"] if a.get("date") and len(a["date"]) == 10 else None}
                for a in arts if a["id"] in text_of]
    from unspun.eval import load_corpus

    records, _ = load_corpus(dev / name, sample=SAMPLES[name])
    return records


def measure(records: list[dict], cache: str, traces: int) -> dict:
    from unspun.embed import get_encoder
    from unspun.eval import _copy_vectors
    from unspun.ingest.jsonl import article_from_record
    from unspun.link import link_store, trace
    from unspun.pipeline import ingest
    from unspun.settings import Settings
    from unspun.store import Store

    settings = Settings()
    model = get_encoder(settings.encoder).model_id
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "speed.db")
        with Store(cache) as c:
            _copy_vectors(c, store, model)
        ingest([article_from_record(r, settings, "speed") for r in records], store, settings)
        t0, c0 = time.perf_counter(), time.process_time()
        counts = link_store(store, settings)
        link_s, link_cpu = time.perf_counter() - t0, time.process_time() - c0
        ids = store.article_ids()[:traces]
        latencies, cpu = [], []
        for article_id in ids:
            article = store.get_article(article_id, model)
            t1, c1 = time.perf_counter(), time.process_time()
            trace(store, article, settings)
            latencies.append(time.perf_counter() - t1)
            cpu.append(time.process_time() - c1)
        store.close()
    latencies.sort()
    cpu.sort()
    return {"articles": len(records), "links": counts["links"], "compared": counts["compared"],
            "link_s": round(link_s, 2), "link_per_article_s": round(link_s / max(1, len(records)), 4),
            "trace_p50_s": round(statistics.median(latencies), 4) if latencies else None,
            "trace_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 4) if latencies else None,
            # CPU seconds of this process (all its threads): steadier than wall time on a shared machine.
            "link_cpu_per_article_s": round(link_cpu / max(1, len(records)), 4),
            "trace_cpu_p50_s": round(statistics.median(cpu), 4) if cpu else None}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, help="a store file holding the corpora's sentence vectors")
    ap.add_argument("--dev", default=str(ROOT.parent / "shared/data/dev"))
    ap.add_argument("--real", default=str(ROOT.parent / "shared/data/real"))
    ap.add_argument("--texts", default=str(ROOT / ".cache/real/texts.jsonl"))
    ap.add_argument("--traces", type=int, default=40)
    ap.add_argument("--corpora", nargs="*", help="which corpora, in this order (default: all)")
    ap.add_argument("--without-changes", action="store_true",
                    help="link without change detection (what it costs: the rest of the link stage alone)")
    ap.add_argument("--out")
    args = ap.parse_args()
    import unspun

    if args.without_changes:
        import unspun.link as link

        roles = link.roles

        def roles_without_changes(*a, **k):
            return roles(*a, **{**k, "with_changes": False})

        link.roles = roles_without_changes

    names = args.corpora or list(SAMPLES) + (["real"] if Path(args.texts).is_file() else [])
    # One untimed pass first, so that no corpus pays for loading the model and compiling rules; the
    # encoder is loaded too (a live store has it loaded for ingest; change detection may call it).
    measure(corpus_records(names[-1], Path(args.dev), Path(args.real), Path(args.texts))[:20], args.cache, 2)
    from unspun.embed import get_encoder

    get_encoder("e5").encode(["warm-up"])
    result = {"unspun": str(Path(unspun.__file__).resolve().parent), "cores": os.cpu_count(),
              "change_detection": not args.without_changes,
              "load_at_start": [round(x, 2) for x in os.getloadavg()], "corpora": {}}
    for name in names:
        records = corpus_records(name, Path(args.dev), Path(args.real), Path(args.texts))
        result["corpora"][name] = measure(records, args.cache, args.traces)
        print(name, json.dumps(result["corpora"][name]), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
