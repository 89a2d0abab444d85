"""The Spark engine: corpus-scale linking over Parquet, with the local engine's rules and compare.

Three steps, each usable alone (docs/spark.md):

1. ``export_dataset(store, DIR)`` (``unspun export --format parquet --what spark --out DIR``):
   the store and its candidate index as Parquet tables (``spark.dataset``);
2. ``run_job(DIR, OUT)`` (``python -m unspun.spark DIR OUT``, spark-submit-able): candidates by
   ``index.rules``, ``link.compare`` in the executors, links and alignments as Parquet
   (``spark.job``);
3. ``import_links(store, OUT)`` (``unspun import-links OUT``): the links into the store, then the
   same settling as ``link_store`` (``spark.load``).

``link_with_spark(store)`` (``unspun link --engine spark``) runs the three with a local Spark.
"""
from __future__ import annotations

import os
import tempfile
from typing import Callable

from ..settings import Settings
from ..store import Store
from .dataset import export_dataset
from .load import import_links

__all__ = ["export_dataset", "run_job", "import_links", "link_with_spark", "session"]


def session(master: str | None = None, app: str = "unspun", conf: dict | None = None):
    """A SparkSession (``master`` None: the one spark-submit configured, else ``local[*]``).

    Raises:
        SparkError: pyspark is not installed or Java is missing.
    """
    from ..errors import SparkError

    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkError("pyspark is not installed", "pip install 'unspun[spark]' (and Java 17)") from exc
    import sys

    # Local executors run this interpreter (the one unspun is installed in); on a cluster,
    # spark-submit's PYSPARK_PYTHON (or spark.pyspark.python) names the executors' interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    settings = {"spark.sql.shuffle.partitions": "8", "spark.ui.enabled": "false",
                "spark.sql.execution.arrow.pyspark.enabled": "false", "spark.python.worker.reuse": "true"}
    settings.update(conf or {})
    for k, v in settings.items():
        builder = builder.config(k, v)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, or a master that cannot be reached
        raise SparkError(f"Spark could not start: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                         "Install Java 17 (apt-get install openjdk-17-jre-headless) and check --master") from exc


def run_job(dataset: str, out: str, master: str | None = None, log: Callable[[str], None] | None = None,
            spark=None, conf: dict | None = None) -> dict:
    """Run the link job over an exported dataset; returns its summary (``OUT/summary.json``)."""
    from ..errors import SparkJobFailed, UnspunError
    from .job import Job

    own = spark is None and not _active()  # a session this call starts is stopped at the end
    spark = spark or session(master, conf=conf)
    try:
        return Job(spark, dataset, out, log).run()
    except UnspunError:
        raise
    except Exception as exc:
        raise SparkJobFailed(f"The Spark job stopped: {_reason(exc)}") from exc
    finally:
        if own:
            spark.stop()


def link_with_spark(store: Store, settings: Settings | None = None, only_new: bool = True,
                    master: str | None = None, work: str | None = None, spark=None,
                    progress: Callable[[str, int, int], None] | None = None,
                    log: Callable[[str], None] | None = None) -> dict:
    """``unspun link --engine spark``: export, run the job, import the links, settle them.

    Args:
        work: folder for the dataset and the job's output (kept; a killed run given the same
            folder resumes the job). Default: a new temporary folder, removed after success.
    Returns:
        ``import_links``'s counts with ``"job"``: the job summary.
    """
    settings = settings or Settings()
    temp = None
    if work is None:
        temp = tempfile.TemporaryDirectory(prefix="unspun-spark-")
        work = temp.name
    dataset, out = os.path.join(work, "dataset"), os.path.join(work, "out")
    try:
        if not _exported(dataset, store, settings, only_new):
            export_dataset(store, dataset, settings, only_new=only_new, progress=progress)
        summary = run_job(dataset, out, master=master, log=log, spark=spark)
        result = import_links(store, out, settings, progress=progress)
        result["job"] = summary
        return result
    finally:
        if temp is not None:
            temp.cleanup()


def _exported(dataset: str, store: Store, settings: Settings, only_new: bool) -> bool:
    """Whether ``dataset`` is a whole export of this store as it is now (a resumed run)."""
    from ..errors import SparkError
    from .dataset import read_manifest

    try:
        manifest = read_manifest(dataset)
    except SparkError:
        return False
    last = store.db.execute("SELECT rowid, id FROM articles ORDER BY rowid DESC LIMIT 1").fetchone()
    return (manifest.get("store", {}).get("last") == (list(last) if last else None)
            and manifest.get("store", {}).get("articles") == store.count("articles")
            and manifest.get("fingerprint") == settings.fingerprint and manifest.get("only_new") == only_new)


def _active() -> bool:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return False
    return SparkSession.getActiveSession() is not None


def _reason(exc: BaseException) -> str:
    """One line saying why a Spark job failed: the Python error of the failed task when there was
    one, else the first line of the JVM's message."""
    text = str(exc)
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line and not line.startswith("at ") and ("Error:" in line or "Exception:" in line) and "py4j" not in line:
            return line[:300]
    return (text.splitlines()[0][:300] if text else type(exc).__name__)
