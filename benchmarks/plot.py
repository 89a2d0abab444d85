"""Plot cost against corpus size from benchmarks/results/<size>.json and fit the growth exponent.

    python benchmarks/plot.py            # writes benchmarks/results/scale.png and scale-fit.json

The exponent ``b`` of ``cost ∝ size^b`` is fitted by least squares on log-log axes:

* **link**: seconds to link a whole corpus of that size, ``size / link_articles_per_s`` (CPU time
  where measured, so that other work on the shared machine does not enter the fit): 1.0 is linear;
* **trace**: the p50 latency of one trace against the store (what grows with the store; the
  embedding of the traced article does not): 0 means it does not grow at all;
* **memory**: peak RSS of the link and trace processes.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def load() -> list[dict]:
    runs = []
    for p in RESULTS.glob("*.json"):
        if p.stem.isdigit():
            runs.append(json.loads(p.read_text()))
    return sorted(runs, key=lambda r: r["size"])


def slope(x: list[float], y: list[float]) -> float | None:
    if len(x) < 2:
        return None
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = load()
    if not runs:
        print("no results in", RESULTS)
        return 1
    sizes = [r["size"] for r in runs]
    link_cpu = [r["size"] / r["link"]["link_articles_per_cpu_s"] for r in runs]
    link_wall = [r["size"] / r["link_articles_per_s"] for r in runs]
    trace_store = [r["trace"]["trace_p50_s"] - r["trace"]["trace_embed_p50_s"] for r in runs]
    rss = [r["peak_rss_gib"] for r in runs]
    fit = {
        "sizes": sizes,
        "link_cpu_exponent": slope(sizes, link_cpu),
        "link_wall_exponent": slope(sizes, link_wall),
        "trace_without_embedding_exponent": slope(sizes, trace_store),
        "peak_rss_exponent": slope(sizes, rss),
    }
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    ax = axes[0]
    ax.loglog(sizes, link_cpu, "o-", label=f"link, CPU s (b={fit['link_cpu_exponent']:.2f})" if fit["link_cpu_exponent"] else "link, CPU s")
    ax.loglog(sizes, link_wall, "s--", label="link, wall s")
    ref = np.array(sizes, dtype=float)
    ax.loglog(ref, link_cpu[0] * ref / ref[0], ":", color="gray", label="linear")
    ax.set_xlabel("articles in the store")
    ax.set_ylabel("seconds to link every article")
    ax.set_title("Link cost")
    ax.legend()
    ax = axes[1]
    ax.semilogx(sizes, [r["trace_p50_s"] for r in runs], "o-", label="trace p50 (with embedding)")
    ax.semilogx(sizes, [r["trace_p95_s"] for r in runs], "s-", label="trace p95 (with embedding)")
    ax.semilogx(sizes, trace_store, "^--", label="trace p50 without embedding")
    ax.axhline(1.0, color="red", lw=0.8, label="target p95 1 s")
    ax.set_xlabel("articles in the store")
    ax.set_ylabel("seconds")
    ax.set_title("Trace latency of one new article")
    ax.legend()
    ax = axes[2]
    ax.semilogx(sizes, rss, "o-", label="peak RSS, link/trace")
    ax.axhline(8.0, color="red", lw=0.8, label="target 8 GiB")
    ax.set_xlabel("articles in the store")
    ax.set_ylabel("GiB")
    ax.set_title("Peak memory")
    ax.legend()
    fig.suptitle("unspun scale benchmark, 2 cores (shared machine; see docs/scale.md)")
    fig.tight_layout()
    fig.savefig(RESULTS / "scale.png", dpi=110)
    (RESULTS / "scale-fit.json").write_text(json.dumps(fit, indent=1) + "\n")
    print(json.dumps(fit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
