"""Families of copies: two articles that share text through a third.

When many outlets copy one origin that is not in the store, each copy is linked to the copies it
matches best, and two copies far apart in the family (a Portuguese caption and the French
dispatch, two French rewrites of an English wire story) may match each other too weakly to be
linked on their own evidence: a one-sentence caption gives the aligner no background to measure
a run against. Yet the graph holds the proof that they share text: A is linked to C, B is linked
to C, and the sentences A and B match are the very sentences of C that those two links carry.

This module links such a pair, with direction ``common-source``, when

* both links through C are confident (at least ``family_min_middle``, 0.9, above the link
  model's threshold: the family link is right only when both are), and C is not the stored
  source of both (then C already explains them: issue "families of copies", and
  ``link.graph`` keeps A and B joined through it);
* the pair's own link probability is at least ``family_min_probability`` (more likely a
  derivation than not, short of the threshold), and
* at least one of its aligned sentence pairs is carried through C: A's sentence is aligned to a
  sentence of C in the A-C link and B's sentence to that same sentence of C in the B-C link.

Each middle offers its ``MIDDLE_PARTNERS`` most confident partners, so the comparisons stay
linear in the number of links however many copies a story has.

Independent reports of one event match one or two salient sentences of each other, but a third
article whose confident links carry the same sentence to both is what copies have. The link
records its family evidence (``features.family``: the article it was found through and the
sentence triples), so a reader sees why the two were linked.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Callable, Iterable

from ..embed import encoder_model_id
from ..settings import Settings
from ..store import Store
from .decide import chat_output, link_threshold
from .graph import neighbourhood

_UNALIGNED = ("inserted", "omitted", "furniture")

# Partners of one middle considered, its most confident links first: a hub linked to thousands of
# copies (a breaking story) would otherwise ask for millions of comparisons; pairs of its other
# partners are joined through their own middles, if at all.
MIDDLE_PARTNERS = 12


def _carried(store: Store, link: dict, side: str) -> dict[int, set[int]]:
    """``side``'s sentences (the link's derived or source article) mapped to the sentences of the
    other article they are aligned to."""
    out: dict[int, set[int]] = defaultdict(set)
    for row in store.alignment(link["derived"], link["source"]):
        if row["role"] in _UNALIGNED:
            continue
        mine, theirs = (row["derived"], row["source"]) if side == link["derived"] else (row["source"], row["derived"])
        for i in mine:
            out[i].update(theirs)
    return out


def join_families(store: Store, article_ids: Iterable[str], settings: Settings | None,
                  compare: Callable) -> list[tuple[str, str]]:
    """Link the pairs around ``article_ids`` that share text through a third article (module
    docstring). ``compare`` is ``unspun.link.compare``. Returns the ``(derived, source)`` pairs
    linked."""
    settings = settings or Settings()
    model_id = encoder_model_id(settings.encoder)
    threshold = link_threshold(settings)
    floor = settings.family_min_probability
    if floor < 0:
        return []
    middle = max(threshold, settings.family_min_middle)
    edges, neighbours = neighbourhood(store, article_ids)
    # Pairs joined through a confident middle, each with the middles that join it.
    through: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in sorted(neighbours):
        confident = sorted((x for x in neighbours[c] if edges[frozenset((x, c))]["confidence"] >= middle),
                           key=lambda x: (-edges[frozenset((x, c))]["confidence"], x))[:MIDDLE_PARTNERS]
        for a, b in combinations(sorted(confident), 2):
            if frozenset((a, b)) in edges:
                continue
            if a not in neighbours and b not in neighbours:
                continue  # neither end is around the articles just linked
            ac, bc = edges[frozenset((a, c))], edges[frozenset((b, c))]
            if ac["source"] == c and bc["source"] == c:
                continue  # both copy c: c explains them
            through[(a, b)].append(c)
    joined: list[tuple[str, str]] = []
    articles: dict[str, object] = {}
    carried: dict[tuple[str, str], dict[int, set[int]]] = {}

    def carried_from(x: str, c: str) -> dict[int, set[int]]:
        # each link's alignment is read once, however many pairs it joins
        if (x, c) not in carried:
            carried[(x, c)] = _carried(store, edges[frozenset((x, c))], x)
        return carried[(x, c)]

    def article(i: str):
        if i not in articles:
            articles[i] = store.get_article(i, model_id)
        return articles[i]

    for (a, b), middles in sorted(through.items()):
        x, y = article(a), article(b)
        if not len(x.sentences) or not len(y.sentences) or x.vectors is None or y.vectors is None:
            continue
        if chat_output(x) or chat_output(y):
            continue  # chat-model output: local evidence says nothing of copying (link.compare)
        result = compare(x, y, settings, store, link_anyway=True)
        if result.probability < floor:
            continue
        d, s = result.derived.id, result.source.id
        rows = [r for r in result.alignment if r["role"] not in _UNALIGNED]
        best = None
        for c in middles:
            d_to_c, s_to_c = carried_from(d, c), carried_from(s, c)
            triples = [[i, k, j] for r in rows for i in r["derived"] for j in r["source"]
                       for k in sorted(d_to_c.get(i, set()) & s_to_c.get(j, set()))]
            if triples and (best is None or len(triples) > len(best[1])):
                best = (c, triples)
        if best is None:
            continue
        row = result.link_row()
        row["direction"] = "common-source"
        row["features"]["family"] = {"through": best[0], "shared": best[1][:20],
                                     "probability": round(result.probability, 4)}
        store.put_link(row, result.alignment, model_id, settings.as_dict())
        joined.append((d, s))
    return joined
