"""The demo corpus end to end, with the real model: what `make demo` shows must stay true."""
from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import DEMO

from unspun.cli import main


def _id(store, prefix):
    [row] = [r["id"] for r in store.iter_article_rows() if r["id"].startswith(prefix)]
    return row


def _link(store, derived, source):
    links = {(l["derived"], l["source"]): l for l in store.links()}
    return links.get((derived, source))


def test_demo_translation_and_copy_link_to_the_wire_story(demo_store):
    wire, de, copy = _id(demo_store, "en-wire"), _id(demo_store, "de-translation"), _id(demo_store, "en-copy")
    t = _link(demo_store, de, wire)
    assert t is not None and t["kind"] == "translation" and t["direction"] == "dated"
    c = _link(demo_store, copy, wire)
    assert c is not None and c["kind"] == "verbatim" and c["direction"] == "dated"
    altered = [r for r in demo_store.alignment(copy, wire) if r["role"] == "altered"]
    assert [r["detail"] for r in altered] == ["number: 24 → 36"]


def test_demo_independent_reports_are_not_linked(demo_store):
    for prefix in ("es-independent", "it-independent"):
        article_id = _id(demo_store, prefix)
        assert demo_store.links(article_id) == [], prefix


def test_demo_trace_of_the_spun_article(demo_store):
    runner = CliRunner()
    r = runner.invoke(main, ["trace", str(DEMO / "fr-spun.txt"), "--db", demo_store.path, "--json"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert result["article"]["lang"] == "fr"
    top = result["sources"][0]
    assert top["id"].startswith("en-wire") and top["kind"] == "rewrite"
    ids = {s["id"].split("-")[0] + "-" + s["id"].split("-")[1] for s in result["sources"]}
    assert not ids & {"es-independent", "it-independent"}
    sentences = {s.index: s.text for s in demo_store.get_article(result["article"]["id"]).sentences}
    inserted = [sentences[r["derived"][0]] for r in top["alignment"] if r["role"] == "inserted"]
    for persona in ("En tant qu’observateur passionné", "En tant qu’ingénieur de formation", "Je pense que"):
        assert any(t.startswith(persona) for t in inserted), persona
    # every sentence the artifact detector marks as a persona is inserted, none rides in a bead
    article = demo_store.get_article(result["article"]["id"])
    persona = {s.index for s in article.sentences for a in demo_store.artifacts(article.id)
               if a["kind"] == "persona" and a["start"] < s.end and a["end"] > s.start}
    assert len(persona) >= 3
    role_of = {i: r["role"] for r in top["alignment"] for i in r["derived"]}
    assert {i: role_of[i] for i in persona} == {i: "inserted" for i in persona}
    # the trailing timestamp is page furniture, not inserted content
    assert role_of[len(sentences) - 1] == "furniture"
    altered = [r for r in top["alignment"] if r["role"] == "altered"]
    assert [r["detail"] for r in altered] == ["number: 1.6 billion → 1,8 milliard"]
    assert [(c["type"], c["source"], c["derived"]) for c in altered[0]["changes"]] == \
        [("number", "1.6 billion", "1,8 milliard")]
    assert "1,8 milliard" in sentences[altered[0]["derived"][0]]
    # no other sentence is claimed changed: every other aligned row lists no change
    assert all(not r["changes"] for r in top["alignment"] if r["role"] != "altered")
    # the JSON carries every sentence with its span, for the article and for each source
    text = (DEMO / "fr-spun.txt").read_text(encoding="utf-8")
    assert [s["index"] for s in result["article"]["sentences"]] == list(range(len(sentences)))
    assert all(s["text"] in text for s in result["article"]["sentences"])
    assert top["sentences"] and all({"index", "text", "start", "end"} <= set(s) for s in top["sentences"])
    assert 0 < top["opinion_share"] < 1
    # every sentence of the traced article has exactly one role
    covered = sorted(i for r in top["alignment"] for i in r["derived"])
    assert covered == list(range(len(sentences)))


def test_demo_trace_terminal_view_highlights_roles(demo_store):
    r = CliRunner().invoke(main, ["trace", str(DEMO / "fr-spun.txt"), "--db", demo_store.path],
                           catch_exceptions=False, terminal_width=160)
    assert r.exit_code == 0
    assert "rewrite" in r.output and "inserted" in r.output and "altered" in r.output
    assert "1.6 billion → 1,8 milliard" in r.output
