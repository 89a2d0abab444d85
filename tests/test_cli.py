"""The command line: exact user-facing messages, JSON shapes, idempotent re-runs."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner


from unspun.cli import main
from unspun.store import Store

BODY = "Estonia, Latvia and Lithuania disconnected their electricity systems from the Russian grid on Saturday."


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def test_cli_trace_unknown_id_says_what_to_do(tmp_path):
    Store(str(tmp_path / "x.db")).close()
    r = run("trace", "no-such-article", "--db", tmp_path / "x.db")
    assert r.exit_code == 1
    assert r.output.strip() == (
        f"Error: 'no-such-article' is neither a file nor an article id in {tmp_path / 'x.db'}. "
        "List stored articles with `unspun articles`, or pass a file path instead of an id")


def test_cli_ingest_reports_rejections_and_stores_them(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "bin.txt").write_bytes(b"\x00\x01\x02" * 50)
    db = tmp_path / "x.db"
    r = run("ingest", tmp_path / "in", "--db", db)
    assert r.exit_code == 0
    assert f"rejected {tmp_path / 'in' / 'bin.txt'}: binary: the file holds binary data (NUL bytes), not text" in r.output
    assert f"rejected {tmp_path / 'in' / 'empty.txt'}: empty: the file is empty" in r.output
    assert "ingested 0, duplicates 0, rejected 2 (binary: 1, empty: 1)" in r.output
    rows = json.loads(run("rejected", "--db", db, "--json").output)
    assert sorted((r["reason"], r["message"]) for r in rows) == [
        ("binary", "the file holds binary data (NUL bytes), not text"), ("empty", "the file is empty")]


def test_cli_ingest_twice_changes_nothing(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("A title\n" + BODY)
    db = tmp_path / "x.db"
    first = json.loads(run("ingest", src, "--db", db, "--json").output)
    second = json.loads(run("ingest", src, "--db", db, "--json").output)
    assert (first["ingested"], first["duplicates"]) == (1, 0)
    assert (second["ingested"], second["duplicates"]) == (0, 1)
    rows = json.loads(run("articles", "--db", db, "--json").output)
    assert [(r["lang"], r["title"]) for r in rows] == [("en", "A title")]
    assert set(rows[0]) == {"id", "lang", "outlet", "title", "published"}


def test_cli_unknown_setting_is_a_clear_error(tmp_path):
    r = run("link", "--db", tmp_path / "x.db", "--set", "no_such=1")
    assert r.exit_code == 1
    assert r.output.strip() == ("Error: Unknown setting 'no_such'. "
                                "Run `unspun settings` to list every setting with its default and help")


def test_cli_settings_lists_every_tunable():
    rows = json.loads(run("settings", "--json").output)
    names = {r["name"] for r in rows}
    assert {"align_min_score", "link_threshold", "candidates_per_article", "encoder"} <= names
    assert all(r["help"] for r in rows)


def test_cli_eval_rejects_a_folder_that_is_not_a_corpus(tmp_path):
    r = run("eval", tmp_path)
    assert r.exit_code == 1
    assert r.output.strip() == (f"Error: {tmp_path} has no articles.jsonl and pairs.jsonl. A corpus folder needs "
                                "articles.jsonl and pairs.jsonl (see ../shared/data/README.md)")


def test_eval_refuses_a_store_that_already_holds_articles(tmp_path):
    """Ingesting a corpus into a used store would count everything as a duplicate and score the
    old articles; eval builds a fresh store, so it refuses and leaves the store as it was."""
    from conftest import DATA, DEMO

    from unspun.errors import StoreError
    from unspun.eval import evaluate
    from unspun.ingest import read_paths
    from unspun.pipeline import ingest
    from unspun.settings import Settings
    from unspun.store import Store

    db = tmp_path / "used.db"
    with Store(db) as store:
        ingest(read_paths([DEMO / "en-wire.html"]), store, Settings(embed_on_ingest=False))
    with pytest.raises(StoreError, match="already holds articles"):
        evaluate(DATA / "llm-rewrite", Settings(), sample=1, db_path=str(db))
    with Store(db) as store:
        assert store.count("articles") == 1 and store.count("links") == 0


def test_cli_eval_real_without_texts_says_how_to_rebuild_them(tmp_path):
    from conftest import SHARED

    r = run("eval-real", "--real", SHARED / "data" / "real", "--texts", tmp_path / "none.jsonl")
    assert r.exit_code == 1
    assert r.output.strip() == (
        f"Error: {tmp_path / 'none.jsonl'} is missing. Rebuild the texts first: see "
        "../shared/data/real/README.md and scripts/real_texts.py")


# -- stores: never created by reading, never deleted on advice, shared by many writers ----------

def test_cli_read_commands_never_create_a_store(tmp_path):
    missing = tmp_path / "typo.db"
    runner = CliRunner()
    for args in (["links"], ["articles"], ["rejected"], ["link"], ["trace", "some-id"]):
        r = runner.invoke(main, [*args, "--db", str(missing)])
        assert r.exit_code == 1, (args, r.output)
        assert "No store at" in r.output and "delete" not in r.output, r.output
        assert not missing.exists() and not list(tmp_path.iterdir()), args


def test_cli_ingest_creates_a_store_and_says_so_once(tmp_path):
    db = tmp_path / "new.db"
    doc = tmp_path / "a.txt"
    doc.write_text("Ein kurzer Artikel über das Wetter in Berlin. Es regnet seit Tagen ohne Pause.", encoding="utf-8")
    r = CliRunner().invoke(main, ["ingest", str(doc), "--db", str(db)])
    assert r.exit_code == 0 and db.exists(), r.output
    assert r.output.count("creating a new store") == 1
    r = CliRunner().invoke(main, ["ingest", str(doc), "--db", str(db)])
    assert "creating a new store" not in r.output


def _unspun(*args, env=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", "from unspun.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def test_cli_concurrent_ingests_of_one_file_all_finish(tmp_path):
    # Three processes ingest the same file into one existing store at once: the duplicate check
    # and the insert used to race (sqlite3.IntegrityError traceback); every process finishes and
    # the store holds the article once.
    from concurrent.futures import ThreadPoolExecutor

    db = str(tmp_path / "shared.db")
    seed = tmp_path / "seed.txt"
    seed.write_text("Ein erster Artikel über den Hafen von Hamburg. Die Schiffe warten seit Tagen.", encoding="utf-8")
    assert _unspun("ingest", str(seed), "--db", db).returncode == 0
    doc = tmp_path / "same.txt"
    doc.write_text("Der Stadtrat hat am Montag einen neuen Haushalt beschlossen. Die Opposition stimmte "
                   "dagegen und kündigte eine Klage an. Die Schulen bekommen mehr Geld.", encoding="utf-8")
    with ThreadPoolExecutor(3) as pool:
        runs = list(pool.map(lambda _: _unspun("ingest", str(doc), "--db", db, "--json"), range(3)))
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
        assert "Traceback" not in run.stderr
    results = [json.loads(run.stdout) for run in runs]
    assert sum(r["ingested"] for r in results) == 1 and sum(r["duplicates"] for r in results) == 2
    with Store(db) as store:
        assert store.count("articles") == 2


def test_cli_a_locked_store_says_wait_and_names_the_writer(tmp_path):
    import os
    import sqlite3

    db = str(tmp_path / "busy.db")
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        doc = tmp_path / "b.txt"
        doc.write_text("Die Feuerwehr rückte in der Nacht zu einem Brand in einer Lagerhalle aus. "
                       "Verletzt wurde niemand.", encoding="utf-8")
        run = _unspun("ingest", str(doc), "--db", db, env={**os.environ, "UNSPUN_BUSY_TIMEOUT": "1"})
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
        message = run.stdout + run.stderr
        assert "locked" in message and "wait" in message and "retry" in message
        assert "delete" not in message
        assert str(os.getpid()) in message  # the process holding the lock is named
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(db) as store:
        assert store.count("articles") == 0  # nothing half-written


def test_cli_check_finds_and_repairs_an_index_out_of_step(tmp_path):
    import sqlite3

    db = str(tmp_path / "c.db")
    docs = []
    for i, text in enumerate(("Der Bürgermeister eröffnete am Montag die neue Brücke über den Fluss. Tausende kamen.",
                              "Die Polizei sucht nach einem entlaufenen Känguru im Stadtpark. Es wurde zuletzt am See gesehen.")):
        docs.append(tmp_path / f"{i}.txt")
        docs[-1].write_text(text, encoding="utf-8")
    assert run("ingest", *docs, "--db", db, "--link").exit_code == 0
    r = run("check", "--db", db, "--json")
    result = json.loads(r.output)
    assert r.exit_code == 0 and result["ok"], result
    assert result["checks"]["vectors"]["articles_without_sentence_vectors"] == 0
    # The index beside the store describes another store (a copied file): found, then rebuilt.
    side = sqlite3.connect(db + ".candidates")
    side.execute("UPDATE items SET article_id = 'someone-else' WHERE key = (SELECT MAX(key) FROM items)")
    side.commit()
    side.close()
    r = run("check", "--db", db, "--json")
    assert r.exit_code == 1 and "not this store's" in json.loads(r.output)["checks"]["index"]["problem"]
    r = run("check", "--db", db, "--repair", "--json")
    result = json.loads(r.output)
    assert r.exit_code == 0 and result["ok"] and result["repaired"], result
    assert json.loads(run("check", "--db", db, "--json").output)["ok"]
    # A vector of the wrong length is damage to the store: reported, never deleted.
    store = sqlite3.connect(db)
    store.execute("UPDATE vectors SET vector = x'00' WHERE hash = (SELECT hash FROM vectors LIMIT 1)")
    store.commit()
    store.close()
    r = run("check", "--db", db, "--repair", "--json")
    result = json.loads(r.output)
    assert r.exit_code == 1 and result["checks"]["vectors"]["rows_of_wrong_length"] == 1
    assert run("check", "--db", str(tmp_path / "missing.db")).exit_code == 1
