"""The machine-rewriting artifact detector: traces a rewriting model left in an article.

Kinds (see ``DESIGN.md``): ``persona``, ``assistant``, ``prompt-leak``, ``engagement``, ``scrape``.
Rules are data, one TOML file per language in ``rules/`` (see ``docs/artifacts.md``); this package
only runs them. The optional language-model score lives in ``unspun.artifacts.lm`` (extra
``unspun[lm]``) and is never imported from here, so importing this package stays cheap.
"""
from __future__ import annotations

from ..article import Article

# Bump when a rules file or the matching logic changes, so stored findings can be re-run.
RULES_VERSION = "1.0"

__all__ = ["RULES_VERSION", "detect", "detect_text"]


def detect(article: Article) -> dict:
    """Find machine-rewriting artifacts in an article.

    Args:
        article: an Article, ideally through ``unspun.pipeline.analyse`` (language and sentences);
            sentences are split here when missing, and the rules default to universal ones when
            ``article.lang`` is unknown.

    Returns:
        ``{"score": float in [0, 1], "artifacts": [{"kind", "start", "end", "text", "rule",
        "reason"}, ...]}`` with spans into ``article.text``, sorted by start.
    """
    from .detector import find_artifacts, score

    findings = find_artifacts(article)
    return {"score": score(findings), "artifacts": [f.as_dict() for f in findings]}


def detect_text(text: str, lang: str | None = None, title: str | None = None) -> dict:
    """``detect`` on a bare text: builds and analyses an Article (language detected when
    ``lang`` is None). Convenient for tests and the labelled set."""
    # The text stages only: the pipeline module would also import the embedding stack.
    from ..text.language import add_language
    from ..text.sentences import add_sentences

    article = add_sentences(add_language(Article(text=text, title=title, lang=lang)))
    return detect(article)
