"""Terms: the words of an article's own (unquoted) text, for IDF-weighted wording overlap.

Independent reports of one story share the story's words and the quotations; a derived article
also shares the source's rarer word choices. Weighting shared words by inverse document frequency
over the store tells the two apart far better than embeddings do (see docs/linking.md).
"""
from __future__ import annotations

import math
import re
import unicodedata

from ..article import Article

_WORD = re.compile(r"\w+", re.UNICODE)
# Marks a copy may add or drop without changing a word: combining accents left uncomposed, Arabic
# vowel signs (tashkeel) and the tatweel, Hebrew points. Python's \w does not match a combining
# mark, so "الروسيّة" would read as two words and never equal "الروسية".
_MARKS = re.compile("[\u0300-\u036f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
                    "\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]")


def folded(text: str) -> str:
    """Lower-cased text without the marks of ``_MARKS`` (composed accents stay: "é" is kept)."""
    text = unicodedata.normalize("NFC", text)
    return _MARKS.sub("", text).lower()


def words(text: str, pattern: re.Pattern = _WORD) -> list[str]:
    """The words of a text for comparing wording: folded (see :func:`folded`), then ``\\w+``
    (or ``pattern``)."""
    return pattern.findall(folded(text))


MAX_TERMS = 2000  # bound the work per article; news articles have far fewer distinct words


def article_terms_from_text(text: str, spans: list[tuple[int, int, bool]]) -> set[str]:
    """Distinct lower-cased words of the unquoted sentences (all text when no spans are given)."""
    if spans:
        body = " ".join(text[s:e] for s, e, quoted in spans if not quoted)
    else:
        body = text
    out: set[str] = set()
    for w in _WORD.findall(body.lower()):
        out.add(w)
        if len(out) >= MAX_TERMS:
            break
    return out


def article_terms(article: Article) -> set[str]:
    return article_terms_from_text(article.text, [(s.start, s.end, s.quoted) for s in article.sentences])


def idf(df: int, n: int) -> float:
    """Smoothed inverse document frequency (never negative)."""
    return math.log((n + 1) / (df + 1)) + 0.05


def weighted_overlap(a: set[str], b: set[str], weight) -> float:
    """IDF mass of the shared words over the IDF mass of the smaller side's words."""
    if not a or not b:
        return 0.0
    wa = sum(weight(t) for t in a)
    wb = sum(weight(t) for t in b)
    shared = sum(weight(t) for t in a & b)
    return shared / max(min(wa, wb), 1e-9)
