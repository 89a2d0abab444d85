"""The artifact detector: the founding example, precision guards, rule files, and the quality floors
measured on the real corpora and the labelled set (see docs/artifacts.md for the figures)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from unspun.article import Article
from unspun.artifacts import RULES_VERSION, detect, detect_text
from unspun.artifacts.rules import KINDS, RuleError, available_languages, parse_rules
from unspun.ingest.text import article_from_text
from unspun.settings import Settings
from unspun.text.sentences import add_sentences

ROOT = Path(__file__).parent.parent.parent
SHARED = ROOT / "shared"
DATA = SHARED / "data" / "dev"
KALLAS = SHARED / "seed" / "kallas-fr-spun.txt"
LABELLED = Path(__file__).parent / "fixtures" / "artifacts" / "labelled.jsonl"

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared/data/dev is not beside the repo")


def _article(text: str, lang: str, title: str | None = None) -> Article:
    return add_sentences(Article(text=text, title=title, lang=lang))


@pytest.fixture(scope="module")
def kallas():
    if not KALLAS.is_file():
        pytest.skip("shared/seed is not beside the repo")
    article = article_from_text(KALLAS.read_text(encoding="utf-8"), Settings())
    article.lang = "fr"  # the language stage is tested elsewhere; pin it so this test is about artifacts
    add_sentences(article)
    return article, detect(article)


def test_artifacts_kallas_finds_exactly_the_spin(kallas):
    article, result = kallas
    found = [(a["kind"], a["text"][:40]) for a in result["artifacts"]]
    assert found == [
        ("scrape", "Les pays de l’OTAN entraînent déjà des t"),
        ("persona", "En tant qu’observateur ayant une formati"),
        ("persona", "En tant qu’observateur, j’ai remarqué qu"),
        ("persona", "En tant que fervent défenseur de la tran"),
        ("persona", "Je pense que son argument découle de la "),
        ("persona", "En tant que passionné d’histoire et adep"),
        ("persona", "Au début du mois de mai de cette année, "),
        ("engagement", "C’est un chiffre stupéfiant, n’est-ce pa"),
        ("scrape", "2024-05-20 14:11"),
    ]
    assert result["score"] > 0.99


def test_artifacts_kallas_spans_are_exact_and_quotes_untouched(kallas):
    article, result = kallas
    for a in result["artifacts"]:
        assert article.text[a["start"]:a["end"]] == a["text"]
        assert a["reason"] and a["rule"] and a["kind"] in KINDS
        assert "«" not in a["text"]  # no quoted sentence is flagged
    assert [a["start"] for a in result["artifacts"]] == sorted(a["start"] for a in result["artifacts"])


def test_artifacts_quoted_first_person_is_not_persona():
    text = "La ministre s'est exprimée mardi.\n\n« En tant que mère, je suis inquiète. Je pense que c'est grave. »"
    assert detect(_article(text, "fr"))["artifacts"] == []


def test_artifacts_reported_speech_is_not_persona():
    text = "The court heard evidence on Monday.\n\nAs a mother, I was terrified, she told the court."
    assert detect(_article(text, "en"))["artifacts"] == []


def test_artifacts_first_person_column_keeps_no_persona():
    column = ("I spent thirty years in the foreign service. I remember my first crisis in Cairo. "
              "My colleagues thought I was too cautious. I still think they were wrong.\n\n"
              "As a former diplomat, I have watched these talks fail before.")
    assert detect(_article(column, "en"))["artifacts"] == []


def test_artifacts_role_in_third_person_news_is_persona():
    text = ("The ministry published the figures on Tuesday.\n\n"
            "As a seasoned crypto investor, I have seen many cycles like this one.")
    kinds = [a["kind"] for a in detect(_article(text, "en"))["artifacts"]]
    assert kinds == ["persona"]


def test_artifacts_weak_opinion_dropped_in_first_person_talk():
    talk = " ".join(["I think we should look at this differently.", "I showed you a robot.",
                     "My team built it in a year.", "I believe it matters.", "Then I went home."])
    assert detect(_article(talk, "en"))["artifacts"] == []


def test_artifacts_english_chatbot_leftovers_in_any_language():
    text = "Le gouvernement a annoncé mardi une réforme.\n\nAs an AI language model, I cannot have opinions."
    assert [a["kind"] for a in detect(_article(text, "fr"))["artifacts"]] == ["assistant"]


def test_artifacts_placeholder_span_is_the_placeholder():
    text = "Title: Vaccines under scrutiny\n\nDate: [Insert Date]\n\nThe claims spread online last week."
    arts = detect(_article(text, "en"))["artifacts"]
    assert [(a["kind"], a["text"]) for a in arts] == [
        ("assistant", "Title:"), ("assistant", "Date:"), ("assistant", "[Insert Date]")]


def test_artifacts_detect_text_analyses_itself():
    result = detect_text("Ein Artikel über Estland.\n\nEine erstaunliche Zahl, nicht wahr?", lang="de")
    assert [a["kind"] for a in result["artifacts"]] == ["engagement"]


def test_artifacts_rule_files_cover_the_languages():
    langs = set(available_languages())
    assert {"en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "et", "lv", "lt", "ro",
            "cs", "tr", "ar", "zh"} <= langs
    from unspun.artifacts.rules import load_ruleset

    for lang in langs:
        kinds = {r.kind for r in load_ruleset(lang).rules}
        assert {"persona", "assistant", "prompt-leak", "engagement", "scrape"} <= kinds, lang
    assert RULES_VERSION


def test_artifacts_bad_rule_is_named():
    with pytest.raises(RuleError, match="rules/xx.toml rule xx.bad: bad regex"):
        parse_rules({"lang": "xx", "rule": [{"id": "xx.bad", "kind": "persona", "pattern": "(", "reason": "r"}]},
                    "rules/xx.toml")
    with pytest.raises(RuleError, match="kind 'opinion'"):
        parse_rules({"lang": "xx", "rule": [{"id": "a", "kind": "opinion", "pattern": "x", "reason": "r"}]}, "f")


def test_artifacts_import_is_cheap():
    code = ("import sys, unspun.artifacts; "
            "print(any(m in sys.modules for m in ('llama_cpp', 'rich', 'sentencex', 'unspun.pipeline')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_artifacts_render_highlights_findings():
    from rich.console import Console

    from unspun.artifacts.render import render_artifacts

    article = _article("Facts first.\n\nThat is a staggering number, isn't it?", "en")
    console = Console(record=True, width=100)
    render_artifacts(article, detect(article), console)
    out = console.export_text()
    assert "staggering number" in out and "engagement" in out and "en.engagement.tag-question" in out


@needs_data
def test_artifacts_human_news_false_positive_floor():
    from unspun.artifacts.eval import eval_human

    report = eval_human(DATA)
    # Measured 5 of 2,999 (0.17%); floor: 1 in 200 overall and in every corpus.
    assert report["rate"] <= 1 / 200, report["offenders"]
    for corpus, c in report["per_corpus"].items():
        assert c["rate"] <= 1 / 200, (corpus, c)


@needs_data
def test_artifacts_same_narrative_share_floor():
    from unspun.artifacts.eval import eval_same_narrative

    report = eval_same_narrative(DATA)
    # Measured: 61% of the 697 articles carry a chatbot or prompt leftover; every gpt-3.5-turbo and
    # vicuna article has a template label.
    assert report["overall"]["any-strict"] >= 0.58
    assert report["per_model"]["gpt-3.5-turbo"]["assistant"] >= 0.95
    assert report["per_model"]["vicuna-33b-v1.3"]["assistant"] >= 0.95
    assert report["per_model"]["Llama-2-70b-chat-hf"]["any-strict"] >= 0.4


def test_artifacts_labelled_set_floors():
    from unspun.artifacts.eval import eval_labelled

    report = eval_labelled(LABELLED)
    langs = {json.loads(line)["lang"] for line in LABELLED.read_text(encoding="utf-8").splitlines()}
    assert len(langs) >= 10
    assert report["recall"] >= 0.95, report["misses"]
    assert report["false_positive_rate"] <= 0.02, report["false_positives"]
    for kind, cell in report["recall_per_kind"].items():
        assert cell["rate"] >= 0.9, (kind, cell)
