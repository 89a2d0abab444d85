"""The Spark engine's speed: local[2] against local[1] on the link job, per-stage costs, identity.

    python benchmarks/spark_speed.py --size 20000 --new 2000 [--local] [--out benchmarks/results/spark-20000.json]

1. a synthetic store (benchmarks/scale.py --mode bulk: generated vectors, real text stages,
   anchors and MinHash for the last --tail articles), all but the last --new articles linked;
2. ``unspun export --what spark`` of it (timed);
3. the job (``python -m unspun.spark``) once with ``--master local[1]`` and once with
   ``local[2]``, each in its own process and output folder; the speed-up is the ratio of their
   link-stage times (every stage after the export: candidates and compare);
4. with ``--local``, ``unspun link`` on a copy of the store, and whether the two engines left the
   same links.

Per-stage seconds, the work each stage did (queries, index rows, pairs) and the cost per unit are
written to the JSON, which docs/spark.md projects to 10M articles from.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
UNSPUN = str(Path(PY).with_name("unspun"))


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(cmd: list[str], **kw) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - t0, done.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--new", type=int, default=2000)
    ap.add_argument("--tail", type=int, default=5000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/unspun-spark-bench"))
    ap.add_argument("--skip-fill", action="store_true")
    ap.add_argument("--local", action="store_true", help="also run `unspun link` and compare the links")
    ap.add_argument("--masters", default="local[1],local[2]")
    ap.add_argument("--nice", type=int, default=0, help="niceness of the job runs")
    ap.add_argument("--skip-export", action="store_true", help="reuse the dataset of an earlier run")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    work = args.work / str(args.size)
    db = work / "bench.db"
    result: dict = {"size": args.size, "new": args.new, "tail": args.tail, "cpus": os.cpu_count(),
                    "load_at_start": load()}
    if not args.skip_fill:
        t, _ = run([PY, str(ROOT / "benchmarks" / "scale.py"), "--size", str(args.size), "--mode", "bulk",
                    "--tail", str(args.tail), "--new", str(args.new), "--phases", "fill", "--db", str(db),
                    "--traces", "0", "--out", str(work / "fill.json")])
        result["fill_s"] = round(t, 1)
    dataset = work / "dataset"
    t, _ = (0.0, "") if args.skip_export else run([UNSPUN, "export", "--db", str(db), "--format", "parquet", "--what", "spark", "--out", str(dataset), "--json"])
    if not args.skip_export:
        result["export_s"] = round(t, 1)
    manifest = json.loads((dataset / "manifest.json").read_text())
    result["dataset_rows"] = manifest["counts"]
    result["dataset_bytes"] = sum(p.stat().st_size for p in dataset.rglob("*.parquet"))
    result["examine"] = manifest["examine"]
    runs = {}
    for master in args.masters.split(","):
        out = work / f"out-{master.replace('[', '').replace(']', '')}"
        shutil.rmtree(out, ignore_errors=True)
        before = load()
        t, stdout = run(["nice", "-n", str(args.nice), PY, "-m", "unspun.spark", str(dataset), str(out), "--master",
                         master, "--json", "--conf", "spark.driver.memory=4g"])
        summary = json.loads(stdout)
        runs[master] = {"wall_s": round(t, 1), "stages_s": summary["seconds"], "links": summary["links"],
                        "pairs": summary["pairs"], "tasks": summary["tasks"], "partitions": summary.get("partitions"),
                        "load_before": before, "load_after": load()}
        print(master, json.dumps(runs[master]), file=sys.stderr, flush=True)
    result["runs"] = runs
    masters = args.masters.split(",")
    if len(masters) == 2:
        one, two = runs[masters[0]]["stages_s"]["total"], runs[masters[1]]["stages_s"]["total"]
        result["speedup_link_stage"] = round(one / two, 3)
        result["speedup_by_stage"] = {k: round(v / runs[masters[1]]["stages_s"][k], 3)
                                      for k, v in runs[masters[0]]["stages_s"].items()
                                      if runs[masters[1]]["stages_s"].get(k)}
    # per-unit costs (seconds of one core = stage seconds under local[1]) for the projection
    base = runs[masters[0]]
    s = base["stages_s"]
    rows = manifest["counts"]
    n_index = rows["articles"]
    q = manifest["examine"]
    passages_index = rows["sentences"] / 2  # passages of 3 sentences every 2
    result["unit_costs_core_s"] = {
        "articles_per_sentence_row": s.get("articles", 0) / max(1, rows["sentences"]),
        "vectors_per_query_x_index": s.get("vectors", 0) / max(1, q * n_index),
        "passages_per_query_passage_x_index_passage": s.get("passages", 0) / max(1, (q * 8) * passages_index),
        "anchors_per_anchor_row": s.get("anchors", 0) / max(1, rows["anchors"]),
        "minhash_per_bucket_row": s.get("minhash", 0) / max(1, rows["buckets"]),
        "candidates_per_query": s.get("candidates", 0) / max(1, q),
        "compare_per_pair": s.get("compared", 0) / max(1, base["pairs"] or 1),
    }
    if args.local:
        local_db = work / "local.db"
        for suffix in ("", "-wal", "-shm", ".candidates", ".usearch", ".usearch.passages"):
            src = Path(str(db) + suffix)
            if src.exists():
                shutil.copy(src, str(local_db) + suffix)
        t, stdout = run(["nice", "-n", "10", UNSPUN, "link", "--db", str(local_db), "--json"])
        result["local_link"] = {"wall_s": round(t, 1), **json.loads(stdout)}
        spark_db = work / "spark.db"
        for suffix in ("", "-wal", "-shm", ".candidates", ".usearch", ".usearch.passages"):
            src = Path(str(db) + suffix)
            if src.exists():
                shutil.copy(src, str(spark_db) + suffix)
        out = work / f"out-{masters[-1].replace('[', '').replace(']', '')}"
        run([UNSPUN, "import-links", str(out), "--db", str(spark_db), "--json"])
        from unspun.store import Store

        def links(path):
            st = Store(path)
            try:
                return sorted((l["derived"], l["source"], l["kind"], l["direction"], f"{l['confidence']:.4f}")
                              for l in st.links())
            finally:
                st.close()

        a, b = links(local_db), links(spark_db)
        result["identical_links"] = a == b
        result["links_local"], result["links_spark"] = len(a), len(b)
        if a != b:
            result["only_local"] = [list(x) for x in sorted(set(a) - set(b))[:20]]
            result["only_spark"] = [list(x) for x in sorted(set(b) - set(a))[:20]]
    result["load_at_end"] = load()
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
