"""Real-world derivations: excerpts, partial reuse, briefs, page furniture, families of copies,
several sources, built from the dev corpora's real documents (real model).

The aggregate floors are pinned on the *test* half of the constructed cases
(``unspun.evalsets.constructed``): documents the link model was never fitted on. The figures on
the real-world clusters (``make eval-real``) need texts that are not in the repository; they are
in docs/linking.md and benchmarks/results/link-model.json.
"""
from __future__ import annotations

import json

import pytest

from conftest import DATA

from unspun.article import Article
from unspun.evalsets.constructed import construct, evaluate_constructed
from unspun.evalsets.real import is_strict, phenomena, score_real
from unspun.link import compare, link_store
from unspun.link.credits import common_agency, credited_agencies
from unspun.link.evidence import shared_wording, text_length
from unspun.pipeline import analyse, ingest
from unspun.settings import Settings
from unspun.store import Store
from unspun.text.boilerplate import boilerplate_mask


def _wmt_pair(index: int = 0, lang: str | None = None) -> tuple[dict, dict]:
    """A source document of wmt21-human and its human translation (segment i of one is the
    translation of segment i of the other)."""
    articles = {a["id"]: a for a in map(json.loads, open(DATA / "wmt21-human" / "articles.jsonl", encoding="utf-8"))}
    pairs = [json.loads(line) for line in open(DATA / "wmt21-human" / "pairs.jsonl", encoding="utf-8")]
    found = [(articles[p["source"]], articles[p["derived"]]) for p in pairs
             if len(articles[p["source"]]["segments"]) >= 12 and (lang is None or articles[p["derived"]]["lang"] == lang)]
    return found[index]


def _article(aid: str, lang: str, segments: list[str], **fields) -> Article:
    return analyse(Article(id=aid, text="\n\n".join(segments), lang=lang, **fields))


@pytest.fixture(scope="module")
def cases(vector_cache):
    return evaluate_constructed(DATA, Settings(), vector_cache=vector_cache, split="test")


# Measured on the test half (72 labelled pairs, 132 articles; docs/linking.md) with the link
# model fitted on sixty real clusters (shipped 2026-12-06, *Sixty clusters and four fresh sets*):
# excerpt 0.750, furniture 1.0, partial 0.833, short 0.583, several 0.542, precision 1.0. The model
# before it, fitted on the six shared clusters, found more of these synthetic cases (0.833,
# 1.0, 0.833, 0.833, 0.708) and was worse on every set of real clusters no fit saw: the real ones
# decide. Floors sit just under the measured figures; the target is 0.90 for each, met by
# furniture only (what stays hard: short passages of Icelandic and Japanese, which the encoder
# scores low sentence by sentence).
PHENOMENON_FLOORS = {"excerpt": 0.70, "furniture": 0.90, "partial": 0.80, "short": 0.55, "several": 0.50}


@pytest.mark.parametrize("phenomenon", sorted(PHENOMENON_FLOORS))
def test_realworld_constructed_cases_are_found(cases, phenomenon):
    r = cases["per_phenomenon"][phenomenon]
    assert r["pairs"] >= 12
    assert r["recall"] >= PHENOMENON_FLOORS[phenomenon], cases


def test_realworld_constructed_cases_link_nothing_else(cases):
    # Every case uses documents no other case uses: a link not labelled is wrong.
    assert cases["precision"] >= 0.95, cases["wrong_links"]


def test_realworld_cases_are_built_from_disjoint_halves():
    fit, _ = construct(DATA, split="fit")
    test, test_pairs = construct(DATA, split="test")
    assert {r["text"] for r in fit}.isdisjoint({r["text"] for r in test})
    assert {p["phenomenon"] for p in test_pairs} == {"excerpt", "partial", "short", "furniture", "several"}
    with pytest.raises(ValueError):
        construct(DATA, split="train")


def test_realworld_a_translated_excerpt_is_linked_to_its_whole_source(store):
    src, ref = _wmt_pair(0, lang="fr")
    source = _article("src", src["lang"], src["segments"][1:])
    excerpt = _article("excerpt", ref["lang"], ref["segments"][1:4] + ["Read more"])
    from unspun.pipeline import add_embeddings

    for a in (source, excerpt):
        add_embeddings(a, Settings(), store)
    c = compare(excerpt, source, Settings(), store)
    assert c.linked and c.derived.id == "excerpt"
    assert c.kind == "translation"
    assert c.evidence.run >= 2 and c.evidence.run_mutual == 1.0
    # the source is three times longer: whole-document coverage of it is small
    assert c.source_coverage < 0.4
    row = c.link_row()
    assert row["features"]["evidence"]["run"] == c.evidence.run  # the link carries its evidence
    assert "document_probability" in row["features"]


def test_realworld_page_furniture_is_neither_inserted_nor_a_break_in_the_alignment(store):
    src, ref = _wmt_pair(0, lang="de")
    furniture = ["FILE PHOTO: A view shows the building, June 24, 2021. REUTERS/Stringer/File Photo",
                 "© Sergei Supinsky / AFP via Getty Images", "Views: 12,874",
                 "Share on Facebook Share on Twitter", "https://www.example-news.com/world/2021/06/24/story/"]
    body = ref["segments"][1:]
    furnished = body[:2] + furniture[:2] + body[2:5] + furniture[2:] + body[5:]
    source = _article("src", src["lang"], src["segments"][1:])
    derived = _article("furnished", ref["lang"], furnished)
    assert sum(boilerplate_mask(derived.sentences, derived.lang)) >= len(furniture)
    from unspun.pipeline import add_embeddings

    for a in (source, derived):
        add_embeddings(a, Settings(), store)
    c = compare(derived, source, Settings(), store)
    assert c.linked and c.kind == "translation"
    roles = {}
    for r in c.alignment:
        for i in r["derived"]:
            roles[derived.sentences[i].text] = r["role"]
    pieces = [t for t in roles if any(t in line for line in furniture)]  # the splitter may cut a caption
    assert len(pieces) >= len(furniture)
    for text in pieces:
        assert roles[text] == "furniture", (text, roles[text])
    # the translated paragraphs on both sides of the furniture stay aligned in one run
    assert c.evidence.run >= len(body) - 2


def test_realworld_shared_wording_counts_unquoted_sequences_only():
    quote = "“We will rebuild every bridge and every school that was destroyed in the flood this spring,” he said."
    a = _article("a", "en", ["The mayor spoke in the town hall on Monday evening.", quote])
    b = _article("b", "en", ["Residents gathered outside the council building.", quote])
    fa, fb = [False] * len(a.sentences), [False] * len(b.sentences)
    assert shared_wording(a, b, fa, fb)[0] == 0  # independent reports quote the same words
    clause = ("The regional authorities said on Monday that the dam had been damaged by heavy shelling "
              "overnight and that water levels downstream were rising quickly.")
    c = _article("c", "en", [clause, "Nobody was hurt."])
    d = _article("d", "en", ["A local paper reported it first.", clause])
    words, longest, _ = shared_wording(c, d, [False] * len(c.sentences), [False] * len(d.sentences))
    assert words >= 20 and longest >= 20


def test_realworld_sentence_lengths_compare_across_scripts():
    """A translation keeps its sentences' lengths (the link model's length gap): measured in
    characters, Japanese is about a third of English; ``text_length`` counts a wide character as
    the Latin characters it says, so a sentence and its translation come out alike in any script."""
    import math
    import statistics

    articles = {a["id"]: a for a in map(json.loads, open(DATA / "wmt21-human" / "articles.jsonl", encoding="utf-8"))}
    ratios = {"chars": [], "length": [], "latin": []}
    for line in open(DATA / "wmt21-human" / "pairs.jsonl", encoding="utf-8"):
        p = json.loads(line)
        src, der = articles[p["source"]], articles[p["derived"]]
        for s, d in zip(src["segments"], der["segments"]):
            if not s.strip() or not d.strip():
                continue
            if "ja" in (src["lang"], der["lang"]):
                ja, en = (d, s) if der["lang"] == "ja" else (s, d)
                ratios["chars"].append(math.log(len(ja) / len(en)))
                ratios["length"].append(math.log(text_length(ja) / text_length(en)))
            else:
                ratios["latin"].append(math.log(text_length(d) / text_length(s)))
                assert text_length(d) == len(d)  # Latin, Cyrillic: characters as they are
    assert len(ratios["length"]) >= 500
    assert statistics.median(ratios["chars"]) < -0.7  # Japanese in characters: under half
    assert abs(statistics.median(ratios["length"])) < 0.1
    assert abs(statistics.median(ratios["latin"])) < 0.15


def test_realworld_two_copies_crediting_one_agency_share_a_common_source(store):
    _, doc = _wmt_pair(1, lang="en")
    body = doc["segments"][1:9]
    one = _article("copy-one", doc["lang"], ["WASHINGTON (AP) — " + body[0]] + body[1:], outlet="one.example")
    two = _article("copy-two", doc["lang"], ["By AP"] + body[:7] + ["Share on Facebook"], outlet="two.example")
    assert credited_agencies(one.text) == {"AP"} and credited_agencies(two.text) == {"AP"}
    assert common_agency(one.text, "apnews.com", two.text, "two.example") is None  # AP's own page is the origin
    from unspun.pipeline import add_embeddings

    for a in (one, two):
        add_embeddings(a, Settings(), store)
    c = compare(one, two, Settings(), store)
    assert c.linked and c.kind == "verbatim"
    assert c.direction == "common-source"


def test_realworld_an_article_built_from_two_sources_links_to_both_as_partial(tmp_path):
    records, pairs = construct(DATA, split="test")
    lang = {r["id"]: r["lang"] for r in records}
    # The first case whose three articles are in languages the encoder reads well (e5-small scores
    # Icelandic and Japanese translations low, docs/linking.md).
    cases = {}
    for p in pairs:
        if p["phenomenon"] == "several":
            cases.setdefault(p["derived"], []).append(p)
    several = next(ps for ps in cases.values()
                   if all(lang[i] in ("de", "fr", "en", "ru") for p in ps for i in (p["derived"], p["source"])))
    ids = {i for p in several for i in (p["derived"], p["source"])}
    from unspun.ingest.jsonl import article_from_record

    store = Store(tmp_path / "several.db")
    try:
        settings = Settings()
        ingest([article_from_record(r, settings, "cases") for r in records if r["id"] in ids], store, settings)
        link_store(store, settings)
        links = {(l["derived"], l["source"]): l for l in store.links()}
        for p in several:
            link = links.get((p["derived"], p["source"]))
            assert link is not None, (p, list(links))
            assert link["kind"] == "partial"
        assert len(links) == 2
    finally:
        store.close()


def test_realworld_a_passage_copied_word_for_word_is_linked_whatever_the_model_says(tmp_path):
    # Every same-language `partial` case of the test half: a few consecutive sentences of an
    # article carried word for word into an article of another story. Their shared unquoted
    # sequence of at least copied_passage_words words links them all whatever the link model
    # says: with the model unable to link anything (threshold 1.0), the rule alone links each,
    # and without the rule too, none is linked. (Their kinds are scored with the other cases'.)
    from unspun.embed import encoder_model_id
    from unspun.ingest.jsonl import article_from_record

    records, pairs = construct(DATA, split="test")
    by_id = {r["id"]: r for r in records}
    cases = [p for p in pairs if p["phenomenon"] == "partial"
             and by_id[p["derived"]]["lang"] == by_id[p["source"]]["lang"]]
    assert len(cases) >= 4
    store = Store(tmp_path / "copied.db")
    try:
        settings = Settings()
        ids = sorted({i for p in cases for i in (p["derived"], p["source"])})
        ingest([article_from_record(by_id[i], settings, "cases") for i in ids], store, settings)
        model = encoder_model_id()
        no_model = Settings(link_threshold=1.0)
        for p in cases:
            d, s = store.get_article(p["derived"], model), store.get_article(p["source"], model)
            c = compare(d, s, settings, store)
            assert c.linked, (p, c.probability, c.evidence)
            assert c.evidence.shared_longest >= settings.copied_passage_words == 40
            by_rule = compare(d, s, no_model, store)
            assert by_rule.linked, (p, by_rule.probability)
            assert not compare(d, s, Settings(link_threshold=1.0, copied_passage_words=0), store).linked, p
    finally:
        store.close()


def test_realworld_scoring_counts_a_family_pair_through_a_shared_stored_source():
    records = [{"id": i, "text": "x" * 900, "lang": "en"} for i in ("A", "B", "C", "D")]
    pairs = [
        {"a": "A", "b": "B", "label": "verbatim", "direction": "common-source", "confidence": "high",
         "excerpt_overlap": True, "cluster": "X"},
        {"a": "A", "b": "C", "label": "verbatim", "direction": "a->b", "confidence": "high",
         "excerpt_overlap": True, "cluster": "X"},
        {"a": "A", "b": "D", "label": "same-event", "direction": "none", "confidence": "high",
         "excerpt_overlap": True, "cluster": "X"},
        {"a": "B", "b": "C", "label": "partial", "direction": "b->a", "confidence": "low",
         "excerpt_overlap": True, "cluster": "X"},
    ]
    links = [{"derived": "A", "source": "C", "kind": "verbatim"}, {"derived": "B", "source": "C", "kind": "verbatim"},
             {"derived": "D", "source": "A", "kind": "rewrite"}]
    r = score_real(links, records, pairs)
    assert r["recall_strict"] == 1.0  # A-B found through C, A-C directly; B-C is not strict
    assert r["precision"] == round(2 / 3, 4)  # B-C is labelled derived (any confidence), D-A is not
    assert r["same_event_linked"] == 1.0
    assert not is_strict(pairs[3]) and phenomena(pairs[0], {r["id"]: r for r in records}) == ["family"]


def test_realworld_the_trace_of_a_copy_ranks_the_origin_before_an_earlier_partial_copy(tmp_path):
    from datetime import datetime, timedelta

    from unspun.link import trace

    _, doc = _wmt_pair(2, lang="en")
    _, host = _wmt_pair(7, lang="en")
    body, own = doc["segments"][1:], host["segments"][1:]
    t0 = datetime(2024, 2, 16, 8)
    settings = Settings()
    store = Store(tmp_path / "family.db")
    try:
        records = [
            # a partial copy published first: three paragraphs of the story inside another one
            Article(id="partial", text="\n\n".join(own[:5] + body[2:5] + own[5:]), lang="en",
                    outlet="partial.example", published=t0),
            Article(id="origin", text="\n\n".join(body), lang="en", outlet="origin.example",
                    published=t0 + timedelta(hours=2)),
        ]
        ingest(records, store, settings)
        link_store(store, settings)
        copy = analyse(Article(id="copy", text="\n\n".join(["By Jane Miller"] + body + ["Share on Facebook"]),
                               lang="en", outlet="copy.example", published=t0 + timedelta(hours=5)))
        from unspun.pipeline import add_embeddings

        add_embeddings(copy, settings, store)
        result = trace(store, copy, settings)
        ranked = [s["id"] for s in result["sources"]]
        assert ranked[0] == "origin", result["sources"]
        top = result["sources"][0]
        assert top["kind"] == "verbatim" and top["coverage"]["derived"] > 0.9
        # the trace says what decided the link
        assert top["evidence"]["run"] >= 3 and top["evidence"]["shared_longest"] >= 20
        assert 0 <= top["evidence"]["document_probability"] <= 1
    finally:
        store.close()


def test_realworld_loader_joins_rebuilt_texts_with_the_labels(tmp_path):
    from conftest import SHARED

    from unspun.evalsets.real import load_real

    texts = tmp_path / "texts.jsonl"
    texts.write_text("\n".join(json.dumps({"id": i, "text": f"Text of {i}. " * 20}) for i in ("P01", "P02", "P09")),
                     encoding="utf-8")
    records, pairs, dropped = load_real(SHARED / "data" / "real", texts)
    assert [r["id"] for r in records] == ["P01", "P02", "P09"]
    by_id = {r["id"]: r for r in records}
    assert by_id["P02"]["published"] == "2024-02-16" and by_id["P01"]["published"] is None
    assert by_id["P01"]["title"] is None and by_id["P01"]["cluster"] == "P"
    assert {frozenset((p["a"], p["b"])) for p in pairs} == {frozenset(k) for k in
                                                           (("P01", "P02"), ("P01", "P09"), ("P02", "P09"))}
    assert dropped == 918 - 3


def test_realworld_loader_reads_several_label_sets_as_one(tmp_path):
    """The shared clusters and the project's own (data/real-extra/V, W) are scored as one set:
    one texts file per label folder, in order; an id in two folders is refused."""
    from pathlib import Path

    from conftest import SHARED

    from unspun.errors import CorpusError
    from unspun.evalsets.real import load_real

    extra = Path(__file__).resolve().parents[1] / "data" / "real-extra" / "W"
    shared_texts, extra_texts = tmp_path / "shared.jsonl", tmp_path / "extra.jsonl"
    shared_texts.write_text(json.dumps({"id": "P01", "text": "Text of P01. " * 20}) + "\n", encoding="utf-8")
    extra_texts.write_text("\n".join(json.dumps({"id": i, "text": f"Text of {i}. " * 20}) for i in ("W01", "W02")),
                           encoding="utf-8")
    records, pairs, dropped = load_real([SHARED / "data" / "real", extra], [shared_texts, extra_texts])
    assert [r["id"] for r in records] == ["P01", "W01", "W02"]
    assert {r["cluster"] for r in records} == {"P", "W"}
    assert [frozenset((p["a"], p["b"])) for p in pairs] == [frozenset(("W01", "W02"))]
    with pytest.raises(CorpusError):
        load_real([SHARED / "data" / "real"], [shared_texts, extra_texts])
    with pytest.raises(CorpusError):
        load_real([extra, extra], [extra_texts, extra_texts])


def test_realworld_two_copies_sharing_text_through_a_third_are_joined_as_common_source(tmp_path):
    """link.families: a French page carrying a wire story's lead inside its own text, and a German
    brief translating that lead from the page, share text with the wire story through the page.
    The pair is joined (direction common-source, with the middle and the sentence triples as its
    evidence) only while a middle's links carry the sentences they match."""
    from datetime import datetime, timedelta

    from unspun.embed import get_encoder
    from unspun.link.families import join_families

    source, translation = _wmt_pair(0, lang="de")
    _, other = _wmt_pair(5, lang=source["lang"])
    fr, de, filler = source["segments"], translation["segments"], other["segments"]
    settings = Settings(family_min_probability=0.0)  # the probability floor is not what this tests
    model = get_encoder(settings.encoder).model_id
    t0 = datetime(2024, 2, 16, 8)
    store = Store(tmp_path / "families.db")
    try:
        ingest([
            Article(id="wire", text="\n\n".join(fr[:10]), lang=source["lang"], outlet="wire.example", published=t0),
            Article(id="page", text="\n\n".join(filler[:5] + fr[:4] + filler[5:9]), lang=source["lang"],
                    outlet="page.example", published=t0 + timedelta(hours=1)),
            Article(id="brief", text="\n\n".join(de[:4]), lang=translation["lang"], outlet="brief.example",
                    published=t0 + timedelta(hours=2)),
        ], store, settings)
        # The chain brief -> page -> wire, linked pair by pair as the linker would.
        for d, s in (("page", "wire"), ("brief", "page")):
            c = compare(store.get_article(d, model), store.get_article(s, model), settings, store)
            assert c.linked and (c.derived.id, c.source.id) == (d, s), (d, s, c.probability)
            store.put_link(c.link_row(), c.alignment, model, settings.as_dict())
        assert join_families(store, ["brief"], settings, compare) == [("brief", "wire")]
        joined = {(l["derived"], l["source"]): l for l in store.links()}[("brief", "wire")]
        assert joined["direction"] == "common-source"
        family = joined["features"]["family"]
        assert family["through"] == "page" and len(family["shared"]) >= 2
        # the sentence triples are real: each is aligned in the pair, and carried by both links
        rows = store.alignment("brief", "wire")
        assert all(any(i in r["derived"] and j in r["source"] for r in rows) for i, _k, j in family["shared"])
        # and `unspun links --json` shows a reader why the two were linked
        from click.testing import CliRunner

        from unspun.cli import main

        listed = json.loads(CliRunner().invoke(main, ["links", "--db", str(tmp_path / "families.db"), "--json"],
                                               catch_exceptions=False).output)
        row = next(r for r in listed if (r["derived"], r["source"]) == ("brief", "wire"))
        assert row["evidence"]["family"]["through"] == "page" and "run" in row["evidence"]
        # chat-model output is never joined through a family: texts generated from one prompt
        # repeat its wording, and local evidence says nothing of copying (as in link.compare)
        store.delete_link("brief", "wire")
        store.put_artifacts("brief", 1.0, [{"kind": "assistant", "start": 0, "end": 10, "text": "Certainly!",
                                            "rule": "assistant-preamble", "reason": "a chat model's reply"}])
        assert join_families(store, ["brief"], settings, compare) == []
        store.put_artifacts("brief", 0.0, [])
        assert join_families(store, ["brief"], settings, compare) == [("brief", "wire")]
        # the family link is right only when both links through the middle are: with one of them
        # short of family_min_middle (0.9, above the link threshold) nothing joins
        store.delete_link("brief", "wire")
        weak = {(l["derived"], l["source"]): l for l in store.links()}[("brief", "page")]
        store.put_link(dict(weak, confidence=0.85), store.alignment("brief", "page"), model, settings.as_dict())
        assert join_families(store, ["brief"], settings, compare) == []
        lenient = Settings(family_min_probability=0.0, family_min_middle=0.85)
        assert join_families(store, ["brief"], lenient, compare) == [("brief", "wire")]
        # without the middle's link to the wire story, nothing joins them
        store.delete_link("brief", "wire")
        store.delete_link("page", "wire")
        assert join_families(store, ["brief"], settings, compare) == []
    finally:
        store.close()


def test_realworld_the_run_mean_score_is_an_input_across_languages_only():
    """Two reports of one event in two languages can align on the story's order with a run of
    weak matches as long as a translation's; the run's mean bead score tells them apart
    (``cross_run_mean``), and in one language shared wording does that job."""
    from unspun.link.classify import Features
    from unspun.link.decide import INPUTS, decision_inputs
    from unspun.link.evidence import Evidence

    def inputs(same: bool, run: int, run_score: float) -> dict:
        f = Features(10, 10, 0.5, 0.5, 0.3, 0.3, 0.3, 1.0, 0.0, 0.0, same)
        return dict(zip(INPUTS, decision_inputs(f, Evidence(run=run, run_score=run_score), 0.2)))

    assert inputs(False, 4, 1.2)["cross_run_mean"] == pytest.approx(0.3)
    assert inputs(False, 4, 3.2)["cross_run_mean"] == pytest.approx(0.8)
    assert inputs(True, 4, 3.2)["cross_run_mean"] == 0.0
    assert inputs(False, 0, 0.0)["cross_run_mean"] == 0.0
    # the shipped model weighs a translation's strong matches above a skeleton's weak ones
    from unspun.link.decide import load_model
    model = load_model("")
    weak = decision_inputs(Features(10, 10, 0.5, 0.5, 0.3, 0.3, 0.3, 1.0, 0.0, 0.0, False), Evidence(run=4, run_score=1.2, chance=3.0), 0.2)
    strong = decision_inputs(Features(10, 10, 0.5, 0.5, 0.3, 0.3, 0.3, 1.0, 0.0, 0.0, False), Evidence(run=4, run_score=3.2, chance=3.0), 0.2)
    assert model.probability(strong) > model.probability(weak)
