"""Where the link threshold stands among the labelled pairs of real clusters.

Every labelled pair of the given clusters is compared on its own (``compare(..., link_anyway=True)``,
the link model's probability before the graph rules), and the strict derived pairs and the
``same-event`` ones are counted by probability band. A band under the threshold that holds more
derivations than independent reports would say the threshold is too high; docs/linking.md reads
the threshold this way (*The threshold, read again on the freshest clusters*).

    python benchmarks/threshold_bands.py --set DL,DM,DN,DO --set DP,DQ,DR,DS --cache .eval-cache.db \\
        --out benchmarks/results/threshold-bands.json

Each ``--set`` is linked as one store (as ``unspun eval-real`` scores it; ``--db-dir`` keeps the
stores) from ``data/real-extra/<cluster>`` and its rebuilt texts in ``.cache/real-extra``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unspun.embed import encoder_model_id  # noqa: E402
from unspun.evalsets.real import evaluate_real, is_strict, load_real  # noqa: E402
from unspun.link import compare  # noqa: E402
from unspun.link.decide import link_threshold  # noqa: E402
from unspun.settings import Settings  # noqa: E402
from unspun.store import Store  # noqa: E402

BANDS = ((0.8, 1.01), (0.7, 0.8), (0.6, 0.7), (0.5, 0.6), (0.3, 0.5), (0.0, 0.3))


def band_counts(clusters: list[str], db_path: str, settings: Settings, vector_cache: str | None) -> dict:
    """Link the clusters as one store at ``db_path`` (unless it holds them already) and count their
    labelled pairs by the probability ``compare`` gives each pair alone."""
    real = [ROOT / "data/real-extra" / c for c in clusters]
    texts = [ROOT / ".cache/real-extra" / c / "texts.jsonl" for c in clusters]
    if not os.path.exists(db_path):
        evaluate_real(real, texts, settings, db_path=db_path, vector_cache=vector_cache)
    _, pairs, _ = load_real(real, texts)
    model = encoder_model_id(settings.encoder)
    store = Store(db_path)
    articles: dict = {}
    counts = {f"{lo}-{min(hi, 1.0)}": {"derived": 0, "same_event": 0} for lo, hi in BANDS}
    try:
        for p in pairs:
            derived = p["label"] != "same-event"
            if derived and not is_strict(p):
                continue
            for i in (p["a"], p["b"]):
                if i not in articles:
                    articles[i] = store.get_article(i, model)
            probability = compare(articles[p["a"]], articles[p["b"]], settings, store, link_anyway=True).probability
            lo, hi = next(b for b in BANDS if b[0] <= probability < b[1])
            counts[f"{lo}-{min(hi, 1.0)}"]["derived" if derived else "same_event"] += 1
    finally:
        store.close()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", action="append", required=True, help="clusters linked as one store, comma-separated")
    ap.add_argument("--cache", help="sentence vector cache (as for unspun eval-real)")
    ap.add_argument("--db-dir", help="keep the stores here (a store already there is reused)")
    ap.add_argument("--out", help="write the counts as JSON here")
    args = ap.parse_args()
    settings = Settings()
    out = {"threshold": link_threshold(settings), "sets": {}}
    with tempfile.TemporaryDirectory(prefix="unspun-bands-") as tmp:
        folder = Path(args.db_dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for s in args.set:
            clusters = s.split(",")
            counts = band_counts(clusters, str(folder / f"{clusters[0]}-{clusters[-1]}.db"), settings, args.cache)
            out["sets"][s] = counts
            for band, c in counts.items():
                print(f"{s}  {band:>8}: derived {c['derived']:>4}  same-event {c['same_event']:>5}")
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
