"""The corpus-scale link job: the dataset of ``spark.dataset`` in, links and alignments out.

The job runs the local engine's rules (``index.rules``) and its one ``compare`` function; it only
decides where each piece of work runs. Stages, each written under ``OUT/stages/NAME`` with Spark's
``_SUCCESS`` marker, so a killed job run again with the same ``--out`` starts at the first stage
that did not finish:

``articles``    one row per article with its sentences, vectors and anchors
``vectors``     nearest document vectors of each examined article (exact, 8-bit, blockwise)
``passages``    nearest passages of each examined article's passages (same)
``anchors``     articles sharing rare anchors (anchor buckets, split when large)
``minhash``     articles colliding in MinHash LSH bands (band buckets, split when large)
``candidates``  the signals merged by ``rules.ranked``; the pairs ``link_store`` would compare,
                each oriented as it would be (``rules.examined_pairs``, distributed)
``compared``    ``compare(a, b)`` of each pair, in the executors, with the document frequencies of
                the two articles' words (the store's word statistics compare reads, joined for
                the articles of some pair only); the linked ones kept

then ``OUT/links`` (one row per link, its alignment as JSON), ``OUT/alignments`` (one row per
alignment row), ``OUT/examined`` (the articles this run examined, for ``import-links``),
``OUT/summary.json`` and ``OUT/_SUCCESS``.

Work is partitioned so that no task holds more than a bounded slice: nearest-neighbour search
pairs blocks of at most ``QUERY_BLOCK`` queries with blocks of at most ``INDEX_BLOCK`` vectors
(with a time window, only blocks of neighbouring time slices meet); an anchor or band bucket of
more than ``SPLIT`` articles is cut into salted chunks and each task pairs two chunks; pairs are
compared in tasks of at most ``PAIRS_PER_TASK`` pairs.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from typing import Iterator

import numpy as np

from ..errors import SparkError, SparkJobFailed
from ..index import rules
from .dataset import FORMAT, check_format

# Bounds of one task (docs/spark.md: memory per executor).
QUERY_BLOCK = 2048       # query vectors per nearest-neighbour task
INDEX_BLOCK = 20_000     # index vectors per nearest-neighbour task
COSINE_ROWS = 4096       # index rows compared at a time in a task: 2,048 x 4,096 cosines = 67 MB
SPLIT = 1000             # members of an anchor or band bucket per task; larger buckets are salted
PAIRS_PER_TASK = 2000    # pairs compared per task

STAGES = ("articles", "vectors", "passages", "anchors", "minhash", "candidates", "compared")

# For tests: fail the named stage once (a stand-in for a killed executor or driver).
FAIL_ENV = "UNSPUN_SPARK_FAIL_STAGE"


class Job:
    """One run of the link job over a dataset, writing into ``out``.

    Args:
        spark: a SparkSession.
        dataset: URL of an exported dataset (local path or any Hadoop file system URL).
        out: URL of the output folder; stages already finished there are reused.
        log: ``log(message)`` for progress lines.
    Raises:
        SparkError: no dataset, a partial export, another format, or an output folder made from
            another dataset.
    """

    def __init__(self, spark, dataset: str, out: str, log=None):
        self.spark = spark
        self.sc = spark.sparkContext
        self.dataset = dataset.rstrip("/")
        self.out = out.rstrip("/")
        self.log = log or (lambda message: None)
        self.manifest = self._manifest()
        from ..settings import Settings

        self.settings = Settings(**self.manifest["settings"])
        s = self.settings
        self.window = s.time_window_days * 86400.0 if s.time_window_days else 0.0
        self.timings: dict[str, float] = {}
        self.reused: list[str] = []
        self.task_stats: dict[str, dict] = {}
        # per-partition costs measured inside the tasks: (stage, items, cpu seconds, wall seconds)
        self.costs = self.sc.accumulator([], _ListParam())

    # -- file system ------------------------------------------------------------------------
    def _fs(self, url: str):
        jvm = self.sc._jvm
        path = jvm.org.apache.hadoop.fs.Path(url)
        return path.getFileSystem(self.sc._jsc.hadoopConfiguration()), path

    def exists(self, url: str) -> bool:
        fs, path = self._fs(url)
        return bool(fs.exists(path))

    def read_text(self, url: str) -> str:
        return "\n".join(self.sc.textFile(url, 1).collect())

    def write_text(self, url: str, text: str) -> None:
        fs, path = self._fs(url)
        stream = fs.create(path, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def delete(self, url: str) -> None:
        fs, path = self._fs(url)
        if fs.exists(path):
            fs.delete(path, True)

    def _manifest(self) -> dict:
        if not self.exists(self.dataset + "/manifest.json"):
            raise SparkError(f"{self.dataset} holds no unspun Spark dataset (no manifest.json)",
                             "Write one with `unspun export --format parquet --what spark --out DIR`")
        if not self.exists(self.dataset + "/_SUCCESS"):
            raise SparkError(f"{self.dataset} is a partial export (no _SUCCESS marker)", "Run the export again")
        manifest = json.loads(self.read_text(self.dataset + "/manifest.json"))
        check_format(manifest, self.dataset)
        return manifest

    # -- the run ----------------------------------------------------------------------------
    def run(self) -> dict:
        """Run (or finish) the job. Returns the summary written to ``OUT/summary.json``."""
        digest = hashlib.sha1(json.dumps(self.manifest, sort_keys=True).encode()).hexdigest()[:16]
        stamp = self.out + "/stages/dataset.json"
        if self.exists(stamp):
            if json.loads(self.read_text(stamp)).get("digest") != digest:
                raise SparkError(f"{self.out} holds the stages of a job over another dataset",
                                 "Give a new --out folder (or delete this one)")
        else:
            self.write_text(stamp, json.dumps({"digest": digest, "dataset": self.dataset}))
        self.delete(self.out + "/_SUCCESS")
        started = time.perf_counter()
        articles = self.stage("articles", self._articles)
        self.stage("vectors", lambda: self._vectors(articles))
        self.stage("passages", lambda: self._passages(articles))
        self.stage("anchors", lambda: self._anchors(articles))
        self.stage("minhash", lambda: self._minhash(articles))
        self.stage("candidates", lambda: self._candidates(articles))
        compared = self.stage("compared", lambda: self._compared(articles))
        summary = self._finish(articles, compared)
        summary["seconds"] = {**self.timings, "total": round(time.perf_counter() - started, 2)}
        summary["reused_stages"] = self.reused
        summary["tasks"] = self.task_stats
        summary["partitions"] = _cost_summary(self.costs.value)
        self.write_text(self.out + "/summary.json", json.dumps(summary, indent=1, sort_keys=True))
        self.write_text(self.out + "/_SUCCESS", "")
        return summary

    def stage(self, name: str, build):
        """The output of a stage: read back when it finished before, else built and written."""
        path = f"{self.out}/stages/{name}"
        if self.exists(path + "/_SUCCESS"):
            self.reused.append(name)
            self.log(f"stage {name}: finished before, reused")
            return self.spark.read.parquet(path)
        self.log(f"stage {name}: running")
        t0 = time.perf_counter()
        if os.environ.get(FAIL_ENV) == name:
            raise SparkJobFailed(f"stage {name} failed ({FAIL_ENV} is set)")
        frame = build()
        frame.write.mode("overwrite").parquet(path)
        self.timings[name] = round(time.perf_counter() - t0, 2)
        self.log(f"stage {name}: done in {self.timings[name]} s")
        return self.spark.read.parquet(path)

    def _read(self, table: str):
        return self.spark.read.parquet(f"{self.dataset}/{table}")

    # -- stages -----------------------------------------------------------------------------
    def _articles(self):
        """One row per article with everything compare and the candidate rules read."""
        from pyspark.sql import functions as F

        sentences = self._read("sentences").groupBy("article_id").agg(F.sort_array(F.collect_list(F.struct(
            "idx", "start", "end", "paragraph", "quoted", "vector"))).alias("sentences"))
        anchors = self._read("anchors").groupBy("article_id").agg(F.sort_array(F.collect_list(F.struct(
            "pos", "sentence_idx", "kind", "value"))).alias("anchors"))
        return self._read("articles").drop("published").join(sentences, F.col("id") == F.col("article_id"), "left") \
            .drop("article_id").join(anchors, F.col("id") == F.col("article_id"), "left").drop("article_id")

    def _term_df(self, articles):
        """``(id, term_df)``: the document frequency of each word of the given articles in their
        language (what Store.term_weights reads), for the articles of some pair only."""
        from pyspark.sql import functions as F

        spans = articles.select("id", "lang", "text", F.expr(
            "transform(sentences, s -> struct(s.start AS start, s.`end` AS `end`))").alias("sentences"))
        words = self.spark.createDataFrame(spans.rdd.flatMap(_article_words),  # no vectors cross to Python
                                           "word_article string, word_lang string, word string")
        terms = self._read("terms")
        return words.join(terms, (words.word_lang == terms.lang) & (words.word == terms.term)) \
            .groupBy("word_article").agg(F.map_from_entries(F.collect_list(F.struct(terms.term, "df"))).alias("term_df"))

    def _queries(self, articles):
        """The examined articles that have sentences (link_store skips the others)."""
        from pyspark.sql import functions as F

        return articles.where(F.col("examine") & (F.size("sentences") > 0))

    def _vectors(self, articles):
        """``(article_id, other, rank, value)`` of the nearest document vectors (rules.vector_evidence)."""
        m = self.manifest["index"]
        s = self.settings
        wanted = rules.neighbour_count(s.neighbours, self.window)
        floor = float(getattr(s, "min_vector_cosine", -1.0))
        queries = self._queries(articles).select("id", "lang", "published_epoch", "sentences").rdd \
            .map(lambda r: _doc_query(r, m["centers"])).filter(lambda t: t is not None)
        index = articles.where("index_vector IS NOT NULL").select("id", "lang", "published_epoch", "index_vector").rdd \
            .map(lambda r: (r["id"], r["lang"], r["published_epoch"], _floats(r["index_vector"])))
        index = index.mapPartitions(lambda rows: _centre_rows(rows, m["centers"]))
        hits = self._knn(queries, index, wanted, "vectors")
        rows = hits.flatMap(lambda kv: [(kv[0], other, rank, ev["doc_cosine"]) for other, ev in
                                        rules.vector_evidence(kv[1], wanted, floor).items()
                                        for rank in [ev["vector_rank"]]])
        return self._frame(rows)

    def _passages(self, articles):
        """``(article_id, other, rank, value)`` of the nearest passages (rules.passage_evidence)."""
        from ..index.candidates import PASSAGE_HITS

        m = self.manifest["index"]
        s = self.settings
        if not bool(getattr(s, "passage_candidates", True)):
            return self._frame(self.sc.emptyRDD())
        queries = self._queries(articles).select("id", "lang", "published_epoch", "sentences").rdd \
            .flatMap(lambda r: _passage_queries(r, m["centers"]))
        index = articles.select("id", "lang", "published_epoch", "sentences").rdd \
            .flatMap(lambda r: _passage_rows(r)).mapPartitions(lambda rows: _centre_rows(rows, m["centers"]))
        hits = self._knn(queries, index, PASSAGE_HITS, "passages")
        # hits are keyed (article, passage number): the best passage of each other article
        per_article = hits.map(lambda kv: (kv[0][0], kv[1])).reduceByKey(lambda a, b: a + b)
        neighbours = s.neighbours
        rows = per_article.flatMap(lambda kv: [
            (kv[0], other, ev["passage_rank"], ev["passage_cosine"]) for other, ev in
            rules.passage_evidence(rules.passage_best(kv[1], kv[0]), neighbours).items()])
        return self._frame(rows)

    def _knn(self, queries, index, count: int, name: str):
        """Exact nearest neighbours, blockwise: ``(query key, [(id, cosine), ...])``.

        ``queries``: ``(key, lang, epoch, int8 vector)``; ``index``: ``(id, epoch, int8 vector)``.
        Both sides are cut into blocks by time slice (with a time window: a query block meets only
        the index blocks of its own and the two neighbouring slices, and undated rows meet all) and
        by size (``QUERY_BLOCK``, ``INDEX_BLOCK``); each task compares one query block with one
        index block and keeps its top ``count`` (rules.top), the tops are then merged
        (rules.merge_top)."""
        window = self.window
        slice_of = (lambda t: -1 if t is None else int(t // window)) if window else (lambda t: 0)
        from pyspark import StorageLevel

        keep = StorageLevel.MEMORY_AND_DISK
        q_blocks = _blocks(queries.map(lambda q: (slice_of(q[2]), q)).persist(keep), QUERY_BLOCK).persist(keep)
        i_blocks = _blocks(index.map(lambda r: (slice_of(r[1]), r)).persist(keep), INDEX_BLOCK).persist(keep)
        q_keys, i_keys = sorted(q_blocks.keys().collect()), sorted(i_blocks.keys().collect())

        def meets(qslice, islice):
            return not window or qslice == -1 or islice == -1 or abs(qslice - islice) <= 1

        # One task per (query block, index block) that meet: each side is sent to the tasks it
        # takes part in, so a task holds one block of each.
        tasks = [(qk, ik) for qk in q_keys for ik in i_keys if meets(qk[0], ik[0])]
        by_q: dict = {}
        by_i: dict = {}
        for n, (qk, ik) in enumerate(tasks):
            by_q.setdefault(qk, []).append(n)
            by_i.setdefault(ik, []).append(n)
        bq, bi = self.sc.broadcast(by_q), self.sc.broadcast(by_i)
        sent = q_blocks.flatMap(lambda kv: [(n, (0, kv[1])) for n in bq.value.get(kv[0], ())]).union(
            i_blocks.flatMap(lambda kv: [(n, (1, kv[1])) for n in bi.value.get(kv[0], ())]))
        grouped = sent.groupByKey(numPartitions=max(1, min(len(tasks), 4 * self.sc.defaultParallelism * 8)))
        costs = self.costs
        partial = grouped.flatMap(lambda kv: _knn_task(kv[1], count, window, costs, name))
        self.task_stats[name] = {"query_blocks": len(q_keys), "index_blocks": len(i_keys), "tasks": len(tasks)}
        return partial.reduceByKey(lambda a, b: rules.merge_top([a, b], count))

    def _anchors(self, articles):
        """``(article_id, other, count)``: how many rare anchors an examined article shares with each
        other article (rules.anchor_counts; the article itself included, as locally)."""
        max_df = self.settings.anchor_max_df
        held = articles.select("id", "anchors", F_size_sentences(), "examine").rdd.flatMap(_anchor_postings)
        # (bucket, (id, is_member, is_query)): every holder is a member; it queries with the anchor
        # only when examined and the anchor is in a sentence it keeps
        # (bucket, (id, is_query)): every holder; queries only where the anchor is in a sentence it keeps
        pairs = _bucket_pairs(held, max_df, self, "anchors")
        return self._frame(pairs.map(lambda kv: (kv[0][0], kv[0][1], 0, float(kv[1]))))

    def _minhash(self, articles):
        """``(article_id, other, bands)``: LSH bands an examined article shares with each article
        (rules.band_collisions), over buckets of at most ``lsh_bucket_max`` articles."""
        m = self.manifest["index"]
        s = self.settings
        bucket_max = int(getattr(s, "lsh_bucket_max", 200))
        members = self._read("buckets").rdd.map(lambda r: (r["bucket"], (r["article_id"], True, False)))
        queries = self._queries(articles).select("id", "text").rdd.flatMap(
            lambda r: [(b, (r["id"], False, True)) for b in _query_buckets(r["text"], s.minhash_perm, m["bands"], m["rows"])])
        pairs = _bucket_pairs(members.union(queries), bucket_max, self, "minhash")
        return self._frame(pairs.map(lambda kv: (kv[0][0], kv[0][1], 0, float(kv[1]))))

    def _candidates(self, articles):
        """The final candidates of each examined article (rules.ranked), and the pairs to compare,
        oriented as ``link_store`` meets them (the examined article earliest in store order)."""
        s = self.settings
        stages = {n: self.spark.read.parquet(f"{self.out}/stages/{n}") for n in ("vectors", "passages", "anchors", "minhash")}
        neighbours, min_shared, bucket_max = s.neighbours, s.min_shared_anchors, int(getattr(s, "lsh_bucket_max", 200))
        tagged = None
        for n, frame in stages.items():
            part = frame.rdd.map(lambda r, n=n: (r["article_id"], (n, r["other"], r["rank"], r["value"])))
            tagged = part if tagged is None else tagged.union(part)
        info = articles.select("id", "rowid", "published_epoch", F_size_sentences()).rdd \
            .map(lambda r: (r["id"], (r["rowid"], r["published_epoch"], r["n_sentences"])))
        by_query = tagged.groupByKey().mapValues(list)
        window, per_article = self.window, s.candidates_per_article
        info_map = info  # joined twice: the examined article's, then each candidate's
        ranked = by_query.flatMap(lambda kv: _rank(kv[0], kv[1], neighbours, min_shared, bucket_max))
        # attach the candidate's publication time and sentence count, and the query's
        with_other = ranked.map(lambda r: (r[1], r)).join(info_map) \
            .map(lambda kv: (kv[1][0][0], (kv[1][0], kv[1][1])))
        with_query = with_other.groupByKey().join(info_map)
        cut = with_query.flatMap(lambda kv: _cut(kv[0], kv[1][0], kv[1][1], window, per_article))
        # one row per candidate: (article, rowid, position, other, other has sentences, evidence)
        return cut.toDF("article_id string, rowid long, position int, other string, other_sentences int,"
                        " evidence string")

    def _compared(self, articles):
        """``compare(a, b)`` of each pair link_store would compare, in the executors."""
        from pyspark.sql import functions as F

        cands = self.spark.read.parquet(f"{self.out}/stages/candidates")
        # The pair {a, b} is compared from the side examined first (store order); a pair whose other
        # side has no sentences is skipped, as locally.
        pairs = cands.rdd.map(lambda r: (tuple(sorted((r["article_id"], r["other"]))),
                                         (r["rowid"], r["position"], r["article_id"], r["other"], r["other_sentences"]))) \
            .reduceByKey(min).map(lambda kv: kv[1]).filter(lambda t: t[4] > 0) \
            .map(lambda t: (t[2], t[3]))
        n_pairs = pairs.count()
        self.task_stats["compared"] = {"pairs": n_pairs}
        cols = ["id", "rowid", "url", "outlet", "lang", "published_stored", "title", "text", "source_path", "meta",
                "sentences", "anchors", "term_df"]
        parts = max(2, -(-n_pairs // PAIRS_PER_TASK), self.sc.defaultParallelism)
        # Joined in the JVM, so that only the articles of some pair cross to Python.
        frame = self.spark.createDataFrame(pairs, "a string, b string").cache()
        ids = frame.select(F.col("a").alias("pid")).union(frame.select(F.col("b").alias("pid"))).distinct()
        paired = articles.join(ids, articles.id == ids.pid).drop("pid")
        paired = paired.join(self._term_df(paired), F.col("id") == F.col("word_article"), "left").drop("word_article")
        paired = paired.persist()
        side_a = paired.select(*[F.col(c).alias("a_" + c) for c in cols])
        side_b = paired.select(*[F.col(c).alias("b_" + c) for c in cols])
        joined = frame.join(side_a, frame.a == side_a.a_id).join(side_b, frame.b == side_b.b_id) \
            .repartition(parts).rdd.map(lambda r: (r["a"], {c: r["a_" + c] for c in cols}, {c: r["b_" + c] for c in cols}))
        settings, term_docs, model = self.manifest["settings"], self.manifest["term_docs"], self.manifest["model"]
        costs = self.costs
        results = joined.mapPartitions(lambda it: _compare_partition(it, settings, term_docs, model, costs))
        return results.toDF("derived string, source string, kind string, confidence double, direction string,"
                            " derived_coverage double, source_coverage double, features string, model string,"
                            " settings string, alignment string, examined string, other string")

    def _finish(self, articles, compared) -> dict:
        from pyspark.sql import functions as F

        compared.drop("examined", "other").orderBy("derived", "source").write.mode("overwrite") \
            .parquet(self.out + "/links")
        rows = compared.select("derived", "source", "alignment").rdd.flatMap(_alignment_rows)
        rows.toDF("derived string, source string, pos int, derived_idx string, source_idx string, role string,"
                  " score double, detail string, changes string").write.mode("overwrite").parquet(self.out + "/alignments")
        examined = articles.where(F.col("examine") | F.col("pending")).select(
            F.col("id").alias("article_id"), "rowid", "examine", "pending")
        examined.orderBy("rowid").write.mode("overwrite").parquet(self.out + "/examined")
        links = self.spark.read.parquet(self.out + "/links").count()
        return {"format": FORMAT, "dataset": self.dataset, "model": self.manifest["model"],
                "settings_fingerprint": self.manifest["fingerprint"], "links": links,
                "store": self.manifest.get("store"), "examined": self.manifest.get("examine"),
                "pairs": self.task_stats.get("compared", {}).get("pairs")}

    def _frame(self, rdd):
        return self.spark.createDataFrame(rdd, "article_id string, other string, rank int, value double")


def F_size_sentences():
    from pyspark.sql import functions as F

    return F.size(F.coalesce("sentences", F.array())).alias("n_sentences")


# -- executor-side functions (module level: pickled by reference) --------------------------------
def _centers(state):
    from ..index.centers import LanguageCenters

    return LanguageCenters(state)


def _sentence_matrix(sentences) -> np.ndarray | None:
    """The article's sentence vectors (float32), None when any is missing (Store.get_vectors)."""
    if not sentences or any(s["vector"] is None for s in sentences):
        return None
    return _floats(bytearray().join(s["vector"] for s in sentences)).reshape(len(sentences), -1)


def _floats(blob) -> np.ndarray:
    """A dataset vector (little-endian float32 bytes) as a writable float32 array."""
    return np.frombuffer(blob if isinstance(blob, bytearray) else bytearray(blob), dtype="<f4").astype(np.float32, copy=False)


def _doc_query(row, centers_state):
    """``(id, lang, epoch, int8 query vector)`` of an examined article, as CandidateIndex._query_vector."""
    from ..embed.vectors import doc_vector

    vectors = _sentence_matrix(row["sentences"])
    if vectors is None:
        return None
    v = doc_vector(vectors)
    if not np.any(v):
        return None
    centred = _centers(centers_state).center(row["lang"], v[None, :])
    return (row["id"], row["lang"], row["published_epoch"], rules.quantise(centred)[0])


def _passage_queries(row, centers_state):
    from ..index.passages import passage_vectors

    vectors = _sentence_matrix(row["sentences"])
    if vectors is None:
        return []
    q = rules.quantise(_centers(centers_state).center(row["lang"], passage_vectors(vectors)))
    return [((row["id"], n), row["lang"], row["published_epoch"], q[n]) for n in range(len(q))]


def _passage_rows(row):
    """The indexed passages of an article: float16 (as the sidecar keeps them), uncentred."""
    from ..index.passages import passage_vectors

    vectors = _sentence_matrix(row["sentences"])
    if vectors is None:
        return []
    pv = passage_vectors(vectors).astype(np.float16).astype(np.float32)
    return [(row["id"], row["lang"], row["published_epoch"], pv[n]) for n in range(len(pv))]


def _centre_rows(rows, centers_state):
    """``(id, lang, epoch, float vector)`` rows -> ``(id, epoch, int8 vector)``, centred per language."""
    from ..index.candidates import centred

    rows = list(rows)
    if not rows:
        return iter(())
    q = rules.quantise(centred(_centers(centers_state), [r[1] for r in rows], np.vstack([r[3] for r in rows])))
    return iter([(r[0], r[2], q[n]) for n, r in enumerate(rows)])


def _blocks(keyed, size: int):
    """Rows keyed by time slice -> ``((slice, block number), [rows])`` of at most ``size`` rows."""
    def number(kv):
        row = kv[1]
        ident = row[0] if isinstance(row[0], str) else f"{row[0][0]}\x00{row[0][1]}"
        return kv[0], ident, row

    counts = dict(keyed.map(lambda kv: (kv[0], 1)).reduceByKey(lambda a, b: a + b).collect())
    n_blocks = {k: max(1, -(-c // size)) for k, c in counts.items()}
    return keyed.map(number).map(lambda t: ((t[0], _salt(t[1], n_blocks[t[0]])), t[2])) \
        .groupByKey().mapValues(list)


def _salt(ident: str, n: int) -> int:
    """A stable chunk number in ``range(n)`` for an id (never Python's randomised hash)."""
    if n <= 1:
        return 0
    return int.from_bytes(hashlib.blake2b(ident.encode("utf-8"), digest_size=8).digest(), "little") % n


def _knn_task(sides, count, window, costs=None, name="knn"):
    """One task: a block of queries against a block of index rows; the top ``count`` of each."""
    cpu, wall = time.process_time(), time.perf_counter()
    sides = dict(sides)
    queries, index = sides.get(0), sides.get(1)
    if not queries or not index:
        return []
    ids = np.asarray([r[0] for r in index], dtype=str)
    matrix = np.vstack([r[2] for r in index])
    when = rules.epochs([r[1] for r in index])
    found = rules.search_block(ids, matrix, rules.norms(matrix), when, np.vstack([q[3] for q in queries]), count,
                               [q[2] for q in queries], window, block=COSINE_ROWS)
    if costs is not None:  # items: query x index rows compared
        costs.add([(name, len(queries) * len(index), time.process_time() - cpu, time.perf_counter() - wall)])
    return [(q[0], hits) for q, hits in zip(queries, found)]


def _anchor_postings(row):
    """``((kind, value), (id, is_query))`` for each distinctive anchor an article holds (each once):
    every holder counts towards the anchor's frequency; the article queries with it only when
    it is in one of its sentences (Store.get_article drops anchors past the last sentence)."""
    n = row["n_sentences"]
    held: dict[tuple, bool] = {}
    for a in row["anchors"] or []:
        if not rules.distinctive(a["kind"], a["value"]):
            continue
        key = (a["kind"], a["value"])
        held[key] = held.get(key, False) or (row["examine"] and n > 0 and a["sentence_idx"] < n)
    return [(k, (row["id"], True, q)) for k, q in held.items()]


def _bucket_pairs(postings, max_members: int, job: Job, name: str):
    """``((query, member), shared buckets)`` over the buckets of at most ``max_members`` members.

    ``postings``: ``(bucket, (id, is_member, is_query))``; a bucket's members are the distinct ids
    holding it in the index. Bucket sizes are counted first (an aggregation: no task holds a bucket); a bucket larger
    than ``SPLIT`` is cut into salted chunks of members and of queries, and each task pairs one
    query chunk with one member chunk, so no task holds a whole large bucket."""
    distinct = postings.map(lambda kv: ((kv[0], kv[1][0]), (kv[1][1], kv[1][2]))) \
        .reduceByKey(lambda a, b: (a[0] or b[0], a[1] or b[1])) \
        .map(lambda kv: (kv[0][0], (kv[0][1], kv[1][0], kv[1][1])))
    sizes = distinct.filter(lambda kv: kv[1][1]).map(lambda kv: (kv[0], 1)).reduceByKey(lambda a, b: a + b)
    # Only the large buckets are named on the driver (each holds many postings, so they are few):
    # those over max_members propose nothing; those over SPLIT are salted into chunks.
    large = dict(sizes.filter(lambda kv: kv[1] > min(SPLIT, max_members)).collect())
    dropped = {b for b, n in large.items() if n > max_members}
    chunks = {b: -(-n // SPLIT) for b, n in large.items() if b not in dropped}
    job.task_stats[name] = {"dropped_buckets": len(dropped), "split_buckets": len(chunks),
                            "largest_split": max(large.values(), default=0)}
    bc = job.sc.broadcast(chunks)
    bd = job.sc.broadcast(dropped)
    members = distinct.filter(lambda kv: kv[0] not in bd.value)

    def spread(kv):
        bucket, (ident, is_member, is_query) = kv
        n = bc.value.get(bucket, 1)
        mine = _salt(ident, n)
        out = [((bucket, q, mine), ("m", ident)) for q in range(n)] if is_member else []  # to every query chunk
        if is_query:
            out += [((bucket, mine, m), ("q", ident)) for m in range(n)]  # as a query, to every member chunk
        return out

    def pair_up(kv):
        rows = list(kv[1])
        qs = [i for t, i in rows if t == "q"]
        ms = [i for t, i in rows if t == "m"]
        return [((q, m), 1) for q in qs for m in ms]

    tasks = members.flatMap(spread).groupByKey().cache()
    sizes_per_task = tasks.map(lambda kv: sum(1 for t, _i in kv[1] if t == "m"))
    job.task_stats[name]["largest_task_members"] = sizes_per_task.max() if not sizes_per_task.isEmpty() else 0
    return tasks.flatMap(pair_up).reduceByKey(lambda a, b: a + b)


def _query_buckets(text: str, perm: int, bands: int, rows: int) -> list[int]:
    from ..index.minhash import band_buckets, minhash_of

    return band_buckets(minhash_of(text, perm).hashvalues, bands, rows)


def _rank(article_id, signals, neighbours, min_shared, bucket_max):
    """The evidence of one examined article from the four signals (rules.*), in the local engine's
    order, before the time window: ``(article, other, evidence)`` rows."""
    parts: dict[str, list] = {"vectors": [], "passages": [], "anchors": [], "minhash": []}
    for name, other, rank, value in signals:
        parts[name].append((other, rank, value))
    vec = {o: {"vector_rank": r, "doc_cosine": v} for o, r, v in parts["vectors"]}
    anchors = rules.anchor_evidence({o: int(v) for o, _r, v in parts["anchors"]}, neighbours, min_shared)
    passages = {o: {"passage_rank": r, "passage_cosine": v} for o, r, v in parts["passages"]}
    minhash = rules.minhash_evidence({o: int(v) for o, _r, v in parts["minhash"]}, bucket_max)
    evidence = rules.combine([vec, anchors, passages, minhash])
    return [(article_id, other, ev) for other, ev in evidence.items()]


def _cut(article_id, rows, info, window, per_article):
    """Apply rules.ranked to one article's evidence: ``(article, rowid, position, other, other
    sentences, evidence JSON)`` of its final candidates."""
    rowid, when, _n = info
    rows = list(rows)
    evidence = {r[1]: r[2] for r, _other_info in rows}
    published = {r[1]: other_info[1] for r, other_info in rows}
    sentences = {r[1]: other_info[2] for r, other_info in rows}
    final = rules.ranked(evidence, article_id, per_article, when if window else None, published, window)
    return [(article_id, rowid, pos, other, sentences[other], json.dumps(ev, sort_keys=True))
            for pos, (other, ev) in enumerate(final)]


def _article_words(row):
    """``(article, language, word)`` for every word of an article's sentences: a superset of the
    words compare weighs (link.classify.wording_overlap reads the unquoted, non-furniture ones)."""
    from ..text.terms import _WORD

    text = row["text"] or ""
    words: set[str] = set()
    for s in row["sentences"] or []:
        words.update(_WORD.findall(text[s["start"]:s["end"]].lower()))
    lang = row["lang"] or "und"
    return [(row["id"], lang, w) for w in words]


class TermStats:
    """The store's word statistics for one pair (what ``compare`` reads from a Store):
    ``term_weights(lang, terms)`` as ``Store.term_weights``, from the two articles' document
    frequencies and the language's article count."""

    def __init__(self, term_docs: dict, *dfs: dict | None):
        self.term_docs = term_docs
        self.df: dict[str, int] = {}
        for d in dfs:
            self.df.update(d or {})

    def term_weights(self, lang: str, terms: set[str]) -> dict[str, float]:
        from ..text.terms import idf

        n = self.term_docs.get(lang, 0)
        return {t: idf(self.df.get(t, 0), n) for t in terms}


def article_of(row: dict):
    """An Article rebuilt from a job row exactly as ``Store.get_article`` builds it."""
    from ..article import Anchor, Article, Sentence
    from ..store import parse_time

    article = Article(id=row["id"], text=row["text"], title=row["title"], url=row["url"], outlet=row["outlet"],
                      lang=row["lang"], published=parse_time(row["published_stored"]),
                      source_path=row["source_path"], meta=json.loads(row["meta"] or "{}"))
    text = article.text
    sentences = [Sentence(index=s["idx"], text=text[s["start"]:s["end"]], start=s["start"], end=s["end"],
                          paragraph=s["paragraph"], quoted=bool(s["quoted"])) for s in row["sentences"] or []]
    for a in row["anchors"] or []:
        if a["sentence_idx"] < len(sentences):
            sentences[a["sentence_idx"]].anchors.append(Anchor(a["kind"], a["value"]))
    article.sentences = sentences
    article.vectors = _sentence_matrix(row["sentences"]) if sentences else None
    return article


def _compare_partition(rows: Iterator, settings_values: dict, term_docs: dict, model: str, costs=None):
    """compare() of each pair of a partition; the linked ones as link rows."""
    from ..link import compare
    from ..settings import Settings

    cpu, wall, pairs = time.process_time(), time.perf_counter(), 0
    settings = Settings(**settings_values)
    settings_json = json.dumps(settings.as_dict(), sort_keys=True)
    for examined_id, a_row, b_row in rows:
        pairs += 1
        a, b = article_of(a_row), article_of(b_row)
        if a.vectors is None or b.vectors is None:
            continue
        result = compare(a, b, settings, TermStats(term_docs, a_row["term_df"], b_row["term_df"]))
        if not result.linked:
            continue
        link = result.link_row()
        yield (link["derived"], link["source"], link["kind"], link["confidence"], link["direction"],
               link["derived_coverage"], link["source_coverage"], json.dumps(link["features"], sort_keys=True),
               model, settings_json, json.dumps(result.alignment, ensure_ascii=False), a.id, b.id)
    if costs is not None and pairs:  # items: pairs compared
        costs.add([("compared", pairs, time.process_time() - cpu, time.perf_counter() - wall)])


class _ListParam:
    """An accumulator of lists (per-partition cost records)."""

    def zero(self, value):
        return []

    def addInPlace(self, a, b):
        a.extend(b)
        return a


def _cost_summary(records: list) -> dict:
    """Per stage: partitions, items, CPU and wall seconds (total, largest partition), CPU per item."""
    out: dict[str, dict] = {}
    for stage, items, cpu, wall in records:
        e = out.setdefault(stage, {"partitions": 0, "items": 0, "cpu_s": 0.0, "wall_s": 0.0,
                                   "max_partition_cpu_s": 0.0, "max_partition_wall_s": 0.0})
        e["partitions"] += 1
        e["items"] += items
        e["cpu_s"] += cpu
        e["wall_s"] += wall
        e["max_partition_cpu_s"] = max(e["max_partition_cpu_s"], cpu)
        e["max_partition_wall_s"] = max(e["max_partition_wall_s"], wall)
    for e in out.values():
        e["cpu_s_per_item"] = e["cpu_s"] / e["items"] if e["items"] else None
        for k in ("cpu_s", "wall_s", "max_partition_cpu_s", "max_partition_wall_s"):
            e[k] = round(e[k], 3)
    return out


def _alignment_rows(row):
    out = []
    for pos, a in enumerate(json.loads(row["alignment"])):
        out.append((row["derived"], row["source"], pos, json.dumps(a["derived"]), json.dumps(a["source"]), a["role"],
                    None if a.get("score") is None else float(a["score"]), a.get("detail"),
                    json.dumps(a.get("changes") or [], ensure_ascii=False)))
    return out
