"""HTML reader: main text, title, date, URL and outlet with trafilatura."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..article import Article, content_hash
from ..errors import RejectedInput
from ..settings import Settings
from . import Record, check_text, decode, file_id, read_bytes, reader


@lru_cache(maxsize=1)
def _tld_extract():
    import tldextract

    # The bundled public-suffix snapshot: never fetch the list at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def outlet_of(url: str | None) -> str | None:
    """Registered domain of a URL ("https://www.bbc.co.uk/x" -> "bbc.co.uk")."""
    if not url:
        return None
    parts = _tld_extract()(url)
    domain = parts.top_domain_under_public_suffix
    return domain or None


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        from dateutil import parser

        return parser.isoparse(value) if "T" in value or len(value) == 10 else parser.parse(value)
    except (ValueError, OverflowError):
        return None


_DATE_META = (
    "article:published_time", "og:article:published_time", "datePublished", "pubdate", "publishdate",
    "dc.date", "dcterms.created", "sailthru.date", "parsely-pub-date",
)


def published_time(html: str) -> datetime | None:
    """The full publication timestamp from the page's metadata, when it gives one.

    trafilatura (via htmldate) reports only the day; direction between two copies published on
    one day needs the time, which pages usually carry in meta tags or a <time datetime>."""
    try:
        from lxml import html as lxml_html

        tree = lxml_html.fromstring(html[:500_000])
    except Exception:  # unparsable head: trafilatura's day-level date will do
        return None
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip()
        if key in _DATE_META or key.lower() in _DATE_META:
            when = parse_date(meta.get("content"))
            if when:
                return when
    for node in tree.iter("time"):
        when = parse_date(node.get("datetime"))
        if when:
            return when
    return None


def article_from_html(html: str, settings: Settings, url: str | None = None, **fields) -> Article:
    """Extract an article from an HTML page.

    Raises:
        RejectedInput: the page has no extractable main text.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise RejectedInput("parse", f"the HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    if doc is None:
        raise RejectedInput("no-text", "no article text was found in the HTML page")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    if not text.strip():
        raise RejectedInput("no-text", "no article text was found in the HTML page")
    page_url = url or data.get("url")
    meta = {"raw_sha1": content_hash(html)}
    if data.get("author"):
        meta["author"] = data["author"]
    return Article(
        text=check_text(text, settings),
        title=(data.get("title") or None),
        url=page_url,
        outlet=outlet_of(page_url) or data.get("hostname"),
        published=published_time(html) or parse_date(data.get("date")),
        meta=meta,
        **fields,
    )


@reader(".html", ".htm", ".xhtml")
def read_html(path: Path, settings: Settings) -> Iterator[Record]:
    html = decode(read_bytes(path, settings))
    yield article_from_html(html, settings, source_path=str(path), id=file_id(path, html))
