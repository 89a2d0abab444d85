"""Quality floors on fixed samples of the labelled corpora in ../shared/data/dev (real model).

Each corpus is sampled by ``unspun.eval.load_corpus(sample=N)``: N labelled pairs spread evenly
over pairs.jsonl and every labelled pair among their articles. Floors are regression floors just
under what the current linker measures on these samples, with the project's target (issue "The
core, end to end") beside each; where the sample is on the wrong side of a target the full corpus
meets, both figures are written there. The classifier's weights were fitted on the full corpora
*without* any pair touching these samples' articles, so the samples are held out.
Full-corpus figures are in docs/linking.md.
Sentence vectors are shared between corpora through one cache file per test session;
UNSPUN_TEST_VECTOR_CACHE names a persistent one instead (results are identical, only faster).
"""
from __future__ import annotations


import pytest

from conftest import DATA

from unspun.embed import encoder_model_id
from unspun.eval import evaluate, load_corpus
from unspun.ingest.jsonl import article_from_record
from unspun.link.style import machine_style
from unspun.pipeline import add_embeddings, analyse, doc_vector
from unspun.settings import Settings
from unspun.store import Store

SAMPLES = {
    "wmt21-human": 60,
    "wmt21-mt": 60,
    "llm-paraphrase": 80,
    "llm-rewrite": 80,
    "llm-same-narrative": 110,
    "semeval22-sample": 200,
}


@pytest.fixture(scope="module")
def results(vector_cache):
    cache = vector_cache
    out = {}
    for corpus, n in SAMPLES.items():
        out[corpus] = evaluate(DATA / corpus, Settings(), sample=n, vector_cache=cache)
    return out


@pytest.mark.parametrize("corpus", ["wmt21-human", "wmt21-mt"])
def test_quality_translation_links(results, corpus):
    r = results[corpus]["per_kind"]["translation"]
    assert r["support"] >= 60
    assert r["recall"] >= 0.95, results[corpus]  # measured 1.0 / 0.983 (0.983 / 0.967 before the link model); target 0.95
    assert results[corpus]["overall"]["precision"] >= 0.95, results[corpus]
    assert results[corpus]["direction_accuracy"] >= 0.85, results[corpus]


# measured recall: paraphrase 0.9375, rewrite 0.90 (target 0.90); precision 1.0 on both (link model,
# link/decide.py; 0.95 / 0.9125 with the whole-document classifier alone)
REWRITE_RECALL_FLOOR = {"llm-paraphrase": 0.93, "llm-rewrite": 0.90}


@pytest.mark.parametrize("corpus", ["llm-paraphrase", "llm-rewrite"])
def test_quality_rewrite_links(results, corpus):
    r = results[corpus]["per_kind"]["rewrite"]
    assert r["support"] >= 80
    assert r["recall"] >= REWRITE_RECALL_FLOOR[corpus], results[corpus]
    assert results[corpus]["overall"]["precision"] >= 0.95, results[corpus]
    assert results[corpus]["kind_accuracy"] >= 0.95, results[corpus]
    # measured 0.974 / 0.986 (0.947 / 0.863 by coverage alone, before the style probe)
    assert results[corpus]["direction_accuracy"] >= 0.95, results[corpus]


def test_quality_unrelated_pairs_are_not_linked(results):
    r = results["semeval22-sample"]
    assert r["linked_unrelated_rate"] is not None
    # measured 0 of 71 (target 0.005); two pages made of the same site's cookie banner were linked
    # until page furniture was left out of coverage (text/boilerplate.py)
    assert r["linked_unrelated_rate"] <= 0.005, r


def test_quality_same_event_pairs_are_not_linked(results):
    r = results["llm-same-narrative"]
    assert r["pairs"] >= 1000
    # measured 18 of 1,065 = 0.0169 on this sample with the link model fitted on sixty real
    # clusters (13, 0.0122, with the one fitted on six before it), 0.0158 (194) on the full corpus
    # (11,863 pairs; 0.0114 before, 0.0085 before any link model); target 0.01 (on the full
    # corpus), missed before and after. The sixty-cluster model trades these LLM texts written from
    # one prompt for real news: on four sets of fresh real clusters it linked fewer independent
    # reports (2.42% against 3.88%) at higher recall (docs/linking.md, *Sixty clusters and four
    # fresh sets*). 19 (0.0178) with the packages installed on 2026-12-07 (the same code: 56e9b9f gives
    # 19 too; not the CPU's vector kernels, which give the same confidences with AVX-512 off), so
    # the floor leaves room for that one link.
    assert r["linked_same_event_rate"] <= 0.018, r


def test_quality_sentence_alignment_on_human_translations(results):
    r = results["wmt21-human"]
    assert r["alignment_segments"] >= 500
    assert r["alignment_accuracy"] >= 0.95, r  # measured 0.959; target 0.95


def test_style_probe_reads_originals_as_less_machine_like_than_their_rewrites(results, vector_cache):
    """The machine-style probe (link/style.py) was fitted on other corpora (semeval22, wmt21,
    llm-same-narrative): on the PolitiFact samples each original should read less like a
    language model than its own gpt-3.5 paraphrase or rewrite. Measured 0.95 / 0.96 of pairs on
    the full corpora."""
    settings = Settings()
    model = encoder_model_id(settings.encoder)
    cache = Store(vector_cache)  # filled by ``results``: no sentence is embedded twice
    try:
        lower = total = 0
        for corpus in ("llm-paraphrase", "llm-rewrite"):
            records, pairs = load_corpus(DATA / corpus, sample=SAMPLES[corpus])
            style = {}
            for r in records:
                article = analyse(article_from_record(r, settings, corpus))
                add_embeddings(article, settings, cache)
                style[r["id"]] = machine_style(doc_vector(article.vectors), article.lang, model)
            for p in pairs:
                if "derived" in p:
                    total += 1
                    lower += style[p["source"]] < style[p["derived"]]
    finally:
        cache.close()
    assert total >= 160
    assert lower / total >= 0.9, (lower, total)
