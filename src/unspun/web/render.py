"""Turn library results into what the templates draw: sentences cut into pieces, each piece
knowing whether it is a machine-rewriting artifact (underlined, with its reason) or a changed fact
(marked). Plain data only; all escaping is the templates' (Jinja2 autoescape)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

from ..article import Article, Sentence
from ..changes import TYPES as CHANGE_TYPES
from ..changes import count_types as change_counts  # noqa: F401 (the trace page's counts)
from ..graph.views import hours_text
from ..report.terminal import ROLE_STYLES

ROLES = tuple(ROLE_STYLES)  # copied, translated, paraphrased, altered, inserted, omitted, furniture
ROLE_HELP = {
    "copied": "same language, mostly the same words",
    "translated": "another language, a close match",
    "paraphrased": "the same content in other words",
    "altered": "aligned, with a change: a figure, date, name, quotation, attribution, negation, hedge, pronoun or loaded word",
    "inserted": "only in this article",
    "omitted": "only in the source",
    "furniture": "page furniture: a caption, credit, byline or share line",
}


def hours(value: float | None, compact: bool = False) -> str:
    """A delay in words, as the reports write it (``graph.views.hours_text``); "—" when unknown."""
    return hours_text(value, compact, unknown="—")


def safe_href(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) link, else None: stored URLs are hostile input too
    (``javascript:`` and ``data:`` must never become links)."""
    if not url or any(ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def path_part(value: Any) -> str:
    """A value as one URL path segment (ids may hold slashes, spaces, anything)."""
    return quote(str(value), safe="")


# -- changed facts -------------------------------------------------------------------------------

def change_spans(text: str, changes: list[dict], side: str) -> list[tuple[int, int, str]]:
    """Spans in ``text`` of the wording each change quotes for ``side`` ("source" or "derived"):
    ``[(start, end, type)]``, found as written (case-insensitively)."""
    spans: list[tuple[int, int, str]] = []
    low = text.lower()
    for c in changes:
        for part in (c.get(side) or "").split(", "):
            part = part.strip()
            if len(part) < 1:
                continue
            at = low.find(part.lower())
            if at >= 0 and not any(a < at + len(part) and at < b for a, b, _ in spans):
                spans.append((at, at + len(part), c["type"]))
    return spans


def parse_detail(detail: str | None) -> dict[str, tuple[set[str], set[str]]]:
    """``"number: 1600000000 → 1800000000; name: kalla → kallu"`` as
    ``{"number": ({source values}, {derived values}), "name": (...)}``."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for part in (detail or "").split("; "):
        m = re.match(r"(\w+): (.*?) → (.*)$", part)
        if m:
            out[m.group(1)] = ({v.strip() for v in m.group(2).split(",")}, {v.strip() for v in m.group(3).split(",")})
    return out


def fact_spans(text: str, facts: dict[str, set[str]], lang: str | None) -> list[tuple[int, int, str]]:
    """Character spans in ``text`` of numbers and names whose normalised value is in ``facts``
    (``{"number": {...}, "name": {...}}``), found with the anchor stage's own normalisation."""
    spans: list[tuple[int, int, str]] = []
    numbers = facts.get("number")
    if numbers:
        from ..text.anchors import figures

        # NFKC only changes a few compatibility characters; spans are taken where it keeps the length.
        probe = unicodedata.normalize("NFKC", text)
        source = probe if len(probe) == len(text) else text
        spans += [(start, end, "number") for _, value, start, end in figures(source) if value in numbers]
    names = facts.get("name")
    if names:
        from ..text.anchors import NAME_PREFIX, transliterate

        for m in re.finditer(r"[^\W\d_][\w'’-]*", text):
            if transliterate(m.group(0))[:NAME_PREFIX] in names:
                spans.append((m.start(), m.end(), "name"))
    return spans


# -- pieces --------------------------------------------------------------------------------------

def pieces(sentence: Sentence, artifacts: list[dict], facts: list[tuple[int, int, str]]) -> list[dict]:
    """A sentence cut at every artifact and fact boundary: ``[{"text", "artifact", "fact"}]``.

    ``artifacts`` hold spans into the article text (``start``/``end``); ``facts`` spans into the
    sentence text."""
    n = len(sentence.text)
    arts = []
    for a in artifacts:
        s, e = a["start"] - sentence.start, a["end"] - sentence.start
        if e > 0 and s < n:
            arts.append((max(0, s), min(n, e), a))
    cuts = sorted({0, n, *(x for s, e, _ in arts for x in (s, e)), *(x for s, e, _ in facts for x in (s, e))})
    out = []
    for s, e in zip(cuts, cuts[1:]):
        if s >= e:
            continue
        art = next((a for a_s, a_e, a in arts if a_s <= s and e <= a_e), None)
        fact = next((k for f_s, f_e, k in facts if f_s <= s and e <= f_e), None)
        out.append({"text": sentence.text[s:e], "artifact": art, "fact": fact})
    return out


def sentence_view(article: Article, index: int, artifacts: list[dict], facts: dict[str, set[str]],
                  changes: list[dict] | None = None, side: str = "derived") -> dict:
    sentence = article.sentences[index]
    if changes:
        spans = change_spans(sentence.text, changes, side)
    else:
        spans = fact_spans(sentence.text, facts, article.lang) if facts else []
    ps = pieces(sentence, artifacts, spans)
    notes, seen = [], set()
    for p in ps:
        a = p["artifact"]
        if a is not None and (a["kind"], a["reason"]) not in seen:
            seen.add((a["kind"], a["reason"]))
            notes.append(a)
    return {"index": index, "pieces": ps, "artifacts": notes}


def alignment_rows(result_source: dict, article: Article, source: Article | None,
                   artifacts: list[dict], source_artifacts: list[dict]) -> list[dict]:
    """The rows of one source's side-by-side alignment, ready to draw."""
    rows = []
    for row in result_source["alignment"]:
        changes = row.get("changes") or []
        facts = {} if changes else parse_detail(row.get("detail"))  # rows stored before changes were
        lost = {k: v[0] for k, v in facts.items()}
        gained = {k: v[1] for k, v in facts.items()}
        derived = [sentence_view(article, i, artifacts, gained, changes, "derived")
                   for i in row["derived"] if i < len(article.sentences)]
        src = ([sentence_view(source, j, source_artifacts, lost, changes, "source")
                for j in row["source"] if j < len(source.sentences)]
               if source is not None else [])
        rows.append({"role": row["role"], "detail": row.get("detail"), "score": row.get("score"),
                     "changes": changes, "change_types": " ".join(sorted({c["type"] for c in changes})),
                     "opinion": bool(row.get("opinion")),
                     "derived": derived, "source": src,
                     "derived_idx": row["derived"], "source_idx": row["source"]})
    return rows


def role_counts(alignment: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in alignment:
        counts[row["role"]] = counts.get(row["role"], 0) + 1
    return [(r, counts[r]) for r in ROLES if r in counts] + sorted(
        (r, n) for r, n in counts.items() if r not in ROLE_STYLES)


def article_sentences(article: Article, artifacts: list[dict]) -> list[dict]:
    """Every sentence of an article with its artifacts underlined, grouped in paragraphs."""
    paragraphs: list[list[dict]] = []
    last = None
    for s in article.sentences:
        if s.paragraph != last:
            paragraphs.append([])
            last = s.paragraph
        paragraphs[-1].append(sentence_view(article, s.index, artifacts, {}))
    return paragraphs


# -- a story's timeline ----------------------------------------------------------------------------

TIMELINE_WIDTH, TIMELINE_LEFT, TIMELINE_RIGHT, TIMELINE_ROW, TIMELINE_TOP = 960, 220, 24, 24, 34
TIMELINE_UNDATED = 90  # the column of members without a date, right of the axis
_TICK_STEPS = (0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720, 1440, 2160, 4320, 8760)


def timeline(story: dict) -> dict:
    """Where a story's timeline draws each member: one row per outlet (the origin's first, the
    others as they joined), x = hours after the origin's publication (undated members in a column
    of their own), a line from each member to the article it derives from. Coordinates are in
    the SVG's own units (``width`` × ``height``)."""
    members = story["members"]
    rows: dict[str, int] = {}
    for m in sorted(members, key=lambda m: not m["origin"]):
        rows.setdefault(m["outlet"], len(rows))
    known = [m["hours_after_origin"] for m in members if m["hours_after_origin"] is not None]
    lo, hi = min([0.0, *known]), max([0.0, *known])
    if hi - lo < 1e-9:
        hi = lo + 1.0
    undated = any(m["hours_after_origin"] is None for m in members)
    right = TIMELINE_WIDTH - TIMELINE_RIGHT - (TIMELINE_UNDATED if undated else 0)
    plot = right - TIMELINE_LEFT

    def x_of(h: float | None) -> float:
        if h is None:
            return TIMELINE_WIDTH - TIMELINE_RIGHT - 35
        return round(TIMELINE_LEFT + (h - lo) / (hi - lo) * plot, 1)

    def y_of(outlet: str) -> float:
        return TIMELINE_TOP + rows[outlet] * TIMELINE_ROW + TIMELINE_ROW / 2

    step = next((s for s in _TICK_STEPS if (hi - lo) / s <= 8), (hi - lo) / 8)
    first = -(-lo // step) * step
    ticks = [{"x": x_of(first + i * step), "label": hours(first + i * step, compact=True)}
             for i in range(int((hi - first) // step) + 1)]
    at = {}
    markers = []
    for m in members:
        point = (x_of(m["hours_after_origin"]), y_of(m["outlet"]))
        at[m["id"]] = point
        kind = "origin" if m["origin"] else (m["kind"] or "shared")
        markers.append({"id": m["id"], "x": point[0], "y": point[1], "kind": kind,
                        "label": f"{m['outlet']} · {m['lang']} · {m['published'] or 'undated'} · {kind}"
                                 + (f" · depth {m['depth']}" if m["depth"] is not None else "")
                                 + f" · {m['title'] or m['id']}"})
    lines = [{"x1": at[m["source"]][0], "y1": at[m["source"]][1], "x2": at[m["id"]][0], "y2": at[m["id"]][1],
              "kind": m["kind"] or "shared"} for m in members if m["source"] in at]
    height = TIMELINE_TOP + len(rows) * TIMELINE_ROW + 8
    return {"width": TIMELINE_WIDTH, "height": height, "left": TIMELINE_LEFT, "right": right,
            "rows": [{"outlet": o, "y": y_of(o)} for o in rows], "ticks": ticks, "markers": markers, "lines": lines,
            "undated_x": x_of(None) if undated else None, "undated_rule": right + 20 if undated else None}
