"""Named errors, each with a hint saying what to do next.

Library code raises these; the CLI, the web UI and the Spark job turn them into messages.
"""
from __future__ import annotations


class UnspunError(Exception):
    """Base class. ``hint`` tells the user what to try."""

    hint = ""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{msg}. {self.hint}" if self.hint else msg


class RejectedInput(UnspunError):
    """An input that cannot become an article. ``reason`` is a short machine-readable code
    (``empty``, ``binary``, ``encoding``, ``too-large``, ``no-text``, ``parse``, ``unsupported``,
    ``too-short``, ``duplicate-id``), ``message`` the human explanation."""

    def __init__(self, reason: str, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.reason = reason


class ArticleNotFound(UnspunError):
    hint = "List stored articles with `unspun articles`, or pass a file path instead of an id"


class StoreError(UnspunError):
    hint = "Check the --db path (or UNSPUN_DB); a store is never repaired by deleting it: see `unspun --help`"


class StoreBusy(StoreError):
    """Another process holds the store's write lock for longer than the wait allows."""

    hint = "Another unspun process is writing to this store: wait for it to finish, or retry; nothing was lost"


class StoreFull(StoreError):
    """The disk (or the file system's quota) that holds the store, or the index beside it, has no
    room left. The write in progress was rolled back; what was committed before is kept."""

    hint = ("Free space on the disk that holds the store (the store, its -wal file and the .candidates and"
            " .usearch files beside it grow together), then run the command again: it goes on from what was"
            " committed, nothing is lost")


class StoreReadOnly(StoreError):
    """The store, or the folder or file system that holds it, cannot be written."""

    hint = ("Make the store file and its folder writable (permissions, a file system mounted read-only), or copy"
            " the store and the files beside it somewhere writable; commands that only read still work, and"
            " nothing was changed")


class SchemaTooNew(StoreError):
    hint = "This store was written by a newer unspun; upgrade unspun to read it"


class CorpusError(UnspunError):
    hint = "A corpus folder needs articles.jsonl and pairs.jsonl (see ../shared/data/README.md)"


class SettingError(UnspunError, ValueError):
    hint = "Run `unspun settings` to list every setting with its default and help"


# -- the propagation analysis (unspun.graph) --------------------------------------------------------

class FilterError(UnspunError, ValueError):
    """A time, language or kind that cuts the store for the analysis cannot be read."""

    hint = "Times are ISO 8601 (2024-05-01 or 2024-05-01T12:00:00Z); kinds are verbatim, translation, rewrite, partial"


class OutletNotFound(ArticleNotFound):
    hint = "Outlets are registered domains as shown on article pages; list them with `unspun outlets` or /outlets"


class StoryNotFound(ArticleNotFound):
    hint = "A story is named by any of its articles' ids; list stories with `unspun stories`"


class ExportError(UnspunError, ValueError):
    hint = ("Formats: csv, jsonl, parquet, gexf, graphml; --what: links, articles, outlets, graph, all"
            " (gexf and graphml: graph or links)")


class ReportError(UnspunError, ValueError):
    hint = "Pass --out a new or empty directory, or one holding an earlier unspun report (it is replaced)"


# -- the web interface (unspun.web) ---------------------------------------------------------------

class TokenRequired(UnspunError):
    """``serve`` was asked to listen beyond this machine without a token."""

    hint = ("Pass --token SECRET (every request must then carry it), or bind to 127.0.0.1 and reach the"
            " server through an SSH tunnel")


class UploadTooLarge(UnspunError):
    hint = "Upload a single article; the limit is set with `unspun serve --max-upload-bytes`"


class BadRequest(UnspunError):
    hint = "See docs/web.md for the JSON API"


class CsrfRejected(UnspunError):
    hint = "Reload the page and send the form again; other sites cannot send forms to this server"


class CrossSite(UnspunError):
    hint = "Requests that change the store must come from this server's own pages"


class UnsupportedType(UnspunError):
    hint = 'POST a JSON object with Content-Type: application/json: {"text": "..."}'


class ServerBusy(UnspunError):
    hint = "Every trace slot is taken; retry in a few seconds (pages and searches are not affected)"


class Unauthorized(UnspunError):
    hint = "Pass the server's token as ?token=…, an `Authorization: Bearer …` header or the unspun_token cookie"


class SparkError(UnspunError):
    """The Spark engine cannot run on this store, dataset or output folder."""

    hint = "See docs/spark.md"


class SparkJobFailed(SparkError):
    """The Spark job stopped (a stage failed, the cluster went away)."""

    hint = ("Run the same command again with the same --out: the stages that finished are kept and the job goes on"
            " from the first unfinished one")


class LinksDatasetError(SparkError):
    """A folder given to `unspun import-links` is not a whole output of the Spark job, or was made from
    another store."""

    hint = "Give the --out folder of a finished `python -m unspun.spark` run made from this store's export"
