"""Fit the link model (unspun/link/decide.py) and measure it honestly.

Data: the real-world story clusters of ../shared/data/real (texts rebuilt once per machine into
.cache/real/texts.jsonl, see that README) and the *fit* half of the constructed cases
(unspun.evalsets.constructed). Measured:

* leave-one-cluster-out on the real clusters: for each cluster, a model fitted on the other
  clusters and the constructed cases (its threshold chosen on that same training data: the
  lowest at which the training pairs reach precision 0.95) links the whole store, and the links
  touching the held-out cluster are kept; the links of all folds are scored together by
  ``unspun.evalsets.real.score_real``;
* the *test* half of the constructed cases (documents the fit never saw) with the final model,
  fitted on everything.

    python benchmarks/fit_link_model.py --cache .eval-cache.db [--write]

--write saves the final model to src/unspun/link/link_model.json with these figures in its meta,
and the figures to benchmarks/results/link-model.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unspun.evalsets.constructed import construct, evaluate_constructed  # noqa: E402
from unspun.evalsets.real import DERIVED, evaluate_real, load_real, score_real  # noqa: E402
from unspun.link.decide import INPUTS, MODEL_FILE, LinkModel, choose_threshold, fit, training_rows  # noqa: E402
from unspun.settings import Settings  # noqa: E402
from unspun.store import Store  # noqa: E402


def fit_model(rows: list[tuple], weights: list[float], l2: float, min_precision: float, meta: dict) -> LinkModel:
    x = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    w, b, mean, scale = fit(x, y, np.array(weights), l2=l2)
    model = LinkModel(tuple(float(v) for v in w), b, 0.5, tuple(float(v) for v in mean),
                      tuple(float(v) for v in scale), meta)
    p = np.array([model.probability(list(r)) for r in x])
    threshold = choose_threshold(p, y, min_precision)
    return LinkModel(model.weights, model.intercept, threshold, model.mean, model.scale, meta)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(ROOT.parent / "shared/data/real"))
    ap.add_argument("--texts", default=str(ROOT / ".cache/real/texts.jsonl"))
    ap.add_argument("--dev", default=str(ROOT.parent / "shared/data/dev"))
    ap.add_argument("--cache", default=str(ROOT / ".eval-cache.db"))
    ap.add_argument("--cases-weight", type=float, default=0.5,
                    help="weight of a constructed pair against a real one in the fit")
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument("--min-precision", type=float, default=0.95)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    started = time.time()
    tmp = tempfile.TemporaryDirectory(prefix="unspun-fit-")
    settings = Settings()

    records, pairs, _ = load_real(args.real, args.texts)
    cluster_of = {r["id"]: r["cluster"] for r in records}
    labels = {frozenset((p["a"], p["b"])): int(p["label"] in DERIVED and p["confidence"] != "low")
              for p in pairs}
    # Derivations labelled with low confidence, or whose excerpts miss the shared part, are left
    # out of the fit (they are neither clear positives nor negatives).
    unsure = {frozenset((p["a"], p["b"])) for p in pairs
              if p["label"] in DERIVED and (p["confidence"] == "low" or not p.get("excerpt_overlap", True))}
    real_db = str(Path(tmp.name) / "real.db")
    evaluate_real(args.real, args.texts, settings, db_path=real_db, vector_cache=args.cache)
    with Store(real_db) as store:
        real_rows = [r for r in training_rows(store, labels, settings) if r[0] not in unsure]
    print(f"real: {len(real_rows)} pairs, {sum(r[2] for r in real_rows)} derived", flush=True)

    _, case_pairs = construct(args.dev, split="fit")
    case_labels = {frozenset((p["derived"], p["source"])): 1 for p in case_pairs}
    cases_db = str(Path(tmp.name) / "cases.db")
    evaluate_constructed(args.dev, settings, vector_cache=args.cache, db_path=cases_db, split="fit")
    with Store(cases_db) as store:
        case_rows = training_rows(store, case_labels, settings)
    print(f"constructed (fit half): {len(case_rows)} pairs, {sum(r[2] for r in case_rows)} derived", flush=True)

    def pair_cluster(key) -> str | None:
        clusters = {cluster_of.get(i) for i in key}
        return clusters.pop() if len(clusters) == 1 else None

    folds = sorted({r["cluster"] for r in records})
    fold_links: list[dict] = []
    thresholds = {}
    for held in folds:
        train = [r for r in real_rows if pair_cluster(r[0]) != held and held not in {cluster_of.get(i) for i in r[0]}]
        rows = train + case_rows
        weights = [1.0] * len(train) + [args.cases_weight] * len(case_rows)
        model = fit_model(rows, weights, args.l2, args.min_precision, {"fold": held})
        thresholds[held] = model.threshold
        path = Path(tmp.name) / f"model-{held}.json"
        path.write_text(json.dumps(model.to_json()), encoding="utf-8")
        db = str(Path(tmp.name) / f"fold-{held}.db")
        evaluate_real(args.real, args.texts, Settings(link_model=str(path)), db_path=db, vector_cache=args.cache)
        with Store(db) as store:
            for link in store.links():
                if cluster_of.get(link["derived"]) == held:
                    fold_links.append(link)
        print(f"fold {held}: threshold {model.threshold}", flush=True)
    loco = score_real(fold_links, records, pairs)
    print("leave-one-cluster-out:", json.dumps({k: v for k, v in loco.items() if k not in ("missed", "wrong_links")}),
          flush=True)

    rows = real_rows + case_rows
    weights = [1.0] * len(real_rows) + [args.cases_weight] * len(case_rows)
    final = fit_model(rows, weights, args.l2, args.min_precision, {})
    path = Path(tmp.name) / "final.json"
    path.write_text(json.dumps(final.to_json()), encoding="utf-8")
    held_out_cases = evaluate_constructed(args.dev, Settings(link_model=str(path)), vector_cache=args.cache,
                                          split="test")
    print("constructed (test half):", json.dumps({k: v for k, v in held_out_cases.items() if k != "missed"}),
          flush=True)
    figures = {
        "fitted": time.strftime("%Y-%m-%d"),
        "data": {"real_pairs": len(real_rows), "real_derived": sum(r[2] for r in real_rows),
                 "constructed_pairs": len(case_rows), "constructed_derived": sum(r[2] for r in case_rows),
                 "cases_weight": args.cases_weight, "l2": args.l2, "min_precision": args.min_precision},
        "threshold": final.threshold,
        "fold_thresholds": thresholds,
        "leave_one_cluster_out": loco,
        "constructed_test_half": held_out_cases,
        "weights": dict(zip(INPUTS, [round(w, 4) for w in final.weights])),
        "seconds": round(time.time() - started, 1),
    }
    if args.write:
        meta = {k: figures[k] for k in ("fitted", "data", "fold_thresholds")}
        meta["leave_one_cluster_out"] = {k: loco[k] for k in ("precision", "recall_strict", "same_event_linked")}
        meta["constructed_test_half"] = {k: held_out_cases[k] for k in ("precision", "recall")}
        model = LinkModel(final.weights, final.intercept, final.threshold, final.mean, final.scale, meta)
        MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        out = ROOT / "benchmarks/results/link-model.json"
        out.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE} and {out}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
