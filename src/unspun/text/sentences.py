"""Sentence stage: needs ``text`` and ``lang``; adds ``sentences`` with character spans.

Lines are paragraphs (a headline, a timestamp and a body paragraph never share a sentence).
Inside a paragraph, sentencex (rule-based, ~300 languages) proposes boundaries; we then undo the
splits it gets wrong in news text: after title abbreviations ("Dr.", "M.", "Jan."), before a
lower-case continuation ("usw. und"), and inside quotations ("« Je pense. C'est fini. »" is one
quoted unit of the sentence that carries it when the quote does not close the sentence).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..article import Article, Sentence

# Abbreviations that end with a period but rarely end a sentence. Kept short on purpose:
# sentencex already knows most; these are the ones it splits on in our corpora.
_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "gen", "col", "lt", "sgt", "gov", "sen", "rep",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs",
    "mme", "mlle", "me", "mgr", "hr", "fr", "nr", "bzw", "usw", "ca", "vgl", "sog", "str",
    "sra", "sr", "dña", "gral", "sig", "dott", "ing", "avv", "pan", "pani", "ul", "tzw", "np",
    "г", "т", "е", "им", "ул", "д", "тыс", "млн", "млрд", "руб", "проф",
}
_OPEN_QUOTES = "«“„‘‚\"'「『"
_CLOSE_QUOTES = "»”“’\"'」』"
_QUOTE_SPAN = re.compile(r"«[^»]*»|“[^”]*”|„[^“”\"]*[“”\"]|\"[^\"]*\"|「[^」]*」|『[^』]*』")
_WORD_BEFORE_DOT = re.compile(r"(\w+)\.\s*$")


# Languages that write ordinals with a dot ("am 3. Mai"): a 1-2 digit number and a dot is not an end.
_ORDINAL_DOT_LANGS = {"de", "da", "no", "nb", "fi", "et", "cs", "sk", "pl", "hu", "lv", "lt", "sl", "hr", "sr", "is", "tr"}
_ORDINAL_END = re.compile(r"(?:^|\s)\d{1,2}\.$")


def _should_merge(prev: str, nxt: str, lang: str = "en") -> bool:
    prev_s, nxt_s = prev.rstrip(), nxt.lstrip()
    if not prev_s or not nxt_s:
        return True
    if lang in _ORDINAL_DOT_LANGS and _ORDINAL_END.search(prev_s):
        return True
    m = _WORD_BEFORE_DOT.search(prev_s)
    if m:
        word = m.group(1)
        if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and word.isupper()):
            return True
    first = nxt_s[0]
    if _continues_lower(first) or first in ",;:)]}%":
        return True
    # A Japanese quotation closed by 」 continues with a particle: 「…」と彼は言った。
    if prev_s[-1] in "」』" and first in "とっにをがはでも":
        return True
    # A quotation still open at the end of prev: the split is inside the quote. Bounded, because
    # one stray quote mark must not glue the rest of the paragraph into one sentence.
    return len(prev_s) + len(nxt_s) <= _MAX_QUOTED_SENTENCE and _quote_open(prev_s)


_MAX_QUOTED_SENTENCE = 600


def _continues_lower(char: str) -> bool:
    """Whether a piece opening with ``char`` continues a sentence in lower case. Georgian
    (Mkhedruli) letters are lower case to Unicode, whose capitals (Mtavruli) news text does not
    use: every Georgian sentence opens with one, so none is a continuation."""
    return char.islower() and not "\u10d0" <= char <= "\u10ff"


def _quote_open(text: str) -> bool:
    if text.count("«") > text.count("»") or text.count("「") > text.count("」") or text.count("『") > text.count("』"):
        return True
    if "„" in text:  # German/Polish style: „…“ (or „…”, or „…" when typed on an English keyboard)
        return text.count("„") > text.count("“") + text.count("”") + text.count('"')
    return text.count("“") > text.count("”")


# sentencex does not split inside what it takes for a quotation, and takes some brackets for
# quotation marks (＜…＞ in Japanese), so an unclosed one leaves the rest of the paragraph in one
# piece. A piece longer than this is split again at plain sentence ends.
_MAX_PIECE = {"ja": 120, "zh": 120, "ko": 200}
_CJK_END = re.compile(r"(?<=[。！？])(?![」』）)】〉》”’])")
_PLAIN_END = re.compile(r"(?<=[.!?])\s+(?=[\"'«„“(]?[A-ZÀ-ÖØ-ÞА-ЯЁ])")


def _resplit(piece: str, lang: str) -> list[str]:
    if len(piece) <= _MAX_PIECE.get(lang, _MAX_QUOTED_SENTENCE):
        return [piece]
    pattern = _CJK_END if lang in _MAX_PIECE else _PLAIN_END
    out, last = [], 0
    for m in pattern.finditer(piece):
        if m.end() > last and piece[last:m.end()].strip():
            out.append(piece[last:m.end()])
            last = m.end()
    out.append(piece[last:])
    return [p for p in out if p.strip()]


def _segment(lang: str, paragraph: str) -> list[str]:
    from sentencex import segment

    try:
        raw = [p for p in segment(lang or "en", paragraph) if p]
    except Exception:  # sentencex raises on some unknown codes; English rules are a fair fallback
        raw = [p for p in segment("en", paragraph) if p]
    parts = [q for p in raw for q in _resplit(p, lang)]
    merged: list[str] = []
    for part in parts:
        if merged and _should_merge(merged[-1], part, lang):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


_INNER_QUOTE = re.compile(r'(?<=\w)"(?=\w)')
_LOW_OPENED = re.compile(r'„[^"“”„]*"')


def _mask_stray_quotes(line: str) -> str:
    """The line with quote marks the splitter must not trust replaced by apostrophes (same
    length, so spans still hold): a straight quote between two letters is a mistyped apostrophe
    (``l"état``), and a paragraph with an odd number of straight quotes has one that never
    closes. sentencex does not split inside a quotation, so one such mark glues the rest of the
    paragraph into a single "sentence"."""
    line = _INNER_QUOTE.sub("'", line)
    # „…" (a German-style opening closed on an English keyboard): the straight quote closes it.
    line = _LOW_OPENED.sub(lambda m: m.group(0)[:-1] + "“", line)
    if line.count('"') % 2:
        line = line.replace('"', "'")
    return line


@lru_cache(maxsize=65536)
def quoted_share(text: str) -> float:
    """Share of ``text``'s characters inside quotation marks (kept: the linker asks it of each
    sentence of an article once for every candidate pair)."""
    inside = sum(len(m.group(0)) for m in _QUOTE_SPAN.finditer(text))
    return inside / max(1, len(text.strip()))


# A line break left in plain text as markup ("…im Onlinedienst X. <BR \/><BR \/>Es sei niemand
# verletzt worden.": a scraper's JSON-escaped tag): a break between paragraphs, not part of either.
_BREAK_TAG = re.compile(r"<br\s*\\?/?>", re.IGNORECASE)


def _lines(text: str):
    """The text's lines (with their ends), each cut again at a line-break tag; the tag goes with the
    piece before it, so the pieces still add up to the text."""
    for line in text.splitlines(keepends=True):
        if "<" not in line:
            yield line
            continue
        last = 0
        for m in _BREAK_TAG.finditer(line):
            yield line[last:m.start()] + " " * (m.end() - m.start())
            last = m.end()
        yield line[last:]


def split_sentences(text: str, lang: str | None) -> list[Sentence]:
    """Split ``text`` into sentences with exact ``[start, end)`` spans (whitespace trimmed)."""
    sentences: list[Sentence] = []
    paragraph = 0
    offset = 0
    for line in _lines(text):
        body = line.strip()
        if body:
            cursor = offset
            masked = _mask_stray_quotes(line.rstrip("\r\n"))
            for part in _segment(lang or "en", masked):
                piece = part.strip()
                if not piece:
                    continue
                start = masked.find(piece, cursor - offset)
                start = start + offset if start >= 0 else -1
                if start < 0:  # sentencex normalised something; fall back to the cursor
                    start = cursor
                end = start + len(piece)
                cursor = end
                sentences.append(
                    Sentence(
                        index=len(sentences),
                        text=text[start:end],
                        start=start,
                        end=end,
                        paragraph=paragraph,
                        quoted=quoted_share(text[start:end]) > 0.6,
                    )
                )
            paragraph += 1
        offset += len(line)
    return sentences


def add_sentences(article: Article) -> Article:
    """Fill ``article.sentences`` from ``article.text``."""
    article.sentences = split_sentences(article.text, article.lang)
    return article
