"""What the web pages show, as plain data: one function per question, over one ``Store``.

The web layer (``unspun.web.app``) only renders what these return, as HTML or JSON. The trace
functions are the ones the CLI's ``trace`` runs, so one article gets one answer in both:
``resolve_target`` + ``trace_article`` is exactly ``unspun trace FILE_OR_ID --json``.

Search uses a full-text index of its own (``web_fts``, SQLite FTS5) that lives beside the store's
tables and is brought up to date before every search; it is derived data, safe to drop.
"""
from __future__ import annotations

import re
import sqlite3
import statistics
import tempfile
from pathlib import Path
from typing import Any

from ..article import Article
from ..errors import ArticleNotFound, RejectedInput
from ..settings import Settings
from ..store import Store, parse_time

LINK_KINDS = ("verbatim", "translation", "rewrite", "partial")


# -- trace --------------------------------------------------------------------------------------

def load_for_trace(store: Store, article_id: str, settings: Settings) -> Article:
    """A stored article with the vectors of the configured encoder.

    An article stored without them (two-tier ingest, ``embed_on_ingest`` false, or another
    encoder) is embedded now and its vectors are written to the store (``ensure_vectors``).

    Raises:
        ArticleNotFound: no article has that id.
    """
    from ..embed import encoder_model_id
    from ..embed.vectors import ensure_vectors

    article = store.get_article(article_id, encoder_model_id(settings.encoder))
    ensure_vectors(article, settings, store)
    return article


def store_records(store: Store, records: list, name: str, settings: Settings) -> str:
    """Store the first record read from one input and return its article id.

    Args:
        records: what a reader yielded (Articles or Rejections).
        name: the input's name, for the store's ``rejected`` table and messages.
    Raises:
        RejectedInput: the input holds no article, or it was rejected (the rejection is recorded).
    """
    from ..ingest import Rejection
    from ..pipeline import store_article

    if not records:
        raise RejectedInput("no-text", f"{name}: no article found in the input")
    record = records[0]
    if isinstance(record, Rejection):
        store.reject(record.input, record.reason, record.message)
        raise RejectedInput(record.reason, f"{name} was rejected: {record.message}")
    try:
        _status, article_id = store_article(record, store, settings)
    except RejectedInput as exc:
        store.reject(name, exc.reason, str(exc))
        raise
    return article_id


def resolve_target(store: Store, target: str, settings: Settings) -> Article:
    """What ``unspun trace TARGET`` traces: a file (ingested and stored first) or a stored id.

    Returns the article with vectors. Raises ``RejectedInput`` or ``ArticleNotFound``."""
    from ..ingest import read_path

    path = Path(target)
    if path.is_file():
        article_id = store_records(store, list(read_path(path, settings)), target, settings)
    elif store.has_article(target):
        article_id = target
    else:
        raise ArticleNotFound(f"{target!r} is neither a file nor an article id in {store.path}")
    return load_for_trace(store, article_id, settings)


def ingest_text(store: Store, text: str, settings: Settings, title: str | None = None,
                lang: str | None = None) -> str:
    """Store pasted text as an article and return its id.

    Without ``title`` the text is read as a ``.txt`` file is (first line the title), so pasting a
    file's content gives the same article, id and trace as ``unspun trace FILE``. ``lang`` declares
    the language instead of detecting it.
    """
    from ..ingest import check_text
    from ..ingest.text import article_from_text

    name = "pasted text"
    try:
        if title is not None and title.strip():
            article = Article(text=check_text(text, settings).strip("\n"), title=title.strip(), lang=lang or None)
        else:
            article = article_from_text(text, settings)
            if lang:
                article.lang = lang
    except RejectedInput as exc:
        store.reject(name, exc.reason, str(exc))
        raise
    return store_records(store, [article], name, settings)


_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def ingest_upload(store: Store, filename: str, data: bytes, settings: Settings) -> str:
    """Store an uploaded file as an article and return its id.

    The bytes are written to a private temporary folder under a sanitised name with the original
    suffix and read by the same readers as ``unspun ingest`` (so the id is the one the CLI would
    give the same file). Nothing in the file is ever executed. Raises ``RejectedInput``.
    """
    from ..ingest import read_path

    base = Path(filename or "upload.txt").name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = _UNSAFE_NAME.sub("-", stem).strip("-.")[:60] or "upload"
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix or ""):
        suffix = ".txt"
    with tempfile.TemporaryDirectory(prefix="unspun-upload-") as folder:
        path = Path(folder) / f"{stem}{suffix}"
        path.write_bytes(data)
        records = list(read_path(path, settings))
        for record in records:  # the temporary path means nothing once the folder is gone
            if isinstance(record, Article):
                record.source_path = (record.source_path or str(path)).replace(str(path), base)
            else:
                record.input = record.input.replace(str(path), base)
        return store_records(store, records, base, settings)


def trace_article(store: Store, article: Article, settings: Settings, limit: int = 5) -> dict[str, Any]:
    """The ``unspun trace --json`` result for a stored article: its ranked sources with alignments
    (``unspun.link.trace``), plus ``"artifacts": {"score", "artifacts"}`` found in it."""
    from ..link import trace

    result = trace(store, article, settings, limit=limit)
    # the store puts the article's artifact score in its meta when it loads it
    result["artifacts"] = {"score": article.meta.get("artifact_score"), "artifacts": store.artifacts(article.id)}
    return result


# -- articles -----------------------------------------------------------------------------------

def article_detail(store: Store, article_id: str) -> dict[str, Any]:
    """An article with its sentences, artifacts and links (as derived and as source).

    Raises ``ArticleNotFound``."""
    article = store.get_article(article_id)
    row = store.db.execute("SELECT artifact_score, ingested_at, source_path FROM articles WHERE id = ?",
                           (article_id,)).fetchone()
    titles = {}
    links = store.links(article_id)
    others = {l["source"] if l["derived"] == article_id else l["derived"] for l in links}
    for other in others:
        r = store.db.execute("SELECT title, outlet, lang, published FROM articles WHERE id = ?", (other,)).fetchone()
        titles[other] = dict(r) if r else {}

    def link_row(l: dict, other: str) -> dict:
        return {"id": other, **titles.get(other, {}), "kind": l["kind"], "confidence": l["confidence"],
                "direction": l["direction"], "coverage": {"derived": l["derived_coverage"],
                                                          "source": l["source_coverage"]}}

    return {
        "article": {**article.summary(), "text": article.text, "artifact_score": row["artifact_score"],
                    "ingested_at": row["ingested_at"]},
        "sentences": [{"index": s.index, "start": s.start, "end": s.end, "paragraph": s.paragraph,
                       "quoted": s.quoted, "text": s.text} for s in article.sentences],
        "artifacts": store.artifacts(article_id),
        "sources": [link_row(l, l["source"]) for l in links if l["derived"] == article_id],
        "derived": [link_row(l, l["derived"]) for l in links if l["source"] == article_id],
    }


# -- search -------------------------------------------------------------------------------------

_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"  # snippet highlight markers; never in stored text
_TOKEN = re.compile(r'"([^"]+)"|([^\s"]+)')


def _fts_available(db: sqlite3.Connection) -> bool:
    try:
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp._unspun_fts_probe USING fts5(x)")
        db.execute("DROP TABLE IF EXISTS temp._unspun_fts_probe")
        return True
    except sqlite3.OperationalError:
        return False


def sync_search_index(store: Store) -> bool:
    """Bring the ``web_fts`` full-text index up to date with ``articles``; False without FTS5.

    The index uses the articles' rowids. Articles are only ever added (or deleted whole), so new
    rows are appended; any other difference (deletions, a VACUUM that renumbered rowids) rebuilds it.
    """
    db = store.db
    if not _fts_available(db):
        return False
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS web_fts USING fts5("
               "id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')")
    n_art, max_art = db.execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM articles").fetchone()
    n_fts, max_fts = db.execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM web_fts").fetchone()
    if (n_art, max_art) == (n_fts, max_fts) and _same_last(db, max_art):
        return True
    with store.transaction():
        if max_fts <= max_art and _same_last(db, max_fts):
            db.execute("INSERT INTO web_fts (rowid, id, title, text) SELECT rowid, id, COALESCE(title, ''), text"
                       " FROM articles WHERE rowid > ?", (max_fts,))
        n_fts, max_fts = db.execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM web_fts").fetchone()
        if (n_art, max_art) != (n_fts, max_fts) or not _same_last(db, max_art):
            db.execute("DELETE FROM web_fts")
            db.execute("INSERT INTO web_fts (rowid, id, title, text) SELECT rowid, id, COALESCE(title, ''), text"
                       " FROM articles")
    return True


def _same_last(db: sqlite3.Connection, rowid: int) -> bool:
    if rowid == 0:
        return True
    a = db.execute("SELECT id FROM articles WHERE rowid = ?", (rowid,)).fetchone()
    f = db.execute("SELECT id FROM web_fts WHERE rowid = ?", (rowid,)).fetchone()
    return a is not None and f is not None and a[0] == f[0]


def fts_query(q: str) -> str:
    """A user's query as a safe FTS5 expression: every word and "quoted phrase" must occur.

    FTS5 syntax (AND, NEAR, column filters, stray quotes) is never passed through, so no query
    can be a syntax error."""
    parts = []
    for phrase, word in _TOKEN.findall(q):
        term = (phrase or word).strip()
        words = re.findall(r"\w+", term)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " ".join(parts)


def search(store: Store, q: str = "", outlet: str | None = None, lang: str | None = None,
           date_from: str | None = None, date_to: str | None = None, kind: str | None = None,
           limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Articles matching a full-text query and filters, best match first (newest first without a query).

    Args:
        q: words and "quoted phrases", all required; empty matches every article.
        outlet, lang: exact values. date_from, date_to: ISO dates, inclusive, on ``published``.
        kind: ``verbatim``/``translation``/``rewrite``/``partial`` (the article is the derived side
            of a link of that kind), ``any`` (of any link), ``none`` (of no link), ``source``
            (the article is the source of some link).
    Returns:
        ``{"query", "total", "results": [{id, title, outlet, lang, published, url, snippet, ...}]}``.
    Raises:
        ValueError: an unknown kind or a malformed date.
    """
    where, params = [], []
    if outlet:
        where.append("a.outlet = ?")
        params.append(outlet)
    if lang:
        where.append("a.lang = ?")
        params.append(lang)
    for value, op, name in ((date_from, ">=", "from"), (date_to, "<", "to")):
        if value:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or parse_time(value) is None:
                raise ValueError(f"{name} needs a date as YYYY-MM-DD, got {value!r}")
            # published is stored as ISO text; "to" is inclusive of the whole day
            where.append(f"a.published {op} ?")
            params.append(value if op == ">=" else value + "T99")
    if kind:
        if kind in LINK_KINDS:
            where.append("EXISTS (SELECT 1 FROM links l WHERE l.derived = a.id AND l.kind = ?)")
            params.append(kind)
        elif kind == "any":
            where.append("EXISTS (SELECT 1 FROM links l WHERE l.derived = a.id)")
        elif kind == "none":
            where.append("NOT EXISTS (SELECT 1 FROM links l WHERE l.derived = a.id)")
        elif kind == "source":
            where.append("EXISTS (SELECT 1 FROM links l WHERE l.source = a.id)")
        else:
            raise ValueError(f"kind must be one of {', '.join(LINK_KINDS + ('any', 'none', 'source'))}; got {kind!r}")
    expression = fts_query(q or "")
    cols = "a.id, a.title, a.outlet, a.lang, a.published, a.url"
    if expression and sync_search_index(store):
        base = ("FROM web_fts f JOIN articles a ON a.rowid = f.rowid WHERE web_fts MATCH ?"
                + "".join(f" AND {w}" for w in where))
        all_params = [expression, *params]
        total = store.db.execute(f"SELECT COUNT(*) {base}", all_params).fetchone()[0]
        rows = store.db.execute(
            f"SELECT {cols}, snippet(web_fts, 2, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', 24) AS snippet {base}"
            " ORDER BY bm25(web_fts, 0, 5.0, 1.0) LIMIT ? OFFSET ?", [*all_params, limit, offset]).fetchall()
    else:
        if expression:  # no FTS5 in this SQLite: every word as a substring
            for word in re.findall(r"\w+", q):
                where.append("(a.title LIKE ? ESCAPE '\\' OR a.text LIKE ? ESCAPE '\\')")
                like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                params += [like, like]
        base = "FROM articles a" + (" WHERE " + " AND ".join(where) if where else "")
        total = store.db.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]
        rows = store.db.execute(
            f"SELECT {cols}, substr(a.text, 1, 200) AS snippet {base}"
            " ORDER BY a.published IS NULL, a.published DESC, a.rowid DESC LIMIT ? OFFSET ?",
            [*params, limit, offset]).fetchall()
    results = []
    for r in rows:
        d = dict(r)
        d["snippet"] = (d["snippet"] or "").replace("\n", " ")
        d["links"] = _link_summary(store, d["id"])
        results.append(d)
    return {"query": {"q": q, "outlet": outlet, "lang": lang, "from": date_from, "to": date_to, "kind": kind,
                      "limit": limit, "offset": offset},
            "total": total, "results": results}


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, highlighted)`` pieces (highlight markers removed)."""
    parts, on = [], False
    for piece in re.split(f"([{_MARK_OPEN}{_MARK_CLOSE}])", snippet):
        if piece == _MARK_OPEN:
            on = True
        elif piece == _MARK_CLOSE:
            on = False
        elif piece:
            parts.append((piece, on))
    return parts


def plain_snippet(snippet: str) -> str:
    return snippet.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")


def _link_summary(store: Store, article_id: str) -> dict[str, Any]:
    rows = store.db.execute("SELECT kind, source FROM links WHERE derived = ? ORDER BY confidence DESC",
                            (article_id,)).fetchall()
    n_derived = store.db.execute("SELECT COUNT(*) FROM links WHERE source = ?", (article_id,)).fetchone()[0]
    return {"sources": [{"id": r["source"], "kind": r["kind"]} for r in rows], "derived_count": n_derived}


def facets(store: Store) -> dict[str, list]:
    """Values the search filters can take: outlets and languages with their article counts."""
    outlets = [dict(r) for r in store.db.execute(
        "SELECT outlet, COUNT(*) AS articles FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY outlet")]
    langs = [dict(r) for r in store.db.execute(
        "SELECT lang, COUNT(*) AS articles FROM articles WHERE lang IS NOT NULL GROUP BY lang ORDER BY lang")]
    return {"outlets": outlets, "langs": langs, "kinds": list(LINK_KINDS)}


# -- outlets and the network --------------------------------------------------------------------

_LINK_PAIRS = (
    "SELECT l.kind, l.confidence, d.id AS derived, s.id AS source, d.outlet AS derived_outlet,"
    " s.outlet AS source_outlet, d.lang AS derived_lang, s.lang AS source_lang,"
    " d.published AS derived_published, s.published AS source_published"
    " FROM links l JOIN articles d ON d.id = l.derived JOIN articles s ON s.id = l.source"
)


def _delay_hours(derived_published: str | None, source_published: str | None) -> float | None:
    d, s = parse_time(derived_published), parse_time(source_published)
    if d is None or s is None:
        return None
    if (d.tzinfo is None) != (s.tzinfo is None):
        d, s = d.replace(tzinfo=None), s.replace(tzinfo=None)
    return round((d - s).total_seconds() / 3600, 2)


def _summarise(rows: list[dict], key: str) -> list[dict]:
    """Group link rows by the other outlet: how many, which kinds, languages, median delay."""
    groups: dict[str | None, list[dict]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    out = []
    for other, items in groups.items():
        kinds: dict[str, int] = {}
        langs: dict[str, int] = {}
        for r in items:
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
            pair = f"{r['source_lang'] or '?'}→{r['derived_lang'] or '?'}"
            langs[pair] = langs.get(pair, 0) + 1
        delays = [d for d in (_delay_hours(r["derived_published"], r["source_published"]) for r in items)
                  if d is not None]
        out.append({"outlet": other, "links": len(items), "kinds": kinds, "languages": langs,
                    "median_delay_hours": round(statistics.median(delays), 2) if delays else None})
    out.sort(key=lambda g: (-g["links"], g["outlet"] or ""))
    return out


def outlets(store: Store) -> list[dict[str, Any]]:
    """Every outlet with its article count, languages and how many of its articles derive from others."""
    rows = store.db.execute(
        "SELECT a.outlet, COUNT(*) AS articles, GROUP_CONCAT(DISTINCT a.lang) AS langs,"
        " SUM(EXISTS (SELECT 1 FROM links l WHERE l.derived = a.id)) AS derived,"
        " SUM(EXISTS (SELECT 1 FROM links l WHERE l.source = a.id)) AS sourced"
        " FROM articles a WHERE a.outlet IS NOT NULL GROUP BY a.outlet ORDER BY articles DESC, a.outlet").fetchall()
    return [{"outlet": r["outlet"], "articles": r["articles"], "langs": sorted((r["langs"] or "").split(",")),
             "derived_articles": r["derived"], "source_articles": r["sourced"]} for r in rows]


def outlet_profile(store: Store, domain: str) -> dict[str, Any]:
    """What an outlet copies, from whom, how fast and in which languages, and who copies it.

    Raises ``ArticleNotFound`` when no stored article has this outlet."""
    count = store.db.execute("SELECT COUNT(*) FROM articles WHERE outlet = ?", (domain,)).fetchone()[0]
    if not count:
        raise OutletNotFound(f"No article from outlet {domain!r} in {store.path}")
    langs = {r[0] or "?": r[1] for r in store.db.execute(
        "SELECT lang, COUNT(*) FROM articles WHERE outlet = ? GROUP BY lang ORDER BY 2 DESC", (domain,))}
    as_derived = [dict(r) for r in store.db.execute(_LINK_PAIRS + " WHERE d.outlet = ?", (domain,))]
    as_source = [dict(r) for r in store.db.execute(_LINK_PAIRS + " WHERE s.outlet = ?", (domain,))]
    kinds: dict[str, int] = {}
    for r in as_derived:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    derived_ids = {r["derived"] for r in as_derived}
    articles = [dict(r) for r in store.db.execute(
        "SELECT id, title, lang, published, url FROM articles WHERE outlet = ?"
        " ORDER BY published IS NULL, published DESC, rowid DESC LIMIT 200", (domain,))]
    for a in articles:
        a["derived"] = a["id"] in derived_ids
    delays = [d for d in (_delay_hours(r["derived_published"], r["source_published"]) for r in as_derived)
              if d is not None]
    return {
        "outlet": domain, "articles": count, "languages": langs,
        "derived_articles": len(derived_ids), "copied_share": round(len(derived_ids) / count, 4),
        "kinds": kinds, "median_delay_hours": round(statistics.median(delays), 2) if delays else None,
        "copies_from": _summarise(as_derived, "source_outlet"),
        "copied_by": _summarise(as_source, "derived_outlet"),
        "links": [{"derived": r["derived"], "source": r["source"], "kind": r["kind"],
                   "confidence": r["confidence"], "source_outlet": r["source_outlet"],
                   "derived_outlet": r["derived_outlet"],
                   "delay_hours": _delay_hours(r["derived_published"], r["source_published"])}
                  for r in as_derived + as_source],
        "recent_articles": articles,
    }


class OutletNotFound(ArticleNotFound):
    hint = "Outlets are registered domains as shown on article pages; see /outlets for the list"


UNKNOWN_OUTLET = "(unknown outlet)"


def network(store: Store, max_nodes: int = 300) -> dict[str, Any]:
    """Who copies whom: outlets as nodes, one edge per (source outlet → derived outlet) with counts.

    Articles without an outlet (pasted text, plain files) are grouped as ``"(unknown outlet)"``.
    Every outlet with a link is a node; outlets without links fill the rest up to ``max_nodes``
    (largest first), so a big crawl still draws in a browser."""
    pairs = [dict(r) for r in store.db.execute(_LINK_PAIRS)]
    nodes: dict[str, dict] = {}
    for r in store.db.execute("SELECT outlet, COUNT(*) AS n, GROUP_CONCAT(DISTINCT lang) AS langs"
                              " FROM articles GROUP BY outlet ORDER BY n DESC, outlet"):
        name = r["outlet"] or UNKNOWN_OUTLET
        nodes[name] = {"id": name, "articles": r["n"], "langs": sorted(filter(None, (r["langs"] or "").split(","))),
                       "known": r["outlet"] is not None, "copies": 0, "copied": 0}
    edges: dict[tuple[str, str], list[dict]] = {}
    for r in pairs:
        s, d = r["source_outlet"] or UNKNOWN_OUTLET, r["derived_outlet"] or UNKNOWN_OUTLET
        edges.setdefault((s, d), []).append(r)
        nodes[d]["copies"] += 1
        nodes[s]["copied"] += 1
    out_edges = []
    for (s, d), items in sorted(edges.items()):
        summary = _summarise(items, "source_outlet")[0]
        out_edges.append({"source": s, "target": d, "links": len(items), "kinds": summary["kinds"],
                          "languages": summary["languages"], "median_delay_hours": summary["median_delay_hours"]})
    linked = {e["source"] for e in out_edges} | {e["target"] for e in out_edges}
    shown = [n for n in nodes.values() if n["id"] in linked]
    shown += [n for n in nodes.values() if n["id"] not in linked and n["known"]][: max(0, max_nodes - len(shown))]
    return {"nodes": sorted(shown, key=lambda n: n["id"]), "edges": out_edges}


def store_summary(store: Store) -> dict[str, Any]:
    return {"articles": store.count("articles"), "links": store.count("links"),
            "outlets": store.db.execute("SELECT COUNT(DISTINCT outlet) FROM articles").fetchone()[0],
            "rejected": store.count("rejected")}
