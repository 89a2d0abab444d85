"""New opinion in a derived text: the inserted sentences that speak for the writer.

A spun copy adds sentences of its own; some are facts from elsewhere, some are opinion. An
inserted sentence is opinion when it carries a persona (``unspun.artifacts``: "As an observer
with a background in international relations, I find…"), is in the first person outside
quotation marks, or uses a loaded word (``lexicon.toml``, ``evaluative``). The opinion share of a
link is those sentences' share of the derived text (characters, page furniture left out).
"""
from __future__ import annotations

from ..article import Article
from ..artifacts.detector import find_artifacts, quote_spans
from ..artifacts.rules import rules_for
from .lexicon import lexicon


def _unquoted(text: str) -> str:
    out, last = [], 0
    for a, b in quote_spans(text):
        out.append(text[last:a])
        last = b
    out.append(text[last:])
    return " ".join(out)


def _persona_spans(article: Article) -> list[tuple[int, int]]:
    """The article's persona spans, found once per loaded article (a trace compares one article
    with every candidate)."""
    key = ("_persona_spans", len(article.text), hash(article.text))
    cached = article.meta.get("_persona_spans")
    if cached is None or cached[0] != key:
        cached = (key, [(f.start, f.end) for f in find_artifacts(article) if f.kind == "persona"])
        article.meta["_persona_spans"] = cached
    return cached[1]


def opinion_sentences(article: Article, rows: list[dict]) -> set[int]:
    """Indices of the derived article's inserted sentences that are opinion (module doc)."""
    inserted = [r["derived"][0] for r in rows if r["role"] == "inserted" and r["derived"]]
    if not inserted:
        return set()
    ruleset, _ = rules_for(article.lang)
    lex = lexicon(article.lang)
    persona = _persona_spans(article)
    out = set()
    for i in inserted:
        s = article.sentences[i]
        plain = _unquoted(s.text)
        if any(a < s.end and s.start < b for a, b in persona):
            out.add(i)
        elif ruleset is not None and ruleset.first_person is not None and ruleset.first_person.search(plain):
            out.add(i)
        elif lex is not None and any(p.search(plain) for p in lex.evaluative.values()):
            out.add(i)
    return out


def mark_opinion(article: Article, rows: list[dict], furniture: list[bool] | None = None) -> float:
    """Flag the inserted opinion rows (``"opinion": True``) and return their share of the
    derived text (characters, furniture left out)."""
    furniture = furniture or [False] * len(article.sentences)
    total = sum(len(s.text) for s, f in zip(article.sentences, furniture) if not f)
    opinion = opinion_sentences(article, rows)
    for r in rows:
        if r["role"] == "inserted" and r["derived"][0] in opinion:
            r["opinion"] = True
    return sum(len(article.sentences[i].text) for i in opinion) / total if total else 0.0
