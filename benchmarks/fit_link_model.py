"""Fit the link model (unspun/link/decide.py) and measure it honestly.

Data: the real-world story clusters of ../shared/data/real (texts rebuilt once per machine into
.cache/real/texts.jsonl, see that README), the *fit* half of the constructed cases
(unspun.evalsets.constructed), and pairs of two dev corpora away from the test suite's samples
(independent LLM texts on one narrative, LLM rewrites of PolitiFact pages). Measured:

* leave-one-cluster-out on the real clusters: for each cluster, a model fitted on the other
  clusters, the constructed cases and the dev pairs (its threshold chosen on the real pairs of
  that same training data, each scored by a model fitted without its own cluster: the lowest at
  which they reach precision 0.96) links the whole store,
  and the links
  touching the held-out cluster are kept; the links of all folds are scored together by
  ``unspun.evalsets.real.score_real``;
* the *test* half of the constructed cases (documents the fit never saw) with the final model,
  fitted on everything.

    python benchmarks/fit_link_model.py --cache .eval-cache.db [--write]

--write saves the final model to src/unspun/link/link_model.json with these figures in its meta,
and the figures to benchmarks/results/link-model.json.

With ``--sets`` the clusters are grouped into sets, each linked as its own store (as each set of the
project's clusters was scored blind, ``data/real-extra/README.md``), and the folds leave one *set*
out (the threshold rule's inner folds too). The refit on the shared clusters and the project's own
that docs/linking.md measures (*A refit on sixty clusters*, not shipped) was run so, without
--write:

    python benchmarks/fit_link_model.py --cache .eval-cache.db --threshold 0.80 --curve 0.80,0.85 \
        --real ../shared/data/real --texts .cache/real/texts.jsonl \
        --real data/real-extra/V --texts .cache/real-extra/V/texts.jsonl  ...  (V to BW) \
        --sets "P Q R S T U;V W X Y;Z AA AB;AC AD AE;AF AG AH AI;AJ AK AL AM;AN AO AP AQ;AR AS AT AU;\
AV AW AX AY;AZ BA BB BC;BD BE BF BG;BH BI BJ BK;BL BM BN BO;BP BQ BR BS;BT BU BV BW"
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


# The quality tests' samples (tests/test_quality.py): never fitted on.
TEST_SAMPLES = {"llm-same-narrative": 110, "llm-rewrite": 80, "llm-paraphrase": 80}


def dev_rows(dev: Path, corpus: str, articles_wanted: int, cache: str, tmp: str, settings) -> list[tuple]:
    """Training pairs from a dev corpus, none touching an article of the test suite's sample: the
    articles of ``articles_wanted`` labelled pairs (derivations) or, for a corpus without
    derivations, that many articles spread over its narratives; labelled derivations are
    positives, every other candidate pair is a negative."""
    from unspun.eval import evaluate, load_corpus

    records, pairs = load_corpus(dev / corpus)
    held, _ = load_corpus(dev / corpus, sample=TEST_SAMPLES[corpus])
    held_ids = {r["id"] for r in held}
    derived = [p for p in pairs if "derived" in p and p["derived"] not in held_ids and p["source"] not in held_ids]
    if derived:
        chosen = derived[: articles_wanted // 2]
        keep = {i for p in chosen for i in (p["derived"], p["source"])}
    else:
        by_group: dict[str, list[str]] = defaultdict(list)
        for r in records:
            if r["id"] not in held_ids:
                by_group[r["id"].split(":")[0]].append(r["id"])
        per = max(1, articles_wanted // max(1, len(by_group)))
        keep = {i for ids in by_group.values() for i in sorted(ids)[:per]}
    out = Path(tmp) / corpus
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as f:
        for r in records:
            if r["id"] in keep:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(out / "pairs.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            ids = (p["derived"], p["source"]) if "derived" in p else (p["a"], p["b"])
            if set(ids) <= keep:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
    db = str(Path(tmp) / f"{corpus}.db")
    evaluate(out, settings, db_path=db, vector_cache=cache)
    labels = {frozenset((p["derived"], p["source"])): 1 for p in pairs if "derived" in p}
    with Store(db) as store:
        return training_rows(store, labels, settings)


def stand_in_settings(tmp: str) -> Settings:
    """Settings whose link model is a stand-in (the whole-document classifier alone), written to
    ``tmp``: the stores are built and their candidate pairs compared with it, so that a shipped
    model with other inputs is never read."""
    stand_in = Path(tmp) / "stand-in.json"
    stand_in.write_text(json.dumps(LinkModel(tuple([1.0] + [0.0] * (len(INPUTS) - 1)), 0.619, 0.5,
                                             tuple([0.0] * len(INPUTS)), tuple([1.0] * len(INPUTS))).to_json()),
                        encoding="utf-8")
    return Settings(link_model=str(stand_in))


def real_training_rows(real, texts, cache: str, tmp: str, settings,
                       clusters: list[str] | None = None) -> tuple[list[dict], list[dict], list[tuple]]:
    """The real clusters' records, labelled pairs and training rows (every labelled pair and every
    candidate pair, by ``training_rows``), all clusters linked as one store, or only ``clusters``.
    Derivations labelled with low confidence, or whose excerpts miss the shared part, are left out
    (they are neither clear positives nor negatives)."""
    records, pairs, _ = load_real(real, texts)
    if clusters:
        records = [r for r in records if r["cluster"] in clusters]
        pairs = [p for p in pairs if p["cluster"] in clusters]
    labels = {frozenset((p["a"], p["b"])): int(p["label"] in DERIVED and p["confidence"] != "low")
              for p in pairs}
    unsure = {frozenset((p["a"], p["b"])) for p in pairs
              if p["label"] in DERIVED and (p["confidence"] == "low" or not p.get("excerpt_overlap", True))}
    real_db = str(Path(tmp) / f"real-{'-'.join(clusters or ['all'])}.db")
    evaluate_real(real, texts, settings, clusters=clusters, db_path=real_db, vector_cache=cache)
    with Store(real_db) as store:
        rows = [r for r in training_rows(store, labels, settings) if r[0] not in unsure]
    return records, pairs, rows


def constructed_training_rows(dev: str, cache: str, tmp: str, settings) -> list[tuple]:
    """Training rows of the *fit* half of the constructed cases."""
    _, case_pairs = construct(dev, split="fit")
    case_labels = {frozenset((p["derived"], p["source"])): 1 for p in case_pairs}
    cases_db = str(Path(tmp) / "cases.db")
    evaluate_constructed(dev, settings, vector_cache=cache, db_path=cases_db, split="fit")
    with Store(cases_db) as store:
        return training_rows(store, case_labels, settings)


def _fit(rows: list[tuple], weights: list[float], l2: float) -> LinkModel:
    x = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    w, b, mean, scale = fit(x, y, np.array(weights), l2=l2)
    return LinkModel(tuple(float(v) for v in w), b, 0.5, tuple(float(v) for v in mean),
                     tuple(float(v) for v in scale))


def fit_model(real: list[tuple], other: list[tuple], other_weights: list[float], cluster_of: dict,
              l2: float, min_precision: float, meta: dict) -> tuple[LinkModel, dict]:
    """Fit on the real pairs ``real`` and the ``other`` rows; choose the threshold on the real
    pairs (the distribution the model is for), each scored out of sample: by a model fitted
    without its cluster (leave-one-cluster-out inside the training data; a pair across two
    clusters is scored without the first). Returns the model and the threshold's figures."""
    model = _fit(real + other, [1.0] * len(real) + other_weights, l2)

    def clusters(row) -> list[str]:
        return sorted({cluster_of.get(i) or "" for i in row[0]})

    probabilities, labels = [], []
    for held in sorted({clusters(r)[0] for r in real}):
        train = [r for r in real if held not in clusters(r)]
        inner = _fit(train + other, [1.0] * len(train) + other_weights, l2)
        for r in real:
            if clusters(r)[0] == held:
                probabilities.append(inner.probability(list(r[1])))
                labels.append(r[2])
    p, y = np.array(probabilities), np.array(labels)
    threshold = choose_threshold(p, y, min_precision)
    linked = p >= threshold
    chosen = {"threshold": threshold, "out_of_fold_pairs": len(y),
              "out_of_fold_precision": round(float(y[linked].mean()), 4) if linked.any() else None,
              "out_of_fold_recall": round(float(linked[y == 1].mean()), 4) if (y == 1).any() else None}
    return LinkModel(model.weights, model.intercept, threshold, model.mean, model.scale, meta), chosen


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", action="append",
                    help="a folder of labelled real clusters (repeatable; default ../shared/data/real)")
    ap.add_argument("--texts", action="append",
                    help="their rebuilt texts, one per --real in order (default .cache/real/texts.jsonl)")
    ap.add_argument("--dev", default=str(ROOT.parent / "shared/data/dev"))
    ap.add_argument("--cache", default=str(ROOT / ".eval-cache.db"))
    ap.add_argument("--cases-weight", type=float, default=0.1,
                    help="weight of a constructed pair against a real one in the fit")
    ap.add_argument("--dev-weight", type=float, default=0.05,
                    help="weight of an llm-same-narrative pair (independent LLM texts on one narrative) in the fit")
    ap.add_argument("--rewrite-weight", type=float, default=0.1,
                    help="weight of an llm-rewrite pair (whole-document LLM rewrites)")
    ap.add_argument("--dev-articles", type=int, default=240, help="articles taken from each dev corpus")
    ap.add_argument("--l2", type=float, default=10.0,
                    help="ridge penalty on the standardised weights (docs/linking.md, *Less weight on the synthetic data*)")
    ap.add_argument("--min-precision", type=float, default=0.96,
                    help="pair precision (out of fold) the threshold must reach; 0.95 linked more same-event pairs than the graph can afford (docs/linking.md)")
    ap.add_argument("--curve", default="",
                    help="also score leave-one-cluster-out with every fold's model at these fixed thresholds "
                         "(comma-separated, e.g. 0.90,0.92,0.94,0.96): the trade-off the threshold rule picks from")
    ap.add_argument("--threshold", type=float, default=None,
                    help="the final model's threshold, instead of the out-of-fold rule's (the folds keep the rule). "
                         "The shipped model uses 0.80: chosen on the project's clusters Z-AI, which no fit sees "
                         "(docs/linking.md, *Fourteen clusters scored blind, and the threshold*)")
    ap.add_argument("--sets", default="",
                    help="clusters grouped into sets, each linked as its own store, folds leaving one set out: "
                         "'P Q R S T U;V W X Y;...' (default: all clusters one store, folds leaving one cluster out)")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--model-out", help="also save the final model here (without --write: measured, not shipped)")
    ap.add_argument("--figures-out", help="also save the figures here, with each fold's links (derived, source, "
                                          "kind, confidence) under fold_links")
    args = ap.parse_args()
    args.real = args.real or [str(ROOT.parent / "shared/data/real")]
    args.texts = args.texts or [str(ROOT / ".cache/real/texts.jsonl")]
    curve = [float(t) for t in args.curve.split(",") if t.strip()]
    started = time.time()
    tmp = tempfile.TemporaryDirectory(prefix="unspun-fit-")
    settings = stand_in_settings(tmp.name)
    sets = [s.split() for s in args.sets.split(";") if s.strip()]
    if sets:
        records, pairs, real_rows = [], [], []
        for members in sets:
            rec, prs, rows = real_training_rows(args.real, args.texts, args.cache, tmp.name, settings, members)
            records += rec
            pairs += prs
            real_rows += rows
            print(f"set {' '.join(members)}: {len(rows)} pairs, {sum(r[2] for r in rows)} derived", flush=True)
        set_of = {c: " ".join(members) for members in sets for c in members}
        # folds (and the threshold rule's inner folds) leave one set out
        cluster_of = {r["id"]: set_of[r["cluster"]] for r in records}
    else:
        records, pairs, real_rows = real_training_rows(args.real, args.texts, args.cache, tmp.name, settings)
        cluster_of = {r["id"]: r["cluster"] for r in records}
    print(f"real: {len(real_rows)} pairs, {sum(r[2] for r in real_rows)} derived", flush=True)
    case_rows = constructed_training_rows(args.dev, args.cache, tmp.name, settings)
    print(f"constructed (fit half): {len(case_rows)} pairs, {sum(r[2] for r in case_rows)} derived", flush=True)

    # Whole-document corpora, away from the test suite's samples: independent LLM texts on one
    # narrative (hard negatives: they follow the same outline in the same order) and LLM rewrites.
    extra_rows, extra_weights = [], []
    for corpus, weight in (("llm-same-narrative", args.dev_weight), ("llm-rewrite", args.rewrite_weight)):
        rows_c = dev_rows(Path(args.dev), corpus, args.dev_articles, args.cache, tmp.name, settings)
        print(f"{corpus}: {len(rows_c)} pairs, {sum(r[2] for r in rows_c)} derived", flush=True)
        extra_rows += rows_c
        extra_weights += [weight] * len(rows_c)
    case_rows_only = case_rows
    case_rows = case_rows_only + extra_rows
    case_weights = [args.cases_weight] * len(case_rows_only) + extra_weights

    def pair_cluster(key) -> str | None:
        clusters = {cluster_of.get(i) for i in key}
        return clusters.pop() if len(clusters) == 1 else None

    folds = sorted(set(cluster_of.values()))
    fold_links: list[dict] = []
    curve_links: dict[float, list[dict]] = {t: [] for t in curve}
    thresholds = {}
    for held in folds:
        train = [r for r in real_rows if pair_cluster(r[0]) != held and held not in {cluster_of.get(i) for i in r[0]}]
        model, _ = fit_model(train, case_rows, case_weights, cluster_of, args.l2, args.min_precision, {"fold": held})
        thresholds[held] = model.threshold
        path = Path(tmp.name) / f"model-{held}.json"
        path.write_text(json.dumps(model.to_json()), encoding="utf-8")
        db = str(Path(tmp.name) / f"fold-{held.replace(' ', '-')}.db")
        only = held.split() if sets else None  # a set is linked as its own store
        evaluate_real(args.real, args.texts, Settings(link_model=str(path)), clusters=only, db_path=db,
                      vector_cache=args.cache)
        with Store(db) as store:
            for link in store.links():
                if cluster_of.get(link["derived"]) == held:
                    fold_links.append(link)
        for t in curve:
            evaluate_real(args.real, args.texts, Settings(link_model=str(path), link_threshold=t), clusters=only,
                          db_path=db + f".{t}", vector_cache=args.cache)
            with Store(db + f".{t}") as store:
                curve_links[t] += [link for link in store.links() if cluster_of.get(link["derived"]) == held]
        print(f"fold {held}: threshold {model.threshold}", flush=True)
    loco = score_real(fold_links, records, pairs)
    held_out = "leave-one-set-out" if sets else "leave-one-cluster-out"
    print(f"{held_out}:", json.dumps({k: v for k, v in loco.items() if k not in ("missed", "wrong_links")}),
          flush=True)
    at = {}
    for t in curve:
        scored = score_real(curve_links[t], records, pairs)
        at[str(t)] = {k: scored[k] for k in ("links", "precision", "recall_strict", "same_event_linked")}
        print(f"{held_out} at {t}:", json.dumps(at[str(t)]), flush=True)

    final, chosen = fit_model(real_rows, case_rows, case_weights, cluster_of, args.l2, args.min_precision, {})
    if args.threshold is not None:
        chosen = {**chosen, "rule_threshold": chosen["threshold"], "threshold": args.threshold,
                  "set_by": "--threshold"}
        final = LinkModel(final.weights, final.intercept, args.threshold, final.mean, final.scale, final.meta)
    path = Path(tmp.name) / "final.json"
    path.write_text(json.dumps(final.to_json()), encoding="utf-8")
    held_out_cases = evaluate_constructed(args.dev, Settings(link_model=str(path)), vector_cache=args.cache,
                                          split="test")
    print("constructed (test half):", json.dumps({k: v for k, v in held_out_cases.items() if k != "missed"}),
          flush=True)
    figures = {
        "fitted": time.strftime("%Y-%m-%d"),
        "data": {"real_pairs": len(real_rows), "real_derived": sum(r[2] for r in real_rows),
                 "constructed_pairs": len(case_rows_only),
                 "constructed_derived": sum(r[2] for r in case_rows_only),
                 "dev_pairs": len(extra_rows), "dev_derived": sum(r[2] for r in extra_rows),
                 "cases_weight": args.cases_weight, "dev_weight": args.dev_weight,
                 "rewrite_weight": args.rewrite_weight, "l2": args.l2, "min_precision": args.min_precision},
        "threshold": final.threshold,
        "threshold_choice": chosen,
        "fold_thresholds": thresholds,
        "leave_one_cluster_out": loco,
        **({"leave_one_cluster_out_at_fixed_thresholds": at} if at else {}),
        "constructed_test_half": held_out_cases,
        "weights": dict(zip(INPUTS, [round(w, 4) for w in final.weights])),
        "seconds": round(time.time() - started, 1),
    }
    if args.model_out:
        Path(args.model_out).write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
    if args.figures_out:
        kept = ("derived", "source", "kind", "direction", "confidence")
        Path(args.figures_out).write_text(json.dumps(
            {**figures, "fold_links": [{k: link[k] for k in kept} for link in fold_links],
             "curve_links": {str(t): [{k: link[k] for k in kept} for link in links] for t, links in curve_links.items()}},
            indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.write:
        meta = {k: figures[k] for k in ("fitted", "data", "fold_thresholds", "threshold_choice")}
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
