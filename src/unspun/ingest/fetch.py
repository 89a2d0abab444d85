"""Polite HTTP fetching of pages and feeds.

``Fetcher`` downloads URLs the way a well-behaved crawler does: it reads and caches each host's
robots.txt, waits between two requests to one host, retries 429/5xx answers and timeouts with
exponential backoff, bounds connect/read/total time, refuses bodies over a byte limit and content
types it cannot read, and records every redirect it follows. ``fetch_articles(urls)`` turns URLs
into Articles; a URL that cannot become one becomes a ``Rejection`` whose reason says why
(``http-404``, ``timeout``, ``connection``, ``robots``, ``too-large``, ``content-type``,
``redirects``, ``bad-url``, ``empty``) and the batch goes on.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from ..article import Article
from ..errors import RejectedInput
from ..settings import Settings
from . import Record, Rejection, decode

# --- tunables (the lead lists them in settings.py; a Settings attribute of the same name wins) ---
# Sent with every request so site owners can tell who is fetching and match us in robots.txt.
FETCH_USER_AGENT = "unspun/0.1 (news provenance research; +https://github.com/unspun)"
# The token robots.txt rules are matched against.
ROBOTS_AGENT = "unspun"
# At least this many seconds between two requests to one host (robots.txt Crawl-delay may raise it).
FETCH_RATE_SECONDS = 1.0
# A Crawl-delay above this is capped: some sites ask for minutes, which would stall a batch for days.
FETCH_MAX_CRAWL_DELAY = 30.0
FETCH_CONNECT_TIMEOUT = 10.0  # seconds to open a connection
FETCH_READ_TIMEOUT = 20.0  # seconds of silence while reading a response
# A server can drip one byte a second and never trip the read timeout; this bounds the whole response.
FETCH_TOTAL_TIMEOUT = 60.0
FETCH_RETRIES = 3  # retries after the first try, on 429, 5xx, timeouts and dropped connections
FETCH_BACKOFF = 1.0  # the first retry waits this many seconds, each next one twice as long
FETCH_BACKOFF_MAX = 60.0  # no wait (nor Retry-After) longer than this
FETCH_MAX_BYTES = 10_000_000  # bodies larger than this (after content decoding) are rejected
FETCH_MAX_REDIRECTS = 5
ROBOTS_CACHE_SECONDS = 3600.0  # robots.txt is re-read after this long
ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to parse at least 500 KiB
# An unreachable robots.txt disallows the host (RFC 9309); ask again after this long, not after an hour.
ROBOTS_ERROR_CACHE_SECONDS = 300.0

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "text/x-opml", "text/x-opml+xml", "application/x-opml+xml", "application/opml+xml",
    "application/gzip", "application/x-gzip", "text/plain", "text/html",
    # Many servers label feeds and sitemaps generically; the parser sniffs the content anyway.
    "application/octet-stream", "binary/octet-stream",
)


def _tunable(settings: Settings | None, name: str, default):
    """A tunable from ``settings`` when it defines one, else this module's constant."""
    if settings is None:
        return default
    try:
        return getattr(settings, name.lower())
    except AttributeError:
        return default


@dataclass
class Page:
    """One downloaded resource."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str  # the MIME type, lower-case, without parameters ("" when the server sent none)
    charset: str | None
    body: bytes
    redirects: list[dict] = field(default_factory=list)  # [{"from", "to", "status"}] in order
    fetched_at: str = ""

    def text(self) -> str:
        """The body as text, decoded by the header's charset, else the page's own, else by sniffing."""
        return body_text(self.body, self.charset)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def body_text(body: bytes, charset: str | None = None) -> str:
    """Decode a web body: the declared charset when it decodes cleanly, else the charset the page
    declares in a meta tag, else ``ingest.decode`` (BOMs, UTF-8, charset detection, binary check).

    Raises:
        RejectedInput: empty, binary or undecodable body.
    """
    if not body.strip():
        raise RejectedInput("empty", "the response body is empty")
    candidates = []
    if charset:
        candidates.append(charset)
    found = _META_CHARSET.search(body[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii", "replace"))
    if b"\x00" not in body[:8192]:  # UTF-16 without a BOM or binary: leave it to decode()
        for name in candidates:
            try:
                return body.decode(name)
            except (LookupError, UnicodeDecodeError):
                continue
        mixed = _mixed_utf8(body)
        if mixed is not None:
            return mixed
    return safe_decode(body)


def safe_decode(data: bytes) -> str:
    """``ingest.decode`` that reports a BOM followed by truncated UTF-16 as an encoding rejection
    (``decode`` lets the UnicodeDecodeError out; found by fuzzing)."""
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        raise RejectedInput("encoding", f"the text cannot be decoded ({exc})") from exc


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _cp1252_fallback(exc: UnicodeDecodeError):
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", "strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                   else chr(b) for b in bad), exc.end


codecs.register_error("unspun-cp1252", _cp1252_fallback)


def _mixed_utf8(body: bytes) -> str | None:
    """A page stitched from UTF-8 and Windows-1252 parts (a template in one, an old article in the
    other) decodes neither way; read the valid UTF-8 as UTF-8 and the rest as Windows-1252. None
    when the body does not look like such a mix."""
    valid = len(_UTF8_SEQ.findall(body))
    runs = len(_HIGH_RUN.findall(body))
    if valid < 2 or valid * 4 < runs:
        return None
    return body.decode("utf-8", "unspun-cp1252")


def site_of(url: str | None) -> str | None:
    """The outlet a URL belongs to: its registered domain, else (reserved names such as
    ``.example``, ``localhost``, IP addresses) its host name without ``www.``."""
    from .html import outlet_of

    if not url:
        return None
    outlet = outlet_of(url)
    if outlet:
        return outlet
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # not a URL after all
        return None
    return (host[4:] if host.startswith("www.") else host) or None


def finish_web_article(article: Article, final_url: str | None) -> Article:
    """Give an article extracted from a fetched or archived page its URL and outlet.

    The outlet is the site the page was served from, not the one its canonical link names: a
    syndicated copy often points its canonical at the original, and telling the two apart is
    exactly unspun's job. The canonical URL is kept in ``meta["canonical_url"]`` and used as the
    article's URL only when it is on the same site."""
    canonical = article.url
    if canonical and canonical != final_url:
        article.meta["canonical_url"] = canonical
    served = site_of(final_url)
    if final_url and (not canonical or site_of(canonical) != served):
        article.url = final_url
    article.outlet = served or article.outlet
    return article


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", "UTF-8")``."""
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return mime.strip().lower(), charset


class _Retry(Exception):
    """An attempt that may succeed when tried again."""

    def __init__(self, reason: str, message: str, wait: float | None = None):
        super().__init__(message)
        self.reason, self.message, self.wait = reason, message, wait


class Fetcher:
    """A polite HTTP client for pages, feeds and sitemaps.

    Args:
        settings: unspun settings (``min_article_chars`` etc.; ``fetch_*`` tunables when defined).
        user_agent, rate, connect_timeout, read_timeout, total_timeout, retries, backoff,
        backoff_max, max_bytes, max_redirects: override the module defaults (see the constants).
        respect_robots: obey robots.txt (on by default; turn off only for your own sites).
        sleep, clock: injectable for tests.
        transport: an ``httpx`` transport (tests may mock the network with one).
    Raises:
        ValueError: a negative limit or a non-positive timeout.
    """

    def __init__(self, settings: Settings | None = None, *, user_agent: str | None = None,
                 rate: float | None = None, connect_timeout: float | None = None,
                 read_timeout: float | None = None, total_timeout: float | None = None,
                 retries: int | None = None, backoff: float | None = None, backoff_max: float | None = None,
                 max_bytes: int | None = None, max_redirects: int | None = None, respect_robots: bool = True,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 transport=None):
        import httpx

        s = settings
        self.settings = settings or Settings()
        self.user_agent = user_agent or _tunable(s, "FETCH_USER_AGENT", FETCH_USER_AGENT)
        self.rate = float(_tunable(s, "FETCH_RATE_SECONDS", FETCH_RATE_SECONDS) if rate is None else rate)
        self.connect_timeout = float(connect_timeout if connect_timeout is not None
                                     else _tunable(s, "FETCH_CONNECT_TIMEOUT", FETCH_CONNECT_TIMEOUT))
        self.read_timeout = float(read_timeout if read_timeout is not None
                                  else _tunable(s, "FETCH_READ_TIMEOUT", FETCH_READ_TIMEOUT))
        self.total_timeout = float(total_timeout if total_timeout is not None
                                   else _tunable(s, "FETCH_TOTAL_TIMEOUT", FETCH_TOTAL_TIMEOUT))
        self.retries = int(retries if retries is not None else _tunable(s, "FETCH_RETRIES", FETCH_RETRIES))
        self.backoff = float(backoff if backoff is not None else _tunable(s, "FETCH_BACKOFF", FETCH_BACKOFF))
        self.backoff_max = float(backoff_max if backoff_max is not None
                                 else _tunable(s, "FETCH_BACKOFF_MAX", FETCH_BACKOFF_MAX))
        self.max_bytes = int(max_bytes if max_bytes is not None else _tunable(s, "FETCH_MAX_BYTES", FETCH_MAX_BYTES))
        self.max_redirects = int(max_redirects if max_redirects is not None
                                 else _tunable(s, "FETCH_MAX_REDIRECTS", FETCH_MAX_REDIRECTS))
        for name in ("rate", "retries", "backoff", "backoff_max", "max_redirects"):
            if getattr(self, name) < 0:
                raise ValueError(f"Fetcher {name} must not be negative, got {getattr(self, name)}")
        for name in ("connect_timeout", "read_timeout", "total_timeout", "max_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Fetcher {name} must be positive, got {getattr(self, name)}")
        self.respect_robots = respect_robots
        self.sleep, self.clock = sleep, clock
        self._next_at: dict[str, float] = {}
        self._robots: dict[str, tuple] = {}  # host -> (expires, parser, failure or None)
        self._lock = threading.Lock()
        self.client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(connect=self.connect_timeout, read=self.read_timeout,
                                  write=self.read_timeout, pool=self.connect_timeout),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- politeness -------------------------------------------------------------------------------
    def _host(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    def _wait_turn(self, host: str, delay: float | None = None) -> None:
        """Sleep until ``host`` may be asked again, then book the next slot."""
        delay = self.rate if delay is None else max(self.rate, delay)
        with self._lock:
            now = self.clock()
            at = self._next_at.get(host, now)
            self._next_at[host] = max(at, now) + delay
        if at > now:
            self.sleep(at - now)

    def _robots_for(self, host: str) -> tuple[urllib.robotparser.RobotFileParser, RejectedInput | None]:
        """The host's robots.txt rules, and the error that made them "disallow all" if any."""
        cached = self._robots.get(host)
        if cached and self.clock() < cached[0]:
            return cached[1], cached[2]
        expires = self.clock() + ROBOTS_CACHE_SECONDS
        parser = urllib.robotparser.RobotFileParser(host + "/robots.txt")
        failure = None
        try:
            page = self._get(host + "/robots.txt", accept=None, max_bytes=ROBOTS_MAX_BYTES, retries=1,
                             check_robots=False, truncate=True)
            parser.parse(page.body.decode("utf-8", "replace").splitlines())
        except RejectedInput as exc:
            # RFC 9309: a robots.txt that is missing (4xx) allows everything; one that cannot be
            # reached (5xx, network) must be taken as disallowing everything, for now.
            status = exc.reason[5:] if exc.reason.startswith("http-") else ""
            if (status.isdigit() and 400 <= int(status) < 500) or exc.reason in ("too-large", "content-type", "empty"):
                parser.allow_all = True
            else:
                parser.disallow_all = True
                failure = exc
                expires = self.clock() + ROBOTS_ERROR_CACHE_SECONDS
        self._robots[host] = (expires, parser, failure)
        return parser, failure

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url`` (always true with ``respect_robots=False``)."""
        if not self.respect_robots:
            return True
        return self._robots_for(self._host(url))[0].can_fetch(ROBOTS_AGENT, url)

    def _check_robots(self, url: str) -> None:
        if not self.respect_robots:
            return
        parts = urlsplit(url)
        parser, failure = self._robots_for(self._host(url))
        if parser.can_fetch(ROBOTS_AGENT, url):
            return
        if failure is not None and failure.reason in ("timeout", "connection"):
            # The host is unreachable: say so, rather than blame robots.txt.
            raise RejectedInput(failure.reason, f"{parts.netloc} cannot be reached ({failure})")
        if failure is not None:
            raise RejectedInput("robots", f"robots.txt of {parts.netloc} cannot be read ({failure}), so"
                                " nothing may be fetched from it for now (RFC 9309)")
        raise RejectedInput("robots", f"robots.txt of {parts.netloc} disallows {url}",
                            "Ask the site for access, or ingest the page from a file")

    def _crawl_delay(self, host: str) -> float | None:
        if not self.respect_robots or host not in self._robots:
            return None
        try:
            delay = self._robots[host][1].crawl_delay(ROBOTS_AGENT)
        except (TypeError, ValueError):
            return None
        return min(float(delay), FETCH_MAX_CRAWL_DELAY) if delay else None

    # -- requests ---------------------------------------------------------------------------------
    def fetch(self, url: str, accept: Iterable[str] | None = PAGE_TYPES) -> Page:
        """Download ``url``, following redirects; every hop is checked against robots.txt.

        Args:
            accept: allowed MIME types (``None``: any).
        Raises:
            RejectedInput: with reason ``bad-url``, ``robots``, ``http-NNN``, ``timeout``,
                ``connection``, ``too-large``, ``content-type``, ``redirects`` or ``empty``.
        """
        return self._get(url, accept=accept)

    def _get(self, url: str, accept: Iterable[str] | None, max_bytes: int | None = None,
             retries: int | None = None, check_robots: bool = True, truncate: bool = False) -> Page:
        redirects: list[dict] = []
        current = url
        for _hop in range(self.max_redirects + 1):
            try:
                parts = urlsplit(current)
            except ValueError as exc:
                raise RejectedInput("bad-url", f"{current!r} is not a valid URL ({exc})") from exc
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise RejectedInput("bad-url", f"{current!r} is not an http(s) URL")
            if check_robots:
                self._check_robots(current)
            status, headers, body = self._request(current, accept, max_bytes or self.max_bytes,
                                                  self.retries if retries is None else retries, truncate)
            if 300 <= status < 400 and status != 304 and headers.get("location"):
                try:
                    target = urljoin(current, headers["location"].strip())
                except ValueError as exc:
                    raise RejectedInput("bad-url", f"{current} redirects to an invalid URL ({exc})") from exc
                redirects.append({"from": current, "to": target, "status": status})
                current = target
                continue
            if status >= 400:
                raise RejectedInput(f"http-{status}", f"the server answered HTTP {status} for {current}")
            mime, charset = parse_content_type(headers.get("content-type"))
            return Page(url=url, final_url=current, status=status, content_type=mime, charset=charset,
                        body=body, redirects=redirects,
                        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        raise RejectedInput("redirects", f"more than {self.max_redirects} redirects from {url}")

    def _request(self, url: str, accept, max_bytes: int, retries: int, truncate: bool):
        """One URL, retried; returns ``(status, headers, body)`` (body empty for redirects and errors)."""
        host = self._host(url)
        last: _Retry | None = None
        for attempt in range(retries + 1):
            if attempt:
                wait = last.wait if last and last.wait is not None else self.backoff * 2 ** (attempt - 1)
                self.sleep(min(wait, self.backoff_max))
            self._wait_turn(host, self._crawl_delay(host))
            try:
                return self._attempt(url, accept, max_bytes, truncate)
            except _Retry as exc:
                last = exc
        assert last is not None
        raise RejectedInput(last.reason, f"{last.message} (after {retries + 1} tries)")

    def _attempt(self, url: str, accept, max_bytes: int, truncate: bool):
        import httpx

        started = self.clock()
        try:
            with self.client.stream("GET", url) as response:
                status = response.status_code
                headers = {k.lower(): v for k, v in response.headers.items()}
                if status in RETRY_STATUS:
                    raise _Retry(f"http-{status}", f"the server answered HTTP {status} for {url}",
                                 _retry_after(headers.get("retry-after")))
                if status >= 300:
                    return status, headers, b""
                mime, _charset = parse_content_type(headers.get("content-type"))
                if accept is not None and mime and mime not in accept:
                    raise RejectedInput("content-type", f"{url} is {mime}, not one of {', '.join(accept)}")
                declared = headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes and not truncate:
                    raise RejectedInput("too-large", f"{url} declares {int(declared):,} bytes, over the limit of"
                                        f" {max_bytes:,}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        if truncate:
                            chunks.append(chunk[: max_bytes - (size - len(chunk))])
                            break
                        raise RejectedInput("too-large", f"{url} sent more than {max_bytes:,} bytes")
                    chunks.append(chunk)
                    if self.clock() - started > self.total_timeout:
                        raise _Retry("timeout", f"{url} took longer than {self.total_timeout:g} s")
                return status, headers, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise _Retry("timeout", f"{url} timed out ({type(exc).__name__})") from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise _Retry("connection", f"{url}: {type(exc).__name__}: {exc}") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise RejectedInput("bad-url", f"{url!r}: {exc}") from exc
        except httpx.DecodingError as exc:
            raise RejectedInput("parse", f"{url}: the compressed body is corrupt ({exc})") from exc
        except httpx.HTTPError as exc:
            raise RejectedInput("connection", f"{url}: {type(exc).__name__}: {exc}") from exc

    # -- articles ---------------------------------------------------------------------------------
    def fetch_article(self, url: str, **fields) -> Article:
        """Download a page and extract its article.

        Raises:
            RejectedInput: the fetch failed or the page holds no article.
        """
        page = self.fetch(url, PAGE_TYPES)
        return article_from_page(page, self.settings, **fields)

    def fetch_articles(self, urls: Iterable[str]) -> Iterator[Record]:
        """An Article or a Rejection for each URL, in order; never raises for a bad URL or page."""
        for url in urls:
            url = url.strip()
            if not url:
                continue
            try:
                yield self.fetch_article(url)
            except RejectedInput as exc:
                yield Rejection(url, exc.reason, str(exc))
            except Exception as exc:  # one broken page never stops a batch
                yield Rejection(url, "error", f"{type(exc).__name__}: {exc}")


def article_from_page(page: Page, settings: Settings, **fields) -> Article:
    """An Article from a downloaded page (HTML, or plain text whose first line is the title)."""
    from .html import article_from_html
    from .text import article_from_text

    text = page.text()
    fields.setdefault("source_path", page.url)
    looks_html = text.lstrip()[:500].lower().startswith(("<!doctype html", "<html", "<?xml", "<head", "<body"))
    if page.content_type == "text/plain" and not looks_html:
        article = article_from_text(text, settings, url=page.final_url, **fields)
        article.meta["raw_sha1"] = hashlib.sha1(page.body).hexdigest()
    else:
        article = article_from_html(text, settings, url=None, **fields)
    finish_web_article(article, page.final_url)
    article.meta["fetched_at"] = page.fetched_at
    if page.final_url != page.url:
        article.meta["requested_url"] = page.url
    if page.redirects:
        article.meta["redirects"] = page.redirects
    return article


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
