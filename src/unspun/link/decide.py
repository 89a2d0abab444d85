"""The link decision: whole-document features and local evidence together.

``classify.derivation_probability`` weighs what a derivation leaves across a whole document
(coverage, order, wording); it was fitted on corpora that pair whole documents one to one, and on
real news it misses excerpts, briefs and passages inside other articles, and links short articles
that share a lead fact. ``link.evidence`` measures the local evidence (a run of reused sentences
against the pair's own background, long shared word sequences). This module combines the two in
one logistic model, fitted on sixty real-world story clusters (``../shared/data/real`` and the
project's ``data/real-extra`` V-BW, in fifteen sets) and on constructed cases of excerpts, partial
reuse, briefs, furniture and several sources (``evalsets.constructed``, their *fit* half);
``benchmarks/fit_link_model.py --sets`` fits it and reports figures with each set left out. An
optional second look at unsure pairs across languages, from their word alignment
(``CrossCheck``), is measured and not shipped (docs/linking.md). The weights live in ``link_model.json`` beside this file;
``--set link_model=PATH`` loads another fit.

Every input is recorded on the link (``features`` and ``evidence``), so a reader can see why two
articles were linked.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .classify import Features
from .evidence import Evidence

MODEL_FILE = Path(__file__).with_name("link_model.json")

# Run length, summed score and significance past which the evidence is complete.
RUN_CAP = 8

# The model's inputs, in order. Each is a number read from Features and Evidence (decision_inputs).
INPUTS = (
    "document_logit",  # the whole-document classifier's log-odds, clipped to +-9
    "same_language",
    "run",  # clear matches in the longest in-order run
    "run_score",  # their summed scores
    "run_share",  # the run's share of the text
    "log_shared_longest",  # log(1 + longest shared unquoted word sequence), one language
    "shared_share",  # shared word sequences over the shorter side's unquoted words, one language
    "chance_same",  # the run's significance (-log10 chance) for a pair in one language
    "chance_cross",  # the same across languages
    "run_mutual",  # share of the run's matches that are mutual best matches
    "run_lead",  # how far the run's matches lead the next best match in their row and column
    "lead_x_run",  # run_lead * run: a long run of clear leaders
    "run_length_gap",  # mean |log length ratio| of the run's matched sentences
    "run_numbers",  # share of the run's numbers found on both sides
    "copied_clause",  # 0 below a shared unquoted sequence of COPIED_FROM words, 1 from COPIED_FULL
    # Across languages a run means something else: it is what a translation leaves, and a
    # translation keeps each sentence's length, where two reports of one event in two languages
    # that match on meaning say it at other lengths. A same-language rewrite reshapes its
    # sentences freely, so one weight for both mixed two things.
    "cross_run",  # run, for a pair in two languages
    "cross_lead_x_run",  # lead_x_run, for a pair in two languages
    "cross_length_gap",  # run_length_gap, for a pair in two languages
    # Two reports of one event in two languages follow one order (the lead, the arrest, the
    # reactions), and the aligner finds a run of weak matches on that skeleton: each match just
    # above the gap threshold, the run as long as a translation's. A translation's matches score
    # high one by one.
    "cross_run_mean",  # the run's mean bead score, for a pair in two languages
)

# A shared unquoted word sequence this long is copying, not two reports of one fact: on the real
# clusters no independent pair shares one of 24 words, and LLM texts written from one prompt share
# at most 29. Below it, shared wording is weighed through log_shared_longest with the rest.
COPIED_FROM, COPIED_FULL = 24, 40


def _logistic(weights, intercept: float, mean, scale, x) -> float:
    """A logistic model's probability on standardised inputs (log-odds clipped to +-30)."""
    z = intercept + sum(w * (v - m) / s for w, v, m, s in zip(weights, x, mean, scale))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class CrossCheck:
    """A second look at a pair in two languages that the link model is unsure of.

    Two agencies' ledes of one event in two languages align sentence by sentence as a
    translation does, and the sentence vectors cannot tell them apart; the words can: a
    translation renders nearly every word of its source, two reports of one fact share names,
    numbers and a few key words (``embed.tokens``). Where the link model's probability ``p`` is
    in ``[low, high)``, the pair is in two languages and it has a run, the probability becomes a
    logistic function of ``logit(p)`` and the run's word alignment
    (``evidence.run_word_alignment``). Fitted by ``benchmarks/fit_cross_check.py`` on the real
    clusters, with ``p`` from link models that never saw the pair's set of clusters.
    """

    weights: tuple[float, float]  # logit(p), word alignment
    intercept: float
    mean: tuple[float, float]
    scale: tuple[float, float]
    low: float
    high: float
    layer: int = 4  # e5-small layers run for the token states (embed.tokens.LAYER)
    meta: dict | None = None

    def applies(self, probability: float, same_language: bool, evidence: Evidence) -> bool:
        return not same_language and bool(evidence.run_beads) and self.low <= probability < self.high

    def probability(self, first: float, alignment: float) -> float:
        p = min(max(first, 1e-4), 1 - 1e-4)
        return _logistic(self.weights, self.intercept, self.mean, self.scale, (math.log(p / (1 - p)), alignment))

    def to_json(self) -> dict:
        return {"inputs": ["logit_probability", "word_alignment"], "weights": list(self.weights),
                "intercept": self.intercept, "mean": list(self.mean), "scale": list(self.scale),
                "low": self.low, "high": self.high, "layer": self.layer, "meta": self.meta or {}}

    @classmethod
    def from_json(cls, data: dict) -> "CrossCheck":
        return cls(tuple(data["weights"]), float(data["intercept"]), tuple(data["mean"]), tuple(data["scale"]),
                   float(data["low"]), float(data["high"]), int(data.get("layer", 4)), data.get("meta"))


@dataclass(frozen=True)
class LinkModel:
    """A fitted logistic model over ``INPUTS`` and the probability from which a pair is linked."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    meta: dict | None = None
    cross_check: CrossCheck | None = None

    def probability(self, x: list[float]) -> float:
        return _logistic(self.weights, self.intercept, self.mean, self.scale, x)

    def to_json(self) -> dict:
        out = {"inputs": list(INPUTS), "weights": list(self.weights), "intercept": self.intercept,
               "threshold": self.threshold, "mean": list(self.mean), "scale": list(self.scale),
               "meta": self.meta or {}}
        if self.cross_check is not None:
            out["cross_check"] = self.cross_check.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict) -> "LinkModel":
        if list(data.get("inputs", [])) != list(INPUTS):
            raise ValueError(f"link model inputs {data.get('inputs')} differ from this unspun's {list(INPUTS)}")
        cross = data.get("cross_check")
        return cls(tuple(data["weights"]), float(data["intercept"]), float(data["threshold"]),
                   tuple(data["mean"]), tuple(data["scale"]), data.get("meta"),
                   CrossCheck.from_json(cross) if cross else None)


@lru_cache(maxsize=8)
def load_model(path: str = "") -> LinkModel:
    """The shipped model, or the one at ``path``."""
    file = Path(path) if path else MODEL_FILE
    with open(file, encoding="utf-8") as f:
        return LinkModel.from_json(json.load(f))


def chat_output(article) -> bool:
    """Whether the article is chat-model output (assistant artifacts: "Certainly!", "I cannot
    provide a news article…"). Texts generated from one prompt repeat its wording and the model's
    stock phrases, so local evidence says nothing of copying between two of them: the whole
    documents decide (``link.compare``), and no family of copies is joined through them
    (``link.families``)."""
    kinds = article.meta.get("artifact_kinds", ())
    return "assistant" in kinds or "prompt-leak" in kinds


def link_threshold(settings) -> float:
    """The probability from which a pair is linked: ``settings.link_threshold``, or the one the
    link model was fitted with when that is -1."""
    return load_model(settings.link_model).threshold if settings.link_threshold < 0 else settings.link_threshold


def decision_inputs(f: Features, e: Evidence, document_probability: float) -> list[float]:
    """The model's inputs for one pair, in ``INPUTS`` order."""
    p = min(max(document_probability, 1e-4), 1 - 1e-4)
    same = 1.0 if f.same_language else 0.0
    # Capped where a longer run or a smaller chance says nothing more: a whole translation of a
    # 57-sentence article must not read as something the fit never saw.
    chance = min(RUN_CAP, max(-1.0, e.chance))
    run = min(RUN_CAP, e.run)
    run_score = min(RUN_CAP, e.run_score)
    return [
        math.log(p / (1 - p)), same, float(run), run_score, e.run_share,
        math.log1p(min(e.shared_longest, 100)), e.shared_share, same * chance, (1 - same) * chance,
        e.run_mutual, e.run_lead, e.run_lead * run, min(2.0, e.run_length_gap), e.run_numbers,
        min(1.0, max(0.0, (e.shared_longest - COPIED_FROM) / (COPIED_FULL - COPIED_FROM))),
        (1 - same) * run, (1 - same) * e.run_lead * run, (1 - same) * min(2.0, e.run_length_gap),
        (1 - same) * (e.run_score / e.run if e.run else 0.0),
    ]


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, l2: float = 1.0,
        iterations: int = 50) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """L2-regularised logistic regression by Newton's method on standardised inputs.

    Returns ``(weights, intercept, mean, scale)``; classes are balanced (each class weighs the
    same in total) on top of ``weight``."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    for label in (0.0, 1.0):
        mask = y == label
        if mask.any():
            w[mask] *= 0.5 * w.sum() / w[mask].sum()
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(y), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -30, 30)))
        grad = z.T @ (w * (p - y)) + penalty * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[1:], float(beta[0]), mean, scale


def training_rows(store, labels: dict[frozenset, int], settings=None) -> list[tuple[frozenset, list[float], int]]:
    """Model inputs of the pairs the linker would examine in ``store`` (each article's
    candidates) plus every labelled pair: ``(pair, inputs, label)``, label 1 for a derivation
    (``labels`` value 1), 0 for anything else (a labelled independent pair, an unlabelled
    candidate)."""
    from ..embed import get_encoder
    from ..index.candidates import CandidateIndex
    from ..settings import Settings
    from . import _doc_vector_of, compare

    settings = settings or Settings()
    model = get_encoder(settings.encoder).model_id
    articles = {i: store.get_article(i, model) for i in store.article_ids()}
    index = CandidateIndex(store, model, settings)
    keys = {k for k in labels if all(i in articles for i in k)}
    for article_id, article in articles.items():
        if len(article.sentences):
            for other, _evidence in index.candidates(article, _doc_vector_of(article)):
                keys.add(frozenset((article_id, other)))
    rows = []
    for key in sorted(keys, key=sorted):
        a, b = sorted(key)
        if not len(articles[a].sentences) or not len(articles[b].sentences):
            continue
        c = compare(articles[a], articles[b], settings, store)
        rows.append((key, c.inputs, int(labels.get(key, 0) == 1)))  # the inputs the decision saw
    return rows


def choose_threshold(probabilities: np.ndarray, y: np.ndarray, min_precision: float = 0.95) -> float:
    """The lowest threshold (of 0.50, 0.51, ..., 0.99) at which the pairs reach ``min_precision``
    (the highest one if none does). ``probabilities`` should be out-of-sample (each pair scored by
    a model fitted without its cluster, ``benchmarks/fit_link_model.py``): a model's probabilities
    of the pairs it was fitted on are over-confident, and a threshold chosen on them is too low for
    new data. Never chosen on the data it is measured on."""
    for t in np.round(np.arange(0.5, 0.9951, 0.01), 2):
        linked = probabilities >= t
        if linked.sum() and (y[linked] == 1).mean() >= min_precision:
            return float(t)
    return 0.99
