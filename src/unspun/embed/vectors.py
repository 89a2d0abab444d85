"""Sentence and document vectors of articles: the embedding stage, on demand and in bulk.

Vectors belong to the encoders: this module fills ``Article.vectors`` (reusing vectors cached in
the store by sentence hash), embeds two-tier articles when they are first aligned, backfills a
whole store, and makes one document vector of an article's sentence vectors. The pipeline, the
linker and the candidate index all read them from here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np

from ..article import Article
from . import encoder_model_id, get_encoder

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import Store


def add_embeddings(article: Article, settings: Settings, store: Store | None = None) -> Article:
    """Embedding stage: fill ``article.vectors``, reusing vectors cached in the store."""
    encoder = get_encoder(settings.encoder)
    hashes = [s.hash for s in article.sentences]
    cached = store.cached_vectors(encoder.model_id, hashes) if store is not None else {}
    missing = [s for s in article.sentences if s.hash not in cached]
    if missing:
        unique = list({s.hash: s.text[: settings.max_sentence_chars] for s in missing}.items())
        fresh = encoder.encode([t for _h, t in unique], batch=settings.embed_batch)
        cached.update({h: v for (h, _t), v in zip(unique, fresh)})
    article.vectors = (
        np.vstack([cached[h] for h in hashes]) if hashes else np.zeros((0, encoder.dim), dtype=np.float32)
    )
    return article


def ensure_vectors(article: Article, settings: Settings, store: Store) -> bool:
    """The accurate tier on demand: give an article that was stored without sentence vectors
    (two-tier ingest) its vectors, and write them to the store so this happens once.

    Vectors are stored by sentence hash like any others (sentences already embedded for another
    article are reused, not re-encoded). No document vector is written: a two-tier store's index
    uses fast vectors, and the absence of document vectors is what marks the store as two-tier.

    Returns:
        True when the article got its vectors now (the encoder ran on those of its sentences
        not already stored), False when it already had them (or has no sentences).
    """
    if article.vectors is not None or not article.sentences:
        return False
    add_embeddings(article, settings, store)
    with store.transaction():
        store.put_vectors(encoder_model_id(settings.encoder), [s.hash for s in article.sentences], article.vectors)
    return True


def embed_store(store: Store, settings: Settings, chunk: int = 8192,
                progress: Callable[[int, int], None] | None = None) -> dict:
    """The accurate tier in bulk: embed every stored sentence that has no vector yet.

    For a two-tier store (ingested with ``embed_on_ingest`` false) before linking it in bulk, on
    a machine where the encoder is fast (``encoder=e5-torch`` on a GPU). Each chunk of ``chunk``
    distinct sentences is encoded and committed in one transaction, so an interrupted run keeps
    what it committed and a second run embeds only the rest. Like ``ensure_vectors`` it writes
    sentence vectors only: the store stays two-tier and its candidate index keeps the fast vectors.

    Returns:
        ``{"encoder", "model", "sentences", "seconds", "sentences_per_s"}``.
    """
    import time

    encoder = get_encoder(settings.encoder)
    todo = store.sentences_without_vectors(encoder.model_id)
    chunk = max(1, chunk)
    t0 = time.perf_counter()
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), chunk):
        part = todo[start : start + chunk]
        vectors = encoder.encode([t[: settings.max_sentence_chars] for _h, t in part], batch=settings.embed_batch)
        with store.transaction():
            store.put_vectors(encoder.model_id, [h for h, _t in part], vectors)
        if progress:
            progress(start + len(part), len(todo))
    seconds = time.perf_counter() - t0
    return {"encoder": settings.encoder, "model": encoder.model_id, "sentences": len(todo),
            "seconds": round(seconds, 2), "sentences_per_s": round(len(todo) / seconds, 1) if todo and seconds else None}


def doc_vector(vectors: np.ndarray) -> np.ndarray:
    """One vector for a whole article: the normalised mean of its sentence vectors."""
    if len(vectors) == 0:
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0, dtype=np.float32)
    mean = vectors.mean(axis=0)
    return (mean / max(np.linalg.norm(mean), 1e-12)).astype(np.float32)
