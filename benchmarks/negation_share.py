"""Negation precision and recall at several values of the encoder check's share.

Across languages a negation claim stands only where, without its negation words, the sentence
reads closer to the other side by ``unspun.changes.NEGATION_GAP_SHARE`` of the gap between them
(``_negation_explains``, ``_clause_left_out``). This script scores negation on every *read*
sample of the change detector's labelled set (the tuning sample, the human seeds in
``READ_SEEDS`` and the machine seeds in ``MT_READ_SEEDS``, each drawn without the ones before it:
``read_human_samples`` and ``read_machine_samples``, which ``held_out`` and ``machine_held_out``
draw theirs without); the held-out seeds are never scored here.
Only items with a negation of the lists on either side, or a labelled one, are scored: no other
item can be claimed negation. The share is set on the module and every cache cleared between
values; the encoder's vectors are kept (the texts are the same at every share).

    python benchmarks/negation_share.py [--shares 0 0.01 0.015 0.02 0.025 0.03] [--out FILE]

Prints, per share, precision / recall (tp, wrong, missed) over all read items and per part
(tuning, seeds 15-49, 50-68, 69 on, machine), and the items that change against the shipped share.
The shipped value and how it was chosen: ``docs/changes.md``, *The negation check's share, chosen
again*.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict

import unspun.changes as changes
from unspun.changes.lexicon import lexicon
from unspun.evalsets import changes as labelled


def read_samples(dev: str) -> dict[str, list[dict]]:
    """Every read sample, by name: ``tuning``, ``h<seed>`` and ``m<seed>``."""
    return {**labelled.read_human_samples(dev), **labelled.read_machine_samples(dev)}


def _has_negation(text: str, lang: str) -> bool:
    lex = lexicon(lang)
    pattern = lex.get("negation") if lex else None
    return bool(pattern and pattern.search(text))


def _part(group: str) -> str:
    if group == "tuning" or group.startswith("m"):
        return "machine" if group.startswith("m") else "tuning"
    seed = int(group[1:])
    return "seeds 15-49" if seed < 50 else "seeds 50-68" if seed < 69 else "seeds 69-"


def score_at(share: float, groups: dict[str, list[dict]]) -> dict[tuple[str, str], tuple[bool, bool, str]]:
    """(group, item id) -> (negation claimed, negation labelled, real or edit) at ``share``."""
    changes.NEGATION_GAP_SHARE = share
    for name in dir(changes):
        clear = getattr(getattr(changes, name), "cache_clear", None)
        if clear:
            clear()
    out = {}
    for group, items in groups.items():
        for it in items:
            found = changes.find_changes(it["derived"], it["source"], it["derived_lang"], it["source_lang"],
                                         it["derived_context"], it["source_context"])
            out[(group, it["id"])] = (any(c.type == "negation" for c in found), "negation" in it["changes"], it["part"])
    return out


def summary(scored: dict) -> dict[str, dict]:
    cells: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (group, _), (found, expected, part) in scored.items():
        for key in ("all", "all " + part, _part(group)):
            cell = cells[key]
            if found and expected:
                cell[0] += 1
            elif found:
                cell[1] += 1
            elif expected:
                cell[2] += 1
    return {k: {"precision": round(tp / (tp + fp), 3) if tp + fp else None,
                "recall": round(tp / (tp + fn), 3) if tp + fn else None, "tp": tp, "wrong": fp, "missed": fn}
            for k, (tp, fp, fn) in sorted(cells.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", default="../shared/data/dev")
    ap.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.01, 0.015, 0.02, 0.025, 0.03])
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args(argv)
    shipped = changes.NEGATION_GAP_SHARE
    changes._VECTORS_MAX = 10**7  # keep every sentence's vector between shares
    started = time.time()
    groups = read_samples(args.dev)
    total = sum(map(len, groups.values()))
    groups = {g: [it for it in items if "negation" in it["changes"] or _has_negation(it["derived"], it["derived_lang"])
                  or _has_negation(it["source"], it["source_lang"])] for g, items in groups.items()}
    print(f"{total} read items, {sum(map(len, groups.values()))} with a negation on either side or labelled",
          file=sys.stderr)
    results, scored = {}, {}
    for share in sorted(set(args.shares) | {shipped}):
        scored[share] = score_at(share, groups)
        results[str(share)] = summary(scored[share])
        a = results[str(share)]["all"]
        print(f"share {share}: precision {a['precision']} recall {a['recall']} ({a['tp']}, {a['wrong']}, {a['missed']})"
              f"  [{time.time() - started:.0f} s]", file=sys.stderr)
        print(f"share {share}{' (shipped)' if share == shipped else ''}: precision / recall (tp, wrong, missed)")
        for part, cell in results[str(share)].items():
            print(f"    {part}: {cell['precision']} / {cell['recall']} ({cell['tp']}, {cell['wrong']}, {cell['missed']})")
    changed = {str(share): sorted(f"{g} {i}: {'claimed' if s[k][0] else 'not claimed'} ({'labelled' if s[k][1] else 'not labelled'}, {s[k][2]})"
                                  for k in s if s[k][0] != scored[shipped][k][0] for g, i in [k])
               for share, s in scored.items() if share != shipped}
    changes.NEGATION_GAP_SHARE = shipped
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"benchmark": "negation_share", "shipped": shipped, "read_items": total,
                       "scored_items": sum(map(len, groups.values())), "shares": results,
                       "changed_against_shipped": changed}, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
