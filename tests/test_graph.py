"""Links that another article explains: siblings are pruned, chains keep their steps."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from conftest import styled_vector as _styled_vector

from unspun.article import Article, Sentence
from unspun.embed import encoder_model_id
from unspun.link.graph import prune_explained
from unspun.link.style import machine_style
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


def test_a_chain_keeps_its_steps_and_the_link_to_its_origin(store):
    # S -> A -> B: S is B's origin too. A link is only explained by a third article that both of
    # its ends name as their source, and S-B has no such article (A derives from S), so the
    # chain keeps every link: a link to the true origin is never pruned.
    _link(store, "A", "S", 0.95)
    _link(store, "B", "A", 0.98)
    _link(store, "B", "S", 0.80)
    assert prune_explained(store, ["B"]) == []
    assert _pairs(store) == {frozenset("AS"), frozenset("AB"), frozenset("BS")}


def test_a_link_is_never_pruned_in_favour_of_an_article_that_derives_from_one_end(store):
    # A family of copies whose origin S is stored: C copied S and was copied by D. The D-S link
    # is weaker than both D-C and C-S, but C derives from S, so C does not explain D-S.
    _link(store, "C", "S", 0.99)
    _link(store, "D", "C", 0.99)
    _link(store, "D", "S", 0.60)
    assert prune_explained(store, ["D"]) == []
    assert frozenset("DS") in _pairs(store)


def test_a_pruned_pair_keeps_a_shared_source(store):
    # Copies of one wire story that is not stored: A-B is the weakest edge of the triangle whose
    # common source is C, and A-C the weakest of the triangle whose common source is D. Removing
    # both would leave A and B joined only through C and D (the graph would no longer say that
    # they share text): A-C goes, A-B stays.
    _link(store, "A", "B", 0.80)
    _link(store, "A", "C", 0.85)
    _link(store, "B", "C", 0.97)
    _link(store, "A", "D", 0.95)
    _link(store, "C", "D", 0.99)
    assert prune_explained(store, ["A"]) == [("A", "C")]
    assert frozenset("AB") in _pairs(store)


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


# -- rule 1: a common origin explains the link between two of its derivations ---------------------

MODEL = encoder_model_id("e5")


@pytest.fixture
def family(tmp_path):
    """An original S and two derivations A and B, in English, with four sentences each."""
    s = Store(str(tmp_path / "f.db"))

    def add(name, tilt, published=None):
        parts = [f"Sentence {i} of {name}." for i in range(4)]
        text = " ".join(parts)
        a = Article(id=name, text=text, title=name, lang="en", published=published)
        starts = [sum(len(p) + 1 for p in parts[:i]) for i in range(4)]
        a.sentences = [Sentence(i, p, st, st + len(p)) for i, (p, st) in enumerate(zip(parts, starts))]
        a.vectors = np.tile(_styled_vector(tilt), (4, 1))
        s.add_article(a, MODEL)

    s.add = add
    yield s
    s.close()


def _aligned_link(store, derived, source, confidence, pairs):
    row = {"derived": derived, "source": source, "kind": "rewrite", "confidence": confidence,
           "direction": "uncertain", "derived_coverage": 1.0, "source_coverage": 1.0,
           "features": {"mean_score": confidence}}
    rows = [{"derived": [d], "source": [s], "role": "paraphrased", "score": 0.8, "detail": None} for d, s in pairs]
    store.put_link(row, rows, MODEL, {})


ONE_TO_ONE = [(i, i) for i in range(4)]


def test_paraphrases_closer_to_each_other_than_to_their_original_are_siblings(family):
    # Language-model paraphrases converge: A-B is the strongest edge, so rule 2 alone would cut
    # the original away. S reads less like a language model than both, and explains A-B.
    family.add("S", -0.3)
    family.add("A", 0.3)
    family.add("B", 0.35)
    styles = [machine_style(_styled_vector(t), "en", MODEL) for t in (-0.3, 0.3, 0.35)]
    assert styles[0] + 0.02 <= min(styles[1:])
    _aligned_link(family, "A", "S", 0.90, ONE_TO_ONE)
    _aligned_link(family, "B", "S", 0.88, ONE_TO_ONE)
    _aligned_link(family, "B", "A", 0.99, ONE_TO_ONE)
    assert prune_explained(family, ["B"]) == [("B", "A")]
    assert _pairs(family) == {frozenset("AS"), frozenset("BS")}


def test_a_chain_keeps_what_the_middle_article_added(family):
    # S -> A -> B, where A added two sentences (2 and 3) that B kept: S does not explain A-B.
    family.add("S", -0.3)
    family.add("A", 0.3)
    family.add("B", 0.35)
    _aligned_link(family, "A", "S", 0.90, [(0, 0), (1, 1)])
    _aligned_link(family, "B", "S", 0.80, [(0, 0), (1, 1)])
    _aligned_link(family, "B", "A", 0.99, ONE_TO_ONE)
    # Nothing explains A-B (S lacks what A added), and S-B is B's link to its origin.
    assert prune_explained(family, ["B"]) == []
    assert _pairs(family) == {frozenset("AS"), frozenset("AB"), frozenset("BS")}


def test_without_a_clear_style_difference_strength_decides(family):
    family.add("S", 0.301)
    family.add("A", 0.300)
    family.add("B", 0.302)
    _aligned_link(family, "A", "S", 0.90, ONE_TO_ONE)
    _aligned_link(family, "B", "S", 0.88, ONE_TO_ONE)
    _aligned_link(family, "B", "A", 0.95, ONE_TO_ONE)
    # Rule 1 does not apply (no origin by style); rule 2 removes the weakest edge whose two ends
    # both name the third article as their source: A-B (both link to S), not S-B.
    assert prune_explained(family, ["B"]) == []
    _aligned_link(family, "A", "S", 0.97, ONE_TO_ONE)
    _aligned_link(family, "B", "S", 0.96, ONE_TO_ONE)
    assert prune_explained(family, ["B"]) == [("B", "A")]


def test_publication_dates_name_the_origin(family):
    # Dated articles: the earliest is the origin whatever the style says.
    t0 = datetime(2026, 3, 1, 8)
    family.add("S", 0.4, t0)
    family.add("A", 0.3, t0 + timedelta(hours=2))
    family.add("B", 0.2, t0 + timedelta(hours=5))
    _aligned_link(family, "A", "S", 0.90, ONE_TO_ONE)
    _aligned_link(family, "B", "S", 0.88, ONE_TO_ONE)
    _aligned_link(family, "B", "A", 0.99, ONE_TO_ONE)
    assert prune_explained(family, ["B"]) == [("B", "A")]


def test_an_article_built_from_two_sources_is_the_derived_side_of_both(store):
    # Without dates, coverage turned the two partial links round (each source covers more of
    # itself in the passage than the long compiling article does); two different passages of A
    # found in S and in B make A their compiler.
    from unspun.link.graph import orient_compilations

    for source, span in (("S", [0, 1]), ("B", [4, 5])):
        row = {"derived": source, "source": "A", "kind": "partial", "confidence": 0.9, "direction": "uncertain",
               "derived_coverage": 0.4, "source_coverage": 0.2, "features": {}}
        rows = [{"derived": [i], "source": [j], "role": "translated", "score": 0.8, "detail": None}
                for i, j in zip((0, 1), span)]
        rows.append({"derived": [2], "source": [], "role": "inserted", "score": None, "detail": None})
        store.put_link(row, rows, "m", {})
    turned = orient_compilations(store, ["S", "B"])
    assert sorted(turned) == [("A", "B"), ("A", "S")]
    links = {(l["derived"], l["source"]): l for l in store.links()}
    assert set(links) == {("A", "S"), ("A", "B")}
    assert links[("A", "S")]["derived_coverage"] == 0.2
    roles = {r["role"] for r in store.alignment("A", "S")}
    assert roles == {"translated", "omitted"}  # the source's sentence the compiler left out


def test_partial_links_sharing_one_passage_are_not_turned(store):
    from unspun.link.graph import orient_compilations

    for source in ("S", "B"):  # two copies of the same passage of A: nothing says A compiled them
        row = {"derived": source, "source": "A", "kind": "partial", "confidence": 0.9, "direction": "uncertain",
               "derived_coverage": 0.4, "source_coverage": 0.2, "features": {}}
        store.put_link(row, [{"derived": [0], "source": [3], "role": "copied", "score": 0.9, "detail": None},
                             {"derived": [1], "source": [4], "role": "copied", "score": 0.9, "detail": None}], "m", {})
    assert orient_compilations(store, ["S", "B", "A"]) == []


def test_a_family_link_never_explains_a_link_away(store):
    # A derives from S, S from B (an undated pair, oriented either way); an earlier run joined
    # A-B as common-source through S (link.families). Running the rules again (a later link run,
    # a second import of one Spark output) must not read A-S as explained by B through the family
    # link: it prunes what the first run did, and a family link is a conclusion, not evidence.
    _link(store, "A", "S", 0.80)
    _link(store, "S", "B", 0.99)
    row = {"derived": "A", "source": "B", "kind": "partial", "confidence": 0.97, "direction": "common-source",
           "derived_coverage": 0.9, "source_coverage": 0.9,
           "features": {"mean_score": 0.9, "family": {"through": "S", "shared": [[0, 0, 0]], "probability": 0.97}}}
    store.put_link(row, [{"derived": [0], "source": [0], "role": "paraphrased", "score": 0.5, "detail": None}], "m", {})
    assert prune_explained(store, ["A", "B"]) == []
    assert _pairs(store) == {frozenset("AS"), frozenset("BS"), frozenset("AB")}
