"""Local evidence of derivation: a run of reused sentences, whatever share of either side it covers.

Whole-document coverage cannot see an excerpt, a two-sentence brief, or a wire passage inside a
local story: most of one side is unmatched. Text-reuse tools (passim, BLAST-style aligners) decide
on local evidence instead: a stretch of aligned text, in order, that stands out from the matches
two articles on one topic get by chance. Independent reports of one event match one or two salient
sentences (the lead fact, a quotation), rarely a run of consecutive sentences, and rarely share
long word sequences outside quotation marks.

Two measures, each against the pair's own background:

* **The run**: the best chain of sentence matches on the aligner's in-order path, holding a clear one, each
  following the previous one within one skipped sentence on either side (an inserted persona
  sentence or a dropped caption does not break it), leaving out page furniture and sentences that
  are quotations on both sides. Its **chance** is the number of such runs two articles would show
  by accident: with ``C`` clear cells in the ``n x m`` score matrix, about ``C * (C / nm)^(k-1)``
  runs of length ``k``; the evidence is ``-log10`` of that (how many orders of magnitude the run
  beats chance).
* **Shared wording** (one language only): word sequences of at least ``SHARED_MIN`` words that
  both articles have outside quotations and page furniture; copies carry whole clauses, independent
  reports only names, titles and quoted words.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..article import Article
from ..embed.tokens import get_token_states, word_alignment
from ..text.anchors import _QUOTE
from ..text.sentences import quoted_share
from ..text.terms import words as text_words
from .align import Bead

_WORD = re.compile(r"\w+", re.UNICODE)
# Scripts written without spaces: every character is a token (a word of Japanese or Chinese is
# one to three characters), and a shared sequence needs twice as many tokens.
_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]|\w+", re.UNICODE)
UNSPACED = {"ja", "zh", "th", "ko", "lo", "km", "my"}

# Shortest word sequence counted as shared wording: long enough that two independent reports
# rarely write it alike ("the prison service said on Friday" is six words).
SHARED_MIN = 8

# Sentences skipped between two matches of one run, on either side.
RUN_GAP = 1

# How many Latin-script characters one wide character (CJK ideographs, kana, hangul, full-width
# forms) says, for comparing the lengths of a sentence and its translation: a Japanese
# translation is about a third of its English source in characters. Fitted on wmt21-mt's
# English-Japanese document pairs (the median log length ratio is 0.01 at 2.8, -0.31 at 2.0);
# on wmt21-human the same factor gives 0.03. Other scripts need none: their pairs' median log
# ratios are 0.00-0.11 in characters.
WIDE_CHARS = 2.8


def text_length(text: str) -> float:
    """A sentence's length in Latin-script characters, comparable across scripts."""
    wide = sum(1 for c in text if c >= "\u1100" and unicodedata.east_asian_width(c) in "WF")
    return len(text) + (WIDE_CHARS - 1.0) * wide


@dataclass
class Evidence:
    """The local evidence of one aligned pair (derived side first)."""

    run: int = 0  # clear matches in the longest in-order run
    run_score: float = 0.0  # the run's summed bead scores
    run_share: float = 0.0  # the run's text over the shorter side's text (characters, furniture left out)
    chance: float = 0.0  # -log10 of the runs of that length expected by chance in this pair
    run_cosine: float = 0.0  # the run's mean raw cosine
    run_mutual: float = 0.0  # share of the run's matches that are each other's best match both ways
    run_lead: float = 0.0  # the run's mean lead of each match over the next best in its row and column
    run_length_gap: float = 0.0  # mean |log| of the length ratio of the run's matched sentences
    run_numbers: float = 0.0  # share of the numbers in the run's matched sentences found on both sides
    shared_words: int = 0  # words in shared sequences of >= SHARED_MIN words, unquoted (same language)
    shared_longest: int = 0  # the longest such sequence
    shared_share: float = 0.0  # shared_words over the shorter side's unquoted words
    # Across languages, where the link model is unsure: the run's word alignment (link.decide,
    # CrossCheck) and the probability before it; -1 where not measured.
    word_alignment: float = -1.0
    probability_before: float = -1.0
    # The run's beads, (derived sentences, source sentences): what word_alignment reads. Not
    # stored with the link (as_dict leaves it out).
    run_beads: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()
                if k != "run_beads" and not (k in ("word_alignment", "probability_before") and v < 0)}


def _unquoted_words(article: Article, furniture: list[bool]) -> tuple[str, ...]:
    return _words_outside(tuple(s.text for s, f in zip(article.sentences, furniture) if not (f or s.quoted)),
                          article.lang in UNSPACED)


@lru_cache(maxsize=2048)
def _words_outside(sentences: tuple[str, ...], unspaced: bool) -> tuple[str, ...]:
    """The words of these sentences outside their quotations (kept: an article meets a dozen
    candidates while a store is linked)."""
    tokens = _CHARS if unspaced else _WORD
    words: list[str] = []
    for text in sentences:
        words += text_words(_QUOTE.sub(" ", text), tokens)
    return tuple(words)


def shared_wording(a: Article, b: Article, fa: list[bool], fb: list[bool],
                   min_words: int = SHARED_MIN) -> tuple[int, int, int]:
    """``(shared words, longest shared sequence, the shorter side's unquoted words)``: words of
    ``a`` inside sequences of at least ``min_words`` words that ``b`` also has, outside quotations
    and page furniture."""
    if a.lang in UNSPACED:
        min_words *= 2
    wa, wb = _unquoted_words(a, fa), _unquoted_words(b, fb)
    shorter = min(len(wa), len(wb))
    if shorter < min_words:
        return 0, 0, shorter
    grams_b = {tuple(wb[i:i + min_words]) for i in range(len(wb) - min_words + 1)}
    covered = [False] * len(wa)
    for i in range(len(wa) - min_words + 1):
        if tuple(wa[i:i + min_words]) in grams_b:
            for k in range(i, i + min_words):
                covered[k] = True
    total = sum(covered)
    longest = run = 0
    for c in covered:
        run = run + 1 if c else 0
        longest = max(longest, run)
    return total, longest, shorter


# A sentence whose quotation is a third of it or more is about the quotation: two reports of one
# statement match on it ("«the end of an era of dependence», the prime minister said").
QUOTING_SHARE = 0.3


def _quoting(sentence, share: float) -> bool:
    return sentence.quoted or share >= QUOTING_SHARE


# Two sentences that both carry a quotation of at least this share match on the quotation and its
# speaker however little of either it is ("«totalement fausses» et relèvent de la «pure fiction», a
# rétorqué Adrienne Watson, porte-parole du Conseil..." and its English counterpart): independent
# reports of one statement, above all across languages, where the words cannot tell copy from report.
QUOTED_BOTH = 0.15


def _headline(article: Article, sentence) -> bool:
    """A headline among the sentences: the title repeated, or a first line without a sentence's
    closing punctuation."""
    text = sentence.text.strip()
    if article.title and text == article.title.strip():
        return True
    return sentence.index == 0 and len(text) < 160 and not text.endswith((".", "!", "?", "。", "…", "»", "\"", "”", "؟"))


def _clear_run(beads: list[Bead], clear: float, skip_d: set[int], skip_s: set[int],
               floor: float) -> list[Bead]:
    """The in-order chain of aligned beads (score at least ``floor``) with the highest summed
    score that holds at least one clear match (score at least ``clear``): a seed and its
    extension, as BLAST-style aligners grow a hit. A weak match next to strong ones in order is
    evidence too (short or low-resource sentences score low even when they are translations).
    Beads touching a skipped sentence (page furniture, a quotation) take no part, and skipped
    sentences do not count in the gaps: between two neighbours of the chain at most RUN_GAP
    other sentences on each side."""
    usable = sorted((b for b in beads if not b.reordered and b.score >= floor
                     and not set(b.derived) & skip_d and not set(b.source) & skip_s),
                    key=lambda b: b.derived[0])
    best: list[Bead] = []
    current: list[Bead] = []

    def value(chain: list[Bead]) -> float:
        return sum(b.score for b in chain) if any(b.score >= clear for b in chain) else 0.0

    for bead in usable:
        if current:
            last = current[-1]
            gap_d = sum(1 for i in range(last.derived[-1] + 1, bead.derived[0]) if i not in skip_d)
            gap_s = sum(1 for j in range(last.source[-1] + 1, bead.source[0]) if j not in skip_s)
            if bead.source[0] <= last.source[-1] or gap_d > RUN_GAP or gap_s > RUN_GAP:
                current = []
        current.append(bead)
        if value(current) > value(best):
            best = list(current)
    return best


def local_evidence(derived: Article, source: Article, beads: list[Bead], score: np.ndarray | None,
                   clear: float, fd: list[bool], fs: list[bool], same_language: bool,
                   floor: float = 0.1) -> Evidence:
    """Measure the run and the shared wording of an aligned pair (module docstring).

    Args:
        beads: the alignment (derived -> source).
        score: the pair-score matrix the beads were chosen from (derived x source).
        clear: the bead score from which a match counts as clear (a run needs one).
        floor: the least bead score that extends a run (the aligner's gap threshold).
        fd, fs: page-furniture flags of the two sides' sentences.
    """
    ev = Evidence()
    # Quotations say nothing: independent reports quote the same people. Nor does furniture, nor
    # a headline: two reports of one event have headlines that say the same thing.
    share_d = [quoted_share(s.text) for s in derived.sentences]  # once per sentence, for both rules
    share_s = [quoted_share(s.text) for s in source.sentences]
    skip_d = {s.index for s, f in zip(derived.sentences, fd)
              if f or _quoting(s, share_d[s.index]) or _headline(derived, s)}
    skip_s = {s.index for s, f in zip(source.sentences, fs)
              if f or _quoting(s, share_s[s.index]) or _headline(source, s)}
    for b in beads:
        if any(share_d[i] >= QUOTED_BOTH for i in b.derived) and any(share_s[j] >= QUOTED_BOTH for j in b.source):
            skip_d.update(b.derived)
            skip_s.update(b.source)
    run = _clear_run(beads, clear, skip_d, skip_s, floor)
    if run and score is not None and score.size:
        keep_d = [i for i in range(score.shape[0]) if not fd[i]]
        keep_s = [j for j in range(score.shape[1]) if not fs[j]]
        sub = score[np.ix_(keep_d, keep_s)] if keep_d and keep_s else score
        cells = sub.size
        # The background: cells scoring at least as well as the run's weakest match.
        weakest = min(b.score for b in run)
        clear_cells = max(len(run), int((sub >= weakest).sum()))
        k = len(run)
        expected = clear_cells * (clear_cells / cells) ** (k - 1)
        ev.run = k
        ev.run_beads = [(tuple(b.derived), tuple(b.source)) for b in run]
        ev.run_score = float(sum(b.score for b in run))
        ev.chance = -math.log10(max(expected, 1e-12))
        chars_d = sum(len(derived.sentences[i].text) for b in run for i in b.derived)
        chars_s = sum(len(source.sentences[j].text) for b in run for j in b.source)
        total_d = sum(len(s.text) for s, f in zip(derived.sentences, fd) if not f) or 1
        total_s = sum(len(s.text) for s, f in zip(source.sentences, fs) if not f) or 1
        ev.run_share = min(1.0, max(chars_d / total_d, chars_s / total_s))
        ev.run_cosine = float(np.mean([b.cosine for b in run]))
        mutual, leads = 0, []
        for b in run:
            i, j = b.derived[0], b.source[0]
            row, col = score[i].copy(), score[:, j].copy()
            mutual += int(row.argmax() == j and col.argmax() == i)
            row[j], col[i] = -np.inf, -np.inf
            nxt = max(row.max() if row.size > 1 else -np.inf, col.max() if col.size > 1 else -np.inf)
            leads.append(float(score[i, j] - nxt) if np.isfinite(nxt) else 1.0)
        ev.run_mutual = mutual / k
        ev.run_lead = float(np.mean(leads))
        # A translation keeps each sentence's length and numbers; two reports of one fact that
        # match on meaning say it at other lengths, with other figures around it.
        gaps, shared, seen = [], 0, 0
        for b in run:
            ld = sum(text_length(derived.sentences[i].text) for i in b.derived)
            ls = sum(text_length(source.sentences[j].text) for j in b.source)
            gaps.append(abs(math.log(max(ld, 1) / max(ls, 1))))
            nd = {a.value for i in b.derived for a in derived.sentences[i].anchors if a.kind == "number"}
            ns = {a.value for j in b.source for a in source.sentences[j].anchors if a.kind == "number"}
            shared += len(nd & ns)
            seen += len(nd | ns)
        ev.run_length_gap = float(np.mean(gaps))
        ev.run_numbers = shared / seen if seen else 0.0
    if same_language:
        words, longest, shorter = shared_wording(derived, source, fd, fs)
        ev.shared_words, ev.shared_longest = words, longest
        ev.shared_share = words / shorter if shorter else 0.0
    return ev


# Beads of a run read word by word: a whole translation's run holds dozens, and four say as much
# as all of them of how the words were rendered.
ALIGN_BEADS = 4


def run_word_alignment(derived: Article, source: Article, run_beads: list, layer: int,
                       max_beads: int = ALIGN_BEADS) -> float:
    """The mean word alignment (``embed.tokens.word_alignment``) of the run's first
    ``max_beads`` beads, each bead's sentences read as one text: about 0.6 for a translation,
    0.45-0.5 for two reports of one event in two languages (docs/linking.md, *Word alignment
    across languages*)."""
    states = get_token_states(layer)
    values = []
    for d, s in run_beads[:max_beads]:
        a = states.states(" ".join(derived.sentences[i].text for i in d))
        b = states.states(" ".join(source.sentences[j].text for j in s))
        values.append(word_alignment(a, b))
    return float(np.mean(values)) if values else 0.0
