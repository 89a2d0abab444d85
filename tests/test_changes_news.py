"""Changes in real news (``unspun.evalsets.changes_news``): the draw of sentence pairs from the
real story clusters, frozen as spans and hashes, and the change detector's floors on it.

The texts are third-party pages rebuilt into ``.cache`` (``scripts/real_texts.py``), never
committed: the floors run where they are rebuilt and are skipped elsewhere (a clean clone in CI);
the draw's form and the way items are rebuilt from texts are tested everywhere, on a set of two
WMT21 documents written as a real cluster.
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import DATA

from unspun.changes import TYPES
from unspun.evalsets import changes_news as news
from unspun.evalsets.changes import score

# The held-out draw's first score (seed 9 at 8faab7d, the detector of 5381042, scored once, nothing
# mended after; 91 real pairs and their edits, 265 items; seed 8's, at 40e832e (floors 0a03ec2), and
# the earlier draws' are in docs/changes.md, *Changes in real news*): number 0.929 / 0.812 (13, 1 wrong,
# 3 missed), date 1.0 / 1.0 (1), name 0.808 / 0.840 (21, 5, 4), quote 0.951 / 0.975 (39, 2, 1),
# attribution 1.0 / 0.500 (8, 0, 8), negation 1.0 / 0.929 (13, 0, 1), hedge 1.0 / 0.810 (34, 0, 8),
# pronoun 1.0 / 1.0 (3), evaluative 1.0 / 0.878 (36, 0, 5). Each floor just under it (0.95 for a figure
# of 1.0, so that losing date's one find fails; room for one claim more or less for name, negation and
# hedge): they fail on a regression, they say nothing of the targets, which seed 9 misses for
# numbers and names (precision), attributions and hedges (recall; of its 11 labelled real changes
# the detector finds one).
NEWS_FLOORS: dict[str, tuple[float, float]] = {  # type: (precision, recall)
    "number": (0.92, 0.81), "date": (0.95, 0.95), "name": (0.77, 0.79), "quote": (0.95, 0.97),
    "attribution": (0.95, 0.49), "negation": (0.92, 0.85), "hedge": (0.95, 0.78), "pronoun": (0.95, 0.95),
    "evaluative": (0.95, 0.87),
}


def test_news_draw_is_frozen_and_well_formed():
    rows = news.load_draw()
    assert len(rows) >= 150
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    langs = {r["derived_lang"] for r in rows}
    assert {"fr", "de", "ru", "uk", "es", "ar", "en"} <= langs and len(langs) >= 8
    for r in rows:
        assert re.fullmatch(r"news:[^~]+:\d+~[^~]+:\d+", r["id"]), r["id"]
        assert r["id"].startswith(f"news:{r['derived']}:") and f"~{r['source']}:" in r["id"]
        for span in (r["d_span"], r["s_span"]):
            assert isinstance(span[0], int) and 0 <= span[0] < span[1]
        assert re.fullmatch(r"[0-9a-f]{16}", r["d_hash"]) and re.fullmatch(r"[0-9a-f]{16}", r["s_hash"])
        assert r["label"] in news.DERIVED_LABELS
        # every pair of the read draws and the held-out one read blind, with types of the detector
        # only (a later draw may wait to be read)
        if r["seed"] in news.READ_SEEDS + (news.SEED,):
            assert r["changes"] is not None, r["id"]
        assert r["changes"] is None or set(r["changes"]) <= set(TYPES), r["id"]
        assert "text" not in r and "source_text" not in r  # the texts stay out of the repository


def _cluster(tmp_path, source: dict, derived: dict, derived_text: str | None = None):
    folder = tmp_path / "labels"
    folder.mkdir(parents=True)
    meta = {"cluster": "Z", "url": None, "outlet": "example.org", "date": None}
    (folder / "articles.jsonl").write_text("\n".join(json.dumps({**meta, "id": i, "lang": a["lang"]}) for i, a in
                                                     (("Z01", source), ("Z02", derived))) + "\n", encoding="utf-8")
    (folder / "pairs.jsonl").write_text(json.dumps({"a": "Z01", "b": "Z02", "label": "translation", "direction": "a->b",
                                                    "confidence": "high", "excerpt_overlap": True, "cluster": "Z"}) + "\n",
                                        encoding="utf-8")
    texts = tmp_path / "texts.jsonl"
    texts.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                               (("Z01", source["text"]), ("Z02", derived_text or derived["text"]))) + "\n", encoding="utf-8")
    return [(folder, texts)]


def test_news_draw_rebuilds_its_items_from_the_texts_and_refuses_a_changed_text(tmp_path):
    articles = {a["id"]: a for a in map(json.loads, open(DATA / "wmt21-human" / "articles.jsonl", encoding="utf-8"))}
    pair = next(json.loads(line) for line in open(DATA / "wmt21-human" / "pairs.jsonl", encoding="utf-8")
                if articles[json.loads(line)["derived"]]["lang"] == "fr")
    source, derived = articles[pair["source"]], articles[pair["derived"]]
    sets = _cluster(tmp_path, source, derived)
    rows = news.draw(sets, per_language=5, per_pair=3)
    assert 1 <= len(rows) <= 3
    assert all(r["derived"] == "Z02" and r["source"] == "Z01" and r["derived_lang"] == "fr" for r in rows)
    items, missing = news.base_items(sets, rows)
    assert missing == [] and len(items) == len(rows)
    for it, r in zip(items, rows):
        assert it["derived"] in derived["text"] and it["source"] in source["text"]
        assert it["derived"].strip() != it["source"].strip()
        assert it["derived_context"] == derived["text"]
    # a text rebuilt differently (a sentence of it changed) leaves that pair out, named
    first = items[0]["derived"]
    changed = _cluster(tmp_path / "b", source, derived, derived["text"].replace(first, first[:-5] + " XYZ."))
    items, missing = news.base_items(changed, rows)
    assert rows[0]["id"] in missing and len(items) == len(rows) - len(missing)


def test_news_sample_carries_its_labels_into_its_edits(tmp_path):
    rows = [r for r in news.load_draw() if r["changes"]]
    assert rows, "no pair of the news sample is labelled with a change"
    sets = news.real_sets()
    if not sets:
        pytest.skip("the real clusters' texts are not rebuilt here (scripts/real_texts.py)")
    items, missing = news.news_sample(sets)
    labels = {r["id"]: set(r["changes"] or ()) for r in news.load_draw()}
    for it in items:
        base = it["id"].split("+")[0]
        assert labels[base] <= set(it["changes"])
        if it["part"] == "edit":
            assert it["edit"] in it["changes"] and it["derived"] != next(
                b["derived"] for b in items if b["id"] == base)


@pytest.fixture(scope="module")
def news_score():
    sets = news.real_sets()
    if not sets:
        pytest.skip("the real clusters' texts are not rebuilt here (scripts/real_texts.py)")
    items, missing = news.news_sample(sets)
    if missing:
        pytest.skip(f"{len(missing)} pairs of the news sample have no rebuilt text here")
    return score(items)


@pytest.mark.parametrize("kind", TYPES)
def test_news_floors_per_type(news_score, kind):
    p_floor, r_floor = NEWS_FLOORS.get(kind, (0.95, 0.95))
    got = news_score["per_type"].get(kind)
    if got is None:
        return
    if got.get("precision") is not None:
        assert got["precision"] >= p_floor, (kind, got)
    if got.get("recall") is not None:
        assert got["recall"] >= r_floor, (kind, got)
