"""Anchor stage: needs ``sentences``; adds language-independent anchors to each sentence.

Anchors are what survives translation: numbers (normalised so "111 000", "111,000", "111.000"
and "111 thousand" meet), proper names (transliterated to Latin so "Каллас" meets "Kallas") and
quotations. They propose candidate pairs cheaply and they are the facts we check when we call
an aligned sentence ``altered``.
"""
from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from ..article import Anchor, Article, Sentence

# Scripts written without spaces between words (Thai, Japanese kana, CJK ideographs, Hangul): a
# figure there stands against the words before and after it ("死者は3人", "約30キロ", "5回", "5명"),
# which makes it no part of a longer word.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
# Scale words of languages the first list lacked (Portuguese, Italian, Dutch, Indonesian and Malay,
# Tagalog, Turkish, Arabic, Greek, Bulgarian, Macedonian and Serbian): "1,8 milhões", "100 مليون",
# "2 miljard". Only the change detector and the anchors read them; the labelled set's recipes keep
# the first list (``spaced_number_spans``), so that the set does not move with the detector.
_MORE_SCALES = (
    r"milhões|milhão|bilhões|bilhão|miljoen\w*|miljard\w*|juta|miliar|milyon\w*|milyar\w*|bilyon|"
    r"مليون|ملايين|مليار|مليارات|ألف|آلاف|"
    r"εκατομμύρι\w*|εκατ\.|δισεκατομμύρι\w*|δισ\.|χιλιάδες|"
    r"милион\w*|милијард\w*|милиард\w*|хиляди|хиляда|илјади|хиљад\w*|"
    r"mila|duizend|ribu|libo|"
)
# A number as written in news: digits with thousands groups (space, nbsp, thin space, comma, dot,
# apostrophe), an optional decimal part (Japanese newspapers write its point "・": "１８２・４４ドル"),
# never a part of a longer number or word ("1" of "1,400", 4 of "G4"; a figure against a word of
# an unspaced script is read), and a unit or multiplier that is a whole word ("4000 military" is
# not 4000 "mil"; "７割" is seven tenths).
def _number_pattern(unspaced: bool) -> re.Pattern:
    """``_NUMBER``; without ``unspaced``, the reading of spaced scripts alone (a figure against any
    letter is none) with the first list of scale words, which the labelled set's recipes keep
    (``spaced_number_spans``)."""
    edge, ahead, point = (rf"(?:(?<![\w.,])|(?<=[{_UNSPACED}]))", rf"(?![{_UNSPACED}])", "[.,・]") if unspaced \
        else (r"(?<![\w.,])", "", "[.,]")
    return re.compile(
        rf"{edge}(\d{{1,3}}(?:[ \u00a0\u202f\u2009,.'’]\d{{3}})+|\d+)(?:({point})(\d+))?(?!{ahead}\w)(?![.,]\d)"
        r"(?:\s*(%|‰|percent|per cent|pour cent|prozent|por ciento|per cento|prósent\w*|процент\w*|"
        + (_MORE_SCALES if unspaced else "") +
        r"million\w*|millón|millones|milion\w*|milió\w*|milljón\w*|mln|mio\.?|millionen|миллион\w*|мільйон\w*|млн\.?|"
        r"billion\w*|milliard\w*|miliard\w*|milljarð\w*|mrd\.?|млрд\.?|мільярд\w*|mil millones|"
        r"thousand|mille|tausend|þúsund\w*|mil|тысяч\w*|тисяч\w*|тыс\.?|тис\.?|lakh|crore|万|億|千"
        rf"{'|割' if unspaced else ''})(?!{ahead}[^\W\d_]))?",
        re.IGNORECASE,
    )


_NUMBER = _number_pattern(unspaced=True)
_NUMBER_SPACED = _number_pattern(unspaced=False)
# Text in a script of the Far East written without spaces (kana, CJK ideographs, Hangul): the
# change detector and the labelled set ask whether a text holds any.
UNSPACED_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_MULTIPLIERS = (
    (("thousand", "mille", "tausend", "þúsund", "mil", "тысяч", "тисяч", "тыс", "тис", "千",
      "mila", "duizend", "ribu", "libo", "ألف", "آلاف", "χιλιάδες", "хиляд", "илјад", "хиљад"), 1_000),
    (("万",), 10_000),
    (("lakh",), 100_000),
    (("crore",), 10_000_000),
    (("million", "millón", "millones", "milion", "milió", "milljón", "mln", "mio", "миллион", "мільйон", "млн",
      "milhões", "milhão", "miljoen", "juta", "milyon", "مليون", "ملايين", "εκατ", "милион"), 1_000_000),
    (("億",), 100_000_000),
    (("billion", "milliard", "miliard", "milljarð", "mrd", "млрд", "мільярд", "mil millones",
      "bilhões", "bilhão", "miljard", "miliar", "milyar", "bilyon", "مليار", "مليارات", "δισ", "милијард",
      "милиард"), 1_000_000_000),
)
# Longest first, so "millions" is not read as "mil" (thousand).
_MULTIPLIER_WORDS = sorted(((w, f) for ws, f in _MULTIPLIERS for w in ws), key=lambda wf: -len(wf[0]))
_PERCENT = ("%", "percent", "per cent", "pour cent", "prozent", "por ciento", "per cento", "prósent", "процент")

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_QUOTE = re.compile(r"«\s*([^»]{12,}?)\s*»|“([^”]{12,}?)”|„([^“”]{12,}?)[“”]|\"([^\"]{12,}?)\"|「([^」]{6,}?)」")
# Capitalised words that are not names in most news text; sentence-initial words are skipped too.
_NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "but", "and", "he", "she", "it", "they", "we", "i", "this", "that",
    "le", "la", "les", "un", "une", "des", "il", "elle", "ils", "elles", "je", "nous", "en", "au", "aux",
    "der", "die", "das", "ein", "eine", "er", "sie", "es", "wir", "ich", "el", "los", "las", "una", "lo",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
}
NAME_PREFIX = 5  # transliterated names are compared on their first letters: case endings differ


def _normalise_number(whole: str, sep: str | None, frac: str | None, unit: str | None) -> str:
    digits = re.sub(r"[^\d]", "", whole)
    grouped = digits != whole  # "111,000" style: the separators were thousands groups
    if sep in (",", ".") and frac is not None and len(frac) == 3 and not grouped and unit is None and len(digits) <= 3:
        # "111.000" or "111,000": one separator followed by exactly three digits is a thousands group
        digits, frac = digits + frac, None
    value = float(digits + ("." + frac if frac else "")) if digits else 0.0
    u = (unit or "").lower().rstrip(".")
    for word, factor in _MULTIPLIER_WORDS:
        if u.startswith(word):
            value *= factor
            break
    if u == "割":
        value, u = value * 10, "%"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if any(u.startswith(p) for p in _PERCENT):
        text += "%"
    return text


def number_spans(text: str) -> list[tuple[str, str, int, int]]:
    """Numbers of a text as ``(as written, normalised, start, end)``, in order. Offsets are in the
    NFKC form of ``text``, which keeps the offsets of news text (full-width digits aside)."""
    return figures(unicodedata.normalize("NFKC", text))


_DOTTED = re.compile(r"・\d|\d・\Z")
# The larger scale of a figure written in parts ("1万2000人" is 12,000, "1億2000万" 120,000,000).
_PARTS = {"万": 10_000, "億": 100_000_000}


def spaced_number_spans(text: str) -> list[tuple[str, str, int, int]]:
    """``number_spans`` as the anchors read them before figures against the words of unspaced
    scripts were read (no parts, no Japanese points): the labelled set's recipes (``evalsets/changes.py``)
    keep this reading, so that the set does not move with the detector."""
    text = unicodedata.normalize("NFKC", text)
    return [(m.group(0), _normalise_number(m.group(1), m.group(2), m.group(3), m.group(4)), m.start(), m.end())
            for m in _NUMBER_SPACED.finditer(text)]


def figures(text: str) -> list[tuple[str, str, int, int]]:
    """``number_spans`` of a text as it is (not normalised): a figure written in parts by the
    scale words of Japanese and Chinese is one figure."""
    out = []
    for m in _NUMBER.finditer(text):
        if m.group(2) == "・" and (_DOTTED.match(text, m.end()) or _DOTTED.search(text, max(0, m.start() - 2), m.start())):
            # figures in a chain of points are a list or a telephone number ("０９０・８８５９・５９２８"), each its own
            out += [(part.group(0), part.group(0).lstrip("0") or "0", m.start() + part.start(), m.start() + part.end())
                    for part in re.finditer(r"\d+", m.group(0))]
            continue
        if (m.group(2) is None and m.group(1).isdigit() and m.start() and text[m.start() - 1] == "・"
                and not (m.start() > 1 and text[m.start() - 2].isdigit())):
            # a point "・" straight before digits and not after a digit is Japanese's leading decimal
            # point ("打率・２５２" is a batting average of 0.252, "・３００")
            out.append(("・" + m.group(0), _normalise_number("0", "・", m.group(1), m.group(4)), m.start() - 1, m.end()))
            continue
        out.append((m.group(0), _normalise_number(m.group(1), m.group(2), m.group(3), m.group(4)), m.start(), m.end()))
    k = 1
    while k < len(out):
        (raw, value, start, end), (raw_b, value_b, start_b, end_b) = out[k - 1], out[k]
        scale = _PARTS.get(raw[-1:])
        if scale and start_b == end and float(value_b) < scale:
            total = float(value) + float(value_b)
            out[k - 1:k + 1] = [(raw + raw_b, f"{total:.6f}".rstrip("0").rstrip("."), start, end_b)]
        else:
            k += 1
    return out


def numbers(text: str) -> list[str]:
    """Normalised numbers of a text, in order ("3,5 %" -> "3.5%", "111 000" -> "111000")."""
    return [value for _, value, _, _ in number_spans(text)]


def transliterate(word: str) -> str:
    """Latin, lower-case, letters only: "Каллас" -> "kallas"."""
    return re.sub(r"[^a-z]", "", anyascii(word).lower())


def names(text: str, lang: str | None) -> list[str]:
    """Transliterated name keys (first letters) of capitalised words that do not open the sentence."""
    if lang in {"ja", "zh", "ko", "th", "ar", "fa", "he", "hi"}:
        # No letter case to tell names by; numbers and quotations carry these languages.
        return []
    found = []
    for i, m in enumerate(_WORD.finditer(text)):
        word = m.group(0)
        if i == 0 or not word[0].isupper() or len(word) < 3:
            continue
        if word.lower() in _NOT_NAMES or (word.isupper() and len(word) > 6):
            continue
        key = transliterate(word)[:NAME_PREFIX]
        if len(key) >= 3:
            found.append(key)
    return found


def quotations(text: str) -> list[str]:
    """Quoted passages, normalised to lower-case single-spaced text."""
    out = []
    for m in _QUOTE.finditer(text):
        body = next(g for g in m.groups() if g)
        out.append(" ".join(body.lower().split())[:200])
    return out


def sentence_anchors(sentence: Sentence, lang: str | None) -> list[Anchor]:
    anchors = [Anchor("number", n) for n in numbers(sentence.text)]
    anchors += [Anchor("name", n) for n in names(sentence.text, lang)]
    anchors += [Anchor("quote", q) for q in quotations(sentence.text)]
    return anchors


def add_anchors(article: Article) -> Article:
    """Fill ``anchors`` on every sentence of the article."""
    for sentence in article.sentences:
        sentence.anchors = sentence_anchors(sentence, article.lang)
    return article
