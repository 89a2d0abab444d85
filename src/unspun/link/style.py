"""Machine style: how much an article reads like language-model prose, from its embedding.

A linear probe on the document vector (the normalised mean of the sentence vectors), fitted by
``benchmarks/style_probe.py`` on human news (SemEval-2022 and WMT21 English documents) against
news written by six language models (llm-same-narrative), and stored in ``style_probe.json``.
None of the corpora it is checked on went into the fit.

On its own the score says little about one article (topic moves it more than style). Between two
articles that carry the same content it is a useful comparison: the PolitiFact originals score
below their own gpt-3.5 paraphrases and rewrites in 95-96% of pairs. So it is only ever used to
compare articles already linked to each other, in the languages the probe was fitted on.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

PROBE_FILE = Path(__file__).with_name("style_probe.json")


@lru_cache(maxsize=1)
def _probe() -> dict | None:
    if not PROBE_FILE.exists():
        return None
    data = json.loads(PROBE_FILE.read_text(encoding="utf-8"))
    data["mean"] = np.asarray(data["mean"], dtype=np.float32)
    data["weights"] = np.asarray(data["weights"], dtype=np.float32)
    return data


def machine_style(doc_vector: np.ndarray | None, lang: str | None, model: str) -> float | None:
    """The probe's score (a logit: higher reads more like a language model) for an article's
    document vector, or None when there is no probe for this encoder or language."""
    probe = _probe()
    if probe is None or doc_vector is None or model != probe["model"] or lang not in probe["languages"]:
        return None
    if doc_vector.shape != probe["weights"].shape:
        return None
    return float((doc_vector - probe["mean"]) @ probe["weights"] + probe["bias"])
