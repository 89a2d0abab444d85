"""Synthetic propagation networks with planted structure, for tests and benchmarks.

:func:`generate` writes into a store a network whose truth is known: communities of outlets, each
with a few originators publishing their own articles, relays copying them word for word (some
from other relays: relay chains), translators carrying them into other languages and spinners
rewriting them with opinion and persona sentences; every copier has its own median lag. Noise as
in real crawls: copiers publish some articles of their own, some copies cross communities, some
articles have no date. The articles and links are written as rows (no text to align), so the
analysis of ``unspun.graph`` can be checked against the plant and timed at any size.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from ..store import Store, now
from .data import iso

LANGS = ("en", "fr", "de", "es", "ru", "it", "pt", "uk")
START = 1_735_689_600.0  # 2025-01-01T00:00:00Z


@dataclass
class Plant:
    """The truth of a generated network."""

    community: dict[str, int] = field(default_factory=dict)  # outlet -> planted community
    role: dict[str, str] = field(default_factory=dict)
    median_lag_hours: dict[str, float] = field(default_factory=dict)  # copiers only
    articles: int = 0
    links: int = 0


@dataclass
class _Outlet:
    name: str
    community: int
    role: str
    lang: str
    lag: float = 0.0  # median lag in hours (copiers)
    pick: float = 0.0  # chance to derive an article of a story of its community


def _plan(rng: np.random.Generator, communities: int, relays: int, translators: int, spinners: int,
          independents: int) -> list[_Outlet]:
    outlets: list[_Outlet] = []
    for c in range(communities):
        lang = LANGS[c % len(LANGS)]
        for j in range(1 + int(rng.integers(0, 2))):
            outlets.append(_Outlet(f"origin{j}.c{c}.example", c, "originator", lang))
        n_rel = max(1, relays + int(rng.integers(-1, 2)))
        for j in range(n_rel):
            outlets.append(_Outlet(f"relay{j}.c{c}.example", c, "relay", lang, float(rng.uniform(0.5, 12)),
                                   float(rng.uniform(0.35, 0.8))))
        for j in range(max(1, translators + int(rng.integers(-1, 1)))):
            other = LANGS[(c + 1 + j) % len(LANGS)]
            outlets.append(_Outlet(f"translator{j}.c{c}.example", c, "translator", other,
                                   float(rng.uniform(2, 24)), float(rng.uniform(0.3, 0.7))))
        for j in range(max(1, spinners + int(rng.integers(-1, 1)))):
            outlets.append(_Outlet(f"spinner{j}.c{c}.example", c, "spinner", lang, float(rng.uniform(1, 36)),
                                   float(rng.uniform(0.3, 0.7))))
    for j in range(independents):
        outlets.append(_Outlet(f"independent{j}.example", -1, "independent", LANGS[j % len(LANGS)]))
    return outlets


def generate(store: Store, seed: int = 0, communities: int = 6, stories_per_originator: int = 60,
             relays: int = 4, translators: int = 2, spinners: int = 2, independents: int = 4,
             own_share: float = 0.25, cross_community: float = 0.08, undated: float = 0.02,
             lag_sigma: float = 0.3, kind_noise: float = 0.15, extra_links: float = 0.0,
             days: float = 60.0) -> Plant:
    """Write a planted network into ``store`` (which should be empty) and return its truth.

    own_share: share of a copier's articles that are its own. cross_community: chance that a
    copier's derivation comes from another community's story. kind_noise: chance that a copy is
    made another way than the outlet's role says (a relay's partial copy, a spinner's verbatim
    one, a translator's partial translation). extra_links: mean number of
    further links of a derived article to earlier members of its story (the linker often links a
    copy to its source's source too); raise it to reach three links per article at scale."""
    rng = np.random.default_rng(seed)
    outlets = _plan(rng, communities, relays, translators, spinners, independents)
    plant = Plant()
    for o in outlets:
        plant.community[o.name] = o.community
        plant.role[o.name] = o.role
        if o.lag:
            plant.median_lag_hours[o.name] = round(o.lag, 4)
    by_community: dict[int, list[_Outlet]] = {}
    for o in outlets:
        by_community.setdefault(o.community, []).append(o)
    articles: list[tuple] = []
    links: list[tuple] = []
    persona: list[tuple] = []
    created = now()
    counter = 0

    def add_article(outlet: _Outlet, lang: str, t: float, artifact: float = 0.0) -> str:
        nonlocal counter
        counter += 1
        article_id = f"syn-{counter:07d}"
        published = None if rng.random() < undated else iso(t)
        text = f"Synthetic article {counter} of {outlet.name}."
        articles.append((article_id, hashlib.sha1(text.encode()).hexdigest(), f"https://{outlet.name}/a/{counter}",
                         outlet.name, lang, published, f"Story article {counter}", text, "{}", created, created,
                         artifact))
        return article_id

    def add_link(derived: str, source: str, kind: str, coverage: float, opinion: float, direction: str = "dated"):
        features = json.dumps({"opinion_share": round(opinion, 4)})
        links.append((derived, source, kind, round(float(rng.uniform(0.8, 1.0)), 4), direction, round(coverage, 4),
                      round(float(rng.uniform(0.5, 1.0)), 4), features, "synthetic", "{}", created))

    def lag_of(o: _Outlet) -> float:
        return float(o.lag * np.exp(rng.normal(0.0, lag_sigma)))

    span = days * 86400.0
    copiers_of = {c: [o for o in members if o.role != "originator"] for c, members in by_community.items() if c >= 0}
    # Stories: each originator's articles, derived by copiers of its community (and a few others).
    for c, members in sorted(by_community.items()):
        if c < 0:
            continue
        for origin in [o for o in members if o.role == "originator"]:
            for _ in range(stories_per_originator):
                t0 = START + float(rng.uniform(0, span))
                root = add_article(origin, origin.lang, t0)
                copies: list[tuple[str, _Outlet, float]] = [(root, origin, t0)]
                candidates = list(copiers_of[c])
                for o in candidates:
                    if rng.random() >= o.pick:
                        continue
                    if rng.random() < cross_community:  # this copy comes from another community's story
                        continue
                    _derive(rng, o, copies, add_article, add_link, lag_of, persona, kind_noise)
                # cross-community noise: an outlet of another community picks this story up
                for other_c, others in copiers_of.items():
                    if other_c == c:
                        continue
                    for o in others:
                        if rng.random() < cross_community * o.pick / max(1, len(copiers_of) - 1):
                            _derive(rng, o, copies, add_article, add_link, lag_of, persona, kind_noise)
                for k in range(2, len(copies) if extra_links else 0):
                    derived, _, td = copies[k]
                    for j in rng.choice(k, size=min(k, int(rng.poisson(extra_links))), replace=False):
                        source, _, ts = copies[int(j)]
                        if ts < td:  # (a repeated pair is stored once)
                            add_link(derived, source, "partial", float(rng.uniform(0.5, 0.9)), 0.0)
    # Own articles of copiers and independents.
    planted_derived: dict[str, int] = {}
    for a in articles:
        planted_derived[a[3]] = planted_derived.get(a[3], 0) + 1
    for o in outlets:
        if o.role == "originator":
            continue
        n = planted_derived.get(o.name, 0)
        own = int(round(n * own_share / (1 - own_share))) if o.role != "independent" else stories_per_originator
        for _ in range(own):
            add_article(o, o.lang, START + float(rng.uniform(0, span)))
    with store.transaction():
        store.db.executemany(
            "INSERT INTO articles (id, content_hash, url, outlet, lang, published, title, text, meta, ingested_at,"
            " linked_at, artifact_score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", articles)
        store.db.executemany("INSERT OR IGNORE INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?)", links)
        store.db.executemany("INSERT INTO artifacts (article_id, kind, start, end, text, rule, reason)"
                             " VALUES (?,?,?,?,?,?,?)", persona)
    plant.articles = len(articles)
    plant.links = store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0]
    return plant


def _derive(rng, o: _Outlet, copies: list, add_article, add_link, lag_of, persona: list,
            kind_noise: float) -> None:
    """One derivation of a story by outlet ``o``: from the origin or (relays, translators: a
    third of the time) from an earlier copy, with the outlet's lag and kind."""
    same_lang = [x for x in copies if x[1].lang == o.lang or x[1].role == "originator"]
    if o.role in ("relay", "translator") and len(copies) > 1 and rng.random() < 0.33:
        pool = [x for x in same_lang[1:] if x[1].role == "relay"] or copies[:1]
        parent = pool[int(rng.integers(0, len(pool)))]
    else:
        parent = copies[0]
    source_id, source_outlet, ts = parent
    t = ts + lag_of(o) * 3600.0
    noisy = rng.random() < kind_noise  # a copier does not always work the same way
    if o.role == "relay" and not noisy or o.role == "spinner" and noisy:
        kind, coverage, opinion, artifact = "verbatim", float(rng.uniform(0.93, 1.0)), 0.0, 0.0
    elif o.role == "relay":
        kind, coverage, opinion, artifact = "partial", float(rng.uniform(0.6, 0.9)), 0.0, 0.0
    elif o.role == "translator":
        kind = "partial" if noisy else "translation"
        coverage, opinion, artifact = float(rng.uniform(0.6, 1.0)), 0.0, 0.0
    else:
        kind, coverage, opinion = "rewrite", float(rng.uniform(0.55, 0.85)), float(rng.uniform(0.05, 0.3))
        artifact = 0.6 if rng.random() < 0.5 else 0.0
    derived = add_article(o, o.lang, t, artifact)
    if artifact:
        persona.append((derived, "persona", 0, 10, "As a mother", "synthetic", "planted persona sentence"))
    add_link(derived, source_id, kind, coverage, opinion)
    copies.append((derived, o, t))
