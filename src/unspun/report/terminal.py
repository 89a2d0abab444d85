"""Terminal renderings (rich) of traces, links and tables."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..article import Article
from ..changes import count_types

# Change types (unspun.changes) by colour: facts yellow, people red, words said blue, stance magenta.
CHANGE_STYLES = {
    "number": "yellow", "date": "yellow", "name": "red", "pronoun": "red", "quote": "blue",
    "attribution": "blue", "negation": "bold red", "hedge": "magenta", "evaluative": "magenta",
}

ROLE_STYLES = {
    "copied": "white",
    "translated": "cyan",
    "paraphrased": "blue",
    "altered": "bold yellow",
    "inserted": "bold red",
    "omitted": "dim",
    "furniture": "dim italic",
}


def _sentence(article: Article | None, indices: list[int], style: str) -> Text:
    if article is None or not indices:
        return Text("")
    return Text(" ".join(article.sentences[i].text for i in indices if i < len(article.sentences)), style=style)


def render_trace(console: Console, result: dict, article: Article, sources: dict[str, Article],
                 artifacts: dict | None = None, width_limit: int | None = None) -> None:
    """Print a trace: the article, its ranked sources and, for each, the side-by-side alignment."""
    a = result["article"]
    head = Text()
    head.append(a.get("title") or "(untitled)", style="bold")
    head.append(f"\nid {a['id']} · {a.get('lang') or '?'} · {a.get('outlet') or 'unknown outlet'}")
    if a.get("published"):
        head.append(f" · {a['published']}")
    head.append(f" · {a.get('sentences', 0)} sentences")
    console.print(Panel(head, title="trace", border_style="magenta"))
    if artifacts and artifacts.get("artifacts"):
        _render_artifact_list(console, artifacts)
    if not result["sources"]:
        console.print("[bold]No source found.[/bold] No stored article was linked to this one as its source.")
    for rank, src in enumerate(result["sources"], start=1):
        source = sources.get(src["id"])
        cov = src["coverage"]
        console.print(
            f"\n[bold]#{rank} {src['kind']}[/bold] from [bold]{escape(src['id'])}[/bold]"
            f" ({escape(src.get('outlet') or 'unknown outlet')}, {escape(src.get('lang') or '?')})"
            f"  confidence {src['confidence']:.2f} · coverage derived {cov['derived']:.0%} / source {cov['source']:.0%}"
            f" · direction {src['direction']}"
        )
        if src.get("title"):
            console.print(f"   source title: {escape(src['title'])}", highlight=False)
        if src.get("via"):
            console.print(f"   [dim]itself derived from {escape(src['via'])}: likely not the origin[/dim]")
        counts: dict[str, int] = {}
        for row in src["alignment"]:
            counts[row["role"]] = counts.get(row["role"], 0) + 1
        console.print("   " + "  ".join(f"[{ROLE_STYLES[r]}]{r} {n}[/]" for r, n in sorted(counts.items())))
        kinds = count_types(src["alignment"])
        if kinds or src.get("opinion_share"):
            console.print("   changes: " + ("  ".join(f"[{CHANGE_STYLES.get(t, 'yellow')}]{t} {n}[/]" for t, n in kinds) or "none")
                          + (f" · new opinion {src['opinion_share']:.0%} of this article" if src.get("opinion_share") else ""))
        table = Table(show_lines=True, expand=True, pad_edge=False)
        table.add_column("this article", ratio=5)
        table.add_column("role", ratio=1, no_wrap=True)
        table.add_column("source", ratio=5)
        for row in src["alignment"]:
            style = ROLE_STYLES[row["role"]]
            role = Text(row["role"], style=style)
            if row.get("opinion"):
                role.append("\nopinion", style="magenta")
            if row.get("changes"):
                for c in row["changes"]:
                    role.append(f"\n{c['type']}: ", style="bold " + CHANGE_STYLES.get(c["type"], "yellow"))
                    role.append(f"{c['source'] or '—'} → {c['derived'] or '—'}", style=CHANGE_STYLES.get(c["type"], "yellow"))
            elif row.get("detail"):
                role.append("\n" + row["detail"], style="yellow")
            table.add_row(_sentence(article, row["derived"], style), role, _sentence(source, row["source"], style))
        console.print(table)
        changed = [r for r in src["alignment"] if r["role"] == "altered"]
        for row in changed:
            at = ", ".join(str(i) for i in row["derived"])
            for c in row.get("changes") or [{"type": "change", "source": row.get("detail") or "", "derived": "", "reason": ""}]:
                style = CHANGE_STYLES.get(c["type"], "yellow")
                console.print(f"   [bold {style}]{c['type']}[/] in sentence {at}: {escape(c['source'] or '—')} → "
                              f"{escape(c['derived'] or '—')}" + (f" [dim]({escape(c['reason'])})[/dim]" if c.get("reason") else ""),
                              soft_wrap=True, highlight=False)
    if result.get("derived"):
        console.print("\n[bold]Articles derived from this one:[/bold] "
                      + ", ".join(f"{escape(d['id'])} ({d['kind']}, {d['confidence']:.2f})" for d in result["derived"]))


def _render_artifact_list(console: Console, artifacts: dict) -> None:
    table = Table(title=f"machine-rewriting artifacts (score {artifacts.get('score', 0):.2f})", expand=True)
    table.add_column("kind", no_wrap=True, style="bold red")
    table.add_column("text", ratio=4)
    table.add_column("reason", ratio=3)
    for art in artifacts["artifacts"]:
        table.add_row(art["kind"], art["text"], art["reason"])
    console.print(table)


def render_rows(console: Console, rows: list[dict], columns: list[str], title: str | None = None) -> None:
    """A plain table of dict rows."""
    table = Table(title=title)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
    console.print(table)


def render_eval(console: Console, results: list[dict]) -> None:
    """The eval table: one row per corpus, then per-kind figures."""
    table = Table(title="unspun eval")
    for c in ("corpus", "articles", "pairs", "links", "P", "R", "F1", "kind acc", "dir acc", "unrel", "same-story",
              "same-event", "align", "s/article"):
        table.add_column(c, justify="right" if c != "corpus" else "left")

    def f(v):
        return "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    for r in results:
        o = r["overall"]
        table.add_row(
            r["corpus"], f(r["articles"]), f(r["pairs"]), f(r["links"]), f(o["precision"]), f(o["recall"]), f(o["f1"]),
            f(r["kind_accuracy"]), f(r["direction_accuracy"]), f(r["linked_unrelated_rate"]),
            f(r["linked_same_story_rate"]), f(r["linked_same_event_rate"]), f(r.get("alignment_accuracy")),
            f(round((r["seconds"]["ingest"] + r["seconds"]["link"]) / max(1, r["articles"]), 3)),
        )
    console.print(table)
    kinds = Table(title="per kind")
    for c in ("corpus", "kind", "precision", "recall", "f1", "support"):
        kinds.add_column(c)
    for r in results:
        for kind, m in r["per_kind"].items():
            kinds.add_row(r["corpus"], kind, f(m["precision"]), f(m["recall"]), f(m["f1"]), f(m["support"]))
    console.print(kinds)


def render_eval_real(console: Console, r: dict) -> None:
    """The real-world evaluation: headline figures, then recall per kind, phenomenon and cluster,
    then the misses and the wrong links."""
    console.print(
        f"[bold]real-world clusters[/bold] {', '.join(r['clusters'])}: {r['articles']} articles, "
        f"{r['pairs']} pairs scored ({r['dropped_pairs']} without both texts), {r['links']} links")
    console.print(
        f"precision {r['precision']:.3f}  strict recall {r['recall_strict']:.3f}  F1 {r['f1_strict']:.3f}  "
        f"recall (all labels) {r['recall_all']:.3f}  same-event linked {r['same_event_linked']:.4f} "
        f"of {r['same_event_pairs']}")
    table = Table(title="strict recall")
    for c in ("group", "name", "recall", "found", "pairs"):
        table.add_column(c)
    for group in ("per_kind", "per_phenomenon", "per_cluster"):
        for name, m in r[group].items():
            table.add_row(group[4:], name, "—" if m["recall"] is None else f"{m['recall']:.3f}",
                          str(m["found"]), str(m["pairs"]))
    console.print(table)
    if r["missed"]:
        console.print("missed: " + "; ".join(r["missed"]))
    if r["wrong_links"]:
        console.print("wrong links: " + "; ".join(r["wrong_links"]))


def render_eval_changes(console: Console, result: dict) -> None:
    """Precision and recall of the change detector, per type and per language."""
    table = Table(title=f"changes, {result['sample']} sample: {result['items']} pairs in {len(result['languages'])} languages")
    table.add_column("type")
    for col in ("precision", "recall", "found", "wrong", "missed"):
        table.add_column(col, justify="right")
    for kind, r in result["per_type"].items():
        table.add_row(kind, _rate(r["precision"]), _rate(r["recall"]), str(r["tp"]), str(r["fp"]), str(r["fn"]))
    console.print(table)
    by_lang = Table(title="per derived language (precision / recall)")
    by_lang.add_column("lang")
    kinds = list(result["per_type"])
    for kind in kinds:
        by_lang.add_column(kind, justify="right")
    for lang, table_ in result["per_language"].items():
        by_lang.add_row(lang, *(f"{_short(table_[k]['precision'])}/{_short(table_[k]['recall'])}" if k in table_ else "·"
                                for k in kinds))
    console.print(by_lang)
    for title, key in (("wrong claims", "wrong"), ("missed", "missed")):
        if result.get(key):
            console.print(f"[bold]{title}[/bold]: " + ", ".join(escape(x) for x in result[key]), soft_wrap=True)


def _rate(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def _short(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _counts(counter: dict | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in (counter or {}).items())


def render_outlet(console: Console, profile: dict) -> None:
    """An outlet's profile: its figures in words, then whom it copies and who copies it."""
    console.print(f"[bold]{escape(profile['outlet'])}[/bold]: {profile['articles']} articles "
                  f"({_counts(profile['languages'])}), role [bold]{profile['role']}[/bold]"
                  + (f", community {profile['community']}" if profile["community"] is not None else ""))
    for line in profile["summary"]:
        console.print(f"  · {escape(line)}", highlight=False)
    for key, title in (("copies_from", "copies from"), ("copied_by", "copied by")):
        rows = [{**g, "kinds": _counts(g["kinds"]), "languages": _counts(g["languages"]),
                 "median lag (h)": g["median_delay_hours"]} for g in profile[key][:15]]
        if rows:
            render_rows(console, rows, ["outlet", "links", "kinds", "languages", "median lag (h)"], title=title)


def render_story(console: Console, story: dict) -> None:
    """A story: its origin, then every member in publication order with its source and lag."""
    console.print(f"[bold]story {escape(story['id'])}[/bold]: {story['articles']} articles from {story['outlets']}"
                  f" outlets, origin {escape(story['origin_outlet'])} ({story['origin_published'] or 'undated'}),"
                  f" spread over {story['span_hours']} h, languages {_counts(story['languages'])}", highlight=False)
    rows = [{**m, "title": (m["title"] or "")[:60], "hours": m["hours_after_origin"],
             "source": "origin" if m["origin"] else m["source"]} for m in story["members"]]
    render_rows(console, rows, ["hours", "outlet", "lang", "id", "source", "kind", "depth", "title"])
