"""Candidate generation: for each article, the few stored articles worth aligning with it.

Never all pairs. Three cheap, complementary signals, each an index over the store:

* nearest neighbours of the article's document vector (an approximate index, usearch) — finds
  translations and rewrites in any language;
* an inverted index of rare language-independent anchors (normalised numbers, transliterated
  names) — finds translations and partial copies that share specific facts;
* MinHash LSH over word shingles — finds same-language copies and partial reuse.

Candidates from all three are merged by reciprocal rank and cut to ``candidates_per_article``.
A publication-time window, when set, drops pairs published too far apart.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import numpy as np

from ..article import Article
from ..settings import Settings
from ..store import Store
from .minhash import MinHashIndex, from_signature, minhash_of


class VectorIndex:
    """Approximate nearest neighbours over document vectors (usearch HNSW, cosine)."""

    def __init__(self, dim: int):
        from usearch.index import Index

        self.dim = dim
        self.index = Index(ndim=dim, metric="cos", dtype="f32")
        self.ids: list[str] = []
        self.keys: dict[str, int] = {}

    def add(self, ids: list[str], vectors: np.ndarray) -> None:
        new = [(i, v) for i, v in zip(ids, vectors) if i not in self.keys]
        if not new:
            return
        start = len(self.ids)
        keys = np.arange(start, start + len(new), dtype=np.uint64)
        for offset, (article_id, _v) in enumerate(new):
            self.ids.append(article_id)
            self.keys[article_id] = start + offset
        self.index.add(keys, np.vstack([v for _i, v in new]).astype(np.float32))

    def search(self, vector: np.ndarray, count: int) -> list[tuple[str, float]]:
        if not self.ids:
            return []
        matches = self.index.search(vector.astype(np.float32), min(count, len(self.ids)))
        return [(self.ids[int(k)], 1.0 - float(d)) for k, d in zip(matches.keys, matches.distances)]


class AnchorIndex:
    """Inverted index from rare anchors to the articles holding them."""

    def __init__(self, max_df: int):
        self.max_df = max_df
        self.postings: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(self, article_id: str, anchors: set[tuple[str, str]]) -> None:
        for anchor in anchors:
            self.postings[anchor].add(article_id)

    def shared(self, anchors: set[tuple[str, str]]) -> Counter:
        """Articles sharing rare anchors with the given set, with how many each shares."""
        counts: Counter = Counter()
        for anchor in anchors:
            holders = self.postings.get(anchor)
            if holders and len(holders) <= self.max_df:
                counts.update(holders)
        return counts


def article_anchor_set(article: Article) -> set[tuple[str, str]]:
    """Distinctive anchors: names, and numbers other than small ones (1-31 are days and counts)."""
    out = set()
    for s in article.sentences:
        for a in s.anchors:
            if a.kind == "name" or (a.kind == "number" and not _small_number(a.value)):
                out.add((a.kind, a.value))
    return out


def _small_number(value: str) -> bool:
    try:
        return float(value.rstrip("%")) <= 31 and not value.endswith("%")
    except ValueError:
        return False


class CandidateIndex:
    """All three indexes over a store, built once and queried per article."""

    def __init__(self, store: Store, model: str, settings: Settings):
        self.settings = settings
        self.store = store
        ids, vectors = store.doc_vectors(model)
        self.vectors = VectorIndex(vectors.shape[1] if len(ids) else 384)
        if ids:
            self.vectors.add(ids, vectors)
        self.anchors = AnchorIndex(settings.anchor_max_df)
        per_article: dict[str, set] = defaultdict(set)
        for kind, value, article_id in store.anchor_postings():
            if kind == "name" or not _small_number(value):
                per_article[article_id].add((kind, value))
        for article_id, anchors in per_article.items():
            self.anchors.add(article_id, anchors)
        self.minhash = MinHashIndex(settings.minhash_threshold, settings.minhash_perm)
        for article_id, num_perm, blob in store.minhashes():
            if num_perm == settings.minhash_perm:
                self.minhash.insert(article_id, from_signature(num_perm, blob))
        self.published = {r["id"]: r["published"] for r in store.iter_article_rows()}

    def add(self, article: Article, doc_vec: np.ndarray) -> None:
        """Make a just-processed article findable by later queries (incremental linking)."""
        self.vectors.add([article.id], doc_vec[None, :])
        self.anchors.add(article.id, article_anchor_set(article))
        self.minhash.insert(article.id, minhash_of(article.text, self.settings.minhash_perm))
        self.published[article.id] = article.published.isoformat() if article.published else None

    def candidates(self, article: Article, doc_vec: np.ndarray) -> list[tuple[str, dict]]:
        """Up to ``candidates_per_article`` ids with the evidence that proposed each."""
        s = self.settings
        evidence: dict[str, dict] = defaultdict(dict)
        for rank, (other, sim) in enumerate(self.vectors.search(doc_vec, s.neighbours + 1)):
            evidence[other]["vector_rank"] = rank
            evidence[other]["doc_cosine"] = round(sim, 4)
        shared = self.anchors.shared(article_anchor_set(article))
        for rank, (other, count) in enumerate(shared.most_common(s.neighbours + 1)):
            if count >= s.min_shared_anchors:
                evidence[other]["anchor_rank"] = rank
                evidence[other]["shared_anchors"] = count
        for other in self.minhash.query(minhash_of(article.text, s.minhash_perm)):
            evidence[other]["minhash"] = True
        evidence.pop(article.id, None)
        if s.time_window_days and article.published:
            window = timedelta(days=s.time_window_days)
            for other in list(evidence):
                when = self.published.get(other)
                if when:
                    from ..store import parse_time

                    t = parse_time(when)
                    if t and abs(_naive(t) - _naive(article.published)) > window:
                        del evidence[other]

        def rrf(ev: dict) -> float:
            score = 0.0
            if "vector_rank" in ev:
                score += 1 / (5 + ev["vector_rank"])
            if "anchor_rank" in ev:
                score += 1 / (5 + ev["anchor_rank"])
            if ev.get("minhash"):
                score += 1 / 5
            return score

        ranked = sorted(evidence.items(), key=lambda kv: -rrf(kv[1]))
        return ranked[: s.candidates_per_article]


def _naive(t):
    return t.replace(tzinfo=None) if t.tzinfo else t
