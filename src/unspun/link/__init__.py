"""Compare articles: align, classify, explain; link a whole store; trace one article.

``compare(a, b)`` is the one function every interface uses for a pair, so a pair gets one answer
in the CLI, the web UI and the Spark job.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..article import Article
from ..changes.opinion import mark_opinion
from ..embed import encoder_model_id, get_encoder
from ..errors import StoreReadOnly
from ..index.candidates import CandidateIndex
from ..embed.vectors import doc_vector, ensure_vectors
from ..settings import Settings
from ..text.boilerplate import boilerplate_mask
from ..store import Store
from .align import Bead, align, margin_matrix, pair_score
from .classify import Features, derivation_probability, features, kind_of
from .credits import common_agency
from .decide import chat_output, decision_inputs, link_threshold, load_model
from .evidence import Evidence, local_evidence, run_word_alignment
from .explain import roles
from .families import join_families
from .gate import worth_aligning
from .graph import orient_compilations, prune_explained
from .style import machine_style

# Artifact score from which a derived article counts as machine-spun (see unspun.artifacts).
SPUN_SCORE = 0.5

# Bead score above which a match counts as clear (strong_share) and a cross-language match as a translation.
STRONG_OFFSET = 0.3


@dataclass
class Comparison:
    """The result of comparing two articles, oriented derived -> source."""

    derived: Article
    source: Article
    linked: bool
    kind: str  # a derived kind when linked, else "same-event" or "unrelated"
    confidence: float
    direction: str  # "dated": by publication time; "uncertain": without dates; "common-source": both copy a third text
    derived_coverage: float
    source_coverage: float
    features: Features
    alignment: list[dict]
    evidence: Evidence | None = None
    inputs: list[float] | None = None  # the link model's inputs the decision was made with (link.decide)
    opinion_share: float = 0.0  # share of the derived text that is inserted opinion (changes.opinion)
    probability: float = 0.0  # the link model's probability (link.decide), linked or not

    def link_row(self) -> dict:
        return {
            "derived": self.derived.id, "source": self.source.id, "kind": self.kind,
            "confidence": round(self.confidence, 4), "direction": self.direction,
            "derived_coverage": round(self.derived_coverage, 4), "source_coverage": round(self.source_coverage, 4),
            # The evidence that decided the link: the whole-document features (with the
            # classifier's probability) and the local evidence (link.evidence).
            "features": {**self.features.as_dict(),
                         "document_probability": self.features.values.get("document_probability"),
                         "opinion_share": round(self.opinion_share, 4),
                         "evidence": self.evidence.as_dict() if self.evidence else None},
        }


def _swap(beads: list[Bead]) -> list[Bead]:
    """The beads read from the other side (a merged bead keeps its members' own scores)."""
    return [Bead(b.source, b.derived, b.score, b.cosine, b.reordered, b.members) for b in beads]


def _artifact_score(article: Article) -> float:
    return float(article.meta.get("artifact_score") or 0.0)


def _orient(a: Article, b: Article, fa: Features) -> tuple[bool, str]:
    """Decide whether ``a`` is the derived side, for deciding the link. Returns
    ``(a_is_derived, direction)``.

    The earlier publication is the source. Without dates: an article carrying machine-rewriting
    artifacts is the derived one; else the side whose text is more fully carried over into the
    other is the derived one — translators and rewriters drop more than they add, so the source
    keeps material the derivation lacks. Such a guess is reported as ``uncertain``; once a pair is
    linked, ``_by_style`` may still turn it round."""
    if a.published and b.published and a.published != b.published:
        ta = a.published.replace(tzinfo=None) if a.published.tzinfo else a.published
        tb = b.published.replace(tzinfo=None) if b.published.tzinfo else b.published
        return ta > tb, "dated"
    if _artifacts_decide(a, b):
        return _artifact_score(a) > _artifact_score(b), "uncertain"
    if abs(fa.derived_coverage - fa.source_coverage) >= 0.02:
        return fa.derived_coverage > fa.source_coverage, "uncertain"
    # No evidence either way: the article seen first is taken as the source (crawls and feeds
    # usually meet an original before its copies).
    return _seen_after(a, b), "uncertain"


def _artifacts_decide(a: Article, b: Article) -> bool:
    """Whether one article carries clearly more machine-rewriting artifacts than the other."""
    return abs(_artifact_score(a) - _artifact_score(b)) >= 0.5


def _by_style(a: Article, b: Article, settings: Settings) -> bool | None:
    """Whether ``a`` is the derived side by machine style: of two articles in one language, the
    one that reads more like language-model prose by ``orient_style_margin`` (``link.style``).
    None when the probe has no answer (other languages, another encoder, too close to call).

    Used only for an ``uncertain`` direction that artifacts did not decide, and only once a pair
    is linked: the link classifier was fitted on the coverage orientation of ``_orient``, so the
    decision to link keeps it. On the dev corpora this picks the labelled derived side of 98.6% of
    linked LLM rewrites, against 81% by coverage (docs/linking.md)."""
    if a.lang != b.lang:
        return None
    model = encoder_model_id(settings.encoder)
    ma = machine_style(doc_vector(a.vectors), a.lang, model)
    mb = machine_style(doc_vector(b.vectors), b.lang, model)
    if ma is None or mb is None or abs(ma - mb) < settings.orient_style_margin:
        return None
    return ma > mb


def _rewritten_by_a_model(a: Article, b: Article, f: Features, settings: Settings,
                          features_if: Callable[[bool], Features]) -> bool:
    """Whether the whole-document rule applies to this pair: in one language, when one article
    reads more like language-model prose than the other by ``orient_style_margin``
    (``link.style``: a model rewrote the other). Two human reports of one event in one language
    reach the classifier's threshold on the real clusters (five of 668 independent pairs);
    language-model rewrites of a source, which the link model reads as weak local evidence, are
    what the rule is for. Never across languages: the link model links every translation of the
    dev corpora without it, and on 36 real clusters its links across languages were 2 right and
    5 wrong (independent reports of one statement in two languages; docs/linking.md)."""
    if not f.same_language:
        return False
    a_rewritten = _by_style(a, b, settings)
    if a_rewritten is None:
        return False
    # A model's rewrite of a whole source keeps nearly all of it, so the rewrite (the text that
    # reads like model prose) is covered by the other; a longer report that shares a brief's few
    # facts is not (the real clusters' independent pairs that reached the rule).
    return features_if(a_rewritten).derived_coverage >= settings.whole_document_coverage


def _copied_passage(evidence: Evidence, settings: Settings) -> bool:
    """Whether the pair shares an unquoted word sequence of at least ``copied_passage_words``
    words outside page furniture (one language; ``evidence.shared_longest``): a passage copied
    word for word, whatever share of either article it is. The link model weighs shared wording
    with the whole documents, and a wire passage of three sentences inside a local story that is
    otherwise its own scored 0.89 there (its whole-document probability 0.0009); no independent
    pair of the real clusters or the dev corpora shares such a sequence (docs/linking.md)."""
    words = settings.copied_passage_words
    return bool(words) and evidence.shared_longest >= words


def _whole_document_link(f: Features, document_probability: float, settings: Settings,
                         any_length: bool = False) -> bool:
    """Two whole articles (both at least ``whole_document_sentences`` sentences) are linked when
    the whole-document classifier links them at the thresholds it was validated with on the dev
    corpora (whole documents paired one to one: recall 0.91-0.98 at precision >= 0.97 on their
    held-out samples). Language-model paraphrases keep no wording and few runs, and the link
    model, fitted mostly on real news, would miss them."""
    if not any_length and (not settings.whole_document_sentences
                           or min(f.derived_sentences, f.source_sentences) < settings.whole_document_sentences
                           or f.mutual_derived < settings.whole_document_mutual):
        return False
    threshold = settings.document_threshold if f.same_language else settings.document_threshold_cross
    return document_probability >= threshold


def _seen_after(a: Article, b: Article) -> bool:
    """Whether ``a`` was stored after ``b`` (by store order; unknown: True)."""
    ra, rb = a.meta.get("_rowid"), b.meta.get("_rowid")
    if ra is None or rb is None:
        return True
    return ra > rb


def _align_text(va, vb, furniture_a: list[bool], furniture_b: list[bool], settings: Settings,
                matrices=None) -> list[Bead]:
    """Align the two articles' text without their page furniture: a caption, a byline or a share
    line between two paragraphs must not break a run of aligned sentences or pair with anything.
    Bead indices are the articles' own sentence indices. ``matrices``: the whole articles'
    ``margin_matrix``, used as it is when no sentence is furniture."""
    keep_a = [i for i, f in enumerate(furniture_a) if not f]
    keep_b = [j for j, f in enumerate(furniture_b) if not f]
    if not keep_a or not keep_b:  # nothing but furniture: align it all, as before
        keep_a, keep_b = list(range(len(va))), list(range(len(vb)))
    whole = len(keep_a) == len(va) and len(keep_b) == len(vb)
    beads = align(va[keep_a], vb[keep_b], settings.align_min_score, settings.margin_k, settings.align_band,
                  matrices=matrices if whole else None)
    out = []
    for bead in beads:
        derived = [keep_a[i] for i in bead.derived]
        source = [keep_b[j] for j in bead.source]
        members = None
        if bead.members:
            table = keep_a if len(bead.derived) > 1 else keep_b
            members = {table[k]: v for k, v in bead.members.items()}
        out.append(Bead(derived, source, bead.score, bead.cosine, bead.reordered, members))
    return out


def compare(a: Article, b: Article, settings: Settings | None = None, store: Store | None = None,
            link_anyway: bool = False) -> Comparison:
    """Align two processed articles (with vectors) and decide whether one derives from the other.

    Args:
        a: the article being examined (the likely derived side, e.g. the one being traced).
        b: a candidate source.
        store: the store the articles come from; its word statistics weight the wording overlap.
        link_anyway: orient the pair, find its changes and name its derived kind as for a link
            whatever the decision (``linked`` still says what was decided; ``link.families``
            links a pair on evidence beyond the pair itself).
    Returns:
        A Comparison oriented derived -> source (which may swap ``a`` and ``b``).
    """
    settings = settings or Settings()
    if a.vectors is None or b.vectors is None:
        raise ValueError("compare() needs articles with vectors; run unspun.pipeline.process first")
    furniture_a = boilerplate_mask(a.sentences, a.lang)
    furniture_b = boilerplate_mask(b.sentences, b.lang)
    # One reading order for a pair, whichever side the caller names first: the aligner breaks
    # ties by position, so compare(a, b) and compare(b, a) would otherwise store different
    # alignments for one link (a run killed and resumed meets some pairs from the other side).
    if (a.id or "") <= (b.id or ""):
        cos, margin = margin_matrix(a.vectors, b.vectors, settings.margin_k)
        beads = _align_text(a.vectors, b.vectors, furniture_a, furniture_b, settings, (cos, margin))
    else:
        matrices = margin_matrix(b.vectors, a.vectors, settings.margin_k)
        beads = _swap(_align_text(b.vectors, a.vectors, furniture_b, furniture_a, settings, matrices))
        cos, margin = (m.T for m in matrices)
    strong = settings.align_min_score + STRONG_OFFSET
    score = pair_score(cos, margin)
    oriented = {True: features(a, b, beads, strong, score, store, cos, (furniture_a, furniture_b))}

    def features_if(a_derived: bool) -> Features:
        if a_derived not in oriented:
            oriented[a_derived] = features(b, a, _swap(beads), strong, score.T, store, cos.T,
                                           (furniture_b, furniture_a))
        return oriented[a_derived]

    def evidence_if(a_derived: bool) -> Evidence:
        d, s = (a, b) if a_derived else (b, a)
        fd, fs = (furniture_a, furniture_b) if a_derived else (furniture_b, furniture_a)
        return local_evidence(d, s, beads if a_derived else _swap(beads), score if a_derived else score.T,
                              strong, fd, fs, oriented[a_derived].same_language, settings.align_min_score)

    a_derived, direction = _orient(a, b, oriented[True])
    fa = features_if(a_derived)
    evidence = evidence_if(a_derived)
    # The whole-document probability is one input of the link model (link.decide), beside the
    # local evidence: a run of reused sentences decides an excerpt or a brief that coverage cannot.
    document_probability = derivation_probability(fa)
    model = load_model(settings.link_model)
    inputs = decision_inputs(fa, evidence, document_probability)
    probability = model.probability(inputs)
    chat = chat_output(a) or chat_output(b)
    cross = model.cross_check
    if cross is not None and not chat and cross.applies(probability, fa.same_language, evidence):
        # Two languages and an unsure model: the run's words decide (link.decide.CrossCheck).
        d, s = (a, b) if a_derived else (b, a)
        evidence.word_alignment = run_word_alignment(d, s, evidence.run_beads, cross.layer)
        evidence.probability_before = probability
        probability = cross.probability(probability, evidence.word_alignment)
    threshold = link_threshold(settings)
    if chat:
        # Chat-model output (assistant artifacts: "Certainly!", "I cannot provide a news
        # article…"): texts generated from one prompt repeat its wording and the model's stock
        # phrases, so local evidence says nothing of copying; the whole documents decide.
        linked = _whole_document_link(fa, document_probability, settings, any_length=True)
    else:
        linked = probability >= threshold or _copied_passage(evidence, settings) or (
            _whole_document_link(fa, document_probability, settings)
            and _rewritten_by_a_model(a, b, fa, settings, features_if))
    as_link = linked or link_anyway
    if as_link and direction == "uncertain" and not _artifacts_decide(a, b):
        # The confidence stays the one the link was decided with; features, roles and kind
        # follow the final orientation.
        by_style = _by_style(a, b, settings)
        if by_style is not None and by_style != a_derived:
            a_derived = by_style
            fa = features_if(a_derived)
            measured = evidence
            evidence = evidence_if(a_derived)
            evidence.word_alignment, evidence.probability_before = measured.word_alignment, measured.probability_before
    fa.values["document_probability"] = round(document_probability, 4)
    if as_link and common_agency(a.text, a.outlet, b.text, b.outlet):
        # Both credit one wire agency and neither is its site: two copies of its text.
        direction = "common-source"
    derived, source = (a, b) if a_derived else (b, a)
    oriented_beads = beads if a_derived else _swap(beads)
    furniture_d, furniture_s = (furniture_a, furniture_b) if a_derived else (furniture_b, furniture_a)
    # Changes are looked for in linked pairs only: an unlinked pair's rows only name its kind.
    rows = roles(derived, source, oriented_beads, settings.align_min_score, settings.verbatim_overlap, strong,
                 furniture=(furniture_d, furniture_s), with_changes=as_link)
    counts: dict[str, int] = {}
    for r in rows:  # the kind follows how sentences were carried over, whatever was changed in them
        counts[r["aligned_as"]] = counts.get(r["aligned_as"], 0) + 1
    share = mark_opinion(derived, rows, furniture_d) if as_link else 0.0
    if as_link:
        kind = kind_of(fa, counts, settings, spun=_artifact_score(derived) >= SPUN_SCORE)
    else:
        kind = "same-event" if fa.strong_share > 0.1 or fa.mean_score > 0 else "unrelated"
    return Comparison(
        derived=derived, source=source, linked=linked, kind=kind,
        confidence=probability if as_link else 1 - probability, direction=direction,
        derived_coverage=fa.derived_coverage, source_coverage=fa.source_coverage, features=fa, alignment=rows,
        evidence=evidence, inputs=inputs, opinion_share=share, probability=probability,
    )


def _load(store: Store, article_id: str, model: str, cache: dict) -> Article:
    """A stored article with its sentence vectors when the store has them (a two-tier article
    gets them from ``ensure_vectors`` once alignment needs them)."""
    if article_id not in cache:
        cache[article_id] = store.get_article(article_id, model)
        if len(cache) > 5000:  # bound memory on huge stores; articles are cheap to reload
            cache.pop(next(iter(cache)))
    return cache[article_id]


def link_store(store: Store, settings: Settings | None = None, only_new: bool = True,
               progress: Callable[[int, int], None] | None = None) -> dict:
    """Link articles of a store against everything stored.

    With ``only_new`` (the default), only articles not linked before are examined, each against
    the whole store, so adding articles never re-links the corpus. Each pair is examined once.
    Articles stored without sentence vectors (two-tier ingest, ``embed_on_ingest`` false) are
    embedded with the accurate encoder when a candidate pair first needs them, and the vectors
    are written to the store, so an article without candidates is never embedded.
    In such a store a pair first passes the fast-tier gate (``link.gate``, ``gate_min_cosine``),
    so an article none of whose candidates passes is never embedded either.
    Returns counts: ``{"examined", "compared", "links", "pruned", "embedded", "gated"}``
    (``embedded``: articles the encoder ran on during this call; ``gated``: pairs the gate kept
    from the aligner).
    """
    if store.read_only:  # refused before any work, whether or not anything is left to link
        raise StoreReadOnly(f"The store {store.path!r} is read-only: this command writes to it")
    settings = settings or Settings()
    model = get_encoder(settings.encoder).model_id
    todo = store.article_ids(unlinked_only=only_new)
    # Articles a killed run compared but did not prune around: their links are stored, the
    # sibling rules have not run on them yet (Store.mark_linked pending).
    pending = [i for i in store.pending_ids() if i not in set(todo)]
    index = CandidateIndex(store, model, settings)
    cache: dict[str, Article] = {}
    seen: set[frozenset] = set()
    compared = links = embedded = gated = 0
    for number, article_id in enumerate(todo, start=1):
        article = _load(store, article_id, model, cache)
        if not len(article.sentences):
            store.mark_linked([article_id])
            continue
        for other_id, _evidence in index.candidates(article, _doc_vector_of(article)):
            pair = frozenset((article_id, other_id))
            if pair in seen:
                continue
            seen.add(pair)
            other = _load(store, other_id, model, cache)
            if not len(other.sentences):
                continue
            if index.source == "fast" and not worth_aligning(article, other, settings, store):
                gated += 1
                continue
            embedded += ensure_vectors(article, settings, store) + ensure_vectors(other, settings, store)
            result = compare(article, other, settings, store)
            compared += 1
            if result.linked:
                store.put_link(result.link_row(), result.alignment, model, settings.as_dict())
                links += 1
        store.mark_linked([article_id], pending=True)
        if progress:
            progress(number, len(todo))
    settled = settle(store, todo + pending, settings)
    return {"examined": len(todo), "compared": compared, "links": links + settled["joined"],
            "pruned": settled["pruned"], "joined": settled["joined"], "embedded": embedded, "gated": gated}


def settle(store: Store, article_ids: list[str], settings: Settings | None = None) -> dict:
    """The graph rules that run once the given articles' pairs are compared and their links
    stored (by ``link_store`` or by another engine's import): partial links of compilations are
    turned round (``orient_compilations``), links another article explains are removed
    (``prune_explained``), pairs that share text through a third article are joined
    (``link.families``), and the articles are marked linked. Returns ``{"pruned", "joined"}``."""
    settings = settings or Settings()
    orient_compilations(store, article_ids)
    pruned = prune_explained(store, article_ids, settings) if settings.prune_siblings else []
    joined = join_families(store, article_ids, settings, compare)
    store.mark_linked(article_ids)
    return {"pruned": len(pruned), "joined": len(joined)}


def _doc_vector_of(article: Article):
    """The accurate document vector when the article has sentence vectors; None for a two-tier
    article not embedded yet (its index then uses its fast vector)."""
    return doc_vector(article.vectors) if article.vectors is not None else None


def _rank_origins(store: Store, sources: list[dict]) -> None:
    """Order sources so that origins come first.

    A story copied across several sites makes all the copies look like sources of a new article.
    When the store already links one candidate source to another (a German translation of the
    wire story, a copy of it), the one it derives from is the likelier origin: it is listed first
    and the other is marked ``"via"`` its own source, unless that source explains clearly less of
    the traced article (a partial copy published before the origin is not the origin's source for
    this text). Then the more confident link comes first, then the source that explains more of
    the traced article, then fewer altered sentences (the source whose facts match)."""
    by_id = {e["id"]: e for e in sources}
    for e in sources:
        # An upstream source counts only when it explains about as much of the traced article: a
        # partial copy published earlier than the origin is not the origin's source for this text.
        upstream = [l["source"] for l in store.links(e["id"], as_derived=True)
                    if l["source"] in by_id
                    and by_id[l["source"]]["coverage"]["derived"] >= e["coverage"]["derived"] - 0.1]
        e["via"] = upstream[0] if upstream else None
    sources.sort(key=lambda e: (e["via"] is not None,
                                -round(e["confidence"] * 20),  # 0.05-wide confidence bands
                                -round(e["coverage"]["derived"] * 20),  # 0.05-wide bands of the traced text explained
                                sum(1 for r in e["alignment"] if r["role"] == "altered"),
                                -e["confidence"]))


_INDEXES: dict[tuple[str, str, str], CandidateIndex] = {}


def _index_for(store: Store, model: str, settings: Settings) -> CandidateIndex:
    """One candidate index per store and settings in a long-running process (the web UI traces
    many articles); caught up with articles stored since it was opened."""
    key = (store.path, model, settings.fingerprint)
    index = _INDEXES.get(key)
    if index is None or store.path == ":memory:" or getattr(index, "store", None) is not store:
        index = CandidateIndex(store, model, settings)
        if store.path != ":memory:":
            _INDEXES[key] = index
    else:
        index.catch_up()
    return index


def trace(store: Store, article: Article, settings: Settings | None = None, limit: int = 10) -> dict:
    """The likely sources of one processed article, ranked, with alignments (the ``trace --json``
    shape): ``{"article": {...}, "sources": [{"id", "kind", "confidence", "coverage", "direction",
    "alignment": [...]}]}``. Articles that derive from this one are listed under ``"derived"``.
    The article and its candidates are embedded on demand when they have no sentence vectors yet
    (two-tier store)."""
    settings = settings or Settings()
    model = get_encoder(settings.encoder).model_id
    index = _index_for(store, model, settings)
    cache: dict[str, Article] = {}
    sources, derived = [], []
    for other_id, evidence in index.candidates(article, _doc_vector_of(article)):
        other = _load(store, other_id, model, cache)
        if not len(other.sentences) or not len(article.sentences):
            continue
        if index.source == "fast" and not worth_aligning(article, other, settings, store):
            continue
        ensure_vectors(article, settings, store)  # two-tier: the accurate tier, once, on demand
        ensure_vectors(other, settings, store)
        result = compare(article, other, settings, store)
        if not result.linked:
            continue
        entry = {
            "id": other.id, "title": other.title, "outlet": other.outlet, "lang": other.lang, "url": other.url,
            "kind": result.kind, "confidence": round(result.confidence, 4),
            "coverage": {"derived": round(result.derived_coverage, 4), "source": round(result.source_coverage, 4)},
            "direction": result.direction, "candidate_evidence": evidence,
            # what decided the link: the local evidence and the whole-document probability
            "evidence": {**(result.evidence.as_dict() if result.evidence else {}),
                         "document_probability": result.features.values.get("document_probability")},
            "opinion_share": round(result.opinion_share, 4),
            "sentences": sentence_spans(other),
            "alignment": [
                {"derived": r["derived"], "source": r["source"], "role": r["role"], "detail": r["detail"],
                 "score": r["score"], "changes": r.get("changes", []), **({"opinion": True} if r.get("opinion") else {})}
                for r in result.alignment
            ],
        }
        (sources if result.derived is article else derived).append(entry)
    _rank_origins(store, sources)
    derived.sort(key=lambda e: -e["confidence"])
    return {"article": {**article.summary(), "sentences": sentence_spans(article)},
            "sources": sources[:limit], "derived": derived[:limit]}


def sentence_spans(article: Article) -> list[dict]:
    """The sentences of an article as ``{"index", "text", "start", "end"}`` (offsets in its text)."""
    return [{"index": s.index, "text": s.text, "start": s.start, "end": s.end} for s in article.sentences]
