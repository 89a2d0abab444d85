"""The SQLite store: migrations, whole records, idempotent re-runs."""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from unspun.article import Anchor, Article, Sentence
from unspun.errors import ArticleNotFound, SchemaTooNew, StoreError
from unspun.store import Store
from unspun.store.migrations import MIGRATIONS


def _article(text="Ein Satz hier. Noch ein Satz dort.", **kw) -> Article:
    a = Article(text=text, title="Titel", lang="de", **kw)
    a.sentences = [Sentence(0, "Ein Satz hier.", 0, 14, anchors=[Anchor("number", "5")]),
                   Sentence(1, "Noch ein Satz dort.", 15, 34)]
    a.vectors = np.eye(2, 4, dtype=np.float32)
    return a


def test_store_applies_all_migrations(store):
    assert store.schema_version == len(MIGRATIONS)
    names = [r[0] for r in store.db.execute("SELECT name FROM _migrations ORDER BY version")]
    assert names == [m.__name__ for m in MIGRATIONS]


def test_store_reopen_keeps_data_and_schema(tmp_path):
    path = tmp_path / "s.db"
    with Store(path) as s:
        s.add_article(_article(), "m", np.ones(4, dtype=np.float32))
    with Store(path) as s:
        assert s.count("articles") == 1 and s.schema_version == len(MIGRATIONS)


def test_store_refuses_newer_schema(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO _migrations VALUES (999, 'm999_future', 'now')")
    db.commit()
    db.close()
    with pytest.raises(SchemaTooNew, match="schema version 999"):
        Store(path)


def test_store_rejects_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "not.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="Cannot open store"):
        Store(path)


def test_store_round_trips_an_article_with_vectors(store):
    a = _article()
    store.add_article(a, "m", np.ones(4, dtype=np.float32))
    b = store.get_article(a.id, "m")
    assert (b.text, b.title, b.lang) == (a.text, a.title, a.lang)
    assert [s.text for s in b.sentences] == [s.text for s in a.sentences]
    assert b.sentences[0].anchors == [Anchor("number", "5")]
    assert np.array_equal(b.vectors, a.vectors)


def test_store_missing_article_raises_with_hint(store):
    with pytest.raises(ArticleNotFound, match="unspun articles"):
        store.get_article("nope")


def test_store_failed_write_leaves_nothing(store):
    a = _article()
    a.sentences.append(Sentence(1, "duplicate index", 0, 5))  # violates the sentences primary key
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(a, "m")
    assert store.count("articles") == 0 and store.count("sentences") == 0 and store.count("anchors") == 0


def test_store_vectors_are_shared_by_content(store):
    store.put_vectors("m", ["h1", "h2"], np.ones((2, 3), dtype=np.float32))
    store.put_vectors("m", ["h1"], np.zeros((1, 3), dtype=np.float32))  # first vector wins
    assert np.array_equal(store.cached_vectors("m", ["h1"])["h1"], np.ones(3, dtype=np.float32))
    assert store.get_vectors("m", ["h1", "h3"]) is None


def test_store_links_replace_and_cascade(store):
    a, b = _article(), _article(text="Ganz anderer Text. Mit zwei Sätzen hier.")
    b.id = "b"
    for x in (a, b):
        store.add_article(x, "m")
    link = {"derived": a.id, "source": "b", "kind": "translation", "confidence": 0.9, "direction": "dated",
            "derived_coverage": 1.0, "source_coverage": 1.0}
    change = {"type": "number", "source": "5%", "derived": "7 %", "reason": "the source gives another figure"}
    rows = [{"derived": [0], "source": [0], "role": "altered", "score": 0.9, "detail": "number: 5% → 7 %",
             "changes": [change]}]
    store.put_link(link, rows, "m", {})
    store.put_link({**link, "confidence": 0.8}, rows, "m", {})
    assert len(store.links()) == 1 and store.links()[0]["confidence"] == 0.8
    # the rows come back with their changes (migration 4)
    assert store.alignment(a.id, "b") == rows
    store.db.execute("DELETE FROM articles WHERE id = 'b'")
    assert store.links() == [] and store.count("alignments") == 0


def test_store_rejections_are_recorded_once_per_input_and_reason(store):
    store.reject("a.txt", "empty", "the file is empty")
    store.reject("a.txt", "empty", "the file is empty")
    assert [(r["input"], r["reason"]) for r in store.rejected()] == [("a.txt", "empty")]


@hsettings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1, max_size=300), title=st.one_of(st.none(), st.text(max_size=50)),
       outlet=st.one_of(st.none(), st.text(max_size=30)))
def test_store_round_trip_property(tmp_path_factory, text, title, outlet):
    """Any text, title and outlet come back exactly as stored, with their sentence spans."""
    from unspun.pipeline import analyse

    path = tmp_path_factory.mktemp("prop") / "p.db"
    with Store(path) as s:
        a = analyse(Article(text=text, title=title, outlet=outlet, lang="en"))
        s.add_article(a, "m")
        b = s.get_article(a.id)
        assert (b.text, b.title, b.outlet) == (text, title, outlet)
        assert [(x.start, x.end, x.text) for x in b.sentences] == [(x.start, x.end, x.text) for x in a.sentences]
