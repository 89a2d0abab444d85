"""What the web pages show, as plain data: one function per question, over one ``Store``.

The web layer (``unspun.web.app``) only renders what these return, as HTML or JSON. The trace
functions are the ones the CLI's ``trace`` runs, so one article gets one answer in both:
``resolve_target`` + ``trace_article`` is exactly ``unspun trace FILE_OR_ID --json``. Outlets,
stories and the network are the propagation analysis's (``unspun.graph``), as ``unspun outlet``
and ``unspun stories`` print them.

Search uses a full-text index of its own (``web_fts``, SQLite FTS5) that lives beside the store's
tables and is brought up to date before every search; it is derived data, safe to drop.
"""
from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from .. import graph
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
MAX_QUERY_WORDS = 64
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
    if _in_step(db, _rows(db, "articles"), _rows(db, "web_fts")):
        return True
    with store.transaction():
        # Read again under the write lock: another server thread (or process) may have brought the
        # index up to date meanwhile, and appending the same rows twice is a constraint error.
        (n_art, max_art), (n_fts, max_fts) = _rows(db, "articles"), _rows(db, "web_fts")
        if _in_step(db, (n_art, max_art), (n_fts, max_fts)):
            return True
        if max_fts <= max_art and _same_last(db, max_fts):
            db.execute("INSERT INTO web_fts (rowid, id, title, text) SELECT rowid, id, COALESCE(title, ''), text"
                       " FROM articles WHERE rowid > ?", (max_fts,))
        if not _in_step(db, (n_art, max_art), _rows(db, "web_fts")):
            db.execute("DELETE FROM web_fts")
            db.execute("INSERT INTO web_fts (rowid, id, title, text) SELECT rowid, id, COALESCE(title, ''), text"
                       " FROM articles")
    return True


def _rows(db: sqlite3.Connection, table: str) -> tuple[int, int]:
    """A table's row count and largest rowid."""
    return tuple(db.execute(f"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM {table}").fetchone())


def _in_step(db: sqlite3.Connection, articles: tuple[int, int], index: tuple[int, int]) -> bool:
    return articles == index and _same_last(db, articles[1])


def _same_last(db: sqlite3.Connection, rowid: int) -> bool:
    if rowid == 0:
        return True
    a = db.execute("SELECT id FROM articles WHERE rowid = ?", (rowid,)).fetchone()
    f = db.execute("SELECT id FROM web_fts WHERE rowid = ?", (rowid,)).fetchone()
    return a is not None and f is not None and a[0] == f[0]


def fts_query(q: str) -> str:
    """A user's query as a safe FTS5 expression: every word and "quoted phrase" must occur.

    FTS5 syntax (AND, NEAR, column filters, stray quotes) is never passed through, so no query
    can be a syntax error. A phrase given twice counts once.

    Raises:
        ValueError: the query has more than ``MAX_QUERY_WORDS`` words (FTS5's time grows with
            the square of the terms: a few thousand would hold a server thread for minutes).
    """
    parts = []
    for phrase, word in _TOKEN.findall(q):
        term = (phrase or word).strip()
        words = re.findall(r"\w+", term)
        if words and '"' + " ".join(words) + '"' not in parts:
            parts.append('"' + " ".join(words) + '"')
    n_words = sum(len(p.split()) for p in parts)
    if n_words > MAX_QUERY_WORDS:
        raise ValueError(f"The query has {n_words} words; search with at most {MAX_QUERY_WORDS}")
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
        ValueError: an unknown kind, a malformed date, or over ``MAX_QUERY_WORDS`` words in ``q``.
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
            for word in dict.fromkeys(re.findall(r"\w+", expression)):
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


# -- outlets, stories and the network (unspun.graph) ---------------------------------------------

# The figures are the propagation analysis's (``unspun.graph``), the ones ``unspun outlet``,
# ``unspun stories`` and the reports print; these functions only choose what a page shows.
OutletNotFound = graph.OutletNotFound
StoryNotFound = graph.StoryNotFound
FilterError = graph.FilterError
UNKNOWN_OUTLET = graph.UNKNOWN_OUTLET
MAX_NODES = 1000  # the most outlets the network page draws


def analysis(store: Store, cache: graph.AnalysisCache | None = None, since: str | None = None,
             until: str | None = None, langs=(), kinds=()) -> graph.OutletGraph:
    """The outlet graph of the store's links under these filters, from ``cache`` when it holds it.

    ``since`` and ``until`` are ISO times or dates; a plain date as ``until`` takes in that whole
    day (a date field in a form means the day). Raises ``FilterError`` for a time or kind it
    cannot read."""
    filters = graph.Filters.of(since=since, until=until, langs=langs, kinds=kinds)
    return cache.get(store, filters) if cache is not None else graph.analyse(store, filters)


def outlets(g: graph.OutletGraph) -> list[dict[str, Any]]:
    """Every outlet (articles without one left out) with its article count, languages, how many of
    its articles derive from other outlets and how many other outlets derive from, its role and
    community; most articles first."""
    return [{"outlet": o.name, "articles": o.articles, "langs": sorted(o.languages),
             "derived_articles": o.derived_articles, "source_articles": o.source_articles,
             "copiers": len(o.copiers), "role": o.role, "community": o.community}
            for o in sorted(g.outlets.values(), key=lambda o: (-o.articles, o.name)) if o.name != UNKNOWN_OUTLET]


def outlet_profile(store: Store, g: graph.OutletGraph, domain: str) -> dict[str, Any]:
    """What an outlet copies, from whom, how fast, in which languages and with what added; who
    copies it; its role, community, stories and the profile in sentences (``summary``).

    Raises ``OutletNotFound`` when no stored article has this outlet."""
    return graph.outlet_profile(store, g, domain)


def network(g: graph.OutletGraph, max_nodes: int = 150, community: int | None = None,
            focus: str | None = None) -> dict[str, Any]:
    """The outlet network as the page draws it (``unspun.graph.network_view``: at most ``max_nodes``
    outlets placed in [0, 1], the rest folded into one node per community), with every community
    of the analysis (``all_communities``) for the page's filter.

    Raises ``ValueError`` for a ``max_nodes`` out of 1..MAX_NODES or a community that does not exist."""
    if not 1 <= max_nodes <= MAX_NODES:
        raise ValueError(f"max_nodes must be between 1 and {MAX_NODES}, got {max_nodes}")
    if community is not None and not 0 <= community < len(g.communities):
        raise ValueError(f"There is no community {community} under these filters; there are {len(g.communities)}"
                         + (f" (0 to {len(g.communities) - 1})" if g.communities else ""))
    view = graph.network_view(g, max_nodes=max_nodes, community=community, focus=focus or None)
    view["all_communities"] = [{"id": i, "outlets": len(members)} for i, members in enumerate(g.communities)]
    return view


def outlet_names(g: graph.OutletGraph) -> list[str]:
    """The analysed outlets' names, sorted (the network page's search suggestions)."""
    return sorted(n for n in g.outlets if n != UNKNOWN_OUTLET)


def stories(store: Store, g: graph.OutletGraph, limit: int = 50, offset: int = 0,
            outlet: str | None = None) -> dict[str, Any]:
    """One page of stories, largest first (``unspun.graph.story_list``), each with its origin
    article's title; ``outlet`` keeps the stories it has an article in."""
    rows = graph.story_list(g, limit=None if outlet else offset + limit, outlet=outlet or None)
    page = rows[offset:offset + limit]
    meta = graph.views.article_meta(store, [r["id"] for r in page])
    return {"filters": {**g.data.filters.as_dict(), "outlet": outlet or None},
            "total": len(rows) if outlet else len(g.stories), "limit": limit, "offset": offset,
            "stories": [{**r, "title": meta.get(r["id"], (None, None))[0]} for r in page]}


def story(store: Store, g: graph.OutletGraph, story_id: str) -> dict[str, Any]:
    """One story: its origin and every member with source, kind, depth and hours after the origin
    (``unspun.graph.story_detail``). ``story_id`` may be any member's id.

    Raises ``StoryNotFound``."""
    return graph.story_detail(store, g, story_id)


def store_summary(store: Store) -> dict[str, Any]:
    return {"articles": store.count("articles"), "links": store.count("links"),
            "outlets": store.db.execute("SELECT COUNT(DISTINCT outlet) FROM articles").fetchone()[0],
            "rejected": store.count("rejected")}
