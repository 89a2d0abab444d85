"""Roles: what happened to each sentence of a linked pair.

Every sentence of both sides gets exactly one role. Aligned sentences are ``copied`` (same
language, mostly the same words), ``translated`` (other language, a close match), ``paraphrased``
(the same content in other words) or ``altered`` (aligned, with a change: a number, a date, a
name, a quotation, an attribution, a negation, a hedge, a pronoun or a loaded word differs; see
``unspun.changes``); derived sentences with no counterpart are ``inserted``, source sentences with
none ``omitted``; page furniture with no counterpart (a caption, a byline, a share line) is
``furniture``. An altered row keeps the role it would have had as ``aligned_as``, and lists its
``changes``.
"""
from __future__ import annotations

from collections import Counter

from ..article import Article
from ..changes import find_changes, remember_vectors
from ..text.terms import words
from .align import Bead



def word_ngrams(text: str, n: int = 3) -> Counter:
    tokens = words(text)
    if len(tokens) < n:
        return Counter([" ".join(tokens)]) if tokens else Counter()
    return Counter(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def overlap(a: str, b: str, n: int = 3) -> float:
    """Share of the shorter text's word n-grams found in the other (containment)."""
    ga, gb = word_ngrams(a, n), word_ngrams(b, n)
    if not ga or not gb:
        return 0.0
    common = sum((ga & gb).values())
    return common / min(sum(ga.values()), sum(gb.values()))


def _text(article: Article, indices: list[int]) -> str:
    return " ".join(article.sentences[i].text for i in indices)


def _trim(bead: Bead, min_score: float) -> Bead:
    """Drop from a merged bead the member that does not align on its own: a spinner often splits
    a source sentence and fills one half with an injected opinion; the opinion is inserted, not
    translated. The dropped member then shows as inserted (derived) or omitted (source)."""
    if not bead.members:
        return bead
    weak = [k for k, v in bead.members.items() if v < min_score]
    if len(weak) != 1:
        return bead
    derived = [i for i in bead.derived if not (len(bead.derived) > 1 and i in weak)]
    source = [j for j in bead.source if not (len(bead.source) > 1 and j in weak)]
    return Bead(derived, source, bead.score, bead.cosine, bead.reordered)


def roles(derived: Article, source: Article, beads: list[Bead], min_score: float,
          verbatim_overlap: float, translation_score: float,
          furniture: tuple[list[bool], list[bool]] | None = None, with_changes: bool = True) -> list[dict]:
    """The alignment as JSON-able rows ``{"derived", "source", "role", "score", "detail"}``, in
    derived order, with omitted source sentences placed after the row that precedes them.

    ``furniture``: page-furniture flags of the two sides' sentences (captions, credits, bylines,
    share lines; ``text.boilerplate``). An unaligned furniture sentence gets the role
    ``furniture``: it is neither content the derived article added nor content it dropped."""
    same_language = (derived.lang or "") == (source.lang or "")
    fd, fs = furniture or ([False] * len(derived.sentences), [False] * len(source.sentences))
    rows: list[dict] = []
    beads = [_trim(b, min_score) for b in beads]
    for bead in beads:
        d_text, s_text = _text(derived, bead.derived), _text(source, bead.source)
        lexical = overlap(d_text, s_text) if same_language else 0.0
        if same_language and lexical >= verbatim_overlap:
            role = "copied"
        elif not same_language and bead.score >= translation_score:
            role = "translated"
        else:
            role = "paraphrased"
        # A loose match (a paraphrase across languages, or a weak bead) may pair a sentence with
        # its neighbour's counterpart: only its figures and dates are compared there.
        sure = role in ("copied", "translated") or bead.score >= translation_score
        near = [j for j in (min(bead.source) - 1, max(bead.source) + 1) if 0 <= j < len(source.sentences)] \
            if bead.source else []
        if with_changes and sure and not same_language and len(bead.derived) == len(bead.source) == 1 \
                and derived.vectors is not None and source.vectors is not None:
            # the negation check across languages (changes._negation_explains) reads these
            remember_vectors([d_text, s_text], [derived.vectors[bead.derived[0]], source.vectors[bead.source[0]]])
        changes = find_changes(d_text, s_text, derived.lang, source.lang, derived.text, source.text,
                               facts_only=not sure, source_nearby=_text(source, near)) if with_changes else []
        detail = None
        aligned_as = role
        if changes:
            role, detail = "altered", "; ".join(c.line() for c in changes)
        elif bead.reordered:
            detail = "moved"
        rows.append({"derived": bead.derived, "source": bead.source, "role": role, "aligned_as": aligned_as,
                     "score": round(bead.score, 4), "detail": detail, "lexical": round(lexical, 3),
                     "changes": [c.as_dict() for c in changes]})
    aligned_d = {i for b in beads for i in b.derived}
    aligned_s = {j for b in beads for j in b.source}
    for i in range(len(derived.sentences)):
        if i not in aligned_d:
            role = "furniture" if fd[i] else "inserted"
            rows.append({"derived": [i], "source": [], "role": role, "aligned_as": role, "score": None,
                         "detail": "page furniture" if fd[i] else None, "lexical": 0.0, "changes": []})
    rows.sort(key=lambda r: r["derived"][0])
    # Place each omitted source sentence after the last row that aligned an earlier source sentence.
    for j in range(len(source.sentences)):
        if j in aligned_s:
            continue
        at = 0
        for pos, r in enumerate(rows):
            if r["source"] and max(r["source"]) < j:
                at = pos + 1
        role = "furniture" if fs[j] else "omitted"
        rows.insert(at, {"derived": [], "source": [j], "role": role, "aligned_as": role, "score": None,
                         "detail": "page furniture" if fs[j] else None, "lexical": 0.0, "changes": []})
    return rows
