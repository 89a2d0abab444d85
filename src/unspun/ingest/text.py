"""Plain-text reader: the first non-empty line is the title, the rest the text."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..article import Article
from ..settings import Settings
from . import Record, check_text, decode, file_id, read_bytes, reader


def article_from_text(raw: str, settings: Settings, **fields) -> Article:
    """Build an article from text whose first line is its title."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = raw.strip().split("\n", 1)
    title = lines[0].strip() if len(lines) > 1 else None
    body = lines[1] if len(lines) > 1 else lines[0]
    if len(body.strip()) < settings.min_article_chars and len(raw.strip()) >= settings.min_article_chars:
        title, body = None, raw  # one long line, no title
    return Article(text=check_text(body, settings).strip("\n"), title=title, **fields)


@reader(".txt", ".text", ".md")
def read_text(path: Path, settings: Settings) -> Iterator[Record]:
    text = decode(read_bytes(path, settings))
    if text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        from .html import article_from_html  # text -> html only: html.py never imports this module

        yield article_from_html(text, settings, source_path=str(path), id=file_id(path, text))
        return
    yield article_from_text(text, settings, source_path=str(path), id=file_id(path, text))
