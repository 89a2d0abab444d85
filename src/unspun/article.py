"""The one object every stage adds to: an Article, its Sentences and their Anchors.

Ingest fills url/outlet/title/text/published; the language stage sets ``lang``; the sentence
stage fills ``sentences`` (with character spans into ``text``); the anchor stage fills each
sentence's ``anchors``; the embedding stage fills ``vectors`` (one row per sentence).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np


def content_hash(text: str) -> str:
    """Stable hash of a piece of text (sha1 hex), used for dedup and the vector cache."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """A language-independent handle on a fact: a normalised number, a transliterated name,
    or a quotation. ``kind`` is one of ``number``, ``name``, ``quote``."""

    kind: str
    value: str


@dataclass
class Sentence:
    """One sentence of an article: its text and its span in ``Article.text``."""

    index: int
    text: str
    start: int
    end: int
    paragraph: int = 0
    quoted: bool = False  # the sentence is mostly a quotation
    anchors: list[Anchor] = field(default_factory=list)

    @property
    def hash(self) -> str:
        return content_hash(self.text)


@dataclass
class Article:
    """A news article as it flows through unspun's stages.

    ``id`` is the corpus id when the input had one (JSONL), otherwise derived from the text's hash.
    """

    text: str
    title: str | None = None
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    lang: str | None = None
    published: datetime | None = None
    source_path: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    vectors: np.ndarray | None = None  # (len(sentences), dim) float32, L2-normalised
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.id is None:
            self.id = self.content_hash[:16]

    @property
    def content_hash(self) -> str:
        """Hash of title and text: two inputs with the same hash are the same article."""
        return content_hash((self.title or "") + "\n\n" + self.text)

    def summary(self) -> dict[str, Any]:
        """The article's identifying fields as plain JSON-able data."""
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "lang": self.lang,
            "published": self.published.isoformat() if self.published else None,
            "title": self.title,
            "sentences": len(self.sentences),
        }
