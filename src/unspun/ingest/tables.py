"""CSV and TSV tables of articles, one article a row, with a column mapping.

``read_csv(path, {"text": "body", "title": "headline", "published": "date", "url": "link",
"id": "guid"})`` reads a table whose columns are named differently from unspun's fields. Without a
mapping, columns named like the fields (or a common alias: ``body``, ``content``, ``headline``,
``date``, ``link``, ``guid``...) are used. Each row becomes an Article or a Rejection named
``path:line``; a broken row never stops the table.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Iterator

from ..errors import RejectedInput
from ..settings import Settings
from . import Record, Rejection, reader

# The fields a column can be mapped to.
FIELDS = ("text", "title", "published", "url", "id", "outlet", "lang", "author")
ALIASES = {
    "text": ("text", "body", "content", "article", "article_text", "maintext", "full_text", "story"),
    "title": ("title", "headline", "heading", "name"),
    "published": ("published", "date", "pubdate", "published_at", "publication_date", "datetime", "time"),
    "url": ("url", "link", "href", "permalink", "canonical_url"),
    "id": ("id", "guid", "uuid", "article_id", "doc_id"),
    "outlet": ("outlet", "source", "domain", "site", "publisher", "source_domain"),
    "lang": ("lang", "language", "locale"),
    "author": ("author", "authors", "byline", "creator"),
}
# The head of the file that decides the encoding and the delimiter.
_SAMPLE = 65_536
# Rows of a table that fail to parse in a row before the table is given up as not CSV.
CSV_MAX_BAD_ROWS_IN_A_ROW = 100


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``"text=body,title=headline"`` -> ``{"text": "body", "title": "headline"}`` (the CLI's ``--map``).

    Raises:
        ValueError: a pair without ``=`` or an unknown field.
    """
    mapping: dict[str, str] = {}
    if not spec:
        return mapping
    for pair in spec.split(","):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise ValueError(f"--map needs field=column pairs, got {pair!r}")
        field, column = (p.strip() for p in pair.split("=", 1))
        if field not in FIELDS:
            raise ValueError(f"--map: unknown field {field!r}; fields are {', '.join(FIELDS)}")
        mapping[field] = column
    return mapping


def _encoding_of(sample: bytes) -> str:
    """UTF-8 when the sample is (a cut multi-byte character at its end allowed), else what
    ``decode`` finds for it.

    Raises:
        RejectedInput: binary or undecodable.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in sample:
        raise RejectedInput("binary", "the file holds binary data (NUL bytes), not a table")
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason in ("unexpected end of data", "invalid continuation byte"):
            return "utf-8"
    from .fetch import _mixed_utf8

    if _mixed_utf8(sample) is not None:
        return "utf-8"  # UTF-8 with rows from another system: those rows are repaired one by one
    from .fetch import safe_decode

    try:
        text = safe_decode(sample)
    except RejectedInput as exc:
        if exc.reason != "encoding":
            raise
        return "utf-8"
    # decode() picked the reading that looks most like a language; find which codec gives it.
    for codec in ("cp1252", "latin-1", "cp1251", "cp1250", "iso-8859-2", "koi8-r", "cp1253", "cp1254",
                  "cp1257", "iso-8859-15", "gb18030", "big5", "shift_jis", "euc-kr", "mac-roman"):
        try:
            if sample.decode(codec) == text:
                return codec
        except (UnicodeDecodeError, LookupError):
            continue
    return "utf-8"  # rows that are not UTF-8 are repaired or rejected one by one


def _fix_field(value: str) -> str:
    """A field read with ``surrogateescape`` that holds bytes of another encoding (a table pasted
    together from two systems): decode those bytes on their own.

    Raises:
        RejectedInput: the field cannot be decoded.
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    from .fetch import safe_decode

    raw = value.encode("utf-8", "surrogateescape")
    return safe_decode(raw)


def _pick_columns(header: list[str], mapping: dict[str, str], where: str) -> dict[str, str]:
    columns = {h.strip().lower(): h for h in header if h is not None}
    if mapping:
        missing = [c for c in mapping.values() if c not in header and c.lower() not in columns]
        if missing:
            raise RejectedInput("mapping", f"{where} has no column {', '.join(map(repr, missing))};"
                                f" its columns are {', '.join(map(repr, header))}",
                                "Name the columns with --map text=COLUMN,title=COLUMN,...")
        picked = {f: (c if c in header else columns[c.lower()]) for f, c in mapping.items()}
    else:
        picked = {}
    for field in FIELDS:
        if field in picked:
            continue
        for alias in ALIASES[field]:
            if alias in columns and columns[alias] not in picked.values():
                picked[field] = columns[alias]
                break
    if "text" not in picked:
        raise RejectedInput("mapping", f"{where} has no text column; its columns are"
                            f" {', '.join(map(repr, header))}", "Name it with --map text=COLUMN")
    return picked


def read_csv(path: str | Path, mapping: dict[str, str] | None = None,
             settings: Settings | None = None) -> Iterator[Record]:
    """An Article or a Rejection for each row of a CSV/TSV table.

    Args:
        path: the table; ``.tsv`` is tab-separated, otherwise the delimiter is sniffed.
        mapping: unspun field -> column name (fields: text, title, published, url, id, outlet,
            lang, author); unmapped fields fall back to columns named like them.
    Never raises for bad input: a missing column, a binary or undecodable file is one Rejection
    for the file; a bad row is one Rejection named ``path:line``.
    """
    settings = settings or Settings()
    path = Path(path)
    try:
        yield from _read_csv(path, dict(mapping or {}), settings)
    except RejectedInput as exc:
        yield Rejection(str(path), exc.reason, str(exc))
    except (OSError, ValueError) as exc:
        yield Rejection(str(path), "unreadable", f"{type(exc).__name__}: {exc}")


def _read_csv(path: Path, mapping: dict[str, str], settings: Settings) -> Iterator[Record]:
    from .fetch import site_of
    from .jsonl import article_from_record

    for field in mapping:
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r} in the column mapping; fields are {', '.join(FIELDS)}")
    if not path.exists():
        raise RejectedInput("missing", "no such file")
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE)
    if not sample.strip():
        raise RejectedInput("empty", "the file is empty")
    encoding = _encoding_of(sample)
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(sample[:8192].decode(encoding, "replace"), ",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    # Articles are long; the csv module's default field limit (128 KiB) would cut real ones.
    csv.field_size_limit(min(max(settings.max_input_bytes, 131_072), sys.maxsize))
    with open(path, "r", encoding=encoding, errors="surrogateescape", newline="") as fh:
        rows = csv.reader(fh, delimiter=delimiter, strict=True)
        try:
            header = next(rows)
        except StopIteration:
            raise RejectedInput("empty", "the table has no rows") from None
        except csv.Error as exc:
            raise RejectedInput("parse", f"the header cannot be read ({exc})") from exc
        header = [_fix_field(h).strip().lstrip("\ufeff") for h in header]
        picked = _pick_columns(header, mapping, str(path))
        index = {name: i for i, name in enumerate(header)}
        bad_in_a_row = 0
        while True:
            line = rows.line_num + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                bad_in_a_row += 1
                hint = (": a quote opened in this row is never closed, so the rest of the file was read into it"
                        if "end of data" in str(exc) else "")
                yield Rejection(f"{path}:{line}", "parse", f"the row cannot be read ({exc}){hint}")
                if bad_in_a_row >= CSV_MAX_BAD_ROWS_IN_A_ROW:
                    yield Rejection(str(path), "parse", f"{bad_in_a_row} bad rows in a row; the rest of the"
                                    " file was not read")
                    return
                continue
            bad_in_a_row = 0
            if not any(cell.strip() for cell in row):
                continue
            where = f"{path}:{line}"
            try:
                record = {}
                for field, column in picked.items():
                    i = index[column]
                    if i < len(row) and row[i].strip():
                        record[field] = _fix_field(row[i])
                if sum(len(v) for v in record.values()) > settings.max_input_bytes:
                    raise RejectedInput("too-large", "the row is over the limit of"
                                        f" {settings.max_input_bytes:,} bytes")
                if len(row) != len(header):
                    # A row with a missing or extra delimiter shifts its columns: the text would be
                    # some other field, so it is rejected rather than stored wrong.
                    raise RejectedInput("parse", f"the row has {len(row)} columns, the header {len(header)}")
                article = article_from_record(record, settings, where)
            except RejectedInput as exc:
                yield Rejection(where, exc.reason, str(exc))
                continue
            if not article.outlet and article.url:
                article.outlet = site_of(article.url)
            if record.get("author"):
                article.meta["author"] = record["author"]
            article.meta["table_row"] = line
            yield article


@reader(".csv", ".tsv")
def read_table(path: Path, settings: Settings) -> Iterator[Record]:
    """A table read with the default column names (see ``ALIASES``)."""
    yield from read_csv(path, None, settings)
