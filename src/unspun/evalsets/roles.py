"""Role accuracy: do inserted and omitted sentences get their role?

Cases are built from the WMT21 human translations (segment *i* of the translation translates
segment *i* of the source): in each translation, ``edits`` segments are deleted (their source
segments are then omitted) and as many segments of another document in the same language are
inserted; every other case puts an insertion exactly where a deletion was, the place where an
aligner is tempted to pair the two. The translation's remaining segments keep their counterpart.

``evaluate_roles(dev)`` links nothing: it compares each pair (``link.compare``) and scores the
rows: an inserted segment's sentences must be ``inserted``, a deleted segment's source sentences
``omitted``; a kept segment's sentences must not be either (``false_inserted``, ``false_omitted``).
Where ``compare`` reads a pair the other way round (the translation as the source), the roles are
read through the swap: a sentence only in the translation is then "omitted" from its side.

The parallel-gap rule of ``link.align`` (``PARALLEL_FILL_*``) was set on the *test* half; the
*fit* half with another seed is the held-out check (``python -m unspun.evalsets.roles DEV CACHE``).
"""
from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from .constructed import _body, _half, _read


def _spans(segments: list[str]) -> list[tuple[int, int]]:
    out, at = [], 0
    for seg in segments:
        out.append((at, at + len(seg)))
        at += len(seg) + 2  # joined by a blank line
    return out


def build(dev: str | Path, cases: int = 40, edits: int = 2, seed: int = 21, split: str = "test") -> list[dict]:
    """The cases: ``{"source": record, "derived": record, "inserted": [segment], "deleted":
    [source segment], "kept": {derived segment: source segment}}`` with records in the dev corpus
    format (``segments`` joined by blank lines)."""
    rng = random.Random(seed)
    wmt, pairs = _read(Path(dev) / "wmt21-human")
    usable, seen = [], set()
    for p in pairs:
        src, ref = wmt[p["source"]], wmt[p["derived"]]
        if src["text"] in seen or len(_body(src)) < 8 or len(_body(src)) != len(_body(ref)) or _half(src["text"]) != split:
            continue
        seen.add(src["text"])
        usable.append((src, ref))
    rng.shuffle(usable)
    out = []
    for n, (src, ref) in enumerate(usable[:cases]):
        donors = [r for s, r in usable if r["lang"] == ref["lang"] and r is not ref]
        if not donors:
            continue
        donor = _body(rng.choice(donors))
        source_segments, derived_segments = _body(src), _body(ref)
        deleted = sorted(rng.sample(range(1, len(derived_segments) - 1), edits))
        same_place = n % 2 == 0
        new_segments, inserted, kept = [], [], {}
        foreign = rng.sample(donor, min(edits, len(donor)))
        places = set(deleted) if same_place else set(rng.sample([i for i in range(1, len(derived_segments) - 1)
                                                                   if i not in deleted], edits))
        for i, seg in enumerate(derived_segments):
            if i in places and foreign:
                inserted.append(len(new_segments))
                new_segments.append(foreign.pop())
            if i in deleted:
                continue
            kept[len(new_segments)] = i
            new_segments.append(seg)
        out.append({
            "source": {"id": f"roles:{n}:src", "lang": src["lang"], "segments": source_segments,
                       "text": "\n\n".join(source_segments)},
            "derived": {"id": f"roles:{n}:der", "lang": ref["lang"], "segments": new_segments,
                        "text": "\n\n".join(new_segments)},
            "inserted": inserted, "deleted": deleted, "kept": kept, "same_place": same_place,
        })
    return out


def _segment_of(article, spans: list[tuple[int, int]]) -> dict[int, int]:
    out = {}
    for s in article.sentences:
        for k, (a, b) in enumerate(spans):
            if a <= s.start < b + 1:
                out[s.index] = k
                break
    return out


def _tally(hits: dict[str, list[int]], role: str, same_place: bool, ok: bool) -> None:
    for key in (role, "same_place") if same_place else (role,):
        hits[key][0] += ok
        hits[key][1] += 1


def evaluate_roles(dev: str | Path, settings=None, cases: int = 40, vector_cache: str | None = None,
                   seed: int = 21, split: str = "test") -> dict:
    """Compare every case and score its roles (module doc)."""
    from ..embed import get_encoder
    from ..eval import article_from_record, ingest_with_cache
    from ..link import compare
    from ..settings import Settings
    from ..store import Store

    settings = settings or Settings()
    items = build(dev, cases, seed=seed, split=split)
    model = get_encoder(settings.encoder).model_id
    hits = {"inserted": [0, 0], "omitted": [0, 0], "same_place": [0, 0]}
    false_inserted = false_omitted = kept_total = flipped = 0
    with tempfile.TemporaryDirectory(prefix="unspun-roles-") as tmp:
        store = Store(str(Path(tmp) / "roles.db"))
        try:
            records = [r for it in items for r in (it["source"], it["derived"])]
            ingest_with_cache([article_from_record(r, settings, r["id"]) for r in records], store, settings,
                              vector_cache)
            for it in items:
                d = store.get_article(it["derived"]["id"], model)
                s = store.get_article(it["source"]["id"], model)
                c = compare(d, s, settings, store)
                seg_d = _segment_of(d, _spans(it["derived"]["segments"]))
                seg_s = _segment_of(s, _spans(it["source"]["segments"]))
                role_d = {i: r["role"] for r in c.alignment for i in r["derived"]}
                role_s = {j: r["role"] for r in c.alignment for j in r["source"]}
                if c.derived.id != d.id:
                    # compare() read the pair the other way round: a sentence only in this
                    # translation shows as "omitted" from the source it took for derived.
                    swap = {"inserted": "omitted", "omitted": "inserted"}
                    role_d, role_s = ({i: swap.get(r, r) for i, r in role_s.items()},
                                      {j: swap.get(r, r) for j, r in role_d.items()})
                    flipped += 1
                for i, k in seg_d.items():
                    if k in it["inserted"]:
                        _tally(hits, "inserted", it["same_place"], role_d.get(i) == "inserted")
                    else:
                        kept_total += 1
                        false_inserted += role_d.get(i) == "inserted"
                kept_source = set(it["kept"].values())
                for j, k in seg_s.items():
                    if k in it["deleted"]:
                        _tally(hits, "omitted", it["same_place"], role_s.get(j) == "omitted")
                    elif k in kept_source:
                        false_omitted += role_s.get(j) == "omitted"
        finally:
            store.close()
    found = hits["inserted"][0] + hits["omitted"][0]
    total = hits["inserted"][1] + hits["omitted"][1]
    return {
        "cases": len(items),
        "accuracy": round(found / total, 4) if total else None,
        "inserted": round(hits["inserted"][0] / hits["inserted"][1], 4) if hits["inserted"][1] else None,
        "omitted": round(hits["omitted"][0] / hits["omitted"][1], 4) if hits["omitted"][1] else None,
        "same_place": round(hits["same_place"][0] / hits["same_place"][1], 4) if hits["same_place"][1] else None,
        "sentences": total,
        "false_inserted": round(false_inserted / kept_total, 4) if kept_total else None,
        "false_omitted": false_omitted,
        "read_the_other_way": flipped,
    }


if __name__ == "__main__":  # python -m unspun.evalsets.roles DEV [CACHE]
    import sys

    cache = sys.argv[2] if len(sys.argv) > 2 else None
    print(json.dumps({"test": evaluate_roles(sys.argv[1], vector_cache=cache),
                      "fit (seed 22)": evaluate_roles(sys.argv[1], vector_cache=cache, seed=22, split="fit")}, indent=1))
