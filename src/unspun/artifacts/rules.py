"""Artifact rules as data: one TOML file per language under ``rules/``, plus ``universal.toml``.

A rules file looks like::

    lang = "fr"
    name = "French"
    attribution = '''\\b(?:a-t-il|a-t-elle)\\s+(?:dit|déclaré)\\b'''   # optional

    [[rule]]
    id = "fr.persona.en-tant-que"
    kind = "persona"
    pattern = '''^En tant qu{APOS}?e?\\s[^.!?]{2,160}?,\\s*(?:je|j{APOS})'''
    reason = "first-person role sentence (« En tant que …, je … ») in news prose"

Fields of a rule: ``id`` (unique, the ``rule`` of each finding), ``kind`` (one of ``KINDS``),
``pattern`` (a Python regex, case-insensitive unless ``case = true``), ``reason`` (one line;
``{match}`` is replaced by the matched text), ``scope`` (``sentence``: each unquoted sentence;
``line``: each line of the text; ``last-line`` / ``first-lines``: the end or the head of the text),
``span`` (``sentence``: flag the whole sentence or line, ``match``: only the matched text),
``all_langs`` (``true``: apply to articles in every language, for English chatbot leftovers that
appear whatever the article's language), ``check`` (the name of a built-in structural check
instead of a pattern, such as ``title-repeat``), ``weak`` (``true`` for a persona rule whose
match alone is ambiguous, such as a bare "I think": it counts only beside a strong finding, or
when first person is an exception in the article; see ``detector.py``).

Macros keep patterns readable across languages: ``{APOS}`` is any apostrophe, ``{Q}`` any
quotation mark, ``{I}`` a first-person-singular marker is left to each language.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import UnspunError

KINDS = ("persona", "assistant", "prompt-leak", "engagement", "scrape")
SCOPES = ("sentence", "line", "last-line", "first-lines")

_MACROS = {
    "{APOS}": "['’ʼ`´]",
    "{Q}": "[\"'«»“”„‘’‚「」『』]",
}


class RuleError(UnspunError):
    """A rules file is malformed (bad kind, scope or regex)."""

    hint = "Fix the rules file named in the message; see docs/artifacts.md for the format"


@dataclass(frozen=True)
class Rule:
    """One artifact rule: a pattern of one kind, with the reason shown to the user."""

    id: str
    kind: str
    reason: str
    lang: str
    pattern: re.Pattern | None = None
    scope: str = "sentence"
    span: str = "sentence"
    all_langs: bool = False
    check: str | None = None
    weak: bool = False


@dataclass(frozen=True)
class RuleSet:
    """The rules of one language file, with its speech-attribution pattern."""

    lang: str
    name: str
    rules: tuple[Rule, ...]
    attribution: re.Pattern | None = None
    first_person: re.Pattern | None = None


def _expand(pattern: str) -> str:
    for macro, value in _MACROS.items():
        pattern = pattern.replace(macro, value)
    return pattern


def _compile(pattern: str, case: bool, where: str) -> re.Pattern:
    try:
        return re.compile(_expand(pattern), 0 if case else re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {pattern!r}: {exc}") from exc


def parse_rules(data: dict, source: str) -> RuleSet:
    """Validate one parsed rules file and compile its patterns.

    Raises ``RuleError`` naming ``source`` and the rule for any bad field.
    """
    lang = data.get("lang")
    if not lang:
        raise RuleError(f"{source}: missing 'lang'")
    rules = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("rule", [])):
        where = f"{source} rule {raw.get('id', i)}"
        rule_id = raw.get("id")
        if not rule_id or rule_id in seen:
            raise RuleError(f"{where}: missing or duplicate id")
        seen.add(rule_id)
        kind, scope = raw.get("kind"), raw.get("scope", "sentence")
        if kind not in KINDS:
            raise RuleError(f"{where}: kind {kind!r} is not one of {KINDS}")
        if scope not in SCOPES:
            raise RuleError(f"{where}: scope {scope!r} is not one of {SCOPES}")
        if not raw.get("reason"):
            raise RuleError(f"{where}: missing reason")
        if ("pattern" in raw) == ("check" in raw):
            raise RuleError(f"{where}: give exactly one of 'pattern' or 'check'")
        pattern = _compile(raw["pattern"], raw.get("case", False), where) if "pattern" in raw else None
        rules.append(Rule(
            id=rule_id, kind=kind, reason=raw["reason"], lang=lang, pattern=pattern, scope=scope,
            span=raw.get("span", "sentence"), all_langs=raw.get("all_langs", False),
            check=raw.get("check"), weak=raw.get("weak", False),
        ))
    attribution = data.get("attribution")
    first_person = data.get("first_person")
    return RuleSet(
        lang=lang, name=data.get("name", lang), rules=tuple(rules),
        attribution=_compile(attribution, False, f"{source} attribution") if attribution else None,
        first_person=_compile(first_person, False, f"{source} first_person") if first_person else None,
    )


def _rules_dir():
    return resources.files("unspun.artifacts") / "rules"


def available_languages() -> list[str]:
    """Language codes that have a rules file (``universal`` excluded)."""
    return sorted(
        p.name[:-5] for p in _rules_dir().iterdir()
        if p.name.endswith(".toml") and p.name != "universal.toml"
    )


@lru_cache(maxsize=None)
def load_ruleset(name: str) -> RuleSet | None:
    """The parsed rules file ``rules/<name>.toml``, or None when there is none."""
    path = _rules_dir() / f"{name}.toml"
    if not path.is_file():
        return None
    return parse_rules(tomllib.loads(path.read_text(encoding="utf-8")), f"rules/{name}.toml")


@lru_cache(maxsize=None)
def rules_for(lang: str | None) -> tuple[RuleSet | None, tuple[Rule, ...]]:
    """The language's own rule set and every rule that applies to an article in ``lang``:
    universal rules, the language's rules, and other languages' ``all_langs`` rules."""
    own = load_ruleset(lang) if lang else None
    rules: list[Rule] = list(load_ruleset("universal").rules)
    if own is not None:
        rules.extend(own.rules)
    for other in available_languages():
        if other == lang:
            continue
        ruleset = load_ruleset(other)
        rules.extend(r for r in ruleset.rules if r.all_langs)
    return own, tuple(rules)
