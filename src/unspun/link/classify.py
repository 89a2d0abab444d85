"""From an alignment to a decision: is the pair derived, of what kind, how sure, which way.

Semantic similarity alone cannot tell a derived sentence from an independent report of the same
fact (DESIGN.md). The decision therefore weighs what derivation leaves behind and independent
coverage does not: most of the source is carried over (coverage), in the source's order (the
monotone share of the alignment), sentence matches that stand out from the sentence's other
neighbours (margin), and, in one language, shared wording outside quotations. Shared quotes count
for nothing on their own: independent reports quote the same sentences.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..article import Article
from .align import Bead
from .explain import word_ngrams

KINDS = ("verbatim", "translation", "rewrite", "partial")


@dataclass
class Features:
    """Numbers that describe one aligned pair (derived side first)."""

    derived_sentences: int
    source_sentences: int
    derived_coverage: float  # share of the derived text (characters) that is aligned
    source_coverage: float  # share of the source text (characters) that is aligned
    strong_share: float  # aligned beads with a clear match, over the shorter side's sentence count
    mean_score: float  # mean bead score (margin-based)
    monotone_share: float  # beads on the in-order path, over all beads
    lexical: float  # containment of word 4-grams outside quotations (same language only; 0 otherwise)
    quote_share: float  # beads where both sides are quotations
    same_language: bool
    values: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items() if k != "values"}
        return d


def _chars(article: Article, indices: set[int]) -> float:
    total = sum(len(s.text) for s in article.sentences) or 1
    return sum(len(article.sentences[i].text) for i in indices) / total


def _unquoted_text(article: Article) -> str:
    return " ".join(s.text for s in article.sentences if not s.quoted)


def lexical_containment(a: Article, b: Article, n: int = 4) -> float:
    ga, gb = word_ngrams(_unquoted_text(a), n), word_ngrams(_unquoted_text(b), n)
    if not ga or not gb:
        return 0.0
    return sum((ga & gb).values()) / min(sum(ga.values()), sum(gb.values()))


def features(derived: Article, source: Article, beads: list[Bead], strong: float) -> Features:
    same_language = (derived.lang or "") == (source.lang or "")
    aligned_d = {i for b in beads for i in b.derived}
    aligned_s = {j for b in beads for j in b.source}
    shorter = max(1, min(len(derived.sentences), len(source.sentences)))
    quoted = sum(
        1 for b in beads
        if all(derived.sentences[i].quoted for i in b.derived) and all(source.sentences[j].quoted for j in b.source)
    )
    return Features(
        derived_sentences=len(derived.sentences),
        source_sentences=len(source.sentences),
        derived_coverage=_chars(derived, aligned_d),
        source_coverage=_chars(source, aligned_s),
        strong_share=min(1.0, sum(1 for b in beads if b.score >= strong) / shorter),
        mean_score=sum(b.score for b in beads) / len(beads) if beads else 0.0,
        monotone_share=sum(1 for b in beads if not b.reordered) / len(beads) if beads else 0.0,
        lexical=lexical_containment(derived, source) if same_language else 0.0,
        quote_share=quoted / len(beads) if beads else 0.0,
        same_language=same_language,
    )


def derivation_probability(f: Features) -> float:
    """Logistic score of derivation from the features. Weights chosen on the dev corpora (see
    docs/linking.md for the figures): coverage and strong matches carry translations and
    rewrites; same-language wording carries copies; quotations are discounted."""
    z = (
        -7.0
        + 5.0 * min(f.derived_coverage, f.source_coverage)
        + 4.0 * f.strong_share
        + 2.0 * f.mean_score
        + 1.5 * f.monotone_share
        + 6.0 * f.lexical
        - 2.0 * f.quote_share
    )
    return 1 / (1 + math.exp(-z))


def kind_of(f: Features, role_counts: dict[str, int], settings) -> str:
    """verbatim / translation / rewrite / partial from coverage, language and roles."""
    aligned = sum(role_counts.get(r, 0) for r in ("copied", "translated", "paraphrased", "altered"))
    if f.derived_coverage < settings.partial_coverage:
        return "partial"
    if f.same_language:
        copied = role_counts.get("copied", 0) + role_counts.get("altered", 0)
        if aligned and copied / aligned >= 0.7 and f.lexical >= settings.verbatim_overlap:
            return "verbatim"
        return "rewrite"
    loose = role_counts.get("paraphrased", 0) + role_counts.get("inserted", 0)
    total = aligned + role_counts.get("inserted", 0)
    if total and loose / total > settings.translation_paraphrase_share:
        return "rewrite"
    return "translation"
