"""Evaluate linking on a labelled corpus in the ../shared/data format.

``evaluate(corpus_dir)`` ingests the corpus into a fresh store, links it, and scores the links
against ``pairs.jsonl``:

* a labelled derivation (``{"derived", "source", "label"}``) is *found* when the two articles are
  linked with any derived kind, in either direction;
* every link between two articles that ``pairs.jsonl`` does not name as derived is wrong, except
  links on rated ``same-story``/``related`` pairs, which score nothing either way;
* ``kind_accuracy`` is the share of found pairs whose kind equals the label, ``direction_accuracy``
  the share whose derived side is the labelled one;
* for corpora whose articles carry ``segments``, ``alignment_accuracy`` is the share of source
  text segments aligned to the segment of the same number in the derived article, measured by
  comparing every labelled pair directly (so it measures the aligner, not candidate generation).

``sample`` keeps N labelled pairs spread evenly over the file (every len/N-th, from the first) and
the articles they name; every labelled pair among those articles is scored. Spreading keeps all
language pairs and narratives of a corpus in the sample. It is how the test suite pins floors.
"""
from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

from .article import Article
from .errors import CorpusError, StoreError
from .ingest import Rejection
from .ingest.jsonl import article_from_record
from .link import compare, link_store
from .embed import get_encoder
from .pipeline import ingest
from .settings import Settings
from .store import Store

DERIVED_KINDS = ("verbatim", "translation", "rewrite", "partial")


def load_corpus(corpus_dir: str | Path, sample: int | None = None) -> tuple[list[dict], list[dict]]:
    """Read ``articles.jsonl`` and ``pairs.jsonl``; with ``sample``, keep N evenly spread pairs' articles."""
    corpus = Path(corpus_dir)
    a_path, p_path = corpus / "articles.jsonl", corpus / "pairs.jsonl"
    if not a_path.is_file() or not p_path.is_file():
        raise CorpusError(f"{corpus} has no articles.jsonl and pairs.jsonl")
    articles = [json.loads(line) for line in a_path.open(encoding="utf-8") if line.strip()]
    pairs = [json.loads(line) for line in p_path.open(encoding="utf-8") if line.strip()]
    if sample:
        keep: set[str] = set()
        step = max(1, len(pairs) // sample)
        for p in pairs[::step][:sample]:
            keep.update(_pair_ids(p))
        articles = [a for a in articles if a["id"] in keep]
        pairs = [p for p in pairs if set(_pair_ids(p)) <= keep]
    return articles, pairs


def _alias_pair(pair: dict, aliases: dict[str, str]) -> dict | None:
    """The pair with stored ids; None when both sides are one stored text (nothing to link)."""
    out = dict(pair)
    for key in ("derived", "source", "a", "b"):
        if key in out:
            out[key] = aliases.get(out[key], out[key])
    ids = _pair_ids(out)
    return None if ids[0] == ids[1] else out


def _pair_ids(pair: dict) -> tuple[str, str]:
    return (pair["derived"], pair["source"]) if "derived" in pair else (pair["a"], pair["b"])


def _segment_spans(text: str, segments: list[str]) -> list[tuple[int, int] | None]:
    spans, cursor = [], 0
    for seg in segments:
        at = text.find(seg, cursor)
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(seg)))
        cursor = at + len(seg)
    return spans


def _sentences_of(article: Article, span: tuple[int, int] | None) -> set[int]:
    if span is None:
        return set()
    out = set()
    for s in article.sentences:
        inter = min(s.end, span[1]) - max(s.start, span[0])
        if inter > 0 and inter >= 0.5 * min(s.end - s.start, span[1] - span[0]):
            out.add(s.index)
    return out


def alignment_hits(comparison, derived_rec: dict, source_rec: dict) -> tuple[int, int]:
    """(source segments aligned to their true counterpart, source text segments scored)."""
    d_art, s_art = comparison.derived, comparison.source
    if d_art.id != derived_rec["id"]:  # the comparison swapped sides: score from its orientation
        derived_rec, source_rec = source_rec, derived_rec
    d_spans = _segment_spans(d_art.text, derived_rec["segments"][1:])  # segment 0 is the title
    s_spans = _segment_spans(s_art.text, source_rec["segments"][1:])
    hits = total = 0
    for d_span, s_span in zip(d_spans, s_spans):
        s_sents, d_sents = _sentences_of(s_art, s_span), _sentences_of(d_art, d_span)
        if not s_sents or not d_sents:
            continue
        total += 1
        if any(set(r["source"]) & s_sents and set(r["derived"]) & d_sents for r in comparison.alignment):
            hits += 1
    return hits, total


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate(corpus_dir: str | Path, settings: Settings | None = None, sample: int | None = None,
             db_path: str | None = None, vector_cache: str | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Ingest, link and score one corpus. See the module docstring for the metrics.

    Args:
        corpus_dir: folder with articles.jsonl and pairs.jsonl.
        sample: keep only the first N labelled pairs and their articles.
        db_path: where to build the store (default: a temporary file, deleted afterwards); a
            path that already holds articles is refused (they would be scored instead).
        vector_cache: a store file whose sentence vectors are reused and extended (saves the
            embedding time of repeated evaluations; results are identical).
        progress: ``progress(stage, done, total)``.
    """
    settings = settings or Settings()
    corpus_dir = Path(corpus_dir)
    records, pairs = load_corpus(corpus_dir, sample)
    by_id = {r["id"]: r for r in records}
    tmp = None
    if db_path is None:
        tmp = tempfile.TemporaryDirectory(prefix="unspun-eval-")
        db_path = str(Path(tmp.name) / "eval.db")
    store = Store(db_path)
    if store.count("articles"):
        store.close()
        raise StoreError(f"{db_path} already holds articles; eval builds a fresh store",
                         "Pass a new path, or delete the file and its .candidates and .usearch files")
    model = get_encoder(settings.encoder).model_id
    cache = Store(vector_cache) if vector_cache else None
    try:
        if cache is not None:
            _copy_vectors(cache, store, model)
        started = time.perf_counter()
        articles = []
        for r in records:
            try:
                articles.append(article_from_record(r, settings, f"{corpus_dir.name}:{r['id']}"))
            except Exception as exc:  # a bad record is reported like any ingest rejection
                articles.append(Rejection(str(r.get("id")), "parse", str(exc)))
        done = [0]

        def on_record(status, name, msg):
            done[0] += 1
            if progress:
                progress("ingest", done[0], len(articles))

        summary = ingest(articles, store, settings, on_record=on_record)
        ingest_s = time.perf_counter() - started
        aliases = _aliases(articles, store)
        if cache is not None:  # save the embeddings before anything else can fail
            _copy_vectors(store, cache, model)
        t1 = time.perf_counter()
        link_store(store, settings, only_new=True,
                   progress=(lambda i, n: progress("link", i, n)) if progress else None)
        link_s = time.perf_counter() - t1
        result = score(store, pairs, corpus_dir.name, len(records), aliases)
        result["seconds"] = {"ingest": round(ingest_s, 2), "link": round(link_s, 2),
                             "link_per_article": round(link_s / max(1, len(records)), 4)}
        result["rejected"] = len(summary.rejected)
        result["stored_once"] = len(aliases)  # corpus ids whose text was already stored under another id
        if sample:
            result["sample"] = sample
        if any("segments" in r for r in records):
            t2 = time.perf_counter()
            hits = total = 0
            for p in pairs:
                if "derived" not in p or p["derived"] not in by_id or p["source"] not in by_id:
                    continue
                try:
                    d = store.get_article(aliases.get(p["derived"], p["derived"]), model)
                    s = store.get_article(aliases.get(p["source"], p["source"]), model)
                except Exception:
                    continue
                h, t = alignment_hits(compare(d, s, settings, store), dict(by_id[p["derived"]], id=d.id),
                                      dict(by_id[p["source"]], id=s.id))
                hits, total = hits + h, total + t
            result["alignment_accuracy"] = round(hits / total, 4) if total else None
            result["alignment_segments"] = total
            result["seconds"]["alignment"] = round(time.perf_counter() - t2, 2)
        return result
    finally:
        store.close()
        if cache is not None:
            cache.close()
        if tmp is not None:
            tmp.cleanup()


def ingest_with_cache(articles: list, store: Store, settings: Settings, vector_cache: str | None):
    """``ingest`` into ``store`` with the sentence vectors of ``vector_cache`` (a store file) reused,
    and the new ones saved back to it (the evaluation sets' scratch stores). Returns the summary."""
    model = get_encoder(settings.encoder).model_id
    cache = Store(vector_cache) if vector_cache else None
    try:
        if cache is not None:
            _copy_vectors(cache, store, model)
        summary = ingest(articles, store, settings)
        if cache is not None:
            _copy_vectors(store, cache, model)
        return summary
    finally:
        if cache is not None:
            cache.close()


def _copy_vectors(src: Store, dst: Store, model: str) -> None:
    rows = src.db.execute("SELECT model, hash, dim, vector FROM vectors WHERE model = ?", (model,)).fetchall()
    with dst.transaction():
        dst.db.executemany("INSERT OR IGNORE INTO vectors VALUES (?,?,?,?)", [tuple(r) for r in rows])


def _aliases(articles: list, store: Store) -> dict[str, str]:
    """Corpus ids whose text the store already held under another id (the store keeps one copy of
    a text): ``{corpus id: stored id}``. wmt21 has 65 English documents twice, once per language
    pair; a label naming the second copy is scored against the first."""
    out = {}
    for a in articles:
        if isinstance(a, Article) and not store.has_article(a.id):
            existing = store.id_for_hash(a.content_hash)
            if existing is not None:
                out[a.id] = existing
    return out


def score(store: Store, pairs: list[dict], corpus: str, n_articles: int,
          aliases: dict[str, str] | None = None) -> dict:
    """Score the store's links against labelled pairs (ids of texts stored under another id are
    read through ``aliases``)."""
    if aliases:
        pairs = [_alias_pair(p, aliases) for p in pairs]
        pairs = [p for p in pairs if p is not None]
    links = {(l["derived"], l["source"]): l for l in store.links()}
    linked_pairs = {frozenset(k): v for k, v in links.items()}
    derived_pairs = [p for p in pairs if "derived" in p]
    rated = {frozenset((p["a"], p["b"])): p["label"] for p in pairs if "a" in p}
    labelled = {frozenset((p["derived"], p["source"])) for p in derived_pairs}

    per_kind: dict[str, dict] = {}
    support: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    kind_right = dir_right = dir_total = found_total = 0
    for p in derived_pairs:
        support[p["label"]] += 1
        link = linked_pairs.get(frozenset((p["derived"], p["source"])))
        if link is None:
            continue
        found[p["label"]] += 1
        found_total += 1
        kind_right += link["kind"] == p["label"]
        dir_total += 1
        dir_right += link["derived"] == p["derived"]
    predicted: dict[str, int] = defaultdict(int)
    correct_pred: dict[str, int] = defaultdict(int)
    wrong = 0
    for key, link in linked_pairs.items():
        if key in labelled:
            predicted[link["kind"]] += 1
            correct_pred[link["kind"]] += 1
        elif rated.get(key) in ("same-story", "related"):
            continue  # may be a real copy: scores nothing either way
        else:
            predicted[link["kind"]] += 1
            wrong += 1
    for kind in sorted(set(support) | set(predicted)):
        tp_r = found.get(kind, 0)
        p = correct_pred.get(kind, 0) / predicted[kind] if predicted.get(kind) else 1.0
        r = tp_r / support[kind] if support.get(kind) else None
        f = (2 * p * r / (p + r) if (r is not None and p + r) else None)
        per_kind[kind] = {"precision": round(p, 4), "recall": None if r is None else round(r, 4),
                          "f1": None if f is None else round(f, 4), "support": support.get(kind, 0)}
    tp = sum(correct_pred.values())
    overall = _prf(tp, wrong, len(derived_pairs) - found_total)

    def rate(label: str) -> float | None:
        keys = [k for k, v in rated.items() if v == label]
        if not keys:
            return None
        return round(sum(1 for k in keys if k in linked_pairs) / len(keys), 4)

    return {
        "corpus": corpus,
        "articles": n_articles,
        "pairs": len(pairs),
        "links": len(links),
        "per_kind": per_kind,
        "overall": overall,
        "kind_accuracy": round(kind_right / found_total, 4) if found_total else None,
        "direction_accuracy": round(dir_right / dir_total, 4) if dir_total else None,
        "linked_unrelated_rate": rate("unrelated"),
        "linked_same_story_rate": rate("same-story"),
        "linked_same_event_rate": rate("same-event"),
    }
