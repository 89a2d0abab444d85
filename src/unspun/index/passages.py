"""Passage vectors: candidates for partial reuse.

A document vector is the mean of all of an article's sentences, so an article that carries three
translated paragraphs of a wire story inside a local report of its own points at the local story,
and the wire story is not among its nearest neighbours. Passage vectors are means of a few
consecutive sentences (``SIZE`` sentences every ``STRIDE``): the carried paragraphs have a passage
of their own, close to a passage of the source in any language. The passages of every stored
article sit in a second nearest-neighbour index beside the store (``<db>.usearch.passages``),
keyed ``article key * 64 + passage number``, so a hit names its article through the sidecar.
"""
from __future__ import annotations

import numpy as np

SIZE = 3
STRIDE = 2
MAX_PASSAGES = 64  # keys hold 6 bits of passage number; longer articles keep their first 64
KEY_BITS = 6


def passage_vectors(vectors: np.ndarray) -> np.ndarray:
    """Normalised means of ``SIZE`` consecutive sentence vectors every ``STRIDE`` sentences (one
    passage for an article shorter than ``SIZE``); at most ``MAX_PASSAGES``."""
    n = len(vectors)
    if n == 0:
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    starts = list(range(0, max(1, n - SIZE + 1), STRIDE))
    if starts[-1] + SIZE < n:  # the tail gets a passage of its own
        starts.append(n - SIZE)
    out = np.vstack([vectors[s:s + SIZE].mean(axis=0) for s in starts[:MAX_PASSAGES]])
    return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def passage_keys(article_key: int, count: int) -> np.ndarray:
    return (np.uint64(article_key) << np.uint64(KEY_BITS)) + np.arange(count, dtype=np.uint64)


def article_key(passage_key: int) -> int:
    return int(passage_key) >> KEY_BITS
