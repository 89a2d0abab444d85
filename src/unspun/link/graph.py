"""The link graph: links that another article explains are not derivations.

Two rewrites of one source match each other well, because both carry the source; the linker
finds the pair and, on its text alone, cannot tell it from a rewrite of a rewrite. Two rules
remove such sibling links, on the triangles A-B, A-S, B-S of the link graph where S is the stored
source of both A and B (both links name S as their source: the graph still joins A and B through
S, and a link is never removed in favour of an article that derives from one of its ends):

1. **A common origin explains it.** S is the origin of the triangle when it was published before
   A and B, or, without dates, when it reads clearly less like language-model prose than both
   (``link.style``: same language, by ``sibling_style_margin``). The A-B link is then removed if
   S explains it: every sentence of A aligned to B is also aligned to S, and the same for B (up to
   ``sibling_slack`` sentences each). In a chain S -> A -> B, B keeps what A added to S (a persona
   sentence, a paragraph of its own), those sentences are aligned to A and not to S, and A-B
   stays. Several language-model paraphrases of one text converge on the same wording and match
   each other better than the original, so strength alone (rule 2) would keep the siblings and
   cut the original away.
2. **The weakest edge.** When A and B are both linked to S, and both of those links are stronger
   than the A-B link, A and B are siblings and A-B is removed. In a chain S -> A -> B the weakest
   edge is S-B (two steps of rewriting), so the chain keeps its steps. Strength: a verbatim copy
   first, then the link's confidence, then the mean alignment score.

A removed link's two articles must stay joined through the source that explained it: when one of
the two links through that source is removed as well (a later, stronger triangle), the first link
stays. Two verbatim copies of a wire story that is not stored were otherwise left joined only
through two other copies (a fresh real cluster, AQ; docs/linking.md).

On the dev corpora rule 2 alone takes the weakest edge of a triangle with two labelled derivations
to be the unlabelled one in 43 of 44 llm-rewrite triangles and 11 of 12 wmt21 ones, but in the
PolitiFact pages that llm-paraphrase holds several times it removed the original's links and kept
the paraphrases' (see docs/linking.md).
"""
from __future__ import annotations

from typing import Iterable

from ..embed import encoder_model_id
from ..embed.vectors import doc_vector
from ..settings import Settings
from ..store import Store
from .style import machine_style

_UNALIGNED = ("inserted", "omitted", "furniture")


def _strength(link: dict) -> tuple[bool, float, float]:
    """A verbatim copy is closer than any rewrite or translation (confidence saturates near 1 for
    all three); otherwise confidence, then the mean alignment score."""
    return (link["kind"] == "verbatim", round(float(link["confidence"]), 3),
            float(link["features"].get("mean_score", 0.0)))


class _Origins:
    """Rule 1 on one neighbourhood of the graph: which article of a triangle is its origin, and
    whether it explains the link between the other two."""

    def __init__(self, store: Store, edges: dict[frozenset, dict], settings: Settings):
        self.store, self.edges, self.settings = store, edges, settings
        self.model = encoder_model_id(settings.encoder)
        self._aligned: dict[tuple[str, str], set[int]] = {}
        self._style: dict[str, tuple[str | None, float | None]] = {}
        self._published: dict = {}

    def published(self, ids: list[str]) -> list:
        missing = [i for i in ids if i not in self._published]
        if missing:
            self._published.update(self.store.published_of(missing))
        return [self._published.get(i) for i in ids]

    def style(self, article_id: str) -> tuple[str | None, float | None]:
        if article_id not in self._style:
            article = self.store.get_article(article_id, self.model)
            vector = doc_vector(article.vectors) if article.vectors is not None and len(article.vectors) else None
            self._style[article_id] = (article.lang, machine_style(vector, article.lang, self.model))
        return self._style[article_id]

    def is_origin(self, r: str, x: str, y: str) -> bool:
        times = self.published([r, x, y])
        if all(t is not None for t in times):
            tr, tx, ty = (t.replace(tzinfo=None) for t in times)
            return tr < tx and tr < ty
        (lr, sr), (lx, sx), (ly, sy) = self.style(r), self.style(x), self.style(y)
        if sr is None or sx is None or sy is None or not lr == lx == ly:
            return False
        return sr + self.settings.sibling_style_margin <= min(sx, sy)

    def aligned(self, x: str, y: str) -> set[int]:
        """x's sentences aligned to y's in the x-y link (both sides read in one query)."""
        if (x, y) not in self._aligned:
            link = self.edges[frozenset((x, y))]
            rows = [r for r in self.store.alignment(link["derived"], link["source"]) if r["role"] not in _UNALIGNED]
            self._aligned[(link["derived"], link["source"])] = {i for r in rows for i in r["derived"]}
            self._aligned[(link["source"], link["derived"])] = {i for r in rows for i in r["source"]}
        return self._aligned[(x, y)]

    def explains(self, r: str, x: str, y: str) -> bool:
        slack = self.settings.sibling_slack
        return (len(self.aligned(x, y) - self.aligned(x, r)) <= slack
                and len(self.aligned(y, x) - self.aligned(y, r)) <= slack)


def _common_source(edges: dict[frozenset, dict], c: str, a: str, b: str) -> bool:
    """Whether ``c`` is the stored source of both ``a`` and ``b`` (both links name it as their
    source). Only then does it explain the link between them: the graph still shows that a and b
    share text, through c. A link is never removed in favour of a third article that derives from
    one of them, so a link to a true origin stays."""
    ac, bc = edges.get(frozenset((a, c))), edges.get(frozenset((b, c)))
    return bool(ac and bc and ac["source"] == c and bc["source"] == c)


def neighbourhood(store: Store, article_ids: Iterable[str],
                  joined: bool = True) -> tuple[dict[frozenset, dict], dict[str, set[str]]]:
    """The links of the given articles and of their partners: ``(edges, neighbours)``, edges by
    their pair of ids, and each loaded article's linked partners (the partners of partners are
    in ``edges`` without being loaded themselves). ``joined=False`` leaves out the links that
    ``link.families`` joined through a third article: conclusions drawn from other links, which
    must never explain one of those links away."""
    edges: dict[frozenset, dict] = {}
    neighbours: dict[str, set[str]] = {}

    def load(article_id: str) -> None:
        if article_id in neighbours:
            return
        neighbours[article_id] = set()
        for link in store.links(article_id):
            if not joined and link["features"].get("family"):
                continue
            edges[frozenset((link["derived"], link["source"]))] = link
            neighbours[article_id].add(link["source"] if link["derived"] == article_id else link["derived"])

    for a in list(dict.fromkeys(article_ids)):
        load(a)
        for b in list(neighbours[a]):
            load(b)
    return edges, neighbours


def prune_explained(store: Store, article_ids: Iterable[str],
                    settings: Settings | None = None) -> list[tuple[str, str]]:
    """Remove links of the given articles' neighbourhoods that another article explains (rules
    1 and 2 of the module docstring).

    Only triangles touching ``article_ids`` are examined (incremental linking passes the articles
    it just linked). Returns the removed ``(derived, source)`` pairs."""
    settings = settings or Settings()
    # Family links (an earlier run's) neither explain nor are explained: a later run, or an
    # import of the same output again, must prune what the first one pruned.
    edges, neighbours = neighbourhood(store, article_ids, joined=False)
    gone: dict[frozenset, tuple[frozenset, frozenset]] = {}  # removed link -> the two that explain it

    # Rule 1, decided on the graph as loaded (so the order of the edges does not matter): an
    # origin's own links are never the explained edge of its triangles.
    origins = _Origins(store, edges, settings)
    for key in sorted(edges, key=lambda k: sorted(k)):
        x, y = sorted(key)
        if x not in neighbours or y not in neighbours:
            continue
        for r in sorted(neighbours[x] & neighbours[y]):
            if _common_source(edges, r, x, y) and origins.is_origin(r, x, y) and origins.explains(r, x, y):
                gone[key] = (frozenset((x, r)), frozenset((y, r)))
                break
    # Rule 2, weakest first, so that a removed edge never explains another removal.
    for key in sorted(edges, key=lambda k: _strength(edges[k])):
        a, b = tuple(key)
        if key in gone or a not in neighbours or b not in neighbours:
            continue
        weak = _strength(edges[key])
        for c in sorted(neighbours[a] & neighbours[b]):
            ac, bc = frozenset((a, c)), frozenset((b, c))
            if ac in gone or bc in gone or ac not in edges or bc not in edges:
                continue
            if not _common_source(edges, c, a, b):
                continue
            if _strength(edges[ac]) > weak and _strength(edges[bc]) > weak:
                gone[key] = (ac, bc)
                break
    # A link stays when a link that explained it went afterwards (rule 2 removing an edge rule 1
    # kept, or a later triangle's): its two articles would no longer share a stored source, and
    # the graph would not say that they share text (two verbatim copies of one wire story left
    # joined only through two other copies).
    kept = {key for key, (ac, bc) in gone.items() if ac in gone or bc in gone}
    removed: list[tuple[str, str]] = []
    for key in sorted((k for k in gone if k not in kept), key=lambda k: sorted(k)):
        link = edges[key]
        store.delete_link(link["derived"], link["source"])
        removed.append((link["derived"], link["source"]))
    return removed


def _swap_row(row: dict) -> dict:
    role = {"inserted": "omitted", "omitted": "inserted"}.get(row["role"], row["role"])
    detail = row.get("detail")
    if detail and "→" in detail and row["role"] == "altered":  # "number: a → b" reads source → derived
        detail = "; ".join(" → ".join(reversed(part.split(" → ", 1))) if " → " in part else part
                           for part in detail.split("; "))
    return {"derived": row["source"], "source": row["derived"], "role": role, "score": row.get("score"),
            "detail": detail}


def orient_compilations(store: Store, article_ids: Iterable[str]) -> list[tuple[str, str]]:
    """Turn round the undated partial links of an article built from several sources.

    Without dates, a partial link is oriented by coverage, and a source covers more of itself in
    a short passage than the long article that carries it does; but an article two of whose
    *different* passages are found in two other articles compiled them: it is the derived side
    of both links (issue "several sources"). Applies to links of kind ``partial`` and direction
    ``uncertain`` only; dated links keep their dates. Returns the links turned, as
    ``(new derived, new source)``."""
    turned: list[tuple[str, str]] = []
    seeds = list(dict.fromkeys(article_ids))
    around = dict.fromkeys(seeds)
    for article_id in seeds:  # the articles just linked and their partners
        for link in store.links(article_id):
            around[link["source"] if link["derived"] == article_id else link["derived"]] = None
    for article_id in around:
        as_source = [l for l in store.links(article_id)
                     if l["source"] == article_id and l["kind"] == "partial" and l["direction"] == "uncertain"]
        if len(as_source) < 2:
            continue
        alignments = {link["derived"]: store.alignment(link["derived"], link["source"]) for link in as_source}
        spans = {other: {j for r in rows if r["role"] not in _UNALIGNED for j in r["source"]}
                 for other, rows in alignments.items()}
        others = list(spans)
        disjoint = {o for o in others
                    if any(len(spans[o] & spans[p]) <= 1 and spans[o] and spans[p] for p in others if p != o)}
        for link in as_source:
            if link["derived"] not in disjoint:
                continue
            rows = alignments[link["derived"]]
            row = dict(link)
            row.update(derived=article_id, source=link["derived"], derived_coverage=link["source_coverage"],
                       source_coverage=link["derived_coverage"])
            with store.transaction():  # one transaction: the link is turned or left as it was
                store.delete_link(link["derived"], link["source"])
                store.put_link(row, [_swap_row(r) for r in rows], link.get("model") or "", link.get("settings") or {})
            turned.append((article_id, link["derived"]))
    return turned
