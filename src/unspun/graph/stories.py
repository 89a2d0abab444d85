"""Stories: families of articles joined by links, with the article they spread from.

A story is a connected component of the article link graph (every link counts, a common-source
link included: both copies carry one text). Its **origin** is the article the family spread
from: among the articles that derive from no other article of the story (the roots), the first
published; without dates, the root most articles were derived from. A story's id is its origin's
article id, so ``unspun report --story ID`` takes the origin's id (or any member's: see
:func:`story_of`). How sure the origin is goes with it (``origin_basis``): ``dated`` when it was
published before every other dated member (strictly: a tie is no evidence), ``undated`` when it
is read from the links' directions alone (without dates a direction is the linker's guess), and
``outside`` when the family is joined only by common-source links: its origin is not in the
store, and the story's id is then just its first member's. Each member gets its ``parent`` (the source of its strongest directed link,
``None`` for the origin and for copies joined only by common-source links) and its ``depth``
(links from the origin along parents: 1 for a direct copy, 2 for a copy of a copy).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import igraph as ig

from .data import LinkData, iso


@dataclass
class Story:
    id: str  # the origin article's id
    origin: int  # article index into LinkData
    members: list[int]  # article indices, in publication order (undated last)
    links: list[int]  # indices into LinkData.links
    parent: dict[int, int | None] = field(default_factory=dict)
    depth: dict[int, int | None] = field(default_factory=dict)

    def summary(self, data: LinkData) -> dict:
        times = [data.published[m] for m in self.members if not math.isnan(data.published[m])]
        outlets = {data.outlet[m] for m in self.members}
        langs: dict[str, int] = {}
        for m in self.members:
            langs[data.lang[m]] = langs.get(data.lang[m], 0) + 1
        return {
            "id": self.id, "origin": self.id, "origin_outlet": data.outlet[self.origin],
            "origin_lang": data.lang[self.origin], "origin_published": iso(data.published[self.origin]),
            "articles": len(self.members), "outlets": len(outlets), "links": len(self.links),
            "languages": dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))),
            "first_published": iso(min(times)) if times else None,
            "last_published": iso(max(times)) if times else None,
            "span_hours": round((max(times) - min(times)) / 3600, 2) if times else None,
            "depth": max((d for d in self.depth.values() if d is not None), default=0),
            "origin_basis": self.origin_basis(data),
        }

    def origin_basis(self, data: LinkData) -> str:
        if not any(data.links[i].directed for i in self.links):
            return "outside"
        t0 = data.published[self.origin]
        others = [data.published[m] for m in self.members
                  if m != self.origin and not math.isnan(data.published[m])]
        if not math.isnan(t0) and others and t0 < min(others):
            return "dated"
        return "undated"


def _strength(link) -> tuple:
    return (link.kind == "verbatim", round(link.confidence, 3), link.derived_coverage)


def find_stories(data: LinkData) -> list[Story]:
    """Every story of at least two articles, largest first (then by origin time and id)."""
    n = data.n_articles
    if not data.links:
        return []
    graph = ig.Graph(n=n, edges=[(l.derived, l.source) for l in data.links], directed=False)
    membership = graph.connected_components().membership
    groups: dict[int, list[int]] = {}
    link_groups: dict[int, list[int]] = {}
    for i, link in enumerate(data.links):
        link_groups.setdefault(membership[link.derived], []).append(i)
    for article, component in enumerate(membership):
        if component in link_groups:
            groups.setdefault(component, []).append(article)
    stories = [_story(data, members, link_groups[c]) for c, members in groups.items()]
    stories.sort(key=lambda s: (-len(s.members), _time_key(data, s.origin), s.id))
    return stories


def _time_key(data: LinkData, article: int) -> tuple:
    t = data.published[article]
    return (math.isnan(t), 0.0 if math.isnan(t) else t)


def _story(data: LinkData, members: list[int], link_ids: list[int]) -> Story:
    derived_from: dict[int, list[int]] = {}  # article -> directed links where it is the derived side
    sourced = dict.fromkeys(members, 0)
    for i in link_ids:
        link = data.links[i]
        if link.directed:
            derived_from.setdefault(link.derived, []).append(i)
            sourced[link.source] += 1
    roots = [m for m in members if m not in derived_from] or members
    origin = min(roots, key=lambda m: (*_time_key(data, m), -sourced[m], data.ids[m]))
    parent: dict[int, int | None] = {origin: None}
    for m in members:
        if m != origin:
            best = max(derived_from.get(m, []), key=lambda i: _strength(data.links[i]), default=None)
            parent[m] = data.links[best].source if best is not None else None
    depth: dict[int, int | None] = {}
    for m in members:
        steps, at, seen = 0, m, set()
        while at != origin and at is not None and at not in seen:
            seen.add(at)
            at, steps = parent.get(at), steps + 1
        depth[m] = steps if at == origin else None
    ordered = sorted(members, key=lambda m: (*_time_key(data, m), data.ids[m]))
    return Story(data.ids[origin], origin, ordered, sorted(link_ids), parent, depth)


def story_of(stories: list[Story], data: LinkData, article_id: str) -> Story | None:
    """The story an article belongs to (by the story's id or any member's id)."""
    index = data.index.get(article_id)
    if index is None:
        return None
    for story in stories:
        if story.origin == index or index in story.parent:
            return story
    return None
