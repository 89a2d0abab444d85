"""Find machine-rewriting artifacts in one analysed Article by running its language's rules.

Precision comes first: a sentence that reports facts or quotes someone must not be flagged. So

* text inside quotation marks is a person speaking, never a persona: matches that start inside a
  quotation (or in a sentence the sentence stage marked ``quoted``) are skipped;
* a first-person sentence with a speech-attribution verb ("…, she said") is reported speech and is
  skipped for ``persona`` rules;
* an article written in the first person throughout (a column, a letter, a blog) is its author's own
  voice, not an injected persona: ``persona`` findings are dropped there (see docs/artifacts.md).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..article import Article, Sentence
from .rules import KINDS, Rule, RuleSet, rules_for

# How much one artifact of a kind says that the article was machine-rewritten. Chatbot leftovers
# and leaked instructions are near-proof; a persona sentence is strong; a tag question or a
# scraping leftover is weak alone (human pages have them too).
KIND_WEIGHTS = {"assistant": 0.9, "prompt-leak": 0.8, "persona": 0.6, "engagement": 0.3, "scrape": 0.15}

# An article is "first-person throughout" when at least this share of its unquoted sentences
# (and at least FIRST_PERSON_MIN of them) speak in the first person singular. The Kallas spin has
# 6 in 30 (0.2); signed columns and letters run well above 0.4.
FIRST_PERSON_SHARE = 0.3
FIRST_PERSON_MIN = 4

# A weak persona rule ("I think …", "in my opinion") fires in talks, interviews and columns as well
# as in spins. Its findings are kept beside a strong finding (a role statement, a chatbot leftover,
# a leaked prompt), or when first person is the exception in the article: at most this many
# unquoted first-person sentences. Measured: Russian TED-talk transcripts in wmt21 have 11-15.
WEAK_MAX_FIRST_PERSON = 2

_OPEN_CLOSE = {"«": "»", "“": "”", "„": "“”", "\"": "\"", "「": "」", "『": "』", "‘": "’", "‹": "›"}


@dataclass
class Finding:
    """One artifact: its kind, its span in ``Article.text`` and the rule that found it."""

    kind: str
    start: int
    end: int
    text: str
    rule: str
    reason: str
    weak: bool = False

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text,
                "rule": self.rule, "reason": self.reason}


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks, paragraph by paragraph. A quotation left open at
    the end of its paragraph runs to the paragraph's end (news style for multi-paragraph quotes)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            closers = _OPEN_CLOSE.get(ch)
            # "‘" and straight quotes double as apostrophes only inside words (l'été, don't).
            if closers and not (ch in "\"‘" and i > 0 and line[i - 1].isalnum()):
                j = i + 1
                while j < n and line[j] not in closers:
                    j += 1
                spans.append((offset + i, offset + min(j + 1, n)))
                i = j + 1
                continue
            i += 1
        offset += n
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of ``text``, whitespace trimmed."""
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            out.append((start, start + len(stripped)))
        offset += len(line)
    return out


def _reason(rule: Rule, matched: str) -> str:
    return rule.reason.replace("{match}", matched.strip()[:80])


def _check_title_repeat(article: Article, rule: Rule) -> list[Finding]:
    """The title repeated as the first line of the text (or, with no title, the first line
    repeated as the second): a page scraped with its headline twice."""
    lines = _lines(article.text)
    if not lines:
        return []
    first = lines[0]
    if article.title and _norm(article.title) and _norm(article.text[first[0]:first[1]]) == _norm(article.title):
        dup = first
    elif not article.title and len(lines) > 1 and _norm(article.text[first[0]:first[1]]) == \
            _norm(article.text[lines[1][0]:lines[1][1]]) and len(_norm(article.text[first[0]:first[1]])) > 10:
        dup = lines[1]
    else:
        return []
    text = article.text[dup[0]:dup[1]]
    return [Finding(rule.kind, dup[0], dup[1], text, rule.id, _reason(rule, text))]


CHECKS = {"title-repeat": _check_title_repeat}


def _sentence_findings(rule: Rule, sentences: list[Sentence], text: str, quotes, ruleset) -> list[Finding]:
    out = []
    for s in sentences:
        if s.quoted:
            continue
        for m in rule.pattern.finditer(s.text):
            if _inside(s.start + m.start(), quotes):
                continue
            if rule.kind == "persona" and ruleset is not None and ruleset.attribution is not None \
                    and ruleset.attribution.search(s.text):
                break  # reported speech: "As a mother, I was scared," she said.
            start, end = (s.start, s.end) if rule.span == "sentence" else (s.start + m.start(), s.start + m.end())
            out.append(Finding(rule.kind, start, end, text[start:end], rule.id, _reason(rule, m.group(0)),
                               weak=rule.weak))
            break
    return out


def _line_findings(rule: Rule, text: str, quotes) -> list[Finding]:
    lines = _lines(text)
    if rule.scope == "last-line":
        lines = lines[-1:]
    elif rule.scope == "first-lines":
        lines = lines[:3]
    out = []
    for a, b in lines:
        m = rule.pattern.search(text[a:b])  # a slice, so that ^ and $ anchor to the line
        if not m or _inside(a + m.start(), quotes):
            continue
        start, end = (a, b) if rule.span == "sentence" else (a + m.start(), a + m.end())
        out.append(Finding(rule.kind, start, end, text[start:end], rule.id, _reason(rule, m.group(0))))
    return out


def _first_person_count(sentences: list[Sentence], ruleset: RuleSet | None, quotes) -> tuple[int, int]:
    """(unquoted sentences in the first person singular, unquoted sentences)."""
    if ruleset is None or ruleset.first_person is None:
        return 0, len(sentences)
    unquoted = [s for s in sentences if not s.quoted]
    hits = 0
    for s in unquoted:
        m = ruleset.first_person.search(s.text)
        if m and not _inside(s.start + m.start(), quotes):
            hits += 1
    return hits, len(unquoted)


def _filter_persona(findings: list[Finding], sentences, ruleset, quotes) -> list[Finding]:
    """Drop persona findings where first person is the article's own voice (see the module doc),
    and weak ones that stand alone in a text where first person is common."""
    if not any(f.kind == "persona" for f in findings):
        return findings
    hits, unquoted = _first_person_count(sentences, ruleset, quotes)
    if hits >= FIRST_PERSON_MIN and hits >= FIRST_PERSON_SHARE * max(1, unquoted):
        return [f for f in findings if f.kind != "persona"]
    strong = any(f.kind in ("assistant", "prompt-leak") or (f.kind == "persona" and not f.weak) for f in findings)
    if strong or hits <= WEAK_MAX_FIRST_PERSON:
        return findings
    return [f for f in findings if not f.weak]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per span: the strongest kind wins; a finding inside another of the same kind
    (a matched phrase inside its flagged sentence) is dropped."""
    order = {k: i for i, k in enumerate(KINDS)}
    strength = sorted(KIND_WEIGHTS, key=KIND_WEIGHTS.get, reverse=True)
    findings.sort(key=lambda f: (f.start, -f.end, strength.index(f.kind), f.rule))
    kept: list[Finding] = []
    for f in findings:
        if any(k.start == f.start and k.end == f.end for k in kept):
            continue
        if any(k.kind == f.kind and k.start <= f.start and f.end <= k.end for k in kept):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, order[f.kind]))
    return kept


def score(findings: list[Finding]) -> float:
    """Article-level score in [0, 1]: 1 - prod(1 - weight of each finding's kind)."""
    p = 1.0
    for f in findings:
        p *= 1.0 - KIND_WEIGHTS[f.kind]
    return round(1.0 - p, 4)


def find_artifacts(article: Article) -> list[Finding]:
    """All artifacts in an article, sorted by start. Splits sentences itself when the article has
    not been through the sentence stage."""
    text = article.text or ""
    sentences = article.sentences
    if not sentences and text.strip():
        from ..text.sentences import split_sentences

        sentences = split_sentences(text, article.lang)
    ruleset, rules = rules_for(article.lang)
    quotes = quote_spans(text)
    findings: list[Finding] = []
    for rule in rules:
        if rule.check is not None:
            findings.extend(CHECKS[rule.check](article, rule))
        elif rule.scope == "sentence":
            findings.extend(_sentence_findings(rule, sentences, text, quotes, ruleset))
        else:
            findings.extend(_line_findings(rule, text, quotes))
    return _dedupe(_filter_persona(findings, sentences, ruleset, quotes))
