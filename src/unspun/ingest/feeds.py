"""Feeds and sitemaps: RSS, Atom, RDF, OPML lists of feeds, sitemaps and sitemap indexes.

``read_feed(url_or_path)`` sniffs what a source is and yields an Article or a Rejection for each
item it lists. A feed entry becomes an article from its own content when that is the full text
(``content:encoded``, Atom ``content`` or a long ``description``), otherwise by fetching the page
it links to. OPML lists and sitemap indexes are followed to the feeds and sitemaps they name,
to a bounded depth.

The two halves are usable apart, which is what ``watch`` needs: ``discover`` lists ``FeedItem``s
(with a stable ``key`` per item) without fetching any page, and ``item_article`` turns one item
into an Article.
"""
from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

from ..article import Article
from ..errors import RejectedInput
from ..settings import Settings
from . import Record, Rejection, read_bytes, reader

# --- tunables -------------------------------------------------------------------------------------
# An entry whose own content has at least this many characters of text is taken as the full article;
# shorter content is a teaser (feed summaries and WordPress excerpts run 150-400 characters) and
# the linked page is fetched instead. Content that ends like a teaser ("...", "[…]", "Read more")
# is fetched whatever its length.
FEED_FULL_TEXT_CHARS = 600
# How deep OPML lists and sitemap indexes are followed (an OPML of feeds is depth 1, a sitemap
# index of sitemaps depth 1, an index of indexes depth 2).
FEED_MAX_DEPTH = 3
# At most this many feeds (OPML) or sitemaps (index) are followed from one source: guards
# against lists that point at themselves or explode.
FEED_MAX_SOURCES = 1000
# The sitemap protocol allows 50,000 URLs per file.
SITEMAP_MAX_URLS = 50_000

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass
class FeedItem:
    """One item a feed or sitemap lists, before any page is fetched.

    ``key`` identifies the item across polls: the entry's guid/id, else its link, else a hash of
    its title and content.
    """

    source: str  # the feed or sitemap that listed it
    key: str
    position: int
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    content: str | None = None  # HTML of the entry's full text, when the feed carries it
    kind: str = "feed"  # "feed" or "sitemap"
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How the item is named in messages and the rejected table."""
        return self.url or f"{self.source}#{self.position}"


# -- sniffing ---------------------------------------------------------------------------------------
_ROOT = re.compile(r"<\s*([A-Za-z_][\w.:-]*)")
_SKIP = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.S | re.I)


def _head_text(data: bytes) -> str:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def sniff(data: bytes) -> str | None:
    """What a source is: ``rss``, ``atom``, ``rdf``, ``opml``, ``sitemap``, ``sitemapindex``,
    ``urls`` (a plain list of URLs, one a line) or ``None``."""
    text = _head_text(data)
    pos = 0
    while (m := _SKIP.match(text, pos)) and m.end() > pos:
        pos = m.end()
    rest = text[pos:].lstrip()
    if not rest.startswith("<"):
        lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
        if lines and all(re.match(r"https?://\S+$", l) for l in lines[:50]):
            return "urls"
        return None
    m = _ROOT.match(rest)
    if m is None:
        return None
    root = m.group(1).split(":")[-1].lower()
    return {"rss": "rss", "feed": "atom", "rdf": "rdf", "opml": "opml", "urlset": "sitemap",
            "sitemapindex": "sitemapindex"}.get(root)


# -- loading ----------------------------------------------------------------------------------------
def _is_url(source: str) -> bool:
    try:
        return urlsplit(source).scheme in ("http", "https")
    except ValueError:  # "http://[broken" and friends
        return False


def _join(base: str, link: str) -> str:
    """``urljoin`` that leaves a link it cannot parse as it is (it is rejected as a bad URL later)."""
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def load_source(source: str, settings: Settings, fetcher=None) -> tuple[bytes, str]:
    """The bytes of a feed, OPML or sitemap (a URL, a ``file://`` URL or a path), gunzipped when
    compressed, and the base for resolving relative links in it.

    Raises:
        RejectedInput: the source cannot be read.
    """
    from .fetch import FEED_TYPES

    if _is_url(source):
        if fetcher is None:
            raise RejectedInput("fetch-off", f"{source} needs fetching, and fetching is off")
        page = fetcher.fetch(source, accept=FEED_TYPES)
        data, base = page.body, page.final_url
    else:
        path = Path(source[7:] if source.startswith("file://") else source)
        try:
            if not path.is_file():
                raise RejectedInput("missing", f"no such file: {path}")
            data, base = read_bytes(path, settings), str(path)
        except (OSError, ValueError) as exc:  # a name too long, a NUL byte in it, no permission
            raise RejectedInput("unreadable", f"{type(exc).__name__}: {exc}") from exc
    if data[:2] == b"\x1f\x8b":
        from .archives import gunzip_bytes

        data = gunzip_bytes(data, settings)
    if not data.strip():
        raise RejectedInput("empty", f"{source} is empty")
    return data, base


def _resolve(base: str, link: str) -> str:
    link = link.strip()
    if _is_url(link) or link.startswith("file://"):
        return link
    if _is_url(base):
        return _join(base, link)
    return str((Path(base).parent / link)) if not Path(link).is_absolute() else link


# -- parsing ----------------------------------------------------------------------------------------
def _xml_root(data: bytes):
    """Parse XML without touching the network or expanding entities; ``recover`` reads what it can
    of broken sitemaps and OPML files. Returns ``(root, first error or None)``."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise RejectedInput("parse", f"the XML could not be parsed ({exc})") from exc
    if root is None:
        raise RejectedInput("parse", "the XML could not be parsed")
    errors = [e for e in parser.error_log if e.level_name in ("ERROR", "FATAL")]
    return root, (f"line {errors[0].line}: {errors[0].message}" if errors else None)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _struct_time(value) -> datetime | None:
    try:
        return datetime(*value[:6], tzinfo=timezone.utc) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _html_text_length(html: str) -> int:
    from lxml import html as lxml_html

    try:
        return len(" ".join(lxml_html.fromstring(html).text_content().split()))
    except Exception:  # not parseable as HTML: count the raw characters minus tags
        return len(re.sub(r"<[^>]*>", " ", html).strip())


_TEASER_END = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|weiterlesen|lire la suite"
                         r"|leer más|leggi tutto|читать далее|appeared first on .{0,200})\W*$", re.I)


def _is_full_text(html: str, min_chars: int = FEED_FULL_TEXT_CHARS) -> bool:
    """Whether an entry's own content is the article, not a teaser."""
    from lxml import html as lxml_html

    try:
        text = " ".join(lxml_html.fromstring(html).text_content().split())
    except Exception:  # not parseable as HTML
        text = " ".join(re.sub(r"<[^>]*>", " ", html).split())
    return len(text) >= min_chars and not _TEASER_END.search(text[-300:])


def _entry_item(entry, source: str, base: str, position: int, full_text_chars: int) -> FeedItem:
    link = entry.get("link") or ""
    if not link:
        for l in entry.get("links") or []:
            if l.get("href") and l.get("rel", "alternate") == "alternate":
                link = l["href"]
                break
    url = _join(base, link.strip()) if link and _is_url(base) else (link.strip() or None)
    content = None
    candidates = [c.get("value") for c in (entry.get("content") or []) if isinstance(c, dict)]
    candidates.append(entry.get("summary"))
    best = max((c for c in candidates if isinstance(c, str)), key=_html_text_length, default=None)
    if best and _is_full_text(best, full_text_chars):
        content = best
    guid = entry.get("id") or entry.get("guid")
    title = entry.get("title") or None
    if guid:
        key = str(guid).strip()
    elif url:
        key = url
    else:
        key = "sha1:" + hashlib.sha1(f"{title}\n{best or ''}".encode("utf-8", "replace")).hexdigest()
    meta = {"feed": source}
    if guid:
        meta["feed_guid"] = str(guid)
    return FeedItem(
        source=source, key=key, position=position, url=url, title=title,
        published=_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")
                               or entry.get("created_parsed")),
        author=entry.get("author") or None, content=content, meta=meta,
    )


def parse_feed(data: bytes, source: str, base: str | None = None,
               full_text_chars: int = FEED_FULL_TEXT_CHARS) -> Iterator[FeedItem | Rejection]:
    """The items of an RSS, Atom or RDF feed. A feed that cannot be parsed at all is one
    Rejection; an entry with neither a link nor full text is a Rejection of its own."""
    import feedparser

    base = base or source
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True,
                                  response_headers={"content-location": base} if _is_url(base) else None)
    except Exception as exc:  # feedparser catches most errors itself; never let one stop a batch
        yield Rejection(source, "parse", f"the feed could not be parsed ({type(exc).__name__}: {exc})")
        return
    entries = parsed.get("entries") or []
    if not _is_url(base):
        # A feed read from a file resolves relative links against the site it names.
        channel = (parsed.get("feed") or {}).get("link") or ""
        if _is_url(channel):
            base = channel
    if not entries:
        if parsed.get("bozo"):
            yield Rejection(source, "parse", f"the feed could not be parsed ({parsed.get('bozo_exception')})")
        return
    for position, entry in enumerate(entries):
        try:
            with warnings.catch_warnings():
                # feedparser warns when published_parsed falls back to updated_parsed; we want that.
                warnings.simplefilter("ignore", DeprecationWarning)
                item = _entry_item(entry, source, base, position, full_text_chars)
        except Exception as exc:  # a malformed entry is one rejection, never the end of the feed
            yield Rejection(f"{source}#{position}", "feed-entry", f"the entry could not be read ({exc})")
            continue
        if not item.url and not item.content:
            yield Rejection(item.name, "feed-entry", "the entry has neither a link nor the full text")
            continue
        yield item


def parse_opml(data: bytes, base: str) -> list[str]:
    """Feed URLs of an OPML file (``xmlUrl`` of every outline, nested outlines included)."""
    root, error = _xml_root(data)
    urls = []
    for node in root.iter():
        if _local(node.tag) == "outline":
            url = node.get("xmlUrl") or node.get("xmlurl") or node.get("url")
            if url and url.strip():
                urls.append(_resolve(base, url))
    if not urls:
        _nothing_found(error, "the OPML list names no feeds")
    return list(dict.fromkeys(urls))


def _nothing_found(error: str | None, message: str) -> None:
    if error:
        raise RejectedInput("parse", f"{message}; the XML is broken ({error})")
    raise RejectedInput("no-items", message)


def parse_sitemap(data: bytes, source: str, base: str,
                  max_urls: int = SITEMAP_MAX_URLS) -> tuple[list[str], list[FeedItem]]:
    """``(child sitemaps, page items)`` of a sitemap or sitemap index; Google News sitemap
    publication dates and titles are kept."""
    from .html import parse_date

    root, error = _xml_root(data)
    children, items = [], []
    kind = _local(root.tag)
    for node in root:
        name = _local(node.tag)
        if name not in ("url", "sitemap"):
            continue
        fields = {}
        for child in node.iter():
            if child is not node and isinstance(child.tag, str):
                fields.setdefault(_local(child.tag), (child.text or "").strip())
        loc = fields.get("loc")
        if not loc:
            continue
        loc = _resolve(base, loc)
        if kind == "sitemapindex" or name == "sitemap":
            children.append(loc)
        elif len(items) < max_urls:
            meta = {"sitemap": source}
            if fields.get("lastmod"):
                meta["lastmod"] = fields["lastmod"]
            items.append(FeedItem(source=source, key=loc, position=len(items), url=loc,
                                  title=fields.get("title") or None,
                                  published=parse_date(fields.get("publication_date")),
                                  kind="sitemap", meta=meta))
    if not children and not items:
        _nothing_found(error, "the sitemap lists no URLs")
    return list(dict.fromkeys(children)), items


def discover(source: str, settings: Settings | None = None, fetcher=None, depth: int = 0,
             _seen: set | None = None) -> Iterator[FeedItem | Rejection]:
    """Every item ``source`` lists, following OPML lists and sitemap indexes; no page is fetched
    (only the feeds and sitemaps themselves). Never raises for bad input."""
    settings = settings or Settings()
    seen = _seen if _seen is not None else set()
    if source in seen:
        return
    seen.add(source)
    try:
        data, base = load_source(source, settings, fetcher)
    except RejectedInput as exc:
        yield Rejection(source, exc.reason, str(exc))
        return
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield Rejection(source, "binary", "the source holds binary data, not a feed or a sitemap")
        return
    from .fetch import _tunable

    full_text_chars = int(_tunable(settings, "FEED_FULL_TEXT_CHARS", FEED_FULL_TEXT_CHARS))
    max_urls = int(_tunable(settings, "SITEMAP_MAX_URLS", SITEMAP_MAX_URLS))
    max_depth = int(_tunable(settings, "FEED_MAX_DEPTH", FEED_MAX_DEPTH))
    max_sources = int(_tunable(settings, "FEED_MAX_SOURCES", FEED_MAX_SOURCES))
    kind = sniff(data)
    try:
        if kind in ("rss", "atom", "rdf"):
            yield from parse_feed(data, source, base, full_text_chars)
            return
        if kind == "urls":
            lines = data.decode("utf-8", "replace").splitlines()
            urls = [l.strip() for l in lines if l.strip() and not l.strip().startswith("#")]
            for position, url in enumerate(urls[:max_urls]):
                yield FeedItem(source=source, key=url, position=position, url=url, kind="sitemap")
            return
        if kind == "opml":
            children, items = parse_opml(data, base), []
        elif kind in ("sitemap", "sitemapindex"):
            children, items = parse_sitemap(data, source, base, max_urls)
        else:
            # Neither a feed nor a sitemap; feedparser still reads some malformed feeds
            # (missing root, HTML-wrapped), so give it a chance before rejecting.
            found = list(parse_feed(data, source, base, full_text_chars))
            if any(isinstance(r, FeedItem) for r in found):
                yield from found
            else:
                yield Rejection(source, "unsupported",
                                "not an RSS/Atom feed, an OPML list or a sitemap")
            return
    except RejectedInput as exc:
        yield Rejection(source, exc.reason, str(exc))
        return
    yield from items
    if children and depth >= max_depth:
        yield Rejection(source, "too-deep", f"lists {len(children)} more feeds or sitemaps, nested deeper"
                        f" than {max_depth} levels; they were not followed (FEED_MAX_DEPTH)")
        return
    if len(children) > max_sources:
        yield Rejection(source, "too-many", f"lists {len(children)} feeds or sitemaps; only the first"
                        f" {max_sources} were followed (FEED_MAX_SOURCES)")
    for child in children[:max_sources]:
        if not _is_url(child) and _is_url(source):
            yield Rejection(child, "bad-url", f"{source} lists a local path, which is never read from a URL")
            continue
        yield from discover(child, settings, fetcher, depth + 1, seen)


# -- articles ---------------------------------------------------------------------------------------
def item_article(item: FeedItem, settings: Settings, fetcher=None) -> Article:
    """The article of a feed item: from its own full text, else from the page it links to.

    Raises:
        RejectedInput: no full text and the page cannot be fetched, or no article in it.
    """
    from .fetch import finish_web_article, site_of
    from .html import article_from_html

    fields = {"source_path": item.name}
    if item.content:
        title = item.title or ""
        page = (f"<html><head><title>{_escape(title)}</title></head>"
                f"<body><article><h1>{_escape(title)}</h1>{item.content}</article></body></html>")
        try:
            article = article_from_html(page, settings, url=None, **fields)
        except RejectedInput:
            article = None
        if article is not None:
            article.title = item.title or article.title
            if item.url:
                article.url, article.outlet = item.url, site_of(item.url)
            else:
                finish_web_article(article, None)
            article.meta["from_feed_content"] = True
            # The wrapped entry has no metadata: any date extraction found is a guess from the text.
            article.published = item.published
            return _with_item(article, item)
    if not item.url:
        raise RejectedInput("feed-entry", "the entry has no link and its own text is not an article")
    if not _is_url(item.url):
        raise RejectedInput("bad-url", f"the entry links to {item.url!r}, not an http(s) URL")
    if fetcher is None:
        raise RejectedInput("fetch-off", f"{item.url} needs fetching, and fetching is off")
    article = fetcher.fetch_article(item.url, **fields)
    return _with_item(article, item)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _with_item(article: Article, item: FeedItem) -> Article:
    """Fill what the page lacks from the feed, and record where the item came from."""
    if item.published and not article.published:
        article.published = item.published
    if item.title and not article.title:
        article.title = item.title
    if item.author and "author" not in article.meta:
        article.meta["author"] = item.author
    article.meta.update(item.meta)
    article.meta["feed_key"] = item.key
    return article


def read_feed(url_or_path: str, settings: Settings | None = None, fetcher=None) -> Iterator[Record]:
    """An Article or a Rejection for every item of a feed, OPML list or sitemap (sniffed).

    Args:
        url_or_path: an http(s) URL, a ``file://`` URL or a local path.
        fetcher: a ``fetch.Fetcher`` for remote sources and linked pages; one with default
            politeness settings is made (and closed) when not given.
    Never raises for bad input.
    """
    from .fetch import Fetcher

    settings = settings or Settings()
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        for item in discover(str(url_or_path), settings, fetcher):
            if isinstance(item, Rejection):
                yield item
                continue
            try:
                yield item_article(item, settings, fetcher)
            except RejectedInput as exc:
                yield Rejection(item.name, exc.reason, str(exc))
            except Exception as exc:  # one broken item never stops a batch
                yield Rejection(item.name, "error", f"{type(exc).__name__}: {exc}")
    finally:
        if own:
            fetcher.close()


@reader(".rss", ".atom", ".opml", ".xml")
def read_feed_file(path: Path, settings: Settings) -> Iterator[Record]:
    """A local feed, OPML list or sitemap file; items without full text are fetched."""
    yield from read_feed(str(path), settings)
