"""Language stage: needs ``text``; adds ``lang`` (ISO 639-1) with py3langid's bundled model."""
from __future__ import annotations

from functools import lru_cache

from ..article import Article

# Scripts that identify the language on their own; py3langid is weak on short texts in them.
_KANA = ("\u3040", "\u30ff")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """Return ``(language, probability)`` for a text. Only the first 5,000 characters are read:
    enough for a stable answer, and it keeps huge inputs cheap."""
    sample = text[:5000]
    if not sample.strip():
        return "und", 0.0
    if any(_KANA[0] <= ch <= _KANA[1] for ch in sample[:500]):
        return "ja", 1.0
    lang, prob = _identifier().classify(sample)
    return lang, float(prob)


def add_language(article: Article) -> Article:
    """Set ``article.lang`` unless the input already declared it."""
    if not article.lang:
        lang, prob = detect(((article.title or "") + "\n" + article.text))
        article.lang = lang
        article.meta["lang_probability"] = round(prob, 4)
    return article
