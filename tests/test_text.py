"""Language, sentences and anchors: the text stages."""
from __future__ import annotations

import json

import pytest

from conftest import SEED

from unspun.ingest.text import article_from_text
from unspun.pipeline import analyse
from unspun.settings import Settings
from unspun.text.anchors import names, numbers, quotations, transliterate
from unspun.text.language import detect
from unspun.text.sentences import split_sentences


def test_language_detects_common_news_languages():
    assert detect("Les pays de l'OTAN entraînent déjà des troupes en Ukraine, selon le Premier ministre")[0] == "fr"
    assert detect("Премьер-министр Эстонии заявила, что страны НАТО уже обучают войска")[0] == "ru"
    assert detect("Eesti peaminister ütles, et NATO riigid koolitavad juba vägesid Ukrainas")[0] == "et"
    assert detect("今日は晴れです。明日は雨でしょう。")[0] == "ja"


def test_language_of_empty_text_is_undetermined():
    assert detect("   ") == ("und", 0.0)


def test_sentences_keep_abbreviations_whole():
    text = "Le Dr. Smith est arrivé. M. Macron n'a rien dit."
    assert [s.text for s in split_sentences(text, "fr")] == ["Le Dr. Smith est arrivé.", "M. Macron n'a rien dit."]


def test_sentences_keep_numbers_whole():
    text = "Le chiffre était de 111.000 soldats, soit 3,5 % de plus. Puis il est parti."
    assert len(split_sentences(text, "fr")) == 2


def test_sentences_keep_quotations_whole():
    text = "Dr. Müller sagte am 3. Mai: „Das ist gut. Wirklich.“ Dann ging er."
    assert [s.text for s in split_sentences(text, "de")] == ["Dr. Müller sagte am 3. Mai: „Das ist gut. Wirklich.“", "Dann ging er."]


def test_sentences_split_georgian_although_its_letters_are_lower_case():
    text = "პრემიერმა განაცხადა. ოპოზიციამ გააკრიტიკა გადაწყვეტილება."
    assert [s.text for s in split_sentences(text, "ka")] == ["პრემიერმა განაცხადა.", "ოპოზიციამ გააკრიტიკა გადაწყვეტილება."]
    assert len(split_sentences("Er sagte es usw. und ging dann.", "de")) == 1  # a lower-case continuation


def test_sentences_japanese_quote_with_particle_is_one_sentence():
    assert [s.text for s in split_sentences("「本当ですか？」と彼は言った。次です。", "ja")] == ["「本当ですか？」と彼は言った。", "次です。"]


def test_sentences_spans_point_into_text():
    text = "Title line\n\nFirst sentence here. Second one follows!\n\n2024-05-20 14:11\n"
    for s in split_sentences(text, "en"):
        assert text[s.start:s.end] == s.text
    assert [s.paragraph for s in split_sentences(text, "en")] == [0, 1, 1, 2]


def test_sentences_break_at_a_line_break_tag_left_in_plain_text():
    # a scraper's JSON-escaped <br> (real cluster CC, a German wire text): two paragraphs, the tag
    # in neither sentence, the spans still pointing into the text
    text = ("Dati erklärte es im Onlinedienst X. <BR \\/><BR \\/>Es sei niemand verletzt worden.\n"
            "Zweiter Absatz.<br/>Dritter Absatz.")
    sentences = split_sentences(text, "de")
    assert [s.text for s in sentences] == ["Dati erklärte es im Onlinedienst X.", "Es sei niemand verletzt worden.",
                                           "Zweiter Absatz.", "Dritter Absatz."]
    assert [s.paragraph for s in sentences] == [0, 1, 2, 3]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_sentences_mark_quotations():
    sents = split_sentences("« Certains pays ont commencé à ramener leurs entraîneurs. »\nIl a dit non.", "fr")
    assert sents[0].quoted and not sents[1].quoted


def test_anchors_numbers_meet_across_formats():
    assert numbers("111 000") == numbers("111,000") == numbers("111.000") == numbers("111\u00a0000") == ["111000"]
    assert numbers("111 тысяч") == ["111000"]
    assert numbers("3,5 %") == numbers("3.5 percent") == ["3.5%"]
    assert numbers("1,5 millions") == numbers("1.5 million") == ["1500000"]
    assert numbers("1,6 Milliarden") == numbers("1.6 billion") == ["1600000000"]


def test_anchors_read_figures_against_unspaced_words():
    # Japanese, Chinese and Korean write a figure against the words around it: read, as written
    # in full-width digits, in parts of 万 and 億, with the point "・" and in tenths (割)
    assert numbers("死者は3人だった") == ["3"] and numbers("約30キロ") == ["30"]
    assert numbers("5回") == ["5"] and numbers("５명이") == ["5"] and numbers("1,400人") == ["1400"]
    assert numbers("1万2000人") == numbers("１万２０００人") == numbers("12,000 people") == ["12000"]
    assert numbers("1億2000万円") == ["120000000"] and numbers("100万円") == ["1000000"]
    assert numbers("２万６４６９・８９ドル") == numbers("$26,469.89") == ["26469.89"]
    assert numbers("約７割") == numbers("70%") == ["70%"]
    assert numbers("COVID-19の患者") == numbers("Covid-19 patients") == ["19"]
    assert numbers("mid-2020") == ["2020"] and numbers("ages 5-10") == ["5", "10"]
    # a point "・" straight before digits and not after a digit is a leading decimal point
    # ("打率・２５２" is 0.252, not 252); after a digit it is still the point or a list's mark
    assert numbers("打率・２５２の外崎") == ["0.252"] and numbers("・３００") == ["0.3"]
    assert numbers("１８２・４４ドル") == ["182.44"] and numbers("０９０・８８５９・５９２８") == ["90", "8859", "5928"]
    # and a figure inside a word of a spaced script is still none
    assert numbers("G4 summit") == numbers("MH17") == []


def test_anchors_decimals_are_not_thousands():
    assert numbers("12,345.67") == ["12345.67"]
    assert numbers("3,25") == ["3.25"]


def test_anchors_names_transliterate_to_latin():
    assert transliterate("Каллас") == "kallas"
    fr = names("Le Premier ministre estonien Kaja Kallas a parlé", "fr")
    ru = names("Премьер-министр Эстонии Кая Каллас заявила", "ru")
    assert "kalla" in fr and "kalla" in ru


def test_anchors_no_names_for_caseless_scripts():
    assert names("岸田文雄首相は述べた", "ja") == []


def test_anchors_quotations():
    assert quotations("Elle a dit « Ce n’est pas comme ça que ça se passe. » hier") == [
        "ce n’est pas comme ça que ça se passe."]


def test_seed_article_language_sentences_anchors():
    """The founding example, on its own: French, its sentences, its 111 000 and its names."""
    article = analyse(article_from_text(SEED.read_text(encoding="utf-8"), Settings()))
    assert article.lang == "fr"
    assert article.title.startswith("Les pays de l’OTAN")
    texts = [s.text for s in article.sentences]
    assert any(t.startswith("En tant qu’observateur ayant une formation") for t in texts)
    assert "C’est un chiffre stupéfiant, n’est-ce pas ?" in texts
    assert texts[-1] == "2024-05-20 14:11"
    values = {(a.kind, a.value) for s in article.sentences for a in s.anchors}
    assert ("number", "111000") in values and ("number", "2022") in values
    assert ("name", "kalla") in values and ("name", "zakha") in values
    assert any(k == "quote" and v.startswith("envoyer votre personnel") for k, v in values)
    quoted = [s.text for s in article.sentences if s.quoted]
    assert len(quoted) == 2 and all(t.startswith("«") for t in quoted)



def _wmt_article(article_id: str) -> dict:
    from conftest import DATA

    with open(DATA / "wmt21-human" / "articles.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] == article_id:
                return record
    raise LookupError(article_id)


@pytest.mark.parametrize("article_id", [
    "fr-de:aujourdhui_le_maroc-ar.3516:src",  # a mistyped apostrophe, l"état, opens a "quotation"
    "ja-en:yahoo-ja.979521:src",  # sentencex reads ＜ as an opening quotation mark
    "ja-en:yahoo-ja.978203:src",  # 「 … 」 spanning several sentences
])
def test_a_stray_quote_mark_does_not_glue_the_paragraph(article_id):
    """Real wmt21 articles whose segments (translation units) sentencex glued together: every
    sentence now holds at most two of the article's segments."""
    record = _wmt_article(article_id)
    sentences = split_sentences(record["text"], record["lang"])
    assert all(record["text"][s.start:s.end] == s.text for s in sentences)
    assert len(sentences) >= 0.8 * (len(record["segments"]) - 1), [len(s.text) for s in sentences]


def test_a_low_opening_quote_closed_by_a_straight_one_ends_the_quotation():
    # wmt21 is-en: „…" (German-style opening, English-keyboard closing) kept the quotation open
    # to the end of the paragraph.
    text = ('„We were offered champagne before they left the room. It was like a fancy hotel in Paris." '
            "The crew was pleased with the couple's performance in the piece, and it moved them. "
            '"Tommi the cameraman cried when he watched it," says Atli.')
    sentences = split_sentences(text, "en")
    assert [s.quoted for s in sentences] == [True, False, True]
    assert sentences[1].text.startswith("The crew")


def test_wording_ignores_marks_a_copy_adds_or_drops():
    """A copy that adds Arabic vowel signs (tashkeel) or Hebrew points keeps every word: Python's
    \\w splits a word at a combining mark, so without folding no word of the copy matched."""
    from unspun.link.evidence import shared_wording
    from unspun.link.explain import overlap
    from unspun.text.terms import words

    plain = ("أعلنت الحكومة مساء الأحد أن الوزراء سيجتمعون صباح الاثنين لبحث خطة جديدة للنقل العام في العاصمة. "
             "وقال المتحدث باسم الحكومة إن الخطة تشمل خطوطا جديدة للحافلات وتوسيع شبكة القطارات.")
    marked = ("أعلنَت الحكومةُ مساءَ الأحد أنّ الوزراءَ سيجتمعون صباحَ الاثنين لبحثِ خطّةٍ جديدة للنقل العامّ في العاصمة. "
              "وقال المتحدّث باسم الحكومة إنّ الخطّة تشمل خطوطاً جديدة للحافلات وتوسيع شبكة القطارات.")
    assert words(marked) == words(plain)
    assert words("Élysée, naïve café") == ["élysée", "naïve", "café"]  # composed accents stay
    assert overlap(plain, marked) == 1.0
    a = analyse(article_from_text("title\n" + plain, Settings(), lang="ar"))
    b = analyse(article_from_text("title\n" + marked, Settings(), lang="ar"))
    shared, longest, shorter = shared_wording(a, b, [False] * len(a.sentences), [False] * len(b.sentences))
    assert shared == shorter and longest >= 14
