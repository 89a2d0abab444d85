"""The Spark engine against the local one, with a real local Spark (``local[2]``, one session for
the module). Needs Java (``make test`` installs it where it is missing) and pyspark (the ``spark``
extra, part of ``test``)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA

pyspark = pytest.importorskip("pyspark")

SAMPLE = 4  # labelled pairs per dev corpus
QUALITY_SAMPLES = {"wmt21-human": 60, "wmt21-mt": 60, "llm-paraphrase": 80, "llm-rewrite": 80,
                   "llm-same-narrative": 110, "semeval22-sample": 200}  # tests/test_quality.py
UNSPUN = str(Path(__import__("sys").executable).with_name("unspun"))


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java is missing: `make test` installs openjdk-17-jre-headless")
    from unspun.spark import session

    s = session("local[2]", app="unspun-tests", conf={"spark.sql.shuffle.partitions": "4"})
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def _link_set(store) -> list[tuple]:
    return sorted((l["derived"], l["source"], l["kind"], l["direction"], f"{l['confidence']:.4f}")
                  for l in store.links())


def _alignments(store) -> dict:
    return {(l["derived"], l["source"]): [(r["role"], r["derived"], r["source"]) for r in
                                          store.alignment(l["derived"], l["source"])] for l in store.links()}


@pytest.fixture(scope="module")
def dev_store(tmp_path_factory, vector_cache):
    """Samples of every dev corpus ingested into one store (ids prefixed by corpus), unlinked."""
    from unspun.embed import get_encoder
    from unspun.eval import _copy_vectors, _pair_ids, load_corpus
    from unspun.ingest.jsonl import article_from_record
    from unspun.pipeline import ingest
    from unspun.settings import Settings
    from unspun.store import Store

    path = tmp_path_factory.mktemp("spark") / "dev.db"
    store = Store(path)
    settings = Settings()
    model = get_encoder(settings.encoder).model_id
    cache = Store(vector_cache)
    _copy_vectors(cache, store, model)
    corpora = sorted(p for p in DATA.iterdir() if (p / "pairs.jsonl").is_file())
    assert len(corpora) >= 6
    articles = []
    for corpus in corpora:
        # the first pairs of test_quality's sample: their vectors are in the session's cache
        records, pairs = load_corpus(corpus, QUALITY_SAMPLES.get(corpus.name, SAMPLE))
        keep = {i for p in pairs[:SAMPLE] for i in _pair_ids(p)}
        for r in records:
            if r["id"] in keep:
                articles.append(article_from_record(dict(r, id=f"{corpus.name}/{r['id']}"), settings, corpus.name))
    ingest(articles, store, settings)
    _copy_vectors(store, cache, model)
    cache.close()
    store.close()
    return path, [c.name for c in corpora]


def _copy(path: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, dest)
    return dest


def test_spark_links_identical_to_local_on_dev_corpora(spark, dev_store, tmp_path):
    """Default settings: `unspun link --engine spark` (export, job, import; the module's Spark
    session) leaves the same links as `unspun link` (derived, source, kind, direction, confidence
    to 4 decimals) and the same alignments."""
    from click.testing import CliRunner

    from unspun.cli import main
    from unspun.link import link_store
    from unspun.settings import Settings
    from unspun.store import Store

    path, corpora = dev_store
    local = Store(_copy(path, tmp_path / "local.db"))
    remote_path = _copy(path, tmp_path / "spark.db")
    counts = link_store(local, Settings())
    run = CliRunner().invoke(main, ["link", "--db", str(remote_path), "--engine", "spark", "--json",
                                    "--work", str(tmp_path / "work")])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    print(json.dumps(result["job"]["seconds"]))
    assert result["engine"] == "spark"
    assert result["examined"] == counts["examined"] >= 30
    assert result["compared"] == counts["compared"]
    remote = Store(remote_path)
    links = _link_set(local)
    assert len(links) >= 10 and {c for c in corpora} >= {d.split("/")[0] for d, *_ in links}
    assert _link_set(remote) == links
    assert _alignments(remote) == _alignments(local)
    assert [r[0] for r in remote.db.execute("SELECT id FROM articles WHERE linked_at IS NULL")] == []


def test_spark_tight_settings_resume_and_reimport(spark, dev_store, tmp_path, monkeypatch):
    """Settings that make every rule cut (few neighbours and candidates, rare anchors, small LSH
    buckets, a time window): the same links as the local engine, after a job that failed at its
    compare stage was run again and resumed from its finished stages; importing twice changes
    nothing."""
    from unspun.errors import SparkJobFailed
    from unspun.link import link_store
    from unspun.settings import Settings
    from unspun.spark import export_dataset, import_links, run_job
    from unspun.spark.job import FAIL_ENV, STAGES
    from unspun.store import Store

    settings = Settings(neighbours=2, candidates_per_article=3, min_shared_anchors=2, anchor_max_df=4,
                        lsh_bucket_max=3, time_window_days=3)
    path, _corpora = dev_store
    local, remote = Store(_copy(path, tmp_path / "local.db")), Store(_copy(path, tmp_path / "spark.db"))
    counts = link_store(local, settings)
    dataset, out = str(tmp_path / "dataset"), str(tmp_path / "out")
    export_dataset(remote, dataset, settings)
    monkeypatch.setenv(FAIL_ENV, "compared")
    with pytest.raises(SparkJobFailed):
        run_job(dataset, out, spark=spark)
    finished = sorted(p.parent.name for p in Path(out, "stages").glob("*/_SUCCESS"))
    assert finished == sorted(STAGES[:-1])
    monkeypatch.delenv(FAIL_ENV)
    summary = run_job(dataset, out, spark=spark)
    assert summary["reused_stages"] == list(STAGES[:-1])
    assert summary["pairs"] == counts["compared"]
    import_links(remote, out, settings)
    assert _link_set(remote) == _link_set(local)
    import_links(remote, out, settings)  # again: idempotent
    assert _link_set(remote) == _link_set(local)
    assert _alignments(remote) == _alignments(local)


def test_spark_import_refuses_wrong_or_partial_folders(spark, dev_store, tmp_path):
    from unspun.errors import LinksDatasetError
    from unspun.spark.load import import_links
    from unspun.store import Store

    path, _ = dev_store
    store = Store(_copy(path, tmp_path / "s.db"))
    with pytest.raises(LinksDatasetError, match="No folder"):
        import_links(store, str(tmp_path / "nothing"))
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "summary.json").write_text("{}")
    with pytest.raises(LinksDatasetError, match="did not finish"):
        import_links(store, str(partial))
    assert store.count("links") == 0


def test_spark_dataset_vectors_are_float32_bytes_and_older_formats_are_refused(dev_store, tmp_path):
    """Vectors cross from the JVM to Python as one byte string each (format 2): every stored
    sentence vector reads back bit for bit; a dataset of format 1 (list<float>) gets a clear error."""
    import pyarrow.parquet as pq

    from unspun.embed import get_encoder
    from unspun.errors import SparkError
    from unspun.settings import Settings
    from unspun.spark.dataset import FORMAT, read_manifest
    from unspun.spark.job import _floats, _sentence_matrix
    from unspun.store import Store

    path, _ = dev_store
    store = Store(_copy(path, tmp_path / "v.db"))
    dataset = tmp_path / "dataset"
    from unspun.spark import export_dataset

    export_dataset(store, str(dataset), Settings())
    table = pq.read_table(dataset / "sentences")
    assert str(table.schema.field("vector").type) == "binary"
    model = get_encoder(Settings().encoder).model_id
    rows = table.select(["article_id", "idx", "vector"]).to_pylist()
    first = rows[0]["article_id"]
    article = store.get_article(first, model)
    mine = sorted((r for r in rows if r["article_id"] == first), key=lambda r: r["idx"])
    assert np.array_equal(_sentence_matrix(mine), article.vectors)
    assert _sentence_matrix(mine).flags.writeable
    index = pq.read_table(dataset / "articles").column("index_vector").to_pylist()
    assert all(v is None or _floats(v).shape == (article.vectors.shape[1],) for v in index)
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["format"] == FORMAT == 2
    (dataset / "manifest.json").write_text(json.dumps({**manifest, "format": 1}))
    with pytest.raises(SparkError, match="format 1.*reads format 2"):
        read_manifest(str(dataset))


def test_spark_cli_import_links_names_a_wrong_folder(dev_store, tmp_path):
    """The exact message for a folder that is not a job output, exit status 1, nothing written."""
    import subprocess

    from unspun.store import Store

    path, _ = dev_store
    db = _copy(path, tmp_path / "cli.db")
    bad = subprocess.run([UNSPUN, "import-links", str(tmp_path), "--db", str(db)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1
    assert "is not an output of the unspun Spark job (no summary.json)" in " ".join(bad.stderr.split())
    assert Store(db).count("links") == 0


def _synthetic_story(path: Path, copies: int, examined: int):
    """A store with one breaking story copied ``copies`` times (short texts, generated vectors,
    real anchors and MinHash), all but the last ``examined`` marked linked."""
    from datetime import datetime, timedelta, timezone

    from unspun.article import Anchor, Article, Sentence
    from unspun.embed import get_encoder
    from unspun.index.minhash import article_minhash
    from unspun.settings import Settings
    from unspun.store import Store

    rng = np.random.default_rng(7)
    model = get_encoder(Settings().encoder).model_id
    store = Store(path)
    lead = ["Officials said 4,812 people were evacuated from Harbourtown on Monday.",
            "The river rose above 1,250 centimetres, according to Mayor Ilse Brandt.",
            "Rescue teams from Norvik and Sellan worked through the night."]
    base = rng.normal(size=(3, 384)).astype(np.float32)
    t0 = datetime(2024, 3, 1, tzinfo=timezone.utc)
    with store.transaction():
        for n in range(copies):
            extra = f"Reported by desk {n}."
            texts = lead + [extra]
            text = " ".join(texts)
            sentences, pos = [], 0
            for i, t in enumerate(texts):
                sentences.append(Sentence(index=i, text=t, start=pos, end=pos + len(t)))
                pos += len(t) + 1
            sentences[0].anchors = [Anchor("number", "4812"), Anchor("name", "harbourtown")]
            sentences[1].anchors = [Anchor("number", "1250"), Anchor("name", "ilse brandt")]
            sentences[2].anchors = [Anchor("name", "norvik"), Anchor("name", "sellan")]
            vectors = np.vstack([base + rng.normal(scale=0.05, size=base.shape).astype(np.float32),
                                 rng.normal(size=(1, 384)).astype(np.float32)])
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            a = Article(text=text, title=f"Floods {n}", id=f"copy-{n:05d}", outlet=f"site{n % 50}.example",
                        lang="en", published=t0 + timedelta(minutes=n), sentences=sentences, vectors=vectors)
            mean = vectors.mean(axis=0)
            store.add_article(a, model, doc_vector=(mean / np.linalg.norm(mean)).astype(np.float32),
                              minhash=article_minhash(a, Settings().minhash_perm))
    store.mark_linked([f"copy-{n:05d}" for n in range(copies - examined)])
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy below takes the .db file only
    return store


def test_spark_skew_5000_copies_split_buckets(spark, tmp_path, monkeypatch):
    """A breaking story with 5,000 copies sharing every anchor and LSH band: with the bucket limits
    raised so those buckets count, no task holds a whole bucket (they are salted into chunks of
    at most SPLIT members), and the links equal the local engine's."""
    from unspun.link import link_store
    from unspun.settings import Settings
    from unspun.spark import export_dataset, import_links, run_job
    from unspun.spark import job as spark_job
    from unspun.store import Store

    monkeypatch.setattr(spark_job, "SPLIT", 400)
    settings = Settings(lsh_bucket_max=10_000, anchor_max_df=10_000, passage_candidates=False)
    store = _synthetic_story(tmp_path / "story.db", 5000, 6)
    store.close()
    local, remote = Store(_copy(tmp_path / "story.db", tmp_path / "local.db")), Store(tmp_path / "story.db")
    counts = link_store(local, settings)
    export_dataset(remote, str(tmp_path / "ds"), settings)
    summary = run_job(str(tmp_path / "ds"), str(tmp_path / "out"), spark=spark)
    for signal in ("anchors", "minhash"):
        stats = summary["tasks"][signal]
        assert stats["largest_split"] >= 4000 and stats["split_buckets"] >= 1, stats
        # salted chunks: a task holds about SPLIT members (hash salting: within 20%), never 5,000
        assert 0 < stats["largest_task_members"] <= 1.2 * 400, stats
    assert summary["pairs"] == counts["compared"]
    import_links(remote, str(tmp_path / "out"), settings)
    assert _link_set(remote) == _link_set(local) and len(_link_set(local)) >= 6
