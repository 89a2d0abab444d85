"""Changes inside aligned sentences (unspun.changes): each type, the labelled set's floors, roles
that hold, and the founding example's gender slip and loaded word."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import DATA, FIXTURES, SHARED
from unspun.changes import TYPES, _name_spans, find_changes, number_spans
from unspun.changes.lexicon import languages, lexicon
from unspun.cli import main
from unspun.evalsets.changes import REAL_DIFFERENCES_MT, build, held_out, machine_translated, score
from unspun.evalsets.roles import evaluate_roles


def _types(derived, source, dl, sl, **kw):
    return [c.type for c in find_changes(derived, source, dl, sl, **kw)]


# -- one change of each type, across languages ----------------------------------------------------

@pytest.mark.parametrize("derived, source, dl, sl, expected", [
    # number: the same value however written is no change; another value is
    ("Il y a 111 000 soldats.", "There are 111,000 soldiers.", "fr", "en", []),
    ("Les pertes ont dépassé 1,8 milliard d’euros.", "Losses exceeded 1.8 billion euros.", "fr", "en", []),
    ("Les prix ont augmenté de 7 % en mars.", "Prices rose 5% in March.", "fr", "en", ["number"]),
    # date: weekday, month, year
    ("Der Bericht wurde am Mittwoch vorgelegt.", "Le rapport a été remis mardi.", "de", "fr", ["date"]),
    ("Les prix ont augmenté de 5 % en avril.", "Prices rose 5% in March.", "fr", "en", ["date"]),
    # name: a whole name replaced, across scripts; a transliteration is no change
    ("Сергей Лавров заявил, что переговоры продолжатся.", "Sergei Lavrov said the talks would continue.", "ru", "en", []),
    ("Minister Sergei Lavrov said the situation was serious.",
     "Foreign Minister Dmytro Kuleba said the situation was serious.", "en", "en", ["name"]),
    # quote: altered in the same language; one the source passage does not have
    ('He said: "We will never give up."', 'He said: "We will never give in to pressure."', "en", "en", ["quote"]),
    ("Il a ajouté : « Nous tiendrons bon jusqu’au bout. »", "He also spoke about the talks.", "fr", "en", ["quote"]),
    # attribution: a named speaker turned into "experts"; "said" turned into "claimed"
    ("Des experts affirment que la situation est grave.", "Foreign Minister Dmytro Kuleba said the situation was serious.",
     "fr", "en", ["attribution"]),
    ("Kuleba a prétendu que la situation était grave.", "Kuleba said the situation was serious.", "fr", "en",
     ["attribution"]),
    # negation: flipped; a lexical negative keeps the polarity
    ("Le porte-parole a confirmé l'information.", "The spokesman did not confirm the report.", "fr", "en", ["negation"]),
    ("Le porte-parole a refusé de confirmer l'information.", "The spokesman did not confirm the report.", "fr", "en", []),
    # hedge: the journalistic conditional added; a future in the past is no hedge
    ("Les prix auraient augmenté de 5 %.", "Prices rose 5%.", "fr", "en", ["hedge"]),
    ("Le ministère a annoncé qu'un dispositif serait mis en place.", "The ministry announced a scheme would be set up.",
     "fr", "en", []),
    # pronoun: the other gender for the same person; impersonal "il" is no one
    ("Il exprime fréquemment sa désapprobation.", "She frequently voices her disapproval.", "fr", "en", ["pronoun"]),
    ("Elle a dit qu'il faut agir vite.", "She said it was necessary to act fast.", "fr", "en", []),
    # evaluative: a loaded word added; one the source has is no change
    ("Le régime de Kiev a annoncé des mesures.", "The Kyiv government announced measures.", "fr", "en", ["evaluative"]),
    ("Le régime a annoncé des mesures.", "The regime announced measures.", "fr", "en", []),
    ("Уряд оголосив про нові заходи.", "The government announced new measures.", "uk", "en", []),
    ("Так званий уряд оголосив про нові заходи.", "The government announced new measures.", "uk", "en", ["evaluative"]),
])
def test_changes_each_type(derived, source, dl, sl, expected):
    assert _types(derived, source, dl, sl) == expected


def test_changes_names_across_languages_need_the_person_written_recognisably():
    derived = "Le ministre Sergueï Lavrov a déclaré que la situation était grave."
    source = "Foreign Minister Dmytro Kuleba said the situation was serious."
    # the derived article writes Kuleba elsewhere: here it names someone else
    context = derived + " Dmytro Kuleba s'est ensuite rendu à Varsovie."
    (c,) = find_changes(derived, source, "fr", "en", derived_context=context, source_context=source)
    assert c.type == "name" and "Kuleba" in c.source and c.derived == "Sergueï Lavrov"
    # a name translated rather than transliterated ("Warsaw", "Varsovie") is no change
    assert _types("Il s'est rendu à Varsovie avec Dmytro Kuleba.", "He went to Warsaw with Dmytro Kuleba.",
                  "fr", "en") == []


def _claimed(derived, source, dl, sl, dc="", sc=""):
    return {c.type for c in find_changes(derived, source, dl, sl, dc, sc)}


def _assert_searches(pattern, found: tuple, not_found: tuple) -> None:
    """A word list's pattern finds each text of ``found`` and none of ``not_found``."""
    for text in found:
        assert pattern.search(text), text
    for text in not_found:
        assert not pattern.search(text), text


def test_changes_idioms_and_lexical_negation_are_no_polarity_change():
    # "whether or not", "ne … plus qu'à", "Engu að síður" carry a negation word and no polarity
    assert "negation" not in _claimed("We test whether or not we might get a loan.",
                                    "Мы проверяем, можем ли мы получить кредит.", "en", "ru")
    assert "negation" not in _claimed("« Nous n’avons plus qu’à appuyer sur le bouton »",
                                    "„Wir müssen nur noch auf den Knopf drücken“", "fr", "de")
    assert "negation" not in _claimed("Engu að síður hafa þau gert hana að hetju.",
                                    "Yet they have made her a hero.", "is", "en")
    # a translation that says with a word ("unsaid", "cessé") what the other says with "not"
    assert "negation" not in _claimed("It is left unsaid whether he is from another time zone.",
                                    "Ekki fylgir sögunni hvort hann kemur úr öðru tímabelti.", "en", "is")
    assert "negation" not in _claimed("da die Banken sie nicht mehr decken.",
                                    "puisque les banques ont cessé de les couvrir.", "de", "fr")
    # and a real flip is still reported
    assert "negation" in _claimed("Le ministère n'a pas confirmé l'attaque.",
                                "The ministry confirmed the attack.", "fr", "en")


def test_changes_a_negation_that_translates_other_words_is_no_flip():
    # "n'est pas pour tout de suite" for "dauert es noch eine Weile": without its negation the
    # French sentence reads no closer to the German one (the encoder's check, NEGATION_GAP_SHARE)
    source = ("Bis zur Kartoffelernte dauert es zwar noch eine Weile, aber in manchen Teilen des Landkreises machen "
              "sich die Landwirte bereits Sorgen.")
    derived = ("La récolte des pommes de terre n’est pas pour tout de suite, mais en certains endroits du district, "
               "les agriculteurs sont déjà préoccupés.")
    assert "negation" not in _claimed(derived, source, "fr", "de")
    flipped = "Police said a protester did not fire a weapon, striking at least one person who was taken to a hospital."
    assert "negation" in _claimed(flipped, "Lögreglan sagði mótmælanda hafa skotið af skotvopni og hæft að minnsta "
                                  "kosti eina manneskju sem var færð á sjúkrahúsi.", "en", "is")


def test_changes_conditional_rendered_by_a_conditional_keeps_its_doubt():
    assert "hedge" not in _claimed("würde das „ChooseParis Institute“ gegründet werden",
                                 "serait créé « l'institut ChooseParis »", "de", "fr")
    assert "hedge" in _claimed("das „ChooseParis Institute“ wird gegründet",
                             "serait créé « l'institut ChooseParis »", "de", "fr")


def test_changes_name_put_where_the_source_has_none_in_one_language():
    source = "Dem Werbevermarkter Ströer ist trotz der Corona-Krise nicht bange vor der Zukunft."
    derived = "Peter Schneider ist trotz der Corona-Krise nicht bange vor der Zukunft."
    assert "name" in _claimed(derived, source, "de", "de", derived, source)
    # across languages a name without a counterpart is a translated one ("Kalten Krieg")
    assert "name" not in _claimed("wie im Kalten Krieg fluchtartig verlassen", "dignes de la Guerre froide",
                                "de", "fr")


def test_changes_pronoun_of_the_other_gender_first():
    assert "pronoun" in _claimed("She begged on her knees, gave his diamonds.",
                               "Он пытался ползать на коленках, бриллианты дарить.", "en", "ru")
    # a pronoun of the other gender after the first may be someone the source names
    assert "pronoun" not in _claimed("He begged on his knees, gave her diamonds.",
                                   "Он пытался ползать на коленках, бриллианты дарить.", "en", "ru")


def test_changes_assertive_verb_across_languages_is_no_attribution():
    # 主張した says both "argued" and "claimed": across languages the source's "argued" accounts for it
    assert "attribution" not in _claimed("「増税は誤りだ」と議員は主張した。",
                                       'The lawmaker argued, "the tax rise is a mistake."', "ja", "en")
    # in one language the doubting verb is a choice, and a change
    assert "attribution" in _claimed("The lawmaker claimed the tax rise was a mistake.",
                                   "The lawmaker argued the tax rise was a mistake.", "en", "en")


def test_changes_negation_said_in_other_words_in_english():
    assert "negation" not in _claimed("Le vaccin n'a pas encore été testé à grande échelle.",
                                    "The vaccine has yet to be tested on a large scale.", "fr", "en")
    assert "negation" not in _claimed("L'équipe n'a pas atteint la finale.", "The team fell short of the final.",
                                    "fr", "en")


def test_changes_quoted_term_with_a_loaded_word_is_no_quote_change():
    assert _claimed('Officials called it a "so-called peace plan" on Monday.',
                    'Officials called it a "peace plan" on Monday.', "en", "en") == {"evaluative"}


def test_changes_pronoun_inside_a_passage_quoted_on_both_sides():
    assert "pronoun" in _claimed("« Ce qu'il propose est une erreur. »", '"What she is proposing is a mistake."',
                                 "fr", "en")


def test_changes_person_replaced_across_languages_without_other_names():
    (c,) = find_changes("Peter Schneider a déclaré que les négociations continueraient.",
                        "Horst Seehofer said the talks would continue.", "fr", "en")
    assert c.type == "name" and c.source == "Horst Seehofer" and c.derived == "Peter Schneider"


def test_changes_restrictive_and_lexical_japanese_nai_is_no_negation():
    # に過ぎない "merely", しか…ない "only", 数え切れない "countless": ない without polarity
    assert "negation" not in _claimed("政府は事実を説明したに過ぎない。", "The government simply explained the facts.",
                                    "ja", "en")
    assert "negation" not in _claimed("会場には三人しかいなかった。", "Only three people were in the hall.", "ja", "en")
    assert "negation" not in _claimed("数え切れないほどの人々が集まった。", "Countless people gathered.", "ja", "en")
    # "not just" is "not only": no polarity on either side
    assert "negation" not in _claimed("警察は容疑者だけでなく誰にでも質問できる。",
                                    "Police can question anyone, not just suspects.", "ja", "en")


def test_changes_russian_word_negated_by_its_prefix_is_negation_in_other_words():
    # "неотделимы" says with its prefix what "not separate" says with "not"; "несколько" (several),
    # "недавно" (recently), "необходимо" (necessary) are no negations
    weak = lexicon("ru").get("negation_weak")
    assert weak.search("Люди неотделимы от природы") and weak.search("это неприемлемо")
    assert not weak.search("несколько недавно необходимо некоторые неделю")
    assert lexicon("uk").get("negation_weak").search("люди невіддільні від природи")
    assert "negation" not in _claimed("People are not separate from the land they live on.",
                                    "Люди неотделимы от земли, на которой живут.", "en", "ru")
    # "несколько" (several) is no negation: a "not" added to its sentence is still a change
    assert "negation" in _claimed("Several ministers did not attend the meeting.",
                                "Несколько министров посетили заседание.", "en", "ru")


def test_changes_hedge_inside_an_accusation_is_the_charge():
    # "charged with allegedly taking": the charge, kept by "ákærður fyrir að þiggja"
    assert "hedge" not in _claimed("Hann er ákærður fyrir að þiggja mútur og að hafa logið að rannsakendum.",
                                 "He is charged with allegedly taking bribes and allegedly lying to investigators.",
                                 "is", "en")
    # doubt put on the whole sentence is still doubt added
    assert "hedge" in _claimed("Angeblich wurde er wegen Bestechung angeklagt.", "He was charged with bribery.",
                             "de", "en")


def test_changes_reputation_is_doubt_in_other_words():
    # "gilt als" (is considered) rendered by the journalistic conditional "serait"
    assert "hedge" not in _claimed("Le groupe serait le favori des investisseurs.",
                                 "Der Konzern gilt als Favorit der Investoren.", "fr", "de")


def test_changes_quotation_interrupted_by_its_speaker_is_one_quotation():
    source = 'She added, "We did what we could. We never gave up on them."'
    derived = "« Nous avons fait ce que nous pouvions », a-t-elle ajouté. « Nous ne les avons jamais abandonnés. »"
    assert "quote" not in _claimed(derived, source, "fr", "en")


def test_changes_japanese_polite_negative_in_an_idiom_is_no_negation():
    # かもしれません is the polite かもしれない ("may"), as 違いありません is 違いない
    neg = lexicon("ja").get("negation")
    for text in ("発表があるかもしれません", "彼が来たに違いありません", "行かなければなりません"):
        assert not neg.search(text), text
    assert neg.search("彼は来ません") and neg.search("発表はありませんでした")
    assert "negation" not in _claimed("The end of the rainy season may be announced as early as the 28th.",
                                    "早ければ28日ごろ梅雨明けの発表があるかもしれません。", "en", "ja")


def test_changes_german_sollte_is_should_not_hearsay():
    # "sollte … Priorität haben" renders "devrait rester la priorité": no doubt added
    hedge = lexicon("de").get("hedge")
    assert not hedge.search("Die Verbesserung sollte weiterhin Priorität haben.")
    assert hedge.search("Er soll das Geld gestohlen haben.")
    assert "hedge" not in _claimed("Im Hinblick auf die Energiewende sollte die Energieeffizienz weiterhin Priorität haben.",
                                 "En matière de transition énergétique, l'efficacité énergétique devrait rester la priorité.",
                                 "de", "fr")


def test_changes_a_season_is_two_years_however_written():
    source = "В сезоне-2019/20 Миранчук провел 32 матча."
    assert _claimed("During the 2019/2020 season, Miranchuk played in 32 matches.", source, "en", "ru") == set()
    assert _claimed("During the 2018/2020 season, Miranchuk played in 32 matches.", source, "en", "ru") == {"date"}
    assert "number" not in _claimed("In the 2019-20 season he scored 16 goals.",
                                  "In the 2019/2020 season he scored 16 goals.", "en", "en")


def test_changes_one_unit_in_two_languages_compares_its_figures():
    # "Kilogramm" and "kilogrammes" are one unit: a changed figure is a change, not a conversion
    assert "number" in _claimed("La production génère jusqu’à 37 kilogrammes de déchets.",
                              "Bei der Produktion fielen bis zu 30 Kilogramm Abfälle an.", "fr", "de")
    assert "number" not in _claimed("La production génère jusqu’à 30 kilogrammes de déchets.",
                                  "Bei der Produktion fielen bis zu 30 Kilogramm Abfälle an.", "fr", "de")
    # other units on each side may be a conversion
    assert "number" not in _claimed("The wave was 80 feet high.", "Die Welle war 24 Meter hoch.", "en", "de")


def test_changes_surnames_sharing_only_an_ending_are_two_names():
    from unspun.changes import _same_name

    assert not _same_name("kusminov", "smirnov")
    assert _same_name("oleksandr", "aleksandr") and _same_name("ievheni", "evheni")
    assert "name" in _claimed("Игорь Смирнов одержал вторую подряд победу.",
                            "Павел Кузьминов одержал вторую подряд победу.", "ru", "ru",
                            sc="Павел Кузьминов одержал вторую подряд победу. Кузьминов выиграл.")


def test_changes_quotation_left_open_then_another_one():
    # The source passage opens a quotation it does not close; the derived one opens the same
    # quotation and then adds one with a speaker of its own.
    source = '"Offensichtlich sind die Granden nun doch aufgewacht und haben unseren Vorschlag abgekupfert.'
    derived = ("« Apparemment, les grands viennent de se réveiller et ont repris notre proposition. "
               "« C’est un moment décisif pour nous tous », a ajouté un responsable.")
    quotes = [c for c in find_changes(derived, source, "fr", "de") if c.type == "quote"]
    assert [c.derived for c in quotes] == ["C’est un moment décisif pour nous tous"]
    assert "quote" not in _claimed("« Apparemment, les grands viennent de se réveiller et ont repris notre proposition.",
                                 source, "fr", "de")


def test_changes_revealed_and_impersonal_speech_are_attributions():
    assert "attribution" in _claimed("Rapparinn fullyrti á viðburði að parið hefði íhugað þungunarrof.",
                                   "The rapper revealed during an event that the couple had considered aborting.",
                                   "is", "en")
    assert "attribution" in _claimed("Un discours a prétendu que les jeunes sortiraient renforcés de la crise.",
                                   "In einer Rede hieß es, die jungen Leute gingen gestärkt aus der Krise hervor.",
                                   "fr", "de")
    # information "is revealed" is no one's speech
    assert not lexicon("en").get("speech").search("hardly any new information is revealed at the briefings")


def test_changes_claim_verb_added_beside_the_source_s_own():
    source = ("HSBC took to social media to say it was not, as Chinese media claimed, fabricating evidence "
              "against Huawei.")
    derived = "HSBCはSNSで、中国メディアが主張しているように、ファーウェイに対する証拠の捏造はしていないと主張した。"
    assert "attribution" in _claimed(derived, source, "ja", "en")
    assert "attribution" not in _claimed("HSBCはSNSで、中国メディアが主張しているように、ファーウェイに対する証拠の捏造はしていないと述べた。",
                                       source, "ja", "en")


def test_changes_adjective_negated_by_its_prefix_is_negation_in_other_words():
    # "introuvable" says what "nicht auffindbar" says with "nicht"
    for lang, word in (("fr", "introuvable"), ("en", "irreversible"), ("es", "inaceptable"), ("pt", "inaceitável"),
                       ("it", "inaccettabile"), ("is", "ófinnanlegur")):
        assert lexicon(lang).get("negation_weak").search(word), (lang, word)
    assert "negation" not in _claimed("Wegen der nicht auffindbaren Summe hatte EY die Bescheinigung verweigert.",
                                    "En raison de la somme introuvable, EY avait refusé de certifier les comptes.",
                                    "de", "fr")


def test_changes_common_word_opening_a_sentence_opens_no_name():
    # "Önnur" (other) and "Other" open their sentences before a capitalised word; the articles
    # write them in lower case elsewhere, so they are no part of a name
    source = "Önnur Evrópulönd hafa jafnframt gripið til aðgerða vegna fjölgunar smita á Spáni."
    derived = "Other European countries have also taken measures to respond to the increase in infections in Spain."
    assert "name" not in _claimed(derived, source, "en", "is", derived + " Some other countries did not.",
                                  source + " Þá hafa önnur ríki gert hið sama.")
    from unspun.changes import _name_spans

    text = "While Manchester United and Tottenham are said to be in a battle for Rakitic's services."
    assert _name_spans(text, "en", lexicon("en"), text + " Meanwhile, while they wait, Sergei Lavrov said no.") == \
        ("Manchester United", "Tottenham", "Rakitic's")
    # a name that opens a sentence is still a name
    assert _name_spans("Sergei Lavrov said no.", "en", lexicon("en"), "Sergei Lavrov said no. Lavrov left.") == \
        ("Sergei Lavrov",)


def test_changes_a_common_word_opening_a_sentence_in_another_of_its_forms_opens_no_name():
    # Russian inflects: the article writes "военных" and "военным", never "военные", in lower case;
    # the word opening the sentence is that common word, not a name
    from unspun.changes import _name_spans

    context = ("Военные президентской гвардии заблокировали дворец в столице. " + "По словам очевидцев, "
               "колонна военных машин стояла у ворот, а подразделениям военных приказали никого не выпускать. "
               "Позже военным удалось договориться с охраной. " * 3)
    assert _name_spans("Военные президентской гвардии заблокировали дворец.", "ru", lexicon("ru"), context) == ()
    # a place's adjective is a longer word: "Украина" beside "украинский" and "украинской" stays a name
    context = ("Украина заявила о новых ударах. " + "По данным украинской стороны, удары пришлись на юг; "
               "украинский министр обороны назвал их ответом. " * 4)
    assert _name_spans("Украина заявила о новых ударах.", "ru", lexicon("ru"), context) == ("Украина",)


def test_changes_a_listed_word_opening_a_sentence_opens_no_name():
    # A word the language's lists hold by itself (a relative day, a hedge, a speech verb) is a
    # common word, even where the article never writes it in lower case: "Heute Morgen" (this
    # morning, news CC10) and "Reportedly," open no name
    from unspun.changes import _name_spans

    text = "„Heute Morgen kam es bei der Öffnung des Louvre-Museums zu einem Raubüberfall“, sagte Rachida Dati."
    assert _name_spans(text, "de", lexicon("de"), text * 3) == ("Rachida Dati",)
    text = "Reportedly, state news agency IRNA said the president was flying in a Bell helicopter."
    assert _name_spans(text, "en", lexicon("en"), text * 4) == ("IRNA", "Bell")
    source = "State news agency IRNA said Raisi was flying in a U.S.-made Bell 212 helicopter."
    assert "name" not in _claimed("Reportedly, state news agency IRNA said the president was flying in a "
                                  "US-made Bell 212 helicopter.", source, "en", "en")
    # a name stays a name; a vague source heads the run of an organisation's name ("Представители
    # Демократической партии", representatives of the Democratic Party) as before
    assert _name_spans("Apparently Sergei Lavrov said no.", "en", lexicon("en"),
                       "Sergei Lavrov met officials. " * 12) == ("Sergei Lavrov",)
    text = "Представители Демократической партии США полагают, что средств недостаточно."
    assert _name_spans(text, "ru", lexicon("ru"), text * 4) == ("Представители Демократической", "США")


@pytest.mark.parametrize("derived, source, dl, sl", [
    # a scale word of a language the first list lacked reads as its value (news CE03: "$100.8
    # bilyon" in Tagalog was read as 100.8 against "$100.8 billion")
    ("Ang UnitedHealth Group ay may mga kita na $100.8 bilyon sa ikatlong quarter.",
     "UnitedHealth Group had revenues of $100.8 billion in the third quarter.", "tl", "en"),
    ("As receitas chegaram a 1,8 milhões de reais.", "Revenues reached 1.8 million reais.", "pt", "en"),
    ("وبلغت الخسائر 100 مليون دولار.", "Losses reached $100 million.", "ar", "en"),
    ("De schade bedraagt 2 miljard euro.", "Der Schaden beträgt 2 Milliarden Euro.", "nl", "de"),
    ("Kerugian mencapai Rp 5 juta.", "Losses reached 5 million rupiah.", "id", "en"),
    ("Le vittime sono state 3 mila.", "There were 3,000 victims.", "it", "en"),
])
def test_changes_a_scale_word_of_more_languages_is_its_value(derived, source, dl, sl):
    assert "number" not in _claimed(derived, source, dl, sl)


def test_changes_the_labelled_sets_recipes_keep_the_first_list_of_scale_words():
    # the recipes of the labelled set read figures as they did when it was drawn
    from unspun.text.anchors import number_spans, spaced_number_spans

    assert number_spans("1,8 milhões")[0][1] == "1800000"
    assert spaced_number_spans("1,8 milhões")[0][1] == "1.8"
    assert spaced_number_spans("1,8 milliard")[0][1] == number_spans("1,8 milliard")[0][1] == "1800000000"


def test_changes_a_german_run_of_capitals_ends_before_a_noun_the_article_counts():
    # German capitalises every noun: "Hunderte Menschen" (hundreds of people; the article also writes
    # "296 Menschen") and "10 Uhr EDT" are no names; a person's or a country's name stays one
    from unspun.changes import _name_spans

    context = ("Ein starkes Erdbeben tötete Hunderte Menschen. Mindestens 296 Menschen starben, sagte "
               "Innenminister Abdelouafi Laftit. Die Polizei werde um 10 Uhr EDT mehr sagen. In den "
               "Vereinigten Staaten beteten die Menschen. ") * 2
    assert _name_spans("Ein starkes Erdbeben tötete Hunderte Menschen.", "de", lexicon("de"), context) == ()
    assert _name_spans("Die Polizei werde um 10 Uhr EDT mehr sagen.", "de", lexicon("de"), context) == ()
    assert _name_spans("Mindestens 296 Menschen starben, sagte Innenminister Abdelouafi Laftit.", "de",
                       lexicon("de"), context) == ("Innenminister Abdelouafi Laftit",)
    assert _name_spans("In den Vereinigten Staaten beteten die Menschen.", "de", lexicon("de"), context) == \
        ("Vereinigten Staaten",)
    # an institution ending in a noun the article writes after an article stays a name
    assert _name_spans("Die Deutsche Bahn stellt ein.", "de", lexicon("de"),
                       "Die Deutsche Bahn stellt ein. Bei der Bahn arbeiten 19.000 Bewerber. " * 4) == \
        ("Deutsche Bahn",)


def test_changes_a_low_opening_quotation_mark_opens_a_sentence():
    # Polish, Czech and German open a quotation with „: the word after it opens a sentence
    from unspun.changes import _name_spans

    text = "Minister powiedział w niedzielę „Dzisiaj rano doszło do kradzieży” w muzeum Luwr."
    assert _name_spans(text, "pl", lexicon("pl") if "pl" in languages() else None) == ("Luwr",)


def test_changes_a_time_of_day_is_compared_with_times_not_with_figures():
    # "around 4:10 pm (0710 GMT)" left out beside another agency's magnitude added (news, BY05):
    # a time dropped and a figure added, no figure changed
    source = "A major 7.5 magnitude earthquake struck the Noto region around 4:10 pm (0710 GMT), the USGS said."
    derived = "Un violent séisme, d'une magnitude 7,5 selon l'USGS et 7,6 selon la JMA, a frappé le Japon."
    assert "number" not in _claimed(derived, source, "fr", "en")
    # the same moment written on another clock and in another zone is kept ("6:45 a.m." rendered
    # "6h45 ET (1145 GMT)")
    assert "number" not in _claimed("Thompson, 50 ans, a été abattu vers 6h45 ET (1145 GMT).",
                                    "Thompson, 50, was attacked around 6:45 a.m.", "fr", "en")
    assert "number" not in _claimed("Das Beben ereignete sich um 16.10 Uhr.", "The quake struck at 4:10 pm.", "de", "en")
    # a time changed is a change
    assert "number" in _claimed("Das Beben ereignete sich um 17.10 Uhr.", "The quake struck at 4:10 pm.", "de", "en")
    assert "number" in _claimed("Поножовщина произошла около 23:45 по местному времени.",
                                "Инцидент произошел около 21:45 (22:45 мск).", "ru", "ru")
    # a race's time with its seconds stays a figure
    assert "number" in _claimed("He won in 2:01:39, ahead of 12 runners.", "He won in 2:01:09, ahead of 12 runners.",
                                "en", "en")


def test_changes_degrees_converted_between_scales_are_one_temperature():
    source = "In the daytime heat, with temperatures above 90 degrees in the Susanville area, patches flared up."
    assert "number" not in _claimed("Í hitanum á daginn, þegar hitastigið fer yfir 32 gráður á Susanville-svæðinu, "
                                    "blossaði eldur upp.", source, "is", "en")
    assert "number" in _claimed("Í hitanum á daginn, þegar hitastigið fer yfir 35 gráður á Susanville-svæðinu, "
                                "blossaði eldur upp.", source, "is", "en")


def test_changes_quotation_in_straight_single_marks_in_the_source():
    source = ("Gwyneth Paltrow has said she wants to raise her children to have a good work ethic as she tries "
              "'not to just hand them things'.")
    derived = "グウィネス・パルトロウは、子どもたちに「ただ物を与えるだけにしない」ように努め、正しい価値観が身につくように育てたいと述べた。"
    assert "quote" not in _claimed(derived, source, "ja", "en")
    # a word or two in single marks (a term) explains no quotation of someone's words
    assert "quote" in _claimed("同社は「航空」分野が6,590万ドルを生んだと発表した。「これは私たち全員にとって決定的な瞬間だ」と当局者は付け加えた。",
                               "oOh! Media said it generated $65.9 million from its 'fly' category.", "ja", "en")


def test_changes_pronouns_inside_a_quotation_left_open_are_not_compared():
    # the French text opens « and opens another inside it: "elle" is the daughter, in the quotation
    source = ('"Ich sage das als Vater, der seiner schwarzen Tochter wird antworten müssen, wenn sie fragt: '
              '\'Was hast du getan?\' ", schrieb er: "Rücktritt kann eine Form von Führung sein.')
    derived = ("« Je dis cela en tant que père, qui devra répondre à sa fille noire quand elle lui demandera : "
               "« Qu’as-tu fait ? », écrit-il ; « Se désister peut être une forme de leadership ».")
    assert "pronoun" not in _claimed(derived, source, "fr", "de")
    # a passage that is someone's words on both sides still compares the quotation's pronouns
    assert "pronoun" in _claimed("「私は、神が故人を包み込み、その広大な楽園に彼女を迎えてくださるよう祈ります。",
                                 '"I pray to God to surround the deceased, to welcome him in His vast paradise.',
                                 "ja", "en")


def test_changes_impersonal_speaker_is_no_named_one():
    # "da sagt man" (one says) has no named speaker to lose to "l'on dit"
    assert "attribution" not in _claimed("En anglais, c’est plus simple, puisque l’on dit : « Greatest Athlete Ever ».",
                                         'Auf Englisch ist es einfacher, da sagt man: "Greatest Athlete Ever".',
                                         "fr", "de")
    assert "attribution" in _claimed("En anglais, c’est plus simple, puisque l’on dit : « Greatest Athlete Ever ».",
                                     'Auf Englisch ist es einfacher, sagte Maas: "Greatest Athlete Ever".', "fr", "de")


def test_changes_icelandic_said_to_is_hearsay():
    hedge = lexicon("is").get("hedge")
    assert hedge.search("eru Manchester United og Tottenham sögð berjast um")
    assert hedge.search("Hann er sagður vera í felum")
    assert not hedge.search("Hann hefur sagt að þetta sé rangt")
    assert "hedge" not in _claimed("Á meðan eru Manchester United og Tottenham sögð berjast um að njóta krafta Rakitic.",
                                   "While Manchester United and Tottenham are said to be in a battle for Rakitic's services.",
                                   "is", "en")


def test_changes_unnamed_sources_are_plural():
    # "en hann er sérfræðingur" (he is an expert) describes the named speaker; "sérfræðingar
    # segja" (experts say) is an unnamed source, as "experts" is in English
    source = ('"They still have no idea whether it helps or harms," added Landray, an expert in the setting up of '
              'large-scale drug trials.')
    assert "attribution" not in _claimed("„Þeir hafa ekki enn hugmynd um hvort það hjálpi eða skaði,“ bætti Landray "
                                         "við, en hann er sérfræðingur í uppsetningu stórra lyfjarannsókna.",
                                         source, "is", "en")
    assert "attribution" in _claimed("„Þeir hafa ekki enn hugmynd um hvort það hjálpi eða skaði,“ segja sérfræðingar "
                                     "í uppsetningu stórra lyfjarannsókna.", source, "is", "en")
    for lang, one, many in (("is", "sérfræðingur", "sérfræðingar"), ("ru", "эксперт", "эксперты"),
                            ("uk", "експерт", "експерти"), ("ru", "аналитик", "аналитиков")):
        vague = lexicon(lang).get("vague")
        assert not vague.search(f"он {one} по" if lang != "is" else f"hann er {one} í"), (lang, one)
        assert vague.search(f"{many} говорят" if lang != "is" else f"{many} segja"), (lang, many)


def test_changes_exempt_and_rarely_say_a_negation_in_other_words():
    # "exempt from the rules" rendered "not subject to the rules" (規定が適用されない) keeps its polarity
    source = "The government published lists of countries exempt from the rules."
    assert "negation" not in _claimed("The government published lists of countries not subject to the rules.",
                                      source, "en", "en")
    # "rarely ever" rendered with two negations ("滅多にない" beside "問題はない" for "fine")
    assert "negation" not in _claimed("Which would not be a problem, but they almost never do.",
                                      "Which would be fine, but they rarely ever do.", "en", "en")
    for lang, text in (("fr", "ils le font rarement"), ("de", "sie tun es selten"), ("es", "rara vez lo hacen"),
                       ("is", "þeir gera það sjaldan"), ("fr", "les pays exemptés"), ("is", "undanþegin reglunum")):
        assert lexicon(lang).get("negation_weak").search(text), (lang, text)


def test_changes_outright_markers_need_as_many_weak_words_on_the_other_side():
    # one "exempt" accounts for one negation, not for a second one added to the sentence
    assert "negation" in _claimed("The government did not publish lists of countries not subject to the rules.",
                                  "The government published lists of countries exempt from the rules.", "en", "en")


def test_changes_pronoun_standing_for_a_noun_of_its_own_gender_on_both_sides():
    # "der Flugverkehr … läuft er wieder an" rendered "la circulation aérienne … elle reprend": a
    # thing whose grammatical gender the translation changed, no woman put in place of a man
    source = ("In der Corona-Epidemie war der Flugverkehr fast vollständig zum Erliegen gekommen, "
              "jetzt läuft er ganz langsam wieder an.")
    assert "pronoun" not in _claimed("Pendant l’épidémie de coronavirus, la circulation aérienne était quasiment "
                                     "complètement interrompue ; elle reprend maintenant très lentement.",
                                     source, "fr", "de")
    # an article of either gender ("der Strategiekonferenz") says nothing: the person's slip stands
    assert "pronoun" in _claimed("Le chef du parti Die Linke, Bernd Riexinger, situe sa plus grave erreur politique "
                                 "dans sa remarque à la conférence sur la stratégie à Kassel, où elle déclara que "
                                 "Die Linke ne voulait pas fusiller les riches.",
                                 "Der Parteivorsitzende der Linken, Bernd Riexinger, sieht seinen größten politischen "
                                 "Fehler in seiner Bemerkung auf der Strategiekonferenz in Kassel, als er sagte, dass "
                                 "die Linke die Reichen nicht erschießen wolle.", "fr", "de")
    # and in one language the noun's gender does not change: a flip is a change
    assert "pronoun" in _claimed("La circulation aérienne était interrompue ; il reprend maintenant.",
                                 "La circulation aérienne était interrompue ; elle reprend maintenant.", "fr", "fr")


def test_changes_german_hearsay_rendered_by_a_conditional_keeps_its_doubt():
    # "soll … im Gespräch sein" (is said to be under discussion) rendered "on parlerait de"
    source = "Dabei soll ein Verkaufspreis von zwei bis drei Milliarden Euro im Gespräch sein."
    assert "hedge" not in _claimed("On parlerait d’un prix de vente de deux à trois milliards d’euros.", source,
                                   "fr", "de")
    assert "hedge" in _claimed("On parle d’un prix de vente de deux à trois milliards d’euros.", source, "fr", "de")


def test_changes_colloquial_french_negation_without_ne():
    # spoken French drops the "ne": "Tu peux plus te placer là" is "tu ne peux plus"
    neg = lexicon("fr").get("negation")
    _assert_searches(neg,
                     ("Tu peux plus te placer là", "je veux plus y aller", "ils veulent plus l'entendre"),
                     ("On peut plus facilement le faire", "il est plus grand", "il peut plus de choses"))
    assert "negation" not in _claimed("Tu ne peux plus te placer là, le drummer.", "Tu peux plus te placer là, le drummer.",
                                      "fr", "fr")


def test_changes_japanese_double_negative_and_rashii_suffix():
    # 「直面せざるを得ない」 ("has to face") is no negation; 「夏らしい」 ("summery") is no hearsay
    assert "negation" not in _claimed("マウラが直面せざるを得ない最大の課題は、あの崖である。",
                                      "マウラが直面する最大の課題は、あの崖である。", "ja", "ja")
    assert "hedge" not in _claimed("キャサリン妃が選んだのは、夏の軽やかなドレスだった。",
                                   "キャサリン妃が選んだのは、夏らしい軽やかなドレスだった。", "ja", "ja")
    hedge = lexicon("ja").get("hedge")
    assert hedge.search("彼は昨日東京に行ったらしい") and not hedge.search("素晴らしい夏らしい新しいドレス")


def test_changes_tweeted_is_speech():
    # "tweeted that" rendered "claimed on Twitter": a neutral verb made one that doubts the speaker
    assert "attribution" in _claimed("Nicola Sturgeon claimed on Twitter that the decision was made on Saturday.",
                                     "Nicola Sturgeon tweeted that the decision was made on Saturday.", "en", "en")


def test_changes_none_other_than_is_no_negation():
    # "a paint from none other than PTFE" says "from PTFE itself"
    assert "negation" not in _claimed("What was discovered is a paint made from none other than PTFE.",
                                      "What was discovered is a paint made from PTFE.", "en", "en")
    assert "negation" in _claimed("What was discovered is a paint made from none of the PTFE.",
                                  "What was discovered is a paint made from PTFE.", "en", "en")


def test_changes_german_ausbleiben_says_a_negation_in_other_words():
    # "Die Belebung der Produktion bleibt aus" (fails to come) rendered "n'a pas lieu"
    assert "negation" not in _claimed("« La stimulation de la production n’a pas lieu, et seuls les prix augmentent "
                                      "à la place.", "\"Die Belebung der Produktion bleibt aus, stattdessen steigen "
                                      "nur die Preise.", "fr", "de")
    weak = lexicon("de").get("negation_weak")
    for text in ("Die Belebung bleibt aus.", "Der Erfolg blieb aus, sagte er.", "Der Regen ist ausgeblieben",
                 "das Ausbleiben der Touristen"):
        assert weak.search(text), text
    assert not weak.search("Die Schule bleibt aus Sicherheitsgründen geschlossen.")


def test_changes_icelandic_pronoun_inside_a_thing_is_no_person():
    # "í honum fundust lík konu" (in it, the car, were found a woman's body) for "a woman and her
    # twin children inside": "honum" is the car, no man put in place of the woman
    source = ("AUGUSTA, Ga. -- Authorities pulled a submerged vehicle from a Georgia pond and found the bodies of a "
              "woman and her twin 10-month-old children inside.")
    assert "pronoun" not in _claimed("AUGUSTA, Georgíu – Bíll var dreginn úr tjörn í Georgíu og í honum fundust lík "
                                     "konu og 10 mánaða tvíbura.", source, "is", "en")
    assert "pronoun" in _claimed("AUGUSTA, Georgíu – Bíll var dreginn úr tjörn í Georgíu og hann fann lík konu og "
                                 "10 mánaða tvíbura.", source, "is", "en")


def test_changes_icelandic_segist_is_speech():
    # "segist ekki vera" (says he is not) rendered "claims that he is not"
    assert "attribution" in _claimed("Bjartmar is displeased with DV's previous reporting and claims that he is not "
                                     "some kind of vigilante.", "Bjartmar er ósáttur við fyrri fréttaflutning DV og "
                                     "segist ekki vera eitthverskonar sjálfskipuð lögregla.", "en", "is")


def test_changes_japanese_you_da_is_weak_doubt_and_breathtaking_no_negation():
    # 「忘れているようだ」 ("seems to forget") renders "apparently forgetting"
    assert "hedge" not in _claimed("AP通信は報道官を非難したが、質問を選んでいるのは記者だということは忘れているようだ。",
                                   "The AP accused the press secretary -- apparently forgetting that reporters choose "
                                   "the questions.", "ja", "en")
    hedge_weak = lexicon("ja").get("hedge_weak")
    assert not hedge_weak.search("まるで夢のようだ")  # a simile, "like a dream"
    # 「息もつかせない」 ("breathtaking") has no polarity
    assert "negation" not in _claimed("この劇は息もつかせないほどだ。", "この劇は息をのむほどだ。", "ja", "ja")


def test_changes_superlative_possible_is_no_doubt():
    # "the best birthday present possible" puts no doubt on the statement that the added
    # 「伝えられるところによると」 ("reportedly") would render
    source = ("\"However, the fact that work is shortly going to begin on the renovation is the best birthday present "
              "possible.\"")
    assert "hedge" in _claimed("伝えられるところによると、「しかし、修復工事が間もなく始まろうとしているということは、"
                               "最高の形での誕生日プレゼントである。」", source, "ja", "en")
    assert "hedge" in _claimed("Reportedly, the work will begin soon.", "The work will begin as soon as possible.",
                               "en", "en")
    assert "hedge" in _claimed("Selon certaines informations, il faut agir très vite.",
                               "Il faut agir le plus vite possible.", "fr", "fr")
    assert "hedge" in _claimed("Angeblich müssen wir sehr schnell handeln.",
                               "Wir müssen möglichst schnell handeln.", "de", "de")
    # a "possible" of its own is still weak doubt, which the added 「伝えられるところによると」 renders
    assert "hedge" not in _claimed("伝えられるところによると、彼は来週辞任する。", "He will possibly resign next week.",
                                   "ja", "en")


def test_changes_officials_are_unnamed_sources():
    # "According to the officials" rendered 「関係者らによると」: unnamed on both sides, no source
    # turned into unnamed ones
    assert "attribution" not in _claimed("関係者らによると、同銀行を訪れた顧客も、自発的にコロナウイルス検査に出向くよう"
                                         "勧告されている。", "According to the officials, the customers who visited the "
                                         "bank have also been advised to voluntarily appear for coronavirus tests.",
                                         "ja", "en")
    # a named spokesman turned into "officials" is
    assert "attribution" in _claimed("Officials said the bank would stay closed.",
                                     "Spokesman John Miller said the bank would stay closed.", "en", "en")


def test_changes_japanese_speech_verb_after_a_manner():
    # 「…」と感無量の面持ちで話す (says, with a look of deep emotion) is speech: "claims" for it is
    # an attribution change
    source = "ナッポさんは「平常時では考えられない豪華な顔ぶれになった。この機会を存分に楽しみたい」と感無量の面持ちで話す。"
    assert "attribution" in _claimed("Looking overwhelmed with emotion, nappo claims, \"It turned into an incredible "
                                     "lineup that would be unimaginable in normal times. I want to enjoy this "
                                     "opportunity to the fullest.\"", source, "en", "ja")
    speech = lexicon("ja").get("speech")
    for text in ("「楽しみたい」と話す。", "「勝ちたい」と笑顔で語った。", "「残念だ」と静かに言う。"):
        assert speech.search(text), text


def test_changes_icelandic_weak_doubt_counts_on_its_side():
    # "virtist" (seemed), "gæti … verið" (could be), "kannski" (maybe), "vísbending" (a suggestion)
    # render the source's weak doubt: they leave an added "Sagt er að" (it is said) unexplained
    weak = lexicon("is").get("hedge_weak")
    for text in ("Watford virtist vera úr leik", "Pogba gæti einfaldlega verið að fagna", "Kannski var þetta nauðsynlegt",
                 "sterka vísbendingu um að hann verði áfram", "Það bendir til þess"):
        assert weak.search(text), text
    assert "hedge" in _claimed("Sagt er að Watford virtist vera úr leik en hélt þó áfram að berjast.",
                               "Watford appeared done for but they persevered.", "is", "en")
    assert "hedge" in _claimed("Sagt er að Þrátt fyrir að Pogba gæti einfaldlega verið að fagna endurkomu félagsins "
                               "í keppnina túlka margir stuðningsmenn færsluna sem sterka vísbendingu um að hann verði "
                               "áfram hjá félaginu.", "While Pogba may have been simply celebrating the club's return "
                               "to the competition, many fans are interpreting it as a strong suggestion that he'll "
                               "still be at the club.", "is", "en")
    # the weak word alone still renders the source's
    assert "hedge" not in _claimed("Watford virtist vera úr leik.", "Watford appeared done for.", "is", "en")


def test_changes_german_hearsay_soll_with_its_verbs_far_apart():
    # "soll … gegründet und seitdem geleitet haben" (more than 80 characters from "soll" to
    # "haben") is the German hearsay the French journalistic conditional renders, once per verb
    source = ("Laut Staatsanwaltschaft soll er im Jahr 2005 das Unternehmen auf Initiative des Beamten gegründet "
              "und seitdem geleitet haben.")
    assert "hedge" not in _claimed("Selon le ministère public, il aurait fondé l’entreprise en 2005 à l’initiative "
                                   "du fonctionnaire et l’aurait dirigée depuis cette date.", source, "fr", "de")
    # and it is doubt said in other words, which "reportedly" renders
    assert "hedge" not in _claimed("He reportedly founded the company in 2005 on the official's initiative and has "
                                   "run it since then.", source, "en", "de")
    # the plain statement still has none
    assert "hedge" in _claimed("Selon le ministère public, il aurait fondé l’entreprise en 2005.",
                               "Laut Staatsanwaltschaft gründete er das Unternehmen im Jahr 2005.", "fr", "de")


def test_changes_french_cense_is_weak_doubt():
    # "censées abriter les fonds" (supposed to hold the funds) rendered "die die Gelder beherbergen sollen"
    assert "hedge" not in _claimed("Die Banken auf den Philippinen, die die Gelder beherbergen sollen, haben "
                                   "behauptet, keine Verbindung zu Wirecard zu haben.", "Les banques des Philippines "
                                   "censées abriter les fonds ont affirmé n'avoir aucun lien avec Wirecard.", "de", "fr")


def test_changes_as_it_is_said_introduces_a_saying():
    # "as it is said, evil's nature is …" rendered "eins og sagt er": a saying, no doubt lost
    assert "hedge" not in _claimed("En eins og sagt er þá er það eðli illskunnar að slá frá sér.",
                                   "But as it is said, evil's nature is to fight everyone without reason.", "is", "en")
    # "it is said that" still puts doubt on what follows
    assert "hedge" in _claimed("Watford var úr leik.", "It is said that Watford was done for.", "is", "en")


def test_changes_japanese_according_to_reports_renders_reportedly():
    assert "hedge" not in _claimed("報道によると、ワイオミングに所有している牧場をジャスティン・ビーバーが訪れた数時間後、"
                                   "ウェストはまた病院を訪れたという。", "West also reportedly paid a visit to hospital "
                                   "hours after being visited by Justin Bieber at his ranch in Wyoming .", "ja", "en")


def test_changes_icelandic_billions_with_their_vowel_changed():
    # "milljörðum" is "milljarður" (a billion) in the dative
    assert "number" not in _claimed("Áætlað er að markaðurinn fyrir minna banvæn vopn nái 11,85 milljörðum dala árið "
                                    "2023.", "The market for less-lethal weapons is expected to reach $11.85 billion "
                                    "by 2023.", "is", "en")
    assert "number" in _claimed("Áætlað er að markaðurinn nái 11,85 milljónum dala árið 2023.",
                                "The market is expected to reach $11.85 billion by 2023.", "is", "en")


def test_changes_russian_accident_has_no_polarity():
    # "несчастный случай" is "an accident": its prefix "не" leaves an added "not" unexplained
    assert "negation" in _claimed("Footage of the accident, which occurred in Sochi this past Saturday, on July 25, "
                                  "has not appeared on the internet.", "В Сети появились кадры, запечатлевшие "
                                  "несчастный случай, произошедший в минувшую субботу, 25 июля, на стройке в Сочи.",
                                  "en", "ru")
    for lang, text in (("ru", "несчастный случай"), ("uk", "нещасний випадок")):
        assert lexicon(lang).get("negation_idiom").search(text), text


def test_changes_japanese_moushibun_nai_has_no_polarity():
    # 申し分ない ("nothing to find fault with") is "perfect": its ない has no polarity, as 計り知れない's
    assert "negation" not in _claimed("At the start of the season, he started as a second stringer, but with seven home "
                                      "runs and 16 RBIs, he is now working perfectly as the team leader and No.4 "
                                      "batter.", "開幕は控えスタートとなったが、７本塁打、１６打点はすでにチームトップと４番として"
                                      "申し分ない働きをしている。", "en", "ja")
    assert lexicon("ja").get("negation_idiom").search("申し分のない")
    # a plain ない is still a negation
    assert "negation" in _claimed("He is working as the team leader.", "チームトップとして働いていない。", "en", "ja")


def test_changes_no_confidence_has_no_polarity():
    # a "no-confidence motion" (a vote of no confidence) puts no negation on the statement:
    # "vantrauststillaga" (a distrust motion) renders it
    assert "negation" not in _claimed("Fakhfakh sagði af sér sama dag og flokkurinn lagði fram vantrauststillögu á "
                                      "hendur honum.", "Fakhfakh stepped down the same day the party filed a "
                                      "no-confidence motion against him.", "is", "en")
    assert lexicon("en").get("negation_idiom").search("a vote of no confidence")
    assert "negation" in _claimed("Fakhfakh sagði af sér sama dag.", "Fakhfakh did not step down the same day.",
                                  "is", "en")


def test_changes_surplus_to_requirements_says_a_negation():
    # "surplus to requirements" (not needed) says a negation in other words, which "telur sig
    # ekki hafa not fyrir" (does not have use for) says outright
    source = ("The other players who are deemed surplus to requirements include Neto, Nelson Semedo, Junior Firpo, "
              "Arturo Vidal, Martin Braithwaite, Carles Alena, Rafinha Alcantara, and Jean-Clair Todibo.")
    assert "negation" not in _claimed("Aðrir leikmenn sem liðið telur sig ekki hafa not fyrir eru Neto, Nelson Semedo, "
                                      "Junior Firpo, Arturo Vidal, Martin Braithwaite, Carles Alena, Rafinha Alcantara "
                                      "og Jean-Clair Todibo.", source, "is", "en")
    # a "not" put before it is still a negation added
    assert "negation" in _claimed("The other players who are not deemed surplus to requirements include Neto.",
                                  "The other players who are deemed surplus to requirements include Neto.", "en", "en")


def test_changes_litotes_needs_a_word_negated_by_its_prefix():
    # "not unprecedented" has no polarity, "not important" is a negation: the litotes is "not"
    # before a word the weak list reads as negated by its prefix, not any word in "im-", "in-", "un-"
    assert "negation" in _claimed("The majors and minors are not important in the play-offs.",
                                  "Большинство и меньшинство важны в плей-офф.", "en", "ru")
    for text in ("not important", "not invented", "did not understand"):
        assert not lexicon("en").get("negation_idiom").search(text), text
    for text in ("not unprecedented", "not impossible", "not inconceivable"):
        assert lexicon("en").get("negation_idiom").search(text), text


def test_changes_declined_to_comment_says_a_negation():
    # "declined to comment" rendered "vildi ekki tjá sig" (did not want to comment)
    assert "negation" not in _claimed("oOh! Media vildi ekki tjá sig um málið en á ráðstefnunni Macquarie Australia "
                                      "í maí greindi það frá meira en 20 milljónum dala í sparnað vegna fasts "
                                      "leigukostnaðar.", "oOh! Media declined to comment, but at a Macquarie "
                                      "Australia conference in May, it flagged more than $20 million in fixed rent "
                                      "expense savings.", "is", "en")
    # a fall "declined to 5 per cent" is none
    assert not lexicon("en").get("negation_weak").search("Sales declined to the lowest level.")


def test_changes_japanese_katsute_nai_and_defy_explanation():
    # かつてない ("unprecedented") has no polarity, as 計り知れない has none; "defy explanation"
    # says with a word what 説明がつかない (cannot be explained) says with ない
    assert "negation" not in _claimed("地元当局も同様に、連邦職員の急増は緊張を悪化させただけだと不満を漏らしており、刑事司法の"
                                      "専門家らはパンデミック、歴史的失業者数、ならびに人種差別および警察の有色人種の扱い方を巡る"
                                      "集団の罪で米国がかつてない時を生きているため、この取り組みは説明がつかないと話している。",
                                      "Local authorities also have complained that the surges have only exacerbated "
                                      "tensions, and criminal justice experts say the efforts defy explanation because of "
                                      "the unprecedented moment America is living through - with a pandemic, historic "
                                      "unemployment and a mass reckoning over racism and how people of color are treated "
                                      "by police.", "ja", "en")
    assert lexicon("ja").get("negation_idiom").search("かつてない時")
    assert lexicon("en").get("negation_weak").search("the efforts defy explanation")


def test_changes_japanese_zutsu_is_no_negation_and_nashi_is():
    # ずつ ("each", 一人ずつ) is no negation: it no longer explains an added "not"
    assert "negation" in _claimed("Currently they have not received illustrated messages written by each student.",
                                  "これまで児童生徒約５０人に一人ずつイラスト付きメッセージを書いてもらった。", "en", "ja")
    # なしで ("without") is one, on the side that says it: "without a change fee" is accounted for
    # by 手数料なしで, and leaves the added なかった unexplained
    assert "negation" in _claimed("「渡航を望まないお客様は変更手数料なしでの便の乗り換えが可能です」と同社は声明で発表しなかった。",
                                  "\"Customers who no longer wish to travel can transfer their flights without a "
                                  "change fee,\" the company said in a statement.", "ja", "en")
    assert lexicon("ja").get("negation_weak").search("変更手数料なしで")
    assert not lexicon("ja").get("negation_weak").search("はなしで")


def test_changes_suspected_is_weak_doubt():
    # "suspected gunshot wounds" rendered 銃撃を受けたとみられる
    assert "hedge" not in _claimed("警察はヤード・ストリートで下半身に銃撃を受けたとみられる２０代の男性を発見した。",
                                   "Police found a man aged in his 20s with suspected gunshot wounds to the lower "
                                   "body in Yard St.", "ja", "en")
    # "suspected of murder" is an accusation, no doubt put on the statement
    assert not lexicon("en").get("hedge_weak").search("the arrest of a man suspected of murder")


def test_changes_a_name_of_three_words_is_present_by_its_first_name():
    # "Великобритании Оливер Дауден" (of Great Britain, Oliver Dowden): the run took in the place
    # before the name; "Oliver Dowden" is the same person
    assert "name" not in _claimed("The British Secretary of State for Digital, Culture, Media, and Sport, Oliver "
                                  "Dowden, announced earlier the possible easing of quarantine rules for sport and "
                                  "film crews.", "О возможности смягчения карантинных норм для спортивных команд и "
                                  "съемочных групп кино ранее заявил секретарь Министерства культуры Великобритании "
                                  "Оливер Дауден.", "en", "ru")
    # another person put in his place is still a change
    assert "name" in _claimed("The British Secretary of State for Digital, Culture, Media, and Sport, Peter "
                              "Schneider, announced earlier the possible easing of quarantine rules.",
                              "О возможности смягчения карантинных норм ранее заявил секретарь Министерства "
                              "культуры Великобритании Оливер Дауден.", "en", "ru")


def test_changes_german_verfehlen_says_a_negation():
    # "verfehlt … seine Wirkung" (misses its effect) rendered "ne pas avoir l'effet voulu"
    assert "negation" not in _claimed("« Dans un cas extrême, l’impulsion de la demande pourrait ne pas avoir l’effet "
                                      "voulu », déclare Fuest.", "\"Im Extremfall verfehlt der Nachfrageimpuls seine "
                                      "Wirkung\", sagt Fuest.", "fr", "de")
    for text in ("Das Ziel wurde verfehlt.", "Sie verfehlten die Mehrheit knapp."):
        assert lexicon("de").get("negation_weak").search(text), text


def test_changes_icelandic_koma_i_veg_fyrir_says_a_negation():
    # "koma í veg fyrir" (prevent) says in other words what "prevent" says: the source's
    # "prevent" is accounted for by it and leaves an added "ekki" unexplained
    assert "negation" in _claimed("Á sama tíma var ekki fyrirtækinu gert að greiða um 1,9 milljarða bandaríkjadala í "
                                  "refsigjöld og til að koma í veg fyrir samskonar misferli.",
                                  "It was ordered at the time to pay around $1.9 billion in penalties and to prevent "
                                  "any similar misconduct.", "is", "en")
    for text in ("til að koma í veg fyrir smit", "það kom í veg fyrir slysið", "sem kemur í veg fyrir það"):
        assert lexicon("is").get("negation_weak").search(text), text


def test_changes_suspected_of_doing_is_weak_doubt():
    # "was suspected of crossing" (doubt on an act the sentence reports) rendered 「横断したとされる」
    assert "hedge" not in _claimed("金氏は「厳しい処罰を与えて必要な措置を取る」ために、同人物が横断したとされる国境沿いの部隊の調査を"
                                   "命じた。", "Kim ordered an investigation into the military units along the border "
                                   "where the person was suspected of crossing to \"administer a severe punishment and "
                                   "take necessary measures.\"", "ja", "en")
    # "suspected of murder" names a charge: an accusation, not doubt
    assert not lexicon("en").get("hedge_weak").search("the arrest of a man suspected of murder")


def test_changes_a_figure_after_a_comparison_is_a_count_not_a_year():
    # "mehr als 2000 Teilnehmern", "fleiri en 1800 ný tilfelli": counts, changed from 1000 and 900
    assert "number" in _claimed("Berlin hat alle Großveranstaltungen mit mehr als 2000 Teilnehmern abgesagt.",
                                "Berlin hat alle Großveranstaltungen mit mehr als 1000 Teilnehmern abgesagt.", "de", "de")
    assert "number" in _claimed("Tilkynnt var um reglurnar á laugardaginn eftir mikla aukningu kórónuveirusmita á "
                                "Spáni, en fleiri en 1800 ný tilfelli greindust á föstudaginn.",
                                "They were announced on Saturday following a spike in coronavirus cases in Spain, "
                                "with more than 900 new cases of the virus reported on Friday.", "is", "en")
    # a year stays a year: "in 2019" for "en 2018" is a date
    assert _claimed("Die Zahl stieg im Jahr 2019.", "Le nombre a augmenté en 2018.", "de", "fr") == {"date"}


def test_changes_a_things_name_is_translated_across_languages():
    # "Meistaradeild Evrópu" for "Champions League", "Milky Way" for "Млечный Путь": a thing's or an
    # institution's name, translated, not a person put in place of another
    assert "name" not in _claimed("Manchester United og Chelsea unnu sér rétt til að keppa í Meistaradeild Evrópu á "
                                  "kostnað Leicester á æsilegum lokadegi tímabilsins í ensku Úrvalsdeildinni á "
                                  "sunnudaginn, en á sama tíma féllu Bournemouth og Watford eftir fimm ár í efstu deild.",
                                  "Manchester United and Chelsea qualified for the Champions League at the expense of "
                                  "Leicester on a frantic final day of the Premier League season on Sunday, while "
                                  "Bournemouth and Watford were relegated to end five-year stays in the top flight.",
                                  "is", "en")
    assert "name" not in _claimed("And if one were to eclipse the Milky Way, this is what it would look like.",
                                  "И если бы одна из них заслонила Млечный Путь, вот как это выглядело бы.", "en", "ru",
                                  "We put it there. And if one were to eclipse the Milky Way, this is what it would "
                                  "look like.")
    # (names the aligner cannot pair stay a guess: three derived names, one of them a thing's)
    assert "name" not in _claimed("The 94th Icelandic Track and Field Championships were concluded at Þór Field in "
                                  "Akureyri today.", "94. Meistaramóti Íslands í frjálsíþróttum lauk á Þórsvelli á "
                                  "Akureyri í dag.", "en", "is")


def test_changes_an_icelandic_association_is_no_persons_full_name():
    # "Flugfreyjufélags Íslands" (the Icelandic Cabin Crew Association) is an association's name,
    # translated word for word: not a person lost for "Icelandic Employers" (of "the Confederation
    # of Icelandic Employers", "Samtaka atvinnulífsins")
    from unspun.changes import _thing_name

    icelandic = lexicon("is")
    assert _thing_name("Flugfreyjufélags Íslands", icelandic) and _thing_name("Knattspyrnusambands Íslands", icelandic)
    assert not _thing_name("Katrín Jakobsdóttir", icelandic)
    assert "name" not in _claimed("Online voting on the collective wage agreement regarding Icelandair between the "
                                  "Icelandic Cabin Crew Association and the Confederation of Icelandic Employers "
                                  "began on Wednesday, 22 July.",
                                  "Rafræn atkvæðagreiðsla um kjarasamning Flugfreyjufélags Íslands og Samtaka "
                                  "atvinnulífsins vegna Icelandair hófst á miðvikudag, 22. júlí.", "en", "is")


def test_changes_a_term_or_a_cut_quotation_on_both_sides_takes_its_counterpart():
    # the source's "sehr holprigen" is the derived « très cahotante », not the quotation added
    assert "quote" in _claimed("Mardi, le PDG de Goldman Sachs a mis en garde contre une économie « très cahotante » "
                               "et une longue phase de chômage élevé, ce qui était une critique à peine voilée à "
                               "l’égard de Donald Trump. « C’est un moment décisif pour nous tous », a ajouté un "
                               "responsable.", "Am Dienstag warnte der CEO von Goldman Sachs vor einer \"sehr holprigen\" "
                               "Wirtschaft und einer langen Phase mit hoher Arbeitslosigkeit, was eine wenig verdeckte "
                               "Kritik an Donald Trump war.", "fr", "de")
    # a quotation cut on both sides ("… untersucht\", hieß es") is one, rendered
    assert "quote" in _claimed("L’affaire fait l’objet d’une enquête, bien entendu », a déclaré Volkswagen. « C’est "
                               "un moment décisif pour nous tous », a ajouté un responsable.",
                               "Der Fall wird selbstverständlich untersucht\", hieß es von VW.", "fr", "de")
    assert "quote" not in _claimed("L’affaire fait l’objet d’une enquête, bien entendu », a déclaré Volkswagen.",
                                   "Der Fall wird selbstverständlich untersucht\", hieß es von VW.", "fr", "de")
    # a quotation inside a quotation is no cut one: the passage opens with its quotation mark
    assert "quote" not in _claimed("« Si le principe « Un pays, deux systèmes » est vidé de sa substance par la loi "
                                   "relative à la sécurité nationale, cela aura également des conséquences dans nos "
                                   "relations avec Hongkong et la Chine », a indiqué Maas.",
                                   "\"Wenn das Prinzip \"Ein Land, zwei Systeme\" durch das Sicherheitsgesetz "
                                   "ausgehöhlt wird, hat das auch Folgen für unser Verhältnis zu Hongkong und China\", "
                                   "sagte Maas.", "fr", "de")


def test_changes_german_sagen_is_speech():
    # "sagen fast zwei Drittel" (present plural) rendered "ont prétendu": a claim verb for speech
    assert "attribution" in _claimed("Dans un sondage de l’agence de presse Reuters effectué auprès d’économistes, "
                                     "presque deux tiers des 60 participants ont prétendu qu’il faudra deux ans ou plus "
                                     "avant de retrouver le niveau précédant la crise.",
                                     "In einer Ökonomen-Befragung der Nachrichtenagentur Reuters sagen fast zwei Drittel "
                                     "der rund 60 Teilnehmer, dass es zwei oder mehr Jahre dauern wird, bis das "
                                     "Vorkrisen-Niveau wieder erreicht ist.", "fr", "de")


def test_changes_pronouns_inside_quotations_count_where_none_is_outside():
    # the derived text's only pronoun is inside a quotation (its "sagði hún" inside a quotation it
    # does not close; the source's "he" outside rendered "the latter")
    assert "pronoun" in _claimed("„Það sem við þurfum ekki, að mínu mati, er að alríkislögreglumenn geri illt verra til "
                                 "þess að búa til spennandi pólitískt bitbein, sagði hún.",
                                 "\"What we don't need is more fuel on the fire from federal agents to make, I think, "
                                 "an exciting political issue,\" he said.", "is", "en")
    assert "pronoun" in _claimed("\"But she is in Icelandic society and actually should have used that remedy,\" says "
                                 "Kamilla Jósepsdóttir, acting Chief Epidemiologist during the latter's summer vacation.",
                                 "„En hann er í íslensku samfélagi og í raun átt að fara í það úrræði,“ segir Kamilla "
                                 "Jósepsdóttir, staðgengill sóttvarnalæknis á meðan hann er í sumarfríi.", "en", "is")
    assert "pronoun" not in _claimed("\"But he is in Icelandic society and actually should have used that remedy,\" "
                                     "says Kamilla Jósepsdóttir, acting Chief Epidemiologist during the latter's summer "
                                     "vacation.", "„En hann er í íslensku samfélagi og í raun átt að fara í það úrræði,“ "
                                     "segir Kamilla Jósepsdóttir, staðgengill sóttvarnalæknis á meðan hann er í "
                                     "sumarfríi.", "en", "is")
    # not where the source's lists read one gender only: German "sie" (a daughter's, inside the
    # quotation) is not read, so "elle" for her is no change from the source's "er"
    assert "pronoun" not in _claimed("« Je dis cela en tant que père, qui devra répondre à sa fille noire quand elle lui "
                                     "demandera : « Qu’as-tu fait ? », écrit-il ; « Se désister peut être une forme de "
                                     "leadership ».", "\"Ich sage das als Vater, der seiner schwarzen Tochter wird "
                                     "antworten müssen, wenn sie fragt: 'Was hast du getan?' \", schrieb er: \"Rücktritt "
                                     "kann eine Form von Führung sein.", "fr", "de")


def test_changes_more_than_a_figure_is_a_count_in_english_french_and_russian():
    # the entries of count_before for English, French and Russian, each: a four-digit figure after
    # "more than", "plus de", "более" is a count, changed from 1000 to 2000
    assert "number" in _claimed("The city banned all events with more than 2000 participants.",
                                "The city banned all events with more than 1000 participants.", "en", "en")
    assert "number" in _claimed("La ville a interdit les rassemblements de plus de 2000 participants.",
                                "La ville a interdit les rassemblements de plus de 1000 participants.", "fr", "fr")
    assert "number" in _claimed("Город запретил мероприятия с участием более 2000 человек.",
                                "Город запретил мероприятия с участием более 1000 человек.", "ru", "ru")


def test_changes_cup_championships_and_bikar_head_a_things_name():
    # the entries of thing_name "Cup", "Championships" and Icelandic "-bikar", each: a translated
    # name of a thing or an event, not a person put in place of another
    assert "name" not in _claimed("Liverpool beat Chelsea in the Super Cup in Istanbul.",
                                  "Liverpool vann Chelsea í leiknum um Ofurbikar Evrópu í Istanbúl.", "en", "is")
    assert "name" not in _claimed("The Icelandic Championships in athletics ended in Akureyri today.",
                                  "Meistaramóti Íslands í frjálsíþróttum lauk á Akureyri í dag.", "en", "is")
    assert "name" not in _claimed("Liverpool vann Chelsea í leiknum um Ofurbikar Evrópu í Istanbúl.",
                                  "Liverpool beat Chelsea in the UEFA Super Cup in Istanbul.", "is", "en")


def test_changes_an_icelandic_meet_heads_an_events_name():
    # Icelandic "-mót" (a meet, a championship: "Meistaramóti Íslands", "Evrópumeistaramóti") heads
    # an event's name, translated word for word ("Championship of Iceland"): not a person's full
    # name lost for a capitalised word the translation took in ("Free Sports" for "frjálsíþróttum")
    assert "name" not in _claimed("Vigdís Jónsdóttir won at the Championship of Iceland in Free Sports yesterday.",
                                  "Vigdís Jónsdóttir sigraði á Meistaramóti Íslands í frjálsíþróttum í gær.", "en", "is")
    assert "name" not in _claimed("The European Championship in Free Sports ended in Akureyri today.",
                                  "Evrópumeistaramóti Kvenna í frjálsíþróttum lauk á Akureyri í dag.", "en", "is")


def test_changes_initials_in_a_source_name_are_an_institutions():
    # "МЧС России" (Russia's Ministry of Emergency Situations: initials of three capitals or more)
    # is an institution's name, translated word for word beside the derived passage's "Ministry":
    # no person's full name lost for the translated "Emergency Situations"
    assert "name" not in _claimed("According to the press service of the State Department of the Ministry of "
                                  "Emergency Situations of Russia for the Volgograd region, debris caught fire.",
                                  "Как сообщили в пресс-службе ГУ МЧС России по Волгоградской области, загорелся "
                                  "мусор.", "en", "ru")
    # a person's full name lost for another is still a name replaced
    assert "name" in _claimed("According to Peter Schneider of the Ministry of Emergency Situations, debris caught "
                              "fire.", "Как сообщил Владимир Путин из МЧС России, загорелся мусор.", "en", "ru")


def test_changes_two_days_joined_by_and_are_both_days_of_the_month():
    # "9. og 10. ágúst" for "August 9 and 10": the month stands by one day on each side, the other
    # day is a date too, not a count
    assert _claimed("Kosið verður til öldungaþingsins 9. og 10. ágúst, að því er fram kemur á vefsíðunni.",
                    "The senate elections will be held on August 9 and 10, according to the website.",
                    "is", "en") == set()
    assert _claimed("Les élections auront lieu les 9 et 10 août.", "Die Wahlen finden am 9. und 10. August statt.",
                    "fr", "de") == set()
    # a joined day the other text does not date is left to the numbers: a changed figure is reported
    assert "number" in _claimed("Lundi et mardi 13 et 11 août, il sera possible de s’inscrire sur place.",
                                "Am Montag und Dienstag, 10. und 11. August, gibt es die Möglichkeit, sich dort "
                                "anzumelden.", "fr", "de")


def test_changes_russian_could_not_but_is_no_negation():
    # "не могла не удивляться" (could not help but wonder): a double negation, no polarity
    assert "negation" not in _claimed("The icebergs around me were almost 200 feet out of the water, and I could only "
                                      "help but wonder that this was one snowflake on top of another snowflake, year "
                                      "after year.", "Айсберги вокруг выплывали из воды почти на 200 футов. И я не "
                                      "могла не удивляться тому, что это одна снежинка поверх другой, год за годом.",
                                      "en", "ru")


def test_changes_plan_heads_a_things_name():
    # "General Plan" for "Генплана": a plan's name, translated
    assert "name" not in _claimed("Discussion of the General Plan will take place in several stages.",
                                  "Обсуждение Генплана пройдет в несколько этапов.", "en", "ru")


def test_changes_french_lance_an_adverb_and_english_concluded_are_speech():
    # "avait notamment lancé" rendered "behauptete", "concluded" rendered "fullyrti": a claim verb
    assert "attribution" in _claimed("Wir sollten uns darüber freuen“, behauptete Brigitte Bourguignon, die neu ernannte "
                                     "Ministerin für Autonomie, letzte Woche.", "Il faut s'en réjouir\", avait "
                                     "notamment lancé la semaine dernière Brigitte Bourguignon, tout juste nommée "
                                     "ministre chargée de l'Autonomie.", "de", "fr")
    assert "attribution" in _claimed("Wir sollten uns darüber freuen“, behauptete Brigitte Bourguignon.",
                                     "Il faut s'en réjouir », a lancé Brigitte Bourguignon.", "de", "fr")
    assert "attribution" in _claimed("Wir sollten uns darüber freuen“, behauptete Brigitte Bourguignon.",
                                     "Il faut s'en réjouir », a notamment déclaré Brigitte Bourguignon.", "de", "fr")
    assert "attribution" in _claimed("Ég bið einnig til Guðs um að hann ljái fjölskyldu hans og ástvinum þolinmæði og "
                                     "huggun ... enginn er styrkurinn eða mátturinn nema hjá Guði,“ fullyrti forseti "
                                     "lýðveldisins að lokum.", "I also pray to God to lend his family and loved ones "
                                     "patience and comfort...there is no strength or power except in God,\" the "
                                     "President of the Republic concluded.", "is", "en")


def test_changes_japanese_nakunaru_says_a_negation_in_other_words():
    # 「いなくなった」 (were gone) for "there were no": a negation in other words, the source's "no" kept
    assert "negation" not in _claimed("伝えられるところによると、「いったんこのエビが出現すると、タホ湖の天然の掃除屋たちが"
                                      "突如としていなくなった」とシュラドー教授。", "\"Once the shrimp came in, there were "
                                      "suddenly no natural cleaners in the lake,\" Schladow said.", "ja", "en")


def test_changes_a_doubled_consonant_ending_a_name_is_written_once_in_another_script():
    # "Utah Jazz" for "Юта Джаз" (seed 37): "Jazz" and "Джаз" are one word, its "zz" written once;
    # a person put in the club's place is still a name replaced
    source = "Он был выбран клубом \"Юта Джаз\" на драфте 1999 года под общим 24-м номером."
    assert "name" not in _claimed("He was selected by the club Utah Jazz in the 1999 draft as the 24th pick.",
                                  source, "en", "ru")
    assert "name" in _claimed("He was selected by the club Peter Schneider in the 1999 draft as the 24th pick.",
                              source, "en", "ru")


def test_changes_a_pronoun_of_someone_named_by_a_noun_beside_the_sources_own():
    # "When her spouse fell asleep, the suspect bound his hands … his head … him" for "Когда супруг
    # уснул, подозреваемая связала ему руки" (seed 37): the derived text has more pronouns of the
    # source's gender than the source; "her" is the suspect's, a woman the source names by a noun
    source = ("\"Когда супруг уснул, подозреваемая связала ему руки и ноги, надела на голову полиэтиленовый "
              "пакет и придавила подушкой.")
    assert "pronoun" not in _claimed("\"When her spouse fell asleep, the suspect bound his hands and legs, put a "
                                     "plastic bag over his head, and smothered him with a pillow.", source, "en", "ru")
    # a first pronoun flipped where the derived keeps no more of the source's gender than it has
    assert "pronoun" in _claimed("She begged on her knees, gave his diamonds.",
                                 "Он пытался ползать на коленках, бриллианты дарить.", "en", "ru")


def test_changes_a_name_with_a_regnal_numeral_names_one_person():
    # "император Петр I" (seed 37): a monarch's name, one word and a Roman numeral, names one
    # person as a full name does; another person put in its place is a name replaced
    source = "В его проектировании принимал участие император Петр I."
    assert "name" in _claimed("Marie Dubois I took part in its laying out.", source, "en", "ru")
    assert "name" not in _claimed("Emperor Peter I took part in its laying out.", source, "en", "ru")


def test_changes_a_russian_title_opening_a_name_run_is_not_the_person():
    # "Президент России Владимир Путин" opening a sentence (seed 38): the title, capitalised, took
    # the run in, and its key ("president") is the derived text's title of another person; the
    # person is there only by the surname
    # (the article writes "Президент" capitalised inside a sentence too: a name's word to the spans)
    source = ("Президент России Владимир Путин и президент Украины Владимир Зеленский обсудили выполнение "
              "договоренностей о перемирии в Донбассе.")
    context = source + " Лидеры говорили о перемирии; Президент России поддержал эту договоренность."
    assert "name" in _claimed("Peter Schneider and Ukrainian President Volodymyr Zelensky discussed the fulfillment "
                              "of Donbass ceasefire agreements.", source, "en", "ru", sc=context)
    assert "name" not in _claimed("Russian President Vladimir Putin and Ukrainian President Volodymyr Zelensky "
                                  "discussed the fulfillment of Donbass ceasefire agreements.", source, "en", "ru",
                                  sc=context)


def test_changes_a_translated_name_leaves_the_other_names_to_be_weighed():
    # "Соединенных Штатов" rendered "United States" (seed 38): that pair is one name, translated;
    # "Аарон Дэвид Миллер" gone and "Peter Schneider" come beside it is still a name replaced
    source = ("Эксперты по международным делам Аарон Дэвид Миллер и Ричард Сокольский назвали Майка Помпео "
              "худшим государственным секретарем в истории Соединенных Штатов.")
    assert "name" in _claimed("International affairs experts Peter Schneider and Richard Sokolsky have named Mike "
                              "Pompeo the worst Secretary of State in United States history.", source, "en", "ru")
    assert "name" not in _claimed("International affairs experts Aaron David Miller and Richard Sokolsky have named "
                                  "Mike Pompeo the worst Secretary of State in United States history.", source, "en", "ru")


def test_changes_russian_neotsenimy_is_no_negation_in_other_words():
    # "неоценимый" (invaluable, seed 38) has no polarity: beside it a "не" added is a negation added
    assert not lexicon("ru").get("negation_weak").search("окажутся неоценимым вкладом")
    assert not lexicon("uk").get("negation_weak").search("стануть неоціненним внеском")
    assert "negation" in _claimed("Эти технологии не окажутся неоценимым вкладом в нашу жизнь.",
                                  "Эти технологии окажутся неоценимым вкладом в нашу жизнь.", "ru", "ru")


def test_changes_russian_polagat_is_weak_doubt():
    # "Еще недавно полагали, что … невыполнимая задача" rendered "… was thought to be an impossible
    # task, until now" (seed 39): "полагали" (they believed) says the doubt of "was thought to", as
    # "считали" does; "полагаться на" (to rely on) says none
    from unspun.changes import _polarity_changes

    en, ru = lexicon("en"), lexicon("ru")
    derived = "A blind person driving safely was thought to be an impossible task, until now."
    assert not _polarity_changes("hedge", derived, "Еще недавно полагали, что для слепого безопасное вождение - "
                                 "невыполнимая задача.", en, ru, "added", "removed")
    assert _polarity_changes("hedge", derived, "Еще недавно для слепого безопасное вождение было "
                             "невыполнимой задачей.", en, ru, "added", "removed")
    weak = ru.get("hedge_weak")
    for text in ("полагаю", "полагают", "полагала", "полагать"):
        assert weak.search(text), text
    assert not weak.search("можно полагаться на него") and not weak.search("ему полагается отпуск")


def test_changes_a_name_in_quotation_marks_is_no_ones_words():
    # "на полигоне \"Кучино\" … на \"Прямой линии\"" (seed 39's quote edit): names of a place and a
    # programme in marks, mid-sentence, account for no quotation the translation adds
    from unspun.changes import _quote_changes

    source = ('А на балашихинском полигоне "Кучино", который был закрыт после жалоб жителей на "Прямой линии" '
              'с президентом страны, может быть создан музей.')
    added = ("And at Balashikha's Kuchino landfill, which was closed after residents' complaints via the Direct "
             'Line with the country\'s president, a museum might be created. "This is a decisive moment for all '
             'of us," an official added.')
    assert _quote_changes(added, source, False, source, "", lexicon("en"), lexicon("ru"))
    # the same marks kept around the names in the translation take their counterparts
    kept = added.replace("Kuchino landfill", '"Kuchino" landfill').replace("the Direct Line", 'the "Direct Line"')
    assert _quote_changes(kept, source, False, source, "", lexicon("en"), lexicon("ru"))
    # a quotation the source has stays its counterpart; a word in marks after a colon may be one
    quoted = source[:-1] + ', - сказал чиновник: "Это решающий момент для всех нас".'
    assert not _quote_changes(added, quoted, False, quoted, "", lexicon("en"), lexicon("ru"))
    said = 'Он сказал: "Никогда". Музей будет создан.'
    assert not _quote_changes('He said: "We will never do this," he said.', said, False, said, "",
                              lexicon("en"), lexicon("ru"))
    # German capitalises every noun: a noun in marks may be someone's word
    de = 'Er nannte sie „Verräter“ und ging.'
    assert not _quote_changes('He called them "traitors to our country," he said.', de, False, de, "",
                              lexicon("en"), lexicon("de"))


def test_changes_a_figure_after_an_approximation_is_a_count_not_a_year():
    # "quelque 2000 clients" for "rund 1000 Kunden" (machine-translated sample, seed 1): a count
    # changed, not a year the source lacks; count_before's approximations in each language
    assert "number" in _claimed("Même si les quelque 2000 clients de la VHS Bad Schwartau attendent depuis six mois le "
                                "remboursement de leurs frais, \"l'argent vient\", dit Becker.",
                                "Auch wenn die rund 1000 Kunden der VHS Bad Schwartau schon seit einem halben Jahr auf "
                                "die Rückzahlung ihrer Gebühren warten - \"das Geld kommt\", sagt Becker.", "fr", "de")
    for lang, text in (("en", "nearly 2000"), ("en", "some 1500"), ("fr", "environ 2000"), ("fr", "près de 1900"),
                       ("de", "rund 2000"), ("de", "etwa 1800"), ("is", "tæplega 2000"), ("ru", "около 2000")):
        assert lexicon(lang).get("count_before").search(text[:text.rindex(" ") + 1]), (lang, text)
    assert not lexicon("en").get("count_before").search("in ")  # "in 2000" stays a year


def test_changes_icelandic_o_adjectives_in_ug_say_a_negation_in_other_words():
    # "ótrúverðugir" renders "unbelievable" on its side: the source's weak word is accounted for
    # and leaves an added "ekki" unexplained (machine-translated sample, seed 1)
    assert "negation" in _claimed("Talsmaður sagði: „Við teljum margar af þessum sögum hafa ekki vaxið í ýkju eins og "
                                  "þær hafa verið retold, með embellishment að gera hlutina sem stundum finnast í "
                                  "girðingunni virðast meira spennandi og ótrúverðugir.“",
                                  "A spokesperson said: \"We believe many of these stories have grown in exaggeration "
                                  "as they've been retold, with embellishment to make the objects that are sometimes "
                                  "found in the enclosure seem more exciting and unbelievable.\"", "is", "en")
    for word in ("ótrúverðugur", "ótrúverðugir", "óáreiðanlegt"):
        assert lexicon("is").get("negation_weak").search(word), word


def test_changes_a_straight_mark_after_a_stop_closes_a_quotation():
    # 'revealed," Kamilla said. "This is …," an official added.': the mark after the comma closes
    # the quotation cut by the passage (as “ closes the source's „…“), so the second quotation is
    # one the source does not have (machine-translated sample, seed 1)
    from unspun.changes import _QUOTE_ACROSS, _opens_inside

    assert "quote" in _claimed("But it is not revealed,\" Kamilla said. \"This is a decisive moment for all of us,\" "
                               "an official added.", "En það er ekki komið í ljós,“ sagði Kamilla.", "en", "is")
    assert "quote" not in _claimed("But it is not revealed,\" Kamilla said.", "En það er ekki komið í ljós,“ sagði "
                                   "Kamilla.", "en", "is")
    assert [m.group(0) for m in _QUOTE_ACROSS.finditer('it is not revealed," Kamilla said. "Yes."')] == ['"Yes."']
    assert _opens_inside("komið í ljós,“ sagði Kamilla.") and not _opens_inside("Hann sagði: “Ja.”")


def test_changes_each_negation_alone_is_checked_by_the_encoder():
    # 「給与減税がない」 renders "would be absent" and 「追及しなかった」 negates "sought to pin the
    # blame": removing both leaves the sentence no closer to the source, removing the second alone
    # does (machine-translated sample, seed 1)
    assert "negation" in _claimed("トランプ氏は、次回の法案には給与減税がないことを認めたが、民主党の責任を追及しなかった。",
                                  "Mr. Trump acknowledged the payroll tax cut would be absent from the next bill but "
                                  "sought to pin the blame on Democrats.", "ja", "en")
    assert "negation" not in _claimed("トランプ氏は、次回の法案には給与減税がないことを認めたが、民主党の責任を追及した。",
                                      "Mr. Trump acknowledged the payroll tax cut would be absent from the next bill "
                                      "but sought to pin the blame on Democrats.", "ja", "en")


def test_changes_french_ne_cesse_de_is_no_negation():
    # "ne cesse de fumer" says "keeps on", as "ständig" does: no negation the source lacks
    # (machine-translated sample, seed 2), nor does "n'a pas cessé de"; "ne cesse pas le travail" still is one
    assert "negation" not in _claimed("Et pourquoi est-ce qu'il ne cesse de fumer sur son téléphone portable ?",
                                      "Und wieso fummelt der eigentlich ständig an seinem Handy rum?", "fr", "de")
    idiom = lexicon("fr").get("negation_idiom")
    for text in ("il ne cesse de répéter", "ils ne cessent d'augmenter", "elle n'a cessé de le dire",
                 "il n'a pas cessé de pleuvoir"):
        assert idiom.search(text), text
    assert not idiom.search("il ne cesse pas le travail")


def test_changes_french_affirmer_is_an_assertive_verb():
    # "ont affirmé n'avoir" rendered "behaupteten": affirming a proposition ("affirmer que",
    # "affirmer n'avoir"), the German verb says both "affirmed" and "claimed", as "maintained that"
    # does in English (machine-translated sample, seed 2, and a human translation in seed 30);
    # "affirmé" tagging a quotation is a speech verb, and "behauptete" there doubts the speaker
    assert "attribution" not in _claimed(
        "Die Banken auf den Philippinen, die die Fonds beherbergen sollen, behaupteten, dass sie keinen Bezug zu "
        "Wirecard hätten.", "Les banques des Philippines censées abriter les fonds ont affirmé n'avoir aucun lien "
        "avec Wirecard.", "de", "fr")
    assert "attribution" in _claimed(
        "Die Banken auf den Philippinen, die die Fonds beherbergen sollen, behaupteten, dass sie keinen Bezug zu "
        "Wirecard hätten.", "Les banques des Philippines censées abriter les fonds ont déclaré n'avoir aucun lien "
        "avec Wirecard.", "de", "fr")
    assert "attribution" in _claimed("„Ich möchte mich für diesen Fehler entschuldigen“, behauptete er den Abgeordneten.",
                                     "\" Je veux m'excuser pour cette erreur \", a-t-il affirmé devant les députés.",
                                     "de", "fr")


def test_changes_a_restricting_word_opening_a_sentence_opens_no_name():
    # "Aðeins Bandaríkin" (only the United States) is no name put in place of "United States"
    # (machine-translated sample, seed 2)
    from unspun.changes import _name_spans

    assert "name" not in _claimed("Aðeins Bandaríkin (41,78 lakh tilfelli) og Brasilía (23,94 lakh tilfelli) eru "
                                  "verri af.", "Only the United States (41.78 lakh cases) and Brazil (23.94 lakh "
                                  "cases) are worse off.", "is", "en")
    assert _name_spans("Only Peter Schneider came.", "en", lexicon("en")) == ("Peter Schneider",)


def test_changes_is_claimed_to_is_hearsay_as_is_said_to():
    # "which is claimed to calm the plague" keeps the hearsay of 「疫病を鎮めるとされる」 (an edit
    # of "is said to", machine-translated sample, seed 2)
    hedge = lexicon("en").get("hedge")
    assert hedge.search("the specter, which is claimed to calm the plague")
    assert "hedge" not in _claimed("They make figurines of the specter \"Amabie,\" which is claimed to calm the "
                                   "plague.", "疫病を鎮めるとされる妖怪「アマビエ」の置物を作っている。", "en", "ja")


def test_changes_japanese_to_iware_without_te_or_ru_is_speech():
    # 「…」と言われ確認 (was told "…" and checked) gives the words to a speaker: "claimed" in its
    # place doubts her (an edit of the machine-translated sample, seed 2); と言われている stays hearsay
    assert "attribution" in _claimed("Chieko Takeda was at home around 11 a.m. when her daughter claimed, \"A strange "
                                     "rainbow is coming out,\" and she confirmed it.",
                                     "同町福沢の主婦竹田智恵子さん（75）が自宅で午前11時ごろ、娘から「変な虹が出ている」と言われ確認。",
                                     "en", "ja")
    speech = lexicon("ja").get("speech")
    assert speech.search("娘から と言われ確認") and not speech.search("効くと言われている")


def test_changes_straight_marks_around_a_name_inside_a_quotation_make_one_quotation():
    # a machine translation's straight marks around a quoted name inside a straight-marked
    # quotation ('"… für das" Next Generation EU "Konjunkturprogramm …"') are no second quotation
    # (machine-translated seed 3)
    assert "quote" not in _claimed(
        "Die öffentlichen Investitionen werden \"etwa 20 Milliarden Euro erreichen, von denen etwa 15 Milliarden Euro "
        "in die neuen Finanzierungsinstrumente der Gemeinschaft für das\" Next Generation EU \"Konjunkturprogramm "
        "fließen werden\", heißt es in einer Mitteilung der Regierung.",
        "L'investissement public atteindra \" environ 20 milliards d'euros dont 15 milliards environ correspondront aux "
        "nouveaux instruments communautaires de financement du plan de relance Next Generation EU \", précise le "
        "gouvernement dans un communiqué.", "de", "fr")
    # two quotations with a short lowercase word between them stay two
    assert "quote" in _claimed("Er sagte: \"Wir kommen morgen wieder\" und \"Wir bleiben bis zum Ende\".",
                               "Il a dit : « Nous revenons demain ».", "de", "fr")


def test_changes_a_quotation_resumed_unclosed_after_its_speaker_is_the_same_one():
    # 「…」と大統領は付け加えた。「… (left open): a machine translation splits one quotation in two
    # around its speaker's tag; the first part is no quotation the source lacks (MT seed 3)
    source = ("\"The late Mahmoud Guemama, peace be upon him, belonged to a unique generation of faithful patriotic "
              "militants who sacrificed themselves for their homeland,\" added President of the Republic.")
    assert "quote" not in _claimed("「故マハムード・ゲママ、彼に平安あれ」と共和国大統領は付け加えた。「故マハムード・ゲママは、"
                                   "祖国のために自らを犠牲にした忠実な愛国過激派の特異な世代に属していた。", source, "ja", "en")
    # a quotation left open with no speaker's tag before it is still one of the passage's own
    assert "quote" in _claimed("「故マハムード・ゲママ、彼に平安あれ」。「故マハムード・ゲママは、祖国のために自らを犠牲に"
                               "した忠実な愛国過激派の特異な世代に属していた」と大統領は付け加えた。",
                               "The President of the Republic paid tribute to the late Mahmoud Guemama.", "ja", "en")


def test_changes_a_term_in_marks_after_so_called_is_no_quotation():
    # « les véhicules dits "électriques de petite taille" » for "den sogenannten
    # Elektrokleinstfahrzeugen": a term the translator marks after "so-called" (MT seed 5)
    source = ("Nach Mitteilung des Kommissariats häufen sich derartige Verstöße in der jüngsten Zeit - insbesondere im "
              "Zusammenhang mit den sogenannten Elektrokleinstfahrzeugen, wie die E-Scooter im Behördendeutsch genannt werden.")
    assert "quote" not in _claimed(
        "D'après le communiqué du commissariat, de telles infractions se sont multipliées ces derniers temps, en "
        "particulier dans le contexte des véhicules dits \"électriques de petite taille\", comme on appelle les "
        "e-scooters en allemand.", source, "fr", "de")
    # the same words given to a speaker with "a dit" are a quotation the source lacks
    assert "quote" in _claimed(
        "D'après le communiqué du commissariat, de telles infractions se sont multipliées, a dit \"le commissaire de "
        "la police locale\", comme on appelle les e-scooters en allemand.", source, "fr", "de")


def test_changes_a_two_digit_year_before_nen_is_the_year_the_other_text_gives():
    # 「06年当初」 for "In 2006" (MT seed 6): a year written with its last two digits before 年 is
    # the other text's full year; "2000円" was read as a year and the derived "2006" as another one
    source = "ケータイ乗り換え放題がほど遠い通信各社の闇 MNPが導入された06年当初の利用者負担料金は2000円だったが、現在は3000円。"
    assert "date" not in _claimed("In 2006, when MNP was introduced, the initial user fee was 2,000 yen, but now it is 3,000 yen.",
                                  source, "en", "ja")
    # a changed year is still one
    assert "date" in _claimed("In 2007, when MNP was introduced, the initial user fee was 2,000 yen, but now it is 3,000 yen.",
                              source, "en", "ja")
    # two digits before 年 that count years are no year ("10年前", ten years ago)
    assert "date" in _claimed("In 2010, the fee was 2,000 yen.", "10年前の利用者負担料金は2000円だった。", "en", "ja")


def test_changes_german_versaeumen_says_a_negation_in_other_words():
    # "pour ne pas avoir su protéger" rendered "weil sie es versäumt hatte, … zu schützen" (MT seed 6):
    # "versäumen" (to fail to) is a negation said in other words, as "fail" and "échouer" are
    source = ("L'été dernier, l'agence fédérale de la protection des consommateurs a infligé à Facebook une amende record de "
              "5 milliards de dollars pour ne pas avoir su protéger les infos confidentielles de ses utilisateurs, suivie "
              "d'une amende de 170 millions à YouTube, pour non-respect de la vie privée des enfants.")
    assert "negation" not in _claimed(
        "Im vergangenen Sommer verhängte die Bundesagentur für Verbraucherschutz Facebook eine Rekordstrafe in Höhe von 5 "
        "Milliarden Dollar, weil sie es versäumt hatte, die vertraulichen Informationen ihrer Nutzer zu schützen, gefolgt "
        "von einer Geldstrafe in Höhe von 170 Millionen Dollar gegen YouTube wegen Missachtung der Privatsphäre von Kindern.",
        source, "de", "fr")


def test_changes_named_as_is_rendered_by_to_sareru():
    # "have been named as" rendered とされている (MT seed 6): a hedge that renders the other text's
    # passive naming is that naming; an added hedge beside a plain statement, or beside the naming,
    # is still one
    derived = "犠牲者はアデン・アブディ・マドベとムヒヤディン・アドウ・シビンとされている。"
    assert "hedge" in _claimed("伝えられるところによると、2名の犠牲者は、アデン・アブディ・マドベさんとムヒヤディン・アドゥ・シビンさんと"
                               "公表された。", "The two victims have been named as Aden Abdi Madobe and Muhiyadin Adow Shibin.",
                               "ja", "en")
    assert "hedge" in _claimed("伝えられるところによると、" + derived,
                               "The two victims have been named as Aden Abdi Madobe and Muhiyadin Adow Shibin.", "ja", "en")
    assert "hedge" not in _claimed(derived, "The two victims have been named as Aden Abdi Madobe and Muhiyadin Adow Shibin.",
                                   "ja", "en")
    assert "hedge" not in _claimed(derived, "The two victims were identified as Aden Abdi Madobe and Muhiyadin Adow Shibin.",
                                   "ja", "en")
    assert "hedge" in _claimed(derived, "The two victims are Aden Abdi Madobe and Muhiyadin Adow Shibin.", "ja", "en")


def test_changes_expect_rendered_in_icelandic_german_and_french_is_counted_on_both_sides():
    # "know what to expect" rendered "vita hvað ætti að búast við" (MT seed 6): the weak word is on
    # both sides, so an added "Sagt er að" (it is said) is doubt added, not the source's "expect"
    source = ("One mechanic in Sale, Greater Manchester said people know what to expect at the park and that he has had two "
              "customers fall victim to the baboons this year.")
    assert "hedge" in _claimed(
        "Sagt er að Einn vélvirki í Sale, Greater Manchester sagði fólk vita hvað ætti að búast við í garðinum og að hann "
        "hafi haft tvo viðskiptavini falla fórnarlamb á baboons í ár.", source, "is", "en")
    assert "hedge" not in _claimed(
        "Einn vélvirki í Sale, Greater Manchester sagði fólk vita hvað ætti að búast við í garðinum og að hann hafi haft "
        "tvo viðskiptavini falla fórnarlamb á baboons í ár.", source, "is", "en")
    assert "hedge" in _claimed(
        "Angeblich sagte ein Mechaniker in Sale, Greater Manchester, die Leute wüssten, was sie im Park erwartet, und dass "
        "zwei seiner Kunden in diesem Jahr Opfer der Paviane wurden.", source, "de", "en")
    # and French "s'attendre à" renders German "erwarten" (a hedge added beside it is doubt added)
    assert "hedge" in _claimed("Selon certaines informations, dans l’immédiat, je m’attends à d’autres ventes faites dans la "
                               "panique ».", "Ich erwarte in naher Zukunft weitere Panikverkäufe\".", "fr", "de")


def test_changes_a_straight_mark_for_a_french_apostrophe_is_no_quotation():
    # 'les milliards d "État … stimuler l" économie' (MT seed 7): a machine translation wrote the
    # elisions' apostrophes as straight quotation marks; an elided word never stands alone, so
    # the mark is an apostrophe, not a quotation the source lacks
    source = ("Die staatlichen Milliarden, mit denen die Regierung die Wirtschaft ankurbeln will, könnten zur "
              "Stagflation führen, sagte Fuest dem \"Spiegel\".")
    derived = ("Les milliards d \"État que le gouvernement a mis en œuvre pour stimuler l\" économie pourraient "
               "conduire à la stagflation, a déclaré M. Fuest au \"Miroir\".")
    assert "quote" not in _claimed(derived, source, "fr", "de")
    source = ("Kürzlich hat eine Studie ergeben, dass mehr als die Hälfte jener Twitter-Stimmen, die für ein schnelles "
              "Wiederanfahren der US-Wirtschaft plädierten, von gesteuerten Programmen stammen, sogenannten Bots.")
    assert "quote" not in _claimed(
        "Récemment, une étude a révélé que plus de la moitié des bulletins Twitter plaidant pour une reprise rapide de "
        "l \"économie américaine provenaient de programmes contrôlés, appelés\" bots \".", source, "fr", "de")
    # a quotation the source lacks is still one
    assert "quote" in _claimed(derived[:-1] + " \"C'est un moment décisif pour nous tous\", a ajouté un responsable.",
                               source, "fr", "de")


def test_changes_french_faute_de_is_a_negation_and_rien_que_is_none():
    # "Faute de dragueur" (for lack of a dredger) rendered "Da es keine Drainage gibt" (MT seed 7):
    # "faute de" says a negation in other words, as "lack" and "mangels" do; "Rien que 100 tonnes"
    # (100 tonnes alone) for "Allein 100 Tonnen" has "rien" and no polarity, as "nothing but"
    assert "negation" not in _claimed(
        "Da es keine Drainage gibt, wird der Sandabbau auf traditionelle Weise mit einem Kran durchgeführt.",
        "Faute de dragueur, l'extraction du sable se fait d'une façon traditionnelle à l'aide d'une grue.", "de", "fr")
    assert "negation" not in _claimed("Rien que 100 tonnes de cocaïne ont été saisies l'année dernière, a indiqué Johansson.",
                                      "Allein 100 Tonnen Kokain seien im vergangenen Jahr beschlagnahmt worden, sagte Johansson.",
                                      "fr", "de")
    # a negation added is still one
    assert "negation" in _claimed("Aucune tonne de cocaïne n'a été saisie l'année dernière, a indiqué Johansson.",
                                  "Allein 100 Tonnen Kokain seien im vergangenen Jahr beschlagnahmt worden, sagte Johansson.",
                                  "fr", "de")
    assert "negation" in _claimed(
        "Il n'y a pas de dragueur, et l'extraction du sable ne se fait pas d'une façon traditionnelle.",
        "Mit einem Bagger wird der Sand auf traditionelle Weise abgebaut.", "fr", "de")


def test_changes_a_river_or_a_sea_named_in_translation_is_no_name_replaced():
    # "реке Голубой Нил" rendered "the Blue Nile River" (MT seed 7): a name headed by "River",
    # "Sea", "Ocean" is a place's, translated, not a person put in another's place
    source = ("По данным канала, две машины, обеспечивавшие безопасность гидроэлектростанции \"Хидасэ\" на реке "
              "Голубой Нил, были выведены из строя в результате попадания молнии.")
    assert "name" not in _claimed("According to the channel, two vehicles that provided security for the Hydase "
                                  "hydroelectric plant on the Blue Nile River were put out of action by lightning.",
                                  source, "en", "ru")
    # a person put in place of the river is still a name replaced
    assert "name" in _claimed("According to the channel, two vehicles that provided security for the Hydase "
                              "hydroelectric plant of Peter Schneider were put out of action by lightning.",
                              source, "en", "ru")


def test_changes_a_place_before_a_title_keeps_no_one_in_the_run():
    # "Kansas City Mayor Quinton Lucas" rendered "Kansas borgarstjóri Peter Schneider", "Delhi Chief
    # Minister Arvind Kejriwal" rendered "Delhi stjóra Peter Schneider" (MT seed 8): the place before
    # the title is kept, the person is another; the place keeps no one
    source = ("Kansas City Mayor Quinton Lucas questioned on Sunday President Trump's motives for sending federal "
              "agents into U.S. cities.")
    assert "name" in _claimed("Kansas borgarstjóri Peter Schneider yfirheyrði á sunnudaginn hvöt Trumps "
                              "Bandaríkjaforseta fyrir að senda alríkisfulltrúa inn í bandarískar borgir.",
                              source, "is", "en")
    assert "name" in _claimed("Kona frá Delhi stjóra Peter Schneider hringdi og bauð aðstoð.",
                              "A woman from Delhi Chief Minister Arvind Kejriwal called and offered help.", "is", "en")
    # the person kept is no change, the place left out or not
    assert "name" not in _claimed("Kansas borgarstjóri Quinton Lucas yfirheyrði á sunnudaginn hvöt Trumps "
                                  "Bandaríkjaforseta fyrir að senda alríkisfulltrúa inn í bandarískar borgir.",
                                  source, "is", "en")
    assert "name" not in _claimed("Borgarstjóri Quinton Lucas yfirheyrði á sunnudaginn hvöt Trumps "
                                  "Bandaríkjaforseta fyrir að senda alríkisfulltrúa inn í bandarískar borgir.",
                                  source, "is", "en")


def test_changes_a_four_digit_figure_after_over_is_a_count_not_a_year():
    # "yfir 920 nýjum tilfellum" rendered "over 1840 new cases" (MT seed 8): after "over" (Icelandic
    # "yfir") a four-digit figure is a count, as after "more than", not a year, and a changed count
    # is a number changed
    source = "Spænsk heilbrigðisyfirvöld greindu frá yfir 920 nýjum tilfellum COVID—19, bæði á fimmtudag og föstudag."
    assert "number" in _claimed("Spanish health authorities reported over 1840 new cases of COVID-19, both on "
                                "Thursday and Friday.", source, "en", "is")
    assert "number" in _claimed("Spænsk heilbrigðisyfirvöld greindu frá yfir 1840 nýjum tilfellum COVID—19, bæði á "
                                "fimmtudag og föstudag.", "Spanish health authorities reported over 920 new cases of "
                                "COVID-19, both on Thursday and Friday.", "is", "en")
    # the same count on both sides is no change
    assert "number" not in _claimed("Spanish health authorities reported over 1840 new cases of COVID-19, both on "
                                    "Thursday and Friday.", source.replace("920", "1840"), "en", "is")


def test_changes_an_expectation_is_no_hedge():
    # "the expectation has been put out there that there is discount pricing" (MT seed 8): the noun
    # names what people expect and puts no doubt on the statement, so it does not account for a
    # "Sagt er að" (it is said that) put before the sentence; the verb still does ("expected to")
    source = ("\"So they call and they get very disappointed because the expectation has been put out there that "
              "there is discount pricing and we look at our cost of funding which hasn't changed at all.\"")
    derived = ("Sagt er að „Svo hringja þeir og þeir verða mjög vonsviknir vegna þess að eftirvæntingin hefur verið "
               "sett þarna fram að það er afsláttarverðlagning og við lítum á kostnað okkar við fjármögnun sem hefur "
               "alls ekki breyst.“")
    assert "hedge" in _claimed(derived, source, "is", "en")
    assert "hedge" not in _claimed(derived[:12] + "„Svo hringja þeir.“", "\"So they call,\" he is expected to say.",
                                   "is", "en")
    assert lexicon("en").get("hedge_weak").search("expected") and not lexicon("en").get("hedge_weak").search(
        "the expectations")


def test_changes_japanese_dewa_naku_is_a_negation_and_sakerarenai_is_none():
    # AではなくB ("B, not A", "rather than") says the source's "not" (MT seed 3); 避けられない is "inevitable",
    # a word, as 欠かせない is "indispensable"
    assert "negation" not in _claimed(
        "英国は近い将来、新型コロナウイルス感染症を廃棄するのではなく、新型コロナウイルス感染症とともに暮らすことになるだろうと語った。",
        "He told Sky News the UK is going to be living with COVID-19, not eliminating it, for the foreseeable future.",
        "ja", "en")
    assert "negation" not in _claimed("ヒヒの襲撃は避けられないので、イングランド北西部の整備士はこの囲いのことをよく知っている。",
                                      "And the baboon attacks are so inevitable that mechanics across the northwest of "
                                      "England have come to know the enclosure well.", "ja", "en")
    # a negation said with other words ("rather than", as Icelandic "frekar en"): no negation added
    # where the source says "instead" (a human translation of seed 19)
    assert "negation" not in _claimed("ほぼ間を置かずしてペナルティーを許すのではなく。",
                                      "Instead they conceded a penalty almost immediately.", "ja", "en")
    assert lexicon("ja").get("negation_weak").search("廃棄するのではなく")


def test_changes_japanese_to_aisatsu_is_speech():
    # 「…」とあいさつ (said in an address) gives the words to a speaker: "claimed" in its place
    # doubts him (an edit of the machine-translated sample, seed 3)
    source = "関係者約30人が出席し、佐藤署長は「悲惨な事故を一件でも減らすためにも、協力をお願いしたい」とあいさつ。"
    assert "attribution" in _claimed("About 30 people attended, and Chief Sato claimed, \"I would like to ask for your "
                                     "cooperation to reduce the number of tragic accidents.\"", source, "en", "ja")
    assert "attribution" not in _claimed("About 30 people attended, and Chief Sato said, \"I would like to ask for your "
                                         "cooperation to reduce the number of tragic accidents.\"", source, "en", "ja")


def test_changes_icelandic_ad_sogn_alone_is_allegedly():
    # "var að sögn yfirsnúin" (was allegedly overturned) keeps the source's "allegedly" (MT seed 3);
    # "að sögn lögreglu", "að sögn Jóns" (according to someone) stay attribution
    assert "hedge" not in _claimed("Karfan var að sögn yfirsnúin á fimmtudag af embættismönnum í Indore.",
                                   "The cart was allegedly overturned Thursday by the civic officials in Indore.",
                                   "is", "en")
    hedge = lexicon("is").get("hedge")
    assert hedge.search("var að sögn yfirsnúin")
    assert not hedge.search("var að sögn lögreglu handtekinn") and not hedge.search("að sögn Jóns")


def test_changes_russian_milliard_is_a_billion():
    # "25–30 миллиардов" is 25 to 30 billion (MT seed 4): "миллиард" is a scale word as "млрд"
    assert "number" not in _claimed("The Internet of Things heralds an era in which 25 to 30 billion devices are "
                                    "expected to interact by 2020.",
                                    "Интернет вещей предвещает эпоху, когда будут взаимодействовать 25–30 миллиардов "
                                    "устройств, которые по прогнозам появятся к 2020 году.", "en", "ru")
    assert [v for _, v, *_ in number_spans("30 миллиардов устройств")] == ["30000000000"]
    assert "number" in _claimed("Around 40 billion devices.", "Около 30 миллиардов устройств.", "en", "ru")


def test_changes_small_figures_written_as_words_are_the_same_figures():
    # "Khadiga, four, Mena, eight, and Omar, six" rendered （4）（8）（6） (MT seed 4)
    source = ("On July 24, 56-year-old Mohamed Ali threw his children Khadiga, four, Mena, eight, and Omar, six, "
              "in front of a moving train at the Mallawi Railway Station.")
    assert "number" not in _claimed("7月24日、56歳のモハメド・アリは、子供のハディガ（4）、メナ（8）、オマール（6）を、"
                                    "移動中のマラウィ駅の列車の前に投げ捨てた。", source, "ja", "en")
    # a figure the words do not give is still another figure, and a word not set off as an age
    # ("the top four") explains no figure: "2-0" rendered "4-0" is a change (a recipe's edit, seed 32)
    assert "number" in _claimed("Chelsea sigraði Wolverhampton 4-0 og endaði fyrir ofan Leicester, sem hefur verið í "
                                "einu af efstu fjórum sætunum allt tímabilið.",
                                "Chelsea beat Wolverhampton 2-0 and finished above Leicester, which has been in the "
                                "top four for most of the season.", "is", "en")
    assert "number" in _claimed("7月24日、56歳のモハメド・アリは、子供のハディガ（5）、メナ（8）、オマール（6）を、"
                                "移動中のマラウィ駅の列車の前に投げ捨てた。", source, "ja", "en")


def test_changes_japanese_kurabemono_ni_naranai_and_mo_tatanai_are_no_negation():
    # 比べ物にならない ("beyond measure") and 2日も経たない ("less than two days") (MT seed 4)
    assert "negation" not in _claimed(
        "「米国では、恣意的に大量の治療が行われてきましたが、英国はそこで起こっていることとは比べ物にならないほど優れています。」と同氏は付け加えた。",
        "\"If you look at the US, huge quantities of this treatment have been used on an arbitrary willy-nilly basis. "
        "The UK excels beyond measure compared with what's going on there,\" he added.", "ja", "en")
    assert "negation" not in _claimed(
        "バージニアビーチ、バージニア--バージニアビーチ市は、市政委員会が全会一致で記念碑設置を決定してから2日も経たない土曜日に、"
        "築115年の南軍記念碑を公有地から撤去した。",
        "VIRGINIA BEACH, Va. -- The city of Virginia Beach removed a 115-year-old Confederate monument from public "
        "grounds on Saturday, less than two days after the City Council voted unanimously to do so.", "ja", "en")
    # a negation outside the idioms is still one
    assert "negation" in _claimed("英国は比べ物にならないほど優れていない。", "The UK is very good.", "ja", "en")
    assert "negation" in _claimed("2日も経たないうちに、彼は来なかった。", "Two days later, he came.", "ja", "en")


def test_changes_recipe_adds_no_hedge_where_the_source_has_one():
    # doubt added where the source already reports with doubt adds none, as a second negation in
    # a negative sentence keeps its polarity (seed 18 had such an edit, "copy:1563994101:1+hedge")
    from unspun.evalsets.changes import _has

    exclude = {it["id"] for it in build(DATA) if it["part"] == "real"}
    for seed in (15, 16, 17, 18):
        items = build(DATA, seed=seed, exclude=set(exclude))
        exclude |= {it["id"] for it in items if it["part"] == "real"}
    edits = [it for it in items if it["edit"] in ("negation", "hedge")]
    assert edits
    for it in edits:
        assert not _has(it["edit"], it["source"], it["source_lang"]), it["id"]


def test_changes_accusation_in_place_of_the_source_s_allegedly():
    # "was allegedly overturned by the officials" rendered "were accused of overturning"
    source = "Paras Raykar's cart carrying eggs was allegedly overturned Thursday by the civic officials in Indore."
    assert "hedge" not in _claimed("Lögreglumenn í Indore voru sakaðir um að hafa velt eggjavagni Paras Raykar á "
                                   "fimmtudaginn.", source, "is", "en")
    assert "hedge" in _claimed("Eggjavagni Paras Raykar var velt á fimmtudaginn af embættismönnum í Indore.",
                               source, "is", "en")
    # doubt added to a sentence whose source has no accusation ("cardiac arrest" is none) is doubt added
    assert not lexicon("en").get("accusation").search("He went into cardiac arrest")
    assert "hedge" in _claimed("伝えられるところによると、男性は心停止になり、その後脳死を宣告された。",
                               "He went into cardiac arrest and was later declared brain dead.", "ja", "en")


def test_changes_japanese_kanenai_is_no_negation():
    # かねない is "could well", with no polarity of its own
    assert "negation" not in _claimed("「さもなければ英国で感染が再燃し、もしかすると国内第2波でもう一度ロックダウンになりかねない。」",
                                      '"Otherwise, we risk re-infection into the UK, potentially a second wave here and '
                                      'then another lockdown."', "ja", "en")


def test_changes_alleged_rendering_the_source_s_hedge_is_no_loaded_word():
    source = "The scrutiny of Huawei for allegedly violating US sanctions on Iran began well before."
    assert "evaluative" not in _claimed("Rannsóknir á Huawei fyrir meint brot gegn refsiaðgerðum gegn Íran hófust löngu fyrr.",
                                        source, "is", "en")
    assert "evaluative" in _claimed("Rannsóknir á Huawei fyrir svokölluð brot gegn refsiaðgerðum gegn Íran hófust löngu fyrr.",
                                    source, "is", "en")


def test_changes_recipe_turns_only_speech_into_a_claim():
    from unspun.evalsets.changes import CLAIM, _sub_first

    # a declaration that is an act, or "said" in another sense, is left alone
    for lang, text in (("fr", "Le club se déclare en faillite."), ("fr", "Kim Jong-un a déclaré l’état d’urgence."),
                       ("is", "Fakhfakh sagði af sér sem forsætisráðherra."), ("is", "Hann sagði upp störfum."),
                       ("de", "Er erklärte sich bereit zu helfen."), ("de", "Der Verein sagte das Spiel ab.")):
        assert _sub_first(CLAIM[lang], text) is None, text
    assert _sub_first(CLAIM["fr"], "« Nous tiendrons », a déclaré le ministre.") == "« Nous tiendrons », a prétendu le ministre."
    assert _sub_first(CLAIM["fr"], "Le ministre a déclaré qu’il partait.") == "Le ministre a prétendu qu’il partait."
    assert _sub_first(CLAIM["is"], "Hann sagði að þetta væri rangt.") == "Hann fullyrti að þetta væri rangt."


def test_changes_numbers_read_as_translators_write_them():
    assert "number" not in _claimed("Tilkynnt var um eldinn rétt eftir klukkan 15.",
                                  "The fire was reported just after 3 p.m.", "is", "en")
    assert "number" not in _claimed("Bandaríkin (4.178.000 tilfelli)", "the United States (41.78 lakh cases)",
                                  "is", "en")
    assert "number" not in _claimed("more than 4000 military personnel", "более 4 тысяч военнослужащих", "en", "ru")
    assert "number" in _claimed("more than 5000 military personnel", "более 4 тысяч военнослужащих", "en", "ru")


def test_changes_read_japanese_figures():
    # figures against Japanese words are read: a changed toll is claimed, a kept one is not
    assert "number" in _claimed("死者は5人に上った。", "The death toll rose to 7.", "ja", "en")
    assert "number" not in _claimed("死者は7人に上った。", "The death toll rose to 7.", "ja", "en")
    assert "number" in _claimed("ダウ平均は２万６４６９・８９ドルで取引を終えた。", "The Dow closed at 26,369.89.", "ja", "en")
    assert "number" not in _claimed("ダウ平均は２万６４６９・８９ドルで取引を終えた。", "The Dow closed at 26,469.89.", "ja", "en")
    assert "number" in _claimed("菅原会長（０９０・８８５９・５９２８）に申し込む。", "apply to Sugawara (180-8859-5928).", "ja", "en")
    # the virus's figure is compared where both texts write it
    assert "number" in _claimed("COVID-21 has broken through", "Núna hefur COVID—19 brotist í gegn", "en", "is")
    # the afternoon written before the hour, a day of the month alone, ordinals in Japanese numerals
    # and a name's figure are no changed figures
    for derived, source in (
            ("カレン火災は午後3時過ぎに通報があった。", "The Karen Fire was reported just after 3 p.m. on Sierra Avenue."),
            ("容疑者＝２４日午後１時５７分、京都・中京署", "Suspect, Nakagyo Police Station, Kyoto, 1:57pm on the 24th"),
            ("六回は先頭のサンズに二塁打を浴びたが、２死三塁。", "In the 6th inning he allowed a double, which led to two outs and a man on 3rd base."),
            ("新型コロナウイルスの患者の死亡を３分の１減らした。", "It reduced deaths by a third in Covid-19 patients."),
            ("ABCテレビ「キャスト」（月～金曜後３・４８）に出演", "appeared on ABC TV's Cast (Mon-Fri, from 3:48)"),
            ("1時間コートで練習できる権利とATP1000の観戦チケット", "the chance to practice for an hour and tickets for the Masters 1000")):
        assert not _claimed(derived, source, "ja", "en") & {"number", "date"}, derived
        assert not _claimed(source, derived, "en", "ja") & {"number", "date"}, derived


def test_changes_japanese_ordinals_ranks_and_lettered_figures_are_soft():
    # an ordinal, a rank or a school year (高校3年生, 国内2冠, 2位) and a figure against a Latin
    # letter (第１２Ｒ) may be rendered as words or not at all: no changed figure, either way round
    for derived, source in (
            ("高校3年生と高校1年生の娘がいるアラフィフのワーママです。",
             "a working mother around 50 who has two daughters, a freshman and a senior, in high school."),
            ("リーグ・アンに続いて国内2冠を達成したPSG", "PSG took their second national title after Ligue 1"),
            ("第１２Ｒの優勝戦メンバーは６選手で争われる。", "the pilots competing in the 12th race on the final day"),
            ("大坂は世界ランキング2位に浮上した。", "Osaka rose to world No. 2 in the rankings.")):
        assert "number" not in _claimed(derived, source, "ja", "en"), derived
        assert "number" not in _claimed(source, derived, "en", "ja"), derived
    # a soft figure answers an equal figure only: a plain figure changed beside it is claimed
    assert "number" in _claimed("高校3年生の娘が5人いる。", "She has 7 daughters, all seniors in high school.",
                                "ja", "en")
    # between two texts in Japanese an ordinal is a figure like any other
    assert "number" in _claimed("高校3年生の娘がいる。", "高校2年生の娘がいる。", "ja", "ja")


def test_changes_carry_both_wordings_and_a_reason():
    (c,) = find_changes("Les prix ont augmenté de 7 % en mars.", "Prices rose 5% in March.", "fr", "en")
    assert (c.type, c.source, c.derived) == ("number", "5%", "7 %")
    assert c.reason and c.line() == "number: 5% → 7 %"
    assert set(c.as_dict()) == {"type", "source", "derived", "reason"}


def test_changes_never_compare_word_stems():
    # The AP rewrite that once read "name: macro, ukrai → frenc, russi". Names are compared whole:
    derived = "French President Emmanuel Macron has said Russia must not win the war."
    source = "Ukrainian President Volodymyr Zelensky thanked Macron for the new weapons."
    names = [c for c in find_changes(derived, source, "en", "en") if c.type == "name"]
    import re
    for c in names:  # whole names as written, never stems: every name is a run of whole words of its text
        for name, text in ((c.source, source), (c.derived, derived)):
            for one in name.split(", "):
                assert re.search(r"(?<!\w)" + re.escape(one) + r"(?!\w)", text), (one, text)
    # and such a loose pair (a paraphrase-level match) is compared on figures and dates only
    assert find_changes(derived, source, "en", "en", facts_only=True) == []


def test_changes_lexicon_covers_the_languages_asked_for():
    assert {"fr", "de", "ru", "uk", "es", "ar", "en", "pt", "it", "is", "ja"} <= set(languages())
    for lang in languages():
        lex = lexicon(lang)
        assert lex.get("negation") is not None and lex.get("hedge") is not None, lang
        assert len(lex.sequences["weekdays"]) == 7 and len(lex.sequences["months"]) == 12, lang
        assert set(lex.evaluative) == set(lexicon("en").evaluative), lang
    assert lexicon("pt-BR").lang == "pt" and lexicon("xx") is None and lexicon(None) is None


# -- the labelled set -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tuning():
    return score(build(DATA))


@pytest.fixture(scope="module")
def fresh():
    """The human held-out sample; while it is empty (the pool of unread human reference pairs is
    spent: seed 88 drew none), the last human seed drawn with items, seed 87, scored once as the
    held-out sample of its round and read since with nothing mended: its floors still hold the
    detector to that first score."""
    items = held_out(DATA)
    if not items:
        from unspun.evalsets.changes import READ_SEEDS, read_human_samples

        items = read_human_samples(DATA)[f"h{READ_SEEDS[-1]}"]
    assert items, "no human sample with items to hold the floors"
    return score(items)


def test_changes_figures_of_japanese_text_are_read():
    """Number edits only the anchors' full reading can place (``figure_edits``: a figure written
    against Japanese words changed), on the pairs of human seeds 15-24 and machine seeds 1-6 (read
    samples, drawn here without one another's exclusions): 103 of 107 found when the reading was
    built (none before), no wrong claim of any type; floors just under."""
    from unspun.evalsets.changes import figure_edits, machine_translated

    items = [it for s in range(15, 25) for it in figure_edits(build(DATA, seed=s))]
    items += [it for s in range(1, 7) for it in figure_edits(machine_translated(DATA, seed=s))]
    r = score(items)
    assert len(items) >= 100 and {it["derived_lang"] for it in items} == {"ja", "en"}
    assert r["per_type"]["number"]["recall"] >= 0.95 and not r["wrong"], (r["per_type"]["number"], r["wrong"])


def test_changes_labelled_set_spans_eight_languages_and_every_type():
    items = build(DATA)
    edited = {it["derived_lang"] for it in items if it["part"] == "edit"}
    assert {"fr", "de", "ru", "uk", "es", "ar", "en", "is", "ja"} <= edited
    for t in TYPES:
        assert sum(1 for it in items if it["edit"] == t) >= 14, t
    # as many unchanged real pairs as edits, and each edit differs from its real pair
    real = [it for it in items if it["part"] == "real"]
    assert len(real) >= len(items) - len(real)
    base = {it["id"]: it for it in real}
    for it in items:
        if it["part"] == "edit":
            assert it["derived"] != base[it["id"].rsplit("+", 1)[0]]["derived"]
    # the held-out sample shares no real pair with the tuning sample
    assert not {it["id"] for it in held_out(DATA) if it["part"] == "real"} & set(base)


# Measured (docs/changes.md) on the held-out sample (seed 88, drawn after seeds 17-87 were read to
# mend the lists, each scored once as the held-out sample of its round): the pool of unread human
# reference pairs is spent. Seed 88 draws no real pair (seed 87 drew 14, seed 86 40), so no edit
# either: 0 items. Until a new pool of human reference pairs is drawn, the floors below hold the
# last held-out sample with items (``fresh``), seed 87 (44 items, English only), scored once:
# precision / recall number 1.0/1.0 (2 items), date 1.0/1.0 (1 item), name 1.0/1.0 (1 item), quote
# 1.0/1.0 (6 items), attribution 1.0/1.0 (1 item), negation 1.0/0.833 (6 items, 1 miss), hedge
# 1.0/1.0 (6 items), pronoun 1.0/1.0 (1 item), evaluative 1.0/1.0 (6 items). Where a sample has
# items, floors sit a little under the held-out figures; negation's and name's leave room for one
# claim more or less, since the encoder takes part in them (the negation check, names translated
# across languages) and moves a borderline claim between machines (seed 24's negation precision
# read 0.921 when it was scored, 0.946 with the same code on another machine).
FRESH_FLOORS = {  # type: (precision, recall)
    "number": (0.95, 0.95), "date": (0.95, 0.95), "name": (0.49, 0.0), "quote": (0.95, 0.95),
    "attribution": (0.95, 0.95), "negation": (0.83, 0.66), "hedge": (0.85, 0.83), "pronoun": (0.95, 0.95),
    "evaluative": (0.95, 0.95),
}


def test_changes_tuning_sample_meets_the_precision_target(tuning):
    for kind, r in tuning["per_type"].items():
        assert r["precision"] >= 0.95, (kind, r)


@pytest.fixture(scope="module")
def machine_items():
    # the held-out sample of machine translations (MT_SEED), as eval-changes --sample machine scores it
    from unspun.evalsets.changes import machine_held_out

    return machine_held_out(DATA)


@pytest.fixture(scope="module")
def machine(machine_items):
    return score(machine_items)


def test_changes_machine_sample_is_drawn_from_the_machine_translations(machine_items):
    real = [it for it in machine_items if it["part"] == "real"]
    # (200 real pairs while the pool held them; fewer once the read seeds have taken most of a
    # pair of languages' segments: seed 23 draws 129; seed 24 draws 40, all into English, the only
    # derived language whose pool still holds unread pairs: the read seeds took every German,
    # French, Icelandic and Japanese one; seeds 25 to 42 draw 40 into English too)
    assert 40 <= len(real) <= 200 and "en" in {it["derived_lang"] for it in real} <= {"de", "en", "fr", "is", "ja"}
    assert all(it["id"].startswith("mt:") and ":mt:" in it["id"] for it in real)  # never a wmt: (human) id
    # blind labels name real pairs of the samples of machine translations, by a known type (test
    # below; the 40 pairs of seeds 24, 25 and 26 hold none: none of them was read as holding a change;
    # seed 27's hold two, a negation and a number; seed 28's one, a number; seeds 29's and 30's none;
    # seed 31's one, a negation; seed 32's none; seed 33's one, a number; seed 34's none; seed 35's none;
    # seed 36's none; seed 37's one, a negation; seed 38's none; seed 39's none; seed 40's two, an
    # attribution and a negation; seed 41's one, an attribution; seed 42's none)
    labels = json.loads(REAL_DIFFERENCES_MT.read_text(encoding="utf-8"))
    assert labels
    assert all(set(types) <= set(TYPES) for types in labels.values())
    # and the edits carry them, as build's edits carry changes_real.json
    for it in machine_items:
        if it["part"] == "edit":
            assert set(labels.get(it["id"].rsplit("+", 1)[0], [])) | {it["edit"]} <= set(it["changes"])


def test_changes_machine_held_out_sample_leaves_out_the_read_ones():
    # the held-out sample of machine translations (MT_SEED) holds no real pair of a read one
    # (MT_READ_SEEDS: seeds 1 to 41, each drawn without the ones before it), its source segments
    # aside; every blind label names a real pair of one
    from unspun.evalsets.changes import MT_READ_SEEDS, MT_SEED, machine_held_out

    held = [it for it in machine_held_out(DATA) if it["part"] == "real"]
    read: set[str] = set()
    sizes = []
    for seed in MT_READ_SEEDS:
        drawn = {it["id"] for it in machine_translated(DATA, seed=seed, exclude=set(read)) if it["part"] == "real"}
        sizes.append(len(drawn))
        read |= drawn
    # seeds 1 to 22 hold 200 real pairs each; the pool thinned from seed 23 (129), and seeds 24
    # to 41 (and the held-out 42) hold 40 each, all into English
    assert MT_SEED not in MT_READ_SEEDS and 40 <= len(held) <= 200 and sizes == [200] * 22 + [129] + [40] * 18
    assert "en" in {it["derived_lang"] for it in held} <= {"de", "en", "fr", "is", "ja"}
    assert not read & {it["id"] for it in held}
    labels = json.loads(REAL_DIFFERENCES_MT.read_text(encoding="utf-8"))
    assert set(labels) <= read | {it["id"] for it in held}


# Measured (docs/changes.md) on the held-out sample of WMT21 machine translations (MT_SEED 28, 81
# items: 40 real pairs, all into English (from Icelandic, Russian and Japanese), read blind before
# the detector saw them, none of them a pair of the read seeds 1 to 27, one holding a labelled
# change (a number), and 41 edits), scored once at 8af1d6c with the detector as it stood: precision
# 1.0 for every type; recall 1.0 for date, name, negation, hedge, pronoun and evaluative, number
# 0.667 (the labelled pair), quote 0.833 and attribution 0.833 (an edit each). Floors are 0.95
# where a type scored 1.0 and the encoder takes no part in it (date, pronoun, evaluative; number,
# quote and attribution just under their first recall); where one borderline claim may move
# between machines (the encoder takes part in names, hedges and the negation check) they leave
# room for one claim more or less: name 4/5 and 3/4, negation 6/7 and 5/6, hedge 6/7 and 5/6.
# With 3 to 6 claims a type, one claim moves a figure by 0.15 to 0.33.
# (Seeds 1 to 27, read since: docs/changes.md.)
# Seed 29 (82 items, 40 real pairs read blind, none labelled; scored once at 589f301): precision 1.0
# for every type, recall 1.0 but quote 0.833 and negation 0.833 (an edit each): quote 0.95 / 0.83
# just under it, negation 6/7 and 4/6 (room for one claim more or less).
# Seed 30 (79 items, 40 real pairs read blind, none labelled; scored once at 39f9509): precision 1.0
# for every type with items (no date item), recall 1.0 but negation 0.833 (an edit): 0.95 / 0.95
# for number, date, quote, attribution, pronoun, evaluative; room for one claim more or less:
# name 3/4 and 2/3, negation 5/6 and 4/6, hedge 6/7 and 5/6.
# Seed 31 (78 items, 40 real pairs read blind, one labelled, a negation; scored once at a298400):
# precision 1.0 for every type, recall 1.0 but name 0.8 (an edit) and negation 0.556 (the labelled
# pair, with it on two of its edits, and an edit): 0.95 / 0.95 for number, date, quote,
# attribution, pronoun, evaluative; room for one claim more or less: name 4/5 and 3/5, negation
# 5/6 and 4/9, hedge 6/7 and 5/6.
# Seed 32 (77 items, 40 real pairs read blind, none labelled; scored once at 665d4b5): precision
# 1.0 for every type but hedge 0.75 (a real pair and its edit), recall 1.0 but negation 0.667 (two
# edits): 0.95 / 0.95 for number, date, quote, attribution, pronoun, evaluative; room for one claim
# more or less: name 1/2 and 0/1 (one item), negation 4/5 and 3/6, hedge 6/9 and 5/6.
# Seed 33 (85 items, 40 real pairs read blind, one labelled, a number; scored once at 48bc123):
# precision 1.0 for every type, recall 1.0 but number 0.5 (the labelled pair, a currency changed,
# and its +date edit) and pronoun 0.8 (an edit): 0.95 / 0.95 for date, quote, attribution,
# evaluative; number 0.95 / 0.49 and pronoun 0.95 / 0.79, just under; room for one claim more or
# less: name 6/7 and 5/6, negation 6/7 and 5/6, hedge 6/7 and 5/6.
# Seed 34 (80 items, 40 real pairs read blind, none labelled; scored once at c985e68): precision
# 1.0 for every type with items (no date item) but name 0.8 (a real pair), recall 1.0 but quote
# 0.833 and attribution 0.8 (an edit each): 0.95 / 0.95 for number, date, pronoun (one item),
# evaluative; quote 0.95 / 0.83 and attribution 0.95 / 0.79, just under; room for one claim more
# or less: name 4/6 and 3/4, negation 6/7 and 5/6, hedge 6/7 and 5/6.
# Seed 35 (83 items, 40 real pairs read blind, none labelled; scored once at 7affc98): precision
# 1.0 for every type, recall 1.0 but number 0.833, name 0.667, negation 0.667 and pronoun 0.833
# (edits each): 0.95 / 0.95 for date, quote, attribution, evaluative;
# number and pronoun 0.95 / 0.83, just under; room for one claim more or less: name 2/3 and 1/3,
# negation 4/5 and 3/6, hedge 6/7 and 5/6.
# Seed 36 (80 items, 40 real pairs read blind, none labelled; scored once at 9b67990): precision
# 1.0 for every type with items (no date item) but name 0.667 (a real pair and its edit), recall
# 1.0 but name 0.8 (an edit) and negation 0.667 (two edits): 0.95 / 0.95 for number, date,
# quote, attribution, pronoun, evaluative; room for one claim more or less: name 4/7 and 3/5,
# negation 4/5 and 3/6, hedge 6/7 and 5/6.
# Seed 37 (81 items, 40 real pairs read blind, one labelled, a negation; scored once at df5e5f0):
# precision 1.0 for every type but name 0.333 (a real pair and its edit), recall 1.0 but number
# 0.833 (an edit), name 0.5 (an edit), attribution 0.667 (two edits) and negation 0.375 (the
# labelled pair, one of its edits and three edits): 0.95 / 0.95 for date, quote, pronoun,
# evaluative; number 0.95 / 0.83 and attribution 0.95 / 0.66, just under; room for one claim more
# or less: name 1/4 and 0/2, negation 3/4 and 2/8, hedge 6/7 and 5/6.
# (name recall 0.45, not the 0.0 that room for one find less gives on seed 37's two name items: a
# floor of 0.0 could not fail; it fails where both are missed)
# Seed 38 (82 items, 40 real pairs read blind, none labelled; scored once at 9eb6ab9): precision
# 1.0 for every type but hedge 0.75 (a real pair and its edit), recall 1.0 but attribution 0.5
# (three edits), negation 0.667 (two edits) and pronoun 0.833 (an edit): 0.95 / 0.95 for number,
# date, quote, evaluative; attribution 0.95 / 0.49 and pronoun 0.95 / 0.83, just under; room for
# one claim more or less: name 1/2 (precision), negation 4/5 and 3/6, hedge 6/9 and 5/6. Name
# recall 0.95, not the 0.0 that room for one find less gives on seed 38's one name item: a floor
# of 0.0 could not fail; pinned, it fails where that find is lost.
# Seed 39 (76 items, 40 real pairs read blind, none labelled; scored once at ee84611): precision
# 1.0 for every type, recall 1.0 but attribution 0.667 (an edit) and negation 0.833 (an edit):
# 0.95 / 0.95 for number, date (one item: the floor fails where its find is lost), quote, pronoun,
# evaluative; attribution 0.95 / 0.66, just under; room for one claim more or less: name 3/4 and
# 2/3, negation 5/6 and 4/6, hedge 6/7 and 5/6.
# Seed 40 (77 items, 40 real pairs read blind, two labelled, an attribution and a negation; scored
# once at a898a10): precision 1.0 for every type with items (no date item), recall 1.0 but
# attribution 0.4 (the labelled pair, its +name edit and an edit) and negation 0.75 (the labelled
# pair and its +hedge edit): 0.95 / 0.95 for number, date (no item: no figure to hold), quote,
# pronoun, evaluative; attribution 0.95 / 0.39, just under; room for one claim more or less: name
# 3/4 and 2/3, negation 6/7 and 5/8, hedge 6/7 and 5/6. No floor is 0.0.
# Seed 41 (82 items, 40 real pairs read blind, one labelled, an attribution; scored once at
# 40e832e): number 0.8 / 1.0 (4/5: one wrong claim on a real pair), date 1.0 / 1.0 (one item),
# name 0.714 / 1.0 (5/7: a real pair and its edit claimed), attribution 1.0 / 0.571 (4/7: the
# labelled pair and two of its edits missed), negation and hedge 1.0 / 0.833 (5/6: an edit each),
# quote, pronoun, evaluative 1.0 / 1.0: 0.95 / 0.95 for quote, pronoun, evaluative and date (one
# item, pinned: the floor fails where its find is lost or a wrong claim is added); number 0.79 /
# 0.95 and attribution 0.95 / 0.57, just under; room for one claim more or less: name 5/8 and 4/5,
# negation and hedge 5/6 and 4/6. No floor is 0.0.
# Seed 42 (84 items, 40 real pairs read blind, none labelled; scored once at 48bc61b): every type
# 1.0 / 1.0 but evaluative, 1.0 / 0.833 (5/6: an edit missed): 0.95 / 0.95 for the eight types
# scored 1.0 (each holds 3 to 6 items; at 0.95 one wrong claim or one lost find fails); evaluative
# 0.95 / 0.83, just under. No floor is 0.0.
MACHINE_FLOORS = {  # type: (precision, recall)
    "number": (0.95, 0.95), "date": (0.95, 0.95), "name": (0.95, 0.95), "quote": (0.95, 0.95),
    "attribution": (0.95, 0.95), "negation": (0.95, 0.95), "hedge": (0.95, 0.95), "pronoun": (0.95, 0.95),
    "evaluative": (0.95, 0.83),
}


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("sample, floors", [("fresh", FRESH_FLOORS), ("machine", MACHINE_FLOORS)],
                         ids=["held-out", "machine-translated"])
def test_changes_held_out_floors(request, sample, floors, kind):
    """Each held-out sample (human translations: FRESH_FLOORS; machine translations:
    MACHINE_FLOORS) holds its floors, type by type."""
    r = request.getfixturevalue(sample)["per_type"][kind]
    p, rec = floors[kind]
    # (a type the sample holds no item of, and claims none of, has no figure: seed 69's date)
    assert (r["precision"] is None or r["precision"] >= p) and (r["recall"] is None or r["recall"] >= rec), (kind, r)


# -- roles that hold ------------------------------------------------------------------------------

@pytest.mark.slow
def test_changes_inserted_and_omitted_sentences_keep_their_roles(vector_cache):
    # WMT21 translations with sentences inserted and deleted, half of them at the same place
    # (docs/changes.md: 0.969 and 1.000 on the two samples; 0.869 and 0.915 before).
    # (24 cases of each here, to keep the suite short: 0.979 and 1.000.)
    for seed, split in ((21, "test"), (22, "fit")):
        r = evaluate_roles(DATA, vector_cache=vector_cache, seed=seed, split=split, cases=24)
        assert r["sentences"] >= 90
        assert r["accuracy"] >= 0.95 and r["same_place"] >= 0.95, r
        assert r["false_inserted"] <= 0.08, r


# -- the founding example -------------------------------------------------------------------------

@pytest.mark.slow
def test_changes_seed_gender_slip_and_loaded_word(tmp_path):
    # The seed traced against an English source with the sentences it spun (written for this
    # test after the RT article, which stays out of the repository).
    db = str(tmp_path / "seed.db")
    runner = CliRunner()
    r = runner.invoke(main, ["ingest", str(FIXTURES / "seed" / "kallas-source-en.txt"), "--db", db],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["trace", str(SHARED / "seed" / "kallas-fr-spun.txt"), "--db", db, "--json"],
                      catch_exceptions=False)
    result = json.loads(r.output)
    top = result["sources"][0]
    text = {s["index"]: s["text"] for s in result["article"]["sentences"]}
    found = {(c["type"], c["source"], c["derived"]): text[row["derived"][0]]
             for row in top["alignment"] for c in row["changes"]}
    assert found[("pronoun", "She", "Il")].startswith("Il exprime fréquemment")
    assert "prétendue « contre-offensive »" in found[("evaluative", "", "prétendue")]
    # nothing else is claimed: every other change the trace reports is one of these two
    assert len(found) == 2, found
    # the persona sentences are inserted opinion, and they make the link's opinion share
    opinion = [text[row["derived"][0]] for row in top["alignment"] if row.get("opinion")]
    assert any(t.startswith("En tant qu’observateur ayant une formation") for t in opinion)
    assert 0.1 < top["opinion_share"] < 0.6


def test_changes_a_katakana_name_in_corner_brackets_is_no_quotation():
    # 「タッカー・カールソン・トゥナイト」, a programme's name in corner brackets (MT seed 9): a text
    # in katakana alone is a foreign name, not a quotation the source lacks
    # name in corner brackets, beside a hedge put before the sentence (a recipe's edit)
    source = ("It is because of their anti-Trump focus, he said this week on Fox's Tucker Carlson Tonight program, "
              "journalists are neglecting to gather policy news.")
    derived = "伝えられるところによると、それは、反トランプを重視しているからだと、今週フォックスの番組「{}」で語った。"
    assert "quote" not in _claimed(derived.format("タッカー・カールソン・トゥナイト"), source, "ja", "en")
    # a quotation with kana or kanji of its own still counts
    assert "quote" in _claimed(derived.format("記者たちは政策のニュースを集めることを怠っている"), source, "ja", "en")


def test_changes_japanese_nai_across_a_word_boundary_is_no_negation():
    # 「看板のようないくつかのサイト」 (MT seed 9): the な of 「のような」 and the い of 「いくつか」 are
    # no 「ない」
    # 「いわゆる」 put before the sentence (a recipe's edit) is the change
    source = "But some sites - such as oOh! media's 40 x 10 metre billboard at Sydney Airport - have been upgraded."
    derived = "いわゆるしかし、シドニー空港にあるO o h!Mediaの40x10メートルの看板の{}いくつかのサイトはアップグレードされ{}。"
    assert "negation" not in _claimed(derived.format("ような", "た"), source, "ja", "en")
    assert "negation" not in _claimed(derived.format("重要な", "た"), source, "ja", "en")
    # a 「ない」 of its own still counts
    assert "negation" in _claimed(derived.format("ような", "ていない"), source, "ja", "en")


def test_changes_a_governments_house_is_translated_not_a_name_replaced():
    # "das Weiße Haus" rendered "la Maison Blanche" (MT seed 9), and back: the house of a government
    # is translated (thing_name "Maison", "Haus"), not a person put in place of another
    de = ("US-Finanzminister Steven Mnuchin sagte dem Sender Fox News, das Weiße Haus und die Republikaner "
          "würden ihren Vorschlag an diesem Montag in den Kongress einbringen.")
    fr = ("Le secrétaire américain au Trésor, Steven Mnuchin, a déclaré à Fox News que la Maison Blanche et les "
          "républicains présenteraient leur proposition au Congrès ce lundi.")
    assert "name" not in _claimed(fr, de, "fr", "de")
    assert "name" not in _claimed(de, fr, "de", "fr")
    # a person put in place of the minister is still a name replaced
    assert "name" in _claimed(fr.replace("Steven Mnuchin", "Peter Schneider"), de, "fr", "de")


def test_changes_cyrillic_dzh_is_the_j_of_a_name():
    # "конгрессмену Джону Льюису" rendered "Congressman John Lewis" (MT seed 9): Cyrillic "Дж" writes
    # the English "J", so the first name is there and the person kept
    source = ("Фильм-биография, который должен был стать своего рода визуальным поздравлением конгрессмену "
              "Джону Льюису, отметившему в начале года 80-летие, стал развернутой эпитафией.")
    derived = ("The biography film, which was supposed to be a kind of visual greeting to Congressman John Lewis, "
               "who celebrated his 80th birthday at the beginning of the year, became an elaborate epitaph.")
    assert "name" not in _claimed(derived, source, "en", "ru")
    assert "name" in _claimed(derived.replace("John Lewis", "Peter Schneider"), source, "en", "ru")


def test_changes_a_descriptor_before_a_persons_name_keeps_no_one():
    # "die Demokratin Nancy Pelosi" rendered "la démocrate Peter Schneider" (MT seed 9): in a run of
    # three capitalised words the first is a party, a title or a place (German capitalises nouns);
    # kept in the derived text, it keeps no one
    source = 'Die Vorsitzende des Repräsentantenhauses, die Demokratin Nancy Pelosi, sagte dem Sender CBS: "Dies ist ein Notfall".'
    derived = ('La présidente de la Chambre des représentants, la démocrate {}, a déclaré à la chaîne CBS : '
               '"C\'est une urgence".')
    assert "name" in _claimed(derived.format("Peter Schneider"), source, "fr", "de")
    assert "name" not in _claimed(derived.format("Nancy Pelosi"), source, "fr", "de")


def test_changes_a_name_written_out_is_its_initials():
    # "В Министерстве обороны РФ" rendered "The Ministry of Defense of the Russian Federation" (MT
    # seed 10): "Russian Federation" is "РФ" written out, no name put in place of another
    source = 'В Министерстве обороны РФ сообщили об успешном завершении испытаний гиперзвуковой ракеты "Циркон".'
    derived = ('The Ministry of Defense of the {} reported on the successful completion of tests of the '
               'hypersonic missile "Zircon."')
    context = " Earlier in May, Deputy Defense Minister Alexei Krivoruchko reported that the missile will enter service."
    for name in ("Russian Federation", "Peter Schneider"):
        assert ("name" in _claimed(derived.format(name), source, "en", "ru", derived.format(name) + context)) \
            == (name == "Peter Schneider")  # a name that is not the initials' is still a name replaced


def test_changes_japanese_nai_inside_a_verb_is_no_negation():
    # 「つないでいた」 (MT seed 10): 「ない」 after a kana of the u row is part of a verb (つなぐ,
    # つぐない) or a word (あぶない, せつない): no verb's negative stem ends in one
    source = ("Craig Dawson had bundled carelessly into Alexandre Lacazette within 40 seconds but it took VAR almost "
              "three minutes to be confident of awarding the spot kick.")
    derived = ("クレイグ・ドーソンは40秒以内に不用意にアレクサンドル・ラカゼットに{}が、スポットキックをV A Rが確信するまでに"
               "ほぼ3分かかった。")
    assert "negation" not in _claimed(derived.format("つないでいた"), source, "ja", "en")
    # a negation of its own still counts
    assert "negation" in _claimed(derived.format("ぶつからなかった"), source, "ja", "en")


def test_changes_a_compound_title_before_a_persons_name_keeps_the_name_full():
    # "die stellvertretende ÖVP-Generalsekretärin Gaby Schwarz" rendered "la secrétaire générale
    # adjointe de l'ÖVP, Marie Dubois" (MT seed 10): a hyphenated compound title before the person's
    # two words leaves the run a full name, and the person put in its place is a name replaced
    source = ('"Immerhin ist es das Land Burgenland, das die Aufsicht über die Kreditgenossenschaft hat", '
              'erinnerte die stellvertretende ÖVP-Generalsekretärin Gaby Schwarz.')
    derived = ('"Après tout, c\'est le Burgenland qui a la supervision de la coopérative de crédit", a rappelé la '
               'secrétaire générale adjointe de l\'ÖVP, {}.')
    assert "name" in _claimed(derived.format("Marie Dubois"), source, "fr", "de")
    assert "name" not in _claimed(derived.format("Gaby Schwarz"), source, "fr", "de")


def test_changes_russian_govoril_is_a_neutral_speech_verb():
    # "говорил врио губернатора" rendered "the acting governor claimed" (MT seed 9): the imperfective
    # "говорил" is a neutral speech verb as "сказал" is, and "claimed" doubts the speaker
    source = ('"Тут есть чем заняться на самом деле руководителю, чем выходить и общаться с теми, кто кричат под '
              'окнами", - говорил врио губернатора.')
    derived = ('"There\'s more to do for the leader than to go out and talk to those screaming under the windows," '
               'the acting governor {}.')
    assert "attribution" in _claimed(derived.format("claimed"), source, "en", "ru")
    assert "attribution" not in _claimed(derived.format("said"), source, "en", "ru")


def test_changes_a_first_name_shared_by_another_person_keeps_no_one():
    # "Niclas Och, Niclas Saurborn und Sabrina Wölfl" rendered "Niclas Och, Peter Schneider et Sabrina
    # Wölfl" (MT seed 11): "Niclas" stands before another surname, so "Niclas Saurborn" is gone and the
    # person in his place is a name replaced; "Владимир Путин" beside "Vladimir Zelensky" likewise
    source = "Einen Buchpreis erhalten jeweils Niclas Och, Niclas Saurborn und Sabrina Wölfl."
    derived = "Le prix du livre est décerné à Niclas Och, {} et Sabrina Wölfl."
    assert "name" in _claimed(derived.format("Peter Schneider"), source, "fr", "de")
    assert "name" not in _claimed(derived.format("Niclas Saurborn"), source, "fr", "de")
    source = ("Президент России Владимир Путин и президент Украины Владимир Зеленский обсудили выполнение "
              "договоренностей о перемирии в Донбассе.")
    derived = ("{} and Ukrainian President Vladimir Zelensky discussed the implementation of the ceasefire "
               "agreements in Donbass.")
    assert "name" in _claimed(derived.format("Peter Schneider"), source, "en", "ru")
    assert "name" not in _claimed(derived.format("Russian President Vladimir Putin"), source, "en", "ru")
    # a first name before a word the source does not write keeps its person ("Dowden", "Дауден")
    source = ("О возможности смягчения карантинных норм ранее заявил секретарь Министерства культуры "
              "Великобритании Оливер Дауден.")
    derived = "The British Secretary of State for Culture, Oliver Dowden, announced earlier the possible easing of quarantine rules."
    assert "name" not in _claimed(derived, source, "en", "ru")


def test_changes_claimed_the_lives_is_no_speech_verb():
    # "a pandemic that has claimed the lives of more than 600,000 people" (MT seed 11): "claimed"
    # there takes lives and doubts no one, so a neutral "said" rendered 主張した is still doubt added
    source = ('Cruz said the country is confronting two crises simultaneously: a global pandemic that has claimed '
              'the lives of more than 600,000 people worldwide and an "absolute economic catastrophe" in the U.S.')
    derived = ("クルーズ氏は、同国は二つの危機に同時に直面していると{}。一つは、世界中で60万人以上の死者を出した世界的大流行、"
               "もう一つは米国での「絶対的な経済的大惨事」だ。")
    assert "attribution" in _claimed(derived.format("主張した"), source, "ja", "en")
    assert "attribution" not in _claimed(derived.format("述べた"), source, "ja", "en")
    # the speech verb "claimed" still is one
    assert "attribution" not in _claimed(derived.format("主張した"), source.replace("Cruz said", "Cruz claimed"),
                                         "ja", "en")


def test_changes_icelandic_ofaer_is_a_negation_in_other_words():
    # "has been unable to" rendered "hefur ekki verið ófær um að" (MT seed 11): "ófær" (unable) says
    # the source's "unable", so the "ekki" beside it is a negation added
    source = "The party has been unable to disqualify the rebels to bring down the majority mark in the assembly."
    derived = "Flokkurinn hefur {}verið ófær um að aftengja uppreisnarmenn til að koma niður meirihlutamerki í samkomunni."
    assert "negation" in _claimed(derived.format("ekki "), source, "is", "en")
    assert "negation" not in _claimed(derived.format(""), source, "is", "en")


def test_changes_an_ordinal_written_as_a_word_is_a_figure():
    # "KJ Hill (seventh round)" rendered "KJ Hill (sjötta umferð)", the sixth (MT seed 11): an ordinal
    # written as a word is a figure, and another one in its place is a figure changed
    source = ("Along with Herbert, who was selected with the sixth overall pick, the team announced the signings of "
              "wide receivers Joe Reed (fifth round) and KJ Hill (seventh round) along with sixth-round safety Alohi "
              "Gilman.")
    derived = ("Ásamt Herbert, sem var valinn með sjötta heildarúrtökunni, tilkynnti liðið signings breiðra "
               "móttakara Joe Reed (fimmta umferð) og KJ Hill ({} umferð) ásamt sjötta umferð öryggis Alohi Gilman.")
    assert "number" in _claimed(derived.format("sjötta"), source, "is", "en")
    assert "number" not in _claimed(derived.format("sjöunda"), source, "is", "en")
    # a fraction is no ordinal: "a third of" rendered "un tiers" beside another figure changes nothing
    assert "number" not in _claimed("Un tiers des 300 membres a voté.", "A third of the 300 members voted.", "fr", "en")
    # the same ordinal in figures ("10th grade" for "tíunda bekk") is the same figure
    assert "number" not in _claimed('"During my 10th grade winter, I got a licence to skipper boats under 12 metres.',
                                    "„Veturinn sem ég var í tíunda bekk tók ég skipstjórnarréttindi fyrir báta sem "
                                    "eru undir tólf metra langir.", "en", "is")


def test_changes_a_source_owner_moved_after_a_name_is_no_name_gained():
    # "an art form perfected by CNN's Jim Acosta" rendered "fullkomnað af Jim Acosta CNN" (MT seed 12):
    # the source's "CNN's" is "CNN", so the run "Jim Acosta CNN" names no one the source lacks
    source = ("Reporters frequently use White House pressers to draw attention to themselves, an art form "
              "perfected by CNN's {}.")
    derived = ("Fréttamenn nota oft fréttamenn Hvíta hússins til að vekja athygli á sjálfum sér, listform "
               "fullkomnað af {} CNN.")
    assert "name" not in _claimed(derived.format("Jim Acosta"), source.format("Jim Acosta"), "is", "en")
    # a person put in place of the one named is still a name replaced
    assert "name" in _claimed(derived.replace(" CNN.", ".").format("Peter Schneider"), source.format("Jim Acosta"),
                              "is", "en")


def test_changes_a_negation_left_out_with_its_clause_is_an_omission():
    # "I won't get dressed up, Sundays are for loungewear …" rendered without its first clause (MT seed
    # 12): the negation is gone with the clause that held it, an omission, not a negation removed
    source = "I won't get dressed up, Sundays are for loungewear, half-cropped tracksuit bottoms and a white T-shirt."
    derived = "日曜日はラウンジウェア、ハーフクロップのトラックスーツのボトム、白いTシャツ。"
    assert "negation" not in _claimed(derived, source, "ja", "en")
    # a negation dropped from a clause the translation keeps is still one removed
    assert "negation" in _claimed("The minister was present at the meeting, his office said.",
                                  "Der Minister war nicht bei dem Treffen, sagte sein Büro.", "en", "de")


def test_changes_french_inverted_compound_speech_verb_is_neutral_speech():
    # '…", avait-il déclaré' rendered '…", behauptete er' (MT seed 12): the inverted compound tense
    # after a quotation ("avait-il déclaré", "ont-ils dit") is a neutral speech verb, as "a-t-il
    # déclaré" is, so the claim verb in its place doubts the speaker
    source = ('"La notion d\'un plan d\'aides à la SNCF ne me paraît pas déraisonnable", avait-il {}, rappelant '
              'qu\'Air France et Renault en avaient bénéficié.')
    derived = ('"Die Idee eines Hilfspakets für die SNCF erscheint mir nicht unvernünftig", {} er und erinnerte '
               'daran, dass Air France und Renault davon profitiert hätten.')
    assert "attribution" in _claimed(derived.format("behauptete"), source.format("déclaré"), "de", "fr")
    assert "attribution" not in _claimed(derived.format("sagte"), source.format("déclaré"), "de", "fr")
    assert "attribution" not in _claimed(derived.format("behauptete"), source.format("prétendu"), "de", "fr")


def test_changes_said_to_a_person_is_no_hearsay():
    # "what was said to me" (MT seed 13): "to" before an object is a preposition, no hearsay's
    # infinitive ("is said to be")
    source = "„Þetta kom einu sinni fyrir mig en þar sem ég skildi ekki tungumálið þá hunsaði ég bara það sem var sagt við mig."
    assert "hedge" not in _claimed('"This happened once to me but since I didn’t understand the language, I just '
                                   'ignored what was said to me.', source, "en", "is")
    assert "hedge" in _claimed("He was said to have ignored the language.", "Hann hunsaði tungumálið.", "en", "is")


def test_changes_japanese_adjectives_ending_in_nai_are_no_negation():
    # みっともない ("shambolic", MT seed 13), だらしない, 情けない, 申し訳ない: the ない is the adjective's
    source = 'Jonathan Ashworth condemned the Government for its "frankly shambolic" handling of the measure.'
    derived = "ジョナサン・アシュワースは、政府のこの措置に対する「率直に言って{}」取り扱いを非難した。"
    assert "negation" not in _claimed(derived.format("みっともない"), source, "ja", "en")
    assert "negation" not in _claimed(derived.format("だらしない"), source, "ja", "en")
    assert "negation" in _claimed(derived.format("適切ではない"), source, "ja", "en")


def test_changes_english_idioms_of_refusal_account_for_a_negation():
    # "is beyond the pale" rendered 到底できない ("cannot possibly be", MT seed 13): the idiom says
    # in other words what the translation's negation says
    source = "Conferring a power to compulsorily question anyone about such information is {}."
    derived = "そのような情報について誰かに強制的に質問する権限を与えることは、到底できない。"
    assert "negation" not in _claimed(derived, source.format("beyond the pale"), "ja", "en")
    assert "negation" not in _claimed(derived, source.format("out of the question"), "ja", "en")


def test_changes_a_figure_glued_to_its_unit_is_a_figure():
    # "всего в 30 км" rendered "just 341km away" (MT seed 13): a figure written together with its unit
    # is read, and "км" is the unit "km"
    source = "Итак, поместив эту Землю совсем близко — всего в 30 км — мы заметим, что она вращается вокруг черной дыры."
    derived = "So, by placing this Earth very close, just {} away, we will notice that it revolves around a black hole."
    assert "number" in _claimed(derived.format("341km"), source, "en", "ru")
    assert "number" in _claimed(derived.format("341 km"), source, "en", "ru")
    assert "number" not in _claimed(derived.format("30km"), source, "en", "ru")
    # "£5m" may be millions: no unit glued
    assert "number" not in _claimed("It cost £5m.", "Es kostete 5 Millionen Pfund.", "en", "de")


def test_changes_an_icelandic_house_names_a_thing():
    # "National Theater of Greece" rendered "Þjóðleikhús Grikklands" (MT seed 13): Icelandic names a
    # theatre, a hospital, a parliament building by a compound on "-hús" (a house), translated
    source = "Yet this National Theater of Greece production unleashes gale-force sound and fury."
    assert "name" not in _claimed("Samt þetta Þjóðleikhús Grikklands framleiðslu unleashes gale-force hljóð og heift.",
                                  source, "is", "en")
    # a person put in the theatre's place is still a name replaced
    assert "name" in _claimed("Samt þetta Peter Schneider framleiðslu unleashes gale-force hljóð og heift.",
                              source, "is", "en")


def test_changes_german_time_with_a_point_is_hours_and_minutes():
    # "8 h 30 GMT (10 h 30, heure de Paris)" as "8.30 Uhr GMT (10.30 Uhr MEZ)" (MT seed 14): the
    # point of a time before "Uhr" parts hours and minutes, no decimal 8.3
    source = "Jeudi, le titre Wirecard a été suspendu de la cotation à 8 h 30 GMT (10 h 30, heure de Paris)."
    derived = "Am Donnerstag wurde der Wirecard-Titel um {} Uhr GMT (10.30 Uhr MEZ) von der Notierung suspendiert."
    assert "number" not in _claimed(derived.format("8.30"), source, "de", "fr")
    assert "number" in _claimed(derived.format("9.30"), source, "de", "fr")
    assert [raw for raw, *_ in number_spans("um 8.30 Uhr, um 2.5 Prozent")] == ["8", "30", "2.5 Prozent"]


def test_changes_hour_put_in_the_afternoon_is_a_time_of_day():
    # "kl 11 í dag" rendered "11 pm today" (MT seed 14): the same figure, another time of day (a
    # date's change, not a number's); another hour stays a number's
    source = "Rétt fyrir kl 11 í dag birtu mótshaldarar eftirfarandi tilkynningu á Facebook síðu sinni."
    derived = "Just before {} today, the tournament holders published the following announcement on their Facebook page."
    claimed = _claimed(derived.format("11 pm"), source, "en", "is")
    assert "date" in claimed and "number" not in claimed
    assert not _claimed(derived.format("11"), source, "en", "is") & {"date", "number"}
    assert "number" in _claimed(derived.format("10 pm"), source, "en", "is")
    assert "date" not in _claimed("Just before 11 a.m. today, they published it.",
                                  "Rétt fyrir kl 23 í dag birtu þeir það.", "en", "is")


def test_changes_german_compound_on_meer_or_raum_names_a_thing():
    # "l'Espace entreprise Méditerranée" as "den Geschäftsraum Mittelmeer" (MT seed 14): a German
    # compound on "-meer" (a sea) or "-raum" (a room, a space) heads a thing's name, no person's
    source = ("Le ministère de l'Industrie vient de labelliser l'espace Torremilla (Perpignan) et l'Espace entreprise "
              "Méditerranée (Rivesaltes) site industriel \"clés en main\".")
    derived = ("Das Industrieministerium hat gerade den Torremilla-Raum (Perpignan) und den Geschäftsraum Mittelmeer "
               "(Rivesaltes) Industriestandort \"Schlüssel in der Hand\" labellisiert.")
    assert "name" not in _claimed(derived, source, "de", "fr")
    thing = lexicon("de").get("thing_name")
    assert thing.fullmatch("Mittelmeer") and thing.fullmatch("Geschäftsraum") and not thing.fullmatch("Meyer")


def test_changes_german_verb_final_soll_is_hearsay():
    # "qui aurait également versé" rendered "die … gezahlt haben soll" (MT seed 14): "soll" after
    # its infinitive, at the end of a clause, is the hearsay of "soll … haben"
    source = ("UNIS devait administrer le programme par le biais d'une plateforme en ligne qui aurait également "
              "versé à UNIS des frais de 43,5 millions $.")
    derived = ("UNIS sollte das Programm über eine Online-Plattform verwalten, die UNIS zudem Kosten in Höhe von "
               "43,5 Millionen US-Dollar gezahlt {}.")
    assert "hedge" not in _claimed(derived.format("haben soll"), source, "de", "fr")
    assert "hedge" in _claimed(derived.format("hat"), source, "de", "fr")
    # without a participle before it, "soll" says what should be: "welche Rolle … haben soll"
    # (tuning sample) is no hearsay
    assert "hedge" not in _claimed("Selon les critiques, il n’est pas indiqué quel rôle devrait jouer la commission à "
                                   "l’avenir.", "Nach Ansicht der Kritiker fehlt, welche Rolle künftig die Prüfstelle "
                                   "für Rechnungslegung haben soll.", "fr", "de")


def test_changes_icelandic_meinti_before_that_is_a_verb_of_saying():
    # "the boy alleged that" rendered "drengurinn meinti að" (MT seed 15): "meinti að" is the verb
    # "meina" (to claim, to mean) before its clause, not the adjective "meintur" (alleged, so-called)
    source = ("A video in which the boy alleged that the officials had warned him in the morning to remove his cart "
              "or pay Rs 100 as bribe had gone viral on social media.")
    derived = ("Myndband þar sem drengurinn meinti að embættismenn hefðu varað hann við í morgun að fjarlægja körfu "
               "hans eða greiða Rs 100 sem mútur hefði farið veiru á samfélagsmiðlum.")
    assert not _claimed(derived, source, "is", "en") & {"hedge", "evaluative"}
    hedge, so_called = lexicon("is").get("hedge"), lexicon("is").evaluative["so_called"]
    assert hedge.search("hinn meinti árásarmaður") and so_called.search("meint brot hans")
    assert not hedge.search("drengurinn meinti að þeir") and not so_called.search("þau meintu að svo væri")


def test_changes_icelandic_reportedly_before_a_hyphenated_compound():
    # "has been reportedly transfer-listed" as "hefur verið að sögn flutnings-skráð" (MT seed 15):
    # a word joined by a hyphen to the next is part of a compound, no genitive of "according to X"
    source = "Philippe Coutinho has been reportedly transfer-listed by Barcelona"
    assert "hedge" not in _claimed("Philippe Coutinho hefur verið að sögn flutnings-skráð af Barcelona", source, "is", "en")
    assert "hedge" in _claimed("Philippe Coutinho hefur verið flutnings-skráð af Barcelona", source, "is", "en")
    hedge = lexicon("is").get("hedge")
    assert not hedge.search("að sögn lögreglunnar") and not hedge.search("að sögn lögreglu- og slökkviliðsmanna")


def test_changes_japanese_reported_in_a_named_medium_is_no_hearsay():
    # "was described across news sites and gossip mags as" rendered 「…ゴシップ誌で報じられた」 (MT
    # seed 15): reported in (で) or by (に) a medium the sentence names is no unattributed hearsay
    source = ("That much was true, and West's rally was described across news sites and gossip mags as a publicity "
              "stunt, evidence of mental illness, or both.")
    derived = "ウェストの集会は売名行為、精神疾患の証拠、あるいはその両方としてニュースサイトやゴシップ誌{}。"
    assert "hedge" not in _claimed(derived.format("で報じられた"), source, "ja", "en")
    hedge = lexicon("ja").get("hedge")
    assert hedge.search("辞任すると報じられた") and hedge.search("辞任は報じられている")


def test_changes_russian_name_in_another_case_is_the_same_name():
    # "Самара Уивинг … - Тею, дочь Билла (… Билли и Тея …)" as "Samara Weaving … is Thea, … Billy
    # and Thea" (MT seed 15): "Тею" is "Тея" (Thea) in the accusative, and "Тея" is kept
    source = ("Бригитта Ланди-Пейн (\"Стеклянный замок\", \"Нетипичная\") играет Билли, дочь Теда, а Самара Уивинг "
              "(\"Я иду искать\") - Тею, дочь Билла (да, Билл и Тед назвали своих дочерей Билли и Тея, такой вот каламбур).")
    derived = ("Brigitte Landy-Pain (\"Glass Castle,\" \"Atypical\") plays Billy, Ted's daughter, and Samara Weaving "
               "(\"I'm going to look for\") is Thea, Bill's daughter (yes, Bill and Ted named their daughters Billy and "
               "Thea, such a wo).")
    # (the article goes on: "they must get into the future", a word the accusative "Тею" is near)
    context = derived + " On top of that, another great adventure awaits them: they must get into the future."
    assert "name" not in _claimed(derived, source, "en", "ru", context, source)
    from unspun.changes import _case_forms

    assert _case_forms("Тею", "Тея") and _case_forms("Теда", "Тед") and not _case_forms("Маск", "Макс")


def test_changes_japanese_me_ga_hanasenai_has_no_polarity():
    # "with the Brazilian also being eyed up by Chelsea" rendered 「チェルシーから目が離せない」 (MT seed
    # 16): 目が離せない (cannot take one's eyes off: closely watched) has no polarity
    source = "Coutinho and Umtiti have both been linked with moves to Arsenal, with the Brazilian also being eyed up by Chelsea."
    derived = "コウチーニョとウムティティはアーセナルへの移籍が決まっており、ブラジル人選手もチェルシーから{}。"
    assert "negation" not in _claimed(derived.format("目が離せない"), source, "ja", "en")
    assert "negation" in _claimed(derived.format("注目されていない"), source, "ja", "en")
    assert lexicon("ja").get("negation_idiom").search("彼から目を離せません")


def test_changes_english_conjunction_opening_a_sentence_is_no_name():
    # "While it is extremely unlikely …" (MT seed 16): a conjunction opening a sentence, which the
    # article never writes in lower case, is no unknown name (it was read as one, near the
    # article's "WHITE SUPREMACY", and the name lost for "Donald Trump Bandaríkjaforseta")
    source = ("While it is extremely unlikely that he could surpass Joe Biden's reputed 48 percent, he could in theory "
              "siphon enough votes from Biden to see President Donald Trump clinch a second term.")
    derived = ("Á meðan það er afar ólíklegt að hann gæti bera álit Joe Biden 48 prósent, gæti hann í orði siphon nóg "
               "atkvæði frá Biden til að sjá Donald Trump Bandaríkjaforseta klumpa annað kjörtímabil.")
    s_context = ("Kanye West claims he's tried to divorce Kim Kardashian, accuses her of WHITE SUPREMACY. The rapper "
                 "announced his candidacy on July 4, past the deadline to file as a candidate in at least six states. ")
    d_context = ("Kanye West segist hafa reynt að skilja við Kim Kardashian, sakar hana af WHITE SUPREMACY. Rapparinn "
                 "tilkynnti framboð sitt 4. júlí síðastliðinn frest til að skrá sig sem frambjóðanda í að minnsta "
                 "kosti sex ríkjum. ")
    assert "name" not in _claimed(derived, source, "is", "en", d_context + derived, s_context + source)
    from unspun.changes import _name_spans

    assert "While" not in _name_spans(source, "en", lexicon("en"), s_context + source)


def test_changes_english_word_of_place_opening_a_sentence_is_no_name():
    # "There are Long Range Acoustic Devices …" (MT seed 19): "There" opening a sentence, which the
    # article never writes in lower case, is no unknown name (it was read as one, lost against the
    # half-translated "Long Range Acoustic Tæki")
    source = ("There are Long Range Acoustic Devices, also known as sound canons, directed energy weapons that use "
              "lasers to heat a person's skin, stink bombs, and of course the Taser.")
    derived = ("Það eru Long Range Acoustic Tæki, einnig þekkt sem hljóðkanónur, beindu orkuvopnum sem nota "
               "leysigeisla til að hita húð einstaklingsins, fýlusprengjur, og auðvitað Taser.")
    s_context = ("As violent clashes continue between law enforcement and protesters in Portland and around the "
                 "country, debate is swirling around how police can cut back on lethal force. Some companies are "
                 "stepping up to offer new high-tech tools like remote handcuffs for police to use instead. ")
    d_context = ("Þar sem ofbeldisfull átök halda áfram milli löggæslu og mótmælenda í Portland og um allt land, "
                 "er umræða um hvernig lögreglan getur dregið úr banvænu valdi. Þeir segja að valkostir séu "
                 "mikilvægir. ")
    assert "name" not in _claimed(derived, source, "is", "en", d_context + derived, s_context + source)
    from unspun.changes import _name_spans

    assert "There" not in _name_spans(source, "en", lexicon("en"), s_context + source)


def test_changes_a_name_written_twice_replaced_once_across_languages():
    # "to defeat Donald Trump, … to defeat Donald Trump" (MT seed 19's name edit): a full name the
    # source passage writes twice, the derived passage once, beside a full name the source article
    # lacks, is one of its mentions replaced; written twice on both sides, no name changed
    source = ('"The only objective Democrats have is to defeat Donald Trump, and they have decided the best way to '
              'defeat Donald Trump is shut down every business in America," he said.')
    derived = ("„Eina markmið demókrata er að sigra {}, og þeir hafa ákveðið að besta leiðin til að sigra Donald "
               "Trump er að loka hverju fyrirtæki í Ameríku,“ sagði hann.")
    assert "name" in _claimed(derived.format("Peter Schneider"), source, "is", "en")
    assert "name" not in _claimed(derived.format("Donald Trump"), source, "is", "en")
    assert "name" not in _claimed(derived.format("hann"), source, "is", "en")


def test_changes_icelandic_title_after_a_name_is_no_part_of_it():
    # "President Donald Trump" as "Donald Trump Bandaríkjaforseta" (MT seed 16): Icelandic puts the
    # title after the name, in a compound capitalised for the country; a name left out beside it
    # ("Joe Biden") is no name replaced by "Donald Trump Bandaríkjaforseta"
    source = "He could siphon enough votes from Joe Biden to see President Donald Trump clinch a second term."
    derived = "Hann gæti tekið nóg atkvæði til að sjá {} klumpa annað kjörtímabil."
    assert "name" not in _claimed(derived.format("Donald Trump Bandaríkjaforseta"), source, "is", "en")
    assert "name" in _claimed(derived.format("Peter Schneider Bandaríkjaforseta"), source, "is", "en")


def test_changes_russian_metres_abbreviated_are_a_unit():
    # "весом 250 кг и длиной около 2 м" (MT seed 16's edit): the Russian "м" is metres, as "m" is;
    # read as no unit, the units seemed converted and the changed weight went unseen
    source = "Она рассказала, что неразорвавшийся боеприпас весом 250 кг и длиной около 2 м был обнаружен на стройке."
    derived = "She said an unexploded ordnance weighing {} and about {} long was found at the construction site."
    assert "number" in _claimed(derived.format("500 kg", "2 m"), source, "en", "ru")
    assert "number" not in _claimed(derived.format("250 kg", "2 m"), source, "en", "ru")
    assert "number" not in _claimed(derived.format("550 pounds", "6.5 feet"), source, "en", "ru")


def test_changes_icelandic_haft_eftir_is_speech():
    # "… er haft eftir talsmanni stjórnvalda" (is quoted from a government spokesman) rendered
    # "the government spokesman claims" (MT seed 16's edit): "haft eftir" is a neutral verb of
    # saying, the doubting "claims" put in its place is an attribution's change
    source = "„Við verðum að nota tímann,“ er haft eftir talsmanni stjórnvalda."
    derived = "\"We must use the time,\" the government spokesman {}."
    assert "attribution" in _claimed(derived.format("claims"), source, "en", "is")
    assert "attribution" not in _claimed(derived.format("says"), source, "en", "is")


def test_changes_english_no_brainer_has_no_polarity():
    # the scheme would be a "no brainer" (MT seed 17): an easy choice, no negation; counted as one,
    # it hid a negation the translation adds (「簡単なことではない」, "no easy thing")
    assert lexicon("en").get("negation_idiom").search('the scheme would be a "no brainer."')
    assert lexicon("en").get("negation_idiom").search("It is a no-brainer")
    source = "He said the scheme would be a no-brainer for small businesses."
    assert "negation" not in _claimed("He said the scheme would be an easy choice for small businesses.", source,
                                      "en", "en")
    assert "negation" in _claimed("He said the scheme would not be an easy choice for small businesses.", source,
                                  "en", "en")


def test_changes_german_separable_speech_verb_joined_is_speech():
    # "…, wie VW auf Anfrage mitteilte" (MT seed 17's edit): in a subordinate clause the separable
    # "teilte … mit" is written as one word, a neutral verb of saying; a doubting "a prétendu" put
    # in its place is an attribution's change
    source = "Der Konzern sucht derzeit nach einem Spitzel aus den eigenen Reihen, wie VW auf Anfrage {}."
    derived = "Le groupe est actuellement à la recherche d'un espion de ses propres rangs, comme Volkswagen l'a {} sur demande."
    for verb in ("mitteilte", "ankündigte"):
        assert "attribution" in _claimed(derived.format("prétendu"), source.format(verb), "fr", "de")
    assert "attribution" not in _claimed(derived.format("indiqué"), source.format("mitteilte"), "fr", "de")


def test_changes_german_soll_across_a_figures_point_is_hearsay():
    # "aurait reçu 1 500 dollars (environ 1 000 euros)" as "soll 2012 … 1.500 US-Dollar (etwa 1.000
    # Euro) erhalten haben" (MT seed 18): the point inside a figure ends no clause, so "soll …
    # haben" across it is the hearsay kept
    source = ("L'épouse du premier ministre aurait reçu 1 500 dollars (environ 1 000 euros) pour un événement en "
              "2012, avant que M. Trudeau ne devienne le chef du parti libéral.")
    derived = ("Die Ehefrau des Premierministers {} 2012 für eine Veranstaltung 1.500 US-Dollar (etwa 1.000 Euro) "
               "erhalten{}, bevor Trudeau Parteichef der Liberalen wurde.")
    assert "hedge" not in _claimed(derived.format("soll", " haben"), source, "de", "fr")
    assert "hedge" in _claimed(derived.format("hat", ""), source, "de", "fr")
    hedge = lexicon("de").get("hedge")
    assert hedge.search("soll 1.500 Euro erhalten haben") and not hedge.search("soll 2012. Die Bank haben")


def test_changes_twelve_hour_time_with_a_point_is_hours_and_minutes():
    # "в 01։23 часов" (the Armenian full stop between hour and minutes) as "at 01.23 a.m." (MT seed
    # 18): the point of a time before "a.m."/"pm" parts hours and minutes, no decimal 1.23
    source = "25-го июля в 01։23 часов в Национальный центр кризисного управления поступил сигнал."
    derived = "On July 25, at {} a.m., the National Crisis Management Center received a signal."
    assert "number" not in _claimed(derived.format("01.23"), source, "en", "ru")
    assert "number" in _claimed(derived.format("02.23"), source, "en", "ru")
    assert [raw for raw, *_ in number_spans("at 8.30 pm, at 01.23 A.M., it was 3.45")] == ["8", "30", "01", "23", "3.45"]


def test_changes_russian_adjectival_name_is_its_romanisation():
    # "Невского ПКБ" as "Nevsky Design Bureau" (MT seed 18): a name of the adjective's form in the
    # genitive ("Невского") is the romanised "Nevsky", its ending another case's
    from unspun.changes import _adjectival_name, _keys

    source = 'корабль, построенный по проекту 11711 Невского ПКБ на прибалтийском заводе "Янтарь".'
    derived = 'the ship, built according to the project 11711 of the Nevsky Design Bureau at the Baltic Amber Plant.'
    assert "name" not in _claimed(derived, source, "en", "ru")
    assert _adjectival_name("nevskoho", _keys("Nevsky")) and _adjectival_name("selenskoho", _keys("Zelenskyy"))
    assert not _adjectival_name("nevskoho", _keys("Nevada")) and not _adjectival_name("petrov", _keys("Petrova"))


def test_changes_japanese_refrain_accounts_for_a_negation():
    # "warned its citizens not to travel" as 「旅行を控えるよう警告」 (MT seed 18): 控える, to refrain,
    # says the "not" in other words; the noun 控え (a reserve, 控え選手, 控え室) does not
    assert "negation" not in _claimed("フランスは国民にカタルーニャへの旅行を控えるよう警告している。",
                                      "France has warned its citizens not to travel to Catalonia.", "ja", "en")
    weak = lexicon("ja").get("negation_weak")
    assert weak.search("旅行を控えるよう") and weak.search("発言を差し控えた") and weak.search("外出を自粛")
    assert not weak.search("控え選手") and not weak.search("控え室")


def test_changes_icelandic_masculine_role_noun_takes_a_masculine_pronoun():
    # "The Swedish fighter … tagging her opponent … before following up" as "Sænski
    # bardagamaðurinn … áður en hann fylgdist" (MT seed 18): "hann" agrees with the masculine
    # "bardagamaðurinn", whatever the fighter's sex; with no such noun before it, it is a man
    source = ("The Swedish fighter capitalized without hesitation, tagging her opponent with a right hand before "
              "following up with a series of blows.")
    derived = "Sænski {} kapítalaði án þess að hika, merkja andstæðing sinn með hægri hendi áður en hann fylgdist með."
    assert "pronoun" not in _claimed(derived.format("bardagamaðurinn"), source, "is", "en")
    assert "pronoun" in _claimed(derived.format("Svíinn"), source, "is", "en")
    role = lexicon("is").get("role_masculine")
    assert role.search("talsmaður lögreglu") and not role.search("Hermann sagði") and not role.search("fundu mann")
    # a husband is a man: "með fyrrverandi eiginmanni sínum …, og hann vill" for "she wants" is one
    assert not role.search("með fyrrverandi eiginmanni sínum") and not role.search("karlmaðurinn")


def test_changes_german_noun_before_a_name_keeps_no_one():
    # "infolge des Todes des Afroamerikaners Georg Floyd" with "Peter Schneider" put for the name in
    # French (MT seed 18's edit): the noun after its article, capitalised, is no part of the name,
    # so "l'Afro-Américain" kept says nothing of who it is
    from unspun.changes import _any_word_present, _keys

    source = "infolge des Todes des Afroamerikaners Georg Floyd in Minneapolis Ende Mai"
    kept = _keys("à la suite de la mort de l'Afro-Américain George Floyd à Minneapolis fin mai")
    gone = _keys("à la suite de la mort de l'Afro-Américain Peter Schneider à Minneapolis fin mai")
    assert _any_word_present("Afroamerikaners Georg Floyd", kept, "", source)
    assert not _any_word_present("Afroamerikaners Georg Floyd", gone, "", source)


def test_changes_a_range_writes_its_scale_once():
    # "von 500 Milliarden auf 390 Milliarden Euro" as "de 500 à 390 milliards d'euros" (MT seed 20):
    # the bare figure before a range's other end takes that end's scale word; another figure there
    # is still a change
    from unspun.changes import _number_changes

    source = "die Summe dieser Zuschüsse von 500 Milliarden auf 390 Milliarden Euro zu verringern."
    assert not _number_changes("de réduire le montant de ces subventions de 500 à 390 milliards d'euros.",
                               source, [], [])
    assert _number_changes("de réduire le montant de ces subventions de 600 à 390 milliards d'euros.",
                           source, [], [])
    assert not _number_changes("cut from 1.5 to 2 billion dollars", "von 1,5 Milliarden auf 2 Milliarden Dollar", [], [])


def test_changes_unlawful_in_the_source_accounts_for_illegitimate_across_languages():
    # 'An "unlawful assembly"' as '„Ólögmæt samkoma“' (MT seed 20): the Icelandic word says both
    # "unlawful" and "illegitimate"; without the source's plain word it is still a loaded word added
    from unspun.changes import _evaluative_changes

    derived = "„Ólögmæt samkoma“ var lýst yfir af lögreglu."
    assert not _evaluative_changes(derived, 'An "unlawful assembly" was declared by police.',
                                   lexicon("is"), lexicon("en"))
    assert _evaluative_changes(derived, 'An "assembly" was declared by police.', lexicon("is"), lexicon("en"))
    # in one language the plain word made the loaded one is a change
    assert _evaluative_changes("An illegitimate assembly was declared.", "An unlawful assembly was declared.",
                               lexicon("en"), lexicon("en"))


def _assert_quote_closing_speech(source: str, claimed: str, said: str, speech_texts: tuple,
                                 not_speech: tuple = ()) -> None:
    """A Japanese verb closing a quotation gives the words to its speaker: "claimed" for it doubts
    the speaker, "said" does not; the speech list reads ``speech_texts`` and not ``not_speech``."""
    from unspun.changes import _attribution_changes

    assert _attribution_changes(claimed, source, lexicon("en"), lexicon("ja"))
    assert not _attribution_changes(said, source, lexicon("en"), lexicon("ja"))
    speech = lexicon("ja").get("speech")
    for text in speech_texts:
        assert speech.search(text), text
    for text in not_speech:
        assert not speech.search(text), text


def test_changes_japanese_quote_closing_verbs_are_speech():
    # 「…」と声を落とす (said, lowering the voice; MT seed 20) and the like close a quotation with its
    # speaker: "claimed" for it doubts the speaker
    _assert_quote_closing_speech(
        "加工場の玉本君枝代表（７６）は「来客は大幅減」と声を落とす。",
        'Tamamoto Kimie (76), the representative of the plant, claimed, "The number of visitors has dropped."',
        'Tamamoto Kimie (76), the representative of the plant, said, "The number of visitors has dropped."',
        ("「勝ちたい」と胸を張る", "「大変だった」と振り返る", "「支援を」と訴えた", "「問題だ」と指摘した"))


def test_changes_japanese_delighted_after_a_quotation_is_speech():
    # 「…うれしいです」とよろこんだ (said, delighted; human seed 72): a manner verb closing a
    # quotation gives the words to its speaker, so "claimed" for it doubts him; not without the
    # quotation (友達と喜んだ, rejoiced with friends)
    _assert_quote_closing_speech(
        "「井領さんが打ってくれたのでうれしいです」とよろこんだ。",
        '"I\'m glad that Iryo hit the ball," claimed Takahashi, delighted.',
        '"I\'m glad that Iryo hit the ball," said Takahashi, delighted.',
        ("「勝ててよかった」と喜んだ", "「最高です」と喜ぶ", "「まだまだです」と笑った"),
        not_speech=("優勝を友達と喜んだ",))


def test_changes_english_aside_from_is_except_in_other_words(lexical_polarity):
    # "Кроме Петербурга" rendered "Aside from Saint Petersburg" (human seed 73): "aside from",
    # "apart from" are "except" in other words, the English of the weak negation "кроме", so a
    # "not" added beside them is not explained by the source's "кроме"
    source = "Кроме Петербурга, парады прошли в Балтийске и Владивостоке."
    added = "Aside from Saint Petersburg, parades were not held in Baltiysk and Vladivostok."
    kept = "Aside from Saint Petersburg, parades were held in Baltiysk and Vladivostok."
    en, ru = lexicon("en"), lexicon("ru")
    assert [c.type for c in lexical_polarity("negation", added, source, en, ru, "", "")] == ["negation"]
    assert not lexical_polarity("negation", kept, source, en, ru, "", "")
    _assert_searches(en.get("negation_weak"), ("Apart from the capital", "aside from Paris"),
                     ("they set it aside for later", "a part from the engine"))


def test_changes_english_other_than_is_except_in_other_words(lexical_polarity):
    # "vera ekki með þér heldur einhverjum öðrum" rendered "to be with someone other than you" (human
    # seed 84, wmt:is-en:text_42:ref:55): "other than" is "except" in other words, as "apart from" is,
    # the English of "ekki … heldur" (not … but), so the source's "ekki" is kept, not removed
    source = "Hún vill vera ekki með þér heldur einhverjum öðrum."
    kept = "She wants to be with someone other than you."
    en, icelandic = lexicon("en"), lexicon("is")
    assert not lexical_polarity("negation", kept, source, en, icelandic, "", "")
    _assert_searches(en.get("negation_weak"), ("someone other than you", "Other than that, it went well"),
                     ("the other, than whom", "each other then"))


def test_changes_few_is_not_many_in_other_words(lexical_polarity):
    # "umgekkst viðkomandi þó fáa" rendered "was not in contact with many people" (human seed 74):
    # Icelandic "fáir", few, is "not many" in other words, a weak negation as "sjaldan", seldom, is;
    # English "few" is its rendering, so a "not" added beside "few" is still found
    source = "Sem betur fer umgekkst viðkomandi þó fáa við komuna til landsins."
    kept = "Fortunately, the man in question was not in contact with many people when he came."
    added = "Fortunately, the man in question was not in contact with few people when he came."
    en, icelandic = lexicon("en"), lexicon("is")
    assert not lexical_polarity("negation", kept, source, en, icelandic, "", "")
    assert [c.type for c in lexical_polarity("negation", added, source, en, icelandic, "", "")] == ["negation"]
    _assert_searches(icelandic.get("negation_weak"), ("þó fáa við komuna", "fáir vita", "fátt um svör"),
                     ("fáeinir dagar", "við fáum svar", "að fá svar"))
    _assert_searches(en.get("negation_weak"), ("few people came", "because of the few people"),
                     ("a few people came", "a few of them"))

def test_changes_english_alleged_and_ignored_keep_the_source_s_words(lexical_polarity):
    # Human seed 76: "meintur eigandi" rendered "the alleged owner" (wmt:is-en:text_88:ref:10): the
    # attributive "alleged" is "allegedly" said as an adjective, as Icelandic "meintur" is, so the
    # caution is kept, and a "claims" put for "segir" is no hedge carried but an attribution change;
    # "hlýddi ekki fyrirmælum" (did not obey) rendered "ignored the orders" (text_151:ref:3): "ignore"
    # is "not heed", the negation in other words, as "defy" is
    import unspun.changes as changes

    en, icelandic = lexicon("en"), lexicon("is")
    source = "Þær upplýsingar fékk meintur eigandi frá öðrum, en upplýsingarnar reyndust rangar segir Bjartmar."
    says = "This was information that the alleged owner received from someone else, but it was wrong, says Bjartmar."
    assert not lexical_polarity("hedge", says, source, en, icelandic, "", "")
    claims = says.replace("says Bjartmar", "claims Bjartmar")
    assert [c.type for c in changes._attribution_changes(claims, source, en, icelandic)] == ["attribution"]
    _assert_searches(en.get("hedge"), ("the alleged owner", "alleged abuses by the police", "an alleged attack"),
                     ("he alleged that", "she alleged the company lied", "was alleged to", "as alleged."))
    source = "Vildi maðurinn ekki fara í burtu eftir að honum var sleppt og hlýddi ekki fyrirmælum lögreglu."
    kept = "The man refused to leave when he was set free and ignored the orders of police."
    assert not lexical_polarity("negation", kept, source, en, icelandic, "", "")
    _assert_searches(en.get("negation_weak"), ("ignored the orders", "ignores it", "ignoring them"),
                     ("the ignorance of", "an ignorant man"))


def test_changes_english_possessive_keeps_a_full_name():
    # "Giorgos Poulios's drone-like score" (MT seed 20's name edit): the possessive is no part of the
    # name, which is still a person's full name
    from unspun.changes import _full_name

    assert _full_name("Giorgos Poulios's") and _full_name("Giorgos Poulios’s") and _full_name("Chris Jones'")
    assert not _full_name("Heat's") and not _full_name("Giorgos Poulios's2")


def test_changes_french_words_negated_by_their_prefix_are_weak_negation():
    # "halten das für unzureichend" as "estiment que c'est insuffisant" (MT seed 20): the French
    # word says the German one's negation, so a "n'est pas" added beside it is not accounted for by
    # the German "unzureichend"
    weak = lexicon("fr").get("negation_weak")
    for word in ("insuffisant", "insuffisante", "inadéquats", "inappropriée", "incorrect", "inexactes", "invalide"):
        assert weak.search(word), word


def test_changes_icelandic_meint_closing_a_clause_is_the_verb():
    # "…, the boy alleged" as "…, drengurinn meinti." (MT seed 21): "meinti" closing a clause is the
    # verb (claimed), no doubt and no loaded word of its own; "meint-" before its noun is still
    # "alleged" ("hinn meinti morðingi")
    from unspun.changes import _evaluative_changes, _polarity_changes

    source = "When he refused, the officials tipped his cart over, destroying all the eggs, the boy alleged."
    derived = "Þegar hann neitaði, ráðu embættismennnir körfu hans yfir, eyðileggja öll eggin, drengurinn meinti."
    assert not _polarity_changes("hedge", derived, source, lexicon("is"), lexicon("en"), "added", "removed")
    assert not _evaluative_changes(derived, source, lexicon("is"), lexicon("en"))
    for kind, pattern in (("hedge", lexicon("is").get("hedge")), ("so_called", lexicon("is").evaluative["so_called"])):
        assert pattern.search("hinn meinti morðingi var handtekinn"), kind
        assert pattern.search("meintur glæpur"), kind
        assert not pattern.search("drengurinn meinti."), kind
        assert not pattern.search("drengurinn meinti, og fór"), kind
        assert pattern.fullmatch("meint"), kind  # the word alone, as the evaluative check weighs it


@pytest.fixture
def lexical_polarity(monkeypatch):
    """``_polarity_changes`` at its lexical stage: the encoder's check across languages
    (``_negation_explains``) confirms every negation it is asked about, so a test reads the word
    lists alone."""
    import unspun.changes as changes

    monkeypatch.setattr(changes, "_negation_explains", lambda *args, **kwargs: True)
    return changes._polarity_changes


@pytest.fixture
def names_without_encoder(monkeypatch):
    """Name changes across languages without the encoder: ``_translated_name`` reads no lost name
    as a gained one's translation, and any other call of the encoder fails the test."""
    import unspun.changes as changes

    def no_encoder(*texts):
        raise RuntimeError("no encoder in a unit test")

    monkeypatch.setattr(changes, "_encoded", no_encoder)
    monkeypatch.setattr(changes, "_translated_name", lambda *args, **kwargs: False)


def test_changes_japanese_tohou_mo_nai_has_no_polarity(lexical_polarity):
    # "is frankly shambolic" as 「率直に言って途方もない」 (MT seed 21): 途方もない (outrageous) and
    # とてつもない are adjectives whose ない negates nothing (the lexical stage: the encoder's check
    # is left out)

    source = "the way in which this decision has been made in the last 24 hours is frankly shambolic."
    derived = "この24時間でのこの決定の仕方は率直に言って途方もない。"
    assert not lexical_polarity("negation", derived, source, lexicon("ja"), lexicon("en"), "added", "removed")
    assert lexical_polarity("negation", "この24時間でのこの決定の仕方は率直に言って良くない。", source,
                            lexicon("ja"), lexicon("en"), "added", "removed")
    idiom = lexicon("ja").get("negation_idiom")
    for text in ("途方もない", "途方もなく大きい", "とてつもない数"):
        assert idiom.search(text), text


def test_changes_german_fehler_is_no_negation_in_other_words(lexical_polarity):
    # 'sei "ein fundamentaler Fehler"' rendered 'n'est pas "une erreur fondamentale"' (MT seed 21's
    # negation edit): "Fehler" (an error) says no negation, as "fehlen" (to lack) does, so it does
    # not account for the added "pas" (the lexical stage: the encoder's check is left out)

    source = 'Die Politik der Regierung sei "ein fundamentaler Fehler", stellte John Donahue klar.'
    derived = 'Selon John Donahue, la politique du gouvernement n\'est pas "une erreur fondamentale".'
    assert lexical_polarity("negation", derived, source, lexicon("fr"), lexicon("de"), "added", "removed")
    weak = lexicon("de").get("negation_weak")
    for word in ("fehlt", "fehlten", "Fehlen", "fehlende"):
        assert weak.search(word), word
    for word in ("Fehler", "Fehlern", "fehlerhaft"):
        assert not weak.search(word), word


def test_changes_full_width_digits_are_the_same_figures():
    # 「増田敬太郎巡査（１８６９～９５年）」 rendered "Masuda Keitaro (1869-95)" (MT seed 22): full-width
    # digits are read as ASCII ones for the numbers and dates (a full-width year was a count beside
    # its ASCII rendering, a year); a year changed is still one
    from unspun.changes import _narrow_digits, find_changes

    source = "１２５年前に殉職した増田敬太郎巡査（１８６９～９５年）を祭っている。"
    derived = "It honours police officer Masuda Keitaro (1869-95), who died 125 years ago."
    assert _narrow_digits("（１８６９～９５年）") == "（1869～95年）"
    assert not [c for c in find_changes(derived, source, "en", "ja", facts_only=True)]
    changed = find_changes(derived.replace("1869", "1896"), source, "en", "ja", facts_only=True)
    assert [c.type for c in changed] == ["date"]  # the full-width year is a year


def test_changes_english_said_to_with_an_adverb_between_is_a_hedge():
    # "Ousmane Dembele is also said to be surplus to requirements" rendered "… er einnig sagður
    # vera …" (MT seed 22): "is also said to" is the hearsay "is said to", which "sagður vera" renders
    hedge = lexicon("en").get("hedge")
    for text in ("he is also said to be", "they are widely believed to have", "she was still thought to be"):
        assert hedge.search(text), text
    assert not hedge.search("he is also said that")  # (no infinitive: no hearsay)
    from unspun.changes import _polarity_changes

    source = "Ousmane Dembele is also said to be surplus to requirements"
    derived = "Ousmane Dembele er einnig sagður vera afgangur að kröfum"
    assert not _polarity_changes("hedge", derived, source, lexicon("is"), lexicon("en"), "added", "removed")


def test_changes_japanese_dewa_nai_ka_to_is_a_conjecture(lexical_polarity):
    # "leading to suspicion he was suffering a mental breakdown" rendered 「精神衰弱ではないかと疑われた」
    # (MT seed 22): a noun's ではないかと ("whether it is not …", suspected) negates nothing (the
    # lexical stage: the encoder's check is left out)

    source = "leading to suspicion he was suffering a mental breakdown."
    derived = "精神衰弱ではないかと疑われた。"
    assert not lexical_polarity("negation", derived, source, lexicon("ja"), lexicon("en"), "added", "removed")
    assert lexical_polarity("negation", "精神衰弱ではないと判断された。", source, lexicon("ja"), lexicon("en"),
                            "added", "removed")
    idiom = lexicon("ja").get("negation_idiom")
    assert idiom.search("感染ではないかと懸念") and idiom.search("病気じゃないかって")


def test_changes_english_unless_is_a_negation_in_other_words(lexical_polarity, monkeypatch):
    # "если его не заглушили" (if … not) rendered "unless it has been silenced" (MT seed 22):
    # "unless" says the source's "не" in other words (the lexical stage: the encoder's check is left
    # out)
    monkeypatch.setattr("unspun.changes._clause_left_out", lambda *args, **kwargs: False)

    source = "Но он, вероятно, повсюду окружает нас, если его не заглушили какие-то другие процессы."
    derived = "But it probably surrounds us everywhere, unless it has been silenced by some other process."
    assert not lexical_polarity("negation", derived, source, lexicon("en"), lexicon("ru"), "added", "removed")
    assert lexical_polarity("negation", derived.replace("unless", "if"), source, lexicon("en"), lexicon("ru"),
                            "added", "removed")


def test_changes_english_victory_war_revolution_head_an_event_name():
    # "Великой Победы" rendered "the Great Victory" (MT seed 22): an event's name is translated, no
    # person put in place of another ("Cold War", "October Revolution" too)
    from unspun.changes import _thing_name

    for name in ("Great Victory", "Cold War", "October Revolution", "Victory Day"):
        assert _thing_name(name, lexicon("en")), name
    assert not _thing_name("Peter Schneider", lexicon("en"))


def test_changes_icelandic_mun_vera_may_render_hearsay():
    # "Ousmane Dembele is also said to be surplus to requirements" rendered "Ousmane Dembele mun
    # einnig vera á útleið" (a human translation, read seed 29): Icelandic "mun … vera", like "mun
    # hafa", says what is said of someone; as a weak word (it is also the future "will be") it
    # accounts for the source's hearsay, and adds no doubt of its own
    from unspun.changes import _polarity_changes

    source = "Ousmane Dembele is also said to be surplus to requirements"
    derived = "Ousmane Dembele mun einnig vera á útleið"
    assert not _polarity_changes("hedge", derived, source, lexicon("is"), lexicon("en"), "added", "removed")
    assert _polarity_changes("hedge", "Ousmane Dembele er einnig á útleið", source, lexicon("is"), lexicon("en"),
                             "added", "removed")
    weak = lexicon("is").get("hedge_weak")
    assert weak.search("hann mun vera") and weak.search("þeir munu einnig vera")
    assert not lexicon("is").get("hedge").search("hann mun vera")


def test_changes_english_ministry_office_department_head_an_institution_name(names_without_encoder):
    # "британского МИДа Тойнби" rendered "British Foreign Ministry official Toybee" (seed 40): the
    # institution's name is translated, no person put in place of the source's (the name garbled in
    # transliteration, "Toybee", is no full name and is not claimed by itself); a person put in
    # its place beside it still is
    from unspun.changes import _thing_name
    for name in ("British Foreign Ministry", "Foreign Office", "State Department", "Ministry of Defence"):
        assert _thing_name(name, lexicon("en")), name
    source = "Это мышление чиновника британского МИДа Тойнби, верующему стыдно так мыслить."
    derived = "That's the thinking of British Foreign Ministry official Toybee, a believer would be ashamed to think like that."
    assert "name" not in _claimed(derived, source, "en", "ru", derived, source)
    assert "name" in _claimed(derived.replace("Toybee", "Peter Schneider"), source, "en", "ru", derived, source)


def test_changes_english_police_heads_an_institution_name(names_without_encoder):
    # "Полиция безопасности" rendered "the Security Police" (machine seed 26): an institution's name
    # translated, no person put in place of the source's "Полиция"; a person put in its place still is
    from unspun.changes import _thing_name
    for name in ("Security Police", "Metropolitan Police"):
        assert _thing_name(name, lexicon("en")), name
    assert not _thing_name("Peter Schneider", lexicon("en"))
    source = "Тогда прокуратура и Полиция безопасности заявили, что против обоих вице-мэров имеются веские доказательства."
    derived = ("Then, the Prosecutor's Office and the Security Police said that there was strong evidence against "
               "both deputy mayors.")
    context = derived + " The politician was detained."
    assert "name" not in _claimed(derived, source, "en", "ru", context, source)
    assert "name" in _claimed(derived.replace("the Security Police", "Peter Schneider"), source, "en", "ru",
                              context.replace("the Security Police", "Peter Schneider"), source)


def test_changes_english_seem_to_have_been_is_doubt_added():
    # 「最後の夏の照準が定まった」 (the aim is set) rendered "goals seem to have been set" (seed 40's
    # pair labelled blind): "seem to have been" puts doubt on a past fact the source states; a
    # plain "seem" stays weak doubt
    from unspun.changes import _polarity_changes

    hedge = lexicon("en").get("hedge")
    for text in ("goals seem to have been set", "he appears to have been hurt", "it seemed to have been lost"):
        assert hedge.search(text), text
    assert not hedge.search("it seems fine") and not hedge.search("he appears to have won")
    assert _polarity_changes("hedge", "The team's goals seem to have been set for their last summer.",
                             "チームと個人の、最後の夏の照準が定まった。", lexicon("en"), lexicon("ja"), "added", "removed")
    assert not _polarity_changes("hedge", "The team's goals seem to have been set for their last summer.",
                                 "最後の夏の照準が定まったようだ。", lexicon("en"), lexicon("ja"), "added", "removed")


def test_changes_japanese_iwareru_with_its_speaker_named_is_no_hearsay():
    # 「（狭間）監督から完封がないと常々言われている」 (the coach keeps telling me I have no shutout; seed
    # 40): a passive 言われる whose speaker is named before から is what someone is told, no hearsay;
    # 昔から言われている (it has long been said) is
    idiom, hedge = lexicon("ja").get("hedge_idiom"), lexicon("ja").get("hedge")
    told = "僕自身は（狭間）監督から完封がないと常々言われているので、それができるように"
    assert idiom.search(told) and not hedge.search(idiom.sub(" ", told))
    for text in ("昔から言われている", "以前から言われている", "古くから言われている", "この薬は効くと言われている"):
        assert not idiom.search(text), text
        assert hedge.search(idiom.sub(" ", text)), text


def test_changes_japanese_dake_no_dewa_nai_is_not_just(lexical_polarity):
    # "It's not just an attempt to embarrass a public official" rendered
    # 「公務員を当惑させるだけの試みではない」 (MT seed 23): だけの … ではない is "not just a …", no negation
    # of its own, as "not just" is not (the lexical stage: the encoder's check is left out)

    source = "\"It's not just an attempt to embarrass a public official. It's to extract information.\""
    derived = "「公務員を当惑させるだけの試みではない。情報を引き出すためだ」"
    assert not lexical_polarity("negation", derived, source, lexicon("ja"), lexicon("en"), "added", "removed")
    assert lexical_polarity("negation", "「公務員を当惑させる試みではない。情報を引き出すためだ」",
                            "It's an attempt to embarrass a public official.", lexicon("ja"), lexicon("en"),
                            "added", "removed")
    idiom = lexicon("ja").get("negation_idiom")
    assert idiom.search("彼だけの責任ではなく") and not idiom.search("だけの金がない")


def test_changes_icelandic_title_opening_a_sentence_opens_no_name():
    # "White House economic adviser Larry Kudlow" rendered "Efnahagsráðgjafi Hvíta hússins Larry
    # Kudlow lofaði" (MT seed 23): the title compound, capitalised for opening the sentence, is no
    # part of a name ("Efnahagsráðgjafi Hvíta" was read as one put in place of "White House")
    from unspun.changes import _name_changes, _name_spans

    derived = "Efnahagsráðgjafi Hvíta hússins Larry Kudlow lofaði því á sunnudag að alríkisstjórnin muni hjálpa."
    source = "White House economic adviser Larry Kudlow promised on Sunday that the federal government will help."
    assert "Efnahagsráðgjafi Hvíta" not in _name_spans(derived, "is", lexicon("is"), derived)
    assert "Larry Kudlow" in _name_spans(derived, "is", lexicon("is"), derived)
    assert not _name_changes(derived, source, "is", "en", lexicon("is"), lexicon("en"), derived, source, False)
    # (in English, or a word of no title, as before)
    assert "Efnahagsráðgjafi Hvíta" in _name_spans(derived, "en", lexicon("en"), derived)


_ADDED_QUOTE = " \"This is a decisive moment for all of us,\" an official added."


def _quotes_claimed(derived: str, source: str, source_lang: str) -> list[str]:
    """The quotations claimed as added when an English translation gets one more sentence, a
    quotation (``_ADDED_QUOTE``), and when it does not: the two tests below read both."""
    from unspun.changes import _quote_changes

    claimed = []
    for text in (derived + _ADDED_QUOTE, derived):
        claimed.append([c.derived for c in _quote_changes(text, source, False, source, "", lexicon("en"),
                                                           lexicon(source_lang))])
    return claimed


def test_changes_straight_mark_after_a_space_opens_a_quotation():
    # '"A new virus … from abroad. "This is a decisive moment …," an official added.' for an
    # Icelandic source that opens a quotation and does not close it (seed 41): the mark before
    # "This" opens a quotation (after a space, before a letter) and closes none; the first one is
    # left open, as the source's is, and "This is …" is a quotation the source does not have
    from unspun.changes import _unclosed_straight

    source = "„Ný veira þýðir bara að þetta hefur verið einstaklingur sem kom erlendis frá."
    derived = "\"A new virus just means that this was an individual who arrived from abroad."
    assert _quotes_claimed(derived, source, "is") == [["This is a decisive moment for all of us,"], []]
    assert _unclosed_straight(derived + _ADDED_QUOTE) == 1 and _unclosed_straight(derived) == 1
    # (closed quotations, a mark after a stop and one between spaces, as before)
    assert _unclosed_straight('"It is done," she said. "We go on," he added.') == 0
    assert _unclosed_straight('he said " we will go " and left') == 0
    # (nor a stray mark before no letter, after a quotation closed: '… sind“. "')
    assert _unclosed_straight('Trump erklärte, dass „Handelskriege gut sind“. "') == 0


def test_changes_japanese_goki_wo_tsuyometa_is_speech():
    # 「…」と語気を強めた (said with emphasis; seed 41) rendered "claimed with enthusiasm": the
    # source's words are said, and "claimed" doubts the speaker
    from unspun.changes import _attribution_changes

    speech = lexicon("ja").get("speech")
    assert speech.search("「まだまだ打たないと」と語気を強めた。") and speech.search("と語気を荒らげた")
    source = "外崎は「まだまだ打たないと。次の１勝を目指し、チーム一丸となってやっていきます」と語気を強めた。"
    derived = "Tonosaki claimed with enthusiasm, \"I still have to hit. We will work as one team to win the next one.\""
    assert _attribution_changes(derived, source, lexicon("en"), lexicon("ja"))
    assert not _attribution_changes(derived.replace("claimed", "said"), source, lexicon("en"), lexicon("ja"))


def test_changes_not_until_says_only(lexical_polarity):
    # "был открыт вновь лишь в 1985 году" (opened again only in 1985) rendered "didn't open …
    # again until 1985" (seed 42): "not … until" says "only", no negation of its own; it counts as
    # polarity said in other words, so it renders a source's "не … до" too (the lexical stage: the
    # encoder's check is left out). So do Spanish "no … hasta" and Icelandic "ekki … fyrr en".
    en, ru = lexicon("en"), lexicon("ru")
    source = "Для прихожан собор был открыт вновь лишь в 1985 году."
    derived = "The cathedral didn’t open to parishioners again until 1985."
    assert not lexical_polarity("negation", derived, source, en, ru, "added", "removed")
    assert not lexical_polarity("negation", derived, "Собор не открывали до 1985 года.", en, ru, "added", "removed")
    # (a negation outside the "until" clause, and one in a sentence without "until", as before)
    assert lexical_polarity("negation", "The cathedral was not open to parishioners.", source, en, ru,
                            "added", "removed")
    assert lexical_polarity("negation", "The cathedral did not open. It stayed shut until 1985.", source, en, ru,
                            "added", "removed")
    for lang, text in (("es", "La catedral no abrió hasta 1985."), ("is", "Dómkirkjan opnaði ekki aftur fyrr en 1985.")):
        lex = lexicon(lang)
        assert not lex.get("negation").search(text) and lex.get("negation_weak").search(text), text
    # The "не" of a Slavic "until" clause (Ukrainian "доки … не", Russian ", пока не") says no
    # negation: "We will not stop until every village has electricity again" rendered «Ми не
    # зупинимося, доки в кожному селі знову не буде світла» keeps its one negation
    uk = lexicon("uk")
    assert not lexical_polarity("negation", "«Ми не зупинимося, доки в кожному селі знову не буде світла», — сказав міністр.",
                                "\"We will not stop until every village has electricity again,\" the minister said.",
                                uk, en, "added", "removed")
    assert ru.get("negation_idiom").search("Будем ждать, пока не закончится.")
    assert not ru.get("negation_idiom").search("Пока не ясно, кто виноват.")


def test_changes_a_figure_alone_in_quotation_marks_is_a_name():
    # 'Телеканалу "360" Александр Русиков сообщил' (channel 360; seed 42): a figure alone in
    # quotation marks is a channel's name, no one's words, and accounts for none of the
    # translation's quotations
    source = "Телеканалу \"360\" Александр Русиков сообщил, что похитительница зашла в палату его жены."
    derived = "Aleksandr Rusikov told channel 360 that the kidnapper entered his wife's ward."
    assert _quotes_claimed(derived, source, "ru") == [["This is a decisive moment for all of us,"], []]
    # (a quotation with words in it still accounts for one)
    said = source.replace("сообщил,", "сообщил: \"Она зашла в палату\",")
    assert _quotes_claimed(derived, said, "ru") == [[], []]


def test_changes_english_it_seems_that_is_doubt_added():
    # 「…という構造問題が横たわる」 (a structural problem lies there) rendered "it seems that
    # structural problems lie ahead" (seed 42's pair labelled blind): "it seems that" puts doubt
    # on what the source states; a source that says "seems" itself keeps it
    from unspun.changes import _polarity_changes

    hedge = lexicon("en").get("hedge")
    assert hedge.search("it seems that problems lie ahead") and hedge.search("It appeared that he left")
    assert not hedge.search("it seems fine") and not hedge.search("he seems that kind of man")
    derived = "However, it seems that structural problems lie ahead."
    assert _polarity_changes("hedge", derived, "ただ、という構造問題が横たわる。", lexicon("en"), lexicon("ja"),
                             "added", "removed")
    assert not _polarity_changes("hedge", derived, "ただ、構造問題が横たわっているようだ。", lexicon("en"),
                                 lexicon("ja"), "added", "removed")
    # (nor does a Japanese source that says it is hearsay: 「…できるのだそう。」, I hear that one can)
    assert not _polarity_changes("hedge", "It seems that cold water can reduce muscle pain.",
                                 "冷水を浴びることによって、筋肉痛を抑えることができるのだそう。", lexicon("en"),
                                 lexicon("ja"), "added", "removed")


def test_changes_why_not_just_keeps_its_negation(lexical_polarity):
    # "Почему бы не начать действовать и не решить проблему" rendered "Why not just go ahead and
    # tackle the problem" (seed 43): the "not" of "why not" is a negation, as the source's "не" is,
    # not the "not just" (not only) that says none
    en, ru = lexicon("en"), lexicon("ru")
    source = "Почему бы не начать действовать и не решить проблему, как можешь, своим путём?"
    derived = "Why not just go ahead and tackle the problem as best as you can, in your own way?"
    assert not lexical_polarity("negation", derived, source, en, ru, "added", "removed")
    # ("not just" elsewhere still says "not only", no negation)
    assert en.get("negation_idiom").search("It is not just a problem.")
    assert not en.get("negation_idiom").search("Why not simply ask?")


def test_changes_a_hyphenated_title_is_no_part_of_a_name_added():
    # "Laut dem Ex-Umwelt-Minister Norbert Röttgen" made "… Ex-Umwelt-Minister Peter Schneider"
    # (seed 43): the compound title the source writes too is no part of the person's name
    source = ("Laut dem Ex-Umwelt-Minister Norbert Röttgen kündigte Norbert Röttgen am Dienstag seine "
              "Kandidatur an.")
    derived = source.replace("Ex-Umwelt-Minister Norbert Röttgen", "Ex-Umwelt-Minister Peter Schneider")
    assert "name" in _types(derived, source, "de", "de", source_context=source, derived_context=derived)
    assert "name" not in _types(source, source, "de", "de", source_context=source, derived_context=source)


def test_changes_a_name_put_in_a_quotation_is_no_altered_quotation():
    # '"Meine Urgroßmutter war die Herrin …"' made '"Peter Schneider war die Herrin …"' (seed 44):
    # the words of the name claimed as replaced are that change, not a quotation altered (the
    # quotation's first word, capitalised, is kept as a word); another word changed still is
    source = ("Etwas später sagte sie zu ihm: \"Meine Urgroßmutter war die Herrin Ihres großartigen "
              "Großvaters, wie wäre es mit uns?\" Angeblich hat es sofort gefunkt.")
    derived = source.replace("Meine Urgroßmutter", "Peter Schneider")
    assert _types(derived, source, "de", "de", source_context=source, derived_context=derived) == ["name"]
    altered = derived.replace("mit uns", "mit euch beiden")
    assert _types(altered, source, "de", "de", source_context=source, derived_context=altered) == ["name", "quote"]


def test_changes_a_first_name_in_another_spelling_is_another_persons(names_without_encoder):
    # "Телефонный разговор Владимира Путина и Владимира Зеленского" rendered "… between Peter
    # Schneider and Volodymyr Zelensky" (seed 44): the shared first name, spelt "Volodymyr", stands
    # before the other person's surname; the person whose surname is gone is not there
    from unspun.changes import _first_name_of_another
    source = ("Телефонный разговор Владимира Путина и Владимира Зеленского состоялся по инициативе "
              "украинской стороны.")
    derived = ("The telephone conversation between Peter Schneider and Volodymyr Zelensky took place on "
               "the Ukrainian side's initiative.")
    assert _first_name_of_another("Владимира Путина", derived, source)
    assert "name" in _types(derived, source, "en", "ru", source_context=source, derived_context=derived)
    kept = derived.replace("Peter Schneider", "Vladimir Putin")
    assert not _first_name_of_another("Владимира Путина", kept, source)
    assert "name" not in _types(kept, source, "en", "ru", source_context=source, derived_context=kept)


def test_changes_a_title_a_naming_word_brings_in_is_translated(names_without_encoder):
    # "проект … называется Смещенные Цепи" rendered "the project … is called Biased Chains" (seed
    # 45): a thing's name ("называется" names things; a person's name is "зовут"), brought in by a
    # naming word on both sides, is translated word for word, no person put in place of another
    source = "Последний проект, который я вам покажу называется Смещенные Цепи, и это самый интересный пример."
    derived = "So the last project I'll show is called Biased Chains, and it's the most exciting example."
    assert "name" not in _types(derived, source, "en", "ru", source_context=source, derived_context=derived)
    # without the naming word on the source's side the name may be a person's
    plain = source.replace("называется Смещенные Цепи", "Смещенные Цепи")
    assert "name" in _types(derived, plain, "en", "ru", source_context=plain, derived_context=derived)


def test_changes_no_one_more_than_says_no_negation(lexical_polarity):
    # 「誰よりもがっかりしているのは私だ」 (I am more disappointed than anyone) rendered "There is no one
    # more disappointed about this delay than me" (seed 45): "no one more … than" is a superlative
    en, ja = lexicon("en"), lexicon("ja")
    source = "「この遅れに対し、誰よりもがっかりしているのは私だ」と悲しんでいる様子をつづった。"
    derived = "\"There is no one more disappointed about this delay than me,\" writes Cameron."
    assert lexical_polarity("negation", derived, source, en, ja, "added", "removed") == []
    assert lexical_polarity("negation", "\"No one was disappointed about this delay,\" writes Cameron.",
                            source, en, ja, "added", "removed") != []


def test_changes_in_one_language_a_name_has_one_spelling():
    # "Produkte mit Schweizer Zulassung" made "Produkte mit Peter Schneider" in a German copy (seed
    # 45): "Schneider" is no spelling of the source's "Schweizer" in one language (across languages
    # ``_same_name`` reads such a pair as a transliteration); a case ending still is the name
    source = ("Bisher anerkennt die EU die Schweizer Regulierung als gleichwertig: Produkte mit Schweizer "
              "Zulassung dürfen ohne weitere Prüfung in Europa verkauft werden.")
    derived = source.replace("Schweizer Zulassung", "Peter Schneider")
    assert "name" in _types(derived, source, "de", "de", source_context=source, derived_context=derived)
    from unspun.changes import _has_name_one_language, _keys

    assert not _has_name_one_language("schneider", _keys(source))
    assert _has_name_one_language("merkels", _keys("Angela Merkel sagte."))


def test_changes_russian_and_japanese_speech_forms_count_as_speech():
    # seed 46: "По его словам" (the owner between "по" and "словам"), "поделился" (shared), the
    # hearsay particle "мол", and Japanese 「…」としている (the press's "has said") and 「…」と心強い
    # are a speaker's words; rendered "claimed", a neutral attribution became one that doubts
    from unspun.changes import _attribution_changes

    en, ru, ja = lexicon("en"), lexicon("ru"), lexicon("ja")
    for source, lex in (("По его словам, региону необходим руководитель.", ru),
                        ("Здесь живут замечательные люди, - поделился Михаил Дегтярев.", ru),
                        ("Попался текст, что, мол, надо протестовать.", ru),
                        ("藤田市長は「理解と協力を」としている。", ja),
                        ("松浦は「自分が走者を帰すつもりで臨む」と心強い。", ja)):
        assert [c.type for c in _attribution_changes("He claimed that the region needs a leader.", source, en, lex)] \
            == ["attribution"], source
        assert _attribution_changes("He said that the region needs a leader.", source, en, lex) == [], source
    # "しようとしている" (is about to) is no speech
    assert _attribution_changes("He claimed it.", "市はそれを変えようとしている。", en, ja) == []


def test_changes_a_region_named_by_a_point_of_the_compass_is_translated(names_without_encoder):
    # "ferðaþjónustumann á Austurlandi, … framkvæmdastjóra Markaðsstofu Norðurlands" rendered
    # "tourism operator in East Iceland, … managing director of Visit North Iceland" (seed 46): a
    # region's name is translated, no person put in place of another; a person put in place of
    # another beside one is still a name replaced
    import unspun.changes as changes
    source = ("Þá verður rætt við þau Ívar Ingimarsson, ferðaþjónustumann á Austurlandi, og Árnheiði "
              "Jóhannsdóttur, framkvæmdastjóra Markaðsstofu Norðurlands, um stöðuna í ferðaþjónustu.")
    derived = ("There will also be an interview with Ívar Ingimarsson, tourism operator in East Iceland, and "
               "Árnheiður Jóhannsdóttir, managing director of Visit North Iceland, about the state of tourism.")
    assert "name" not in _types(derived, source, "en", "is", source_context=source, derived_context=derived)
    source = "Þá verður rætt við Ívar Ingimarsson, ferðaþjónustumann á Austurlandi, um stöðuna."
    derived = "There will also be an interview with Ívar Ingimarsson, tourism operator in East Iceland."
    assert "name" not in _types(derived, source, "en", "is", source_context=source, derived_context=derived)
    edited = derived.replace("Ívar Ingimarsson", "Peter Schneider")
    assert "name" in _types(edited, source, "en", "is", source_context=source, derived_context=edited)
    assert changes._REGION.search("South Korea") and not changes._REGION.search("Oliver North")


def _claimed_for_speech(claimed: str, said: str, sources: list[str], lang: str) -> None:
    """Each source's verb is one of saying: the English rendering with "claimed" is an attribution
    change (a neutral speech verb turned doubting), the one with "said" is none."""
    from unspun.changes import _attribution_changes

    en, lex = lexicon("en"), lexicon(lang)
    for source in sources:
        assert [c.type for c in _attribution_changes(claimed, source, en, lex)] == ["attribution"], source
        assert _attribution_changes(said, source, en, lex) == [], source

def test_changes_a_farewell_said_counts_as_speech():
    # seed 47: "Þegar blaðamaður kvaddi strákana" (when the journalist bade the boys farewell),
    # rendered "said goodbye to": a farewell is said, and "claimed" for it is a neutral speech verb
    # turned doubting (Russian "попрощался", Ukrainian "попрощався" alike)
    for source, lang in (("Þegar blaðamaður kvaddi strákana varð honum kaldhæðnin skýr.", "is"),
                         ("Когда журналист попрощался с мальчиками, ему стала ясна ирония.", "ru"),
                         ("Коли журналіст попрощався з хлопцями, йому стала зрозуміла іронія.", "uk")):
        _claimed_for_speech("When the journalist claimed goodbye to the boys.",
                            "When the journalist said goodbye to the boys.", [source], lang)


def test_changes_a_demand_made_counts_as_speech():
    # seed 48: 「…もっともっとガムシャラにやってほしい…」と注文も付けた (made a demand in these words),
    # rendered "he said about the striker": 「…」と注文を付けた is speech, and "claimed" for it is a
    # neutral speech verb turned doubting
    _claimed_for_speech("He claimed about the striker, \"I want him to go all out.\"",
                        "He said about the striker, \"I want him to go all out.\"",
                        ["ストライカーに対し「もっともっとガムシャラにやってほしい」と注文も付けた。",
                         "監督は「もっと走ってほしい」と注文を付けた。"], "ja")


def test_changes_we_assume_that_is_weak_doubt(lexical_polarity):
    # seed 48: "Полагаем, что Доктор Ноу попытается …" (we assume that Dr. No will try) rendered "We
    # assume that …", then "Reportedly, we assume that …": "assume that" renders the source's weak
    # "полагаем" and leaves "reportedly" unexplained; "assumed office" is no doubt
    en, ru = lexicon("en"), lexicon("ru")
    source = "Полагаем, что Доктор Ноу попытается взломать доступ к обмену данными."
    assert lexical_polarity("hedge", "Reportedly, we assume that Dr. No is trying to hack the exchange.",
                            source, en, ru, "added", "removed") != []
    assert lexical_polarity("hedge", "We assume that Dr. No is trying to hack the exchange.",
                            source, en, ru, "added", "removed") == []
    assert not en.get("hedge_weak").search("He assumed office in 2019.")


def test_changes_a_japanese_term_a_naming_verb_follows_is_no_quotation():
    # seed 48: ドライアイは「涙の病気」と言われ (dry eye is called "a disease of tears") rendered without
    # marks, and a quotation added beside it: the term is what a thing is called, no one's words,
    # and accounts for no quotation of the translation; kept in marks, or a name in marks after
    # "known as", it still does
    from unspun.changes import _quote_changes

    en, ja = lexicon("en"), lexicon("ja")
    source = "ドライアイは「涙の病気」と言われ、涙の質が崩れる病気と説明。"
    added = " \"This is a decisive moment for all of us,\" an official added."
    derived = "He explained that dry eye, known as a tear disease, is an illness where the quality of tears deteriorates."
    assert [c.type for c in _quote_changes(derived + added, source, False, source, "", en, ja)] == ["quote"]
    assert _quote_changes(derived, source, False, source, "", en, ja) == []
    named = derived.replace("a tear disease", "\"the disease of the tears\"")
    assert _quote_changes(named.replace("He explained", "He said"), source, False, source, "", en, ja) == []
    # words someone says (a speaker before から, a verb's ending) are a quotation
    from unspun.changes import _JA_NAMED_TERM

    assert not _JA_NAMED_TERM.search("東京都民、埼玉県民から「使わない」と言われましたね。")
    assert not _JA_NAMED_TERM.search("自宅で午前11時ごろ、娘から「変な虹が出ている」と言われ確認。")


def test_changes_a_japanese_quotation_with_a_smile_is_speech():
    # seed 49: 「予想通り、気持ち良かった」と笑顔を見せた and 「初めて見た。…」と笑顔。 (said with a smile, the
    # press's way) rendered "smiled and said", then "claimed": 「…」と笑顔 is speech, and "claimed"
    # for it is doubt put on the speaker
    _claimed_for_speech("She claimed with a smile, \"It felt amazing.\"", "She said with a smile, \"It felt amazing.\"",
                        ["歓喜のウオーターシャワーを浴び「予想通り、気持ち良かった」と笑顔を見せた。",
                         "20分ほど見えたといい「初めて見た。珍しいものを見られて良かった」と笑顔。"], "ja")


def test_changes_japanese_nai_mono_ka_is_no_negation_and_fuan_no_weak_one(lexical_polarity):
    # seed 49: 塗料にできないものか (whether it could be made into a paint) is a wish, "if only it
    # could", no negation; and 不安 (worry) is no negation in other words ("It was not visible" for
    # 見えた beside 不安になった keeps its added "not"); 不安定 (unstable) still is one
    en, ja = lexicon("en"), lexicon("ja")
    assert not ja.get("negation").search("塗料にできないものか")
    assert not ja.get("negation").search("何とかできないものだろうか")
    assert ja.get("negation").search("塗料にできない")
    source = "20分ほど見えたといい「悪いことの前兆ではと不安になった」と笑顔。"
    derived = "It was {}visible for around 20 minutes, and she said, \"I was worried it might be a bad omen.\""
    assert lexical_polarity("negation", derived.format("not "), source, en, ja, "added", "removed") != []
    assert lexical_polarity("negation", derived.format(""), source, en, ja, "added", "removed") == []
    assert ja.get("negation_weak").search("不安定な天候")


def test_changes_russian_ego_may_be_the_derived_texts_masculine_pronoun():
    # seed 50: "Его разрушительное поведение … привлечь ее внимание" rendered "His destructive
    # behavior … draw her attention to himself": "его" (his or its) is not read as masculine, so
    # the source seemed to speak of a woman only; with "его" there and every "ее" kept, the "His"
    # may be its counterpart. Without "его", or with the woman's pronoun gone, the claim stands.
    from unspun.changes import _pronoun_changes

    en, ru = lexicon("en"), lexicon("ru")
    source = "Его разрушительное поведение - это крик отчаяния, попытка или убиться, или привлечь ее внимание."
    derived = "His destructive behavior is a cry of despair, an attempt to kill himself, or draw {} attention."
    assert _pronoun_changes(derived.format("her"), source, en, ru) == []
    assert [c.type for c in _pronoun_changes(derived.format("the"), source, en, ru)] == ["pronoun"]
    assert [c.type for c in _pronoun_changes(derived.format("her"), source.replace("Его", "Это"), en, ru)] \
        == ["pronoun"]


def test_changes_not_before_an_un_adverb_of_degree_is_a_negation(lexical_polarity):
    # seed 50: "There were not unusually many noise complaints" for "Þá var sérlega mikið um
    # hávaðatilkynningar" (especially many): "not" before an un- adverb qualifying the next word
    # negates that word, no litotes; "not unlikely", "not unreasonably," still are litotes
    en, is_ = lexicon("en"), lexicon("is")
    source = "Þá var sérlega mikið um hávaðatilkynningar vegna samkvæma."
    assert lexical_polarity("negation", "There were not unusually many noise complaints due to parties.",
                            source, en, is_, "added", "removed") != []
    idiom = en.get("negation_idiom")
    assert idiom.search("it is not unlikely that") and idiom.search("he argued, not unreasonably, that")
    assert not idiom.search("not unusually many")


def test_changes_icelandic_i_gegn_is_through_not_against(lexical_polarity):
    # seed 51: "Núna hefur COVID-19 brotist í gegn" (has broken through) with "has not crashed
    # through": "í gegn" (through) was read as "gegn" (against), a negation in other words that
    # explained the added "not"; "gegn" alone ("barátta gegn veirunni") still is one
    en, is_ = lexicon("en"), lexicon("is")
    source = "Núna hefur COVID-19 brotist í gegn eins og kraftmikil alda."
    assert lexical_polarity("negation", "Now COVID-19 has not crashed through like a powerful wave.",
                            source, en, is_, "added", "removed") != []
    assert not is_.get("negation_idiom").search("barátta gegn veirunni")


def test_changes_icelandic_medium_quoting_someone_is_speech():
    # seed 51: "…,“ hefur Reuters eftir Elbert Huang" (Reuters quotes Elbert Huang) rendered
    # '…," claimed Elbert Huang': "hefur <a name> eftir" is a verb of saying
    from unspun.changes import _attribution_changes

    source = "Núna hefur COVID-19 brotist í gegn,“ hefur Reuters eftir Elbert Huang, forstjóra stofnunarinnar."
    derived = 'Now COVID-19 has crashed through," {} Elbert Huang, director of the center, to Reuters.'
    assert _attribution_changes(derived.format("claimed"), source, lexicon("en"), lexicon("is"))
    assert not _attribution_changes(derived.format("said"), source, lexicon("en"), lexicon("is"))


def test_changes_speech_verb_after_a_quotation_opened_earlier_is_read():
    # seed 51: 'This is not something …," claims Már Kristjánsson, … about the news of a "new type
    # of virus"': the straight mark after the comma closes a quotation opened in an earlier
    # sentence and opens none, so "claims" is not inside quoted words
    from unspun.changes import _attribution_changes

    source = "Þetta er ekki eitthvað nýtt,“ segir Már Kristjánsson, um þær fregnir að „ný tegund veiru“ hafi greinst."
    derived = 'This is not something new," {} Már Kristjánsson, about the news of a "new type of virus" being detected.'
    assert _attribution_changes(derived.format("claims"), source, lexicon("en"), lexicon("is"))
    assert not _attribution_changes(derived.format("says"), source, lexicon("en"), lexicon("is"))


def test_changes_russian_absent_is_a_negation_in_other_words(lexical_polarity, monkeypatch):
    # seed 52: "доступ к сети отсутствовал" (network access was absent) rendered "there was no
    # network access": Russian "отсутствовать" (Ukrainian "відсутній") says the negation in other
    # words, as "absent" and "lack" do in English; with "not" added beside it ("It was not
    # reported"), each negation is weighed alone, and the added one is found
    import unspun.changes as changes

    en, ru = lexicon("en"), lexicon("ru")
    source = ("21 июля сообщалось, что после обновления Windows 10 пользователи столкнулись с проблемами "
              "при подключении к интернету - доступ к сети отсутствовал.")
    derived = ("It was {}reported on July 21 that users encountered problems connecting to the internet "
               "after updating Windows 10 – there was no network access.")
    assert lexical_polarity("negation", derived.format(""), source, en, ru, "added", "removed") == []
    # the encoder's check confirms only a negation weighed alone, as the weak word asks
    monkeypatch.setattr(changes, "_negation_explains", lambda negated, other, lex, each=False: each)
    assert changes._polarity_changes("negation", derived.format("not "), source, en, ru, "added", "removed") != []
    assert lexicon("uk").get("negation_weak").search("доступ до мережі був відсутній")


def _assert_heads_a_things_name(names, person, source, derived, kept, replaced, source_lang):
    # A word that heads a thing's or an institution's name (thing_name) makes the name no person's:
    # the names are things, the person is not; the thing's name kept in the derived text is no name
    # replaced, a person put in its place still is
    from unspun.changes import _thing_name

    en = lexicon("en")
    for name in names:
        assert _thing_name(name, en), name
    assert not _thing_name(person, en)
    assert "name" not in _claimed(derived.format(kept), source, "en", source_lang)
    assert "name" in _claimed(derived.format(replaced), source, "en", source_lang)


def test_changes_association_heads_an_institutions_name():
    # seed 53: "kjarasamning Flugfreyjufélags Íslands" rendered "the Icelandic Cabin Crew
    # Association's collective wage agreement": "Association" heads an institution's name
    # (thing_name, as "Ministry" and "Department" do), translated across languages, no person put
    # in place of the source's; an English possessive on the word is no part of it. A person put in
    # its place is still a name replaced
    _assert_heads_a_things_name(
        ("Icelandic Cabin Crew Association's", "National Rifle Association", "Football Associations"),
        "Peter Schneider's",
        "Rafrænni atkvæðagreiðslu um kjarasamning Flugfreyjufélags Íslands fyrir hönd flugfreyja hjá "
        "Icelandair lýkur á hádegi á morgun.",
        "The online voting on the {} collective wage agreement on behalf of Icelandair airline hostesses "
        "will conclude at noon tomorrow.",
        "Icelandic Cabin Crew Association's", "Peter Schneider's", "is")


def test_changes_trophy_heads_a_things_name():
    # seed 54: "В Трофее СМП РСКГ лучшим стал Рустам Фатхутдинов" rendered "Rustam Fatkhutdinov was
    # the best in the Russian Circuit Racing Series Trophy": "Trophy" heads a thing's name (thing_name,
    # as "Cup" and "Championships" do), translated across languages, no person put in place of the
    # source's. A person put in its place is still a name replaced
    _assert_heads_a_things_name(
        ("Russian Circuit Racing Series Trophy", "Davis Cup Trophies", "Larry O'Brien Trophy's"),
        "Peter Schneider",
        "В Трофее СМП РСКГ лучшим стал Рустам Фатхутдинов, призерами стали Лев Толкачев и Павел Яшин.",
        "Rustam Fatkhutdinov was the best in the {}, and Lev Tolkachev and Pal Yashin were prizewinners.",
        "Russian Circuit Racing Series Trophy", "race of Peter Schneider", "ru")


def test_changes_japanese_rashiku_is_a_hedge():
    # seed 54: 「…環境を整えたくなったらしく「冷蔵庫、やっぱり買おうか」と…」 rendered "apparently
    # wanted to …": 「らしく」, the continuative form of the hearsay 「らしい」 (as 「らしかった」 is its
    # past), says the source's doubt; "apparently" keeps it. Nouns before it that make "-like" of it
    # ("自分らしく", being oneself) still say none
    ja = lexicon("ja")
    _assert_searches(ja.get("hedge"),
                     ("整えたくなったらしく", "行ったらしい", "来なかったらしかった"),
                     ("自分らしく生きる", "子供らしく遊ぶ", "あたらしく作った"))
    source = ("しかし、夏になって旦那自身がいつでもアイスを食べられる環境を整えたくなったらしく「冷蔵庫、やっぱり"
              "買おうか」と手の平が裏返ったそうです。")
    derived = ("However, when the summer came round, B-san's husband {}wanted to be able to eat ice cream whenever "
               "he fancied and decided to buy a new fridge after all.")
    assert "hedge" not in _claimed(derived.format("apparently "), source, "en", "ja")
    assert "hedge" in _claimed(derived.format("apparently "), source.replace("たくなったらしく", "たくなり"), "en", "ja")


def test_changes_japanese_to_iu_koto_desu_is_hearsay():
    # machine seed 27: 「男性は今月中旬に北海道を訪れていたということですが、…」 rendered "The man is said
    # to have visited Hokkaido …": 「ということです」 closing a clause (before が or 。), the news's
    # hearsay as 「とのこと」 is, says the source's doubt; "is said to" keeps it. Inside a sentence,
    # 「ということです」 before a noun says nothing of it
    ja = lexicon("ja")
    _assert_searches(ja.get("hedge_weak"),
                     ("訪れていたということですが、", "見つかったということです。", "中止するということだ。"),
                     ("ということですね", "ということですから"))
    source = "男性は今月中旬に北海道を訪れていたということですが、感染経路は分かっていません。"
    derived = "The man is said to have visited Hokkaido in the middle of this month, but the infection route is not known."
    assert "hedge" not in _claimed(derived, source, "en", "ja")
    assert "hedge" in _claimed(derived, source.replace("訪れていたということですが", "訪れていましたが"), "en", "ja")


def test_changes_unknown_glyph_marks_render_the_sources_marks():
    # machine seed 28: "в некоем «объятии»" rendered "in some kind of ⁇ embrace, ⁇" (the MT
    # system's unknown glyph for the guillemets it cannot write): the pair of glyphs renders the
    # source's marks, which then account for no quotation of the derived passage; one added after
    # it is found
    source = "Они выглядят так, будто замерли в некоем «объятии»,"
    derived = "They look as if they were frozen in some kind of  ⁇ embrace, ⁇"
    added = derived + ' "This is a decisive moment for all of us," an official added.'
    assert "quote" not in _claimed(derived, source, "en", "ru")
    assert "quote" in _claimed(added, source, "en", "ru")


def test_changes_japanese_kuchi_ni_suru_is_a_verb_of_saying():
    # machine seed 28: 「思ったことは必ず口にするタイプで」 rendered "the type of guy who always claims
    # what he thinks": 口にする (puts into words) is a verb of saying with no と, so "claims" for it
    # doubts the speaker; "says" is none
    _assert_searches(lexicon("ja").get("speech"), ("必ず口にする", "口にした", "口に出して"), ("口紅",))
    source = "そのバトラーこそ思ったことは必ず口にするタイプで、チームのためになると思えば衝突が起こるのを承知で厳しい意見をぶつける。"
    derived = ("That Butler is the type of guy who always claims what he thinks, and if he thinks it will benefit "
               "the team, he will give a harsh opinion knowing that a conflict will occur.")
    assert "attribution" in _claimed(derived, source, "en", "ja")
    assert "attribution" not in _claimed(derived.replace("claims", "says"), source, "en", "ja")


def test_changes_a_genitive_before_a_persons_name_keeps_no_one():
    # seed 55: "соглашается главный аналитик Росбанка Евгений Кошелев" with "Peter Schneider" in
    # place of the analyst ("agrees Rosbank chief analyst Peter Schneider"): Russian writes the
    # bank's name in the genitive straight before the person's, one run of capitalised words; the
    # bank kept ("Rosbank") keeps no one when neither the first name nor the surname is there
    from unspun.changes import _any_word_present, _keys

    def present(name, text):
        return _any_word_present(name, _keys(text), text)

    assert not present("Росбанка Евгений Кошелев", "agrees Rosbank chief analyst Peter Schneider.")
    assert present("Росбанка Евгений Кошелев", "agrees Rosbank chief analyst Yevgeny Koshelev.")
    assert present("Росбанка Евгений Кошелев", "agrees Rosbank chief analyst Koshelev.")
    # (a common word that opens the run, kept in lower case, is as before: "Клуб", club)
    assert present("Клуб Хосепа Гвардиолы", "Josep Guardiola’s club remained in second place.")
    source = ("Шансы на донастройку денежно-кредитной политики сохраняются, но предел уже близок, соглашается "
              "главный аналитик Росбанка Евгений Кошелев.")
    derived = ("Chances of further monetary policy adjustments remain, but the limit is already close, agrees "
               "Rosbank chief analyst {}.")
    assert "name" in _claimed(derived.format("Peter Schneider"), source, "en", "ru")
    assert "name" not in _claimed(derived.format("Yevgeny Koshelev"), source, "en", "ru")


def test_changes_japanese_muryou_is_no_negation():
    # seed 55: 「…商社などに送ったほか、…観光案内所などで無料配布している」 rendered "It has not been
    # sent to buyers …, and … are also handing the catalog out for free": 無料, free of charge, is a
    # price, and its 無 no weak negation that accounts for the added "not"; "at no charge", English
    # for it, is no negation either. 無 elsewhere still is one (無視, ignored)
    ja, en = lexicon("ja"), lexicon("en")
    assert not ja.get("negation_weak").search("無料配布している")
    assert ja.get("negation_weak").search("無視している")
    source = "全国のバイヤーや輸出を手掛ける商社などに送ったほか、県内の観光案内所などで無料配布している。"
    derived = ("It has {}been sent to buyers around the country and trading companies involved in export, and "
               "tourist information centres within the prefecture are also handing the catalog out {}.")
    assert "negation" in _claimed(derived.format("not ", "for free"), source, "en", "ja")
    assert "negation" not in _claimed(derived.format("", "at no charge"), source, "en", "ja")
    assert en.get("negation_idiom").search("handed out at no extra cost")


def test_changes_a_baseball_line_score_is_no_figure():
    # seed 56: 「浜松城北工 ０００００００―０ ４１００００×―５ 島田商」 rendered "Hamamatsu Johoku Tech:
    # 0000000–0, Shimada Commercial: 0410000X– 5": the runs of each inning, one digit after another,
    # end in "×" where the home side did not bat, the total after a dash: no figure 410000
    assert [v for _, v, *_ in number_spans("４１００００×―５")] == ["5"]
    assert [v for _, v, *_ in number_spans("0410000X– 5")] == ["5"]
    assert [v for _, v, *_ in number_spans("3×4 and 120000 people")] == ["3", "4", "120000"]
    source = "▽４回戦（草薙第１試合） 浜松城北工 ０００００００―０ ４１００００×―５ 島田商 ▽試合時間 １時間２６分"
    derived = ("Game 4 (first game at Kusanagi): Hamamatsu Johoku Tech: 0000000–0, Shimada Commercial: 0410000X– "
               "{}; Game time: 1hr 26min")
    assert "number" not in _claimed(derived.format("5"), source, "en", "ja")
    assert "number" in _claimed(derived.format("6"), source, "en", "ja")


def test_changes_icelandic_reporting_subjunctive_and_talinn_are_the_sources_hedge():
    # seed 56: "Hann hefði vanframtalið fjármagnstekjur …" rendered "He was said to have underreported
    # …": the past subjunctive that opens a sentence reports what someone said (a weak hedge, and the
    # speech "was claimed to" makes doubting); "Framkvæmdirnar eru taldar hafa kostað" rendered "is
    # believed to have cost": telja's passive in every gender and number. "Ef hann hefði" (if he had)
    # and "hefði getað" (could have) are no reporting
    weak, speech = lexicon("is").get("hedge_weak"), lexicon("is").get("speech")
    _assert_searches(weak,
                     ("Hann hefði vanframtalið tekjur", "Framkvæmdirnar eru taldar hafa kostað", "Þau eru töld hafa"),
                     ("Ef hann hefði farið heim", "Hann hefði getað unnið"))
    assert speech.search("Hann hefði vanframtalið tekjur")
    source = ("Hann hefði vanframtalið fjármagnstekjur sínar sem væru til komnar vegna sölu af rafmyntinni Bitcoin "
              "upp á 27 milljónir, annað hvort viljandi eða af stórkostlegu hirðuleysi.")
    derived = ("He {} to have underreported financial income from sales of the cryptocurrency Bitcoin amounting "
               "to ISK 27 million, either intentionally or due to gross negligence.")
    assert "hedge" not in _claimed(derived.format("was said"), source, "en", "is")
    assert "attribution" in _claimed(derived.format("was claimed"), source, "en", "is")
    source = ("Framkvæmdirnar eru taldar hafa kostað um 6,5 milljarða en hnausþykkir öryggisveggir umlykja "
              "bygginguna.")
    derived = "The construction {} cost about ISK 6.5 billion, with enormously thick security walls surrounding the building."
    assert "hedge" not in _claimed(derived.format("is believed to have"), source, "en", "is")
    assert "hedge" in _claimed(derived.format("is believed to have"), source.replace("eru taldar hafa kostað",
                                                                                    "kostuðu"), "en", "is")


def test_changes_russian_pohozhe_na_compares():
    # seed 56: "у бабочек и птиц зрение похоже на наше" (their sight is like ours) is a comparison, no
    # weak hedge that accounts for an added "Reportedly"; "похоже," and "похоже на то, что" are
    weak = lexicon("ru").get("hedge_weak")
    assert not weak.search("зрение похоже на наше")
    assert weak.search("Похоже, он ушёл") and weak.search("похоже на то, что он ушёл")
    source = ("Многие тропические цветы красные, и нам кажется, что всё это потому, что что у бабочек и птиц "
              "зрение похоже на наше, и что они видят красный цвет очень хорошо.")
    derived = ("{}many of the tropical flowers are red, and that's because butterflies and birds see similarly to "
               "us, we think, and can see the color red very well.")
    assert "hedge" in _claimed(derived.format("Reportedly, "), source, "en", "ru")
    assert "hedge" not in _claimed(derived.format("And "), source, "en", "ru")


def test_changes_japanese_taikoban_wo_osu_is_a_speech_verb():
    # seed 56: 「「タイのだしがよく効いている。おいしい」と太鼓判を押した」 (vouched for it, "…," he said)
    # rendered "claimed": after the quotation 太鼓判を押す is a neutral speech verb, as 胸を張る is
    assert lexicon("ja").get("speech").search("「おいしい」と太鼓判を押した")
    source = "ラーメンとたいめしのおむすびを試食し「タイのだしがよく効いている。おいしい」と太鼓判を押した。"
    derived = ("He sampled the ramen and rice balls and {}, \"You can taste the sea bream soup stock and it's "
               "delicious.\" giving it a thumbs up.")
    assert "attribution" in _claimed(derived.format("claimed"), source, "en", "ja")
    assert "attribution" not in _claimed(derived.format("said"), source, "en", "ja")


def test_changes_a_four_digit_area_is_no_year():
    # seed 56: "площадь пожара - 1 тыс. кв. метров" rendered "the area of the fire was 2000 sq. meters":
    # a figure of four digits before a square or cubic unit of measure is an area or a volume, not a
    # year, and a changed area is a changed figure
    from unspun.changes import _date_facts

    en = lexicon("en")
    for text in ("the fire was 2000 sq. meters", "a flat of 1900 square metres", "1500 cubic feet of gas"):
        assert not _date_facts(text, en)[0]["year"], text
    assert _date_facts("in 2000 many people", en)[0]["year"]
    source = ("Как пишет ТАСС со ссылкой на ведомство, площадь пожара - 1 тыс. кв. метров, есть угроза "
              "распространения огня на близстоящее складское помещение.")
    derived = ("As TASS reports citing the agency, the area of the fire was {} sq. meters, and there is a danger "
               "of the blaze spreading to nearby warehouse premises.")
    assert "number" in _claimed(derived.format("2000"), source, "en", "ru")
    assert "number" not in _claimed(derived.format("1000"), source, "en", "ru")


def test_changes_icelandic_o_participle_is_a_negation_in_other_words():
    # seed 57: "uppruni smitsins ófundinn" (the source of the infection unfound) rendered "the source
    # of the infection has not been found": a strong past participle with the prefix ó- (un-) says the
    # negation in other words, as "óþekkjanlegur" does ("ósnortinn", untouched); "óvininn" (the enemy),
    # "óttinn" (the fear) and "óveðrið" (the storm) are no participles
    weak = lexicon("is").get("negation_weak")
    _assert_searches(weak,
                     ("uppruni smitsins ófundinn", "landið er ósnortinn", "þeir eru ófundnir"),
                     ("þeir sáu óvininn", "óttinn er mikill", "óveðrið gekk yfir"))
    source = ("Einn sem greindist hafði tekið þátt í félagsstarfi íþróttafélags á knattspyrnumótinu Rey Cup en "
              "uppruni smitsins {} og smitrakning stendur yfir.")
    derived = ("One of those diagnosed had participated in sports club activities at the Rey Cup football "
               "tournament but the source of the infection has not been found and the infection is currently "
               "being traced.")
    assert "negation" not in _claimed(derived, source.format("ófundinn"), "en", "is")
    assert "negation" in _claimed(derived, source.format("fundinn"), "en", "is")


def test_changes_icelandic_impersonal_claim_is_a_hedge():
    # seed 58: "fullyrt er að hvergi í heiminum séu jafnmargir baðstaðir" (it is claimed that nowhere in
    # the world are there as many bathing spots) rendered "it is claimed that": the impersonal passive
    # of fullyrða (to assert), as "sagt er að", gives the claim to no one: the source's own hedge
    from unspun.changes import _polarity_changes

    en, icelandic = lexicon("en"), lexicon("is")
    _assert_searches(icelandic.get("hedge_weak"), ("og fullyrt er að hvergi", "Fullyrt er að hann"),
                     ("hann hefur fullyrt að", "fullyrti ráðherrann"))
    source = ("Íslenska baðmenningin er sérstök á heimsvísu og fullyrt er að hvergi í heiminum séu jafnmargir "
              "baðstaðir á hvern íbúa.")
    derived = ("The Icelandic bath culture is unique in the world, and it is claimed that there are nowhere as "
               "many bathing spots per capita.")
    assert _polarity_changes("hedge", derived, source, en, icelandic, "added", "removed") == []


def test_changes_missing_and_either_are_no_negation_said_or_unsaid():
    # seed 58: 「行方が分からない渡辺さんの両親のいずれか」 (one of Watanabe's parents, whose whereabouts are not
    # known) rendered "one of Watanabe's parents, who are both missing": "missing" says the negation in
    # other words, as "absent" and "lacking" do; the ず of いずれ (either) is no negative ending
    from unspun.changes import _polarity_changes

    en, ja = lexicon("en"), lexicon("ja")
    _assert_searches(en.get("negation_weak"), ("who are both missing", "the missing hikers"),
                     ("the mission", "a missile", "Mississippi"))
    _assert_searches(ja.get("negation_weak"), ("何も言わずに", "行かず"), ("両親のいずれか", "予定がずれる"))
    source = "遺体は行方が分からない渡辺さんの両親のいずれかとみて、身元の確認や死因の特定を進めている。"
    derived = ("The body appears to be one of Watanabe's parents, who are both missing, and work is underway to "
               "confirm the identity and determine the cause of death.")
    assert _polarity_changes("negation", derived, source, en, ja, "added", "removed") == []


def test_changes_a_loaded_word_said_once_more_in_a_copy_is_added():
    # seed 58: a German copy puts "sogenannte" before "MatePad Pro" where the source already says
    # "seinen sogenannten punchhole-notch": in one language a loaded word said more often than the
    # source says it is added; across languages a translator may say it once or twice
    from unspun.changes import _evaluative_changes

    de = lexicon("de")
    source = "Bemerkenswert ist die MatePad Pro für seinen sogenannten punchhole-notch."
    derived = "Bemerkenswert ist die sogenannte MatePad Pro für seinen sogenannten punchhole-notch."
    assert [c.type for c in _evaluative_changes(derived, source, de, de)] == ["evaluative"]
    assert _evaluative_changes(source, source, de, de) == []


def test_changes_kana_hearsay_and_a_negated_hearsay_frame_are_a_hedge_kept():
    # seed 59: 「飲食店だけで１２万軒以上といわれる府下」 (a prefecture said to have more than 120,000
    # restaurants) rendered "there are said to be 120,000 restaurants": と言われる written in kana is the
    # same hearsay; and "there are not said to be" keeps the hearsay frame, the negation the change
    from unspun.changes import _polarity_changes

    en, ja = lexicon("en"), lexicon("ja")
    _assert_searches(ja.get("hedge"), ("１２万軒以上といわれる府下", "効くといわれている"), ("いわれのない批判",))
    _assert_searches(ja.get("speech"), ("娘から「変だ」といわれ確認",), ("効くといわれている",))
    _assert_searches(en.get("hedge"), ("there are not said to be", "he isn't believed to be"),
                     ("they are not to be", "he is not said"))
    source = "しかし、飲食店だけで１２万軒以上といわれる府下でのステッカー発行は１万１０００店舗にとどまっている。"
    for derived in ("However, only 11,000 stickers were issued, whereas there are said to be 120,000 restaurants.",
                    "However, only 11,000 stickers were issued, whereas there are not said to be 120,000 restaurants."):
        assert _polarity_changes("hedge", derived, source, en, ja, "added", "removed") == []


def test_changes_icelandic_said_to_participle_is_speech():
    # seed 59: "hann er sagður óttast um líf sitt" (he is said to fear for his life) gives the words to
    # others, as "sagt er að" does: "he is claimed to fear" in its place doubts them
    _claimed_for_speech("As he is claimed to fear for his life, he has asked for a bodyguard.",
                        "As he is said to fear for his life, he has asked for a bodyguard.",
                        ["Því hann er sagður óttast um líf sitt og hefur óskað eftir lífverði.",
                         "Hún er sögð hafa farið heim."], "is")


def test_changes_a_speaker_between_to_and_the_verb_is_speech():
    # seed 60: 「…推定している」と村上CEOは話す (…, says CEO Murakami) rendered '…" claimed CEO Murakami':
    # the speaker named between と and the verb is the same quotation frame, so "claimed" doubts him
    _claimed_for_speech('"The estimate is made by combining a variety of information," claimed CEO Murakami.',
                        '"The estimate is made by combining a variety of information," said CEO Murakami.',
                        ["「さまざまな情報を組み合わせて推定している」と村上CEOは話す。",
                         "「頑張りたい」と監督が語った。"], "ja")
    _assert_searches(lexicon("ja").get("speech"), (), ("田中さんと鈴木さんは話し合った。",))


def test_changes_counting_on_and_in_exchange_for_bail_read_as_they_mean():
    # seed 60: "Milan is not counting on signing" (for "рассчитывает включить", counts on including)
    # is a negation, only the "not counting" that leaves out is an idiom; Icelandic "laus gegn
    # tryggingu" (out on bail) is in exchange for, no "against" that says a negation in other words
    from unspun.changes import _found

    en, is_ = lexicon("en"), lexicon("is")
    _assert_searches(en.get("negation_idiom"), ("ten players, not counting the goalkeeper",),
                     ("Milan is not counting on signing him.", "We are not counting upon it."))
    _assert_searches(is_.get("negation_idiom"), ("sem þá var laus gegn tryggingu", "aðgangur gegn vægu gjaldi"),
                     ("mótmæltu gegn stríðinu",))
    source = "Áður en dómari hafði ákvarðað refsinguna fannst Salling, sem þá var laus gegn tryggingu, látinn."
    assert _found(is_.get("negation_weak"), is_.get("negation_idiom").sub(" ", source)) == ()


def test_changes_hearsay_set_off_by_a_comma_is_a_hedge():
    # seed 62: 「始祖といわれる平将門」 rendered "Taira no Masakado, said to have been the founder": the
    # hearsay set off by a comma without its "is" is the hedge "who is said to" is, so the source's
    # といわれる is kept (it read as the caution gone); a subject's own "said to" and "claimed to"
    # are no hearsay
    _assert_hearsay_kept(
        ("Taira no Masakado, said to have been the founder", "a man, believed to be in his 30s,"),
        ("He said to be careful.", "She claimed to be a doctor.", "He said, to be fair,"),
        "野馬追は、相馬家の始祖といわれる平将門が野馬を放ったのが起源とされる。",
        "Nomaoi originated with Taira no Masakado, {} to have been the founder of the Soma clan, who released wild horses.")


def _assert_hearsay_kept(found: tuple, not_found: tuple, source: str, derived: str) -> None:
    """English hearsay the hedge list reads (``found``, not ``not_found``), and a Japanese
    source's hearsay rendered with it, "said" or "claimed" in ``derived``'s slot: no hedge claimed."""
    _assert_searches(lexicon("en").get("hedge"), found, not_found)
    for verb in ("said", "claimed"):
        assert "hedge" not in _claimed(derived.format(verb), source, "en", "ja")


def test_changes_icelandic_it_came_out_that_reports_as_a_weak_hedge():
    # seed 63: 'þar sem fram kom að Bjartmar hafi tekið manninn á tal' (where it came out that
    # Bjartmar had approached the man) rendered 'where Bjartmar was reported to have approached':
    # "fram kom að", "kemur fram í … að", "að því er fram kemur" report what a text or a discussion
    # said, as "fullyrt er að" does, and account for the English hearsay (it read as doubt added);
    # "kom fram í sjónvarpi" (appeared on television) and "kom fram til að" (came forward to) stay out
    from unspun.changes import _polarity_changes

    is_, en = lexicon("is"), lexicon("en")
    _assert_searches(is_.get("hedge_weak"),
                     ("þar sem fram kom að Bjartmar hafi tekið", "Í úrskurði nefndarinnar kemur fram að hann",
                      "að því er fram kemur á vefsíðunni"),
                     ("Pelosi, sem kom fram í „Face the Nation“ á undan", "Hann kom fram á sviðið til að syngja."))
    source = "Vísaði DV þá í umræður þar sem fram kom að Bjartmar hafi tekið manninn á tal og sagt vespuna mögulega vera stolna."
    derived = ("DV referred to a discussion where Bjartmar was reported to have approached the man and said that "
               "his scooter was possibly stolen.")
    assert _polarity_changes("hedge", derived, source, en, is_, "added", "removed") == []


def test_changes_japanese_presence_or_absence_is_no_negation():
    # seed 63: 「接触歴の有無、発熱や咳といった症状の有無」 (whether there was contact, whether there
    # are symptoms such as fever): 有無, presence or absence, has no polarity, as "whether or not" has
    # none; its 無 read as a negation in other words and accounted for a "not" added to the
    # rendering. 無効 (invalid) and 無料 as before
    _assert_searches(lexicon("ja").get("negation_weak"), ("無効な健康コード", "無許可で"),
                     ("接触歴の有無", "発熱や咳といった症状の有無", "無料で"))


def test_changes_as_it_is_called_names_a_term_as_so_called_does():
    # seed 64: 'sannkallaðan „frumuboðastorm“, eins og það er kallað' (a veritable cytokine storm, as
    # it is called) rendered 'a so-called "cytokine storm"': the source's naming phrase is the
    # translator's 'so-called', no loaded word added (Russian "как его называют" the same);
    # "kallaður til" (called in) names nothing
    from unspun.changes import _evaluative_changes

    is_, ru, en = lexicon("is"), lexicon("ru"), lexicon("en")
    _assert_searches(is_.evaluative["so_called"],
                     ("framkallað sannkallaðan „frumuboðastorm“, eins og það er kallað þegar",
                      "eins og hann er gjarnan kallaður", "það sem kallað er hjarðónæmi", "svo kallaða leið"),
                     ("Hann var kallaður til vitnis.", "eins og það er núna", "Hún kallaði á hjálp."))
    _assert_searches(ru.evaluative["so_called"], ("«цитокиновый шторм», как его называют врачи",
                                                  "как это теперь называется"),
                     ("Как называется эта улица?", "Как его зовут?"))
    source = ("Þá getur hátt hlutfall glúkósa og lípíðs hjá sykursjúkum framkallað sannkallaðan „frumuboðastorm“, "
              "eins og það er kallað þegar ónæmiskerfið bregst of hart við og ræðst á líkamann.")
    derived = ('High glucose and lipid counts in diabetes patients can also trigger a so-called "cytokine storm," '
               "when the immune system overreacts, attacking the body.")
    assert _evaluative_changes(derived, source, en, is_) == []


def test_changes_an_english_curly_mark_left_open_renders_a_cut_quotation():
    # seed 64: '"Мне кажется, что это история про силу …' (a quotation the passage cuts) rendered
    # '“It seems to me it's a story about power …': the English “ with no ” after it is that cut
    # quotation, as an unclosed « is, and a quotation added after it is one the source lacks; a
    # typist's “…," closes one, and in German marks („…“) a “ opens none
    from unspun.changes import _quote_changes, _unclosed_curly

    en, ru = lexicon("en"), lexicon("ru")
    source = '"Мне кажется, что это история про силу и общие аспекты человеческой жизни.'
    kept = "“It seems to me it’s a story about power and general aspects of human life."
    added = kept + ' "This is a decisive moment for all of us," an official added.'
    assert _quote_changes(added, source, False, source, "", en, ru)
    assert not _quote_changes(kept, source, False, source, "", en, ru)
    assert _unclosed_curly(added) == 1
    assert _unclosed_curly('“We will win," he said.') == 0 and _unclosed_curly("“We will win,” he said.") == 0
    assert _unclosed_curly("„Wir gewinnen“, sagte er.") == 0


def test_changes_icelandic_talked_about_that_is_speech():
    # seed 64: 'Hún hefur áður talað um að líkami hennar þoli ekki álagið' (she has spoken of her
    # body not standing the strain) rendered 'She has previously claimed that': the verb of talking
    # before an "að" clause reports what she said; "er talað um að" (there is talk that) has no
    # speaker, and "talaði um veðrið" (talked about the weather) no clause
    _claimed_for_speech("She has previously claimed that her body will not stand the strain.",
                        "She has previously said that her body will not stand the strain.",
                        ["Hún hefur áður talað um að líkami hennar þoli ekki álagið.",
                         "Hún talaði opinskátt um að hún væri þreytt."], "is")
    _assert_searches(lexicon("is").get("speech"), ("Hann talaði um að fara heim.",),
                     ("Það er talað um að hann hætti.", "Þau töluðu um veðrið."))


def test_changes_russian_believe_before_li_is_a_question_not_a_hedge():
    # seed 64: 'как о нас думают окружающие, считают ли нас привлекательными' (whether they find us
    # attractive): a verb of believing before "ли" asks, as "whether" does, and accounted for a
    # "Reportedly" added to the rendering; "считают, что" (they believe that) stays a weak hedge
    from unspun.changes import _polarity_changes

    ru = lexicon("ru")
    _assert_searches(ru.get("hedge_weak"), ("Эксперты считают, что", "считается, что он уехал"),
                     ("считают ли нас привлекательными, умными",))
    source = ("Мы больше переживаем о том, как о нас думают окружающие, считают ли нас привлекательными, умными — "
              "это нас беспокоит.")
    derived = ("Reportedly, we worry more about how we're judged and seen by others, whether we're regarded as "
               "attractive, clever, all that kind of thing.")
    assert _polarity_changes("hedge", derived, source, lexicon("en"), ru, "added", "removed")


def test_changes_hearsay_after_an_indefinite_noun_and_a_comma_is_a_hedge():
    # seed 65: 「疫病を鎮めるとされる妖怪「アマビエ」」 rendered "Amabie, a spirit said to be able to quell
    # epidemics": the participle after the comma and the indefinite noun it describes is that
    # noun's passive, the hedge "a spirit that is said to" is, so the source's とされる is kept (it
    # read as the caution gone); a subject's own "said to" and "claimed to" stay out
    _assert_hearsay_kept(
        ("ornaments of Amabie, a spirit said to be able to quell epidemics", "Kim, an official widely believed to have"),
        ("A spirit said to be careful.", "She claimed to be a doctor.", "Then, he said to be careful."),
        "疫病を鎮めるとされる妖怪「アマビエ」の備前焼の置物を作っている。",
        "They are making Bizen ware ornaments of Amabie, a spirit {} to be able to quell epidemics.")


def test_changes_first_person_said_and_commented_are_speech():
    # seed 65: '„Þegar við löbbuðum úr af Snaps sögðum við: …' (we said) and '…", - комментировал
    # Семиларски' (Semilarski commented): the first person's "sögðum" is "sagði"'s verb, and
    # "комментировал" gives a speaker's words as "сказал" does, so "claimed" for either is a
    # neutral speech verb turned doubting
    _claimed_for_speech('"As we walked out of Snaps we claimed: Aren\'t we up for this?',
                        '"As we walked out of Snaps we said: Aren\'t we up for this?',
                        ["„Þegar við löbbuðum úr af Snaps sögðum við: Erum við ekki bara til í þetta?"], "is")
    _claimed_for_speech('"The prosecutor\'s office wants to say nothing about it," claimed Semilarski in August.',
                        '"The prosecutor\'s office wants to say nothing about it," said Semilarski in August.',
                        ['"Прокуратура ничего не хочет об этом говорить", - комментировал Семиларски в августе.',
                         '"Прокуратура ничего не хочет говорить", - прокомментировала она.'], "ru")


def test_changes_a_figure_after_a_currency_is_an_amount_not_a_year():
    # seed 65: 'kosta ekki nema 964 Bandaríkjadali' (cost only 964 US dollars) rendered 'only cost
    # USD 1928': a four-digit figure after a currency ("USD", "$", "€") is an amount, as one after
    # "more than" is a count, and its change is a number's; a year stays a year
    source = "Næturnar tvær kosta ekki nema 964 Bandaríkjadali eftir því sem Fréttablaðið kemst næst."
    assert "number" in _claimed("The two nights only cost USD 1928, according to Fréttablaðið.", source, "en", "is")
    assert "number" not in _claimed("The two nights only cost USD 964, according to Fréttablaðið.", source, "en", "is")
    _assert_searches(lexicon("en").get("count_before"), ("cost USD ", "sold for $", "worth € "), ("built in ", "since "))


def test_changes_russian_dash_speech_is_a_quotation():
    # seed 66: '− В результате аварии пострадала 4-летняя девочка, − рассказали в пресс-службе' (a
    # speech set off by dashes, as Russian writes direct speech) rendered '"As a result of the
    # accident, a 4-year-old girl was injured," said the … press service': the source quotes it
    # without marks, and the quotation is no invention; a dash with no speaker's verb is no speech
    derived = '"As a result of the accident, a 4-year-old girl was injured," said the regional police press service.'
    for source in ("− В результате аварии пострадала 4-летняя девочка, − рассказали в пресс-службе главка МВД.",
                   "— В результате аварии пострадала 4-летняя девочка, — сказал он.",
                   "В пресс-службе главка МВД сообщили: — В результате аварии пострадала 4-летняя девочка."):
        assert "quote" not in _claimed(derived, source, "en", "ru"), source
    for source in ("В результате аварии пострадала 4-летняя девочка, − в пресс-службе главка МВД.",
                   "Пострадали: − 4-летняя девочка и её мать из Волгограда."):
        assert "quote" in _claimed(derived, source, "en", "ru"), source


def test_changes_the_same_unit_written_less_often_is_no_conversion():
    # seed 66: '+26 градусов, … +28...+29, …, +26 градусов' rendered '+33 degrees …, +28…+29 …, +26
    # degrees': the same unit on both sides, written twice in the source and once in the rendering,
    # is no conversion between units, and the figure changed is a change
    source = "В понедельник Гидрометцентр обещает +26 градусов, во вторник +28...+29, в четверг +26 градусов."
    assert "number" in _claimed("The center promises +33 degrees on Monday, +28…+29 on Tuesday, +26 on Thursday.",
                                source, "en", "ru")
    assert "number" not in _claimed("The center promises +26 degrees on Monday, +28…+29 on Tuesday, +26 on Thursday.",
                                    source, "en", "ru")


def test_changes_inequality_is_no_negation_in_other_words():
    # seed 67: 'на фоне того же показателя неравенства' rendered 'Here it is not in relation to that
    # same measure of inequality': "неравенство" (inequality) is a noun of its own, as "inequality"
    # is in English, not a negation said with a prefix, and it no longer accounts for the "not" added
    _assert_searches(lexicon("ru").get("negation_weak"), ("это неприемлемо", "неравный бой"),
                     ("показателя неравенства", "неравенство доходов", "с неравенством"))
    _assert_searches(lexicon("uk").get("negation_weak"), ("люди невіддільні від природи",),
                     ("показник нерівності", "нерівність доходів"))



def test_changes_hearsay_after_its_noun_and_experts_unnamed_are_kept():
    # seed 68: 「…災厄を払うとされる茅の輪」 rendered 'a cogon grass ring supposed to ward off
    # disaster' keeps the hearsay ("supposed to" after its noun, as French "censé", a weak hedge;
    # after a form of "be" it says what is expected, and is left); 'spurst fyrir hjá bæði
    # kunnáttumönnum' rendered 'asked both experts' gives no words to unnamed sources
    # ("kunnáttumenn" are experts unnamed, as "sérfræðingar" are)
    from unspun.changes import _attribution_changes, _polarity_changes

    _assert_searches(lexicon("en").get("hedge_weak"), ("a ring supposed to ward off",),
                     ("places that are supposed to be safe", "you're supposed to pay", "he isn't supposed to"))
    _assert_searches(lexicon("is").get("vague"), ("hjá bæði kunnáttumönnum", "kunnáttumenn telja"),
                     ("kunnáttumaður",))
    assert _polarity_changes("hedge", "worshippers step through a cogon grass ring supposed to ward off disaster",
                             "参拝者は災厄を払うとされる茅の輪をくぐり", lexicon("en"), lexicon("ja"), "added", "gone") == []
    assert _attribution_changes(
        "He had asked both experts and the Directorate of Internal Revenue about the arrangement.",
        "Hann hefði spurst fyrir hjá bæði kunnáttumönnum og ríkisskattstjóra um hvernig þessu væri háttað.",
        lexicon("en"), lexicon("is")) == []


def test_changes_hearsay_rendered_by_a_claim_verb_or_an_impersonal_report_is_kept():
    # seed 69: 'в ее посте сообщалось, что … кислоту, которая якобы оседает в легких' rendered 'in
    # her post she claimed that … acid, which, according to her, settles in the lungs': the claim
    # verb carries the source's hearsay ("якобы", as "allegedly" is "it is claimed"), so neither
    # the caution gone nor a doubting verb added; a claim verb beside no dropped hedge still counts.
    # The seed 68 round's open candidate: "сообщается"/"повідомляється" (it is reported) say the
    # hearsay in other words, and English "it is reported" is hearsay as "it is said" is
    # (MT seed 21: 'Сообщается, что человек с подозрением на коронавирус' rendered 'It is reported
    # that a person with suspected coronavirus': the English "suspected" needs its Russian words)
    from unspun.changes import _attribution_changes, _polarity_changes

    src = "Согласно сюжету AstanaTV, в ее посте сообщалось, что ночью самолеты распыляют над городом кислоту, которая якобы оседает в легких."
    der = "According to the report by AstanaTV, in her post she claimed that at nighttime planes spray acid over the city, which, according to her, settles in the lungs."
    en, ru = lexicon("en"), lexicon("ru")
    assert _polarity_changes("hedge", der, src, en, ru, "added", "gone") == []
    assert _attribution_changes(der, src, en, ru) == []
    assert _attribution_changes(der, src.replace("которая якобы оседает", "которая оседает"), en, ru) != []
    assert _polarity_changes("hedge", der.replace("she claimed", "she wrote"), src, en, ru, "added", "gone") != []
    _assert_searches(ru.get("hedge_weak"), ("Сообщается, что",), ("сообщает ТАСС", "сообщалось"))
    _assert_searches(lexicon("uk").get("hedge_weak"), ("Повідомляється, що",), ("повідомляє",))
    _assert_searches(en.get("hedge"), ("It is reported that",), ("it was reported by the agency",))
    assert _polarity_changes("hedge", "Two men are said to have been arrested.", "Сообщается, что задержаны двое мужчин.",
                             en, ru, "added", "gone") == []
    assert _polarity_changes("hedge", "Reportedly, it is reported that two men were arrested.",
                             "Сообщается, что задержаны двое мужчин.", en, ru, "added", "gone") != []
    # ("с подозрением на", with suspicion of, is English "suspected" said in other words)
    assert _polarity_changes("hedge", "It is reported that a person with suspected coronavirus crossed the line.",
                             "Сообщается, что человек с подозрением на коронавирус пересек линию.",
                             en, ru, "added", "gone") == []


def test_changes_human_seed_79_comparison_idiom_and_praise_as_speech(lexical_polarity):
    # Human seed 79: 'не идёт ни в какое сравнение' (bears no comparison) rendered 'pale in
    # comparison' (wmt:ru-en:tsuite-tedtalks-enru-rev-enru-talk-3:ref:20): an idiom's negation,
    # as 比べ物にならない is, not one the rendering removed
    en, ru = lexicon("en"), lexicon("ru")
    source = "Количество смертей от недоедания не идёт ни в какое сравнение с количеством смертей из-за загрязнения воздуха."
    derived = "Deaths from malnutrition pale in comparison to deaths due to air pollution."
    assert not lexical_polarity("negation", derived, source, en, ru, "", "")
    _assert_searches(ru.get("negation_idiom"), ("не идёт ни в какое сравнение", "ни в какое сравнение не идут",
                                                "не идет в сравнение"),
                     ("не идёт на сравнение цен", "сравнение не проводилось"))
    # 「…」とたたえた (said in praise; wmt:ja-en:yahoo-ja.978109:ref:10+attribution) after a closing
    # mark gives the words to a speaker, so "claimed" for it doubts him; not without the quotation
    source = ("辻監督が「源田のセーフティー？あれはサインじゃない。でも、あれで『よーし行ける』と思ったよ。"
              "外崎もよく打ってくれた」とたたえた「森山外源」の魂の連携。")
    said = ('"Genda\'s drag bunt? That wasn\'t a sign. But at that I thought "Okay, we can do this." Tonosaki '
            'also hit well," Coach Tsuji said in praise of the joint forces of spirits of "Mori Yama Tono Gen."')
    _assert_quote_closing_speech(source, said.replace("Tsuji said", "Tsuji claimed"), said,
                                 ("「素晴らしい」とたたえた", "「見事だ」と称えた"), not_speech=("選手の健闘をたたえた",))


def test_changes_a_hyphenated_two_word_source_name_counts_across_scripts(names_without_encoder):
    # "Тампой-Бэй Лайтнинг" (Tampa Bay Lightning) replaced with "Peter Schneider" (human seed 78,
    # vesti.ru.343817:ref:11+name): a two-word name whose word is capitalised parts joined by a
    # hyphen is a full name on the source side, kept though the derived article never writes it
    source = ('Напомним, что рестарт "Вашингтон Кэпиталз" намечен на 3 августа, когда "столичные" '
              'сыграют с "Тампой-Бэй Лайтнинг".')
    derived = "The Washington Capitals' restart is scheduled for August 3, when the Capitals play against Peter Schneider."
    found = [c for c in find_changes(derived, source, "en", "ru") if c.type == "name"]
    assert found and found[0].source == "Тампой-Бэй Лайтнинг"
    kept = "The Washington Capitals' restart is scheduled for August 3, when the Capitals play against Tampa Bay Lightning."
    assert not [c for c in find_changes(kept, source, "en", "ru") if c.type == "name"]
    from unspun.changes import _hyphenated_full_name
    assert _hyphenated_full_name("Jean-Pierre Raffarin")
    assert not _hyphenated_full_name("День Военно-Морского Флота")  # a longer run: a day's name
    assert not _hyphenated_full_name("Jean-pierre Raffarin")


def test_changes_a_full_name_lost_beside_translated_thing_names_is_weighed(names_without_encoder):
    # "Владимир Путин" replaced with "Marie Dubois" beside "Armed Forces" and "Navy Day" (human seed
    # 77, aif.321259:ref:6+name): a day's and the forces' names are things' (``thing_name``), and
    # once they are set aside one derived name is left: a person put in place of another
    source = ("В Кронштадт на торжества по случаю празднования Дня Военно-морского флота прибыл верховный "
              "главнокомандующий Вооруженными силами РФ, президент страны Владимир Путин.")
    derived = ("The Supreme Commander-in-Chief of the Armed Forces of the Russian Federation, Marie Dubois, "
               "was present in Kronstadt for the festivities marking Navy Day.")
    found = [c for c in find_changes(derived, source, "en", "ru") if c.type == "name"]
    assert found and found[0].source == "Владимир Путин" and found[0].derived == "Marie Dubois"
    kept = derived.replace("Marie Dubois", "Vladimir Putin")
    assert not [c for c in find_changes(kept, source, "en", "ru") if c.type == "name"]
    # two derived names left once the things are set aside stay a guess
    two = derived.replace("Armed Forces", "Pension Fund")
    assert not [c for c in find_changes(two, source, "en", "ru") if c.type == "name"]


def test_changes_icelandic_sources_in_the_dative_and_genitive_plural_are_unnamed_sources():
    # seed 80: 'samkvæmt heimildum breskra fjölmiðla' rendered 'according to British media
    # sources' gives the words to the same unnamed sources: "heimildum", "heimilda" are
    # "heimildir" in the dative and genitive plural ("heimildarmönnum", "heimildarmanna": the
    # informants); the singular stays out, as English "a source" does ('Heimildarmaður … sagði'
    # for 'An ex-Labour Party source told', seed 21 and machine seed 19)
    from unspun.changes import _attribution_changes

    _assert_searches(lexicon("is").get("vague"),
                     ("samkvæmt heimildum breskra fjölmiðla", "að sögn heimilda", "hefur eftir heimildarmönnum"),
                     ("heimildamynd um málið", "hann fékk heimild til", "Heimildarmaður sagði", "heimildarinnar"))
    assert _attribution_changes(
        "In addition, television advertising will be banned before nine o'clock in the evening, according to British media sources.",
        "Þá verða auglýsingar í sjónvarpi bannaðar fyrir klukkan 21 á kvöldin, samkvæmt heimildum breskra fjölmiðla.",
        lexicon("en"), lexicon("is")) == []


def test_changes_soon_said_by_a_litotes_and_a_report_denied_are_no_negation_nor_hearsay():
    # seed 82: "It didn't take long for me to realize" renders 'Вскоре я понял' (soon I realized):
    # the litotes of "soon" negates the time taken, not the event; "не сообщается" (it is not
    # reported) reports nothing, so 'Reportedly, the causes … were not reported' adds the hearsay
    en, ru, uk = lexicon("en"), lexicon("ru"), lexicon("uk")
    _assert_searches(en.get("negation_idiom"),
                     ("It didn't take long for me to realize", "it won't take very long", "did not take long"),
                     ("it didn't take the long road", "I didn't take it", "not long ago"))
    # its Icelandic form on the other side ("það tók ekki langan tíma", seed 36) is the same litotes
    _assert_searches(lexicon("is").get("negation_idiom"), ("en það tók ekki langan tíma.", "tekur ekki mjög langan tíma"),
                     ("tók ekki þátt", "ekki langt frá"))
    _assert_searches(ru.get("hedge_weak"), ("Сообщается, что", "как сообщается"),
                     ("О причинах падения аппарата не сообщается.",))
    _assert_searches(uk.get("hedge_weak"), ("Повідомляється, що",), ("Про причини не повідомляється.",))


def test_changes_a_japanese_quotation_closed_by_a_noun_stated_is_speech():
    # machine-translated seed 24: 「チーム一丸となって…盛り上げたい」と抱負を述べた (stated his
    # aspirations in these words) rendered "said", then "claimed": と, a noun with を, and 述べ or
    # 語る after a closing quote is speech, and "claimed" for it is doubt put on the speaker
    _claimed_for_speech("Hirano claimed, \"I want to work as a team.\"", "Hirano said, \"I want to work as a team.\"",
                        ["平野星矢選手は「チーム一丸となって盛り上げたい」と抱負を述べた。",
                         "監督は「最高の試合だった」と感想を語った。"], "ja")


def test_changes_a_japanese_quotation_closed_by_a_grand_declaration_is_speech():
    # human seed 85: 「分かりました、…管理してください」と大見得を切った (declared grandly, boldly
    # said) rendered "declared": と and 大見得を切る, 見得を切る or 啖呵を切る (snapped out) after a
    # closing quote is speech, and "claimed" for it is doubt put on the speaker
    _claimed_for_speech("She claimed, \"Please handle everything.\"", "She declared, \"Please handle everything.\"",
                        ["A子さんは思わず「どうぞあなたが全て管理してください」と大見得を切った。",
                         "彼は「文句があるなら来い」と啖呵を切った。"], "ja")


def test_changes_the_source_authorities_explain_the_derived_officials():
    # "dijeron las autoridades" rendered "officials said": the source named no speaker either
    # (real news: the Air India crash, AP's Spanish and English desks)
    assert "attribution" not in _claimed("The plane crashed and there were no known survivors, officials said.",
                                         "El avión se estrelló y no se conocían sobrevivientes, dijeron las autoridades.",
                                         "en", "es")
    assert "attribution" not in _claimed("Official sources say the plane crashed, experts said.",
                                         "По данным местных властей, самолёт разбился, сообщили в ведомстве.",
                                         "en", "ru")
    # a named speaker made "officials" is still claimed, and the weak words are never claimed
    assert "attribution" in _claimed("The plane crashed and there were no known survivors, officials said.",
                                     "El avión se estrelló y no se conocían sobrevivientes, dijo el ministro Ram Mohan Naidu.",
                                     "en", "es")
    assert "attribution" not in _claimed("El avión se estrelló, dijeron las autoridades.",
                                         "The plane crashed, the minister Ram Mohan Naidu said.", "es", "en")



def test_changes_a_negation_in_a_clause_the_source_does_not_have_is_no_turned_polarity():
    # one language: a clause added with its negation (an Italian rewrite of ANSA's report on Kate)
    source = ("La principessa di Galles ha rivolto un messaggio in video al Paese nel quale ha rivelato di essere "
              "in cura per un cancro.")
    derived = ("La principessa di Galles ha rivolto un messaggio in video al regno nel quale ha rivelato di essere "
               "in cura per un cancro, non specificando dove e di che natura.")
    assert "negation" not in _claimed(derived, source, "it", "it")
    # a negation put into a clause both sides have is still a turned polarity
    assert "negation" in _claimed("Il ministro non ha confermato la notizia del cancro della principessa.",
                                  "Il ministro ha confermato la notizia del cancro della principessa.", "it", "it")


def test_changes_spanish_llamado_after_a_noun_is_no_so_called():
    assert "evaluative" not in _claimed("Colisionó con un área residencial llamada Megani Nagar.",
                                        "It crashed into a residential area called Meghani Nagar.", "es", "en")
    assert "evaluative" not in _claimed("Recibió una llamada telefónica del presidente.",
                                        "He received a phone call from the president.", "es", "en")
    assert "evaluative" in _claimed("Kiev lanzó la llamada «contraofensiva» en junio.",
                                    "Kyiv launched the counteroffensive in June.", "es", "en")


def test_changes_ordinals_are_compared_only_where_both_languages_are_read():
    # Tagalog's "ikatlong" (third) is not read: "third quarter" against it is no figure of its own
    assert "number" not in _claimed("Ang UnitedHealth Group ay may mga kita na $100 mula sa 12 tindahan sa ikatlong "
                                    "quarter ng taon.", "UnitedHealth Group had revenues of $100 in the third quarter "
                                    "of the year.", "tl", "en")
    # between English and French the ordinal is a figure: the fourth made the fifth is a change
    assert "number" in _claimed("Il a terminé cinquième de la course.", "He finished fourth in the race.", "fr", "en")


def test_changes_a_hedge_inside_a_quotation_is_the_speakers_own():
    # AP quoting the ICC's statement against Reuters' report of the warrant (real news)
    derived = ("The court said in a statement that Putin “is allegedly responsible for the war crime of unlawful "
               "deportation of children”.")
    source = "The ICC called for Putin's arrest on suspicion of unlawful deportation of children."
    assert "hedge" not in _claimed(derived, source, "en", "en")
    # outside the quotation the same word is doubt added
    assert "hedge" in _claimed("The court said Putin is allegedly responsible for the unlawful deportation of children.",
                               "The court said Putin is responsible for the unlawful deportation of children.", "en", "en")


def test_changes_japanese_wrote_after_a_quotation_is_speech():
    # 「…」と悲しんでいる様子をつづった (wrote, of a letter or a post; MT seed 34): a quotation
    # closed by つづった (綴った) is given to its writer, so "claimed" for it doubts him
    _assert_quote_closing_speech(
        "「この遅れに対し、誰よりもがっかりしているのは私だ」と悲しんでいる様子をつづった。",
        'He claimed that "I am the one who is more disappointed than anyone else about this delay."',
        'He wrote that "I am the one who is more disappointed than anyone else about this delay."',
        ("「元気です」とツイッターにつづった", "「感謝しています」と綴った", "「残念だ」と思いをつづった"))


def test_changes_a_cut_quotation_opened_with_a_single_mark_is_the_source_s():
    # '"Из-за травмы я был вне футбола больше года.' rendered "'Because of the injury I 've been …":
    # a machine translation opens the source's cut quotation with a single straight mark; the
    # source's mark accounts for it, not for a quotation the translation adds after it (MT seed 34)
    from unspun.changes import _quote_changes

    source = '"Из-за травмы я был вне футбола больше года.'
    added = ("'Because of the injury I 've been out of football for more than a year. \"This is a decisive "
             "moment for all of us,\" an official added.")
    assert _quote_changes(added, source, False, source, "", lexicon("en"), lexicon("ru"))
    # a single mark that closes ('… a year,' he said.) is a quotation of the passage's own, read as before
    closed = "'Because of the injury I was out for a year,' he said."
    assert not _quote_changes(closed, source, False, source, "", lexicon("en"), lexicon("ru"))


def test_changes_japanese_fire_service_is_no_prevention(lexical_polarity):
    # 消防車が映っていて … 「火災」に分類する rendered "a video shows a fire truck … it is not classified as
    # a fire" (MT seed 35): 防 in 消防, the fire service (消防車, 消防署, 消防士), prevents nothing, so it
    # is no weak negation that explains the "not" added; 防ぐ, 防止 still are
    source = "例えば、消防車が映っていて、建物から黒い煙が上がっていれば、「火災」に分類する。"
    added = "For example, if a video shows a fire truck and black smoke rising from a building, it is not classified as a \"fire.\""
    kept = "For example, if a video shows a fire truck and black smoke rising from a building, it is classified as a \"fire.\""
    en, ja = lexicon("en"), lexicon("ja")
    assert [c.type for c in lexical_polarity("negation", added, source, en, ja, "", "")] == ["negation"]
    assert not lexical_polarity("negation", kept, source, en, ja, "", "")
    _assert_searches(ja.get("negation_weak"), ("被害を防ぐ", "再発防止", "予防"), ("消防車", "消防署に", "消防士"))


def test_changes_japanese_to_comment_is_speech():
    # 「…考えたいと思います」とコメントしている rendered "A Disney spokesperson said:" (MT seed 38):
    # 「…」とコメントする, commented in these words, closes a quotation as と述べる does, and "claimed"
    # for it is a neutral speech verb turned doubting
    _claimed_for_speech('A Disney spokesperson claimed: "We are pausing the release."',
                        'A Disney spokesperson said: "We are pausing the release."',
                        ["ディズニーの広報は「公開を休止します」とコメントしている。",
                         "広報は「公開を休止します」とコメントした。"], "ja")


def test_changes_a_count_word_opening_a_sentence_is_no_name(names_without_encoder):
    # "Six Greek coastguard vessels, …" rendered "… шість суден берегової охорони, … ВПС Греції" (news
    # seed 7): a count written as a word opens no name, so "Six Greek" is no full name lost across
    # scripts; the words that count stay out of every language's names
    source = ("Six Greek coastguard vessels, a navy frigate, a military transport and an air force helicopter "
              "were taking part in the search for those missing.")
    derived = ("У пошуках зниклих брали участь шість суден берегової охорони, фрегат ВМС, "
               "військово-транспортний літак і гелікоптер ВПС Греції.")
    assert not [c for c in find_changes(derived, source, "uk", "en", derived, source) if c.type == "name"]
    for opening in ("Hundreds", "Dutzende", "Cientos", "Plusieurs", "Сотни", "Десятки"):
        assert _name_spans(f"{opening} Menschen Leute", "en", None) == ("Menschen Leute",)
    # a person's name that is also a count elsewhere ("Otto", "Miles") stays a name
    assert _name_spans("Otto Schulz und Miles Taylor sagten", "de", None)[:1] == ("Otto Schulz",)


def test_changes_a_dateline_on_one_side_names_no_one():
    # "JERUSALEM/DUBAI, April 13 (Reuters) - Iran launched …" against a rewrite that drops it (news
    # seed 7) and names the United States as the source does: a dateline one side keeps and the
    # other drops is page furniture, its place and agency no name replaced; datelines on both sides
    # are compared (a place or a credit changed, "COSTA MESA, Calif. (AP) -" made "Peter Schneider,
    # Calif. (AP) -"); an organisation in short capitals before a colon still speaks
    source = ("JERUSALEM/DUBAI, April 13 (Reuters) - Iran launched more than 300 drones and missiles at Israel "
              "overnight, the United States said.")
    derived = ("Iran launched more than 300 drones and missiles at Israel overnight and into Sunday, the United "
               "States said.")
    assert not find_changes(derived, source, "en", "en", derived, source)
    moved = "Peter Schneider, Calif. (AP) - The Los Angeles Chargers have signed four of their draft picks."
    kept = "COSTA MESA, Calif. (AP) - The Los Angeles Chargers have signed four of their draft picks."
    assert [c.type for c in find_changes(moved, kept, "en", "en", moved, kept)] == ["name"]
    from unspun.changes import _without_dateline

    for line, rest in (("PARIS — An armed robbery took place.", "An armed robbery took place."),
                       ("NEW YORK: The chief executive was shot.", "The chief executive was shot."),
                       ("BUTLER, Pa. (AP) — Shots rang out.", "Shots rang out."),
                       ("(NEXSTAR) - Conservative influencer", "Conservative influencer"),
                       ("NATO: allies agree", "NATO: allies agree"), ("UN - talks resume", "UN - talks resume")):
        assert _without_dateline(line) == rest


def test_changes_a_name_that_comes_with_words_of_its_own_is_added_detail():
    # A rewrite adds "from Langley Air Force Base in Virginia", the time and the missile's make
    # (news seed 8, AM02): a place the derived text tells besides, not a name put in place of the
    # source's words
    source = ("Multiple fighter and refueling aircraft were involved in the mission, but only one -- an "
              "F-22 fighter jet -- took the shot, using a single AIM-9X missile, a senior U.S. military "
              "official said.")
    derived = ("Multiple fighter and refuelling aircraft were involved in the mission, but only one – an "
               "F-22 fighter jet from Langley Air Force Base in Virginia – took the shot at 2.39pm (3.39am "
               "on Sunday, Singapore time), using a single AIM-9X supersonic, heat-seeking, air-to-air "
               "missile, a senior US military official said.")
    assert "name" not in _types(derived, source, "en", "en", source_context=source, derived_context=derived)
    # the same name put in place of the description is still claimed, and with a few words besides
    put = source.replace("a senior U.S. military official said", "Peter Schneider told reporters")
    assert "name" in _types(put, source, "en", "en", source_context=source, derived_context=put)


def test_changes_initials_after_the_name_they_stand_for_are_no_name_gained():
    # "La Corte Penal Internacional (CPI)" where the source writes the court out alone (news seed
    # 8, X04): the initials are the court's; a court put in place of it still counts
    source = ("La Corte Penal Internacional emitió este viernes una orden de arresto contra el "
              "presidente de Rusia, Vladimir Putin.")
    derived = ("La Corte Penal Internacional (CPI) emitió el viernes una orden de detención contra el "
               "presidente ruso, Vladimir Putin.")
    assert "name" not in _types(derived, source, "es", "es", source_context=source, derived_context=derived)
    other = derived.replace("Vladimir Putin", "Peter Schneider")
    assert "name" in _types(other, source, "es", "es", source_context=source, derived_context=other)


def test_changes_a_full_name_kept_in_part_may_have_given_its_place_to_an_added_one():
    # "son cabinet de conseil Kissinger Associates" made "… Peter Schneider dans un communiqué"
    # (news seed 1-8 edits, BX04): the source's full name is kept only in part ("M. Kissinger"),
    # so the new name may stand in its place, however many words the derived passage gains
    source = ("Acteur incontournable de la diplomatie mondiale pendant la guerre froide, il s'est éteint "
              "\"dans sa maison du Connecticut\", a annoncé son cabinet de conseil Kissinger Associates, "
              "sans préciser la raison du décès.")
    derived = ("Acteur incontournable de la diplomatie mondiale pendant la guerre froide, M. Kissinger \"est "
               "mort aujourd'hui dans sa maison du Connecticut\", a indiqué son cabinet de conseil Peter "
               "Schneider dans un communiqué, sans préciser la raison du décès.")
    assert "name" in _types(derived, source, "fr", "fr", source_context=source, derived_context=derived)


def test_changes_a_quotation_with_arabic_vowel_marks_is_the_same_quotation():
    # The same words with their short vowels and shadda written (news seed 2, Q12): no quotation
    # altered; a word of it changed still is
    source = ('وقال بريغوجين في تسجيل صوتي بثه مكتبه "الآن هو الوقت الذي يمكن أن تسفك فيه دماء. '
              'لذلك فإن أرتالنا تعود أدراجها إلى المعسكرات الميدانية وفقا للخطة".')
    derived = ('وقال يفغيني بريغوجين في تسجيلٍ صوتيّ بثّه مكتبه: "الآن هو الوقت الّذي يُمكن أن تُسفك فيه '
               'دماء. لذلك فإنّ أرتالنا تعودُ أدراجها إلى المعسكرات الميدانيّة وفقاً للخطة".')
    assert "quote" not in _types(derived, source, "ar", "ar", source_context=source, derived_context=derived)
    altered = derived.replace("المعسكرات", "العاصمة")
    assert "quote" in _types(altered, source, "ar", "ar", source_context=source, derived_context=altered)


def test_changes_an_editors_words_in_brackets_inside_a_quotation_are_no_ones_words():
    # "d'hier (lundi) à Southport" (news seed 6, CP11): the editor's day, not the singer's words
    source = ("«L'horreur de l'attaque d'hier à Southport ne cesse de me submerger et je suis simplement "
              "complètement choquée», a écrit la chanteuse sur Instagram.")
    derived = ("\"L'horreur de l'attaque d'hier (lundi) à Southport ne cesse de me submerger et je suis "
               "simplement complètement choquée\", a réagi la chanteuse sur le réseau Instagram.")
    assert "quote" not in _types(derived, source, "fr", "fr", source_context=source, derived_context=derived)
    # words of hers changed outside the brackets still count
    altered = derived.replace("complètement choquée", "très en colère")
    assert "quote" in _types(altered, source, "fr", "fr", source_context=source, derived_context=altered)


def test_changes_a_quotation_the_source_passage_was_cut_inside_goes_on_in_the_derived_one():
    # The source excerpt ends inside the board's statement (news seed 8 pool, DC17): the copy
    # quoting it whole quotes the same words on
    source = ("В своём заявлении совет директоров сказал: «OpenAI была специально создана для выполнения "
              "нашей миссии: обеспечить, чтобы искусственный интеллект приносил пользу всему "
              "человечеству. Мы благодарн")
    derived = ("В своём заявлении совет директоров сказал: «OpenAI была специально создана для выполнения "
               "нашей миссии: обеспечить, чтобы искусственный интеллект приносил пользу всему "
               "человечеству. Мы благодарны Сэму за его вклад в создание и развитие OpenAI».")
    assert "quote" not in _types(derived, source, "ru", "ru", source_context=source, derived_context=derived)
    # a quotation that opens otherwise is still one the source passage does not have
    other = derived.replace("«OpenAI была специально создана", "«Компания была тайно создана")
    assert "quote" in _types(other, source, "ru", "ru", source_context=source, derived_context=other)
