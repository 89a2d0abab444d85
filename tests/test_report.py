"""Reports of the propagation analysis (unspun.graph.report): the HTML page, the Markdown file and
the figures, on a planted synthetic network, on hostile and empty stores and on the demo corpus."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from unspun.graph import (Filters, OutletNotFound, StoryNotFound, analyse, figures, outlet_profile, story_detail,
                          synthetic)
from unspun.graph.report import ReportError, markdown_escape, write_report
from unspun.store import Store

HOSTILE_OUTLET = "evil<b>|x.example"
HOSTILE_TITLE = "<script>alert('x')</script> | # *bold* [link](javascript:alert(1))"


class Page(HTMLParser):
    """What the tests read of a report page: tags, image sources, facts, tables, text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []
        self.facts: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.text: list[str] = []
        self._fact = self._table = self._row = None
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(a["src"])
        elif tag == "dd":
            self._fact = a.get("data-key")
        elif tag == "table":
            self._table = self.tables.setdefault(a["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "dd":
            self._fact = None
        elif tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._fact:
            self.facts[self._fact] = self.facts.get(self._fact, "") + data
        if self._cell is not None:
            self._cell.append(data)


def _page(out: Path) -> Page:
    return Page((out / "index.html").read_text(encoding="utf-8"))


def _markdown_images(out: Path) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", (out / "report.md").read_text(encoding="utf-8"))


def _add_pair(store: Store, derived: tuple, source: tuple, kind: str = "verbatim", direction: str = "dated") -> None:
    """Two articles (id, outlet, lang, published, title) and a link between them, written as rows."""
    rows = [(i, f"hash-{i}", f"https://{o}/{i}", o, lang, t, title, f"Text of {i}.", "{}", "2025-01-01", "2025-01-01",
             0.0) for i, o, lang, t, title in (source, derived)]
    with store.transaction():
        store.db.executemany("INSERT INTO articles (id, content_hash, url, outlet, lang, published, title, text, meta,"
                             " ingested_at, linked_at, artifact_score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        store.db.execute("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         (derived[0], source[0], kind, 0.9, direction, 0.95, 0.95, "{}", "test", "{}", "2025-01-01"))


@pytest.fixture(scope="module")
def syn(tmp_path_factory):
    """A planted network of three communities, plus one hostile pair of articles."""
    s = Store(tmp_path_factory.mktemp("syn") / "syn.db")
    synthetic.generate(s, seed=3, communities=3, stories_per_originator=20)
    _add_pair(s, ("hostile-copy", HOSTILE_OUTLET, "en", "2025-03-01T12:00:00Z", HOSTILE_TITLE),
              ("hostile-src", "calm.example", "en", "2025-03-01T10:00:00Z", "A calm source"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def syn_graph(syn):
    return analyse(syn)


@pytest.fixture(scope="module")
def store_report(syn, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports") / "store"
    return out, write_report(syn, out)


def test_report_store_writes_page_markdown_summary_and_figures(store_report):
    out, summary = store_report
    assert {p.name for p in out.iterdir()} == set(summary["files"])
    assert {"index.html", "report.md", "report.json"} <= set(summary["files"])
    assert {f["file"] for f in summary["figures"]} == {"lag-histogram.png", "languages-flow.png", "network.png",
                                                        "stories.png"}
    for f in summary["figures"]:
        assert Path(f["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "report.json").read_text()) == summary
    assert summary["index"] == str(out / "index.html")


def test_report_every_image_of_the_page_and_the_markdown_exists(store_report):
    out, summary = store_report
    page = _page(out)
    assert page.images and all((out / src).is_file() for src in page.images)
    assert sorted(page.images) == sorted(_markdown_images(out)) == sorted(f["file"] for f in summary["figures"])


def test_report_store_headline_matches_the_analysis(store_report, syn_graph):
    out, summary = store_report
    facts = _page(out).facts
    assert facts["articles"] == f"{syn_graph.data.n_articles:,}"
    assert facts["links"] == f"{len(syn_graph.data.links):,}"
    assert facts["stories"] == f"{len(syn_graph.stories):,}"
    assert facts["communities"] == str(len(syn_graph.communities))
    assert summary["headline"]["stories"] == len(syn_graph.stories)
    md = (out / "report.md").read_text()
    assert f"- stories: **{len(syn_graph.stories):,}**" in md


def test_report_store_tables_follow_roles_and_stories(store_report, syn_graph):
    out, _ = store_report
    tables = _page(out).tables
    originators = [o for o in syn_graph.outlets.values() if o.role == "originator"]
    top = max(originators, key=lambda o: (o.copied, o.articles))
    assert tables["role-originator"][0][0] == top.name
    assert {row[0] for row in tables["role-translator"]} <= {o.name for o in syn_graph.outlets.values()
                                                           if o.role == "translator"}
    assert tables["stories"][0][0] == syn_graph.stories[0].id
    assert tables["stories"][0][4] == str(len(syn_graph.stories[0].members))
    assert len(tables["communities"]) == len(syn_graph.communities)


def test_report_escapes_hostile_text_in_page_and_markdown(syn, syn_graph, tmp_path):
    summary = write_report(syn, tmp_path / "r", story="hostile-copy")
    page = _page(tmp_path / "r")
    assert "script" not in page.tags and "b" not in page.tags
    assert HOSTILE_TITLE in "".join(page.text)
    md = (tmp_path / "r" / "report.md").read_text()
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "evil&lt;b&gt;\\|x.example" in md  # a | would open a table cell
    assert "\\[link\\]" in md and "\\*bold\\*" in md
    assert summary["headline"]["articles"] == 2


def test_report_markdown_escape_keeps_a_value_on_one_line():
    assert markdown_escape("a\n# heading\n| b |") == "a \\# heading \\| b \\|"
    assert markdown_escape(None) == ""


def test_report_story_members_match_story_detail(syn, syn_graph, tmp_path):
    story = syn_graph.stories[0]
    member = syn_graph.data.ids[next(m for m in story.members if m != story.origin)]
    summary = write_report(syn, tmp_path / "s", story=member)
    detail = story_detail(syn, syn_graph, member)
    page = _page(tmp_path / "s")
    assert summary["scope"] == "story" and summary["headline"]["id"] == story.id
    assert summary["headline"]["articles"] == len(detail["members"]) == len(page.tables["members"])
    assert page.facts["origin"] == story.id and page.facts["articles"] == str(len(story.members))
    assert page.tables["members"][0][0] == story.id and page.tables["members"][0][7] == "origin"
    assert f"The article {member} belongs to this story" in "".join(page.text)
    assert {"spread.png", "lag-histogram.png"} <= {f["file"] for f in summary["figures"]}
    assert sorted(page.images) == sorted(_markdown_images(tmp_path / "s"))


def test_report_outlet_sources_and_copiers_match_the_profile(syn, syn_graph, tmp_path):
    domain = "relay0.c0.example"
    profile = outlet_profile(syn, syn_graph, domain)
    summary = write_report(syn, tmp_path / "o", outlet=domain)
    page = _page(tmp_path / "o")
    assert page.tables["sources"][0][0] == profile["top_source"]["outlet"] == page.facts["top_source"]
    assert [row[0] for row in page.tables["sources"]] == [g["outlet"] for g in profile["copies_from"]][:25]
    assert [row[0] for row in page.tables["copiers"]] == [g["outlet"] for g in profile["copied_by"]][:25]
    assert profile["summary"][0] in "".join(page.text)
    assert summary["headline"]["role"] == profile["role"]
    assert {f["file"] for f in summary["figures"]} == {"lag-histogram.png", "languages-flow.png", "neighbourhood.png"}
    assert all((tmp_path / "o" / src).is_file() for src in page.images)


def test_report_unknown_story_or_outlet_raise_and_write_nothing(syn, tmp_path):
    with pytest.raises(StoryNotFound):
        write_report(syn, tmp_path / "x", story="no-such-article")
    with pytest.raises(OutletNotFound):
        write_report(syn, tmp_path / "x", outlet="nowhere.example")
    with pytest.raises(ReportError):
        write_report(syn, tmp_path / "x", story="hostile-copy", outlet="calm.example")
    assert not (tmp_path / "x").exists()
    assert list(tmp_path.iterdir()) == []


def test_report_empty_store_says_there_are_no_links(store, tmp_path):
    summary = write_report(store, tmp_path / "e")
    text = " ".join(_page(tmp_path / "e").text)
    assert "no links" in text and "no links" in (tmp_path / "e" / "report.md").read_text()
    assert summary["figures"] == [] and summary["headline"]["links"] == 0
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == ["index.html", "report.json", "report.md"]


def test_report_articles_without_links_say_so(syn, tmp_path):
    summary = write_report(syn, tmp_path / "w", since="2030-01-01")
    assert summary["headline"]["articles"] == 0
    text = " ".join(_page(tmp_path / "w").text)
    assert "no links" in text and "published from 2030-01-01T00:00:00Z" in text


def test_report_story_without_dates_has_no_timeline(store, tmp_path):
    _add_pair(store, ("undated-copy", "b.example", "de", None, "Kopie"),
              ("undated-src", "a.example", "en", None, "Source"), kind="translation", direction="uncertain")
    summary = write_report(store, tmp_path / "u", story="undated-copy")
    text = " ".join(_page(tmp_path / "u").text)
    assert "No article of this story has a publication date" in text
    assert "No dated links here" in text
    assert [f["file"] for f in summary["figures"]] == ["languages-flow.png"]


def test_report_time_window_matches_the_filtered_analysis(syn, tmp_path):
    summary = write_report(syn, tmp_path / "t", since="2025-01-15", until="2025-02-01T00:00:00Z")
    graph = analyse(syn, Filters.of(since="2025-01-15", until="2025-02-01T00:00:00Z"))
    assert summary["headline"]["articles"] == graph.data.n_articles < analyse(syn).data.n_articles
    assert summary["headline"]["links"] == len(graph.data.links)
    assert summary["filters"]["since"] == "2025-01-15T00:00:00Z"
    assert "until 2025-02-01T00:00:00Z" in (tmp_path / "t" / "report.md").read_text()


def test_report_rerun_replaces_the_previous_report(syn, tmp_path):
    out = tmp_path / "same"
    write_report(syn, out)
    assert (out / "network.png").exists()
    summary = write_report(syn, out, outlet="relay0.c0.example")
    assert sorted(p.name for p in out.iterdir()) == summary["files"]
    assert not (out / "network.png").exists() and (out / "neighbourhood.png").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["same"]  # no working directories left beside it
    assert json.loads((out / "report.json").read_text())["scope"] == "outlet"


def test_report_refuses_to_replace_a_directory_of_other_files(syn, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ReportError):
        write_report(syn, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    write_report(syn, tmp_path / "ok")
    (tmp_path / "ok" / "notes.txt").write_text("added later")
    with pytest.raises(ReportError):
        write_report(syn, tmp_path / "ok")
    assert (tmp_path / "ok" / "index.html").exists()


def test_report_removes_the_working_directory_of_an_interrupted_run(syn, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.unspun-{dead.stdout.strip()}-0123abcd"
    stale.mkdir()
    (stale / "index.html").write_text("half")
    write_report(syn, tmp_path / "out")
    assert not stale.exists() and (tmp_path / "out" / "index.html").exists()


def test_report_failure_while_drawing_keeps_the_previous_report(syn, tmp_path, monkeypatch):
    out = tmp_path / "r"
    write_report(syn, out)
    before = (out / "index.html").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(figures, "network", broken)
    with pytest.raises(RuntimeError):
        write_report(syn, out)
    assert (out / "index.html").read_bytes() == before and (out / "network.png").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_report_progress_reports_every_stage(syn, tmp_path):
    calls = []
    summary = write_report(syn, tmp_path / "p", progress=lambda *a: calls.append(a))
    assert [c[0] for c in calls][0] == "analyse" and calls[-1] == ("write", 1, 1)
    n = len(summary["figures"])
    assert ("figures", n, n) in calls and [c[1] for c in calls if c[0] == "figures"] == list(range(n + 1))


def test_figures_are_deterministic(tmp_path):
    lags = [0.1, 0.5, 2.0, 2.5, 30.0, 200.0, -1.0]
    figures.lag_histogram(lags, tmp_path / "a.png", "Lags")
    figures.lag_histogram(lags, tmp_path / "b.png", "Lags")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_figures_language_flow_reads_with_many_languages(tmp_path):
    langs = [f"l{i:02d}" for i in range(25)]
    pairs = {f"{a}→{b}": 1 + (i * 7 + j) % 5
             for i, a in enumerate(langs) for j, b in enumerate(langs) if (i + j) % 3 == 0}
    names, matrix = figures.language_matrix(pairs)
    assert len(names) == figures.MAX_LANGUAGES and names[-1] == "other"
    assert matrix.sum() == sum(pairs.values())
    figures.language_flow({k: v for k, v in pairs.items() if k[:3] in langs[:17] and k[-3:] in langs[:17]},
                          tmp_path / "flow.png", "Language flow")
    assert (tmp_path / "flow.png").stat().st_size > 10_000


def test_figures_leave_the_backend_and_pyplot_alone(tmp_path):
    # igraph imports pyplot itself; the figures must neither switch its backend nor leave figures in
    # its registry (a long-running server would grow with every report).
    code = ("import matplotlib; from unspun.graph import figures; from matplotlib import pyplot; "
            f"figures.lag_histogram([1.0, 2.0], {str(tmp_path / 'x.png')!r}, 't'); "
            f"figures.network([{{'id': 'a', 'x': 0, 'y': 0, 'articles': 1}}], [], {str(tmp_path / 'n.png')!r}, 't'); "
            "print(matplotlib.get_backend(), len(pyplot.get_fignums()))")
    env = {**os.environ, "MPLBACKEND": "svg"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["svg", "0"]
    assert (tmp_path / "x.png").exists()


# -- the demo corpus, ingested and linked with the real model -------------------------------------

def _demo_id(store: Store, prefix: str) -> str:
    return store.db.execute("SELECT id FROM articles WHERE id LIKE ?", (prefix + "%",)).fetchone()[0]


def test_report_demo_store_traces_the_wire_story(demo_store, tmp_path):
    graph = analyse(demo_store)
    summary = write_report(demo_store, tmp_path / "demo")
    facts = _page(tmp_path / "demo").facts
    assert facts["articles"] == str(graph.data.n_articles) and facts["links"] == str(len(graph.data.links))
    wire = _demo_id(demo_store, "en-wire")
    assert _page(tmp_path / "demo").tables["stories"][0][0] == wire
    assert all((tmp_path / "demo" / f["file"]).is_file() for f in summary["figures"])

    story = write_report(demo_store, tmp_path / "story", story=_demo_id(demo_store, "de-translation"))
    members = _page(tmp_path / "story").tables["members"]
    assert story["headline"]["id"] == wire
    assert story["headline"]["articles"] == len(members) == len(story_detail(demo_store, graph, wire)["members"])
    assert {row[0].rsplit("-", 1)[0] for row in members} >= {"en-wire", "en-copy", "de-translation"}

    outlet = write_report(demo_store, tmp_path / "outlet", outlet="northwire.example")
    copiers = {row[0] for row in _page(tmp_path / "outlet").tables["copiers"]}
    assert {"dailypanorama.example", "ostseebote.example"} <= copiers
    assert outlet["headline"]["role"] == graph.outlets["northwire.example"].role == "originator"
