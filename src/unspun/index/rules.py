"""The candidate rules as pure functions, called by both engines.

``CandidateIndex.candidates`` (the local engine: SQLite, the sidecar, usearch) and the Spark job
(``unspun.spark``: Parquet, joins, executors) gather the same raw facts about an article — its
nearest document vectors, the stored articles sharing its rare anchors, those sharing its
passages, those colliding in its MinHash bands — in their own way, and hand them to these
functions, which decide what becomes a candidate and in which order. One rule, two engines,
one answer.

Nearest neighbours are computed *exactly and deterministically*: vectors are centred for their
language, then quantised to 8 bits by :func:`quantise` (``round(127 * x)`` of the unit vector);
the dot product of two such vectors is an integer (at most 384 × 127² < 2²⁴ for a 384-d model),
so a float32 matrix product computes it without rounding, whatever the order of the sums, the
BLAS library, or how the vectors are split into blocks across executors; where numkong (usearch's
SIMD kernels) is installed the integer dot products are taken directly from the 8-bit rows (same
integers, about ten times faster than converting every row to float32). Ties (copies of one text
have one vector) are broken by article id. Both engines search document vectors exactly at every
size. The local engine's HNSW graph of *passage* vectors (above ``exact_search_max`` passages) is
approximate and does not follow this rule; the Spark engine is always exact (docs/spark.md).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import numpy as np

# Largest dimension whose int8 dot products are exact in float32 (sums of up to dim * 127**2 must
# stay below 2**24); larger vectors are multiplied in float64 (exact below 2**53).
EXACT_F32_DIM = (1 << 24) // (127 * 127)

try:  # numkong ships with usearch (>= 2.26): exact int8 dot products with SIMD
    import numkong as _nk
except ImportError:  # older usearch: float32 BLAS, the same integers
    _nk = None


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors (rows) as int8: ``clip(rint(127 * x))``. The same input gives the same bytes
    in every engine."""
    t = np.asarray(vectors, dtype=np.float32) * np.float32(127.0)  # one temporary, rounded in place
    np.rint(t, out=t)
    np.clip(t, -127, 127, out=t)
    return t.astype(np.int8)


def norms(q: np.ndarray) -> np.ndarray:
    """Euclidean norms of int8 rows, exact (float64 square root of an integer)."""
    q = np.asarray(q)
    dtype = np.float32 if q.shape[-1] <= EXACT_F32_DIM else np.float64  # exact sums of squares, as in cosines
    f = q.astype(dtype)
    return np.sqrt(np.einsum("...i,...i->...", f, f).astype(np.float64))


def dots(queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Dot products (float64, exact integers) of int8 query rows against int8 matrix rows."""
    if _nk is not None and queries.dtype == np.int8 and matrix.dtype == np.int8 and matrix.shape[1] <= (1 << 17):
        # int32 sums of at most 2**17 * 127**2 < 2**31: exact, read straight from the 8-bit rows
        out = np.asarray(_nk.dots_packed(np.ascontiguousarray(matrix), _nk.dots_pack(np.ascontiguousarray(queries))))
        return out.T.astype(np.float64)
    dtype = np.float32 if queries.shape[1] <= EXACT_F32_DIM else np.float64
    return (queries.astype(dtype) @ matrix.astype(dtype).T).astype(np.float64)


def cosines(queries: np.ndarray, matrix: np.ndarray, query_norms: np.ndarray | None = None,
            matrix_norms: np.ndarray | None = None) -> np.ndarray:
    """Cosines (float64) of int8 query rows against int8 matrix rows, computed exactly."""
    queries = np.atleast_2d(queries)
    if not len(matrix) or not len(queries):
        return np.zeros((len(queries), len(matrix)), dtype=np.float64)
    dots_ = dots(queries, matrix)
    qn = norms(queries) if query_norms is None else query_norms
    mn = norms(matrix) if matrix_norms is None else matrix_norms
    # A zero vector's dot products are 0: dividing them by 1 gives the 0 a zero cosine is, with
    # no masked division (a third of the time of a search of 600,000 passages; same bits).
    qn, mn = np.where(qn > 0, qn, 1.0), np.where(mn > 0, mn, 1.0)
    return np.divide(dots_, np.outer(qn, mn), out=dots_)


def top(ids: np.ndarray, sims: np.ndarray, count: int) -> list[tuple[str, float]]:
    """The ``count`` best ``(id, cosine)``: highest cosine first, ties by id. Taking the top of
    each block and then the top of those gives the same list as the top of everything."""
    if count <= 0 or not len(ids):
        return []
    sims = np.asarray(sims, dtype=np.float64)
    if len(ids) > 4 * count:  # only the rows that can make the cut (ties at the edge kept)
        edge = np.partition(sims, len(sims) - count)[len(sims) - count]
        keep = np.nonzero(sims >= edge)[0]
        ids, sims = np.asarray(ids)[keep], sims[keep]
    order = np.lexsort((np.asarray(ids, dtype=str), -sims))[:count]
    return [(str(ids[i]), float(sims[i])) for i in order]


def epochs(values) -> np.ndarray:
    """Publication times (seconds since 1970, None for undated) as float64, NaN for undated."""
    return np.asarray([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def search_block(ids: np.ndarray, matrix: np.ndarray, matrix_norms: np.ndarray, matrix_when: np.ndarray,
                 queries: np.ndarray, count: int, query_when: list | None = None, window: float = 0.0,
                 block: int = 50_000) -> list[list[tuple[str, float]]]:
    """For each int8 query row, the ``count`` nearest rows of ``matrix`` as ``(id, cosine)``, best
    first, ties by id. With a ``window`` (seconds), a dated query only meets rows published within
    it (undated rows always). ``block`` rows are compared at a time, which bounds memory to
    ``len(queries) * block`` cosines. Blocks of any size give the same answer (:func:`top`)."""
    if not len(ids) or not len(queries):
        return [[] for _ in range(len(queries))]
    qn = norms(queries)
    qwhen = epochs(query_when) if query_when is not None else np.full(len(queries), np.nan)
    parts: list[list[list[tuple[str, float]]]] = [[] for _ in range(len(queries))]
    for b in range(0, len(ids), block):
        sims = cosines(queries, matrix[b:b + block], qn, matrix_norms[b:b + block])
        bids, bwhen = ids[b:b + block], matrix_when[b:b + block]
        for n in range(len(queries)):
            if window and not np.isnan(qwhen[n]):
                keep = np.isnan(bwhen) | (np.abs(bwhen - qwhen[n]) <= window)
                parts[n].append(top(bids[keep], sims[n][keep], count))
            else:
                parts[n].append(top(bids, sims[n], count))
    return [merge_top(p, count) for p in parts]


def merge_top(parts: Iterable[list[tuple[str, float]]], count: int) -> list[tuple[str, float]]:
    """The ``count`` best of several :func:`top` lists (of disjoint blocks)."""
    rows = [r for part in parts for r in part]
    rows.sort(key=lambda t: (-t[1], t[0]))
    return rows[:count]


def neighbour_count(neighbours: int, window: float) -> int:
    """How many nearest neighbours a query asks for: one more than ``neighbours`` (the article
    itself is among them), four times that with a time window (the window drops some)."""
    return (neighbours + 1) * (4 if window else 1)


def vector_evidence(scored: list[tuple[str, float]], wanted: int, floor: float) -> dict[str, dict]:
    """``{id: {"vector_rank", "doc_cosine"}}`` of the nearest neighbours (best first; with a time
    window, the nearest inside it), those under the centred-cosine ``floor`` left out."""
    out: dict[str, dict] = {}
    kept = (t for t in scored[:wanted] if t[1] >= floor)
    for rank, (other, sim) in enumerate(kept):
        out[other] = {"vector_rank": rank, "doc_cosine": round(sim, 4)}
    return out


def distinctive(kind: str, value: str) -> bool:
    """Whether an anchor can propose candidates: names, and numbers other than small ones (1-31
    are days and counts; percentages always count)."""
    if kind == "name":
        return True
    if kind != "number":
        return False
    try:
        return not (float(value.rstrip("%")) <= 31 and not value.endswith("%"))
    except ValueError:
        return True


def anchor_counts(holders_per_anchor: Iterable[set[str]], max_df: int) -> Counter:
    """How many of the query's anchors each article shares, over anchors held by at most
    ``max_df`` articles (the query itself counts as a holder, as the store holds it)."""
    counts: Counter = Counter()
    for holders in holders_per_anchor:
        if holders and len(holders) <= max_df:
            counts.update(holders)
    return counts


def anchor_evidence(counts: dict[str, int], neighbours: int, min_shared: int,
                    relaxed: set[str] | None = None) -> dict[str, dict]:
    """``{id: {"anchor_rank", "shared_anchors"}}``: the ``neighbours + 1`` articles sharing the
    most anchors (ties by id), kept when they share at least ``min_shared`` (or are ``relaxed``)."""
    out: dict[str, dict] = {}
    for rank, (other, count) in enumerate(anchor_top(counts, neighbours)):
        if count >= min_shared or (relaxed and other in relaxed):
            out[other] = {"anchor_rank": rank, "shared_anchors": count}
    return out


def anchor_top(counts: dict[str, int], neighbours: int) -> list[tuple[str, int]]:
    """The ``neighbours + 1`` articles sharing the most anchors, ties by id."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: neighbours + 1]


def passage_best(hits: Iterable[tuple[str, float]], exclude: str | None) -> list[tuple[str, float]]:
    """Per article, its best passage cosine among the hits of every query passage; best first,
    ties by id; the query article itself left out."""
    best: dict[str, float] = {}
    for other, sim in hits:
        if other != exclude and sim > best.get(other, -2.0):
            best[other] = sim
    return sorted(best.items(), key=lambda t: (-t[1], t[0]))


def passage_evidence(ranked: list[tuple[str, float]], neighbours: int) -> dict[str, dict]:
    return {other: {"passage_rank": rank, "passage_cosine": round(sim, 4)}
            for rank, (other, sim) in enumerate(ranked[:neighbours])}


def band_collisions(bucket_members: Iterable[list[str]], bucket_max: int) -> dict[str, int]:
    """How many LSH bands each article shares with the query, over the query's buckets held by at
    most ``bucket_max`` articles (more: boilerplate, a shared footer)."""
    counts: dict[str, int] = {}
    for members in bucket_members:
        if len(members) > bucket_max:
            continue
        for m in members:
            counts[m] = counts.get(m, 0) + 1
    return counts


def minhash_evidence(collisions: dict[str, int], bucket_max: int) -> dict[str, dict]:
    """``{id: {"minhash", "minhash_bands"}}`` of the ``bucket_max`` articles sharing the most
    bands (ties by id)."""
    ranked = sorted(collisions.items(), key=lambda kv: (-kv[1], kv[0]))[:bucket_max]
    return {other: {"minhash": True, "minhash_bands": n} for other, n in ranked}


def in_window(when: float | None, other: float | None, window: float) -> bool:
    """Whether a pair passes the time window (an undated side always does)."""
    return not window or when is None or other is None or abs(other - when) <= window


def rrf(ev: dict) -> float:
    """Reciprocal-rank fusion of the signals that proposed a candidate."""
    score = 0.0
    if "vector_rank" in ev:
        score += 1 / (5 + ev["vector_rank"])
    if "anchor_rank" in ev:
        score += 1 / (5 + ev["anchor_rank"])
    if "passage_rank" in ev:
        score += 1 / (5 + ev["passage_rank"])
    if ev.get("minhash"):
        score += 1 / 5 + 0.001 * ev.get("minhash_bands", 0)
    return score


def combine(parts: Iterable[dict[str, dict]]) -> dict[str, dict]:
    """One evidence dict per candidate from each signal's evidence."""
    out: dict[str, dict] = {}
    for part in parts:
        for other, ev in part.items():
            out.setdefault(other, {}).update(ev)
    return out


def ranked(evidence: dict[str, dict], article_id: str, per_article: int, when: float | None = None,
           published: dict[str, float | None] | None = None, window: float = 0.0) -> list[tuple[str, dict]]:
    """The final candidates of one article: itself and pairs outside the time window dropped,
    ranked by reciprocal-rank fusion (ties by id), cut to ``per_article``."""
    evidence = {k: v for k, v in evidence.items() if k != article_id}
    if window and when is not None:
        published = published or {}
        evidence = {k: v for k, v in evidence.items() if in_window(when, published.get(k), window)}
    out = sorted(evidence.items(), key=lambda kv: (-rrf(kv[1]), kv[0]))
    return out[:per_article]


def examined_pairs(order: Iterable[str], candidates: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The pairs ``link_store`` compares, in its order: articles are examined in ``order`` (store
    order), each against its candidates, and a pair is compared once, as ``(examined, other)``
    the first time it is met."""
    seen: set[frozenset] = set()
    out = []
    for article_id in order:
        for other in candidates.get(article_id, ()):
            pair = frozenset((article_id, other))
            if pair in seen:
                continue
            seen.add(pair)
            out.append((article_id, other))
    return out
