"""Candidate index: persisted beside the store, caught up incrementally, rebuilt when stale,
windowed in time, and never all pairs. Vectors are built by hand (no model needed)."""
from __future__ import annotations

import os
import random
from datetime import datetime, timedelta

import numpy as np
import pytest

from unspun.article import Anchor, Article, Sentence
from unspun.index.candidates import CandidateIndex
from unspun.index.minhash import article_minhash, minhash_of
from unspun.settings import Settings
from unspun.store import Store

MODEL = "test-model"
DIM = 32
WORDS = [f"w{n}" for n in range(5000)]
rng = np.random.default_rng(7)
LANG_DIRECTION = {lang: rng.normal(size=DIM) for lang in ("en", "de", "fr")}


def _article(n: int, lang: str, topic: np.ndarray, text: str | None = None, published: datetime | None = None,
             names: tuple[str, ...] = ()) -> tuple[Article, np.ndarray]:
    words = random.Random(n).sample(WORDS, 60)
    text = text or " ".join(words[:30]) + ". " + " ".join(words[30:]) + "."
    a = Article(text=text, title=f"t{n}", id=f"a{n}", lang=lang, published=published)
    cut = text.index(". ") + 1
    a.sentences = [Sentence(0, text[:cut], 0, cut, anchors=[Anchor("name", x) for x in names]),
                   Sentence(1, text[cut + 1:], cut + 1, len(text))]
    # A strong language component plus the story's own: what multilingual encoders produce.
    v = 3 * LANG_DIRECTION[lang] + topic + 0.05 * np.random.default_rng(n).normal(size=DIM)
    v = (v / np.linalg.norm(v)).astype(np.float32)
    a.vectors = np.vstack([v, v])
    return a, v


def _put(store: Store, article: Article, v: np.ndarray) -> None:
    store.add_article(article, MODEL, v, article_minhash(article, 64))


def _fill(store: Store, count: int, start: int = 0, **kw) -> list[Article]:
    out = []
    for n in range(start, start + count):
        topic = np.random.default_rng(1000 + n).normal(size=DIM)
        a, v = _article(n, ("en", "de", "fr")[n % 3], topic, **kw)
        _put(store, a, v)
        out.append(a)
    return out


def _ids(index: CandidateIndex, article: Article) -> list[str]:
    return [i for i, _ev in index.candidates(article)]


def test_index_writes_files_beside_the_store_and_survives_reopen(tmp_path):
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 30)
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert index.appended == 30
        before = _ids(index, articles[4])
    assert os.path.isfile(tmp_path / "s.db.candidates")
    assert not os.path.exists(tmp_path / "s.db.usearch")  # document vectors are searched exactly: no graph
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert (index.appended, index.rebuilt, len(index)) == (0, False, 30)
        assert _ids(index, articles[4]) == before


def test_index_appends_only_articles_stored_since_the_last_run(tmp_path):
    store = Store(tmp_path / "s.db")
    _fill(store, 30)
    CandidateIndex(store, MODEL, Settings()).close()
    # A French translation of article 4's story (article 4 is in German: 4 % 3 == 1).
    topic = np.random.default_rng(1004).normal(size=DIM)
    translation, v = _article(99, "fr", topic)
    _put(store, translation, v)
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert (index.appended, index.rebuilt, len(index)) == (1, False, 31)
        assert _ids(index, translation)[0] == "a4"


def test_index_centres_languages_so_translations_outrank_same_language_stories(tmp_path):
    store = Store(tmp_path / "s.db")
    _fill(store, 60)
    topic = np.random.default_rng(1004).normal(size=DIM)
    translation, v = _article(99, "fr", topic)
    with CandidateIndex(store, MODEL, Settings(neighbours=2, min_shared_anchors=99)) as index:
        found = index.candidates(translation, v)
    # Raw cosine ranks every French article above the German source; centring finds it first.
    raw = sorted(((float(v @ _article(n, ("en", "de", "fr")[n % 3],
                                        np.random.default_rng(1000 + n).normal(size=DIM))[1]), n)
                  for n in range(60)), reverse=True)
    assert raw[0][1] != 4 and raw[0][1] % 3 == 2
    assert found[0][0] == "a4" and "vector_rank" in found[0][1]


def test_index_rebuilds_when_the_store_is_replaced(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    _fill(store, 20)
    CandidateIndex(store, MODEL, Settings()).close()
    store.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(path) + suffix):
            os.remove(str(path) + suffix)
    store = Store(path)
    fresh = _fill(store, 5, start=500)
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert index.rebuilt and len(index) == 5
        assert all(i.startswith("a5") for i in _ids(index, fresh[0]))


def test_index_rebuilds_when_articles_were_deleted(tmp_path):
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 20)
    CandidateIndex(store, MODEL, Settings()).close()
    store.db.execute("DELETE FROM articles WHERE id = 'a3'")
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert index.rebuilt and len(index) == 19
        assert "a3" not in _ids(index, articles[3])


def test_index_rebuilds_when_settings_it_was_built_with_change(tmp_path):
    store = Store(tmp_path / "s.db")
    _fill(store, 10)
    CandidateIndex(store, MODEL, Settings()).close()
    with CandidateIndex(store, MODEL, Settings(minhash_threshold=0.5)) as index:
        assert index.rebuilt and len(index) == 10


def test_index_rebuilds_a_missing_passage_file_and_removes_an_old_document_graph(tmp_path):
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 30)
    with CandidateIndex(store, MODEL, Settings()) as index:
        before = _ids(index, articles[7])
        passages = len(index.passages)
    os.remove(tmp_path / "s.db.usearch.passages")
    (tmp_path / "s.db.usearch").write_bytes(b"the document graph an earlier version kept")
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert index.appended == 0 and len(index.vectors) == 30 and len(index.passages) == passages > 0
        assert _ids(index, articles[7]) == before
    assert not os.path.exists(tmp_path / "s.db.usearch")


def test_index_finds_a_same_language_copy_by_minhash(tmp_path):
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 30)
    copy_text = articles[5].text.replace("w", "w", 1) + " Extra closing line here."
    copy, _v = _article(77, "fr", np.random.default_rng(5).normal(size=DIM), text=copy_text)
    with CandidateIndex(store, MODEL, Settings(neighbours=1, min_shared_anchors=99)) as index:
        ev = dict(index.candidates(copy, np.zeros(DIM, dtype=np.float32)))
    assert ev["a5"].get("minhash") and "vector_rank" not in ev["a5"]


def test_index_reads_a_stored_articles_minhash_from_the_store(tmp_path):
    """A stored article's bands come from the signature stored with it, computed from the same
    text: the same candidates as computing it again."""
    store = Store(tmp_path / "s.db")
    settings = Settings(neighbours=1, min_shared_anchors=99)
    articles = _fill(store, 30)
    copy, v = _article(77, "fr", np.random.default_rng(5).normal(size=DIM),
                       text=articles[5].text + " Extra closing line here.")
    store.add_article(copy, MODEL, v, article_minhash(copy, settings.minhash_perm))
    stored = store.get_article("a77", MODEL)
    assert stored.meta.get("_rowid") is not None
    with CandidateIndex(store, MODEL, settings) as index:
        read = index._hashvalues(stored)
        assert dict(index.candidates(stored, v))["a5"].get("minhash")
    assert np.array_equal(read, minhash_of(copy.text, settings.minhash_perm).hashvalues)
    # what the store keeps, not computed again (an article not loaded from a store is computed)
    assert read.base is not None and not read.flags.writeable


def test_index_finds_articles_sharing_rare_anchors(tmp_path):
    store = Store(tmp_path / "s.db")
    _fill(store, 30)
    names = ("kallas", "tallinn", "ursula")
    holder, v = _article(200, "en", np.random.default_rng(200).normal(size=DIM), names=names)
    _put(store, holder, v)
    query, _v = _article(201, "de", np.random.default_rng(201).normal(size=DIM), names=names)
    with CandidateIndex(store, MODEL, Settings(neighbours=1)) as index:
        ev = dict(index.candidates(query, np.zeros(DIM, dtype=np.float32)))
    assert ev["a200"]["shared_anchors"] == 3


def test_index_time_window_drops_pairs_published_too_far_apart(tmp_path):
    store = Store(tmp_path / "s.db")
    day = datetime(2024, 3, 1)
    near, v = _article(1, "en", np.ones(DIM), published=day)
    far, w = _article(2, "de", np.ones(DIM), published=day + timedelta(days=40))
    _put(store, near, v)
    _put(store, far, w)
    query, q = _article(3, "fr", np.ones(DIM), published=day + timedelta(days=2))
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert set(_ids(index, query)) == {"a1", "a2"}
    with CandidateIndex(store, MODEL, Settings(time_window_days=7)) as index:
        assert _ids(index, query) == ["a1"]


def test_index_never_proposes_all_pairs(tmp_path):
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 200)
    settings = Settings(candidates_per_article=5, neighbours=4)
    pairs = set()
    with CandidateIndex(store, MODEL, settings) as index:
        for a in articles:
            found = _ids(index, a)
            assert len(found) <= 5 and a.id not in found
            pairs.update(frozenset((a.id, o)) for o in found)
    assert len(pairs) <= 200 * 5 < 200 * 199 // 2 // 10


def test_index_add_keeps_an_unstored_article_findable_in_memory(tmp_path):
    store = Store(tmp_path / "s.db")
    _fill(store, 60)
    topic = np.random.default_rng(4242).normal(size=DIM)
    traced, v = _article(300, "en", topic)
    later, w = _article(301, "de", topic)
    with CandidateIndex(store, MODEL, Settings(min_shared_anchors=99)) as index:
        index.add(traced, v)
        assert _ids(index, later)[0] == "a300"
    with CandidateIndex(store, MODEL, Settings()) as index:
        assert len(index) == 60  # never persisted: the store does not hold it


def test_index_works_over_an_in_memory_store():
    store = Store(":memory:")
    articles = _fill(store, 12)
    index = CandidateIndex(store, MODEL, Settings())
    assert len(index) == 12 and len(_ids(index, articles[0])) > 0


def test_index_rejects_an_unknown_vector_source(tmp_path):
    settings = Settings()
    settings._values["candidate_vectors"] = "bogus"
    with pytest.raises(ValueError, match="candidate_vectors"):
        CandidateIndex(Store(tmp_path / "s.db"), MODEL, settings)


def test_index_catch_up_takes_in_what_another_index_appended(tmp_path):
    store = Store(tmp_path / "s.db")
    _fill(store, 60)
    server = CandidateIndex(store, MODEL, Settings(min_shared_anchors=99))  # e.g. the web UI's
    topic = np.random.default_rng(4242).normal(size=DIM)
    stored, v = _article(300, "en", topic)
    _put(store, stored, v)
    CandidateIndex(store, MODEL, Settings(min_shared_anchors=99)).close()  # e.g. `unspun link`
    query, _w = _article(301, "de", topic)
    server.catch_up()
    assert _ids(server, query)[0] == "a300"


def test_index_exact_search_returns_the_true_nearest_neighbours(tmp_path):
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 90)
    with CandidateIndex(store, MODEL, Settings(neighbours=5)) as index:
        query = index._query_vector(articles[0], None)
        found = [i for i, _sim in index._nearest(query, 6)]
        rows = index.sidecar.db.execute("SELECT article_id, lang, vector FROM items ORDER BY key").fetchall()
        centred = np.vstack([index.centers.center(lang, np.frombuffer(v, dtype=np.float16).astype(np.float32))
                             for _i, lang, v in rows])
        truth = [rows[k][0] for k in np.argsort(-(centred @ query))[:6]]
    assert found[0] == truth[0] and len(set(found) & set(truth)) >= 5  # 8-bit vectors may swap a near tie


def test_index_proposes_an_in_memory_article_by_its_passages_on_an_empty_store(tmp_path):
    # No stored article yet, so no passage index: the in-memory article's passages still count.
    store = Store(tmp_path / "s.db")
    topic = np.random.default_rng(77).normal(size=DIM)
    traced, v = _article(400, "en", topic)
    later, _w = _article(401, "en", topic)
    with CandidateIndex(store, MODEL, Settings(min_shared_anchors=99)) as index:
        index.add(traced, v)
        ev = dict(index.candidates(later))
    assert "passage_rank" in ev["a400"]


def test_index_searches_document_vectors_exactly_beyond_exact_search_max(tmp_path):
    # The graph is never asked for document vectors: at any size the nearest are the rule's
    # (index.rules: 8-bit centred vectors, integer dot products, ties by id), as in Spark.
    from unspun.index import rules

    store = Store(tmp_path / "s.db")
    articles = _fill(store, 120)
    with CandidateIndex(store, MODEL, Settings(neighbours=7, exact_search_max=1)) as index:
        exact = index._exact_vectors()
        for a in articles[:30]:
            q = rules.quantise(index._query_vector(a, None)[None, :])
            truth = rules.top(exact.ids, rules.cosines(q, exact.q)[0], 8)
            assert index._nearest(index._query_vector(a, None), 8) == truth


def test_index_windowed_exact_search_reads_only_the_window_and_equals_the_rule():
    from unspun.index import rules
    from unspun.index.candidates import ExactVectors

    rng = np.random.default_rng(3)
    n = 3000
    q = rng.integers(-127, 128, size=(n, 24), dtype=np.int8)
    q[10:20] = q[9]  # copies of one text: ties broken by id
    when = rng.uniform(0, 365 * 86400, size=n).round()
    when[::17] = np.nan  # undated rows meet every query
    ids = np.asarray([f"x{i:05d}" for i in range(n)], dtype=str)
    index = ExactVectors(ids, q, when)
    window = 3 * 86400.0
    queries = np.vstack([q[9], rng.integers(-127, 128, size=(5, 24), dtype=np.int8)])
    times = [float(when[9]) if not np.isnan(when[9]) else 1e6, None, 40 * 86400.0, 0.0, 200 * 86400.0,
             float(np.nanmax(when)) + window]  # the last query meets rows exactly at the window's edge
    assert len(index._window_rows(40 * 86400.0, window)) < n // 10
    got = index.search(queries, 12, times, window)
    everything = rules.search_block(ids, q, rules.norms(q), when, queries, 12, times, window, block=n)
    assert got == everything
    assert index.search(queries, 12) == rules.search_block(ids, q, rules.norms(q), when, queries, 12, block=977)


def test_index_rules_dots_are_the_exact_integer_products():
    from unspun.index import rules

    rng = np.random.default_rng(5)
    a = rng.integers(-127, 128, size=(7, 384), dtype=np.int8)
    b = rng.integers(-127, 128, size=(500, 384), dtype=np.int8)
    b[0] = 127
    a[0] = 127  # the largest sum: 384 * 127**2
    assert np.array_equal(rules.dots(a, b), (a.astype(np.int64) @ b.astype(np.int64).T).astype(np.float64))


def test_index_exact_vectors_are_saved_for_the_next_process_and_extended(tmp_path, monkeypatch):
    import unspun.index.candidates as candidates

    monkeypatch.setattr(candidates, "EXACT_FILE_MIN", 0)
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 60)
    with CandidateIndex(store, MODEL, Settings()) as index:
        before = [_ids(index, a) for a in articles[:10]]
    assert os.path.isfile(tmp_path / "s.db.exact.q.npy")
    with CandidateIndex(store, MODEL, Settings()) as index:  # the next process maps the file
        loaded = index._load_exact((index.generation, index.centers.fingerprint()))
        assert loaded is not None and len(loaded) == 60 and isinstance(loaded.q, np.memmap)
        assert [_ids(index, a) for a in articles[:10]] == before
    more = _fill(store, 5, start=60)
    with CandidateIndex(store, MODEL, Settings()) as index:  # 5 more than the file: read and added
        assert len(index._exact_vectors()) == 65
        extended = [_ids(index, a) for a in articles[:10] + more]
    with CandidateIndex(store, MODEL, Settings(), rebuild=True) as index:  # a new generation: not the file
        assert index._load_exact((index.generation, index.centers.fingerprint())) is None
        assert [_ids(index, a) for a in articles[:10] + more] == extended


def test_index_exact_passages_are_saved_for_the_next_process_and_extended(tmp_path, monkeypatch):
    # A trace opens the store's passages memory-mapped instead of centring them all again; the
    # file is extended with what was indexed after it, and a rebuilt index never reads it.
    import unspun.index.candidates as candidates

    monkeypatch.setattr(candidates, "EXACT_FILE_MIN", 0)
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 40)
    with CandidateIndex(store, MODEL, Settings()) as index:
        before = [_ids(index, a) for a in articles[:8]]
        rows = len(index._exact_passages())
    assert rows == len(index.passages) >= 40
    assert os.path.isfile(tmp_path / "s.db.exact-passages.q.npy")
    with CandidateIndex(store, MODEL, Settings()) as index:
        stamp = (index.generation, index.centers.fingerprint())
        loaded = index._load_exact(stamp, "passages", index.passages_upto)
        assert loaded is not None and len(loaded) == rows and isinstance(loaded.q, np.memmap)
        assert [_ids(index, a) for a in articles[:8]] == before
        assert isinstance(index._exact_passages().q, np.memmap)  # the file, not a copy built again
    more = _fill(store, 4, start=40)
    with CandidateIndex(store, MODEL, Settings()) as index:
        extended = index._exact_passages()
        assert len(extended) == len(index.passages) > rows
        assert list(extended.ids[:rows]) == list(loaded.ids)
        got = [_ids(index, a) for a in articles[:8] + more]
    with CandidateIndex(store, MODEL, Settings(), rebuild=True) as index:
        assert index._load_exact((index.generation, index.centers.fingerprint()), "passages", index.passages_upto) is None
        assert [_ids(index, a) for a in articles[:8] + more] == got


def test_index_passages_beyond_the_exact_size_go_through_the_graph(tmp_path):
    # exact_search_max is the line between the exact search (the Spark engine's) and the graph.
    store = Store(tmp_path / "s.db")
    articles = _fill(store, 40)
    with CandidateIndex(store, MODEL, Settings()) as index:
        exact = [_ids(index, a) for a in articles[:8]]
        assert "passages" in index._exact
    with CandidateIndex(store, MODEL, Settings(exact_search_max=10)) as index:
        graph = [_ids(index, a) for a in articles[:8]]
        assert "passages" not in index._exact
    assert [a[:2] for a in graph] == [a[:2] for a in exact]  # approximate: the tails may differ


def test_index_rules_cosines_are_the_dot_products_over_the_norms_and_zero_for_a_zero_vector():
    from unspun.index import rules

    rng = np.random.default_rng(9)
    a = rng.integers(-127, 128, size=(5, 384), dtype=np.int8)
    b = rng.integers(-127, 128, size=(300, 384), dtype=np.int8)
    a[2] = 0
    b[7] = 0
    dots = (a.astype(np.int64) @ b.astype(np.int64).T).astype(np.float64)
    na, nb = np.sqrt((a.astype(np.float64) ** 2).sum(1)), np.sqrt((b.astype(np.float64) ** 2).sum(1))
    expected = np.zeros_like(dots)
    nonzero = np.outer(na, nb) > 0
    expected[nonzero] = dots[nonzero] / np.outer(na, nb)[nonzero]
    got = rules.cosines(a, b)
    assert np.array_equal(got, expected)
    assert not got[2].any() and not got[:, 7].any() and np.isfinite(got).all()
