"""Many hands on one store: concurrent writers and the candidate index beside the store, a full
disk and a read-only store. Real processes, real SQLite errors."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from contextlib import contextmanager

import pytest

from test_crash import CORPUS, _finish, _python, _start, _state, cached_vectors_store
from unspun.errors import StoreBusy, StoreFull, StoreReadOnly
from unspun.store import Store
from unspun.store.migrations import MIGRATIONS

# Four articles of one story (a wire text, a copy, a translation, a spun rewrite): every process
# ingests one and links it against what the others stored.
FILES = [CORPUS / name for name in ("en-wire.html", "en-copy.html", "de-translation.html", "fr-spun.txt")]


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    return cached_vectors_store(tmp_path_factory.mktemp("faults") / "cached.db", "ingest", *FILES)


@pytest.mark.slow
def test_store_faults_concurrent_ingest_and_link_into_one_store(cached, tmp_path):
    from unspun.embed import encoder_model_id
    from unspun.index.candidates import CandidateIndex
    from unspun.settings import Settings

    sequential = str(tmp_path / "sequential.db")
    shutil.copy(cached, sequential)
    for path in FILES:
        _finish(_start("ingest", path, "--db", sequential, "--link"))
    expected = _state(sequential)
    assert len(expected[0]) == len(FILES) and expected[1]
    shared = str(tmp_path / "shared.db")
    shutil.copy(cached, shared)
    for run in [_start("ingest", path, "--db", shared, "--link") for path in FILES]:  # all at once
        _finish(run)
    # The same articles and links. (Not always the same alignment rows: term weights count the
    # articles stored when a pair is compared, so even two sequential runs in other orders split
    # fr-spun's alignment with en-wire into 17 or 18 rows.)
    articles, links, _rows, integrity = _state(shared)
    assert (articles, links, integrity) == (expected[0], expected[1], "ok")
    check = json.loads(_finish(_start("check", "--db", shared, "--json")))
    assert check["ok"] and check["checks"]["index"]["articles"] == len(FILES), check
    # Every article is in the index beside the store, and finds the articles it is linked with.
    with Store(shared) as store, CandidateIndex(store, encoder_model_id(), Settings()) as index:
        assert not index.rebuilt and index.appended == 0 and len(index) == len(FILES)
        for link in store.links():
            found = [i for i, _e in index.candidates(store.get_article(link["derived"], encoder_model_id()))]
            assert link["source"] in found, (link["derived"], link["source"], found)


def test_store_faults_concurrent_creation_of_one_store(tmp_path):
    # Six processes open the same new store at the same moment: each used to apply the first
    # migration again ("table articles already exists") or fail on "database is locked".
    script = ("import sys, time\nfrom unspun.store import Store\nwhile time.time() < float(sys.argv[2]): pass\n"
              "Store(sys.argv[1]).close()")
    for attempt in range(3):  # the old code failed in about two rounds of three
        db = str(tmp_path / f"new-{attempt}.db")
        at = time.time() + 1.5  # after the imports, so that they really start together
        for run in [_python("-c", script, db, at) for _ in range(6)]:
            _finish(run)
        with Store(db) as store:
            assert store.count("_migrations") == len(MIGRATIONS) == store.schema_version


# -- a full disk, a read-only store ------------------------------------------------------------

TWO_TIER = ("--set", "embed_on_ingest=false")  # no encoder: these tests are about the store
TEXTS = ("Der Stadtrat hat am Montag einen neuen Haushalt beschlossen. Die Opposition stimmte dagegen und"
         " kündigte eine Klage an. Die Schulen bekommen mehr Geld.",
         "Die Feuerwehr rückte in der Nacht zu einem Brand in einer Lagerhalle aus. Verletzt wurde niemand."
         " Die Polizei ermittelt.")


def _docs(folder) -> list:
    out = []
    for n, text in enumerate(TEXTS):
        out.append(folder / f"doc{n}.txt")
        out[-1].write_text(text, encoding="utf-8")
    return out


def _big_doc(folder):
    """A long article (about 400 KB): more than the room left on the small disk."""
    import random

    words = ["Haushalt", "Stadtrat", "Schule", "Brücke", "Montag", "Opposition", "Klage", "Geld", "Polizei", "Hafen"]
    pick = random.Random(1).choice
    path = folder / "big.txt"
    path.write_text("Ein langer Bericht\n" + " ".join(" ".join(pick(words) for _ in range(12)) + "." for _ in range(4000)),
                    encoding="utf-8")
    return path


def _fails(*args) -> str:
    """``unspun *args`` fails with exit status 1 and one line, no traceback; returns the line."""
    run = _start(*args)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 1 and b"Traceback" not in err, err.decode()[-2000:]
    return err.decode().strip()


def _articles(db: str) -> list[str]:
    return sorted(a["id"] for a in json.loads(_finish(_start("articles", "--db", db, "--json"))))


def _checked(db: str) -> dict:
    result = json.loads(_finish(_start("check", "--db", db, "--json")))
    assert result["ok"], result
    return result


@contextmanager
def _small_disk(path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (a real file system that fills up or turns
    read-only, even for root); the test is skipped where mounting is not permitted."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode:
        pytest.skip("mounting a small tmpfs is not permitted here (needs root with CAP_SYS_ADMIN):"
                    f" {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_store_faults_a_full_disk_is_a_clear_error_and_the_store_stays_whole(tmp_path):
    with _small_disk(tmp_path / "disk", "6m") as disk:
        db = str(disk / "s.db")
        first, second = _docs(tmp_path)
        _finish(_start("ingest", first, "--db", db, *TWO_TIER))
        before = _articles(db)
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (shutil.disk_usage(disk).free - 96 * 1024))  # room to open, not to grow
        big = _big_doc(tmp_path)
        assert _fails("ingest", big, second, "--db", db, *TWO_TIER) == (
            f"Error: The store {db!r} could not be written: the disk is full. {StoreFull.hint}")
        assert _articles(db) == before  # reading still works, nothing half-written
        with open(disk / "filler-2", "wb") as rest:  # now not even room to open the store
            rest.write(b"\0" * shutil.disk_usage(disk).free)
        assert _fails("articles", "--db", db).startswith(f"Error: The store {db!r} could not be written: the disk is full")
        os.remove(disk / "filler-2")
        filler.unlink()
        assert _checked(db)["checks"]["vectors"]["articles"] == 1 and _articles(db) == before
        _finish(_start("ingest", big, second, "--db", db, *TWO_TIER))  # space again: it goes on
        assert len(_articles(db)) == 3


def test_store_faults_a_read_only_file_system_refuses_writes_and_still_reads(tmp_path):
    with _small_disk(tmp_path / "disk", "8m") as disk:
        db = str(disk / "s.db")
        first, second = _docs(tmp_path)
        _finish(_start("ingest", first, "--db", db, "--link", *TWO_TIER))  # with its candidate index
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        try:
            for command in (("ingest", second, *TWO_TIER), ("link",), ("embed",)):
                assert _fails(*command, "--db", db) == (
                    f"Error: The store {db!r} is read-only: this command writes to it. {StoreReadOnly.hint}")
            assert len(_articles(db)) == 1
            assert _checked(db)["checks"]["index"]["articles"] == 1  # the index beside it is read too
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        _finish(_start("ingest", second, "--db", db, "--link", *TWO_TIER))
        assert len(_articles(db)) == 2 and _checked(db)["checks"]["index"]["articles"] == 2


def test_store_faults_a_store_opened_read_only_refuses_writes(tmp_path):
    # What a read-only file gives a user who is not root (root writes through chmod): the
    # library opens such a store read-only, and every write is StoreReadOnly.
    from unspun.ingest import read_paths
    from unspun.pipeline import ingest
    from unspun.settings import Settings

    db = str(tmp_path / "s.db")
    first, second = _docs(tmp_path)
    settings = Settings.from_pairs(["embed_on_ingest=false"])
    with Store(db) as store:
        ingest(read_paths([first]), store, settings)
    with Store(db, read_only=True) as store:
        with pytest.raises(StoreReadOnly):
            ingest(read_paths([second]), store, settings)
        with pytest.raises(StoreReadOnly):
            store.reject("x", "empty", "the file is empty")
        assert store.count("articles") == 1
    os.chmod(db, 0o444)
    try:
        if os.geteuid() != 0:
            assert Store(db).read_only
            assert _fails("ingest", second, "--db", db, *TWO_TIER).startswith(f"Error: The store {db!r} is read-only")
    finally:
        os.chmod(db, 0o644)
    _checked(db)


def test_store_faults_sqlite_full_mid_ingest_is_a_clear_error(tmp_path, monkeypatch):
    # The disk is "full" for SQLite itself (max_page_count: a real SQLITE_FULL), injected into
    # the CLI's store: exit status 1, one line, the articles committed before are kept.
    from click.testing import CliRunner

    import unspun.store as store_module
    from unspun.cli import main

    db = str(tmp_path / "s.db")
    first, second = _docs(tmp_path)
    assert CliRunner().invoke(main, ["ingest", str(first), "--db", db, *TWO_TIER]).exit_code == 0
    opened = store_module.Store.__init__

    def nearly_full(self, *args, **kw):
        opened(self, *args, **kw)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(store_module.Store, "__init__", nearly_full)
    result = CliRunner().invoke(main, ["ingest", str(_big_doc(tmp_path)), "--db", db, *TWO_TIER])
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    assert result.output.strip() == f"Error: The store {db!r} could not be written: the disk is full. {StoreFull.hint}"
    monkeypatch.undo()
    assert len(_articles(db)) == 1
    _checked(db)


def test_store_faults_an_index_locked_too_long_names_the_holder(tmp_path, monkeypatch):
    # Whatever changes the candidate index waits for <db>.candidates.lock like a store writer
    # waits for the store, and past UNSPUN_BUSY_TIMEOUT says who holds it and to wait.
    import fcntl

    db = str(tmp_path / "s.db")
    first, _second = _docs(tmp_path)
    _finish(_start("ingest", first, "--db", db, *TWO_TIER))
    with open(db + ".candidates.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        monkeypatch.setenv("UNSPUN_BUSY_TIMEOUT", "1")
        message = _fails("link", "--db", db, *TWO_TIER)
        monkeypatch.undo()
    assert message.startswith(f"Error: The candidate index {db + '.candidates'!r} stayed locked by another"
                              f" process ({os.getpid()} ")  # this test holds it
    assert message.endswith(f"). {StoreBusy.hint}") and "delete" not in message
    _finish(_start("link", "--db", db, *TWO_TIER))  # the lock is free: the index is built
    assert _checked(db)["checks"]["index"]["articles"] == 1
