"""The outlet graph: who launders whom, how fast, in which languages, with what added.

Nodes are outlets (registered domains; articles without one are grouped as ``(unknown outlet)``),
edges run from a source outlet to the outlet that derived articles from it. A link whose direction
is ``common-source`` (two copies of a text the store does not hold) says only that two outlets
share text: it is counted on an undirected ``shared`` edge and in communities, never in lags,
roles or "first publisher" counts. A link between two articles of one outlet (a republication)
is kept as a self edge and left out of what an outlet takes from *others*.

**Communities** are outlets that copy together: Leiden (igraph, modularity, seeded) on the
undirected graph weighted by links. **Roles** are read from an outlet's own figures:

- ``originator``: most of its articles derive from no other outlet, and others copy it;
- ``translator``: most of its articles derive from others, mostly across languages;
- ``spinner``: most derive from others in the same language, rewritten (kind ``rewrite``) or with
  inserted opinion or persona sentences;
- ``relay``: most derive from others in the same language, copied close to the letter;
- ``independent``: mostly its own articles, which nobody copies (in this store).
"""
from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass, field

import igraph as ig

from .data import UNKNOWN_OUTLET, LinkData
from .stories import Story, find_stories

ROLES = ("originator", "relay", "translator", "spinner", "independent")

# Role rules (module docstring). Shares are of an outlet's articles or of its links from others.
DERIVED_MAJORITY = 0.5  # share of an outlet's articles derived from others that makes it a copier
CROSS_LANGUAGE_MAJORITY = 0.5  # share of those links across languages that makes a translator
REWRITE_MAJORITY = 0.5  # share of those links of kind rewrite that makes a spinner
PERSONA_SHARE = 0.25  # share of its derived articles with a persona sentence that makes a spinner
OPINION_SHARE = 0.1  # mean share of inserted opinion in its derived texts that makes a spinner
COMMUNITY_SEED = 7


def percent(x: float) -> str:
    return f"{round(100 * x)}%"


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _quantiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "median": None, "p25": None, "p75": None}
    values = sorted(values)

    def q(p: float) -> float:
        k = (len(values) - 1) * p
        lo, hi = math.floor(k), math.ceil(k)
        return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 2)

    return {"n": len(values), "median": q(0.5), "p25": q(0.25), "p75": q(0.75)}


def _count(counter: dict, key) -> None:
    counter[key] = counter.get(key, 0) + 1


def _sorted_counts(counter: dict) -> dict:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))


@dataclass(slots=True)
class Edge:
    """Links from one source outlet to one derived outlet."""

    source: str
    target: str
    links: int = 0
    kinds: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)  # "en→fr": links
    lags: list = field(default_factory=list)  # hours, dated links only
    inserted: list = field(default_factory=list)  # 1 - derived coverage, per link
    opinion: list = field(default_factory=list)
    artifacts: int = 0  # links whose derived article carries machine-rewriting artifacts
    persona: int = 0

    def as_dict(self, with_lags: bool = False) -> dict:
        out = {"source": self.source, "target": self.target, "links": self.links,
               "kinds": _sorted_counts(self.kinds), "languages": _sorted_counts(self.languages),
               "lag_hours": _quantiles(self.lags), "median_lag_hours": median(self.lags),
               "inserted_share": round(sum(self.inserted) / len(self.inserted), 4) if self.inserted else 0.0,
               "opinion_share": round(sum(self.opinion) / len(self.opinion), 4) if self.opinion else 0.0,
               "artifact_share": round(self.artifacts / self.links, 4) if self.links else 0.0,
               "persona_share": round(self.persona / self.links, 4) if self.links else 0.0}
        if with_lags:
            out["lags"] = [round(x, 3) for x in self.lags]
        return out


@dataclass(slots=True)
class Outlet:
    name: str
    articles: int = 0
    languages: dict = field(default_factory=dict)
    derived_articles: int = 0  # its articles derived from another outlet's
    source_articles: int = 0  # its articles another outlet derived from
    first_published: int = 0  # stories it originated
    copies: int = 0  # links from other outlets into it
    copied: int = 0  # links from it into other outlets
    sources: dict = field(default_factory=dict)  # outlet -> its articles derived from that outlet
    copiers: dict = field(default_factory=dict)  # outlet -> links
    cross_language: int = 0
    rewrites: int = 0
    lags: list = field(default_factory=list)
    inserted: list = field(default_factory=list)
    opinion: list = field(default_factory=list)
    artifact_articles: int = 0  # of its derived articles
    persona_articles: int = 0
    shared: int = 0  # common-source links with other outlets
    community: int | None = None
    role: str = "independent"
    role_reason: str = ""

    @property
    def derived_share(self) -> float:
        return self.derived_articles / self.articles if self.articles else 0.0

    def share(self, part: float, whole: float) -> float:
        return round(part / whole, 4) if whole else 0.0

    def as_dict(self) -> dict:
        top = max(self.sources.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        return {
            "id": self.name, "outlet": self.name, "known": self.name != UNKNOWN_OUTLET,
            "articles": self.articles, "languages": _sorted_counts(self.languages),
            "derived_articles": self.derived_articles, "source_articles": self.source_articles,
            "original_articles": self.articles - self.derived_articles,
            "original_share": round(1 - self.derived_share, 4), "derived_share": round(self.derived_share, 4),
            "first_published": self.first_published, "copies": self.copies, "copied": self.copied,
            "sources": len(self.sources), "copiers": len(self.copiers),
            "top_source": ({"outlet": top[0], "articles": top[1], "share": self.share(top[1], self.articles)}
                           if top else None),
            "translated_share": self.share(self.cross_language, self.copies),
            "rewrite_share": self.share(self.rewrites, self.copies),
            "median_lag_hours": median(self.lags),
            "inserted_share": round(sum(self.inserted) / len(self.inserted), 4) if self.inserted else 0.0,
            "opinion_share": round(sum(self.opinion) / len(self.opinion), 4) if self.opinion else 0.0,
            "artifact_share": self.share(self.artifact_articles, self.derived_articles),
            "persona_share": self.share(self.persona_articles, self.derived_articles),
            "shared": self.shared, "community": self.community, "role": self.role, "role_reason": self.role_reason,
        }


@dataclass
class OutletGraph:
    data: LinkData
    outlets: dict[str, Outlet]
    edges: dict[tuple[str, str], Edge]
    shared: dict[tuple[str, str], int]  # common-source links between two outlets (sorted pair)
    stories: list[Story]
    communities: list[list[str]]  # largest first; community i of an outlet is Outlet.community

    def as_dict(self, with_lags: bool = False) -> dict:
        return {
            "filters": self.data.filters.as_dict(),
            "articles": self.data.n_articles, "links": len(self.data.links),
            "outlets": [o.as_dict() for o in sorted(self.outlets.values(), key=lambda o: (-o.articles, o.name))],
            "edges": [e.as_dict(with_lags) for e in sorted(self.edges.values(), key=lambda e: (-e.links, e.source, e.target))],
            "shared": [{"a": a, "b": b, "links": n} for (a, b), n in sorted(self.shared.items())],
            "communities": [{"id": i, "outlets": len(c), "members": c} for i, c in enumerate(self.communities)],
            "stories": len(self.stories),
        }


def build(data: LinkData, seed: int = COMMUNITY_SEED) -> OutletGraph:
    """The outlet graph of ``data`` with its stories, communities and roles."""
    outlets: dict[str, Outlet] = {}
    for i in range(data.n_articles):
        o = outlets.get(data.outlet[i])
        if o is None:
            o = outlets[data.outlet[i]] = Outlet(data.outlet[i])
        o.articles += 1
        _count(o.languages, data.lang[i])
    edges: dict[tuple[str, str], Edge] = {}
    shared: dict[tuple[str, str], int] = {}
    derived_from: dict[int, set[str]] = {}  # article -> the other outlets it derives from
    sources_of_others: set[int] = set()  # articles another outlet derived from
    outlet_of, lang_of, published = data.outlet, data.lang, data.published
    artifacts, persona = data.artifacts, data.persona
    for link in data.links:  # (the hot loop of an analysis: 300k links in about a second)
        so, do = outlet_of[link.source], outlet_of[link.derived]
        if link.direction == "common-source":
            if so != do:
                key = (so, do) if so < do else (do, so)
                shared[key] = shared.get(key, 0) + 1
                outlets[so].shared += 1
                outlets[do].shared += 1
            continue
        edge = edges.get((so, do))
        if edge is None:
            edge = edges[(so, do)] = Edge(so, do)
        edge.links += 1
        kinds = edge.kinds
        kinds[link.kind] = kinds.get(link.kind, 0) + 1
        ls, ld = lang_of[link.source], lang_of[link.derived]
        pair = f"{ls}→{ld}"
        edge.languages[pair] = edge.languages.get(pair, 0) + 1
        lag = (published[link.derived] - published[link.source]) / 3600.0  # NaN when either is undated
        inserted = 1.0 - link.derived_coverage if link.derived_coverage < 1.0 else 0.0
        if lag == lag:
            edge.lags.append(lag)
        edge.inserted.append(inserted)
        edge.opinion.append(link.opinion_share)
        edge.artifacts += artifacts[link.derived]
        edge.persona += persona[link.derived]
        if so == do:
            continue
        target, source = outlets[do], outlets[so]
        target.copies += 1
        source.copied += 1
        source.copiers[do] = source.copiers.get(do, 0) + 1
        target.cross_language += ls != ld
        target.rewrites += link.kind == "rewrite"
        if lag == lag:
            target.lags.append(lag)
        target.inserted.append(inserted)
        target.opinion.append(link.opinion_share)
        derived_from.setdefault(link.derived, set()).add(so)
        sources_of_others.add(link.source)
    for article in sources_of_others:
        outlets[outlet_of[article]].source_articles += 1
    for article, sources in derived_from.items():
        o = outlets[data.outlet[article]]
        o.derived_articles += 1
        o.artifact_articles += data.artifacts[article]
        o.persona_articles += data.persona[article]
        for s in sources:
            o.sources[s] = o.sources.get(s, 0) + 1
    stories = find_stories(data)
    for story in stories:
        outlets[data.outlet[story.origin]].first_published += 1
    communities = _communities(outlets, edges, shared, seed)
    for o in outlets.values():
        o.role, o.role_reason = role_of(o)
    return OutletGraph(data, outlets, edges, shared, stories, communities)


def _communities(outlets: dict[str, Outlet], edges: dict, shared: dict, seed: int) -> list[list[str]]:
    """Leiden communities (modularity) of the linked outlets; sets ``Outlet.community``."""
    weights: dict[tuple[str, str], float] = {}
    for (s, d), e in edges.items():
        if s != d:
            key = (s, d) if s < d else (d, s)
            weights[key] = weights.get(key, 0) + e.links
    for key, n in shared.items():
        weights[key] = weights.get(key, 0) + n
    if not weights:
        return []
    names = sorted({x for key in weights for x in key})
    at = {name: i for i, name in enumerate(names)}
    keys = sorted(weights)
    graph = ig.Graph(n=len(names), edges=[(at[a], at[b]) for a, b in keys])
    state = random.getstate()
    previous = ig.set_random_number_generator(random.Random(seed))
    try:
        parts = graph.community_leiden(objective_function="modularity", weights=[weights[k] for k in keys],
                                       n_iterations=-1)
    finally:
        ig.set_random_number_generator(previous if previous is not None else random)
        random.setstate(state)
    groups: dict[int, list[str]] = {}
    for i, c in enumerate(parts.membership):
        groups.setdefault(c, []).append(names[i])
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    for number, members in enumerate(ordered):
        for name in members:
            outlets[name].community = number
    return [sorted(m) for m in ordered]


def role_of(o: Outlet) -> tuple[str, str]:
    """An outlet's role and the figures that decided it (module docstring)."""
    articles = f"{o.articles} article" + ("s" if o.articles != 1 else "")
    if o.derived_share < DERIVED_MAJORITY:
        own = f"{percent(1 - o.derived_share)} of its {articles} derive{'s' if o.articles == 1 else ''} from no other outlet"
        if o.copied:
            return "originator", f"{own}; {len(o.copiers)} outlet(s) derived {o.copied} article(s) from it"
        return "independent", f"{own}, and no other outlet in the store derives from it"
    took = f"{percent(o.derived_share)} of its {articles} derive{'s' if o.articles == 1 else ''} from other outlets"
    cross = o.cross_language / o.copies if o.copies else 0.0
    if cross >= CROSS_LANGUAGE_MAJORITY:
        return "translator", f"{took}; {percent(cross)} of those links cross languages"
    rewrite = o.rewrites / o.copies if o.copies else 0.0
    persona = o.persona_articles / o.derived_articles if o.derived_articles else 0.0
    opinion = sum(o.opinion) / len(o.opinion) if o.opinion else 0.0
    if rewrite >= REWRITE_MAJORITY or persona >= PERSONA_SHARE or opinion >= OPINION_SHARE:
        why = [f"{percent(rewrite)} rewritten"] if rewrite >= REWRITE_MAJORITY else []
        why += [f"persona sentences in {percent(persona)}"] if persona >= PERSONA_SHARE else []
        why += [f"{percent(opinion)} inserted opinion"] if opinion >= OPINION_SHARE else []
        return "spinner", f"{took}, in the same language; {', '.join(why)}"
    return "relay", f"{took}, in the same language, copied close to the letter ({percent(rewrite)} rewritten)"
