"""Reports of the propagation analysis: an HTML page and a Markdown file with the same content,
and the figures beside them.

Three scopes: the whole store (optionally a time window), one story (``story=`` any member's id)
or one outlet (``outlet=`` its domain). A report is first laid out as plain sections of blocks
(paragraphs, lists, facts, tables, figures); the two templates only render those blocks, so the
page and the Markdown say the same thing, and every text from the store is escaped by them (HTML
autoescape; Markdown punctuation and HTML characters escaped by the Markdown environment's
``finalize``). The report is written into a fresh directory beside ``out_dir`` and renamed into
place, so an interrupted run leaves the previous report (or none), never half of one::

    summary = write_report(store, "report/", outlet="rt.com")
    summary["index"], summary["figures"]
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import ReportError
from ..store import Store
from . import figures
from .data import UNKNOWN_OUTLET, Filters, iso
from .outlets import ROLES, OutletGraph, median
from .stories import story_of
from .views import hours_text, layout, percent, network_view, outlet_profile, profile_sentences, story_detail, story_list

TEMPLATES = Path(__file__).resolve().parent / "templates"
GENERATOR = "unspun report"
INDEX, MARKDOWN, SUMMARY = "index.html", "report.md", "report.json"
# Rows shown in the report's tables; the full lists are one `unspun outlet` / `unspun stories` away.
ROLE_ROWS = 10
STORY_ROWS = 15
COMMUNITY_ROWS = 20
MEMBER_ROWS = 300
LINK_ROWS = 25
OUTLET_STORY_ROWS = 20
TIMELINE_STORIES = 12  # stories drawn on the whole store's spread figure
NETWORK_NODES = 250  # outlets drawn in the whole store's network (others folded per community)
NETWORK_LABELS = 15
NEIGHBOURS = 30  # outlets drawn around one outlet

Progress = Callable[[str, int, int], None]


# -- the layout of a report ---------------------------------------------------------------------

@dataclass
class Section:
    id: str
    title: str
    blocks: list[dict] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append({"type": "h", "text": text})

    def text(self, text: str) -> None:
        self.blocks.append({"type": "p", "text": text})

    def items(self, items: list[str]) -> None:
        self.blocks.append({"type": "list", "items": items})

    def facts(self, facts: list[tuple[str, str, Any]]) -> None:
        """(key, label, value): shown as label and value; ``key`` names it for machines."""
        self.blocks.append({"type": "facts", "items": [{"key": k, "label": label, "value": _cell(v)}
                                                       for k, label, v in facts]})

    def table(self, key: str, columns: list[str], rows: list[list], total: int | None = None,
              what: str = "rows") -> None:
        note = f"{len(rows)} of {total:,} {what} shown." if total is not None and total > len(rows) else ""
        self.blocks.append({"type": "table", "key": key, "columns": columns,
                            "rows": [[_cell(v) for v in row] for row in rows], "note": note})


@dataclass
class Report:
    scope: str
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    headline: dict = field(default_factory=dict)
    plans: list[tuple[dict, Callable[[Path], None]]] = field(default_factory=list)

    def section(self, key: str, title: str) -> Section:
        self.sections.append(Section(key, title))
        return self.sections[-1]

    def figure(self, section: Section, file: str, title: str, alt: str, draw: Callable[[Path], None]) -> None:
        """A figure of ``section``, drawn into ``file`` when the report is written."""
        block = {"type": "figure", "file": file, "title": title, "alt": alt}
        section.blocks.append(block)
        self.plans.append((block, draw))


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in value.items())
    return str(value)


def _share(x: float | None) -> str | None:
    return None if x is None else percent(x)


def _lag(h: float | None) -> str | None:
    return None if h is None else hours_text(h)


# -- the whole store ----------------------------------------------------------------------------

def _store_report(store: Store, graph: OutletGraph) -> Report:
    data = graph.data
    window = _window(data.filters)
    report = Report("store", "Propagation report", f"{store.path}{window}")
    directed = sum(1 for link in data.links if link.directed)
    lags = [lag for e in graph.edges.values() for lag in e.lags]
    linked = [o for o in graph.outlets.values() if o.copies or o.copied or o.shared]
    known = [o for o in graph.outlets.values() if o.name != UNKNOWN_OUTLET]
    report.headline = {"articles": data.n_articles, "links": len(data.links), "directed_links": directed,
                       "common_source_links": len(data.links) - directed, "dated_links": len(lags),
                       "outlets": len(known), "linked_outlets": len(linked), "stories": len(graph.stories),
                       "communities": len(graph.communities), "languages": len(set(data.lang)),
                       "median_lag_hours": median(lags)}
    head = report.section("headline", "Headline figures")
    head.facts([("articles", "articles", data.n_articles), ("links", "links", len(data.links)),
                ("outlets", "outlets", len(known)), ("linked_outlets", "outlets with links", len(linked)),
                ("stories", "stories", len(graph.stories)), ("communities", "communities", len(graph.communities)),
                ("languages", "languages", len(set(data.lang))),
                ("median_lag", "median lag", _lag(report.headline["median_lag_hours"]))])
    if not data.links:
        head.text(f"The store holds {data.n_articles:,} article(s){window} and no links between them: nothing "
                  "was found derived from anything, so there are no stories, roles or communities to report. "
                  "Link the store first (unspun link), or widen the time window.")
        return report
    head.text(f"{directed:,} of the {len(data.links):,} links say which article came first; "
              f"{len(data.links) - directed:,} only say that two articles carry a common source's text. "
              f"{len(lags):,} links have both articles dated.")
    roles = report.section("roles", "Who launders whom: outlets by role")
    roles.text("Roles are read from each outlet's own figures: an originator's articles derive from no other "
               "outlet and others copy them; a relay copies others in its language close to the letter; a "
               "translator carries them into another language; a spinner rewrites them or inserts opinion or "
               "persona sentences. Why each outlet got its role is in the last column.")
    for role in ROLES[:4]:
        ranked = sorted((o for o in graph.outlets.values() if o.role == role and o.name != UNKNOWN_OUTLET),
                        key=lambda o: (-(o.copied if role == "originator" else o.copies), -o.articles, o.name))
        roles.heading(f"{role.capitalize()}s ({len(ranked):,})")
        if not ranked:
            roles.text(f"No outlet is a {role} here.")
            continue
        rows = []
        for o in ranked[:ROLE_ROWS]:
            d = o.as_dict()
            top = d["top_source"]
            rows.append([o.name, o.articles, percent(o.derived_share), top and f"{top['outlet']} ({percent(top['share'])})",
                         len(o.copiers), o.copied, _lag(d["median_lag_hours"]), o.community, o.role_reason])
        roles.table(f"role-{role}", ["outlet", "articles", "derived", "top source", "copied by (outlets)",
                                     "copied (links)", "median lag", "community", "why"], rows, len(ranked), "outlets")
    _lag_section(report, lags, "lag", "How fast copies follow",
                 "Hours from a source's publication to the derived article's, over every dated link.")
    _language_section(report, _pairs(graph.edges.values()), "languages", "Language flow",
                      "Links from the source's language (rows) to the derived article's (columns).")
    _network_section(report, graph)
    _stories_section(report, graph)
    _communities_section(report, graph)
    return report


def _window(filters: Filters) -> str:
    f = filters.as_dict()
    if not (f["since"] or f["until"]):
        return ""
    return f", articles published {'from ' + f['since'] if f['since'] else ''}" \
           f"{' ' if f['since'] and f['until'] else ''}{'until ' + f['until'] if f['until'] else ''}"


def _pairs(edges) -> dict[str, int]:
    pairs: dict[str, int] = {}
    for e in edges:
        for pair, n in e.languages.items():
            pairs[pair] = pairs.get(pair, 0) + n
    return pairs


def _lag_section(report: Report, lags: list[float], key: str, title: str, about: str) -> None:
    section = report.section(key, title)
    if not lags:
        section.text("No dated links here (both articles need a publication date, and a common-source link "
                     "has no direction): no lags to show.")
        return
    section.text(f"{about} Median {hours_text(median(lags))} over {len(lags):,} links.")
    report.figure(section, f"{key}-histogram.png", title, f"Histogram of {len(lags)} lags in hours",
                  lambda path: figures.lag_histogram(lags, path, title))


def _language_section(report: Report, pairs: dict[str, int], key: str, title: str, about: str) -> None:
    section = report.section(key, title)
    if not pairs:
        section.text("No directed links here: no language flow to show.")
        return
    across = sum(n for p, n in pairs.items() if len(set(p.split("→"))) == 2)
    total = sum(pairs.values())
    section.text(f"{about} {across:,} of {total:,} links ({percent(across / total)}) cross languages.")
    report.figure(section, f"{key}-flow.png", title, "Heatmap of links from source language to derived language",
                  lambda path: figures.language_flow(pairs, path, title))
    rows = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    section.table(f"{key}-pairs", ["source → derived language", "links"], [list(r) for r in rows[:LINK_ROWS]],
                  len(rows), "language pairs")


def _network_section(report: Report, graph: OutletGraph) -> None:
    section = report.section("network", "The outlet network")
    view = network_view(graph, max_nodes=NETWORK_NODES)
    ends = {x for e in view["edges"] for x in (e["source"], e["target"])}
    nodes = [n for n in view["nodes"] if n["id"] in ends]  # outlets without links say nothing of propagation
    shown = sum(1 for n in nodes if not n["aggregate"])
    section.text(f"{view['linked_outlets']:,} outlets have links; the {shown:,} most active are drawn, placed by "
                 f"their links and coloured by community, {view['folded_outlets']:,} smaller ones folded into one "
                 f"hollow node per community. Only the {NETWORK_LABELS} largest are named.")
    report.figure(section, "network.png", "The outlet network, coloured by community",
                  f"Network of {len(nodes)} outlet nodes and {len(view['edges'])} edges",
                  lambda path: figures.network(nodes, view["edges"], path, "Outlets coloured by community",
                                               NETWORK_LABELS))


def _stories_section(report: Report, graph: OutletGraph) -> None:
    data = graph.data
    section = report.section("stories", "The largest stories")
    section.text(f"{len(graph.stories):,} stories (families of linked articles). Each starts at its origin, the "
                 "first-published article that derives from no other; its id is the origin's id.")
    rows = [_story_row(s) for s in story_list(graph, limit=STORY_ROWS)]
    section.table("stories", ["story (origin article)", "origin outlet", "language", "first published", "articles",
                              "outlets", "languages", "spread over", "depth"], rows, len(graph.stories), "stories")
    drawn = []
    for s in graph.stories[:TIMELINE_STORIES]:
        dated = [m for m in s.members if not math.isnan(data.published[m])]
        if dated:
            t0 = min(data.published[m] for m in dated)
            drawn.append((f"{data.outlet[s.origin]} · {s.id[:16]} · {iso(t0)[:10]}",
                          [((data.published[m] - t0) / 3600.0, data.lang[m]) for m in dated]))
    if drawn:
        report.figure(section, "stories.png", "How the largest stories spread",
                      f"Publication times of the articles of {len(drawn)} stories",
                      lambda path: figures.stories_overview(drawn, path, "The articles of the largest stories"))


def _story_row(s: dict) -> list:
    return [s["id"], s["origin_outlet"], s["origin_lang"], s["origin_published"], s["articles"], s["outlets"],
            s["languages"], _lag(s["span_hours"]), s["depth"]]


def _communities_section(report: Report, graph: OutletGraph) -> None:
    section = report.section("communities", "Communities")
    if not graph.communities:
        section.text("No outlets are linked to other outlets: no communities.")
        return
    section.text("Outlets that copy together (Leiden communities of the outlet graph, weighted by links).")
    inside = [0] * len(graph.communities)
    for (s, d), e in graph.edges.items():
        cs, cd = graph.outlets[s].community, graph.outlets[d].community
        if s != d and cs is not None and cs == cd:
            inside[cs] += e.links
    rows = []
    for i, members in enumerate(graph.communities[:COMMUNITY_ROWS]):
        outlets = sorted((graph.outlets[m] for m in members), key=lambda o: (-o.articles, o.name))
        langs: dict[str, int] = {}
        roles: dict[str, int] = {}
        for o in outlets:
            roles[o.role] = roles.get(o.role, 0) + 1
            for lang, n in o.languages.items():
                langs[lang] = langs.get(lang, 0) + n
        top_langs = dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        largest = ", ".join(o.name for o in outlets[:5]) + (f" and {len(outlets) - 5} more" if len(outlets) > 5 else "")
        rows.append([i, len(members), sum(o.articles for o in outlets), inside[i], top_langs,
                     dict(sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))), largest])
    section.table("communities", ["community", "outlets", "articles", "links inside", "languages", "roles",
                                  "largest outlets"], rows, len(graph.communities), "communities")


# -- one story ----------------------------------------------------------------------------------

def _story_report(store: Store, graph: OutletGraph, story_id: str) -> Report:
    detail = story_detail(store, graph, story_id)
    data = graph.data
    story = story_of(graph.stories, data, story_id)
    origin = next(m for m in detail["members"] if m["origin"])
    report = Report("story", f"Story {detail['id']}", f"{store.path}{_window(data.filters)}")
    report.headline = {k: detail[k] for k in ("id", "origin_outlet", "origin_lang", "origin_published", "articles",
                                              "outlets", "links", "languages", "first_published", "last_published",
                                              "span_hours", "depth")}
    head = report.section("origin", "Origin")
    if story_id != detail["id"]:
        head.text(f"The article {story_id} belongs to this story; the story spread from {detail['id']}.")
    head.facts([("origin", "origin article", origin["id"]), ("title", "title", origin["title"]),
                ("outlet", "outlet", origin["outlet"]), ("lang", "language", origin["lang"]),
                ("published", "published", origin["published"] or "unknown"), ("url", "address", origin["url"]),
                ("articles", "articles", detail["articles"]), ("outlets", "outlets", detail["outlets"]),
                ("links", "links", detail["links"]), ("languages", "languages", detail["languages"]),
                ("span", "spread over", _lag(detail["span_hours"])), ("depth", "depth", detail["depth"])])
    timeline = report.section("spread", "Spread")
    dated = [m for m in detail["members"] if m["published"]]
    if not dated:
        timeline.text("No article of this story has a publication date: no timeline to draw.")
    else:
        relative = origin["published"] is not None
        left = len(detail["members"]) - len(dated)
        timeline.text(f"Each article at its publication time ({'hours after the origin' if relative else 'UTC'}), "
                      "one row per outlet; marker by link kind, colour by language, a line to the article it was "
                      "copied from."
                      + (f" {left} undated article(s) are not drawn." if left else ""))
        report.figure(timeline, "spread.png", "Spread over time", f"Timeline of {len(dated)} articles",
                      lambda path: figures.spread_timeline(dated, path, f"Story {detail['id']}"))
    members = report.section("members", "Articles")
    members.table("members", ["article", "title", "outlet", "language", "published", "hours after origin",
                              "copied from", "kind", "depth", "artifacts"],
                  [[m["id"], m["title"], m["outlet"], m["lang"], m["published"], m["hours_after_origin"], m["source"],
                    m["kind"] or ("origin" if m["origin"] else None), m["depth"], m["artifacts"] or m["persona"]]
                   for m in detail["members"][:MEMBER_ROWS]], len(detail["members"]), "articles")
    pairs: dict[str, int] = {}
    lags = []
    for i in story.links:
        link = data.links[i]
        if link.directed:
            pair = f"{data.lang[link.source]}→{data.lang[link.derived]}"
            pairs[pair] = pairs.get(pair, 0) + 1
        lag = data.lag_hours(link)
        if lag is not None:
            lags.append(lag)
    _language_section(report, pairs, "languages", "Language flow",
                      "Links of this story from the source's language (rows) to the derived article's (columns).")
    _lag_section(report, lags, "lag", "Lags", "Hours from source to copy, over this story's dated links.")
    return report


# -- one outlet ---------------------------------------------------------------------------------

def _outlet_report(store: Store, graph: OutletGraph, domain: str) -> Report:
    profile = outlet_profile(store, graph, domain)
    o = graph.outlets[domain]
    report = Report("outlet", f"Outlet {domain}", f"{store.path}{_window(graph.data.filters)}")
    report.headline = {k: profile[k] for k in ("outlet", "articles", "derived_articles", "derived_share",
                                               "top_source", "copies", "copied", "sources", "copiers",
                                               "median_lag_hours", "first_published", "role", "community")}
    head = report.section("profile", "Profile")
    head.items(profile_sentences(graph, domain))
    head.facts([("articles", "articles", o.articles), ("derived_share", "derived from others", percent(o.derived_share)),
                ("top_source", "top source", profile["top_source"] and profile["top_source"]["outlet"]),
                ("median_lag", "median lag", _lag(profile["median_lag_hours"])),
                ("copiers", "copied by (outlets)", len(o.copiers)), ("first_published", "stories originated",
                                                                   o.first_published),
                ("role", "role", o.role), ("community", "community", o.community)])
    sources = report.section("sources", "Where it copies from")
    if profile["copies_from"]:
        sources.table("sources", ["source outlet", "articles", "share of its articles", "links", "kinds", "languages",
                                  "median lag", "inserted text"],
                      [[g["outlet"], g["articles"], _share(g["share"]), g["links"], g["kinds"], g["languages"],
                        _lag(g["median_delay_hours"]), _share(g["inserted_share"])]
                       for g in profile["copies_from"][:LINK_ROWS]], len(profile["copies_from"]), "outlets")
    else:
        sources.text(f"{domain} derives none of its articles from another outlet in the store.")
    copiers = report.section("copiers", "Who copies it")
    if profile["copied_by"]:
        copiers.table("copiers", ["copying outlet", "links", "kinds", "languages", "median lag", "inserted text",
                                  "persona sentences"],
                      [[g["outlet"], g["links"], g["kinds"], g["languages"], _lag(g["median_delay_hours"]),
                        _share(g["inserted_share"]), _share(g["persona_share"])]
                       for g in profile["copied_by"][:LINK_ROWS]], len(profile["copied_by"]), "outlets")
    else:
        copiers.text(f"No other outlet in the store derives from {domain}.")
    _lag_section(report, list(o.lags), "lag", "How fast it copies",
                 f"Hours from the source's publication to {domain}'s copy, over its dated links from other outlets.")
    touching = [e for (s, d), e in graph.edges.items() if s != d and domain in (s, d)]
    _language_section(report, _pairs(touching), "languages", "Language flow",
                      f"Links from and to {domain}, from the source's language (rows) to the derived article's "
                      "(columns).")
    stories = report.section("stories", "Its stories")
    rows = story_list(graph, limit=None, outlet=domain)
    if rows:
        stories.text(f"{domain} has articles in {len(rows):,} stories and is the first publisher of "
                     f"{o.first_published:,}.")
        stories.table("stories", ["story (origin article)", "origin outlet", "language", "first published",
                                  "articles", "outlets", "languages", "spread over", "depth"],
                      [_story_row(s) for s in rows[:OUTLET_STORY_ROWS]], len(rows), "stories")
    else:
        stories.text(f"No article of {domain} is linked to another article.")
    _neighbourhood_section(report, graph, domain)
    return report


def _neighbourhood_section(report: Report, graph: OutletGraph, domain: str) -> None:
    section = report.section("neighbourhood", "Its neighbourhood")
    weight: dict[str, int] = {}
    for (s, d), e in graph.edges.items():
        if s != d and domain in (s, d):
            other = d if s == domain else s
            weight[other] = weight.get(other, 0) + e.links
    for (a, b), n in graph.shared.items():
        if domain in (a, b):
            other = b if a == domain else a
            weight[other] = weight.get(other, 0) + n
    if not weight:
        section.text(f"{domain} shares no link with another outlet.")
        return
    near = sorted(weight, key=lambda x: (-weight[x], x))[:NEIGHBOURS]
    names = sorted([domain, *near])
    keep = set(names)
    nodes = [{"id": n, "articles": graph.outlets[n].articles, "community": graph.outlets[n].community,
              "aggregate": False} for n in names]
    edges = [{"source": s, "target": d, "links": e.links} for (s, d), e in sorted(graph.edges.items())
             if s != d and s in keep and d in keep]
    layout(nodes, edges, seed=11)
    section.text(f"{domain} and the {len(near)} outlet(s) it shares the most links with"
                 + (f" (of {len(weight)})" if len(weight) > len(near) else "") + ", coloured by community.")
    report.figure(section, "neighbourhood.png", "Neighbourhood, coloured by community",
                  f"Network of {domain} and {len(near)} neighbouring outlets",
                  lambda path: figures.network(nodes, edges, path, f"{domain} and its neighbours", NEIGHBOURS + 1,
                                               highlight=domain))


# -- writing ------------------------------------------------------------------------------------

def write_report(store: Store, out_dir: str | Path, *, story: str | None = None, outlet: str | None = None,
                 since: str | None = None, until: str | None = None, progress: Progress | None = None) -> dict:
    """Write a report of the store (or of one ``story``, named by any member's article id, or one
    ``outlet``), under an optional ``since``/``until`` window, into ``out_dir``: ``index.html``,
    ``report.md``, the PNG figures they show and ``report.json`` (the summary returned).

    ``out_dir`` is created if missing; an earlier report there is replaced whole. ``progress``
    is called as ``progress(stage, done, total)`` with stages ``analyse``, ``figures``, ``write``.
    Returns the paths written, the figures and the headline figures. Raises ``StoryNotFound``,
    ``OutletNotFound``, ``FilterError`` (unreadable times) and ``ReportError`` (both a story and
    an outlet, or an ``out_dir`` holding other files), before anything is written."""
    from . import analyse

    if story and outlet:
        raise ReportError("A report is of one story or one outlet, not both",
                          hint="Pass either --story or --outlet (or neither, for the whole store)")
    out = Path(out_dir).expanduser().resolve()
    _check_target(out)
    filters = Filters.of(since=since, until=until)
    tell = progress or (lambda stage, done, total: None)
    tell("analyse", 0, 1)
    graph = analyse(store, filters)
    if story:
        report = _story_report(store, graph, story)
    elif outlet:
        report = _outlet_report(store, graph, outlet)
    else:
        report = _store_report(store, graph)
    tell("analyse", 1, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    work = out.parent / f".{out.name}.unspun-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    try:
        for i, (block, draw) in enumerate(report.plans):
            tell("figures", i, len(report.plans))
            draw(work / block["file"])
        tell("figures", len(report.plans), len(report.plans))
        tell("write", 0, 1)
        summary = _summary(report, graph, out)
        page = {"report": report, "generated_at": summary["generated_at"],
                "filters": graph.data.filters.as_dict()}
        (work / MARKDOWN).write_text(_environment("md").get_template("report.md.j2").render(**page), encoding="utf-8")
        (work / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        (work / INDEX).write_text(_environment("html").get_template("report.html.j2").render(**page), encoding="utf-8")
        _swap(work, out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    tell("write", 1, 1)
    return summary


def _summary(report: Report, graph: OutletGraph, out: Path) -> dict:
    figs = [{"file": b["file"], "title": b["title"], "path": str(out / b["file"])} for b, _ in report.plans]
    return {
        "generator": GENERATOR, "scope": report.scope, "title": report.title,
        "generated_at": iso(datetime.now(timezone.utc).timestamp()), "filters": graph.data.filters.as_dict(),
        "out_dir": str(out), "index": str(out / INDEX), "markdown": str(out / MARKDOWN), "json": str(out / SUMMARY),
        "files": sorted([INDEX, MARKDOWN, SUMMARY] + [f["file"] for f in figs]), "figures": figs,
        "sections": [s.title for s in report.sections], "headline": report.headline,
    }


def _is_report_file(name: str) -> bool:
    return name in (INDEX, MARKDOWN, SUMMARY) or re.fullmatch(r"[a-z0-9-]+\.png", name) is not None


def _check_target(out: Path) -> None:
    """Refuse to replace a directory that holds anything but an earlier report: a mistyped
    ``--out ~`` must not delete a home directory."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ReportError(f"{out} exists and is not a directory")
    entries = list(out.iterdir())
    if not entries:
        return
    try:
        ours = json.loads((out / SUMMARY).read_text(encoding="utf-8")).get("generator") == GENERATOR
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours or not all(e.is_file() and not e.is_symlink() and _is_report_file(e.name) for e in entries):
        raise ReportError(f"{out} holds files that are not an unspun report; refusing to replace them")


def _swap(work: Path, out: Path) -> None:
    """Put the finished report ``work`` in place of ``out``: two renames, so ``out`` is always
    either the old report or the new one (or, between the renames, absent)."""
    if not out.exists():
        os.rename(work, out)
        return
    old = out.parent / f".{out.name}.unspun-old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    os.rename(out, old)
    os.rename(work, out)
    shutil.rmtree(old, ignore_errors=True)


def _remove_stale(out: Path) -> None:
    """Working directories left beside ``out`` by interrupted runs (their process is gone)."""
    for path in out.parent.glob(f".{out.name}.unspun-*"):
        m = re.fullmatch(rf"\.{re.escape(out.name)}\.unspun-(?:old-)?(\d+)-[0-9a-f]{{8}}", path.name)
        if m and path.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def markdown_escape(value: Any) -> str:
    """Text safe inside a Markdown paragraph, list item or table cell: Markdown punctuation
    backslash-escaped, HTML characters as entities, line breaks as spaces (a stored title must
    not start a heading, a table row or raw HTML)."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


_ENVIRONMENTS: dict[str, Environment] = {}


def _environment(kind: str) -> Environment:
    if kind not in _ENVIRONMENTS:
        loader = FileSystemLoader(str(TEMPLATES))
        if kind == "html":
            env = Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)
        else:
            env = Environment(loader=loader, autoescape=False, finalize=markdown_escape, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        _ENVIRONMENTS[kind] = env
    return _ENVIRONMENTS[kind]
