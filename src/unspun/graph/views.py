"""What the CLI, the web and the reports show of an outlet graph: outlet profiles, stories,
and the network drawn readably at a thousand outlets (small outlets folded into their community,
positions computed here so the browser only draws)."""
from __future__ import annotations

import math
import random
from typing import Any

import igraph as ig
import numpy as np

from ..errors import OutletNotFound, StoryNotFound
from ..store import Store
from .data import UNKNOWN_OUTLET, iso
from .outlets import OutletGraph, median, percent, _sorted_counts
from .stories import story_of


def hours_text(h: float | None, compact: bool = False, unknown: str = "unknown") -> str:
    """A delay in words: "25 min", "3.6 h", "2.5 days" (``unknown`` when there is none);
    ``compact`` for axis ticks: "0", "3 h", "2 d"."""
    if h is None:
        return unknown
    if compact and h == 0:
        return "0"
    sign = "-" if h < 0 else ""
    v = abs(h)
    if v < 1:
        return f"{sign}{round(v * 60)} min"
    if v < 48:
        return f"{sign}{v:g} h" if compact else f"{sign}{v:.1f} h"
    return f"{sign}{v / 24:g} d" if compact else f"{sign}{v / 24:.1f} days"


# -- outlet profiles ----------------------------------------------------------------------------

def _groups(graph: OutletGraph, domain: str, side: str, articles: int) -> list[dict]:
    out = []
    for (s, d), e in graph.edges.items():
        if s == d or (side == "source" and d != domain) or (side == "target" and s != domain):
            continue
        other = s if side == "source" else d
        figures = e.as_dict()
        row = {"outlet": other, "links": e.links, "kinds": figures["kinds"], "languages": figures["languages"],
               "median_delay_hours": figures["median_lag_hours"], "inserted_share": figures["inserted_share"],
               "persona_share": figures["persona_share"]}
        if side == "source":
            n = graph.outlets[domain].sources.get(other, 0)
            row["articles"], row["share"] = n, round(n / articles, 4) if articles else 0.0
        out.append(row)
    out.sort(key=lambda g: (-g["links"], g["outlet"]))
    return out


def profile_sentences(graph: OutletGraph, domain: str) -> list[str]:
    """The profile in plain words: "copies 78% of its articles from rt.com, median lag 2.0 h, ..."."""
    o = graph.outlets[domain]
    d = o.as_dict()
    lines = []
    if o.derived_articles:
        top = d["top_source"]
        line = f"copies {percent(top['share'])} of its articles from {top['outlet']}"
        if len(o.sources) > 1:
            line += f" ({percent(o.derived_share)} from {len(o.sources)} outlets in all)"
        line += f", median lag {hours_text(d['median_lag_hours'])}"
        lines.append(line)
        pairs: dict[str, int] = {}
        for (s, t), e in graph.edges.items():
            if t == domain and s != domain:
                for pair, n in e.languages.items():
                    a, b = pair.split("→")
                    if a != b:
                        pairs[pair] = pairs.get(pair, 0) + n
        if pairs:
            lines.append("translated " + ", ".join(f"{p} ({n} links)" for p, n in _sorted_counts(pairs).items()))
        if o.persona_articles:
            lines.append(f"persona sentences in {percent(d['persona_share'])} of its derived articles")
        if d["opinion_share"] >= 0.01:
            lines.append(f"inserted opinion {percent(d['opinion_share'])} of its derived text on average")
        if d["inserted_share"] >= 0.05:
            lines.append(f"text of its own {percent(d['inserted_share'])} of its derived articles on average")
    else:
        lines.append(f"derives none of its {o.articles} articles from another outlet in the store")
    if o.copied:
        lines.append(f"copied by {len(o.copiers)} outlet(s) ({o.copied} links); first publisher of "
                     f"{o.first_published} stor{'y' if o.first_published == 1 else 'ies'}")
    lines.append(f"role: {o.role} ({o.role_reason})")
    if o.community is not None:
        peers = [x for x in graph.communities[o.community] if x != domain]
        shown = ", ".join(peers[:5]) + (f" and {len(peers) - 5} more" if len(peers) > 5 else "")
        lines.append(f"community {o.community}" + (f" with {shown}" if peers else ""))
    return lines


def outlet_profile(store: Store, graph: OutletGraph, domain: str, recent: int = 200) -> dict[str, Any]:
    """What an outlet copies, from whom, how fast, in which languages and with what added; who
    copies it; its role and community. Raises ``OutletNotFound`` for an outlet with no article."""
    o = graph.outlets.get(domain)
    if o is None or domain == UNKNOWN_OUTLET:
        raise OutletNotFound(f"No article from outlet {domain!r} in {store.path}")
    data = graph.data
    kinds: dict[str, int] = {}
    derived_ids: set[str] = set()  # its articles derived from another outlet's
    links = []
    for link in data.links:
        so, do = data.outlet[link.source], data.outlet[link.derived]
        if domain not in (so, do):
            continue
        if do == domain and link.directed:
            kinds[link.kind] = kinds.get(link.kind, 0) + 1
            if so != domain:
                derived_ids.add(data.ids[link.derived])
        if len(links) < 1000:
            lag = data.lag_hours(link)
            links.append({"derived": data.ids[link.derived], "source": data.ids[link.source], "kind": link.kind,
                          "direction": link.direction, "confidence": link.confidence, "source_outlet": so,
                          "derived_outlet": do, "delay_hours": round(lag, 2) if lag is not None else None})
    articles = [dict(r) for r in store.db.execute(
        "SELECT id, title, lang, published, url FROM articles WHERE outlet = ?"
        " ORDER BY published IS NULL, published DESC, rowid DESC LIMIT ?", (domain, recent))]
    for a in articles:
        a["derived"] = a["id"] in derived_ids
    d = o.as_dict()
    return {
        **d, "outlet": domain, "copied_share": d["derived_share"], "kinds": _sorted_counts(kinds),
        "median_delay_hours": d["median_lag_hours"],
        "copies_from": _groups(graph, domain, "source", o.articles),
        "copied_by": _groups(graph, domain, "target", o.articles),
        "summary": profile_sentences(graph, domain), "links": links, "recent_articles": articles,
        "stories": [s.summary(data) for s in graph.stories if data.outlet[s.origin] == domain][:50],
    }


# -- stories ------------------------------------------------------------------------------------

def story_list(graph: OutletGraph, limit: int | None = 100, outlet: str | None = None) -> list[dict]:
    data = graph.data
    out = []
    for s in graph.stories:
        if outlet and not any(data.outlet[m] == outlet for m in s.members):
            continue
        out.append(s.summary(data))
        if limit and len(out) >= limit:
            break
    return out


def article_meta(store: Store, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """``{id: (title, url)}`` of stored articles (the analysis holds neither)."""
    meta = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in store.db.execute(f"SELECT id, title, url FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                  chunk):
            meta[r["id"]] = (r["title"], r["url"])
    return meta


def story_detail(store: Store, graph: OutletGraph, story_id: str) -> dict[str, Any]:
    """One story: its origin, every member with its source, kind, lag from the origin and depth,
    and how it spread (outlets, languages) over time. ``story_id`` may be any member's id."""
    data = graph.data
    story = story_of(graph.stories, data, story_id)
    if story is None:
        raise StoryNotFound(f"No story with the article {story_id!r} in {store.path}")
    meta = article_meta(store, [data.ids[m] for m in story.members])
    kind_of: dict[tuple[int, int], tuple[str, float]] = {}
    for i in story.links:
        link = data.links[i]
        kind_of[(link.derived, link.source)] = (link.kind, link.confidence)
    t0 = data.published[story.origin]
    members = []
    for m in story.members:
        parent = story.parent.get(m)
        kind, confidence = kind_of.get((m, parent), (None, None)) if parent is not None else (None, None)
        t = data.published[m]
        members.append({
            "id": data.ids[m], "title": meta.get(data.ids[m], (None, None))[0], "url": meta.get(data.ids[m], (None, None))[1],
            "outlet": data.outlet[m], "lang": data.lang[m], "published": iso(t),
            "origin": m == story.origin, "source": data.ids[parent] if parent is not None else None,
            "kind": kind, "confidence": confidence, "depth": story.depth.get(m),
            "hours_after_origin": (round((t - t0) / 3600, 2) if not (math.isnan(t) or math.isnan(t0)) else None),
            "artifacts": data.artifacts[m], "persona": data.persona[m],
        })
    links = [{"derived": data.ids[data.links[i].derived], "source": data.ids[data.links[i].source],
              "kind": data.links[i].kind, "direction": data.links[i].direction,
              "confidence": data.links[i].confidence} for i in story.links]
    return {**story.summary(data), "members": members, "links_detail": links}


# -- the network, drawn -------------------------------------------------------------------------

def _aggregate_name(community: int | None) -> str:
    return "(small outlets)" if community is None else f"(small outlets of community {community})"


def network_view(graph: OutletGraph, max_nodes: int = 150, community: int | None = None,
                 focus: str | None = None, seed: int = 11) -> dict[str, Any]:
    """The outlet network as the browser draws it: at most ``max_nodes`` outlets by activity
    (links in and out, then articles), the others folded into one node per community; every
    node placed by a seeded Fruchterman-Reingold layout (igraph), in [0, 1]. ``community`` keeps
    one community; ``focus`` keeps an outlet shown whatever its rank."""
    outlets = graph.outlets
    names = [n for n in outlets if community is None or outlets[n].community == community]
    activity = {n: outlets[n].copies + outlets[n].copied + outlets[n].shared for n in names}
    linked = sorted((n for n in names if activity[n]), key=lambda n: (-activity[n], -outlets[n].articles, n))
    unlinked = sorted((n for n in names if not activity[n] and n != UNKNOWN_OUTLET),
                      key=lambda n: (-outlets[n].articles, n))
    shown = linked[:max_nodes]
    if focus and focus in outlets and focus not in shown and (community is None or outlets[focus].community == community):
        shown.append(focus)
    shown += unlinked[:max(0, max_nodes - len(shown))]
    shown_set = set(shown)
    folded: dict[str, str] = {}
    for n in linked:
        if n not in shown_set:
            folded[n] = _aggregate_name(outlets[n].community)
    nodes: dict[str, dict] = {}
    for n in shown:
        d = outlets[n].as_dict()
        nodes[n] = {"id": n, "articles": d["articles"], "langs": sorted(d["languages"]), "known": d["known"],
                    "copies": d["copies"], "copied": d["copied"], "community": d["community"], "role": d["role"],
                    "first_published": d["first_published"], "derived_share": d["derived_share"],
                    "median_lag_hours": d["median_lag_hours"], "aggregate": False, "members": 1}
    for n, agg in folded.items():
        node = nodes.setdefault(agg, {"id": agg, "articles": 0, "langs": [], "known": False, "copies": 0,
                                      "copied": 0, "community": outlets[n].community, "role": "aggregate",
                                      "first_published": 0, "derived_share": None, "median_lag_hours": None,
                                      "aggregate": True, "members": 0})
        node["articles"] += outlets[n].articles
        node["langs"] = sorted(set(node["langs"]) | set(outlets[n].languages))
        node["copies"] += outlets[n].copies
        node["copied"] += outlets[n].copied
        node["first_published"] += outlets[n].first_published
        node["members"] += 1
    edges: dict[tuple[str, str], dict] = {}
    for (s, t), e in graph.edges.items():
        if s == t:
            continue
        a, b = folded.get(s, s), folded.get(t, t)
        if a not in nodes or b not in nodes or a == b:
            continue
        row = edges.get((a, b))
        if row is None:
            row = edges[(a, b)] = {"source": a, "target": b, "links": 0, "kinds": {}, "languages": {}, "_lags": []}
        row["links"] += e.links
        for k, v in e.kinds.items():
            row["kinds"][k] = row["kinds"].get(k, 0) + v
        for k, v in e.languages.items():
            row["languages"][k] = row["languages"].get(k, 0) + v
        row["_lags"] += e.lags
    for row in edges.values():
        row["median_delay_hours"] = median(row.pop("_lags"))
        row["kinds"], row["languages"] = _sorted_counts(row["kinds"]), _sorted_counts(row["languages"])
    order = sorted(nodes)
    layout([nodes[n] for n in order], list(edges.values()), seed)
    communities = {}
    for n in linked:
        c = outlets[n].community
        if c is not None:
            communities[c] = communities.get(c, 0) + 1
    return {
        "filters": {**graph.data.filters.as_dict(), "community": community, "max_nodes": max_nodes, "focus": focus},
        "nodes": [nodes[n] for n in order],
        "edges": sorted(edges.values(), key=lambda e: (e["source"], e["target"])),
        "communities": [{"id": c, "outlets": n} for c, n in sorted(communities.items())],
        "total_outlets": len(linked) + len(unlinked),  # (unknown outlet) among them only when linked
        "linked_outlets": len(linked), "folded_outlets": len(folded),
        "hidden_outlets": len(unlinked) - len([n for n in shown if n in set(unlinked)]),
    }


def layout(nodes: list[dict], edges: list[dict], seed: int) -> None:
    """Seeded Fruchterman-Reingold positions in [0.03, 0.97], written into the nodes as x, y."""
    if not nodes:
        return
    at = {n["id"]: i for i, n in enumerate(nodes)}
    pairs = [(at[e["source"]], at[e["target"]]) for e in edges]
    g = ig.Graph(n=len(nodes), edges=pairs)
    start = np.random.default_rng(seed).uniform(-1, 1, size=(len(nodes), 2)).tolist()
    state = random.getstate()
    previous = ig.set_random_number_generator(random.Random(seed))
    try:
        layout = g.layout_fruchterman_reingold(weights=[1 + math.log1p(e["links"]) for e in edges] or None,
                                               niter=500, seed=start, grid=False)
    finally:
        ig.set_random_number_generator(previous if previous is not None else random)
        random.setstate(state)
    xy = np.asarray(layout.coords, dtype=float)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    xy = 0.03 + 0.94 * (xy - lo) / span
    for n, (x, y) in zip(nodes, xy):
        n["x"], n["y"] = round(float(x), 4), round(float(y), 4)
