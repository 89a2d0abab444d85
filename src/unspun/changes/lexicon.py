"""The word lists behind change detection (``lexicon.toml``), compiled once per language."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.toml")

# Patterns for one purpose; each is optional per language.
SINGLE = ("negation", "negation_weak", "negation_idiom", "hedge", "hedge_weak", "hedge_idiom", "accusation",
          "conditional", "claim", "assertive", "speech", "vague", "vague_weak", "masculine", "feminine", "impersonal",
          "article_masculine", "article_feminine", "count_before", "thing_name", "designation",
          "role_masculine", "unlawful", "masculine_or_thing")
SEQUENCES = {"weekdays": 7, "months": 12, "relative": 3}


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The compiled patterns of one language; ``None`` where the language has no list. One object
    per language (``lexicon`` is cached), hashed by identity, so results can be cached by it."""

    lang: str
    patterns: dict[str, re.Pattern | None] = field(default_factory=dict)
    sequences: dict[str, tuple[re.Pattern, ...]] = field(default_factory=dict)
    evaluative: dict[str, re.Pattern] = field(default_factory=dict)
    # Each sequence's patterns as one alternation: most sentences name no weekday, month or
    # relative day, and one search says so where a dozen would.
    any_of: dict[str, re.Pattern] = field(default_factory=dict)

    def get(self, name: str) -> re.Pattern | None:
        return self.patterns.get(name)

    def may_hold(self, sequence: str, text: str) -> bool:
        """Whether any pattern of ``sequence`` may match in ``text`` (False only when none does)."""
        combined = self.any_of.get(sequence)
        return combined is None or combined.search(text) is not None


def _compile(pattern: str, where: str) -> re.Pattern | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.IGNORECASE | re.UNICODE)
    except re.error as e:  # a broken list is a bug in the package, not in the input
        raise ValueError(f"{LEXICON_FILE.name} [{where}]: {e}") from e


@lru_cache(maxsize=1)
def _raw() -> dict:
    with open(LEXICON_FILE, "rb") as f:
        return tomllib.load(f)


def languages() -> tuple[str, ...]:
    return tuple(sorted(_raw()))


@lru_cache(maxsize=64)
def lexicon(lang: str | None) -> Lexicon | None:
    """The lexicon of ``lang`` (its primary subtag: "pt-BR" -> "pt"), or None when there is none."""
    if not lang:
        return None
    code = lang.lower().split("-")[0].split("_")[0]
    data = _raw().get(code)
    if data is None:
        return None
    patterns = {name: _compile(data.get(name, ""), f"{code}.{name}") for name in SINGLE}
    sequences = {}
    for name, size in SEQUENCES.items():
        items = data.get(name) or []
        if items and len(items) != size:
            raise ValueError(f"{LEXICON_FILE.name} [{code}.{name}]: {len(items)} patterns, expected {size}")
        if items:
            sequences[name] = tuple(_compile(p, f"{code}.{name}") for p in items)
    evaluative = {k: _compile(v, f"{code}.evaluative.{k}") for k, v in (data.get("evaluative") or {}).items()}
    any_of = {name: _compile("|".join(f"(?:{p.pattern})" for p in items), f"{code}.{name}")
              for name, items in sequences.items()}
    return Lexicon(code, patterns, sequences, {k: v for k, v in evaluative.items() if v is not None}, any_of)
