"""JSONL reader in the format of ../shared/data/README.md: one article a line with ``id``,
``lang``, ``outlet``, ``title``, ``text``, and optionally ``url`` and ``published``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from ..article import Article
from ..errors import RejectedInput
from ..settings import Settings
from . import Record, Rejection, check_text, reader
from .html import outlet_of, parse_date


def article_from_record(record: dict, settings: Settings, source: str) -> Article:
    """Build an article from one JSON object; raises RejectedInput for unusable records."""
    if not isinstance(record, dict):
        raise RejectedInput("parse", "the line is JSON but not an object")
    text = record.get("text")
    if not isinstance(text, str):
        raise RejectedInput("no-text", "the record has no 'text' string")
    article_id = record.get("id")
    url = record.get("url")
    return Article(
        id=str(article_id) if article_id is not None else None,
        text=check_text(text, settings),
        title=record.get("title") or None,
        url=url,
        outlet=record.get("outlet") or outlet_of(url),
        lang=record.get("lang") or None,
        published=parse_date(record.get("published")),
        source_path=source,
    )


@reader(".jsonl", ".ndjson")
def read_jsonl(path: Path, settings: Settings) -> Iterator[Record]:
    records = 0
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            records += 1
            if len(raw) > settings.max_input_bytes:
                yield Rejection(where, "too-large", f"the line has {len(raw):,} bytes, over the limit")
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield Rejection(where, "parse", f"not a JSON line ({exc})")
                continue
            try:
                yield article_from_record(record, settings, where)
            except RejectedInput as exc:
                yield Rejection(where, exc.reason, str(exc))
    if records == 0:
        yield Rejection(str(path), "empty", "the file holds no JSON lines")
