"""The links of a store read once, as the propagation analysis needs them.

Every figure of ``unspun.graph`` (outlet graph, stories, communities, roles, profiles, reports,
exports) is computed from one :class:`LinkData`: the articles (outlet, language, publication time,
machine-rewriting artifacts) and the links between them (kind, direction, confidence, coverage,
opinion share), optionally cut to a time window, languages, kinds or outlets. It is read with a few
plain queries (no alignment rows, no vectors), so a store of 100k articles and 300k links loads in
seconds.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..errors import FilterError
from ..store import Store, parse_time

UNKNOWN_OUTLET = "(unknown outlet)"

# An article whose artifact score reaches this carries machine-rewriting artifacts (artifacts.detector
# scores a persona sentence 0.6, assistant talk 0.9; scrape residue alone stays under it).
ARTIFACT_THRESHOLD = 0.5


def to_epoch(value: str | datetime | None) -> float:
    """Seconds since 1970 in UTC, NaN when unknown. A time without a zone is read as UTC."""
    t = parse_time(value) if isinstance(value, str) or value is None else value
    if t is None:
        return math.nan
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp()


def iso(epoch: float) -> str | None:
    """UTC ISO 8601 of an epoch (``None`` for NaN): the one time format of reports and exports."""
    if epoch is None or math.isnan(epoch):
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_filter_time(value: str | None, end: bool = False) -> float | None:
    """A filter's time as a UTC epoch. A bare date means its whole day: its start, or with
    ``end`` (an ``until``) its last second."""
    if value in (None, ""):
        return None
    t = parse_time(value.strip().replace("Z", "+00:00"))
    if t is None:
        raise FilterError(f"Cannot read the time {value!r}")
    if end and _DAY.fullmatch(value.strip()):
        return to_epoch(t) + 86399.0
    return to_epoch(t)


@dataclass(frozen=True)
class Filters:
    """Which part of the store to analyse. Times are UTC epochs (``None``: open; a bare date as
    ``until`` takes in its whole day). An article is
    kept when its publication time is in the window (undated articles only without a window), its
    language and outlet are allowed; a link when both its articles are kept and its kind is allowed."""

    since: float | None = None
    until: float | None = None
    langs: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    outlets: frozenset[str] = frozenset()

    @classmethod
    def of(cls, since: str | None = None, until: str | None = None, langs=(), kinds=(), outlets=()) -> "Filters":
        from ..link.classify import KINDS
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise FilterError(f"Unknown link kind(s): {', '.join(bad)}")
        return cls(parse_filter_time(since), parse_filter_time(until, end=True), frozenset(filter(None, langs)),
                   frozenset(filter(None, kinds)), frozenset(filter(None, outlets)))

    def keeps_time(self, t: float) -> bool:
        if self.since is None and self.until is None:
            return True
        if math.isnan(t):
            return False
        return (self.since is None or t >= self.since) and (self.until is None or t <= self.until)

    def as_dict(self) -> dict:
        return {"since": iso(self.since) if self.since is not None else None,
                "until": iso(self.until) if self.until is not None else None,
                "langs": sorted(self.langs), "kinds": sorted(self.kinds), "outlets": sorted(self.outlets)}


@dataclass(slots=True)
class Link:
    derived: int  # article indices into LinkData.ids
    source: int
    kind: str
    direction: str  # dated | uncertain | common-source
    confidence: float
    derived_coverage: float
    opinion_share: float

    @property
    def directed(self) -> bool:
        """Whether the link says which side came first (a common-source link only says that both
        carry a third text)."""
        return self.direction != "common-source"


@dataclass
class LinkData:
    """Articles and links of a store, as parallel lists indexed by article position."""

    ids: list[str] = field(default_factory=list)
    outlet: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    published: list[float] = field(default_factory=list)  # UTC epoch seconds, NaN when unknown
    artifacts: list[bool] = field(default_factory=list)  # artifact score >= ARTIFACT_THRESHOLD
    persona: list[bool] = field(default_factory=list)  # a persona sentence was found
    links: list[Link] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    index: dict[str, int] = field(default_factory=dict)

    def add_article(self, article_id: str, outlet: str | None, lang: str | None, published: float,
                    artifacts: bool = False, persona: bool = False) -> int:
        self.index[article_id] = len(self.ids)
        self.ids.append(article_id)
        self.outlet.append(outlet or UNKNOWN_OUTLET)
        self.lang.append(lang or "?")
        self.published.append(published)
        self.artifacts.append(artifacts)
        self.persona.append(persona)
        return self.index[article_id]

    def lag_hours(self, link: Link) -> float | None:
        """Hours from the source's publication to the derived one's; ``None`` without both dates
        or for a common-source link."""
        if not link.directed:
            return None
        d, s = self.published[link.derived], self.published[link.source]
        if math.isnan(d) or math.isnan(s):
            return None
        return (d - s) / 3600.0

    @property
    def n_articles(self) -> int:
        return len(self.ids)


def load(store: Store, filters: Filters | None = None) -> LinkData:
    """Read the store's articles and links under ``filters`` (all of them by default)."""
    filters = filters or Filters()
    data = LinkData(filters=filters)
    persona = {r[0] for r in store.db.execute("SELECT DISTINCT article_id FROM artifacts WHERE kind = 'persona'")}
    where, params = [], []
    if filters.langs:
        where.append(f"lang IN ({','.join('?' * len(filters.langs))})")
        params += sorted(filters.langs)
    if filters.outlets:
        # An outlet filter keeps the outlet's articles and those they are linked with.
        marks = ",".join("?" * len(filters.outlets))
        where.append(f"(outlet IN ({marks}) OR id IN (SELECT l.source FROM links l JOIN articles d ON d.id = l.derived"
                     f" WHERE d.outlet IN ({marks})) OR id IN (SELECT l.derived FROM links l JOIN articles s"
                     f" ON s.id = l.source WHERE s.outlet IN ({marks})))")
        params += sorted(filters.outlets) * 3
    sql = "SELECT id, outlet, lang, published, artifact_score FROM articles"
    if where:
        sql += " WHERE " + " AND ".join(where)
    for article_id, outlet, lang, published, score in store.db.execute(sql + " ORDER BY rowid", params):
        t = to_epoch(published)
        if not filters.keeps_time(t):
            continue
        data.add_article(article_id, outlet, lang, t, bool(score is not None and score >= ARTIFACT_THRESHOLD),
                         article_id in persona)
    index = data.index
    for derived, source, kind, direction, confidence, coverage, opinion in store.db.execute(
            "SELECT derived, source, kind, direction, confidence, derived_coverage,"
            " json_extract(features, '$.opinion_share') FROM links ORDER BY derived, source"):
        d, s = index.get(derived), index.get(source)
        if d is None or s is None or (filters.kinds and kind not in filters.kinds):
            continue
        data.links.append(Link(d, s, kind, direction, float(confidence), float(coverage), float(opinion or 0.0)))
    return data
