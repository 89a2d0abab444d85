"""Readers that turn inputs into Articles.

``read_paths(paths)`` walks files and folders and yields, for each input record, either an
``Article`` or a ``Rejection`` saying why that record cannot be one. A reader never raises for bad
input: one broken record in a million is reported and the batch goes on.

Readers are registered by file suffix in ``READERS``; each takes ``(path, settings)`` and yields
Articles or Rejections.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from ..article import Article
from ..errors import RejectedInput
from ..settings import Settings


@dataclass
class Rejection:
    """An input that did not become an article: where it came from, a reason code and a message."""

    input: str
    reason: str
    message: str


Record = Union[Article, Rejection]
Reader = Callable[[Path, Settings], Iterator[Record]]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str):
    """Register a reader for file suffixes (lower-case, with the dot)."""

    def register(fn: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = fn
        return fn

    return register


def file_id(path: Path, content: str) -> str:
    """A readable, stable id for an article read from a file: its name and a short content hash
    ("fr-spun-e0664f"), so two files of the same name in different folders never collide."""
    import re

    from ..article import content_hash

    stem = re.sub(r"[^\w.-]+", "-", path.stem).strip("-")[:40] or "article"
    return f"{stem}-{content_hash(content)[:6]}"


def read_bytes(path: Path, settings: Settings) -> bytes:
    """Read a file, rejecting what is too large or empty before decoding it."""
    size = path.stat().st_size
    if size > settings.max_input_bytes:
        raise RejectedInput(
            "too-large", f"{size:,} bytes is over the limit of {settings.max_input_bytes:,}",
            "Raise it with --set max_input_bytes=N if this really is one article",
        )
    data = path.read_bytes()
    if not data.strip():
        raise RejectedInput("empty", "the file is empty")
    return data


def decode(data: bytes) -> str:
    """Decode bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else the encoding that
    charset-normalizer finds. Binary data is rejected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RejectedInput("encoding", f"the text starts with a UTF-16 byte-order mark but is not UTF-16 ({exc.reason})",
                                "Convert the file to UTF-8 and ingest it again") from exc
    head = data[:8192]
    if b"\x00" in head:
        raise RejectedInput("binary", "the file holds binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))[:6]
    if not matches:
        raise RejectedInput("encoding", "the text's encoding could not be determined",
                            "Convert the file to UTF-8 and ingest it again")
    # Single-byte code pages differ in a few letters only, and charset-normalizer's byte statistics
    # often rank a wrong one first (cp1250 for French). The decoding a language identifier is
    # surest about is the one that reads as a language.
    from ..text.language import detect

    text = max((str(m) for m in matches), key=lambda t: detect(t)[1])
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 0.01 * max(1, len(text[:8192])):
        raise RejectedInput("binary", "the file looks binary (control characters), not text")
    return text


def check_text(text: str, settings: Settings) -> str:
    """Reject a text that is too short to be an article."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\ufeff")
    if len(text.strip()) < settings.min_article_chars:
        raise RejectedInput(
            "too-short", f"only {len(text.strip())} characters of text (the minimum is {settings.min_article_chars})"
        )
    return text


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files under the given paths, folders walked recursively in sorted order; hidden files skipped."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def read_path(path: Path, settings: Settings) -> Iterator[Record]:
    """Records of one file, by its suffix; unknown suffixes are read as text if they decode."""
    from . import archives, feeds, html, jsonl, tables, text  # noqa: F401  (registers the readers)

    if not path.exists():
        yield Rejection(str(path), "missing", "no such file or folder")
        return
    suffix = path.suffix.lower()
    fn = READERS.get(suffix, READERS[".txt"])
    try:
        yield from fn(path, settings)
    except RejectedInput as exc:
        yield Rejection(str(path), exc.reason, str(exc))
    except (OSError, ValueError) as exc:
        yield Rejection(str(path), "unreadable", f"{type(exc).__name__}: {exc}")


def read_paths(paths: Iterable[str | os.PathLike], settings: Settings | None = None) -> Iterator[Record]:
    """Records of every file under ``paths``."""
    settings = settings or Settings()
    for path in iter_files(paths):
        yield from read_path(path, settings)
