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
def _rules() -> dict[str, list[str]]:
    """The rules per language; ``""`` holds the language-independent ones."""
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    data[""] = data.pop("any", [])
    return data


@lru_cache(maxsize=None)
def _pattern(lang: str) -> re.Pattern | None:
    """One language's rules compiled, when the language is first met: compiling every
    language's rules (each with the shared ones) at once cost a third of a second per process."""
    rules = _rules().get(lang)
    return re.compile("|".join(f"(?:{p})" for p in rules), re.IGNORECASE) if rules else None


@lru_cache(maxsize=262_144)
def is_boilerplate(text: str, lang: str | None) -> bool:
    """Whether a sentence is page furniture rather than article text, by the rules for its
    language and the language-independent ones."""
    return any(p is not None and p.search(text) for p in (_pattern(""), _pattern(lang or "")))


def boilerplate_mask(sentences, lang: str | None) -> list[bool]:
    """One flag per sentence (objects with ``.text``)."""
    return [is_boilerplate(s.text, lang) for s in sentences]
