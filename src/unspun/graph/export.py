"""Exports of links, articles, outlets and the outlet graph, for the tools people already use.

``export(store, fmt, what, out)`` writes one of:

=========  =====================================================================================
what       rows
=========  =====================================================================================
links      one per link: both articles, kind, direction, confidence, coverage, lag, story
articles   one per article: id, url, outlet, language, time, title, artifacts, story, origin
outlets    one per outlet: volume, languages, original/derived shares, lags, community, role
graph      one per outlet edge (source outlet -> derived outlet): counts, kinds, languages, lags
=========  =====================================================================================

in ``csv`` (spreadsheets; maps as JSON text), ``jsonl``, ``parquet`` (pyarrow, the schema of
:data:`COLUMNS`, maps as ``map<string, int64>``), or, for ``graph`` (outlets and their edges)
and ``links`` (articles and their links), ``gexf`` 1.2 and ``graphml`` (both open in Gephi and
networkx; maps as JSON text, missing values left out; streamed, since networkx's writers build the
whole document in memory: 45 s and 3.6 GiB for 300k links). Ids are the store's (article ids, outlet
domains, ``SOURCE->TARGET`` for an outlet edge); times are UTC ISO 8601 (``...Z``). A file is
written beside its destination and renamed into place, so an interrupted export leaves no half
file; ``--out -`` writes csv and jsonl to standard output.
"""
from __future__ import annotations

import csv
import functools
import json
import math
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator
from xml.sax.saxutils import escape

from ..errors import ExportError
from ..store import Store, parse_time
from .data import Filters, iso, load, to_epoch
from .outlets import OutletGraph, build

FORMATS = ("csv", "jsonl", "parquet", "gexf", "graphml")
WHAT = ("links", "articles", "outlets", "graph")
GRAPH_FORMATS = ("gexf", "graphml")


# Columns of every table: (name, type, description). Types: str, int, float, bool, time (UTC ISO
# 8601 text), map (string -> count). docs/propagation.md lists them (a test keeps it in step).
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "links": [
        ("derived", "str", "id of the derived article"),
        ("source", "str", "id of the source article"),
        ("kind", "str", "verbatim, translation, rewrite or partial"),
        ("direction", "str", "dated (by publication time), uncertain (no dates) or common-source (both copy a third text)"),
        ("confidence", "float", "the link model's probability"),
        ("derived_coverage", "float", "share of the derived text aligned to the source"),
        ("source_coverage", "float", "share of the source text carried into the derived one"),
        ("opinion_share", "float", "share of the derived text that is inserted opinion"),
        ("derived_outlet", "str", "outlet of the derived article"),
        ("source_outlet", "str", "outlet of the source article"),
        ("derived_lang", "str", "language of the derived article"),
        ("source_lang", "str", "language of the source article"),
        ("derived_published", "time", "publication time of the derived article"),
        ("source_published", "time", "publication time of the source article"),
        ("lag_hours", "float", "hours from the source's publication to the derived one's"),
        ("story", "str", "id of the story (its origin article)"),
        ("created_at", "time", "when the link was stored"),
    ],
    "articles": [
        ("id", "str", "article id"),
        ("url", "str", "where it was published"),
        ("outlet", "str", "registered domain of the outlet"),
        ("lang", "str", "language (ISO 639-1)"),
        ("published", "time", "publication time"),
        ("title", "str", "title"),
        ("ingested_at", "time", "when it was stored"),
        ("artifact_score", "float", "machine-rewriting artifact score (0 to 1)"),
        ("persona", "bool", "a persona sentence was found in it"),
        ("derived", "bool", "it derives from another stored article"),
        ("story", "str", "id of its story, empty when it has no link"),
        ("origin", "bool", "it is the origin of its story"),
    ],
    "outlets": [
        ("outlet", "str", "registered domain ((unknown outlet) for articles without one)"),
        ("articles", "int", "articles stored"),
        ("languages", "map", "articles per language"),
        ("derived_articles", "int", "articles derived from another outlet's"),
        ("original_share", "float", "share of its articles derived from no other outlet"),
        ("first_published", "int", "stories it originated"),
        ("copies", "int", "links from other outlets into it"),
        ("copied", "int", "links from it into other outlets"),
        ("sources", "int", "outlets it derives from"),
        ("copiers", "int", "outlets that derive from it"),
        ("top_source", "str", "the outlet most of its derived articles come from"),
        ("top_source_share", "float", "share of its articles derived from the top source"),
        ("translated_share", "float", "share of its links from others that cross languages"),
        ("rewrite_share", "float", "share of its links from others of kind rewrite"),
        ("median_lag_hours", "float", "median hours after the source, over its links from others"),
        ("inserted_share", "float", "mean share of its derived texts not aligned to the source"),
        ("opinion_share", "float", "mean share of inserted opinion in its derived texts"),
        ("artifact_share", "float", "share of its derived articles with machine-rewriting artifacts"),
        ("persona_share", "float", "share of its derived articles with a persona sentence"),
        ("community", "int", "community number (0 the largest; empty without links)"),
        ("role", "str", "originator, relay, translator, spinner or independent"),
        ("role_reason", "str", "the figures that decided the role"),
    ],
    "graph": [
        ("id", "str", "SOURCE->TARGET"),
        ("source", "str", "source outlet"),
        ("target", "str", "derived outlet"),
        ("links", "int", "links from the source outlet's articles to the derived outlet's"),
        ("kinds", "map", "links per kind"),
        ("languages", "map", "links per language pair, as source→derived"),
        ("lag_n", "int", "dated links"),
        ("lag_median_hours", "float", "median lag in hours"),
        ("lag_p25_hours", "float", "first quartile of the lag"),
        ("lag_p75_hours", "float", "third quartile of the lag"),
        ("inserted_share", "float", "mean share of the derived texts not aligned to the source"),
        ("opinion_share", "float", "mean share of inserted opinion"),
        ("artifact_share", "float", "share of links whose derived article has machine-rewriting artifacts"),
        ("persona_share", "float", "share of links whose derived article has a persona sentence"),
    ],
}


def _story_index(graph: OutletGraph) -> tuple[dict[int, str], set[int]]:
    member: dict[int, str] = {}
    origins: set[int] = set()
    for story in graph.stories:
        origins.add(story.origin)
        for m in story.members:
            member[m] = story.id
    return member, origins


@functools.lru_cache(maxsize=65536)
def _utc(value: str | None) -> str | None:
    return iso(to_epoch(value)) if parse_time(value) is not None else None


def rows(store: Store, graph: OutletGraph, what: str) -> Iterator[dict[str, Any]]:
    """The rows of one table (:data:`COLUMNS`)."""
    data = graph.data
    member, origins = _story_index(graph)
    published = [iso(t) for t in data.published]
    if what == "links":
        stored = {(d, s): (c, t) for d, s, c, t in store.db.execute(
            "SELECT derived, source, source_coverage, created_at FROM links")}
        for link in data.links:
            d, s = data.ids[link.derived], data.ids[link.source]
            coverage, created = stored.get((d, s), (None, None))
            lag = data.lag_hours(link)
            yield {"derived": d, "source": s, "kind": link.kind, "direction": link.direction,
                   "confidence": link.confidence, "derived_coverage": link.derived_coverage,
                   "source_coverage": coverage, "opinion_share": link.opinion_share,
                   "derived_outlet": data.outlet[link.derived], "source_outlet": data.outlet[link.source],
                   "derived_lang": data.lang[link.derived], "source_lang": data.lang[link.source],
                   "derived_published": published[link.derived], "source_published": published[link.source],
                   "lag_hours": round(lag, 4) if lag is not None else None,
                   "story": member.get(link.derived), "created_at": _utc(created)}
    elif what == "articles":
        derived = {l.derived for l in data.links if l.directed}
        for r in store.db.execute("SELECT id, url, title, ingested_at, artifact_score FROM articles ORDER BY rowid"):
            i = data.index.get(r["id"])
            if i is None:
                continue
            yield {"id": r["id"], "url": r["url"], "outlet": data.outlet[i], "lang": data.lang[i],
                   "published": published[i], "title": r["title"], "ingested_at": _utc(r["ingested_at"]),
                   "artifact_score": r["artifact_score"], "persona": data.persona[i], "derived": i in derived,
                   "story": member.get(i), "origin": i in origins}
    elif what == "outlets":
        for o in sorted(graph.outlets.values(), key=lambda o: (-o.articles, o.name)):
            d = o.as_dict()
            top = d["top_source"] or {}
            yield {**{k: d[k] for k, _, _ in COLUMNS["outlets"] if k in d}, "outlet": o.name,
                   "top_source": top.get("outlet"), "top_source_share": top.get("share")}
    elif what == "graph":
        for e in sorted(graph.edges.values(), key=lambda e: (e.source, e.target)):
            d = e.as_dict()
            lag = d["lag_hours"]
            yield {"id": f"{e.source}->{e.target}", "source": e.source, "target": e.target, "links": e.links,
                   "kinds": d["kinds"], "languages": d["languages"], "lag_n": lag["n"],
                   "lag_median_hours": lag["median"], "lag_p25_hours": lag["p25"], "lag_p75_hours": lag["p75"],
                   **{k: d[k] for k in ("inserted_share", "opinion_share", "artifact_share", "persona_share")}}
    else:
        raise ExportError(f"Unknown --what {what!r}")


def arrow_type(kind: str):
    """The Arrow type of a column kind: str, int, float, bool, time (UTC), map (string -> count),
    and bytes (the Spark dataset's MinHash signatures and float32 vectors, unspun.spark.dataset)."""
    import pyarrow as pa
    return {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
            "time": pa.timestamp("s", tz="UTC"), "map": pa.map_(pa.string(), pa.int64()),
            "bytes": pa.binary()}[kind]


def arrow_schema(what: str, columns: list[tuple[str, str, str]] | None = None, metadata: dict | None = None):
    """The Arrow schema of a table: each field carries its description as field metadata."""
    import pyarrow as pa
    return pa.schema([pa.field(name, arrow_type(kind), metadata={"description": text})
                      for name, kind, text in (columns if columns is not None else COLUMNS[what])],
                     metadata={"unspun.table": what, "unspun.times": "UTC", **(metadata or {})})


_arrow_schema = arrow_schema


def _arrow_value(kind: str, value):
    if value is None:
        return None
    if kind == "time":
        t = parse_time(value.replace("Z", "+00:00"))
        return t
    if kind == "map":
        return list(value.items())
    if kind == "float" and isinstance(value, float) and math.isnan(value):
        return None
    return value


def _text_value(kind: str, value):
    if kind == "map":
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else ""
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    return value


class _Atomic:
    """A file written beside its destination and renamed into place when complete."""

    def __init__(self, out: str, binary: bool = False):
        self.out, self.binary = out, binary

    def __enter__(self):
        path = Path(self.out)
        if path.is_dir():
            raise ExportError(f"{self.out} is a folder: give a file name")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            os.replace(self.tmp, self.out)
        elif os.path.exists(self.tmp):
            os.unlink(self.tmp)


def _write_text(fmt: str, what: str, items: Iterator[dict], out: str) -> int:
    columns = COLUMNS[what]

    def write(stream) -> int:
        n = 0
        if fmt == "csv":
            writer = csv.writer(stream)
            writer.writerow([c for c, _, _ in columns])
            for row in items:
                writer.writerow([_text_value(kind, row.get(c)) for c, kind, _ in columns])
                n += 1
        else:
            for row in items:
                stream.write(json.dumps({c: row.get(c) for c, _, _ in columns}, ensure_ascii=False) + "\n")
                n += 1
        return n

    if out == "-":
        return write(sys.stdout)
    with _Atomic(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as stream:
        return write(stream)


def _write_parquet(what: str, items: Iterator[dict], out: str, batch: int = 50_000,
                   columns: list[tuple[str, str, str]] | None = None, metadata: dict | None = None) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = arrow_schema(what, columns, metadata)
    columns = columns if columns is not None else COLUMNS[what]
    n = 0
    with _Atomic(out) as tmp:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            chunk: list[dict] = []

            def flush():
                if chunk:
                    arrays = [pa.array([_arrow_value(kind, r.get(c)) for r in chunk], type=schema.field(c).type)
                              for c, kind, _ in columns]
                    writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                    chunk.clear()

            for row in items:
                chunk.append(row)
                n += 1
                if len(chunk) >= batch:
                    flush()
            flush()
    return n


_XML_TYPES = {"gexf": {"str": "string", "int": "long", "float": "double", "bool": "boolean", "time": "string",
                        "map": "string"},
              "graphml": {"str": "string", "int": "long", "float": "double", "bool": "boolean", "time": "string",
                          "map": "string"}}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHARED = ("shared", "int", "common-source links between the two outlets (copies of a text the store lacks)")


_XML_SPECIAL = re.compile('[&<>"\'\x00-\x1f\ufffe\uffff]')


def _text(value: str) -> str:
    """XML text (element content or, in quotes, an attribute); most values need no escaping."""
    if not _XML_SPECIAL.search(value):
        return value
    return escape(_NOT_XML.sub("", value), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _xml(value) -> str:
    return f'"{_text(value if isinstance(value, str) else str(value))}"'


def _xml_value(kind: str, value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "map":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def _graph_parts(store: Store, graph: OutletGraph, what: str):
    """(node columns, node rows as (id, label, row), edge columns, edge rows as (id, source,
    target, row)) of the outlet graph or the article graph."""
    if what == "graph":
        node_columns = [c for c in COLUMNS["outlets"] if c[0] != "outlet"]
        nodes = ((r["outlet"], r["outlet"], r) for r in rows(store, graph, "outlets"))
        edge_columns = [c for c in COLUMNS["graph"] if c[0] not in ("id", "source", "target")] + [_SHARED]
        shared = dict(graph.shared)

        def edges():
            for r in rows(store, graph, "graph"):
                pair = (r["source"], r["target"]) if r["source"] < r["target"] else (r["target"], r["source"])
                yield r["id"], r["source"], r["target"], {**r, "shared": shared.pop(pair, None)}
            for (a, b), n in sorted(shared.items()):
                yield f"{a}<->{b}", a, b, {"links": 0, "shared": n}

        return node_columns, nodes, edge_columns, edges()
    node_columns = [c for c in COLUMNS["articles"] if c[0] != "id"]
    nodes = ((r["id"], r["title"] or r["id"], r) for r in rows(store, graph, "articles") if r["story"] is not None)
    edge_columns = [c for c in COLUMNS["links"] if c[0] not in ("derived", "source")]
    edges = ((f"{r['source']}->{r['derived']}", r["source"], r["derived"], r) for r in rows(store, graph, "links"))
    return node_columns, nodes, edge_columns, edges


def _write_graph(fmt: str, store: Store, graph: OutletGraph, what: str, out: str) -> tuple[int, int]:
    """GEXF 1.2 or GraphML, streamed (a whole-document writer holds gigabytes at 300k links)."""
    node_columns, nodes, edge_columns, edges = _graph_parts(store, graph, what)
    types = _XML_TYPES[fmt]
    n_nodes = n_edges = 0
    with _Atomic(out) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if fmt == "gexf":
            f.write('<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
                    f'<meta><creator>unspun</creator><description>{escape(what)} of an unspun store</description></meta>\n'
                    '<graph defaultedgetype="directed" mode="static">\n')
            for cls, columns in (("node", node_columns), ("edge", edge_columns)):
                f.write(f'<attributes class="{cls}">\n')
                for i, (name, kind, _) in enumerate(columns):
                    f.write(f'<attribute id="{i}" title={_xml(name)} type="{types[kind]}"/>\n')
                f.write("</attributes>\n")

            def values(columns, row) -> str:
                parts = [f'<attvalue for="{i}" value={_xml(v)}/>' for i, (name, kind, _) in enumerate(columns)
                         if (v := _xml_value(kind, row.get(name))) is not None]
                return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""

            f.write("<nodes>\n")
            for node_id, label, row in nodes:
                f.write(f"<node id={_xml(node_id)} label={_xml(label)}>{values(node_columns, row)}</node>\n")
                n_nodes += 1
            f.write("</nodes>\n<edges>\n")
            for edge_id, a, b, row in edges:
                f.write(f"<edge id={_xml(edge_id)} source={_xml(a)} target={_xml(b)}>{values(edge_columns, row)}</edge>\n")
                n_edges += 1
            f.write("</edges>\n</graph>\n</gexf>\n")
        else:
            f.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
            f.write('<key id="label" for="node" attr.name="label" attr.type="string"/>\n')
            for cls, columns in (("node", node_columns), ("edge", edge_columns)):
                for name, kind, _ in columns:
                    f.write(f'<key id="{cls[0]}_{name}" for="{cls}" attr.name={_xml(name)} attr.type="{types[kind]}"/>\n')
            f.write('<graph edgedefault="directed">\n')

            def values(cls, columns, row) -> str:
                return "".join(f'<data key="{cls}_{name}">{_text(v)}</data>'
                               for name, kind, _ in columns if (v := _xml_value(kind, row.get(name))) is not None)

            for node_id, label, row in nodes:
                f.write(f'<node id={_xml(node_id)}><data key="label">{_text(label)}</data>'
                        f"{values('n', node_columns, row)}</node>\n")
                n_nodes += 1
            for edge_id, a, b, row in edges:
                f.write(f"<edge id={_xml(edge_id)} source={_xml(a)} target={_xml(b)}>{values('e', edge_columns, row)}</edge>\n")
                n_edges += 1
            f.write("</graph>\n</graphml>\n")
    return n_nodes, n_edges


def export(store: Store, fmt: str, what: str, out: str, filters: Filters | None = None,
           progress: Callable[[str, int, int], None] | None = None, graph: OutletGraph | None = None) -> dict[str, Any]:
    """Write one export (``what="all"``: every table the format takes, into the folder ``out``,
    named ``WHAT.FORMAT``, over one analysis). Returns ``{"format", "what", "out", "rows",
    "filters"}`` (nodes and edges for graph formats; ``"files"`` with one such entry per file for
    ``all``). ``graph``: an analysis already made (``filters`` is then ignored)."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}")
    if what not in WHAT + ("all",):
        raise ExportError(f"Unknown --what {what!r}")
    if fmt in GRAPH_FORMATS and what not in ("graph", "links", "all"):
        raise ExportError(f"--format {fmt} draws --what graph (outlets) or links (articles), not {what!r}")
    if out == "-" and (fmt not in ("csv", "jsonl") or what == "all"):
        raise ExportError(f"--format {fmt}{' --what all' if what == 'all' else ''} writes files: give one with --out")
    report = progress or (lambda stage, done, total: None)
    if graph is None:
        report("analyse", 0, 1)
        graph = build(load(store, filters))
        report("analyse", 1, 1)
    if what == "all":
        if Path(out).exists() and not Path(out).is_dir():
            raise ExportError(f"{out} is a file: --what all writes a folder")
        Path(out).mkdir(parents=True, exist_ok=True)
        whats = ("graph", "links") if fmt in GRAPH_FORMATS else WHAT
        files = []
        for i, w in enumerate(whats):
            report("write", i, len(whats))
            files.append(export(store, fmt, w, str(Path(out) / f"{w}.{fmt}"), graph=graph))
        report("write", len(whats), len(whats))
        return {"format": fmt, "what": "all", "out": out, "filters": graph.data.filters.as_dict(), "files": files}
    report("write", 0, 1)
    result: dict[str, Any] = {"format": fmt, "what": what, "out": out, "filters": graph.data.filters.as_dict()}
    if fmt in GRAPH_FORMATS:
        nodes, edges = _write_graph(fmt, store, graph, what, out)
        result.update(nodes=nodes, edges=edges)
    elif fmt == "parquet":
        result["rows"] = _write_parquet(what, rows(store, graph, what), out)
    else:
        result["rows"] = _write_text(fmt, what, rows(store, graph, what), out)
    report("write", 1, 1)
    return result


write_parquet = _write_parquet
