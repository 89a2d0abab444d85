"""Agency credits: which wire service an article says its text comes from.

Copies of a wire story carry the agency's credit: a dateline ("BUTLER, Pa. (AP) —", "MOSCOW,
February 7. /TASS/."), a credit line ("Credit: BBC", "GNA/Credit: BBC", "AGENCIA EFE",
"(Reportagem da Reuters)", "By AFP"). Two linked articles that credit the same agency, neither
being that agency's own site, are two copies of its text rather than one copied from the other:
their link gets the direction ``common-source``. The origin may not be in the store at all; the
link still shows that the two share text.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Agency: the spellings of its name in credits, and the registered domains of its own sites.
AGENCIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AP": (("AP", "Associated Press"), ("apnews.com", "ap.org")),
    "Reuters": (("Reuters", "REUTERS"), ("reuters.com",)),
    "AFP": (("AFP", "Agence France-Presse"), ("afp.com",)),
    "BBC": (("BBC",), ("bbc.com", "bbc.co.uk")),
    "IANS": (("IANS",), ("ians.in",)),
    "EFE": (("EFE",), ("efe.com",)),
    "dpa": (("dpa", "DPA"), ("dpa.com",)),
    "ANSA": (("ANSA",), ("ansa.it",)),
    "TASS": (("TASS", "ТАСС"), ("tass.com", "tass.ru")),
    "RIA Novosti": (("RIA Novosti", "РИА Новости"), ("ria.ru",)),
    "Interfax": (("Interfax", "Интерфакс"), ("interfax.ru", "interfax.com")),
    "Xinhua": (("Xinhua",), ("xinhuanet.com", "news.cn")),
    "Anadolu": (("Anadolu", "AA"), ("aa.com.tr",)),
    "PTI": (("PTI",), ("ptinews.com",)),
    "Ukrinform": (("Ukrinform", "Укрінформ", "Укринформ"), ("ukrinform.net", "ukrinform.ua", "ukrinform.ru")),
}

_CREDIT_WORDS = r"(?i:credit|crédit|crédito|credito|source|fuente|fonte|quelle|источник|джерело|photo|foto|фото)"
_BY_WORDS = r"(?i:by|par|por|von|agencia|agência|agence)"
_REPORTING = r"(?i:reporting|reportagem|reportaje|reportage|editing)"


def _names(names: tuple[str, ...]) -> str:
    """Short capitals (AP, AFP, EFE) match as written, so that "ap" inside a word never does;
    longer names in any case."""
    return "|".join(re.escape(n) if (n.isupper() and len(n) <= 4) else f"(?i:{re.escape(n)})" for n in names)


def _patterns() -> list[tuple[str, re.Pattern, re.Pattern]]:
    """Per agency: a quick test for its name anywhere in a text (every credit form holds it), and
    the credit forms."""
    out = []
    for agency, (names, _domains) in AGENCIES.items():
        alt = _names(names)
        out.append((agency, re.compile(alt), re.compile(
            rf"\((?:{alt})\)"  # (AP), (Reuters)
            rf"|/(?:{alt})/"  # /TASS/
            rf"|\b{_CREDIT_WORDS}\s*:\s*(?:{alt})\b"  # Credit: BBC
            rf"|\b[A-Z]{{2,6}}/(?:(?i:credit):\s*)?(?:{alt})\b"  # GNA/Credit: BBC
            rf"|\b(?:{alt})/[A-Z]{{2,6}}\b"  # BBC/GNA
            rf"|^\W*{_BY_WORDS}\s+(?:{alt})\W*$"  # By AFP, AGENCIA EFE
            rf"|\b{_REPORTING}\b[^.\n]{{0,60}}\b(?:{alt})\b"  # (Reportagem da Reuters)
            rf"|^\W*(?:{alt})\W*$"  # a credit line of its own: "AFP"
            rf"|\s[—–-]\s*(?:{alt})\.?\s*$",  # "БАКУ, 7 фев — Sputnik."
            re.MULTILINE)))
    return out


_COMPILED = _patterns()


@lru_cache(maxsize=65_536)
def credited_agencies(text: str) -> frozenset[str]:
    """The wire agencies that ``text`` credits (cached: asked again for every linked pair). The
    credit forms are tried only where the agency's name occurs: trying them on every text cost
    more than the rest of the credit check together."""
    return frozenset(agency for agency, name, pattern in _COMPILED if name.search(text) and pattern.search(text))


def own_agency(outlet: str | None) -> str | None:
    """The agency whose own site ``outlet`` (a registered domain) is, if any."""
    if not outlet:
        return None
    for agency, (_names, domains) in AGENCIES.items():
        if outlet in domains:
            return agency
    return None


def common_agency(text_a: str, outlet_a: str | None, text_b: str, outlet_b: str | None) -> str | None:
    """The agency both texts credit when neither is that agency's own site (then both copy its
    text), else None."""
    shared = credited_agencies(text_a) & credited_agencies(text_b)
    shared -= {own_agency(outlet_a), own_agency(outlet_b)}
    return sorted(shared)[0] if shared else None
