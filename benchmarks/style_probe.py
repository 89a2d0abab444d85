"""Fit and check the machine-style probe (``unspun.link.style``).

    PYTHONPATH=src python benchmarks/style_probe.py [--cache .eval-cache.db] [--write]

Fit: a logistic regression (L2) on e5 document vectors, human news against language-model news,
English only:
- human: the English articles of semeval22-sample and the English documents of wmt21-human;
- machine: llm-same-narrative (six models writing news on 20 narratives).

Check, on corpora that are not in the fit: the PolitiFact originals against their gpt-3.5-turbo
paraphrases and rewrites (llm-paraphrase, llm-rewrite) — AUROC over all articles, and per pair
how often the original scores below its own rewrite, which is how the linker uses the score.

Writes benchmarks/results/style-probe.json, and with --write the package's
src/unspun/link/style_probe.json. Sentence vectors come from (and go to) the --cache store, as
for `unspun eval --cache`.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from unspun.artifacts.eval import DEFAULT_DATA, _read_jsonl
from unspun.embed import get_encoder
from unspun.ingest.jsonl import article_from_record
from unspun.link.style import PROBE_FILE
from unspun.pipeline import add_embeddings, analyse, doc_vector
from unspun.settings import Settings
from unspun.store import Store

from artifacts_lm import auroc  # the script beside this one

RESULTS = Path(__file__).with_name("results") / "style-probe.json"
LANGUAGES = ["en"]


def doc_vectors(corpus: Path, cache: Store, settings: Settings, langs: list[str] | None) -> dict[str, np.ndarray]:
    """id -> document vector for a corpus's articles (in ``langs`` when given)."""
    model = get_encoder(settings.encoder).model_id
    out = {}
    for record in _read_jsonl(corpus / "articles.jsonl"):
        if langs and record.get("lang") not in langs:
            continue
        article = analyse(article_from_record(record, settings, corpus.name))
        if article.lang not in LANGUAGES or not article.sentences:
            continue
        add_embeddings(article, settings, cache)
        with cache.transaction():
            cache.put_vectors(model, [s.hash for s in article.sentences], article.vectors)
        out[record["id"]] = doc_vector(article.vectors)
    return out


def fit(X: np.ndarray, y: np.ndarray, l2: float, steps: int = 3000, lr: float = 0.5):
    """Logistic regression on centred features by gradient descent: (mean, weights, bias)."""
    mean = X.mean(axis=0)
    Xc = X - mean
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Xc @ w + b)))
        g = p - y
        w -= lr * (Xc.T @ g / len(y) + l2 * w)
        b -= lr * float(g.mean())
    return mean, w, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", default=".eval-cache.db", help="a store whose sentence vectors are reused")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--write", action="store_true", help="write the package's style_probe.json")
    args = parser.parse_args()
    settings = Settings()
    model = get_encoder(settings.encoder).model_id
    cache = Store(args.cache)
    t0 = time.perf_counter()
    human = {**doc_vectors(args.data / "semeval22-sample", cache, settings, LANGUAGES),
             **doc_vectors(args.data / "wmt21-human", cache, settings, LANGUAGES)}
    machine = doc_vectors(args.data / "llm-same-narrative", cache, settings, None)
    X = np.vstack(list(human.values()) + list(machine.values()))
    y = np.array([0] * len(human) + [1] * len(machine), dtype=float)
    mean, w, b = fit(X, y, args.l2)

    def score(v):
        return float((v - mean) @ w + b)

    check: dict = {"fitted_on_auroc": round(auroc([score(v) for v in X], y), 4)}
    scores, labels = [], []
    for corpus in ("llm-paraphrase", "llm-rewrite"):
        vectors = doc_vectors(args.data / corpus, cache, settings, None)
        pairs = [p for p in _read_jsonl(args.data / corpus / "pairs.jsonl") if "derived" in p]
        gaps = [score(vectors[p["derived"]]) - score(vectors[p["source"]])
                for p in pairs if p["derived"] in vectors and p["source"] in vectors]
        check[corpus] = {
            "pairs": len(gaps),
            "original_scores_lower": round(float(np.mean(np.array(gaps) > 0)), 4),
            "gap_quantiles": {q: round(float(np.quantile(gaps, float(q))), 4) for q in ("0.05", "0.25", "0.5")},
        }
        derived = {p["derived"] for p in pairs}
        for i, v in vectors.items():
            if corpus == "llm-paraphrase" or i in derived:  # the originals once
                scores.append(score(v))
                labels.append(i in derived)
    check["politifact_auroc"] = round(auroc(scores, labels), 4)
    result = {
        "model": model, "languages": LANGUAGES, "l2": args.l2,
        "fitted_on": {"human": len(human), "machine": len(machine),
                      "corpora": "semeval22-sample (en) + wmt21-human (en) vs llm-same-narrative"},
        "check": check, "seconds": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(result, indent=1))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.write:
        probe = {"model": model, "languages": LANGUAGES, "bias": round(float(b), 6),
                 "mean": [round(float(x), 6) for x in mean], "weights": [round(float(x), 6) for x in w],
                 "fitted_on": result["fitted_on"], "check": check,
                 "made_by": "benchmarks/style_probe.py --write"}
        PROBE_FILE.write_text(json.dumps(probe) + "\n", encoding="utf-8")
        print(f"wrote {PROBE_FILE}")


if __name__ == "__main__":
    main()
