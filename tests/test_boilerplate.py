"""Page furniture (cookie banners, sign-in forms) is recognised and does not make a link."""
import pytest

from unspun.article import Article
from unspun.link import compare
from unspun.pipeline import process
from unspun.settings import Settings
from unspun.text.boilerplate import is_boilerplate


def _compared(a: Article, b: Article):
    """The two articles processed and compared, with the default settings."""
    settings = Settings()
    for art in (a, b):
        process(art, settings)
    return compare(a, b, settings)


@pytest.mark.parametrize("lang,text", [
    ("de", "Für detaillierte Datenverarbeitungsinformationen, siehe Datenschutzerklärung."),
    ("de", "Durch die weitere Nutzung unserer Website erklären Sie sich mit dem Einsatz von Cookies einverstanden."),
    ("de", "* *Pflichtfelder"),
    ("en", "We use cookies to ensure that we give you the best experience on our website."),
    ("en", "Sign up to our newsletter to get other stories like this delivered straight to your inbox"),
    ("en", "All Rights Reserved."),
    ("en", "Please enable Javascript to watch this video"),
    ("fr", "En poursuivant votre navigation, vous acceptez l'utilisation de cookies sur ce site."),
    ("es", "Consulta nuestra política de privacidad."),
    ("pl", "Strona korzysta z plików cookies."),
    ("ru", "Сайт использует файлы cookie."),
    ("xx", "Source: https://example.com/story"),
    # captions, credits, bylines, datelines, timestamps, counters, share and navigation lines
    ("en", "FILE PHOTO: A view shows the building in the city centre, June 24, 2021. REUTERS/Stringer/File Photo"),
    ("en", "© Sergei Supinsky / AFP via Getty Images"),
    ("en", "GNA/Credit: BBC"),
    ("en", "By AFP"),
    ("en", "(AP)"),
    ("en", "Updated June 6, 2023 at 4:57 AM ET"),
    ("en", "Views: 12,874"),
    ("en", "Share on Facebook Share on Twitter"),
    ("en", "Latest Stories"),
    ("en", "MOSCOW, February 7."),
    ("de", "Foto: APA/HANS KLAUS TECHT"),
    ("de", "dpa/okr"),
    ("pt", "(Reportagem da Reuters)"),
    ("ru", "БАКУ, 7 фев — Sputnik."),
    ("ru", "Фото ТАСС."),
    ("es", "AGENCIA EFE"),
    ("ja", "写真：ロイター"),
    ("xx", "https://www.example-news.com/world/2021/06/24/story-123456/"),
    ("fr", "."),
    ("en", " — "),
    # navigation to the neighbouring article, sources given as a bare domain, widgets (real pages)
    ("ar", "السابق عاجل .."),
    ("ar", "التالي عاجل .. الرئيس البيلاروسي يقول إن بريغوجين وافق"),
    ("en", "Previous Post"),
    ("fr", "Article suivant"),
    ("ru", "Источник: belta.by"),
    ("fr", "Source photo : onff.ru"),
    ("en", "Source: www.breitbart.com"),
    ("ru", "Читать на сайте Ria.ru"),
    ("fr", "Suivez-nous au Telegramm"),
    ("fr", "Commentaires Facebook"),
    ("ru", "Сейчас смотрят"),
    ("en", "This audio is created with AI assistance"),
    # stage directions of a transcript
    ("en", "(Applause)"),
    ("ru", "(Аплодисменты)"),
    ("de", "(Gelächter)"),
    ("en", "[Music]"),
    # a feed's tracking id standing alone
    ("ar", "MENAFN1303202000890000ID1099846289"),
    # a follow line listing networks (semeval22: two El País opinion pieces shared only this one)
    ("es", "@jfalbertos Puedes seguir EL PAÍS Opinión en Facebook, Twitter o suscribirte aquí a la Newsletter"),
    ("en", "Follow BBC Yorkshire on Facebook, Twitter and Instagram."),
    ("en", "Like the South Coast Herald’s Facebook page, follow us on Twitter and Instagram"),
])
def test_furniture_is_boilerplate(lang, text):
    assert is_boilerplate(text, lang)


@pytest.mark.parametrize("lang,text", [
    ("en", "Tens of Icelanders were involved in making the advertisements for the campaign."),
    ("en", "The regulator fined the company for setting tracking cookies without consent, the ruling says."[:40]),
    ("de", "Dies wurde im Newsletter auf der Website des Verteidigungsministeriums mitgeteilt."),
    ("fr", "Les quatre sociétés font aussi l'objet d'enquêtes sur la protection des données personnelles."),
    ("ja", "会員登録や入場料は不要で、個展を開きたいアーティストも費用がかからない。"),
    ("en", "Kallas said Estonia would raise defence spending to 3.2% of GDP in 2025."),
    ("en", "Photographers were kept away from the prison, the agency said on Friday."),
    ("en", "By Friday evening, hundreds of people had laid flowers at the memorial in Moscow."),
    ("fr", "Parfois même trop »."),
    ("en", "Also, seven people died."),
    ("en", "Reuters reported that the dam had been damaged by shelling overnight."),
    ("en", "Next, the minister said the dam had collapsed."),
    ("en", "Source: the ministry said 12 people had died."),
    ("es", "El artículo anterior de la ley dice otra cosa."),
    ("en", "Follow us on the road to recovery, he said, as the crowd cheered and the band played on."),
    ("en", "Musk said he would follow Twitter rules and Facebook policy on hate speech."),
    ("en", "He urged supporters to follow him on Telegram after Twitter suspended his account."),
    ("ar", "وقال الرئيس السابق إن المفاوضات ستستمر."),
    ("en", "(Laughter) We couldn't have been more wrong."),
    ("en", "Putin (right) met Xi in Beijing."),
    ("en", "COVID-19 spread."),
    ("de", "Am 3.10.2023 kam er."),
    ("ja", "2006年に導入された当初の利用者負担料金は2000円だった。"),
])
def test_article_text_is_not_boilerplate(lang, text):
    assert not is_boilerplate(text, lang)


def test_shared_cookie_banner_does_not_link(tmp_path):
    """Two pages of one site with different stories and the same consent banner: the banner is
    left out of coverage, so the pair is not a copy."""
    banner = (
        "Um die Funktion unserer Website zu verbessern, sammeln wir technische anonymisierte Informationen über Sie. "
        "Für detaillierte Datenverarbeitungsinformationen, siehe Datenschutzerklärung. "
        "Details zu den Technologien, die wir verwenden, finden Sie in den Regeln der Cookies-Nutzung. "
        "Indem Sie „Akzeptieren und schließen“ anklicken, stimmen Sie der Verarbeitung Ihrer Daten zu. "
        "Ihre Zustimmung können Sie widerrufen, wie in den Datenschutzrichtlinien beschrieben."
    )
    a = Article(id="a", text="Schweiz schränkt Export von Schutzausrüstung ein.\n\n" + banner, lang="de")
    b = Article(id="b", text="Indischer Rikscha-Fahrer kümmert sich um saubere Hände seiner Fahrgäste.\n\n" + banner, lang="de")
    result = _compared(a, b)
    assert not result.linked, result.features.as_dict()
    assert result.derived_coverage == 0.0 or result.source_coverage == 0.0


def test_a_stray_full_stop_on_both_sides_is_no_run():
    """A line holding only "." (where a scraper cut out an embed) in two unrelated articles: the
    two lines match perfectly, and before they were furniture they made a run of one sentence
    that linked a French article on Nord Stream to an English one on the Kakhovka dam (real
    clusters U15 and R06)."""
    a = Article(id="a", lang="fr", text=(
        "La Maison Blanche a démenti mercredi le rapport du journaliste Seymour Hersh.\n\n.\n\n"
        "Selon lui, des plongeurs de la marine américaine ont posé les explosifs en juin."))
    b = Article(id="b", lang="en", text=(
        "Ukraine accused Russia of blowing up the Kakhovka dam on Tuesday.\n\n.\n\n"
        "Thousands of people were evacuated from villages downstream."))
    c = _compared(a, b)
    assert c.evidence.run == 0, c.evidence
    dots = [r for r in c.alignment if r["derived"] and r["source"]
            and c.derived.sentences[r["derived"][0]].text.strip() == "."]
    assert not dots, dots


def test_the_closing_lines_of_two_talks_are_no_run():
    """Two unrelated talks in two languages both end "Thank you." and "(Applause)": before stage
    directions were furniture the two closings matched perfectly, a run of two in a long pair,
    and the link model with the run's mean score linked two TED talks of the constructed cases
    (one on a car for the blind, one on inequality)."""
    a = Article(id="a", lang="en", text=(
        "We are building a car that a blind person can drive.\n\nThe car uses lasers to map the road.\n\n"
        "A vibrating vest tells the driver where to steer.\n\nThank you very much.\n\n(Applause)"))
    b = Article(id="b", lang="ru", text=(
        "Неравенство разрушает общество изнутри.\n\nВ неравных странах люди живут меньше.\n\n"
        "Доверие между людьми падает вместе с ростом разрыва в доходах.\n\nСпасибо.\n\n(Аплодисменты)"))
    c = _compared(a, b)
    assert c.evidence.run <= 1, c.evidence
    assert not c.linked
