"""Evaluate linking on the real-world story clusters of ``../shared/data/real``.

The clusters' texts are third-party pages that stay out of the repository: they are rebuilt once
per machine into an ignored file (``scripts/real_texts.py``, ``.cache/real/texts.jsonl``) and
joined here with ``articles.jsonl``. Articles without a text are left out together with their
pairs, and the result says how many pairs it scored.

Scoring (the rules of the set's README and of the issue that asked for it):

* every pair within a cluster is labelled: a derived kind (``verbatim``, ``translation``,
  ``rewrite``, ``partial``) with a direction (``a->b``, ``b->a`` or ``common-source``), or
  ``same-event`` (independent coverage);
* a derived pair is **found** when the two articles are linked (either way), or, for a
  ``common-source`` pair, when both are linked as derived to one stored source;
* a pair is **strict** when its confidence is not ``low`` and its excerpts overlap
  (``excerpt_overlap``); recall is reported over strict pairs and over all derived pairs;
* a link is **correct** when its pair is labelled derived (any confidence); a link on a
  ``same-event`` pair or across clusters is wrong; precision counts every link;
* ``same_event_linked``: the share of ``same-event`` pairs that are linked.

Figures are given per kind and per phenomenon (see ``phenomena``).
"""
from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from pathlib import Path

from ..errors import CorpusError
from ..settings import Settings
from ..store import Store

DERIVED = ("verbatim", "translation", "rewrite", "partial")


def load_real(real_dir: str | Path | list, texts: str | Path | list) -> tuple[list[dict], list[dict], int]:
    """The clusters as corpus records and labelled pairs, restricted to articles with a text.

    Args:
        real_dir: the folder with ``articles.jsonl`` and ``pairs.jsonl``, or a list of such
            folders (the shared clusters and the project's own, ``data/real-extra/V``...), read
            as one set.
        texts: JSON lines ``{"id", "text"}`` rebuilt from the search tool's pages corpus; a list
            of files, one per folder, with a list of folders.
    Returns:
        ``(records, pairs, dropped)``: records in the dev corpus format (``title`` null,
        ``published`` from ``date``), the pairs whose two articles have a text, and how many
        pairs were dropped for a missing text.
    Raises:
        CorpusError: a file is missing, the lists differ in length, or an id repeats.
    """
    if isinstance(real_dir, (list, tuple)) or isinstance(texts, (list, tuple)):
        dirs = list(real_dir) if isinstance(real_dir, (list, tuple)) else [real_dir]
        files = list(texts) if isinstance(texts, (list, tuple)) else [texts]
        if len(dirs) != len(files):
            raise CorpusError(f"{len(dirs)} label folders and {len(files)} text files",
                              "Give one --texts per --real, in the same order")
        records, pairs, dropped = [], [], 0
        for d, t in zip(dirs, files):
            r, p, n = load_real(d, t)
            records += r
            pairs += p
            dropped += n
        ids = [r["id"] for r in records]
        if len(set(ids)) != len(ids):
            raise CorpusError("An article id appears in two label folders", "Each set needs its own ids")
        return records, pairs, dropped
    real_dir, texts = Path(real_dir), Path(texts)
    for path in (real_dir / "articles.jsonl", real_dir / "pairs.jsonl"):
        if not path.is_file():
            raise CorpusError(f"{path} is missing", "Point --real at ../shared/data/real")
    if not texts.is_file():
        raise CorpusError(f"{texts} is missing",
                          "Rebuild the texts first: see ../shared/data/real/README.md and scripts/real_texts.py")
    text_of = {}
    with open(texts, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                text_of[row["id"]] = row["text"]
    records = []
    with open(real_dir / "articles.jsonl", encoding="utf-8") as f:
        for line in f:
            meta = json.loads(line)
            if meta["id"] not in text_of:
                continue
            date = meta.get("date")
            published = date if date and len(date) == 10 else None  # a year-month is no time
            records.append({"id": meta["id"], "lang": meta["lang"], "outlet": meta["outlet"], "title": None,
                            "text": text_of[meta["id"]], "url": meta["url"], "published": published,
                            "cluster": meta["cluster"]})
    have = {r["id"] for r in records}
    pairs, dropped = [], 0
    with open(real_dir / "pairs.jsonl", encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            if p["a"] in have and p["b"] in have:
                pairs.append(p)
            else:
                dropped += 1
    return records, pairs, dropped


def is_strict(pair: dict) -> bool:
    return pair.get("confidence") != "low" and bool(pair.get("excerpt_overlap", True))


def phenomena(pair: dict, records: dict[str, dict]) -> list[str]:
    """What makes a derived pair hard, read from the texts and the label: ``family`` (both copy a
    third text), ``partial`` (passages reused), ``excerpt`` (one side at most half the other's
    length), ``short`` (one side of five sentences or fewer: about 600 characters),
    ``cross-language``, ``whole`` (none of these)."""
    a, b = records[pair["a"]], records[pair["b"]]
    out = []
    if pair["direction"] == "common-source":
        out.append("family")
    if pair["label"] == "partial":
        out.append("partial")
    la, lb = len(a["text"]), len(b["text"])
    if min(la, lb) <= 0.5 * max(la, lb):
        out.append("excerpt")
    if min(la, lb) <= 600:
        out.append("short")
    if a["lang"] != b["lang"]:
        out.append("cross-language")
    return out or ["whole"]


def score_real(links: list[dict], records: list[dict], pairs: list[dict]) -> dict:
    """Score links (``{"derived", "source", "kind", ...}``) against the real set's labels."""
    by_id = {r["id"]: r for r in records}
    linked = {frozenset((l["derived"], l["source"])): l for l in links}
    sources_of: dict[str, set[str]] = defaultdict(set)
    for l in links:
        sources_of[l["derived"]].add(l["source"])
    label_of = {frozenset((p["a"], p["b"])): p for p in pairs}

    def found(p: dict) -> bool:
        key = frozenset((p["a"], p["b"]))
        if key in linked:
            return True
        return p["direction"] == "common-source" and bool(sources_of[p["a"]] & sources_of[p["b"]])

    groups: dict[str, dict[str, list[int]]] = {"kind": defaultdict(lambda: [0, 0]),
                                               "phenomenon": defaultdict(lambda: [0, 0]),
                                               "cluster": defaultdict(lambda: [0, 0])}
    strict = [0, 0]
    every = [0, 0]
    missed = []
    for p in pairs:
        if p["label"] not in DERIVED:
            continue
        hit = found(p)
        every[0] += hit
        every[1] += 1
        if not is_strict(p):
            continue
        strict[0] += hit
        strict[1] += 1
        groups["kind"][p["label"]][0] += hit
        groups["kind"][p["label"]][1] += 1
        groups["cluster"][p["cluster"]][0] += hit
        groups["cluster"][p["cluster"]][1] += 1
        for name in phenomena(p, by_id):
            groups["phenomenon"][name][0] += hit
            groups["phenomenon"][name][1] += 1
        if not hit:
            missed.append(f"{p['a']}-{p['b']} {p['label']} {p['direction']}")
    right = wrong = 0
    wrong_links = []
    for key, l in linked.items():
        p = label_of.get(key)
        if p is not None and p["label"] in DERIVED:
            right += 1
        else:
            wrong += 1
            wrong_links.append(f"{l['derived']}->{l['source']} {l['kind']} "
                               f"({p['label'] if p else 'other cluster'})")
    same = [p for p in pairs if p["label"] == "same-event"]
    same_linked = sum(1 for p in same if frozenset((p["a"], p["b"])) in linked)

    def rate(hit_total: list[int]) -> dict:
        return {"recall": round(hit_total[0] / hit_total[1], 4) if hit_total[1] else None,
                "found": hit_total[0], "pairs": hit_total[1]}

    precision = right / (right + wrong) if right + wrong else 1.0
    recall = strict[0] / strict[1] if strict[1] else 1.0
    return {
        "articles": len(records),
        "pairs": len(pairs),
        "links": len(linked),
        "precision": round(precision, 4),
        "recall_strict": round(recall, 4),
        "f1_strict": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        "recall_all": round(every[0] / every[1], 4) if every[1] else None,
        "same_event_linked": round(same_linked / len(same), 4) if same else None,
        "same_event_pairs": len(same),
        "per_kind": {k: rate(v) for k, v in sorted(groups["kind"].items())},
        "per_phenomenon": {k: rate(v) for k, v in sorted(groups["phenomenon"].items())},
        "per_cluster": {k: rate(v) for k, v in sorted(groups["cluster"].items())},
        "missed": missed,
        "wrong_links": sorted(wrong_links),
    }


def evaluate_real(real_dir: str | Path | list, texts: str | Path | list, settings: Settings | None = None,
                  clusters: list[str] | None = None, db_path: str | None = None,
                  vector_cache: str | None = None, progress=None) -> dict:
    """Ingest the clusters that have texts into a fresh store, link them, and score the links.

    Args:
        clusters: only these clusters (e.g. ``["P", "Q", "R"]``); all by default.
        db_path, vector_cache, progress: as for ``unspun.eval.evaluate``.
    Returns:
        The figures of ``score_real`` plus ``dropped_pairs`` (pairs without both texts) and
        ``seconds``.
    """
    from ..eval import evaluate

    records, pairs, dropped = load_real(real_dir, texts)
    if clusters:
        records = [r for r in records if r["cluster"] in clusters]
        pairs = [p for p in pairs if p["cluster"] in clusters]
    if not records:
        raise CorpusError("No article of the real set has a text", "Rebuild the texts first (scripts/real_texts.py)")
    with tempfile.TemporaryDirectory(prefix="unspun-real-") as tmp:
        corpus = Path(tmp) / "real"
        corpus.mkdir()
        with open(corpus / "articles.jsonl", "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps({k: v for k, v in r.items() if k != "cluster"}, ensure_ascii=False) + "\n")
        (corpus / "pairs.jsonl").write_text("", encoding="utf-8")
        keep = db_path or str(Path(tmp) / "real.db")
        base = evaluate(corpus, settings, db_path=keep, vector_cache=vector_cache, progress=progress)
        store = Store(keep)
        try:
            links = store.links()
        finally:
            store.close()
    result = score_real(links, records, pairs)
    result["dropped_pairs"] = dropped
    result["seconds"] = base["seconds"]
    result["clusters"] = sorted({r["cluster"] for r in records})
    return result
