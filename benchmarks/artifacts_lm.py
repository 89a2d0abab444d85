"""Calibrate and evaluate the machine-generation score (extra ``unspun[lm]``).

    PYTHONPATH=src python benchmarks/artifacts_lm.py [--pairs 60] [--max-tokens 256] [--write-calibration]

Human versus machine: the PolitiFact originals (``source``) against their gpt-3.5-turbo paraphrases
and rewrites (``derived``) in llm-paraphrase and llm-rewrite. Sources are split in two by a seeded
shuffle, so an original and its rewrites always fall on the same side: the calibration (a logistic
fit of P(machine) on the criterion) is fitted on one half and the AUROC is reported on the other.
Writes benchmarks/results/artifacts_lm.json, and with --write-calibration the package's
src/unspun/artifacts/lm_calibration.json.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from unspun.artifacts import lm
from unspun.artifacts.eval import DEFAULT_DATA, _read_jsonl


def auroc(scores: list[float], labels: list[int]) -> float:
    """Area under the ROC curve (probability that a machine text outscores a human one; ties half)."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / max(1, len(pos) * len(neg))


def fit_logistic(z: np.ndarray, y: np.ndarray, steps: int = 5000, lr: float = 0.1) -> tuple[float, float]:
    """P(machine) = sigmoid(a*z + b) by gradient descent on the log loss (one feature: no library)."""
    a, b = 0.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * z + b)))
        a -= lr * float(((p - y) * z).mean())
        b -= lr * float((p - y).mean())
    return a, b


def load_pairs(data: Path) -> dict[str, dict]:
    """source id -> {"human": text, "machine": [texts]} over llm-paraphrase and llm-rewrite."""
    out: dict[str, dict] = {}
    for corpus in ("llm-paraphrase", "llm-rewrite"):
        texts = {r["id"]: r["text"] for r in _read_jsonl(data / corpus / "articles.jsonl")}
        for p in _read_jsonl(data / corpus / "pairs.jsonl"):
            entry = out.setdefault(p["source"], {"human": texts[p["source"]], "machine": []})
            entry["machine"].append(texts[p["derived"]])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pairs", type=int, default=60, help="sources per split (each with its rewrites)")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--write-calibration", action="store_true")
    args = parser.parse_args()

    pairs = load_pairs(args.data)
    ids = sorted(pairs)
    random.Random(0).shuffle(ids)
    half = len(ids) // 2
    splits = {"calibration": ids[:half][: args.pairs], "held_out": ids[half:][: args.pairs]}

    t0 = time.perf_counter()
    scorer = lm.LMScorer(max_tokens=args.max_tokens)
    load_s = time.perf_counter() - t0
    scored: dict[str, list[tuple[float, int]]] = {}
    times = []
    for split, chosen in splits.items():
        rows = []
        for sid in chosen:
            for text, label in [(pairs[sid]["human"], 0)] + [(t, 1) for t in pairs[sid]["machine"]]:
                t = time.perf_counter()
                z = scorer.score_text(text)
                times.append(time.perf_counter() - t)
                if z is not None:
                    rows.append((z, label))
        scored[split] = rows
        print(split, len(rows), "texts scored", flush=True)

    cz = np.array([z for z, _ in scored["calibration"]])
    cy = np.array([y for _, y in scored["calibration"]], dtype=float)
    mu, sd = float(cz.mean()), float(cz.std() or 1.0)
    a_std, b_std = fit_logistic((cz - mu) / sd, cy)
    a, b = a_std / sd, b_std - a_std * mu / sd  # back to the raw criterion's scale
    held = scored["held_out"]
    result = {
        "model": scorer.model_id,
        "criterion": "Fast-DetectGPT analytic, sampling = scoring model",
        "max_tokens": args.max_tokens,
        "texts": {k: len(v) for k, v in scored.items()},
        "auroc_calibration": round(auroc([z for z, _ in scored["calibration"]], [y for _, y in scored["calibration"]]), 4),
        "auroc_held_out": round(auroc([z for z, _ in held], [y for _, y in held]), 4),
        "mean_criterion": {"human": round(float(np.mean([z for z, y in held if not y])), 3),
                           "machine": round(float(np.mean([z for z, y in held if y])), 3)},
        "model_load_s": round(load_s, 2),
        "seconds_per_article": round(float(np.mean(times)), 3),
        "seconds_per_article_p90": round(float(np.percentile(times, 90)), 3),
        "threads": 2,
        "calibration": {"a": round(a, 6), "b": round(b, 6)},
    }
    preds = [int(a * z + b > 0) for z, _ in held]
    result["accuracy_held_out"] = round(float(np.mean([p == y for p, (_, y) in zip(preds, held)])), 4)
    out = Path(__file__).parent / "results" / "artifacts_lm.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if args.write_calibration:
        cal = {"model": scorer.model_id, "a": a, "b": b, "auroc_held_out": result["auroc_held_out"],
               "fitted_on": "shared/data/dev llm-paraphrase + llm-rewrite, calibration split (seed 0)"}
        path = Path(lm.__file__).parent / lm.CALIBRATION_FILE
        path.write_text(json.dumps(cal, indent=2) + "\n")


if __name__ == "__main__":
    main()
