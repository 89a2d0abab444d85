"""The figures of the propagation reports (``unspun.graph.report``), drawn with matplotlib.

Each function draws one figure into a PNG file. Figures are drawn on their own
``matplotlib.figure.Figure`` with an Agg canvas and never through pyplot: the Agg backend is
chosen here for these figures only (no global ``matplotlib.use``, so a notebook importing unspun
keeps its backend), no figure registry grows in a long-running process, and a figure is freed as
soon as it is saved. Output is deterministic: fixed sizes, colours assigned in a fixed order, no
time or version in the PNG metadata.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from matplotlib import colormaps, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .views import hours_text

DPI = 100
WIDTH = 9.0  # inches: 900 px at DPI, the width of the report's column
STYLE = {"font.size": 9, "axes.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False,
         "font.family": "DejaVu Sans", "svg.hashsalt": "unspun"}
# Qualitative colours, enough to tell sixty communities apart (the largest get the clearest ones).
PALETTE = [c for name in ("tab20", "tab20b", "tab20c") for c in colormaps[name].colors]
NO_COMMUNITY = "#9aa0a6"
# Lag bins: minutes to weeks on one readable axis (a copy can come minutes or a month later).
LAG_EDGES = [0.0, 0.25, 1.0, 3.0, 6.0, 12.0, 24.0, 48.0, 168.0, 720.0]
LAG_LABELS = ["< 15 min", "15–60 min", "1–3 h", "3–6 h", "6–12 h", "12–24 h", "1–2 days", "2–7 days",
              "1–4 weeks", "> 4 weeks"]
KIND_MARKERS = {"origin": "*", "verbatim": "o", "partial": "D", "translation": "^", "rewrite": "s", None: "X"}
MAX_LANGUAGES = 20  # languages drawn in a flow matrix; the rest are summed as "other"
MAX_TIMELINE_LABELS = 60  # outlets named on a story timeline's axis
MAX_ARROWS = 150  # edges drawn as arrows; more are drawn as plain lines (arrows become a blur)
MAX_EDGES = 2500  # edges drawn in a network
LEGEND_COMMUNITIES = 12


def colour(i: int | None) -> tuple | str:
    """The colour of community (or language) number ``i``; grey for ``None``."""
    return NO_COMMUNITY if i is None else PALETTE[i % len(PALETTE)]


def language_colours(langs: Iterable[str]) -> dict[str, tuple]:
    """One colour per language, given in order of importance (most articles first)."""
    return {lang: colour(i) for i, lang in enumerate(langs)}


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: str | Path) -> None:
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    fig.clear()


def lag_histogram(lags: Sequence[float], path: str | Path, title: str) -> None:
    """How long after their source the derived articles came out: counts per lag bin (hours),
    with the median. Negative lags (a derived article dated before its source: a wrong date or
    an update) get a bin of their own."""
    values = np.asarray(lags, dtype=float)
    values = values[~np.isnan(values)]
    counts = np.bincount(np.searchsorted(LAG_EDGES, values[values >= 0], side="right") - 1,
                         minlength=len(LAG_EDGES))[:len(LAG_EDGES)]
    labels, heights = list(LAG_LABELS), counts.tolist()
    early = int((values < 0).sum())
    if early:
        labels, heights = ["before source"] + labels, [early] + heights
    with rc_context(STYLE):
        fig = _figure(3.4)
        ax = fig.add_subplot()
        bars = ax.bar(range(len(heights)), heights, color="#7b2cbf", width=0.8)
        ax.bar_label(bars, labels=[f"{h:,}" if h else "" for h in heights], fontsize=8, padding=2)
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        ax.set_ylabel("links")
        median = float(np.median(values)) if len(values) else None
        ax.set_title(f"{title}\n{len(values):,} dated links, median lag {hours_text(median)}", loc="left")
        ax.margins(y=0.15)
        fig.tight_layout()
        _save(fig, path)


def language_matrix(pairs: dict[str, int]) -> tuple[list[str], np.ndarray]:
    """The languages (by links, at most ``MAX_LANGUAGES``, the rest as ``other``) and the matrix
    of links from each source language (rows) to each derived language (columns), from counts
    keyed ``"en→fr"``."""
    totals: dict[str, int] = {}
    for pair, n in pairs.items():
        for lang in pair.split("→"):
            totals[lang] = totals.get(lang, 0) + n
    langs = sorted(totals, key=lambda x: (-totals[x], x))
    if len(langs) > MAX_LANGUAGES:
        langs = langs[:MAX_LANGUAGES - 1] + ["other"]
    at = {lang: i for i, lang in enumerate(langs)}
    matrix = np.zeros((len(langs), len(langs)), dtype=np.int64)
    for pair, n in pairs.items():
        a, b = pair.split("→")
        matrix[at.get(a, len(langs) - 1), at.get(b, len(langs) - 1)] += n
    return langs, matrix


def language_flow(pairs: dict[str, int], path: str | Path, title: str) -> None:
    """Links from source language (rows) to derived language (columns) as a heatmap with the
    counts written in; the diagonal holds copies within one language."""
    langs, matrix = language_matrix(pairs)
    n = len(langs)
    side = min(8.0, 2.6 + 0.3 * n)
    with rc_context(STYLE):
        fig = Figure(figsize=(side + 1.6, side), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        shown = np.where(matrix > 0, matrix, np.nan)
        image = ax.imshow(shown, cmap="Purples", norm=LogNorm(vmin=1, vmax=max(2, int(matrix.max()))),
                          aspect="equal")
        ax.set_xticks(range(n), langs, rotation=90 if n > 10 else 0)
        ax.set_yticks(range(n), langs)
        ax.set_xlabel("derived language")
        ax.set_ylabel("source language")
        ax.spines[:].set_visible(False)
        ax.set_xticks(np.arange(n + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(n + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="#e3e6ea", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
        size = 8 if n <= 10 else 6.5 if n <= 15 else 5.5
        threshold = math.sqrt(max(1, int(matrix.max())))
        for i in range(n):
            for j in range(n):
                if matrix[i, j]:
                    ax.text(j, i, _short(int(matrix[i, j])), ha="center", va="center", fontsize=size,
                            color="white" if matrix[i, j] > threshold else "#1d232b")
        fig.colorbar(image, ax=ax, shrink=0.7, label="links")
        ax.set_title(title, loc="left")
        fig.tight_layout()
        _save(fig, path)


def _short(n: int) -> str:
    return f"{n / 1e6:.1f}M" if n >= 1_000_000 else f"{n / 1e3:.0f}k" if n >= 10_000 else str(n)


def network(nodes: Sequence[dict], edges: Sequence[dict], path: str | Path, title: str, labels: int = 15,
            highlight: str | None = None) -> None:
    """Outlets placed at their ``x``, ``y`` (``network_view``), sized by articles, coloured by
    community; links drawn thicker the more of them (the ``MAX_EDGES`` strongest), with arrows
    from source to copier when there are few; only the ``labels`` largest outlets (and
    ``highlight``) named. Folded nodes (small outlets of a community) are drawn hollow."""
    at = {n["id"]: (n["x"], n["y"]) for n in nodes}
    if len(edges) > MAX_EDGES:  # the strongest links draw the structure; thousands of single links only grey it
        edges = sorted(edges, key=lambda e: (-e["links"], e["source"], e["target"]))[:MAX_EDGES]
    largest = max((n["articles"] for n in nodes), default=1) or 1
    biggest = 420 * min(1.0, math.sqrt(60 / max(1, len(nodes))))  # smaller discs the more outlets share the page
    size = {n["id"]: 10 + biggest * math.sqrt(n["articles"] / largest) for n in nodes}
    with rc_context(STYLE):
        fig = _figure(WIDTH * 0.75)
        ax = fig.add_axes((0.01, 0.01, 0.84, 0.92))
        ax.set_axis_off()
        if len(edges) <= MAX_ARROWS:
            for e in edges:
                ax.annotate("", xy=at[e["target"]], xytext=at[e["source"]], zorder=1,
                            arrowprops={"arrowstyle": "-|>", "color": "#8a8f98", "alpha": 0.6,
                                        "linewidth": 0.4 + 0.4 * math.log1p(e["links"]), "mutation_scale": 9,
                                        "shrinkA": math.sqrt(size[e["source"]]) / 2,
                                        "shrinkB": math.sqrt(size[e["target"]]) / 2 + 1})
        elif edges:
            ax.add_collection(LineCollection([(at[e["source"]], at[e["target"]]) for e in edges],
                                             linewidths=[0.2 + 0.4 * math.log1p(e["links"]) for e in edges],
                                             colors="#8a8f98", alpha=max(0.04, min(0.3, 600 / len(edges))),
                                             zorder=1))
        for hollow in (True, False):
            pick = [n for n in nodes if bool(n.get("aggregate")) is hollow]
            if not pick:
                continue
            colours = [colour(n.get("community")) for n in pick]
            ax.scatter([n["x"] for n in pick], [n["y"] for n in pick], s=[size[n["id"]] for n in pick],
                       c="none" if hollow else colours,
                       edgecolors=colours if hollow else ["#1d232b" if n["id"] == highlight else "white" for n in pick],
                       linewidths=[2.0 if n["id"] == highlight else 0.6 for n in pick], zorder=2)
        named = sorted((n for n in nodes if not n.get("aggregate")), key=lambda n: (-n["articles"], n["id"]))[:labels]
        if highlight in at and all(n["id"] != highlight for n in named):
            named += [n for n in nodes if n["id"] == highlight]
        for n in named:
            off = 0.36 * math.sqrt(size[n["id"]]) + 2  # past the node's edge: a marker of size s is sqrt(s) pt wide
            ax.annotate(n["id"], (n["x"], n["y"]), xytext=(off, off), textcoords="offset points", fontsize=7.5,
                        fontweight="bold" if n["id"] == highlight else "normal", color="#1d232b", zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})
        communities = sorted({n["community"] for n in nodes if n.get("community") is not None})
        handles = [Line2D([], [], marker="o", linestyle="", color=colour(c), label=f"community {c}")
                   for c in communities[:LEGEND_COMMUNITIES]]
        if len(communities) > LEGEND_COMMUNITIES:
            handles.append(Line2D([], [], linestyle="", label=f"and {len(communities) - LEGEND_COMMUNITIES} more"))
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
        if nodes:
            xs, ys = [n["x"] for n in nodes], [n["y"] for n in nodes]
            pad_x, pad_y = 0.04 * (max(xs) - min(xs) or 1), 0.05 * (max(ys) - min(ys) or 1)
            ax.set_xlim(min(xs) - pad_x, max(xs) + 5 * pad_x)  # room for the labels on the right
            ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
        ax.set_title(title, loc="left")
        _save(fig, path)


def spread_timeline(members: Sequence[dict], path: str | Path, title: str) -> None:
    """A story's spread: one row per outlet (in order of first appearance), one marker per
    article at its publication time (hours after the origin when the origin is dated, else UTC
    time); marker by link kind, colour by language, a thin line from each copy to its source.
    ``members`` are ``story_detail`` members; undated ones are left out by the caller."""
    by_id = {m["id"]: m for m in members}
    relative = all(m.get("hours_after_origin") is not None for m in members)
    x = {m["id"]: (m["hours_after_origin"] if relative else _epoch(m["published"]) / 86400.0) for m in members}
    outlets: list[str] = []
    for m in sorted(members, key=lambda m: (x[m["id"]], m["id"])):
        if m["outlet"] not in outlets:
            outlets.append(m["outlet"])
    row = {o: i for i, o in enumerate(outlets)}
    langs = _by_count(m["lang"] for m in members)
    colours = language_colours(langs)
    with rc_context(STYLE):
        fig = _figure(min(14.0, 1.6 + 0.24 * len(outlets)))
        ax = fig.add_subplot()
        segments = [((x[m["source"]], row[by_id[m["source"]]["outlet"]]), (x[m["id"]], row[m["outlet"]]))
                    for m in members if m.get("source") in by_id]
        if segments:
            ax.add_collection(LineCollection(segments, colors="#b8bcc4", linewidths=0.7, zorder=1))
        groups: dict[tuple, list[dict]] = {}
        for m in members:
            kind = "origin" if m.get("origin") else m.get("kind")
            groups.setdefault((kind if kind in KIND_MARKERS else None, m["lang"]), []).append(m)
        for (kind, lang), ms in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
            ax.scatter([x[m["id"]] for m in ms], [row[m["outlet"]] for m in ms], marker=KIND_MARKERS[kind],
                       s=140 if kind == "origin" else 40, color=colours[lang], edgecolors="#1d232b",
                       linewidths=0.4, zorder=2)
        if len(outlets) <= MAX_TIMELINE_LABELS:
            ax.set_yticks(range(len(outlets)), outlets, fontsize=7.5 if len(outlets) > 25 else 9)
        else:
            ax.set_yticks([])
            ax.set_ylabel(f"{len(outlets)} outlets")
        ax.set_ylim(len(outlets) - 0.5, -0.5)
        if relative:
            ax.set_xlabel("hours after the origin")
        else:
            _time_axis(ax)
        ax.grid(axis="x", color="#e3e6ea", linewidth=0.6)
        kinds = [k for k in KIND_MARKERS if any((("origin" if m.get("origin") else m.get("kind")) == k
                                                or (k is None and m.get("kind") not in KIND_MARKERS))
                                               for m in members)]
        handles = [Line2D([], [], marker=KIND_MARKERS[k], linestyle="", color="#5b6270", label=k or "other")
                   for k in kinds]
        handles += [Line2D([], [], marker="o", linestyle="", color=colours[lang], label=lang) for lang in langs[:12]]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False)
        ax.set_title(title, loc="left")
        fig.tight_layout()
        _save(fig, path)


def stories_overview(stories: Sequence[tuple[str, list[tuple[float, str]]]], path: str | Path, title: str) -> None:
    """The largest stories side by side: a row per story (label, then its members as hours
    after the story's first article with their languages), a dot per article coloured by
    language, a line from the first article to the last."""
    langs = _by_count(lang for _, members in stories for _, lang in members)
    colours = language_colours(langs)
    with rc_context(STYLE):
        fig = _figure(1.4 + 0.32 * len(stories))
        ax = fig.add_subplot()
        for i, (_, members) in enumerate(stories):
            if members:
                ax.plot([min(h for h, _ in members), max(h for h, _ in members)], [i, i], color="#b8bcc4",
                        linewidth=1.2, zorder=1)
            for lang in sorted({lang for _, lang in members}):
                hs = [h for h, l in members if l == lang]
                ax.scatter(hs, [i] * len(hs), s=22, color=colours[lang], edgecolors="#1d232b", linewidths=0.3,
                           zorder=2)
        ax.set_yticks(range(len(stories)), [label for label, _ in stories], fontsize=8)
        ax.set_ylim(len(stories) - 0.5, -0.5)
        ax.set_xlabel("hours after the story's first article")
        ax.grid(axis="x", color="#e3e6ea", linewidth=0.6)
        handles = [Line2D([], [], marker="o", linestyle="", color=colours[lang], label=lang) for lang in langs[:12]]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False)
        ax.set_title(title, loc="left")
        fig.tight_layout()
        _save(fig, path)


def _by_count(values: Iterable[str]) -> list[str]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sorted(counts, key=lambda v: (-counts[v], v))


def _epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _time_axis(ax) -> None:
    """Dates on the x axis, whose values are days since 1970 (matplotlib's date numbers), in UTC."""
    locator = AutoDateLocator(tz=timezone.utc)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=timezone.utc))
    ax.set_xlabel("publication time (UTC)")
