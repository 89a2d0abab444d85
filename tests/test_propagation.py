"""The propagation analysis (unspun.graph): planted networks recovered, stories and their origins,
profiles, filters, exports read back with the tools they are for, and the CLI over them."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import igraph as ig
import networkx as nx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from unspun.cli import main
from unspun.graph import Filters, FilterError, OutletNotFound, StoryNotFound, analyse, outlet_profile, story_detail
from unspun.graph import synthetic
from unspun.graph.export import COLUMNS, ExportError, export
from unspun.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _put(store: Store, articles: list[tuple], links: list[tuple], persona: tuple = ()) -> None:
    """Rows as the linker leaves them: articles (id, outlet, lang, published), links
    (derived, source, kind, direction, derived coverage[, opinion share])."""
    with store.transaction():
        for i, (aid, outlet, lang, published) in enumerate(articles):
            store.db.execute("INSERT INTO articles (id, content_hash, url, outlet, lang, published, title, text, meta,"
                             " ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (aid, f"h{i}", f"https://{outlet}/{aid}" if outlet else None, outlet, lang, published,
                              f"Title of {aid}", "text", "{}", "2025-03-01T00:00:00+00:00"))
        for derived, source, kind, direction, coverage, *opinion in links:
            store.db.execute("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                             (derived, source, kind, 0.95, direction, coverage, 0.9,
                              json.dumps({"opinion_share": opinion[0] if opinion else 0.0}), "m", "{}",
                              "2025-03-01T00:00:00+00:00"))
        for aid in persona:
            store.db.execute("INSERT INTO artifacts VALUES (?,?,?,?,?,?,?)", (aid, "persona", 0, 5, "As a", "r", "x"))
            store.db.execute("UPDATE articles SET artifact_score = 0.6 WHERE id = ?", (aid,))


@pytest.fixture
def chain(store):
    """wire.example publishes; relay.example copies it (2 h later), copy.example copies the relay
    (3 h later), spin.example rewrites the wire in French with a persona sentence; two undated
    copies of a text the store lacks (common source); and an unrelated article."""
    _put(store, [
        ("w1", "wire.example", "en", "2025-02-01T10:00:00+00:00"),
        ("r1", "relay.example", "en", "2025-02-01T12:00:00+00:00"),
        ("c1", "copy.example", "en", "2025-02-01T15:00:00Z"),
        ("s1", "spin.example", "fr", "2025-02-01T16:00:00+01:00"),
        ("x1", "farm-a.example", "de", None),
        ("x2", "farm-b.example", "de", None),
        ("u1", "alone.example", "es", "2025-02-03T10:00:00+00:00"),
    ], [
        ("r1", "w1", "verbatim", "dated", 1.0),
        ("c1", "r1", "verbatim", "dated", 0.98),
        ("c1", "w1", "verbatim", "dated", 0.97),
        ("s1", "w1", "rewrite", "dated", 0.6, 0.3),
        ("x2", "x1", "verbatim", "common-source", 1.0),
    ], persona=("s1",))
    return store


# -- planted networks ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
def test_planted_communities_roles_and_lags_are_recovered(tmp_path, seed):
    store = Store(tmp_path / "planted.db")
    plant = synthetic.generate(store, seed=seed, stories_per_originator=400)
    graph = analyse(store)
    names = sorted(n for n, c in plant.community.items() if c >= 0)
    assert all(graph.outlets[n].community is not None for n in names)
    ari = ig.compare_communities([plant.community[n] for n in names], [graph.outlets[n].community for n in names],
                                 method="adjusted_rand")
    assert ari >= 0.9, ari
    accuracy = sum(graph.outlets[n].role == plant.role[n] for n in plant.role) / len(plant.role)
    assert accuracy >= 0.9, accuracy
    for name, planted in plant.median_lag_hours.items():
        recovered = graph.outlets[name].as_dict()["median_lag_hours"]
        assert abs(recovered / planted - 1) <= 0.10, (name, planted, recovered)
    # every planted originator is the first publisher of the stories it started
    originators = [n for n, r in plant.role.items() if r == "originator"]
    assert sum(graph.outlets[n].first_published for n in originators) == len(graph.stories)


def test_planted_structure_is_not_found_in_noise(tmp_path):
    """The same outlets copying at random (no planted communities): the analysis must not find
    the planted partition (the test above can fail)."""
    store = Store(tmp_path / "noise.db")
    plant = synthetic.generate(store, seed=3, stories_per_originator=100, cross_community=1.0)
    graph = analyse(store)
    names = sorted(n for n, c in plant.community.items() if c >= 0 and graph.outlets[n].community is not None)
    ari = ig.compare_communities([plant.community[n] for n in names], [graph.outlets[n].community for n in names],
                                 method="adjusted_rand")
    assert ari < 0.5


# -- stories, profiles, filters -----------------------------------------------------------------

def test_story_origin_parents_depths_and_common_source(chain):
    graph = analyse(chain)
    by_id = {s.id: s for s in graph.stories}
    assert set(by_id) == {"w1", "x1"}  # the chain's origin; the pair of common-source copies (x1 by id)
    story = story_detail(chain, graph, "c1")  # any member names its story
    assert story["id"] == "w1" and story["origin_outlet"] == "wire.example" and story["articles"] == 4
    members = {m["id"]: m for m in story["members"]}
    assert members["r1"]["source"] == "w1" and members["r1"]["depth"] == 1
    assert members["c1"]["source"] == "r1" and members["c1"]["depth"] == 2  # strongest link: the relay's copy
    assert members["s1"]["hours_after_origin"] == 5.0  # 16:00+01:00 is 15:00 UTC
    assert [m["id"] for m in story["members"]] == ["w1", "r1", "c1", "s1"]  # publication order (c1 at 15:00Z first)
    assert story["span_hours"] == 5.0
    common = story_detail(chain, graph, "x2")
    assert {m["id"]: m["source"] for m in common["members"]} == {"x1": None, "x2": None}
    assert graph.outlets["wire.example"].first_published == 1
    assert graph.outlets["farm-a.example"].first_published == 1
    assert ("farm-a.example", "farm-b.example") in graph.shared and not any(
        "farm-a.example" in key for key in graph.edges)
    with pytest.raises(StoryNotFound):
        story_detail(chain, graph, "u1")


def test_outlet_figures_roles_and_profile_sentences(chain):
    graph = analyse(chain)
    wire, relay, spin, alone = (graph.outlets[n].as_dict() for n in
                                ("wire.example", "relay.example", "spin.example", "alone.example"))
    assert wire["role"] == "originator" and wire["copied"] == 3 and wire["copiers"] == 3
    assert wire["source_articles"] == 1 and relay["source_articles"] == 1 and spin["source_articles"] == 0
    assert relay["role"] == "relay" and relay["median_lag_hours"] == 2.0
    assert spin["role"] == "translator" and spin["persona_share"] == 1.0  # cross-language wins over spin
    assert alone["role"] == "independent" and alone["community"] is None
    copy = graph.outlets["copy.example"].as_dict()
    assert copy["derived_articles"] == 1 and copy["sources"] == 2 and copy["median_lag_hours"] == 4.0  # 3 h and 5 h
    edge = graph.edges[("wire.example", "spin.example")].as_dict()
    assert edge["languages"] == {"en→fr": 1} and edge["inserted_share"] == 0.4 and edge["opinion_share"] == 0.3
    profile = outlet_profile(chain, graph, "spin.example")
    text = " | ".join(profile["summary"])
    assert "copies 100% of its articles from wire.example" in text and "median lag 5.0 h" in text
    assert "translated en→fr (1 links)" in text and "persona sentences in 100%" in text
    assert "inserted opinion 30%" in text
    with pytest.raises(OutletNotFound):
        outlet_profile(chain, graph, "nowhere.example")


def test_filters_cut_by_time_language_and_kind(chain):
    window = analyse(chain, Filters.of(since="2025-02-01T11:00:00Z", until="2025-02-02"))
    assert set(window.data.ids) == {"r1", "c1", "s1"}  # w1 too early; undated and u1 outside
    assert {(window.data.ids[l.derived], window.data.ids[l.source]) for l in window.data.links} == {("c1", "r1")}
    day = analyse(chain, Filters.of(until="2025-02-01"))  # a bare date as until: its whole day
    assert set(day.data.ids) == {"w1", "r1", "c1", "s1"}
    english = analyse(chain, Filters.of(langs=["en"]))
    assert "spin.example" not in english.outlets and len(english.data.links) == 3
    verbatim = analyse(chain, Filters.of(kinds=["verbatim"]))
    assert {l.kind for l in verbatim.data.links} == {"verbatim"}
    with pytest.raises(FilterError):
        Filters.of(since="yesterday-ish")
    with pytest.raises(FilterError):
        Filters.of(kinds=["copy"])


def test_empty_store_analyses_to_nothing(store):
    graph = analyse(store)
    assert graph.stories == [] and graph.communities == [] and graph.edges == {}


# -- exports ------------------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["links", "articles", "outlets", "graph"])
def test_exports_round_trip_in_csv_jsonl_and_parquet(chain, tmp_path, what):
    graph = analyse(chain)
    expected = {"links": len(graph.data.links), "articles": len(graph.data.ids), "outlets": len(graph.outlets),
                "graph": len(graph.edges)}[what]
    columns = [c for c, _, _ in COLUMNS[what]]
    paths = {fmt: tmp_path / f"{what}.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
    for fmt, path in paths.items():
        assert export(chain, fmt, what, str(path))["rows"] == expected
    with open(paths["csv"], newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    lines = [json.loads(line) for line in paths["jsonl"].read_text(encoding="utf-8").splitlines()]
    parquet = pq.read_table(paths["parquet"])
    assert len(table) == len(lines) == parquet.num_rows == expected
    assert list(table[0]) == list(lines[0]) == parquet.schema.names == columns
    assert parquet.schema.metadata[b"unspun.table"] == what.encode()
    rows = parquet.to_pylist()
    key = {"links": ("derived", "source"), "articles": ("id",), "outlets": ("outlet",), "graph": ("id",)}[what]
    by_key = {tuple(r[k] for k in key): r for r in lines}
    for r in rows:  # the same values in every format (times as UTC, maps as counts)
        j = by_key[tuple(r[k] for k in key)]
        for c, kind, _ in COLUMNS[what]:
            if kind == "time" and j[c] is not None:
                assert r[c].isoformat().replace("+00:00", "Z") == j[c]
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", j[c])
            elif kind == "map":
                assert dict(r[c]) == j[c]
            else:
                assert r[c] == j[c], (c, r[c], j[c])
    for row, j in zip(table, lines):
        assert {c: v for c, v in row.items() if v != ""} .keys() <= set(columns)


def test_link_export_says_what_the_store_holds(chain, tmp_path):
    export(chain, "jsonl", "links", str(tmp_path / "l.jsonl"))
    rows = {(r["derived"], r["source"]): r for r in map(json.loads, (tmp_path / "l.jsonl").read_text().splitlines())}
    spin = rows[("s1", "w1")]
    assert spin["source_published"] == "2025-02-01T10:00:00Z" and spin["derived_published"] == "2025-02-01T15:00:00Z"
    assert spin["lag_hours"] == 5.0 and spin["story"] == "w1" and spin["opinion_share"] == 0.3
    assert rows[("x2", "x1")]["direction"] == "common-source" and rows[("x2", "x1")]["lag_hours"] is None


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_formats_open_with_networkx(chain, tmp_path, fmt):
    graph = analyse(chain)
    out = tmp_path / f"outlets.{fmt}"
    result = export(chain, fmt, "graph", str(out))
    g = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(str(out))
    assert g.number_of_nodes() == len(graph.outlets) == result["nodes"]
    assert g.number_of_edges() == len(graph.edges) + len(graph.shared) == result["edges"]
    wire = g.nodes["wire.example"]
    assert wire["role"] == "originator" and int(wire["copied"]) == 3 and json.loads(wire["languages"]) == {"en": 1}
    edge = g.edges["wire.example", "spin.example"]
    assert int(edge["links"]) == 1 and json.loads(edge["languages"]) == {"en→fr": 1}
    assert float(edge["lag_median_hours"]) == 5.0
    assert int(g.edges["farm-a.example", "farm-b.example"]["shared"]) == 1
    articles = tmp_path / f"articles.{fmt}"
    result = export(chain, fmt, "links", str(articles))
    a = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(str(articles))
    assert a.number_of_nodes() == 6 and a.number_of_edges() == 5  # u1 has no link
    assert a.edges["w1", "r1"]["kind"] == "verbatim" and a.nodes["s1"]["outlet"] == "spin.example"


def test_export_refuses_what_it_cannot_write_and_leaves_no_half_file(chain, tmp_path, monkeypatch):
    with pytest.raises(ExportError):
        export(chain, "gexf", "articles", str(tmp_path / "a.gexf"))
    with pytest.raises(ExportError):
        export(chain, "xlsx", "links", str(tmp_path / "a.xlsx"))
    with pytest.raises(ExportError):
        export(chain, "parquet", "links", "-")
    import unspun.graph.export as ex

    real_rows = ex.rows

    def failing(store, graph, what):
        for i, row in enumerate(real_rows(store, graph, what)):
            if i == 2:
                raise OSError("No space left on device")
            yield row

    monkeypatch.setattr(ex, "rows", failing)
    for fmt in ("csv", "parquet"):
        with pytest.raises(OSError):
            export(chain, fmt, "links", str(tmp_path / f"cut.{fmt}"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".cut", "cut"))) == []


def test_docs_describe_every_exported_column():
    doc = (ROOT / "docs" / "propagation.md").read_text(encoding="utf-8")
    for what, columns in COLUMNS.items():
        for name, kind, _ in columns:
            assert f"`{name}`" in doc, (what, name)


# -- the command line ---------------------------------------------------------------------------

def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_outlet_stories_and_export(chain, tmp_path):
    db = chain.path
    r = _cli("outlet", "relay.example", "--db", db, "--json")
    assert r.exit_code == 0 and json.loads(r.output)["role"] == "relay"
    r = _cli("stories", "--db", db, "--json")
    assert [s["id"] for s in json.loads(r.output)] == ["w1", "x1"]
    r = _cli("stories", "r1", "--db", db, "--json")
    assert json.loads(r.output)["origin_outlet"] == "wire.example"
    r = _cli("outlets", "--db", db, "--json", "--lang", "en")
    assert {o["outlet"] for o in json.loads(r.output)} == {"wire.example", "relay.example", "copy.example"}
    r = _cli("export", "--db", db, "--format", "csv", "--what", "graph", "--out", "-")
    assert r.exit_code == 0 and len(list(csv.DictReader(io.StringIO(r.output)))) == 4
    r = _cli("export", "--db", db, "--format", "parquet", "--what", "links", "--out", tmp_path / "l.parquet", "--json")
    assert json.loads(r.output)["rows"] == 5 and pq.read_table(tmp_path / "l.parquet").num_rows == 5


def test_cli_graph_commands_fail_clearly(chain, tmp_path):
    for args in (("outlet", "nowhere.example"), ("stories", "nope"), ("outlets", "--since", "soon"),
                 ("export", "--format", "gexf", "--what", "articles", "--out", tmp_path / "x.gexf")):
        r = _cli(*args, "--db", chain.path)
        assert r.exit_code == 1 and "Error:" in r.output and "Traceback" not in r.output, r.output
    missing = tmp_path / "missing.db"
    r = _cli("outlets", "--db", missing)
    assert r.exit_code == 1 and not missing.exists()
