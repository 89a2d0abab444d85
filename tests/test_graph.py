"""Links that a stronger path explains: siblings are pruned, chains keep their steps."""
from __future__ import annotations

import pytest

from unspun.article import Article, Sentence
from unspun.link.graph import prune_explained
from unspun.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "g.db"))
    for name in "SABCD":
        a = Article(id=name, text=f"Satz {name} hier.", title=name, lang="de")
        a.sentences = [Sentence(0, a.text, 0, len(a.text))]
        s.add_article(a, "m")
    yield s
    s.close()


def _link(store, derived, source, confidence, mean_score=0.5):
    row = {"derived": derived, "source": source, "kind": "rewrite", "confidence": confidence,
           "direction": "uncertain", "derived_coverage": 0.9, "source_coverage": 0.9,
           "features": {"mean_score": mean_score}}
    store.put_link(row, [{"derived": [0], "source": [0], "role": "paraphrased", "score": 0.5, "detail": None}], "m", {})


def _pairs(store):
    return {frozenset((l["derived"], l["source"])) for l in store.links()}


def test_two_rewrites_of_one_source_are_siblings(store):
    _link(store, "A", "S", 0.99)
    _link(store, "B", "S", 0.97)
    _link(store, "A", "B", 0.90)
    removed = prune_explained(store, ["B"])
    assert removed == [("A", "B")]
    assert _pairs(store) == {frozenset("AS"), frozenset("BS")}
    assert store.alignment("A", "B") == []


def test_a_chain_keeps_its_steps(store):
    # S -> A -> B: B is closer to A than to S, so the two-step S-B link is the explained one.
    _link(store, "A", "S", 0.95)
    _link(store, "B", "A", 0.98)
    _link(store, "B", "S", 0.80)
    assert prune_explained(store, ["B"]) == [("B", "S")]
    assert _pairs(store) == {frozenset("AS"), frozenset("AB")}


def test_equal_copies_are_all_kept(store):
    # A wire story copied verbatim by three outlets: every link as strong as the others.
    for d, s in [("A", "S"), ("B", "S"), ("B", "A")]:
        _link(store, d, s, 1.0, 1.2)
    assert prune_explained(store, ["A", "B"]) == []
    assert len(store.links()) == 3


def test_only_neighbourhoods_of_the_given_articles_are_examined(store):
    _link(store, "A", "S", 0.99)
    _link(store, "B", "S", 0.97)
    _link(store, "A", "B", 0.90)
    _link(store, "D", "C", 0.9)
    assert prune_explained(store, ["D"]) == []
    assert len(store.links()) == 4
    assert prune_explained(store, ["S"]) == [("A", "B")]


def test_a_verbatim_copy_outranks_saturated_translations(store):
    # Wire story S, a copy A with one number changed, and a translation B of the story: the
    # translation links to both at confidence ~1, but the copy is the closest relation.
    _link(store, "B", "S", 1.0, 1.3)
    _link(store, "B", "A", 1.0, 1.25)
    row = {"derived": "A", "source": "S", "kind": "verbatim", "confidence": 1.0, "direction": "dated",
           "derived_coverage": 1.0, "source_coverage": 1.0, "features": {"mean_score": 1.1}}
    store.put_link(row, [{"derived": [0], "source": [0], "role": "copied", "score": 1.1, "detail": None}], "m", {})
    assert prune_explained(store, ["B"]) == [("B", "A")]
    assert frozenset("AS") in _pairs(store)
