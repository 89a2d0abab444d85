"""``python -m unspun.spark DATASET OUT``: the link job, for spark-submit.

    spark-submit --master spark://host:7077 .../site-packages/unspun/spark/__main__.py DATASET OUT
    python -m unspun.spark s3a://bucket/unspun/dataset s3a://bucket/unspun/out --master local[8]

DATASET is an ``unspun export --format parquet --what spark`` folder, OUT the job's output folder
(any Hadoop file system URL). Run again with the same OUT, a killed job resumes from its last
finished stage. Exit status 0 on success, 1 with one line on stderr otherwise.
"""
from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    # Absolute imports: spark-submit runs this file as a script, outside its package.
    from unspun.errors import UnspunError
    from unspun.spark import run_job

    parser = argparse.ArgumentParser(prog="python -m unspun.spark", description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", help="the exported dataset (local path or Hadoop FS URL)")
    parser.add_argument("out", help="the output folder (links/, alignments/, examined/, summary.json)")
    parser.add_argument("--master", default=None, help="Spark master (default: what spark-submit set, else local[*])")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    conf = dict(c.split("=", 1) for c in args.conf if "=" in c)

    def log(message: str) -> None:
        print(f"unspun.spark: {message}", file=sys.stderr, flush=True)

    try:
        summary = run_job(args.dataset, args.out, master=args.master, log=log, conf=conf)
    except UnspunError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    else:
        print(f"{summary['links']} links from {summary['pairs']} compared pairs → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
