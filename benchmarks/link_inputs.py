"""Does a candidate input tell derivations from independent reports better? A fast check.

``fit_link_model.py`` measures a model the honest way (every fold links the whole store, the graph
rules run, thresholds are chosen out of fold): about twenty minutes on two cores. Asking whether a
new input helps needs a quicker loop. This script computes, once, the model inputs of every pair
the linker examines (the real clusters, the constructed *fit* half, the two dev corpora, as
``fit_link_model.py`` does) together with candidate inputs read from each comparison, and keeps
them in a pickle; then, for each variant, it fits the link model leave-one-cluster-out on pairs
(no graph rules) and prints:

* average precision of the strict derived pairs among all real pairs, ranked by their
  out-of-fold probability (threshold-free: the figure that says whether an input separates);
* pairs linked, precision, strict recall and same-event pairs linked at the folds' own
  thresholds (the out-of-fold rule inside each fold's training clusters) and at fixed ones.

    python benchmarks/link_inputs.py --rows /tmp/rows.pkl --real data/real-extra/V ... [--variants all]

Pair figures run lower in recall than ``unspun eval-real`` (families and the copied-passage rule
are not applied); compare variants with each other, never with the linker's figures.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from unspun.link.decide import INPUTS  # noqa: E402

I = {name: i for i, name in enumerate(INPUTS)}


def candidate_inputs(c) -> dict:
    """Inputs the model does not have, read from one comparison (``link.compare``'s result)."""
    from unspun.changes.lexicon import lexicon
    from unspun.link.align import Bead
    from unspun.link.evidence import QUOTED_BOTH, _clear_run, _headline, _quoting
    from unspun.text.boilerplate import boilerplate_mask
    from unspun.text.sentences import quoted_share

    d, s = c.derived, c.source
    fd, fs = boilerplate_mask(d.sentences, d.lang), boilerplate_mask(s.sentences, s.lang)
    beads = [Bead(list(r["derived"]), list(r["source"]), float(r["score"]), 0.0) for r in c.alignment
             if r.get("derived") and r.get("source") and r.get("score") is not None and not r.get("reordered")]
    nd, ns = fd.count(False), fs.count(False)
    aligned_d = {i for b in beads if b.score >= 0.1 for i in b.derived if not fd[i]}
    aligned_s = {j for b in beads if b.score >= 0.1 for j in b.source if not fs[j]}
    cover_short = len(aligned_d) / max(1, nd) if nd <= ns else len(aligned_s) / max(1, ns)
    furniture_or_head_d = {x.index for x, f in zip(d.sentences, fd) if f or _headline(d, x)}
    furniture_or_head_s = {x.index for x, f in zip(s.sentences, fs) if f or _headline(s, x)}
    run_with_quotes = _clear_run(beads, 0.4, furniture_or_head_d, furniture_or_head_s, 0.1)
    qd, qs = [quoted_share(x.text) for x in d.sentences], [quoted_share(x.text) for x in s.sentences]
    skip_d = furniture_or_head_d | {x.index for x in d.sentences if _quoting(x, qd[x.index])}
    skip_s = furniture_or_head_s | {x.index for x in s.sentences if _quoting(x, qs[x.index])}
    for b in beads:
        if any(qd[i] >= QUOTED_BOTH for i in b.derived) and any(qs[j] >= QUOTED_BOTH for j in b.source):
            skip_d.update(b.derived)
            skip_s.update(b.source)
    run = _clear_run(beads, 0.4, skip_d, skip_s, 0.1)

    def speech(text: str, lang: str | None) -> bool:
        lx = lexicon((lang or "").split("-")[0])
        pattern = lx.get("speech") if lx else None
        return bool(pattern and pattern.search(text))

    reported = [b for b in run if any(speech(d.sentences[i].text, d.lang) for i in b.derived)
                and any(speech(s.sentences[j].text, s.lang) for j in b.source)]
    return {
        "run_cosine": c.evidence.run_cosine,  # the run's mean raw cosine
        "cover_short": cover_short,  # share of the shorter side's sentences aligned at all
        "short": float(min(nd, ns) <= 5),
        "run_with_quotes": len(run_with_quotes),  # the run if quotations were not left out
        "run_with_quotes_score": sum(b.score for b in run_with_quotes),
        "max_score": max((b.score for b in beads), default=-1.0),
        "clear_beads": sum(1 for b in beads if b.score >= 0.4),
        "run_reported": len(reported) / max(1, len(run)),  # run matches where both sides report speech
    }


VARIANTS = {
    "shipped inputs": None,
    "+ run cosine": lambda e, x: [e["run_cosine"]],
    "+ short side covered (short pairs)": lambda e, x: [e["cover_short"] * e["short"]],
    "+ short side covered (all pairs, short pairs)": lambda e, x: [e["cover_short"], e["cover_short"] * e["short"]],
    "+ run with quotations": lambda e, x: [min(8, e["run_with_quotes"]), min(8, e["run_with_quotes_score"])],
    "+ best bead score": lambda e, x: [e["max_score"]],
    "+ clear beads": lambda e, x: [min(8, e["clear_beads"])],
    "+ reported-speech share of the run": lambda e, x: [e["run_reported"]],
}
# Shipped inputs changed rather than added: a single cross-language match is no run.
CHANGED = {
    "cross_run_mean only from a run of 2": lambda x: [0.0 if (n == "cross_run_mean" and x[I["run"]] < 2) else v
                                                   for n, v in zip(INPUTS, x)],
}


def build_rows(args) -> dict:
    """The inputs of every pair ``fit_link_model.py`` fits on, each row's inputs followed by the
    candidate inputs of its comparison (a dict)."""
    import fit_link_model as F
    import unspun.link as link

    tmp = tempfile.mkdtemp(prefix="unspun-inputs-")
    settings = F.stand_in_settings(tmp)
    compare = link.compare

    def with_candidates(a, b, s=None, store=None, link_anyway=False):
        c = compare(a, b, s, store, link_anyway)
        c.inputs = list(c.inputs) + [candidate_inputs(c)]
        return c

    link.compare = with_candidates  # training_rows reads link.compare
    try:
        records, pairs, real = F.real_training_rows(args.real, args.texts, args.cache, tmp, settings)
        cases = F.constructed_training_rows(args.dev, args.cache, tmp, settings)
        dev = {corpus: F.dev_rows(Path(args.dev), corpus, 240, args.cache, tmp, settings)
               for corpus in ("llm-same-narrative", "llm-rewrite")}
    finally:
        link.compare = compare
    from unspun.evalsets.real import DERIVED

    return {"real": real, "cases": cases, "dev": dev,
            "cluster_of": {r["id"]: r["cluster"] for r in records},
            "pair_labels": {frozenset((p["a"], p["b"])): p["label"] for p in pairs},
            "strict": {frozenset((p["a"], p["b"])) for p in pairs
                       if p["label"] in DERIVED and p["confidence"] != "low" and p.get("excerpt_overlap", True)}}


def average_precision(p: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-p)
    y = y[order]
    precision = np.cumsum(y) / np.arange(1, len(y) + 1)
    return float((precision * y).sum() / max(1, y.sum()))


def measure(data: dict, added=None, changed=None, fixed=(0.76, 0.80, 0.85), min_precision=0.96) -> dict:
    """Leave-one-cluster-out on pairs: each cluster's pairs scored by ``fit_link_model.fit_model``
    fitted without it (its threshold chosen out of fold inside the training clusters, as the
    shipped model's is), with the candidate inputs ``added`` or the shipped ones ``changed``."""
    import fit_link_model as F

    n = len(INPUTS)

    def row(r):
        x = list(r[1][:n])
        if changed:
            x = changed(x)
        return (r[0], x + (added(r[1][n], x) if added else []), r[2])

    other = [row(r) for r in data["cases"] + data["dev"]["llm-same-narrative"] + data["dev"]["llm-rewrite"]]
    weights = ([0.1] * len(data["cases"]) + [0.05] * len(data["dev"]["llm-same-narrative"])
               + [0.1] * len(data["dev"]["llm-rewrite"]))
    real = [row(r) for r in data["real"]]
    cluster_of = data["cluster_of"]
    clusters = [{cluster_of.get(i) or "" for i in r[0]} for r in real]
    cluster = [sorted(c)[0] for c in clusters]
    y = np.array([r[2] for r in real])
    strict = np.array([r[0] in data["strict"] for r in real])
    same_event = np.array([data["pair_labels"].get(r[0]) == "same-event" for r in real])
    out_of_fold, at_folds = np.zeros(len(real)), np.zeros(len(real), dtype=bool)
    for held in sorted(set(cluster)):
        train = [r for r, c in zip(real, clusters) if held not in c]  # as fit_link_model.py's folds
        model, _ = F.fit_model(train, other, weights, cluster_of, 10.0, min_precision, {})
        for i, (r, c) in enumerate(zip(real, cluster)):
            if c == held:
                out_of_fold[i] = model.probability(r[1])
                at_folds[i] = out_of_fold[i] >= model.threshold

    def score(linked):
        hits = (linked & (y == 1)).sum()
        return {"links": int(linked.sum()), "precision": round(float(hits / max(1, linked.sum())), 3),
                "strict_recall": round(float((linked & strict).sum() / max(1, strict.sum())), 3),
                "same_event": round(float((linked & same_event).sum() / max(1, same_event.sum())), 4)}

    return {"average_precision": round(average_precision(out_of_fold, strict.astype(int)), 4),
            "at_fold_thresholds": score(at_folds),
            **{f"at {t}": score(out_of_fold >= t) for t in fixed}}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True, help="pickle of the pairs' inputs: built once, then reused")
    ap.add_argument("--real", action="append", help="a folder of labelled clusters (repeatable)")
    ap.add_argument("--texts", action="append", help="their texts, one per --real")
    ap.add_argument("--dev", default=str(ROOT.parent / "shared/data/dev"))
    ap.add_argument("--cache", default=str(ROOT / ".eval-cache.db"))
    ap.add_argument("--out")
    args = ap.parse_args()
    args.real = args.real or [str(ROOT.parent / "shared/data/real")]
    args.texts = args.texts or [str(ROOT / ".cache/real/texts.jsonl")]
    path = Path(args.rows)
    if path.is_file():
        data = pickle.loads(path.read_bytes())
    else:
        data = build_rows(args)
        path.write_bytes(pickle.dumps(data))
    print(f"{len(data['real'])} real pairs in {len(set(data['cluster_of'].values()))} clusters", flush=True)
    results = {}
    for name, added in VARIANTS.items():
        results[name] = measure(data, added=added)
        print(name, json.dumps(results[name]), flush=True)
    for name, changed in CHANGED.items():
        results[name] = measure(data, changed=changed)
        print(name, json.dumps(results[name]), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
