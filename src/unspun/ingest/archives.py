"""Archives: WARC and ARC web archives (warcio), gzip, zip and tar files.

A web archive yields one Article per captured HTML page. A gzip, zip or tar file is opened member
by member; each member is read by the reader its name asks for (HTML, text, JSONL, CSV, feeds,
and archives inside archives, to a bounded depth), and its records are named
``archive!member``. Nothing is ever unpacked whole: members are streamed to a scratch file under
limits on the total uncompressed size, on the compression ratio and on the number of members, so
a zip bomb is rejected after reading at most a few megabytes of it.
"""
from __future__ import annotations

import re
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import RejectedInput
from ..settings import Settings
from . import Record, Rejection, reader
from .fetch import _tunable

# --- tunables -------------------------------------------------------------------------------------
# Uncompressed bytes one top-level archive may expand to, nested archives included.
ARCHIVE_MAX_TOTAL_BYTES = 2_000_000_000
# Deflate reaches about 1000:1 on degenerate input, text and HTML compress 4-15:1, JSONL of
# near-duplicate articles rarely past 50:1; past this ratio a member is taken for a bomb.
ARCHIVE_MAX_RATIO = 200
# Small members may have any ratio: the ratio is only checked past this many output bytes.
ARCHIVE_RATIO_SLACK = 1_000_000
# Members read from one archive; the rest are rejected in one line.
ARCHIVE_MAX_MEMBERS = 10_000
# Archives inside archives are opened this many levels deep (a zip in a zip is depth 2).
ARCHIVE_MAX_DEPTH = 2

_CHUNK = 1 << 16
# Members that hold many articles get the archive's whole budget; others max_input_bytes.
_CONTAINER_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv", ".warc", ".arc", ".gz", ".tgz", ".zip",
                       ".tar", ".xml", ".rss", ".atom", ".opml"}
_ARCHIVE_SUFFIXES = {".warc", ".arc", ".gz", ".tgz", ".zip", ".tar"}
_LINE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class _Budget:
    """Uncompressed bytes left to one top-level archive and how deep we are in it (0: top level)."""

    left: int
    depth: int = 0


class _Bomb(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _copy_bounded(src: BinaryIO, dst: BinaryIO, limit: int, budget: _Budget, compressed_size: int | None,
                  max_ratio: float, counted_in=None) -> int:
    """Copy a decompressing stream, stopping at ``limit`` bytes, at the archive's budget, or when the
    output outgrows the input by more than ``max_ratio``. Returns the bytes copied.

    Raises:
        _Bomb: with reason ``too-large`` or ``zip-bomb``.
    """
    written = 0
    while True:
        chunk = src.read(_CHUNK)
        if not chunk:
            return written
        written += len(chunk)
        if written > budget.left:
            raise _Bomb("zip-bomb", "expands past the archive limit of"
                        f" {budget.left + written - len(chunk):,} more bytes (ARCHIVE_MAX_TOTAL_BYTES)")
        if written > limit:
            raise _Bomb("too-large", f"expands to more than {limit:,} bytes")
        consumed = counted_in() if counted_in else compressed_size
        if consumed and written > ARCHIVE_RATIO_SLACK and written > max_ratio * consumed:
            raise _Bomb("zip-bomb", f"expands more than {max_ratio:g} times ({consumed:,} bytes gave"
                        f" {written:,} so far); a compression bomb")
        dst.write(chunk)


class _CountingReader:
    """A file wrapper that counts the bytes read through it (the compressed side of a stream)."""

    def __init__(self, fh: BinaryIO):
        self.fh, self.count = fh, 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.count += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self.fh, name)


class _Gunzip:
    """A gzip decompressor over a file that hands out every byte it could decompress before it
    reports a truncated stream (``gzip.GzipFile`` drops the last block's output when the file is
    cut), reads concatenated members, and never holds more than about one chunk of output."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._d = zlib.decompressobj(31)
        self._buf = b""
        self._tail = b""
        self._started = False
        self._end = False
        self._error: Exception | None = None

    def read(self, n: int = _CHUNK) -> bytes:
        n = n if n and n > 0 else _CHUNK
        while len(self._buf) < n and not self._end:
            if self._tail:
                data, self._tail = self._tail, b""
            else:
                data = self._raw.read(_CHUNK)
                if not data:
                    self._end = True
                    if not self._d.eof:
                        self._error = EOFError("the compressed stream ends early")
                    break
            if self._d.eof:  # the next member of a concatenated gzip file
                data = data.lstrip(b"\x00")  # some writers pad members with zeros
                if not data:
                    continue
                self._d = zlib.decompressobj(31)
            self._started = True
            self._buf += self._d.decompress(data, n - len(self._buf))
            self._tail = self._d.unconsumed_tail or (self._d.unused_data if self._d.eof else b"")
        out, self._buf = self._buf[:n], self._buf[n:]
        if not out and self._error is not None:
            raise self._error
        return out


def gunzip_bytes(data: bytes, settings: Settings) -> bytes:
    """Decompress gzip data in memory under ``max_input_bytes`` and the ratio limit.

    Raises:
        RejectedInput: corrupt, truncated, too large or a bomb.
    """
    import io

    out = io.BytesIO()
    budget = _Budget(settings.max_input_bytes)
    try:
        _copy_bounded(_Gunzip(io.BytesIO(data)), out, settings.max_input_bytes, budget, len(data),
                      _tunable(settings, "ARCHIVE_MAX_RATIO", ARCHIVE_MAX_RATIO))
    except _Bomb as exc:
        raise RejectedInput(exc.reason, f"the gzip data {exc}") from exc
    except EOFError as exc:
        raise RejectedInput("truncated", "the gzip data ends early (truncated download?)") from exc
    except (OSError, zlib.error) as exc:
        raise RejectedInput("corrupt", f"the gzip data is corrupt ({exc})") from exc
    return out.getvalue()


# -- members ----------------------------------------------------------------------------------------
def _safe_name(member: str) -> str:
    """The member's base name, safe as a file name in the scratch folder (it keeps the suffix that
    picks the reader and the stem that names the article)."""
    base = member.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "member"
    return base[-120:]


def _read_member(stream: BinaryIO, member: str, display: str, settings: Settings, budget: _Budget,
                 compressed_size: int | None, counted_in=None, same_level: bool = False) -> Iterator[Record]:
    """Spill one member to a scratch file under the limits, read it with the reader its suffix
    picks, and rename its records ``display!member``. ``same_level``: the member is all a gzip
    wrapper holds (``x.tar.gz``), which is one archive, not two nested."""
    from . import read_path

    name = _safe_name(member)
    suffix = Path(name).suffix.lower()
    where = f"{display}!{member}"
    max_depth = int(_tunable(settings, "ARCHIVE_MAX_DEPTH", ARCHIVE_MAX_DEPTH))
    depth = budget.depth + (0 if same_level else 1)
    if suffix in _ARCHIVE_SUFFIXES and depth >= max_depth:
        yield Rejection(where, "nested", f"an archive nested more than {max_depth} deep is not opened"
                        " (ARCHIVE_MAX_DEPTH)")
        return
    limit = budget.left if suffix in _CONTAINER_SUFFIXES or not suffix else settings.max_input_bytes
    scratch = tempfile.mkdtemp(prefix="unspun-")
    try:
        path = Path(scratch) / name
        truncated = None
        with open(path, "wb") as out:
            try:
                written = _copy_bounded(stream, out, limit, budget, compressed_size,
                                        _tunable(settings, "ARCHIVE_MAX_RATIO", ARCHIVE_MAX_RATIO), counted_in)
            except _Bomb as exc:
                budget.left -= out.tell()
                yield Rejection(where, exc.reason, f"{member} {exc}")
                return
            except EOFError:
                truncated = "ends early (truncated archive?)"
                written = out.tell()
            except Exception as exc:  # zlib.error, BadZipFile (bad CRC), NotImplementedError, OSError...
                truncated = f"is corrupt ({type(exc).__name__}: {exc})"
                written = out.tell()
        budget.left -= written
        if truncated:
            if suffix not in _LINE_SUFFIXES or not _cut_at_last_line(path):
                yield Rejection(where, "truncated" if "early" in truncated else "corrupt", f"{member} {truncated}")
                return
            # Line-oriented members keep their complete lines: a crawl dump cut short loses only its tail.
            yield Rejection(where, "truncated", f"{member} {truncated}; its complete lines were read")
        if suffix in _ARCHIVE_SUFFIXES:
            inner = _Budget(budget.left, depth)
            records = _open_archive(path, settings, inner)
        else:
            inner, records = None, read_path(path, settings)
        count = 0
        for record in records:
            count += 1
            if isinstance(record, Rejection):
                record.input = record.input.replace(str(path), where, 1)
            elif record.source_path:
                record.source_path = record.source_path.replace(str(path), where, 1)
            else:
                record.source_path = where
            yield record
        if count == 0:
            # Nothing is dropped unreported: a blank JSONL member, or a WARC of images only.
            blank = written < 1_000_000 and not path.read_bytes().strip()
            yield Rejection(where, "empty" if blank else "no-records",
                            "the member is empty" if blank else "nothing in the member is an article")
        if inner is not None:
            budget.left = min(budget.left, inner.left)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cut_at_last_line(path: Path) -> bool:
    """Drop a partial last line; False when no complete line is left."""
    size = path.stat().st_size
    with open(path, "rb+") as fh:
        pos = max(0, size - _CHUNK)
        while True:
            fh.seek(pos)
            block = fh.read(min(_CHUNK, size - pos))
            cut = block.rfind(b"\n")
            if cut >= 0:
                fh.truncate(pos + cut + 1)
                return True
            if pos == 0:
                return False
            pos = max(0, pos - _CHUNK)


def _not_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise RejectedInput("empty", "the file is empty")


def _top_budget(settings: Settings) -> _Budget:
    return _Budget(int(_tunable(settings, "ARCHIVE_MAX_TOTAL_BYTES", ARCHIVE_MAX_TOTAL_BYTES)))


def _open_archive(path: Path, settings: Settings, budget: _Budget) -> Iterator[Record]:
    """Records of an archive found inside another, guarded like ``read_path`` guards a file."""
    opener = {".zip": _zip, ".tar": _tar, ".gz": _gzip, ".tgz": _gzip, ".warc": _warc, ".arc": _warc}
    try:
        yield from opener[path.suffix.lower()](path, settings, budget)
    except RejectedInput as exc:
        yield Rejection(str(path), exc.reason, str(exc))
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        yield Rejection(str(path), "unreadable", f"{type(exc).__name__}: {exc}")


# -- gzip -------------------------------------------------------------------------------------------
def _gzip_head(path: Path) -> bytes:
    import gzip

    try:
        with gzip.open(path, "rb") as gz:
            return gz.read(512)
    except (OSError, EOFError, zlib.error):
        return b""


@reader(".gz", ".tgz")
def read_gzip(path: Path, settings: Settings) -> Iterator[Record]:
    """A gzip file: a WARC/ARC (``.warc.gz`` arrives here), else its one member by its inner name
    (``page.html.gz`` is HTML, ``dump.jsonl.gz`` JSONL, ``crawl.tgz`` a tar)."""
    yield from _gzip(path, settings, _top_budget(settings))


def _gzip(path: Path, settings: Settings, budget: _Budget) -> Iterator[Record]:
    _not_empty(path)
    with open(path, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            raise RejectedInput("corrupt", "not gzip data (wrong magic number)")
    head = _gzip_head(path)
    if head.startswith(b"WARC/") or head.startswith(b"filedesc://"):
        yield from _warc(path, settings, budget)
        return
    if path.suffix.lower() == ".tgz":
        inner = path.stem + ".tar"
    else:
        inner = path.name[: -len(path.suffix)] or "member"
    if not Path(inner).suffix and head.lstrip()[:1] == b"<":
        inner += ".html"
    size = path.stat().st_size
    with open(path, "rb") as raw:
        counter = _CountingReader(raw)
        yield from _read_member(_Gunzip(counter), inner, str(path), settings, budget, size,
                                counted_in=lambda: counter.count, same_level=True)


# -- zip --------------------------------------------------------------------------------------------
@reader(".zip")
def read_zip(path: Path, settings: Settings) -> Iterator[Record]:
    """Every member of a zip file, bounded against zip bombs; encrypted members are rejected."""
    yield from _zip(path, settings, _top_budget(settings))


def _zip(path: Path, settings: Settings, budget: _Budget) -> Iterator[Record]:
    _not_empty(path)
    max_members = int(_tunable(settings, "ARCHIVE_MAX_MEMBERS", ARCHIVE_MAX_MEMBERS))
    try:
        zf = zipfile.ZipFile(path)
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError, ValueError, EOFError...
        raise RejectedInput("corrupt", f"not a readable zip file ({type(exc).__name__}: {exc})") from exc
    with zf:
        # Not ZipInfo.is_dir(): it fails on a member with an empty name (found by fuzzing).
        infos = [i for i in zf.infolist() if not i.filename.endswith("/") and not _hidden(i.filename)]
        for number, info in enumerate(infos):
            if number >= max_members:
                yield Rejection(str(path), "too-many-members", f"holds {len(infos):,} files; only the first"
                                f" {max_members:,} were read (ARCHIVE_MAX_MEMBERS)")
                return
            where = f"{path}!{info.filename}"
            if not info.filename:
                yield Rejection(where, "corrupt", "a member has no name")
                continue
            if info.flag_bits & 0x1:
                yield Rejection(where, "encrypted", "the member is encrypted", )
                continue
            if budget.left <= 0:
                yield Rejection(str(path), "zip-bomb", "expands past the archive limit; the remaining"
                                f" {len(infos) - number:,} members were not read (ARCHIVE_MAX_TOTAL_BYTES)")
                return
            try:
                stream = zf.open(info)
            except Exception as exc:  # unsupported compression, bad headers, encryption variants
                yield Rejection(where, "corrupt", f"the member cannot be opened ({type(exc).__name__}: {exc})")
                continue
            with stream:
                yield from _read_member(stream, info.filename, str(path), settings, budget,
                                        max(info.compress_size, 1))


def _hidden(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts if p)


# -- tar --------------------------------------------------------------------------------------------
@reader(".tar")
def read_tar(path: Path, settings: Settings) -> Iterator[Record]:
    """Every regular file of a tar archive (compressed tars arrive here through the gzip reader)."""
    yield from _tar(path, settings, _top_budget(settings))


def _tar(path: Path, settings: Settings, budget: _Budget) -> Iterator[Record]:
    _not_empty(path)
    max_members = int(_tunable(settings, "ARCHIVE_MAX_MEMBERS", ARCHIVE_MAX_MEMBERS))
    try:
        tf = tarfile.open(path, "r:")
    except Exception as exc:  # tarfile raises TarError, but also EOFError, ValueError, OverflowError
        raise RejectedInput("corrupt", f"not a readable tar file ({type(exc).__name__}: {exc})") from exc
    with tf:
        number = 0
        try:
            for info in tf:
                if not info.isfile() or _hidden(info.name):
                    continue
                if number >= max_members:
                    yield Rejection(str(path), "too-many-members", f"holds more than {max_members:,} files;"
                                    " the rest were not read (ARCHIVE_MAX_MEMBERS)")
                    return
                number += 1
                stream = tf.extractfile(info)
                if stream is None:
                    continue
                # A tar stores sizes uncompressed, so the ratio check does not apply here.
                yield from _read_member(stream, info.name, str(path), settings, budget, None)
        except Exception as exc:  # tarfile raises many types on a broken stream
            yield Rejection(str(path), "truncated", f"the tar file breaks off ({type(exc).__name__}: {exc});"
                            " the members before were read")


# -- WARC / ARC -------------------------------------------------------------------------------------
@reader(".warc", ".arc")
def read_warc(path: Path, settings: Settings) -> Iterator[Record]:
    """One Article per captured HTML page of a WARC or ARC file (gzipped or not).

    Pages answered with an error status are rejected as ``http-NNN``; redirects, requests, metadata
    and non-HTML captures (images, scripts, styles) are not articles and are passed over. A file that
    breaks off keeps the records before the break."""
    yield from _warc(path, settings, _top_budget(settings))


def _warc(path: Path, settings: Settings, budget: _Budget) -> Iterator[Record]:
    from warcio.archiveiterator import ArchiveIterator

    _not_empty(path)
    with open(path, "rb") as fh:
        head = fh.read(512)
    if head[:2] == b"\x1f\x8b":
        head = _gzip_head(path)
    if not head.lstrip().startswith((b"WARC/", b"filedesc://")):
        raise RejectedInput("corrupt", "not a WARC or ARC file (no WARC/ or filedesc:// header)")
    class QuietIterator(ArchiveIterator):
        # warcio writes a warning to stderr for each record whose Content-Length is wrong; we count
        # them (err_count) and report one rejection instead of printing over the progress bar.
        INC_RECORD = ""

    with open(path, "rb") as fh:
        iterator = QuietIterator(fh, arc2warc=True)
        count = 0
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                break
            except Exception as exc:  # warcio raises ArchiveLoadFailed, zlib, EOF and value errors
                what = "breaks off" if count else "cannot be read as WARC/ARC"
                yield Rejection(str(path), "truncated" if count else "corrupt",
                                f"the archive {what} after {count} records ({type(exc).__name__}: {exc})")
                return
            if not getattr(record, "rec_type", None):
                # warcio hands out a typeless record when the file ends inside a record's headers.
                yield Rejection(str(path), "truncated" if count else "corrupt",
                                f"the archive breaks off after {count} records" if count
                                else "no WARC/ARC record could be read")
                return
            count += 1
            uri = record.rec_headers.get_header("WARC-Target-URI") if record.rec_headers else None
            try:
                result = _warc_record(record, path, settings)
                cut = _drain(record)
            except Exception as exc:  # one broken capture never stops the archive
                yield Rejection(f"{path}!{uri or count}", "corrupt", f"{type(exc).__name__}: {exc}")
                continue
            if cut:
                # A capture the file breaks off inside: its page is incomplete, so it is not stored.
                yield Rejection(f"{path}!{uri or count}", "truncated", "the archive breaks off inside this"
                                f" capture; the {count - 1} records before it were read")
                return
            if result is not None:
                yield result
        if count == 0:
            yield Rejection(str(path), "corrupt", "no WARC/ARC record could be read")
        elif iterator.err_count:
            yield Rejection(str(path), "bad-length", f"{iterator.err_count} records declare a wrong"
                            " Content-Length; the records around them may be incomplete or missing")


def _drain(record) -> bool:
    """Read the rest of a record; True when the file ends before the record's declared length."""
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    return getattr(raw, "limit", 0) > 0


def _warc_record(record, path: Path, settings: Settings) -> Record | None:
    from .fetch import body_text, finish_web_article, parse_content_type
    from .html import article_from_html

    if record.rec_type not in ("response", "resource"):
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = f"{path}!{uri}"
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode() or ""
        content_type = record.http_headers.get_header("Content-Type")
    else:
        status = "200"
        content_type = record.rec_headers.get_header("Content-Type")
    mime, charset = parse_content_type(content_type)
    if mime not in _HTML_TYPES:
        return None
    code = int(status) if str(status).isdigit() else 0
    if 300 <= code < 400 or code == 0:
        return None
    if code >= 400:
        return Rejection(where, f"http-{code}", f"the archived page was answered with HTTP {code}")
    stream = record.content_stream()
    body = stream.read(settings.max_input_bytes + 1)
    if len(body) > settings.max_input_bytes:
        return Rejection(where, "too-large", f"the archived page is over the limit of {settings.max_input_bytes:,}"
                         " bytes")
    try:
        html = body_text(body, charset)
        article = article_from_html(html, settings, url=None, source_path=where)
    except RejectedInput as exc:
        return Rejection(where, exc.reason, str(exc))
    finish_web_article(article, uri or None)
    article.meta["warc_record_id"] = record.rec_headers.get_header("WARC-Record-ID")
    crawled = record.rec_headers.get_header("WARC-Date")
    if crawled:
        article.meta["crawled_at"] = crawled
    return article
