"""Web page furniture: cookie banners, privacy notices, sign-in and comment forms.

Scrapers keep these sentences (trafilatura removes most of them from HTML, but corpora arrive as
extracted text), and two unrelated pages of one site share them word for word. The linker leaves
boilerplate sentences out of coverage and wording overlap, so a shared cookie banner is not a
copy. The patterns are data, one list per language, in ``boilerplate.toml``.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

RULES = Path(__file__).with_name("boilerplate.toml")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    shared = data.pop("any", [])
    compiled = {lang: re.compile("|".join(f"(?:{p})" for p in shared + pats), re.IGNORECASE)
                for lang, pats in data.items()}
    compiled[""] = re.compile("|".join(f"(?:{p})" for p in shared), re.IGNORECASE)
    return compiled


@lru_cache(maxsize=262_144)
def is_boilerplate(text: str, lang: str | None) -> bool:
    """Whether a sentence is page furniture rather than article text, by the rules for its
    language (and the language-independent ones)."""
    patterns = _patterns()
    pattern = patterns.get(lang or "", patterns[""])
    return pattern.search(text) is not None


def boilerplate_mask(sentences, lang: str | None) -> list[bool]:
    """One flag per sentence (objects with ``.text``)."""
    return [is_boilerplate(s.text, lang) for s in sentences]
