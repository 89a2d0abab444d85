"""A labelled set of changes inside aligned sentences, and its scorer (``unspun.changes``).

Items are pairs of aligned passages ``(source, derived)`` with the change types a careful reader
finds between them. Three parts, all built by code from committed material:

* **real pairs**: aligned segments of the WMT21 human translations (``wmt21-human``: de->fr,
  en->is, en->ja, is->en, ja->en, ru->en) as the translators wrote them, and same-language copies
  of real sentences of the SemEval-2022 news sample (es, ar, de, pl, tr) and of the WMT21 Russian
  sources. They differ only in legitimate translation choices (number formats, word order,
  synonyms, case endings, transliterated names), except where a reader found a real difference:
  those are listed in ``changes_real.json`` with their types (never edited to suit the detector);
* **Ukrainian pairs** (``changes_uk.jsonl``): news sentences in English and their Ukrainian
  translations, written for this set (no dev corpus has Ukrainian);
* **edits**: one change of one type applied to the derived side of a real pair, with the recipe of
  ``EDITS`` for its language (a number or a year changed, a name replaced, a quotation altered or
  invented, "said" turned into "claimed", a negation or a hedge added, a pronoun's gender flipped,
  a loaded word inserted). The edits' word lists are written here, apart from the detector's
  lexicon, and differ from it where a language has several ways to say a thing.

A separate sample, ``machine_translated(dev)``, draws aligned segments of the WMT21 *machine*
translations (``wmt21-mt``) the same way, with the same edits; its real differences were labelled
blind, before the detector saw them, in ``changes_real_mt.json``.

``build(dev)`` returns the items; ``score(items)`` runs the detector and reports precision and
recall per type and per language. ``docs/changes.md`` has the figures.
"""
from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

from ..changes import TYPES, find_changes
from ..text.anchors import UNSPACED_TEXT as _UNSPACED_TEXT
from ..text.anchors import number_spans as read_figures
from ..text.anchors import spaced_number_spans as number_spans
from .constructed import _read

HERE = Path(__file__).parent
REAL_DIFFERENCES = HERE / "changes_real.json"
REAL_DIFFERENCES_MT = HERE / "changes_real_mt.json"  # the machine-translated sample's, labelled blind
UKRAINIAN = HERE / "changes_uk.jsonl"

# --- the edits, per derived language ------------------------------------------------------------

# Replacement surnames, by script; one the texts do not have is taken.
SURNAMES = {
    "latin": ["Peter Schneider", "Marie Dubois", "Jan Kowalski", "Lars Andersen", "Elena Moreno", "Petra Novak"],
    "cyrillic-ru": ["Игорь Смирнов", "Олег Кузнецов", "Антон Волков"],
    "cyrillic-uk": ["Петро Шевченко", "Олена Бондаренко", "Іван Мельник"],
}
# "said" -> "claimed": (pattern, replacement) tried in order. Only speech: a declaration that is
# an act ("se déclare en faillite", "a déclaré l'état d'urgence", "erklärte sich bereit") or a verb of
# saying in another sense ("sagði af sér", resigned; "sagði upp", quit; "sagte … ab", cancelled)
# turned into "claimed" is no attribution (seed 24's "se prétend en faillite").
_FR_ACT = r"(?!\s+(?:l[ae]\s|l['’]|les\s|un\s|une\s|des\s|du\s|son\s|sa\s|ses\s|leur\s|leurs\s|forfait\b))"
_FR_INCISE = r"(?:(?<=[,»])|(?<=[,»]\s))"  # ", a déclaré le ministre": the subject after the verb
_DE_ACT = r"(?!\s+sich\b)(?![^.,;:!?\"“„»]*\s(?:ab|zu)[.,;:!?])"
_IS_ACT = r"(?!\s+(?:af\s+sér|upp|sig\s+úr)\b)"
CLAIM = {
    "en": [(r"\bsaid\b", "claimed"), (r"\bsays\b", "claims"), (r"\btold\b", "claimed to")],
    "fr": [(_FR_INCISE + r"\s?a (?:dit|déclaré|affirmé|indiqué)\b", " a prétendu"),
           (r"\ba (?:dit|déclaré|affirmé|indiqué)\b" + _FR_ACT, "a prétendu"),
           (_FR_INCISE + r"\s?ont (?:dit|déclaré|affirmé)\b", " ont prétendu"),
           (r"\bont (?:dit|déclaré|affirmé)\b" + _FR_ACT, "ont prétendu"),
           (r"(?<!\bse\s)(?<!\bme\s)(?<!\bnous\s)(?<!\bvous\s)\bdéclare\b" + _FR_ACT, "prétend")],
    "de": [(r"\bsagte\b" + _DE_ACT, "behauptete"), (r"\berklärte\b" + _DE_ACT, "behauptete"),
           (r"\bsagt\b" + _DE_ACT, "behauptet")],
    "ru": [(r"\bзаявил\b", "утверждал"), (r"\bсказал\b", "утверждал"), (r"\bзаявила\b", "утверждала"),
           (r"\bсообщил\b", "утверждал")],
    "uk": [(r"\bзаявив\b", "стверджував"), (r"\bсказав\b", "стверджував"), (r"\bзаявила\b", "стверджувала")],
    "es": [(r"\bdijo\b", "alegó"), (r"\bafirmó\b", "alegó"), (r"\bseñaló\b", "alegó")],
    "ar": [(r"(?<!\w)قال(?!\w)", "زعم"), (r"(?<!\w)قالت(?!\w)", "زعمت"), (r"(?<!\w)أكد(?!\w)", "ادعى")],
    "is": [(r"\bsagði\b" + _IS_ACT, "fullyrti"), (r"\bsegir\b" + _IS_ACT, "fullyrðir")],
    "ja": [(r"と述べた", "と主張した"), (r"と語った", "と主張した"), (r"と話した", "と主張した")],
}
# A negation added: (pattern, replacement); the first that applies.
NEGATE = {
    "en": [(r"\b(is|was|are|were|will|has|have|had|can|could|would|should)\b(?!\s+(?:only|not)\b)", r"\1 not")],
    # (not the "est" of "c'est": "c'n'est pas" is no French; "ce n'est pas" is; nor a verb that
    # already has its "ne": "ne peut … qu'avec" is "can only", and "ne ne peut pas" is no French)
    "fr": [(r"(?<![’'])\best\b", "n'est pas"), (r"(?<!\bne\s)\bsont\b", "ne sont pas"), (r"\bétait\b", "n'était pas"),
           (r"(?<!\bne\s)\bva\b", "ne va pas"), (r"(?<!\bne\s)\bpeut\b", "ne peut pas"), (r"\b([Cc])['’]est\b", r"\1e n'est pas")],
    "de": [(r"\b(ist|sind|war|waren|wird|werden|hat|haben|kann|können)\b", r"\1 nicht")],
    "ru": [(r"\b(будет|будут|был|была|были|является|может|могут|есть)\b", r"не \1")],
    "uk": [(r"\b(буде|будуть|був|була|були|є|може|можуть)\b", r"не \1")],
    "es": [(r"\b(es|son|era|fue|está|están|ha|han|puede|pueden|será)\b", r"no \1")],
    "ar": [(r"(?<!\w)كان(?!\w)", "لم يكن"), (r"(?<!\w)يمكن(?!\w)", "لا يمكن"), (r"(?<!\w)هناك(?!\w)", "ليس هناك"),
           (r"(?<!\w)سيتم(?!\w)", "لن يتم")],
    "is": [(r"\b(er|var|eru|voru|hefur|hafa|mun|getur)\b", r"\1 ekki")],
    # (the plain "した" -> "しなかった" of a noun + suru verb, 発表した; 話した is 話さなかった)
    "ja": [(r"しました。", "しませんでした。"), (r"(?<=[\u4e00-\u9fff\u30a0-\u30ff]{2})した。", "しなかった。"),
           (r"(?<=[\u4e00-\u9fff\u30a0-\u30ff]{2})する。", "しない。"), (r"である。", "ではない。"),
           (r"います。", "いません。"), (r"ます。", "ません。")],
}
# Doubt added in front of the sentence.
HEDGE = {
    "en": "Reportedly, ", "fr": "Selon certaines informations, ", "de": "Angeblich ", "ru": "Как сообщается, ",
    "uk": "Як повідомляється, ", "es": "Al parecer, ", "ar": "على ما يبدو، ", "is": "Sagt er að ",
    "ja": "伝えられるところによると、",
}
# A loaded word inserted: (pattern, replacement).
LOADED = {
    "en": [(r"\bgovernment\b", "regime"), (r"\bthe (?=[a-z])", "the so-called ")],
    "fr": [(r"\bgouvernement\b", "régime"), (r"\bla (?=[a-zé])", "la prétendue "), (r"\ble (?=[a-zé])", "le prétendu ")],
    "de": [(r"\bRegierung\b", "Regime"), (r"\bdie (?=[A-ZÄÖÜ])", "die sogenannte "), (r"\bder (?=[A-ZÄÖÜ])", "der sogenannte ")],
    "ru": [(r"\bправительств\w*", "режим"), (r"(?<=\s)(?=[а-я]{6,})", "так называемый ")],
    "uk": [(r"\bуряд\w*", "режим"), (r"(?<=\s)(?=[а-яіїєґ]{6,})", "так званий ")],
    "es": [(r"\bgobierno\b", "régimen"), (r"\bla (?=[a-zá-ú])", "la supuesta "), (r"\bel (?=[a-zá-ú])", "el supuesto ")],
    "ar": [(r"(?<!\w)الحكومة(?!\w)", "النظام"), (r"(?<=\s)(?=ال\w{3,})", "ما يسمى ")],
    "is": [(r"(?<=\s)(?=[a-záéíóúýþæö]{6,})", "svokallaða ")],
    "ja": [(r"^", "いわゆる")],
}
# Third-person pronouns of one gender and their counterpart.
FLIP = {
    "en": {"he": "she", "she": "he", "him": "her", "his": "her", "her": "his", "himself": "herself", "herself": "himself"},
    "fr": {"il": "elle", "elle": "il"},
    "ru": {"он": "она", "она": "он"},
    "uk": {"він": "вона", "вона": "він"},
    "es": {"él": "ella", "ella": "él"},
    "ar": {"هو": "هي", "هي": "هو"},
    "is": {"hann": "hún", "hún": "hann"},
    "ja": {"彼女": "彼", "彼": "彼女"},
}
# A quotation the source does not have, added at the end.
INVENTED_QUOTE = {
    "en": ' "This is a decisive moment for all of us," an official added.',
    "fr": " « C’est un moment décisif pour nous tous », a ajouté un responsable.",
    "de": " „Das ist ein entscheidender Moment für uns alle“, fügte ein Beamter hinzu.",
    "ru": " «Это решающий момент для всех нас», — добавил чиновник.",
    "uk": " «Це вирішальний момент для всіх нас», — додав посадовець.",
    "es": " «Es un momento decisivo para todos nosotros», añadió un funcionario.",
    "ar": " وأضاف مسؤول: «هذه لحظة حاسمة بالنسبة لنا جميعا».",
    "is": " „Þetta er afgerandi stund fyrir okkur öll,“ bætti embættismaður við.",
    "ja": "「これは私たち全員にとって決定的な瞬間だ」と当局者は付け加えた。",
}


def _sub_first(pairs, text: str) -> str | None:
    for pattern, repl in pairs:
        new, n = re.subn(pattern, repl, text, count=1)
        if n and new != text:
            return new
    return None


def _edit_number(src: str, der: str, lang: str, rng, read=number_spans) -> str | None:
    """A figure of the derived text that the source has too, changed. ``read``: the figures as the
    recipes read them (the anchors' reading before figures against unspaced words were read, so
    that the labelled set does not move with the detector; ``figure_edits`` reads them all)."""
    from ..changes import _date_facts
    from ..changes.lexicon import lexicon

    shared = {v for _, v, _, _ in read(src)}
    _, dates = _date_facts(der, lexicon(lang))  # a day of the month is a date, changed by the date recipe
    for raw, value, start, end in read(der):
        if any(a <= start < b for a, b in dates):
            continue
        if value in shared and re.fullmatch(r"\d{1,4}", raw):
            n = int(raw)
            if 1900 <= n <= 2099:  # a year: the date recipe changes years
                continue
            new = str(n + rng.choice((2, 3, 7, 11)) if n < 50 else n * 2)
            return der[:start] + new + der[end:]
    return None


def _edit_date(src: str, der: str, lang: str, rng) -> str | None:
    years_src = set(re.findall(r"\b(?:19|20)\d\d\b", src))
    for m in re.finditer(r"(?<![\d.,/])((?:19|20)\d\d)(?![\d.,]?\d)", der):
        if m.group(1) in years_src:
            return der[:m.start(1)] + str(int(m.group(1)) - 1) + der[m.end(1):]
    return None


# Words before a name that make it a place, a unit or an organisation rather than a person.
_PLACE_WORDS = {"in", "of", "at", "from", "to", "the", "de", "du", "des", "la", "le", "les", "von", "vom", "im", "am",
                "à", "en", "del", "dans", "í", "á", "frá", "við", "sem", "в", "на", "из", "у", "з", "до", "по", "der",
                "die", "das", "den", "dem", "el", "los", "las", "y", "und", "et", "and"}


def _edit_name(src: str, der: str, lang: str, rng, src_context: str, der_context: str) -> str | None:
    from ..changes import _key_unfolded, _keys, _name_spans, _present
    from ..changes.lexicon import lexicon

    script = "cyrillic-" + lang if lang in ("ru", "uk") else "latin"
    if lang in ("ja", "ar", "zh"):
        return None

    # The detector's name keys as they were when the samples were drawn (without the fold of a
    # doubled consonant ending a word, added in the seed 37 round): the samples stay the same.
    src_keys = _keys(src, _key_unfolded)
    for name in _name_spans(der, lang, lexicon(lang), der_context):
        # A person's name (two words or more, letters only) is replaced by another person's.
        words = name.split()
        last = words[-1]
        if len(words) < 2 or not all(w.isalpha() and len(w) >= 3 for w in words) \
                or not _present(last, src_keys, _key_unfolded):
            continue
        before = der[:der.find(name)].split()[-1:] or [""]
        if before[0].lower().strip(",.") in _PLACE_WORDS or re.search(r"\d", before[0]):
            continue  # "in New York", "de Estados Unidos", "8,8 Millionen Euro": a place or a unit, not a person
        for new in SURNAMES[script]:
            if not any(w in src_context or w in der_context for w in new.split()):
                return der.replace(name, new, 1)  # the whole name: another person
    return None


# The quotations the quote recipe reads: a copy of the detector's _QUOTE as it stood when the
# samples were drawn, so that the samples, and every figure measured on them, stay the same when
# the detector's reading of quotations changes.
_RECIPE_QUOTE = re.compile(r"«\s*([^«»]{3,}?)\s*»|“([^“”]{3,}?)”|„([^„“”]{3,}?)[“”]|(?<!\w)\"([^\"]{3,}?)\"|「([^「」]{2,}?)」|‘([^’]{8,}?)’(?!\w)")


def _recipe_quotes(text: str) -> list[str]:
    from ..changes import _word_count

    return [" ".join(body.split()) for body in (next(g for g in m.groups() if g) for m in _RECIPE_QUOTE.finditer(text))
            if _word_count(body) >= 3]


def _edit_quote(src: str, der: str, lang: str, rng, same_language: bool) -> str | None:
    if same_language and _recipe_quotes(der):
        m = _RECIPE_QUOTE.search(der)
        body_group = next(i for i, g in enumerate(m.groups(), start=1) if g)
        body = m.group(body_group)
        words = re.findall(r"\w+", body)
        if len(words) >= 4:
            # Two words of the quotation swapped for others of the same sentence.
            victim = max(words, key=len)
            outside = [w for w in re.findall(r"\w+", der[:m.start()] + der[m.end():])
                       if len(w) > 3 and w not in words and w.islower()]
            if outside:
                new_body = body.replace(victim, rng.choice(outside), 1)
                return der[:m.start(body_group)] + new_body + der[m.end(body_group):]
        return None
    if _recipe_quotes(src) or _recipe_quotes(der) or lang not in INVENTED_QUOTE:
        return None
    return der.rstrip() + INVENTED_QUOTE[lang]


def _hedged(der: str, lang: str, der_context: str) -> str | None:
    """Doubt put in front of the sentence; its first word loses its capital where the article
    writes that word in lower case ("Angeblich während", not "Angeblich Während", which reads
    as a name)."""
    if lang not in HEDGE:
        return None
    first = re.match(r"[^\W\d_]+", der)
    if first and first.group(0)[0].isupper() and re.search(rf"(?<!\w){re.escape(first.group(0).lower())}(?!\w)", der_context):
        der = der[0].lower() + der[1:]
    return HEDGE[lang] + der


def _edit_flip(src: str, der: str, lang: str, rng) -> str | None:
    table = FLIP.get(lang)
    if not table:
        return None
    keys = sorted(table, key=len, reverse=True)
    if lang == "ja":
        # (not the plural 彼ら: "they" in the source has no gender for it to contradict)
        pattern = "(?:" + "|".join(re.escape(k) for k in keys) + ")(?!ら)"
    else:
        pattern = r"(?<!\w)(" + "|".join(re.escape(k) for k in keys) + r")(?!\w)"
    found = list(re.finditer(pattern, der, flags=re.IGNORECASE))
    if not found:
        return None

    def repl(m):
        word = m.group(0)
        new = table[word.lower()] if word.lower() in table else table[word]
        return new.capitalize() if word[0].isupper() else new

    return re.sub(pattern, repl, der, flags=re.IGNORECASE)


def _apply(kind: str, src: str, der: str, lang: str, same_language: bool, rng, src_context: str,
           der_context: str) -> str | None:
    if kind == "number":
        return _edit_number(src, der, lang, rng)
    if kind == "date":
        return _edit_date(src, der, lang, rng)
    if kind == "name":
        return _edit_name(src, der, lang, rng, src_context, der_context)
    if kind == "quote":
        return _edit_quote(src, der, lang, rng, same_language)
    if kind == "attribution":
        return _sub_first(CLAIM.get(lang, []), der)
    if kind == "negation":
        return _sub_first(NEGATE.get(lang, []), der)
    if kind == "hedge":
        return _hedged(der, lang, der_context)
    if kind == "pronoun":
        return _edit_flip(src, der, lang, rng)
    if kind == "evaluative":
        return _sub_first(LOADED.get(lang, []), der)
    raise ValueError(kind)


# --- the real pairs ------------------------------------------------------------------------------

def _segment_pairs(dev: Path, per_language: int, rng, exclude: set[str], corpus: str = "wmt21-human",
                   prefix: str = "wmt") -> list[dict]:
    """Aligned segments of the WMT21 translations in ``corpus`` (the human ones unless told):
    ``per_language`` per derived language, ids ``<prefix>:<derived id>:<segment>``."""
    wmt, pairs = _read(dev / corpus)
    by_lang: dict[str, list[dict]] = defaultdict(list)
    seen = set()
    for p in pairs:
        src, ref = wmt[p["source"]], wmt[p["derived"]]
        if (src["text"], ref["lang"]) in seen or len(src["segments"]) != len(ref["segments"]):
            continue
        seen.add((src["text"], ref["lang"]))
        for k, (s, d) in enumerate(zip(src["segments"][1:], ref["segments"][1:]), start=1):
            if 40 <= len(s) <= 400 and 20 <= len(d) <= 400 and f"{prefix}:{ref['id']}:{k}" not in exclude:
                by_lang[ref["lang"]].append({
                    "id": f"{prefix}:{ref['id']}:{k}", "source": s, "derived": d,
                    "source_lang": src["lang"], "derived_lang": ref["lang"],
                    "source_context": src["text"], "derived_context": ref["text"]})
    out = []
    for lang, items in sorted(by_lang.items()):
        rng.shuffle(items)
        out += items[:per_language]
    return out


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", text) if 40 <= len(s.strip()) <= 400]


def _copies(dev: Path, per_language: int, rng, exclude: set[str]) -> list[dict]:
    """Same-language copies of real sentences: the SemEval news sample (es, ar, de, pl, tr) and the
    WMT21 Russian sources. The derived side is the sentence as written."""
    out = []
    sem, _ = _read(dev / "semeval22-sample")
    wmt, _ = _read(dev / "wmt21-human")
    sources = {"es": [], "ar": [], "de": [], "pl": [], "tr": [], "ru": []}
    for a in list(sem.values()) + [a for a in wmt.values() if a["lang"] == "ru"]:
        if a["lang"] in sources:
            sources[a["lang"]].append(a)
    for lang, articles in sorted(sources.items()):
        rng.shuffle(articles)
        items = []
        for a in articles:
            for k, s in enumerate(_sentences(a["text"])[:6]):
                if f"copy:{a['id']}:{k}" in exclude:
                    continue
                items.append({"id": f"copy:{a['id']}:{k}", "source": s, "derived": s, "source_lang": lang,
                              "derived_lang": lang, "source_context": a["text"], "derived_context": a["text"]})
            if len(items) >= per_language * 3:
                break
        rng.shuffle(items)
        out += items[:per_language]
    return out


def _ukrainian() -> list[dict]:
    out = []
    with open(UKRAINIAN, encoding="utf-8") as f:
        for k, line in enumerate(f):
            if line.strip():
                r = json.loads(line)
                out.append({"id": f"uk:{k}", "source": r["en"], "derived": r["uk"], "source_lang": "en",
                            "derived_lang": "uk", "source_context": r["en"], "derived_context": r["uk"]})
    return out


# The sample the detector's word lists were written against, and the held-out sample drawn after
# them from the sentences it did not hold (see docs/changes.md).
TUNING_SEED, HELD_OUT_SEED = 14, 88
# The held-out sample of machine translations (``machine_held_out``), drawn once and labelled
# blind; the samples of machine translations read before it (their errors were looked at): seed 1,
# scored once at f01fae4, then read to mend the detector (docs/changes.md), and seed 2, scored once
# at 098f46d, then read (French "ne cesse de" and "affirmer que", "only" opening a sentence,
# "is claimed to", Japanese と言われ as speech), and seed 3, scored once at 64ab5a1, then read
# (straight marks around a name inside a quotation, a quotation resumed unclosed after its speaker,
# Japanese ではなく, 避けられない and とあいさつ, Icelandic "að sögn" alone), and seed 4, scored once at
# 440ef93, then read (Russian "миллиард", small figures written as words set off as ages,
# Japanese 比べ物にならない and も経たない), and seed 5, scored once at a7da267, then read (a term in
# quotation marks after "so-called"), and seed 6, scored once at 423102a, then read (two-digit
# years before 年, German "versäumen", "named as" rendered とされる, "expect" in Icelandic,
# German and French), and seed 7, scored once at 50c6aa7, then read (a straight mark written for
# a French elision's apostrophe, French "faute de" and "rien que", a river's or a sea's name
# translated), and seed 8, scored once at 68aa3a1, then read (a four-digit count after "over"
# and Icelandic "yfir", the noun "expectation", a place before a title in a run of capitalised
# words), and seed 9, scored once at 31ca596, then read (a katakana name in corner brackets, a
# Japanese 「ない」 across 「のような」 and 「いくつか」, the house of a government translated, Cyrillic
# "Дж" for "J", a party before a person's name, Russian "говорил"), and seed 10, scored once at
# 00e12f7, then read (a name written out beside its initials, a Japanese 「ない」 inside a verb, a
# hyphenated compound title before a person's name), and seed 11, scored once at e37cb2b, then read
# (a first name shared by two people of the source, "claimed the lives", Icelandic "ófær", ordinals
# written as words), and seed 12, scored once at 9f26ed0, then read (a source's owner moved after a
# name, a negation left out with its clause, French inverted compound speech verbs), and seed 13,
# scored once at 3ab3690, then read ("said to" before an object, Japanese adjectives ending in ない,
# English idioms of refusal, an Icelandic "-hús", a figure written together with its unit), and
# seed 14, scored once at 1f2eea9, then read (a German time written with a point, an hour put in
# the afternoon on one side only, German compounds on "-meer" and "-raum", German "soll" after a
# perfect infinitive), and seed 15, scored once at 79a7fd8, then read (Icelandic "meinti að",
# Icelandic "að sögn" before a hyphenated compound, Japanese 報じられ after で or に, a Russian or
# Ukrainian name in another case), and seed 16, scored once at 2d8fc0e, then read (Japanese
# 目が離せない, an English conjunction opening a sentence, an Icelandic title after a name, the
# Russian "м" for metres, Icelandic "haft eftir"), and seed 17, scored once at ba318f5, then read
# (English "no brainer", German separable speech verbs written as one word), and seed 18, scored
# once at 7e0c70a, then read (a figure's point inside German "soll … haben", a twelve-hour time
# written with a point, a Russian or Ukrainian name of the adjective's form, Japanese 控える, an
# Icelandic role noun masculine whatever the person's sex, a German noun after its article at the
# head of a name's run), and seed 19, scored once at fa86dfe, then read (an English word of place,
# pointing or question opening a sentence, a full name written twice in the source passage and
# fewer times in the translation), and seed 20, scored once at ed2792e, then read (a range that
# writes its scale once, a plain "unlawful" for a word that also says "illegitimate", Japanese
# verbs closing a quotation with its speaker, an English possessive on a full name, French words
# negated by their prefix), and seed 21, scored once at 857780d, then read (an Icelandic "meint-"
# closing a clause, Japanese 途方もない, German "Fehler"), and seed 22, scored once at 0c0b06e, then
# read (full-width digits, "is also said to", Icelandic "mun … vera", a noun's Japanese
# ではないかと, "unless", "Victory", "War" and "Revolution" heading an event's name), and seed 23,
# scored once at a8febe3, then read (Japanese だけの…ではない for "not just", an Icelandic title
# compound opening a sentence), and seed 24, scored once at aeb8816, then read (Japanese 「…」と
# a noun を述べた, stated in these words), and seed 25, scored once at a14e63a, then read (three
# negation misses, no general cause: nothing mended), and seed 26, scored once at 55b948d, then
# read (English "Police" heading an institution's name), and seed 27, scored once at 0e74030,
# then read (Japanese ということです closing a clause, the news's hearsay), and seed 28, scored once
# at 8af1d6c, then read (the leading Japanese point of '・２５２', the MT system's unknown glyph for
# quotation marks, Japanese 口にする a verb of saying), and seed 29, scored once at 589f301, then
# read (a quote and a negation miss; the quote mend tried, a term kept in marks counted once,
# gained a wrong claim on read seed 18 and was dropped; nothing mended), and seed 30, scored once
# at 39f9509, then read (one negation miss, turned down by the encoder's check; nothing mended),
# and seed 31, scored once at a298400, then read (a dropped weak negation, Icelandic tæpast, and
# an added 'not' turned down by the encoder's check; a name across scripts; nothing mended),
# and seed 32, scored once at 665d4b5, then read (Japanese そうです after a plain form, hearsay;
# two added 'not's turned down by the encoder's check), and seed 33, scored once at 48bc123,
# then read (a currency changed, krónur rendered dollars, and a pronoun edit missed; nothing mended),
# and seed 34, scored once at c985e68, then read (つづった, wrote, as speech; a cut quotation opened
# with a single straight mark; mended in f058bb8), and seed 35, scored once at 7affc98, then read
# (Japanese 防 in 消防, the fire service, no weak negation; mended in f087dc2), and seed 36, scored
# once at 9b67990, then read (Icelandic -mót, a meet, heading an event's name; mended in 8db178e),
# and seed 37, scored once at df5e5f0, then read (initials of three capitals or more, "МЧС России",
# an institution's name beside a derived one; mended in 2cd4b2e), and seed 38, scored once at
# 9eb6ab9, then read (Japanese とコメントする, commented, a verb of saying; mended in b1dc737; a
# sentence-final という read as hearsay lost three hedge finds and was dropped), and seed 39,
# scored once at ee84611 (recorded in 2c4fe1e; that first score stays the reported one), counted
# as read without its errors being read for mends (its round only labelled the next draw: the
# detector was mended in parallel, not on seed 39), and seed 40, scored once at a898a10 (recorded
# in 07a445a; that first score stays the reported one), counted as read without its errors being
# read for mends (its round too only labelled the next draw: the detector's mends of that session
# were chosen on the news draws, not on seed 40), and seed 41, scored once at 40e832e (recorded
# in 89444cb; that first score stays the reported one), counted as read on the same terms, its
# errors not read for mends; seed 42 is held out now (the pool of unread machine translations is
# thinning: seed 23 drew 129 real pairs, not 200, and seeds 24 on draw 40, all into English).
MT_SEED = 42
MT_READ_SEEDS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41)
# Samples read while the lists were written (their errors were looked at): never reported as held out.
# Seed 17 was the held-out sample until its errors were read to mend the lists (idioms, lexical
# negation, Japanese reporting verbs, names added without one removed); seed 18 replaced it, was
# scored once, then read in turn (docs/changes.md), and so were seed 19 (scored before and after
# the encoder's check of negations across languages), seed 20 and seed 21 (weak words counted on
# both sides, translated names, quotations without a speaker) and seed 22 (assertive verbs across
# languages, "has yet to", quoted terms, a passage quoted on both sides, a lone full name) and
# seed 23 (restrictive and lexical Japanese ない, "not just", Russian and Ukrainian words negated by
# their prefix, hedges inside an accusation, reputation as weak doubt, a quotation interrupted by
# its speaker) and seed 24 (polite Japanese ません in an idiom, German "sollte" as "should", seasons
# written "2019/20", one unit in two languages, surnames sharing only an ending, a quotation left
# open, "revealed" and "hieß es" as speech, a claim verb beside the source's own, adjectives
# negated by their prefix) and seed 25 (a common word opening a sentence opens no name, degrees
# converted between scales, a quotation in straight single marks in the source, a quotation left
# open holds its pronouns, "sagt man" as an unnamed speaker, Icelandic "sögð berjast" as hearsay,
# an accusation in place of the source's "allegedly", Japanese かねない, "meint" for "allegedly")
# and seed 26 (unnamed sources in the plural only, "exempt" and "rarely" as negation in other
# words, an outright marker explained only by as many weak words on the other side) and seed 27
# (a pronoun that stands for a noun of its own gender on both sides, the German hearsay "soll"
# rendered by a conditional, colloquial French "peux plus", Japanese ざるを得ない and 夏らしい,
# "tweeted" as speech) and seed 28 ("none other than", German "bleibt aus", Icelandic "í honum"
# for a thing, "segist" as speech, Japanese ようだ as weak doubt and 息もつかせない, superlative
# "possible" as a hedge idiom) and seed 29 ("officials" as unnamed sources, Japanese speech verbs
# after a manner, 「…」と笑顔で話す, Icelandic weak doubt "virtist", "gæti … verið", "kannski",
# "vísbending") and seed 30 (German hearsay "soll … haben" with its verbs far apart, French
# "censé", "as it is said" introducing a saying, Japanese 報道によると, Icelandic "milljörðum",
# Russian "несчастный случай") and seed 31 (Japanese 申し分ない, "no-confidence" as negation
# idioms, "surplus to requirements" as a negation in other words) and seed 32 (the litotes "not"
# only before a word negated by its prefix, "declined to comment" and "defy explanation" as
# negation in other words, Japanese かつてない, ずつ as no negation and なしで as one, "suspected"
# as weak doubt, a name of three words present by its first name) and seed 33 (German "verfehlen",
# Icelandic "koma í veg fyrir" as negation in other words, "suspected of" doing a thing as weak
# doubt) and seed 34 (a four-digit figure after a comparison as a count, a derived name with a
# thing's word as no person, a term or a cut quotation on both sides as one, German "sagen" as
# speech, the pronouns inside quotations where none is outside) and seed 35 (two days joined by
# "and" as two days of the month, "Plan" as a thing's name, Russian "не мог не" as no negation,
# French "lancé" and English "concluded" as speech) and seed 36 (Japanese "なくなる", to be gone,
# as negation in other words) and seed 37 (a doubled consonant ending a name written once in
# another script, a pronoun of someone the source names by a noun beside more of the source's
# gender, a name with a regnal numeral as a person's) and seed 38 (a Russian or Ukrainian title
# opening a name run as no part of the person's name, a translated name pair leaving the other
# names to be weighed, Russian "неоценимый" as no negation) and seed 39 (Russian "полагать" as
# weak doubt, a name in quotation marks mid-sentence as no one's words) and seed 40 (English
# "Ministry", "Office", "Department" as heads of an institution's name, "seem to have been" as
# doubt added, Japanese 言われる with its speaker named before から as no hearsay) and seed 41 (a
# straight mark after a space and before a letter as one that opens a quotation, Japanese
# 語気を強める as speech) and seed 42 ("not … until" as "only", no negation of its own, and the
# "не" of a Slavic "until" clause as none; a figure alone in quotation marks as a name; English
# "it seems that" as doubt added, Japanese hearsay のだそう as weak doubt) and seed 43 ("why not
# just" as the negation of "why not", no "not just"; a hyphenated compound title as no part of a
# name added in one language) and seed 44 (the words of a name claimed as replaced as no altered
# quotation; a shared first name in another spelling, "Volodymyr" for "Владимира", as another
# person's before that person's surname) and seed 45 (a thing's name a naming word brings in on
# both sides, "называется", "called", as a title translated; English "no one more … than" as no
# negation; in one language a name word in another spelling as another name) and seed 46
# (Russian "по его словам", "поделился" and "мол", Japanese 「…」としている and と心強い as speech;
# a point of the compass before a place as a region's name, translated) and seed 47 (a farewell
# said, Icelandic "kvaddi", Russian "попрощался", as speech) and seed 48 (Japanese 「…」と注文を付けた
# as speech; English "assume that" as weak doubt; a Japanese term a naming verb follows,
# 「涙の病気」と言われ, as no one's words) and seed 49 (Japanese 「…」と笑顔 as speech; Japanese ないものか,
# a wish, as no negation; Japanese 不安, worry, as none; English "less" as negation in other
# words was tried and dropped)
# and seed 50 (Russian "его", his or its, as the counterpart of a derived masculine pronoun where
# the source's feminine ones are all kept; "not" before an un- adverb of degree, "not unusually
# many", as a negation, no litotes) and seed 51 (Icelandic "í gegn", through, as no negation in
# other words; Icelandic "hefur <a name> eftir", a medium quoting someone, as speech; a straight
# mark after a comma or a stop, closing a quotation and opening none, read so for attribution too)
# and seed 52 (Russian "отсутствовать", Ukrainian "відсутній", absent, as a negation in other words)
# and seed 53 (English "Association" as the head of an institution's name, its possessive
# "Association's" too) and seed 54 (English "Trophy" as the head of a thing's name; Japanese
# 「らしく」 and 「らしかった」, forms of the hearsay 「らしい」, as a hedge) and seed 55 (a person's full
# name after a genitive name the run took in, "аналитик Росбанка Евгений Кошелев", weighed by the
# person's own words where the translation keeps that name apart; Japanese 無料, free of charge, as
# no negation in other words, English "at no charge" as no negation) and seed 56 (a baseball line
# score, "４１００００×―５", as no figure; Icelandic telja's passive, "eru taldar hafa", and the past
# subjunctive of reported speech that opens a sentence, "Hann hefði vanframtalið", as a weak hedge,
# the subjunctive as speech too; Russian "похоже на", similar to, as no weak hedge; Japanese
# 太鼓判を押す after a quotation as a speech verb; a four-digit figure before a square or cubic
# unit, "2000 sq. meters", as no year) and seed 57 (an Icelandic strong past participle with the
# prefix ó-, "uppruni smitsins ófundinn", the source not found, as a negation in other words) and
# seed 58 (Icelandic "fullyrt er að", it is claimed that, as a weak hedge; English "missing" as a
# negation in other words; Japanese ず before れ, いずれ, either, as no negative; in one language a
# loaded word said more often than the source says it as added) and seed 59 (Japanese といわれる, と言われる
# in kana, as hearsay; English "are not said to" as hearsay still; Icelandic "sagður" before an
# infinitive, he is said to, as speech) and seed 60 (Japanese 「…」と村上CEOは話す, a speaker named
# between と and the verb, as speech; English "not counting on" as a negation; Icelandic "gegn"
# before a payment or a security, "laus gegn tryggingu", out on bail, as no negation in other
# words) and seed 61 (read, no general cause: its misses are weak doubt, "may" and "might", and
# negations the encoder's check turns down) and seed 62 (English hearsay set off by a comma, "X,
# said to have been the founder", as a hedge; Japanese と言われる as speech was tried and withdrawn)
# and seed 63 (Icelandic "fram kom að", it came out that, a report, as a weak hedge; Japanese 有無,
# presence or absence, as no negation) and seed 64 (Icelandic "eins og það er kallað", as it is
# called, and Russian "как его называют" as "so-called"; an English curly mark left open as a cut
# quotation; Icelandic "talaði um að", spoke of, as speech; Russian "считают ли", whether they
# consider, as no weak hedge) and seed 65 (English hearsay after a comma and an indefinite noun,
# "X, a spirit said to be", as a hedge; Icelandic "sögðum", we said, and Russian "комментировал",
# commented, as speech; a four-digit figure after a currency as an amount) and seed 66 (a speech
# the source sets off with dashes, "− …, − рассказали", as a quotation; the same unit written more
# often on one side as no conversion) and seed 67 (Russian "неравенство", inequality, and
# Ukrainian "нерівність" as no negation said with a prefix) and seed 68 (Icelandic "kunnáttumenn",
# experts, as unnamed sources; English "supposed to" after its noun as a weak hedge) and seed 69 (a
# hearsay hedge rendered by a claim verb as kept; Russian "сообщается" and Ukrainian "повідомляється"
# as weak hedges, English "it is reported" as hearsay) and seed 70 (read, no general cause: its two
# negation misses left) and seed 71 (read, no error; the "not only"/"not just" candidate checked and
# dropped: it gains a wrong claim on seed 35) and seed 72 (a Japanese manner verb closing a quotation,
# 「…」とよろこんだ, と喜んだ, と笑った, as speech; its negation miss left) and seed 73 (English "aside
# from"/"apart from" as weak negations, "except" in other words; its other negation miss left) and
# seed 74 (Icelandic "fáir" and English "few" as weak negations, "not many" in other words; its
# misses left) and seed 75 (read, no general cause: its hedge misses are weak doubt, "likely", and
# its negation miss an edit's "not" beside the rendering's own "no") and seed 76 (English "alleged"
# before its noun as a hedge, as Icelandic "meintur" is; English "ignore" as a weak negation, "not
# heed"; its negation miss left) and seed 77 (read, no general cause: its negation misses the
# encoder's check turns down, its name miss a name matched across scripts) and seed 78 (read, no
# mend kept: そうです as a weak hedge lost a find on seed 71; its misses left) and seed 79 (Russian
# "не идёт ни в какое сравнение" as a negation idiom; 「…」とたたえた, said in praise, as speech;
# its hedge claim (という, turned down at MT seed 4) and its quote errors left) and seed 80
# (Icelandic "heimildum", "heimilda", sources in the dative and genitive plural, as unnamed sources;
# its attribution, name and negation misses left) and seed 81 (an Icelandic association's name,
# "-félag", "-samband", no person's full name where the rendering names an institution too; its
# negation misses left to the encoder's check) and seed 82 (English "didn't take long" and
# Icelandic "tók ekki langan tíma", the litotes of "soon", as negation idioms; Russian "не
# сообщается" no hearsay; its negation miss left to the encoder's check) and seed 83 (read with no
# mend: its negation miss left to the encoder's check, its hedge miss to Russian "считают", a verb
# of believing) and seed 84 (English "other than", "except" in other words, a weak negation; its
# negation misses left to the Japanese 防 of 予防 and to the encoder's check) and seed 85 (Japanese
# 「…」と大見得を切った, a grand declaration, speech; its name miss left to names across scripts, its
# negation miss to the encoder's check) and seed 86 (read with no mend: its number miss left to
# a figure written against a Japanese particle, "1－1で", which the anchors do not read; its
# negation misses to the encoder's check) and seed 87 (read with no mend: its negation miss left to
# the encoder's check); seed 88 is the held-out sample now.
READ_SEEDS = (15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
              40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62,
              63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86,
              87)


def build(dev: str | Path, seed: int = TUNING_SEED, per_language: int = 40, edits_per_type: int = 6,
          exclude: set[str] | None = None) -> list[dict]:
    """The labelled items: ``{"id", "source", "derived", "source_lang", "derived_lang",
    "source_context", "derived_context", "changes": [types], "part": "real"|"edit", "edit"}``.

    ``exclude``: ids of real pairs to leave out (those of another sample)."""
    rng = random.Random(seed)
    dev = Path(dev)
    real_differences = json.loads(REAL_DIFFERENCES.read_text(encoding="utf-8")) if REAL_DIFFERENCES.exists() else {}
    exclude = exclude or set()
    base = [b for b in _segment_pairs(dev, per_language, rng, exclude) + _copies(dev, per_language, rng, exclude)
            + _ukrainian() if b["id"] not in exclude]
    return _with_edits(base, real_differences, edits_per_type, rng)


def _with_edits(base: list[dict], real_differences: dict, edits_per_type: int, rng) -> list[dict]:
    """The real pairs of ``base`` labelled from ``real_differences``, then up to ``edits_per_type``
    edits of each type per derived language, each carrying its real pair's labels."""
    items = []
    for b in base:
        items.append({**b, "changes": sorted(real_differences.get(b["id"], [])), "part": "real", "edit": None})
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for b in base:
        by_lang[b["derived_lang"]].append(b)
    for lang, pool in sorted(by_lang.items()):
        for kind in TYPES:
            made = 0
            for b in rng.sample(pool, len(pool)):
                if made >= edits_per_type:
                    break
                same = b["source_lang"] == b["derived_lang"]
                new = _apply(kind, b["source"], b["derived"], lang, same, rng, b["source_context"], b["derived_context"])
                if not new or new == b["derived"]:
                    continue
                if kind == "pronoun" and not _has_pronoun(b["source"], b["source_lang"]):
                    continue  # a flip contradicts the source only where the source has a pronoun
                if kind == "pronoun" and "pronoun" in real_differences.get(b["id"], []):
                    continue  # a flip of a translator's gender slip puts the source's gender back
                if kind in ("negation", "hedge") and _has(kind, b["source"], b["source_lang"]):
                    continue  # a second negation in a negative sentence keeps its polarity, and doubt
                    # added where the source reports with doubt ("soll … im Gespräch sein") adds none
                expected = set(real_differences.get(b["id"], [])) | {kind}
                if same and kind not in ("quote", "number", "date", "name") and any(len(q.split()) >= 3 for q in _quoted(b["derived"])
                                                     if q not in _quoted(new)):
                    # A word changed inside a quotation of a copy alters the quotation too (a figure,
                    # a date or a name there is reported as what it is).
                    expected.add("quote")
                items.append({**b, "id": f"{b['id']}+{kind}", "derived": new,
                              "derived_context": b["derived_context"].replace(b["derived"], new),
                              "changes": sorted(expected), "part": "edit", "edit": kind})
                made += 1
    return items


def machine_translated(dev: str | Path, seed: int = MT_READ_SEEDS[0], per_language: int = 40,
                       edits_per_type: int = 6, exclude: set[str] | None = None) -> list[dict]:
    """A sample of the WMT21 machine translations (``wmt21-mt``: one system's output per
    language pair), drawn as ``build`` draws the human ones (``_segment_pairs``: equal segment
    counts, the same lengths, the title left out; ids ``mt:<derived id>:<segment>``), labelled
    blind from ``changes_real_mt.json`` (docs/changes.md), with the same edit recipes. No copies
    and no Ukrainian pairs: machine translations only. ``exclude``: ids of real pairs to leave
    out (those of another sample); the held-out one is ``machine_held_out``."""
    rng = random.Random(seed)
    dev = Path(dev)
    real_differences = json.loads(REAL_DIFFERENCES_MT.read_text(encoding="utf-8")) if REAL_DIFFERENCES_MT.exists() else {}
    base = _segment_pairs(dev, per_language, rng, exclude or set(), corpus="wmt21-mt", prefix="mt")
    return _with_edits(base, real_differences, edits_per_type, rng)


def machine_held_out(dev: str | Path) -> list[dict]:
    """The held-out sample of machine translations (``MT_SEED``): real pairs that none of the
    samples read before it (``MT_READ_SEEDS``, each drawn without the ones before it) holds, with
    its own edits. Its source segments may be in a read sample (a source has one machine
    translation per pair of languages, and a few segments); its machine translations are not."""
    read = set().union(*map(_real_ids, read_machine_samples(dev).values()))
    return machine_translated(dev, seed=MT_SEED, exclude=read)


def figure_edits(items: list[dict]) -> list[dict]:
    """Number edits the recipes cannot place: of each real pair with a side in an unspaced script
    (Japanese), one figure of the derived text changed where only the anchors' full reading sees
    it ("死者は5人" made "死者は7人"; ids ``<pair>+figure``), labelled ``number`` with the pair's own
    labels. They measure what reading figures against unspaced words finds, on the pairs of
    samples already drawn, without moving those samples."""
    out = []
    for it in items:
        if it["part"] != "real" or not _UNSPACED_TEXT.search(it["source"] + it["derived"]):
            continue
        if _edit_number(it["source"], it["derived"], it["derived_lang"], random.Random(it["id"])) is not None:
            continue
        new = _edit_number(it["source"], it["derived"], it["derived_lang"], random.Random(it["id"]), read=read_figures)
        if new and new != it["derived"]:
            out.append({**it, "id": f"{it['id']}+figure", "derived": new,
                        "derived_context": it["derived_context"].replace(it["derived"], new),
                        "changes": sorted(set(it["changes"]) | {"number"}), "part": "edit", "edit": "number"})
    return out



def _real_ids(items: list[dict]) -> set[str]:
    return {it["id"] for it in items if it["part"] == "real"}


def read_human_samples(dev: str | Path) -> dict[str, list[dict]]:
    """The tuning sample (``"tuning"``) and the samples read while the lists were written
    (``"h<seed>"``, ``READ_SEEDS`` in order), each drawn without the real pairs of the ones before
    it: the samples ``held_out`` draws its own without."""
    samples = {"tuning": build(dev)}
    seen = _real_ids(samples["tuning"])
    for seed in READ_SEEDS:
        samples[f"h{seed}"] = build(dev, seed=seed, exclude=set(seen))
        seen |= _real_ids(samples[f"h{seed}"])
    return samples


def read_machine_samples(dev: str | Path) -> dict[str, list[dict]]:
    """The samples of machine translations read before the held-out one (``"m<seed>"``,
    ``MT_READ_SEEDS`` in order), each drawn without the real pairs of the ones before it."""
    samples: dict[str, list[dict]] = {}
    read: set[str] = set()
    for seed in MT_READ_SEEDS:
        samples[f"m{seed}"] = machine_translated(dev, seed=seed, exclude=set(read))
        read |= _real_ids(samples[f"m{seed}"])
    return samples


# (a straight quotation mark after a letter closes a quotation: 'ФИФА", - заявил Дюков' is no
# quotation of "заявил")
_QUOTED = re.compile(r"«([^»]+)»|“([^”]+)”|„([^“”]+)[“”]|(?<!\w)\"([^\"]+)\"|「([^」]+)」")


def _quoted(text: str) -> list[str]:
    """The quotations of a text, as written (the labels' own reading, not the detector's)."""
    return [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(text)]


def held_out(dev: str | Path) -> list[dict]:
    """A sample (``HELD_OUT_SEED``) of real pairs that neither the tuning sample nor the samples
    read while writing the lists (``READ_SEEDS``) hold, with its own edits. The Ukrainian pairs
    are all in the tuning sample and are left out here."""
    read = set().union(*map(_real_ids, read_human_samples(dev).values()))
    return [it for it in build(dev, seed=HELD_OUT_SEED, exclude=read) if not it["id"].startswith("uk:")]


def _has(kind: str, text: str, lang: str) -> bool:
    from ..changes.lexicon import lexicon

    lex = lexicon(lang)
    pattern = lex.get(kind) if lex else None
    return bool(pattern and pattern.search(text))


def _has_pronoun(text: str, lang: str) -> bool:
    return _has("masculine", text, lang) or _has("feminine", text, lang)


def score(items: list[dict]) -> dict:
    """Run the detector on every item; precision and recall per type, overall and per derived
    language, and the wrong claims and misses (by item id)."""
    per_type = {t: {"tp": 0, "fp": 0, "fn": 0} for t in TYPES}
    per_lang: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: {t: {"tp": 0, "fp": 0, "fn": 0} for t in TYPES})
    wrong, missed = [], []
    for it in items:
        found = {c.type for c in find_changes(it["derived"], it["source"], it["derived_lang"], it["source_lang"],
                                              it["derived_context"], it["source_context"])}
        expected = set(it["changes"])
        for t in TYPES:
            cell = "tp" if t in found and t in expected else "fp" if t in found else "fn" if t in expected else None
            if cell:
                per_type[t][cell] += 1
                per_lang[it["derived_lang"]][t][cell] += 1
            if cell == "fp":
                wrong.append(f"{it['id']}: {t}")
            elif cell == "fn":
                missed.append(f"{it['id']}: {t}")

    def rates(c: dict) -> dict:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        return {"precision": round(p, 4) if p is not None else None,
                "recall": round(r, 4) if r is not None else None, **c}

    return {
        "items": len(items),
        "languages": sorted({it["derived_lang"] for it in items}),
        "per_type": {t: rates(c) for t, c in per_type.items()},
        "per_language": {lang: {t: rates(c) for t, c in table.items() if any(c.values())}
                         for lang, table in sorted(per_lang.items())},
        "wrong": wrong, "missed": missed,
    }
