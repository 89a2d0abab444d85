"""Item by item: what a change to the change detector gains and loses, against another commit.

Every round of docs/changes.md asks that a mend lose no find and gain no wrong claim on every read
sample. This script runs that check in full: it draws the read samples once, with this tree's
labels (the tuning sample, the human seeds in ``READ_SEEDS``, the machine seeds in
``MT_READ_SEEDS``: ``read_human_samples`` and ``read_machine_samples``, each with its pairs'
``figure_edits`` as a sample ``<name>+figures``) and, apart, the two held-out samples (and
theirs), then scores every item with this tree's detector and with ``--base``'s (a clean ``git
worktree`` of that commit, each tree in its own process, both at once), and lists by
type every find gained or lost and every wrong claim gained or gone. The held-out samples are
reported apart and only as totals: they are not read.

    python benchmarks/changes_regression.py --base c29272d [--out FILE] [--keep]

About six minutes for 31,700 items on two cores (both trees at once). Exit status 1 when a find
is lost or a wrong claim gained on the read samples.
"""
from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SCORE = """
import pickle, sys
sys.path.insert(0, sys.argv[1] + "/src")
import unspun, unspun.changes as C
assert unspun.__file__.startswith(sys.argv[1]), unspun.__file__
C._VECTORS_MAX = 10**7
items = pickle.load(open(sys.argv[2], "rb"))
found = {(g, it["id"]): sorted({c.type for c in C.find_changes(it["derived"], it["source"], it["derived_lang"],
         it["source_lang"], it["derived_context"], it["source_context"])}) for g, it in items}
pickle.dump(found, open(sys.argv[3], "wb"))
"""


def draw(dev: str) -> list[tuple[str, dict]]:
    """(sample, item) for every read item, then the held-out ones (sample names ``H<seed>``,
    ``M<seed>``)."""
    from unspun.evalsets import changes as labelled

    read = {**labelled.read_human_samples(dev), **labelled.read_machine_samples(dev)}
    read.update({f"{g}+figures": labelled.figure_edits(its) for g, its in list(read.items())})
    items = [(g, it) for g, its in read.items() for it in its]
    for g, its in ((f"H{labelled.HELD_OUT_SEED}", labelled.held_out(dev)), (f"M{labelled.MT_SEED}", labelled.machine_held_out(dev))):
        items += [(g, it) for it in its] + [(g + "+figures", it) for it in labelled.figure_edits(its)]
    return items


def compare(items, base: dict, head: dict) -> dict:
    """Per sample kind (read, held-out) and type: finds gained and lost, wrong claims gained and
    gone, with the read items named; and the held-out samples' totals in both trees."""
    moved, named = Counter(), defaultdict(list)
    totals = {"base": defaultdict(lambda: [0, 0, 0]), "head": defaultdict(lambda: [0, 0, 0])}
    for g, it in items:
        key, expected = (g, it["id"]), set(it["changes"])
        held = g[0] in "HM"
        for t in set(base[key]) | set(head[key]) | expected:
            if held:
                for name, found in (("base", base[key]), ("head", head[key])):
                    cell = 0 if t in found and t in expected else 1 if t in found else 2
                    totals[name][f"{g} {t}"][cell] += 1
            if (t in base[key]) == (t in head[key]):
                continue
            what = ("find gained" if t in head[key] else "find lost") if t in expected else \
                ("wrong claim gained" if t in head[key] else "wrong claim gone")
            moved[("held-out" if held else "read", t, what)] += 1
            if not held:
                named[f"{t}: {what}"].append(f"{g} {it['id']}")
    return {"moved": {" / ".join(k): v for k, v in sorted(moved.items())}, "read_items": dict(sorted(named.items())),
            "held_out_totals_tp_wrong_missed": {n: dict(sorted(v.items())) for n, v in totals.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="the commit to compare against")
    ap.add_argument("--dev", default="../shared/data/dev")
    ap.add_argument("--out", help="write the comparison as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the base worktree")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="unspun-regression-"))
    tree = work / "base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), args.base], check=True)
    try:
        items = draw(args.dev)
        print(f"{len(items)} items drawn; scoring in both trees", file=sys.stderr)
        (work / "items.pkl").write_bytes(pickle.dumps(items))
        runs = [subprocess.Popen([sys.executable, "-c", _SCORE, str(t), str(work / "items.pkl"), str(work / f"{n}.pkl")])
                for n, t in (("base", tree), ("head", ROOT))]
        if any(p.wait() for p in runs):
            raise SystemExit("scoring failed in one of the trees")
        base, head = (pickle.loads((work / f"{n}.pkl").read_bytes()) for n in ("base", "head"))
    finally:
        if not args.keep:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    report = {"base": args.base, "items": len(items), **compare(items, base, head)}
    for k, v in report["moved"].items():
        print(f"{k}: {v}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    bad = [k for k in report["moved"] if k.startswith("read") and ("find lost" in k or "wrong claim gained" in k)]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
