"""Sentence alignment of a derived article with a candidate source.

Vecalign-style: a similarity matrix of sentence embeddings, margin-normalised within the pair (a
sentence's match must stand out from that sentence's other neighbours in the other article, which
are by construction in the other article's language), then a dynamic programme over monotone
paths with 1-1, 1-2 and 2-1 beads and free skips. Each bead earns ``score - align_min_score``,
so the gap threshold is exactly what decides "inserted" and "omitted". A second pass aligns
sentences the monotone path left out when they match each other well: spinners reorder paragraphs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Beads: (derived sentences, source sentences) consumed at once.
_BEADS = ((1, 1), (1, 2), (2, 1))


@dataclass
class Bead:
    """One aligned unit: derived sentence indices, source sentence indices, score, raw cosine."""

    derived: list[int]
    source: list[int]
    score: float
    cosine: float
    reordered: bool = False
    # For merged beads: each member's own score with the other side ({index: score}).
    members: dict[int, float] | None = None


def margin_matrix(dv: np.ndarray, sv: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosine matrix and its margin version: cos(x, y) minus the mean of the k best cosines of x
    among the other side's sentences and of y among this side's (Artetxe & Schwenk 2019,
    difference form). Returns ``(cosine, margin)``, each ``(len(dv), len(sv))``."""
    cos = dv @ sv.T
    kd = min(k, cos.shape[1])
    ks = min(k, cos.shape[0])
    bg_d = np.sort(cos, axis=1)[:, -kd:].mean(axis=1) if kd else np.zeros(cos.shape[0])
    bg_s = np.sort(cos, axis=0)[-ks:, :].mean(axis=0) if ks else np.zeros(cos.shape[1])
    return cos, cos - (bg_d[:, None] + bg_s[None, :]) / 2


def _pairs(vectors: np.ndarray) -> np.ndarray:
    """Vectors of each two consecutive sentences taken together (normalised sum)."""
    if len(vectors) < 2:
        return np.zeros((0, vectors.shape[1]), dtype=vectors.dtype)
    v = vectors[:-1] + vectors[1:]
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def pair_score(cos: float, margin: float) -> float:
    """How likely two sentences say the same thing: the margin, lifted by the raw cosine.

    Margin alone is blind when an article has one sentence; cosine alone cannot tell a match from
    a same-topic sentence. 0.88 is where e5 cosines of true translations start on our corpora.
    Scaled by 10 so that scores read on a unit scale (true translations about +0.7, other
    sentences of the same article about -0.5).
    """
    return 10.0 * (margin + 0.5 * (cos - 0.88))


def align(dv: np.ndarray, sv: np.ndarray, min_score: float, k: int = 4, band: int = 0,
          matrices: tuple[np.ndarray, np.ndarray] | None = None) -> list[Bead]:
    """Align derived sentence vectors ``dv`` with source sentence vectors ``sv``.

    Args:
        dv, sv: L2-normalised sentence vectors, ``(n, dim)`` and ``(m, dim)``.
        min_score: beads scoring below this are not worth aligning (they become gaps).
        k: neighbours for the margin.
        band: if > 0, only consider beads within this many sentences of the diagonal.
        matrices: ``margin_matrix(dv, sv, k)`` when the caller has it already.
    Returns:
        Beads in derived order (reordered beads from the second pass included).
    """
    n, m = len(dv), len(sv)
    if n == 0 or m == 0:
        return []
    cos, margin = matrices if matrices is not None else margin_matrix(dv, sv, k)
    score = pair_score(cos, margin)
    # Merged beads: the two sentences' summed vector against the single one.
    cos21 = _pairs(dv) @ sv.T  # derived i-1,i  vs source j
    cos12 = dv @ _pairs(sv).T  # derived i      vs source j-1,j
    bead_scores = {(1, 1): score}
    kd, ks = min(k, m), min(k, n)
    bg_d = np.sort(cos, axis=1)[:, -kd:].mean(axis=1)
    bg_s = np.sort(cos, axis=0)[-ks:, :].mean(axis=0)
    # A merged vector is closer to everything than its parts; its own neighbourhood (not the
    # average of its parts') is the background that keeps merges from winning by inflation.
    if n > 1:
        bg21 = np.sort(cos21, axis=1)[:, -kd:].mean(axis=1)
        s21 = pair_score(cos21, cos21 - (bg21[:, None] + bg_s[None, :]) / 2)
        # A merge must beat its best single member clearly, or it is a 1-1 plus a gap.
        s21[s21 < np.maximum(score[:-1], score[1:]) + 0.2] = -np.inf
        # ...and each part must be alignable on its own: an inserted sentence on a related topic
        # must not ride along with the sentence that really is the translation.
        s21[np.minimum(score[:-1], score[1:]) < min_score - MERGE_SLACK] = -np.inf
        bead_scores[(2, 1)] = s21
    if m > 1:
        bg12 = np.sort(cos12, axis=0)[-ks:, :].mean(axis=0)
        s12 = pair_score(cos12, cos12 - (bg_d[:, None] + bg12[None, :]) / 2)
        s12[s12 < np.maximum(score[:, :-1], score[:, 1:]) + 0.2] = -np.inf
        s12[np.minimum(score[:, :-1], score[:, 1:]) < min_score - MERGE_SLACK] = -np.inf
        bead_scores[(1, 2)] = s12
    move = _best_path(n, m, {key: (val - min_score).tolist() for key, val in bead_scores.items()}, band)
    moves = ((1, 0), (0, 1)) + _BEADS
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 and j > 0:
        di, dj = moves[move[i][j]]
        if move[i][j] >= 2:
            d_idx, s_idx = list(range(i - di, i)), list(range(j - dj, j))
            if (di, dj) == (1, 1):
                c = float(cos[i - 1, j - 1])
            elif (di, dj) == (2, 1):
                c = float(cos21[i - 2, j - 1])
            else:
                c = float(cos12[i - 1, j - 2])
            members = None
            if di == 2:
                members = {i - 2: float(score[i - 2, j - 1]), i - 1: float(score[i - 1, j - 1])}
            elif dj == 2:
                members = {j - 2: float(score[i - 1, j - 2]), j - 1: float(score[i - 1, j - 1])}
            beads.append(Bead(d_idx, s_idx, float(bead_scores[(di, dj)][i - di, j - dj]), c, members=members))
        i, j = i - di, j - dj
    beads.reverse()
    beads = _fill_sandwiches(beads, score, cos, min_score)
    parallel = _fill_parallel(beads, score, cos)
    if len(parallel) > len(beads):
        # A parallel pair: an equal gap between aligned sentences is the counterpart when it
        # matches about as well as this pair's translations do. A sentence inserted where one
        # was dropped sits in such a gap too, and matches like an unrelated sentence: it stays
        # inserted, the dropped one omitted.
        floor = float(np.quantile([b.cosine for b in parallel], PARALLEL_FILL_QUANTILE)) - PARALLEL_FILL_MARGIN
        beads = _fill_sandwiches(parallel, score, cos, min_score, slack=np.inf, min_cos=floor)
    beads += _reordered(score, cos, beads, min_score)
    beads.sort(key=lambda b: b.derived[0])
    return beads


def _best_path(n: int, m: int, gain: dict[tuple[int, int], list[list[float]]], band: int) -> list[list[int]]:
    """The dynamic programme: ``move[i][j]`` is the last step of the best path to cell (i, j)
    (0 skips a derived sentence, 1 a source sentence, 2.. the beads of ``_BEADS``). The gains
    are plain lists: the programme runs once per compared pair, and indexing numpy arrays one
    cell at a time costs several times more than lists do (the same arithmetic, in doubles)."""
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    g11, g21, g12 = gain[(1, 1)], gain.get((2, 1)), gain.get((1, 2))
    for i in range(1, n + 1):
        lo, hi = 1, m
        if band > 0:
            centre = int(round(i * m / n))
            lo, hi = max(1, centre - band), min(m, centre + band)
        row, up, step = best[i], best[i - 1], move[i]
        up2 = best[i - 2] if i >= 2 and g21 is not None else None
        r11, r21 = g11[i - 1], g21[i - 2] if up2 is not None else None
        r12 = g12[i - 1] if g12 is not None else None
        for j in range(lo, hi + 1):
            cand, arg = up[j], 0
            if row[j - 1] > cand:
                cand, arg = row[j - 1], 1
            val = up[j - 1] + r11[j - 1]  # (1, 1)
            if val > cand:
                cand, arg = val, 2
            if r12 is not None and j >= 2:  # (1, 2)
                val = up[j - 2] + r12[j - 2]
                if val > cand:
                    cand, arg = val, 3
            if r21 is not None:  # (2, 1)
                val = up2[j - 1] + r21[j - 1]
                if val > cand:
                    cand, arg = val, 4
            row[j] = cand
            step[j] = arg
    return move


# How far below the gap threshold each part of a merged bead may score on its own.
MERGE_SLACK = 0.3

# How far below the gap threshold a sentence pair may score and still be aligned when it sits
# between two aligned pairs with nothing else in the gap: position is evidence too, and short or
# low-resource sentences ("Bíllinn hefur ekki fundist.") score low even when they are translations.
SANDWICH_SLACK = 0.4


# In a parallel pair, a gap pair is aligned when its cosine is at least this quantile of the
# pair's aligned cosines, less the margin (the pair's own scale: Japanese-English translations
# match lower than German-French ones).
PARALLEL_FILL_QUANTILE = 0.1
PARALLEL_FILL_MARGIN = 0.02


def _fill_sandwiches(beads: list[Bead], score: np.ndarray, cos: np.ndarray, min_score: float,
                     slack: float = SANDWICH_SLACK, min_cos: float = -1.0) -> list[Bead]:
    """Align gaps of equal size on both sides, between two beads (or an edge), in order: each
    pair must score at least ``min_score - slack`` and have a cosine of at least ``min_cos``."""
    n, m = score.shape
    out: list[Bead] = []
    prev_d, prev_s = -1, -1
    for bead in beads + [Bead([n], [m], 0.0, 0.0)]:  # sentinel at the end
        gap_d = list(range(prev_d + 1, bead.derived[0]))
        gap_s = list(range(prev_s + 1, bead.source[0]))
        if gap_d and len(gap_d) == len(gap_s) and len(gap_d) <= 3:
            pairs = list(zip(gap_d, gap_s))
            if all(score[i, j] >= min_score - slack and cos[i, j] >= min_cos for i, j in pairs):
                out += [Bead([i], [j], float(score[i, j]), float(cos[i, j])) for i, j in pairs]
        if bead.derived[0] < n:
            out.append(bead)
        prev_d, prev_s = bead.derived[-1], bead.source[-1]
    return out


# Share of the longer side's sentences that must be in-order mutual best matches for a pair to
# count as parallel (translated sentence by sentence), and the least sentences that makes telling.
PARALLEL_SHARE = 0.6
PARALLEL_MIN_SENTENCES = 4


def _increasing_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``(i, j)`` pairs (sorted by i) whose j strictly increases."""
    import bisect

    tails: list[int] = []  # tails[k]: index into pairs of the smallest j ending a chain of k+1
    back: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        at = bisect.bisect_left([pairs[t][1] for t in tails], j)
        if at:
            back[n] = tails[at - 1]
        if at == len(tails):
            tails.append(n)
        else:
            tails[at] = n
    chain, n = [], tails[-1] if tails else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


def mutual_chain(cos: np.ndarray, score: np.ndarray | None = None) -> list[tuple[int, int]]:
    """The longest in-order run of sentence pairs that are each other's best match (by cosine)
    and, when ``score`` is given, match at all (pair score at least 0)."""
    if cos.size == 0:
        return []
    best_j, best_i = cos.argmax(axis=1), cos.argmax(axis=0)
    mutual = [(i, int(j)) for i, j in enumerate(best_j) if best_i[j] == i and (score is None or score[i, j] >= 0)]
    return _increasing_chain(mutual)


def _fill_parallel(beads: list[Bead], score: np.ndarray, cos: np.ndarray) -> list[Bead]:
    """Align the mutual best matches of a parallel pair that scored below the gap threshold.

    When most sentences of both articles are each other's best match (and match at all: pair
    score at least 0), in order, the pair is a
    sentence-by-sentence translation, and a sentence's counterpart is its mutual best match even
    where the encoder scores the pair low (Japanese-English sentences often score under the
    threshold; a whole sumo report went unaligned). Independent reports of one event never get
    here: a few of their sentences match, not the sequence."""
    n, m = cos.shape
    if max(n, m) < PARALLEL_MIN_SENTENCES:
        return beads
    chain = mutual_chain(cos, score)
    if len(chain) < PARALLEL_SHARE * max(n, m):
        return beads
    used_d = {i for b in beads for i in b.derived}
    used_s = {j for b in beads for j in b.source}
    added = []
    for i, j in chain:
        if i in used_d or j in used_s:
            continue
        # Keep the path monotone: the bead must fit between its aligned neighbours.
        before = [b for b in beads if b.derived[-1] < i]
        after = [b for b in beads if b.derived[0] > i]
        if (before and before[-1].source[-1] >= j) or (after and after[0].source[0] <= j):
            continue
        added.append(Bead([i], [j], float(score[i, j]), float(cos[i, j])))
    return sorted(beads + added, key=lambda b: b.derived[0])


def _reordered(score: np.ndarray, cos: np.ndarray, beads: list[Bead], min_score: float) -> list[Bead]:
    """Second pass: greedily pair sentences the monotone path skipped when they clearly match."""
    used_d = {i for b in beads for i in b.derived}
    used_s = {j for b in beads for j in b.source}
    free_d = [i for i in range(score.shape[0]) if i not in used_d]
    free_s = [j for j in range(score.shape[1]) if j not in used_s]
    extra: list[Bead] = []
    if not free_d or not free_s:
        return extra
    sub = score[np.ix_(free_d, free_s)]
    # A reordered match must be better than an in-order one would need: order is evidence too.
    threshold = min_score + 0.05
    while sub.size and sub.max() >= threshold:
        a, b = np.unravel_index(int(sub.argmax()), sub.shape)
        i, j = free_d[a], free_s[b]
        extra.append(Bead([i], [j], float(score[i, j]), float(cos[i, j]), reordered=True))
        sub[a, :] = -np.inf
        sub[:, b] = -np.inf
    return extra
