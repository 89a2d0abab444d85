"""MinHash signatures and an LSH index for same-language near-duplicate candidates (datasketch)."""
from __future__ import annotations

import re

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ..article import Article

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5
SEED = 1  # fixed so signatures stored by one run compare with those of the next
SCHEME = MinHash(num_perm=2, seed=SEED).scheme  # the hashing scheme our stored signatures use


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Word n-grams of a text, lower-cased; texts in scripts without spaces use character n-grams."""
    tokens = _TOKEN.findall(text.lower())
    if tokens and sum(len(t) for t in tokens) / len(tokens) > 12:  # CJK runs: no word spaces
        flat = "".join(tokens)
        return {flat[i : i + 4].encode() for i in range(max(1, len(flat) - 3))}
    if len(tokens) < size:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


def minhash_of(text: str, num_perm: int) -> LeanMinHash:
    m = MinHash(num_perm=num_perm, seed=SEED)
    m.update_batch(list(shingles(text)))
    return LeanMinHash(m)


def article_minhash(article: Article, num_perm: int) -> tuple[int, bytes]:
    """``(num_perm, signature bytes)`` for storage."""
    m = minhash_of(article.text, num_perm)
    return num_perm, np.asarray(m.hashvalues, dtype=np.uint64).tobytes()


def from_signature(num_perm: int, blob: bytes) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME)


class MinHashIndex:
    """LSH over article signatures: ``insert(id, signature)``, ``query(signature) -> ids``."""

    def __init__(self, threshold: float, num_perm: int):
        if not 0 < threshold < 1:
            raise ValueError(f"threshold must be in (0, 1), got {threshold}")
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)

    def insert(self, article_id: str, signature: LeanMinHash) -> None:
        if article_id not in self.lsh:
            self.lsh.insert(article_id, signature)

    def query(self, signature: LeanMinHash) -> list[str]:
        return self.lsh.query(signature)


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` of the LSH that best separates Jaccard ``threshold`` (datasketch's choice,
    equal weight on false positives and false negatives)."""
    from datasketch.lsh import _optimal_param

    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def band_buckets(hashvalues: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit bucket key per LSH band: articles sharing a key collide in that band.

    The band number is mixed in so equal values in different bands never collide."""
    import hashlib

    values = np.asarray(hashvalues, dtype=np.uint64)
    out = []
    for b in range(bands):
        digest = hashlib.blake2b(values[b * rows : (b + 1) * rows].tobytes(), digest_size=8,
                                 person=b.to_bytes(2, "little") + b"lsh").digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out
