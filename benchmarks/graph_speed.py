"""Time of the propagation analysis, its views, reports and exports on a planted store of about
100k articles and 300k links (issue: under 60 s on 2 cores for graph, report and exports).

    python benchmarks/graph_speed.py --out benchmarks/results/graph-speed.json

The store is written by ``unspun.graph.synthetic.generate`` (rows only: the linker's work is not
timed here). Each export and the report run as the CLI runs them, analysis included; the first
lines time the analysis alone and each view over one analysis. Exports run as ``unspun export
--format F --what all`` does (every table of the format, one analysis per format). Peak memory (ru_maxrss) and the
core count go with the figures.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# Parameters reaching about 100k articles and 300k links (36 communities of 29 outlets or so).
PLANT = dict(seed=0, communities=36, stories_per_originator=75, relays=18, translators=5, spinners=5,
             independents=200, extra_links=16)


def timed(results: dict, name: str, fn):
    t = time.perf_counter()
    value = fn()
    results[name] = round(time.perf_counter() - t, 3)
    print(f"{name:<40} {results[name]:8.2f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="Write the figures as JSON here.")
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply stories_per_originator (0.1 for a quick run).")
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args()
    from unspun.graph import analyse, network_view, outlet_profile, story_detail, story_list, synthetic
    from unspun.graph.export import export
    from unspun.store import Store

    work = Path(tempfile.mkdtemp(prefix="graph-speed-"))
    store = Store(work / "store.db")
    plant = dict(PLANT, stories_per_originator=max(1, int(PLANT["stories_per_originator"] * args.scale)))
    times: dict[str, float] = {}
    timed(times, "generate (not counted)", lambda: synthetic.generate(store, **plant))
    articles, links = store.count("articles"), store.count("links")
    print(f"{articles} articles, {links} links, {os.cpu_count()} cores")
    graph = timed(times, "analyse (load, outlet graph, stories, Leiden, roles)", lambda: analyse(store))
    timed(times, "network view (150 nodes, layout)", lambda: network_view(graph, max_nodes=150))
    timed(times, "network view (1000 nodes, layout)", lambda: network_view(graph, max_nodes=1000))
    timed(times, "story list", lambda: story_list(graph, None))
    timed(times, "largest story", lambda: story_detail(store, graph, graph.stories[0].id))
    busiest = max(graph.outlets.values(), key=lambda o: o.copied).name
    timed(times, "busiest outlet's profile", lambda: outlet_profile(store, graph, busiest))
    counted = ["analyse (load, outlet graph, stories, Leiden, roles)"]
    if not args.skip_report:
        from unspun.graph.report import write_report

        timed(times, "report, whole store", lambda: write_report(store, work / "report"))
        counted.append("report, whole store")
    for fmt in ("csv", "jsonl", "parquet", "gexf", "graphml"):  # as `unspun export --what all` runs: one analysis each
        name = f"export {fmt} all"
        files = timed(times, name, lambda: export(store, fmt, "all", str(work / fmt)))["files"]
        counted.append(name)
        for f in files:
            print(f"    {f['what']:<10} {f.get('rows', f.get('edges'))} rows/edges, {Path(f['out']).stat().st_size >> 20} MiB")
    result = {
        "articles": articles, "links": links, "outlets": len(graph.outlets), "stories": len(graph.stories),
        "communities": len(graph.communities), "cores": os.cpu_count(), "plant": plant, "seconds": times,
        "graph_report_and_exports_seconds": round(sum(times[k] for k in counted), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(f"graph, report and every export: {result['graph_report_and_exports_seconds']} s; "
          f"peak memory {result['peak_rss_mib']} MiB")
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
