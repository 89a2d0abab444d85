"""Crash safety: kill -9 at many moments of `unspun ingest --link`, then run it again; the store
ends exactly as after an uninterrupted run (same articles, same links), with nothing half-written
left behind to trip the next run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from unspun.store import Store

CORPUS = ROOT / "demo" / "corpus"


def _start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from unspun.cli import main; main()", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _state(db: str):
    with Store(db) as store:
        articles = sorted(r["id"] for r in store.iter_article_rows())
        links = sorted((l["derived"], l["source"], l["kind"], l["direction"], round(l["confidence"], 4))
                       for l in store.links())
        alignments = store.count("alignments")
        integrity = store.db.execute("PRAGMA integrity_check").fetchone()[0]
    return articles, links, alignments, integrity


@pytest.mark.slow
def test_crash_kill_at_any_moment_of_ingest_and_link_loses_nothing(tmp_path):
    reference = str(tmp_path / "reference.db")
    started = time.perf_counter()
    run = _start("ingest", CORPUS, "--db", reference, "--link")
    out, err = run.communicate(timeout=300)
    duration = time.perf_counter() - started
    assert run.returncode == 0, err.decode()[-2000:]
    expected = _state(reference)
    assert expected[1] and expected[3] == "ok"
    # Kill points spread over the whole run: model loading, reading, embedding, storing, the
    # candidate index, linking, pruning.
    interrupted = 0
    for n, share in enumerate((0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.97)):
        db = str(tmp_path / f"killed-{n}.db")
        victim = _start("ingest", CORPUS, "--db", db, "--link")
        time.sleep(duration * share)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
        if not os.path.exists(db) or _state(db)[:2] != expected[:2]:
            interrupted += 1  # the kill cut work in progress (what the rerun must complete)
        again = _start("ingest", CORPUS, "--db", db, "--link")
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0 and b"Traceback" not in err, (share, err.decode()[-2000:])
        assert _state(db) == expected, (share, _state(db), expected)
        check = _start("check", "--db", db, "--json")
        out, err = check.communicate(timeout=120)
        assert check.returncode == 0, (share, out.decode()[-2000:])
        for suffix in (".usearch.tmp", ".usearch.passages.tmp"):
            assert not os.path.exists(db + suffix), (share, suffix)
    assert interrupted >= 3, interrupted  # the kills did land in the middle of the work


@pytest.mark.slow
def test_crash_kill_during_link_then_link_again(tmp_path):
    # Ingested first, linked apart (`unspun link`), killed while linking: the next `unspun link`
    # completes the work with no link missing or doubled.
    reference = str(tmp_path / "reference.db")
    assert _start("ingest", CORPUS, "--db", reference).wait(timeout=300) == 0
    started = time.perf_counter()
    run = _start("link", "--db", reference)
    run.communicate(timeout=300)
    duration = time.perf_counter() - started
    expected = _state(reference)
    assert expected[1]
    ingested = str(tmp_path / "ingested.db")
    assert _start("ingest", CORPUS, "--db", ingested).wait(timeout=300) == 0
    for n, share in enumerate((0.3, 0.5, 0.7, 0.85, 0.95)):
        db = str(tmp_path / f"link-killed-{n}.db")
        with open(ingested, "rb") as src, open(db, "wb") as dst:
            dst.write(src.read())
        victim = _start("link", "--db", db)
        time.sleep(duration * share)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
        again = _start("link", "--db", db)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0 and b"Traceback" not in err, (share, err.decode()[-2000:])
        assert _state(db) == expected, (share, _state(db), expected)
