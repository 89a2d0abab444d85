"""The web interface: a Starlette app over one store, pages rendered on the server.

Every page has a JSON twin (the same URL with ``.json``, or ``Accept: application/json``); the
JSON API (``POST /api/trace``, ``GET /api/search``) returns what the CLI prints. Errors are pages
and ``{"error": {"code", "message", "hint"}}`` with the matching status.

Safety: every stored article is hostile input. Templates autoescape everything, URLs become links
only when they are http(s), a strict Content-Security-Policy forbids inline scripts (it and the
other security headers go on every answer), request bodies are size-limited before they are
parsed, uploads are only ever read as text, and a token guards every request when one is set
(``serve`` requires one off loopback). docs/web.md has the checklist.
"""
from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlencode

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import (ArticleNotFound, BadRequest, CrossSite, CsrfRejected, RejectedInput, ServerBusy, SettingError,
                      StoreError, Unauthorized, UnspunError, UnsupportedType, UploadTooLarge)
from ..settings import Settings
from ..store import Store
from .. import graph
from . import render, service

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_UPLOAD_BYTES = 5_000_000
TOKEN_COOKIE = "unspun_token"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
       " base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# On every answer: pages, JSON, errors, redirects, static files.
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),  # frame-ancestors 'none' for browsers without CSP 2
    # No window another site opens keeps a handle on ours, and no other site may embed what we serve.
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


# Past this a page offset is taken as this (SQLite integers stop at 2**63; no store is this big).
MAX_OFFSET = 10**12

# Traces that may run or wait at once (one runs: they share the model and the candidate index).
TRACE_SLOTS = 4


CSRF_COOKIE = "unspun_csrf"


# -- JSON ---------------------------------------------------------------------------------------

def dumps(data: Any) -> str:
    """JSON exactly as the CLI prints it (``unspun … --json``)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def error_payload(code: str, message: str, hint: str | None = None, **extra) -> dict:
    err = {"code": code, "message": message}
    if hint:
        err["hint"] = hint
    err.update(extra)
    return {"error": err}


# -- middleware (plain ASGI, so limits apply before any parsing) --------------------------------

def _wants_json(scope) -> bool:
    if scope.get("unspun.json"):
        return True
    accept = ""
    for k, v in scope.get("headers", []):
        if k == b"accept":
            accept = v.decode("latin-1").lower()
    if scope.get("path", "").startswith("/api/"):
        return True
    return "application/json" in accept and "text/html" not in accept


async def _send_error(scope, send, status: int, code: str, message: str, hint: str | None, templates) -> None:
    if _wants_json(scope):
        body, ctype = dumps(error_payload(code, message, hint)).encode(), b"application/json"
    else:
        body = templates.get_template("error.html").render(
            status=status, code=code, message=message, hint=hint, base="").encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
                + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[^\[\]:@\s/\\]+)(?::\d{1,5})?", re.I)


def _host_name(host: str) -> str | None:
    """The name in a ``Host`` header (``name`` or ``name:port``, IPv6 in brackets), lower case;
    None for anything else (``localhost:1@evil``, ``[::1]evil``)."""
    m = _HOST.fullmatch(host)
    return m.group(1).lower() if m else None


def _same_origin(headers: dict) -> bool:
    """Whether a request that writes comes from this server's own pages: a browser says where a
    request comes from (``Origin``, ``Sec-Fetch-Site``); tools that send neither are let through
    (the token, when there is one, and the CSRF token still apply)."""
    origin = headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
    # "null": this server's pages send no referrer, so a browser hides their origin too
    return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def _embedded_elsewhere(headers: dict) -> bool:
    """A browser loading this server's URL into a page of another site (an image, a script, a
    fetch): never needed, and a ``<img src=/trace?id=…>`` elsewhere would run traces on a visitor's
    server. Following a link from another site (a navigation) is fine."""
    return (headers.get("sec-fetch-site") in ("cross-site", "same-site")
            and headers.get("sec-fetch-mode", "navigate") != "navigate")


class Guard:
    """Outermost layer: JSON suffixes, Host check, token, body size limit, security headers."""

    def __init__(self, app, templates, token: str | None, allowed_hosts: set[str] | None, max_body: int):
        self.app, self.templates, self.token = app, templates, token
        self.allowed_hosts, self.max_body = allowed_hosts, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if path.endswith(".json") and not path.startswith("/static/"):
            scope = dict(scope, path=path[: -len(".json")] or "/", raw_path=None)
            scope["unspun.json"] = True
            scope["unspun.json_suffix_of"] = path
            if scope["path"] in ("/index", ""):
                scope["path"] = "/"
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.allowed_hosts is not None:
            host = headers.get("host", "")
            if _host_name(host) not in self.allowed_hosts:
                # A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding)
                # must not read the store.
                return await _send_error(scope, send, 421, "bad-host", f"Host {host!r} is not served here",
                                         "Open the server by 127.0.0.1 or localhost", self.templates)
        if self.token is not None:
            granted, via_query = self._token_ok(scope, headers)
            if not granted:
                return await _send_error(scope, send, 401, "unauthorized", "This server needs its token",
                                         Unauthorized.hint, self.templates)
            if via_query and scope["method"] == "GET" and not _wants_json(scope):
                # Keep the token out of the address bar, history and bookmarks: move it to a cookie.
                query = [(k, v) for k, v in _query_pairs(scope) if k != "token"]
                location = scope.get("unspun.json_suffix_of") or scope["path"]
                location += ("?" + urlencode(query)) if query else ""
                cookie = f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                await send({"type": "http.response.start", "status": 303,
                            "headers": [(b"location", location.encode("utf-8")), (b"set-cookie", cookie.encode()),
                                        (b"content-length", b"0")] + SECURITY_HEADERS})
                return await send({"type": "http.response.body", "body": b""})
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not _same_origin(headers):
            return await _send_error(scope, send, 403, "cross-site", "A request from another site cannot change this store",
                                     CrossSite.hint, self.templates)
        if _embedded_elsewhere(headers):
            return await _send_error(scope, send, 403, "cross-site",
                                     "Pages of other sites cannot load from this server",
                                     "Open the page itself, or follow a link to it", self.templates)
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return await _send_error(scope, send, 413, "too-large",
                                     f"The request body is {int(length):,} bytes, over the limit of {self.max_body:,}",
                                     UploadTooLarge.hint, self.templates)
        seen = 0
        max_body = self.max_body

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_body:
                    raise UploadTooLarge(f"The request body is over the limit of {max_body:,} bytes")
            return message

        async def secured_send(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + SECURITY_HEADERS)
            await send(message)

        await self.app(scope, limited_receive, secured_send)

    def _token_ok(self, scope, headers) -> tuple[bool, bool]:
        candidates = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            candidates.append((auth[7:].strip(), False))
        if "x-unspun-token" in headers:
            candidates.append((headers["x-unspun-token"], False))
        for part in headers.get("cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == TOKEN_COOKIE:
                candidates.append((v, False))
        candidates += [(v, True) for k, v in _query_pairs(scope) if k == "token"]
        for value, via_query in candidates:
            if hmac.compare_digest(value.encode("utf-8", "replace"), self.token.encode("utf-8")):
                return True, via_query
        return False, False


def _query_pairs(scope) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


# -- the app ------------------------------------------------------------------------------------

class WebApp:
    """Holds the store, settings and templates; its methods are the routes."""

    def __init__(self, db_path: str | Path, settings: Settings | None, max_upload_bytes: int,
                 trace_slots: int = TRACE_SLOTS):
        self.db_path = str(db_path)
        self.store = Store(db_path)
        self.settings = settings or Settings()
        self.max_upload_bytes = max_upload_bytes
        # Traces (and the writes a pasted text makes) use one connection, the candidate index and
        # the model, and take turns; at most ``trace_slots`` wait or run, the next gets "busy".
        # Pages and searches only read: each server thread has its own connection (SQLite in WAL
        # mode lets readers run beside a writer), so they never wait for a trace.
        self.lock = threading.RLock()
        self.slot_count = trace_slots
        self.trace_slots = threading.BoundedSemaphore(trace_slots)
        self._readers = threading.local()
        # Network, outlet and story pages share the analysis of the store's links (recomputed
        # when the store changes).
        self.analyses = graph.AnalysisCache()
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(
            pct=lambda v: "—" if v is None else f"{float(v):.0%}",
            num=lambda v, d=2: "—" if v is None else f"{float(v):.{d}f}",
            hours=render.hours, href=render.safe_href, part=render.path_part,
        )
        self.env.globals.update(ROLES=render.ROLES, ROLE_HELP=render.ROLE_HELP, CHANGE_TYPES=render.CHANGE_TYPES,
                                OUTLET_ROLES=graph.ROLES, UNKNOWN_OUTLET=service.UNKNOWN_OUTLET,
                                LINK_KINDS=service.LINK_KINDS, qs=_qs, requery=_requery, json_data=_json_data)

    def reader(self) -> Store:
        """This thread's read connection to the store."""
        store = getattr(self._readers, "store", None)
        if store is None:
            store = self._readers.store = Store(self.db_path)
        return store

    def traced(self, work):
        """Run a trace's ``work()`` in a trace slot; ``ServerBusy`` when none is free."""
        if not self.trace_slots.acquire(blocking=False):
            raise ServerBusy(f"{self.slot_count} traces are already running or waiting")
        try:
            return work()
        finally:
            self.trace_slots.release()

    # -- rendering --------------------------------------------------------------------------
    def page(self, request: Request, template: str, data: Any, status: int = 200, **context) -> Response:
        """``data`` as JSON when JSON is wanted, else the template with ``data`` and ``context``.
        An HTML page carries the CSRF token its forms send back (a cookie and a hidden field)."""
        if _wants_json(request.scope):
            return JSON(data, status_code=status)
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        html = self.env.get_template(template).render(data=data, request=request, path=request.url.path,
                                                      csrf=token, **context)
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    @staticmethod
    def check_csrf(request: Request, fields: dict) -> None:
        """A form that writes must send back the page's token (double submit). Clients that
        authenticate with a header (not sent by a browser on its own) need none."""
        headers = request.headers
        if headers.get("authorization") or headers.get("x-unspun-token"):
            return
        expected, given = request.cookies.get(CSRF_COOKIE, ""), fields.get("csrf", "")
        if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
            raise CsrfRejected("The form did not come from this server's page (CSRF token missing or wrong)")

    def error(self, request: Request, exc: Exception) -> Response:
        status, code, extra = _classify(exc)
        message = exc.args[0] if exc.args else str(exc)
        hint = getattr(exc, "hint", None) or None
        if code == "internal":
            message, hint = f"Internal error ({type(exc).__name__})", "This is a bug in unspun; the server log has the details"
        if isinstance(exc, HTTPException):
            message = {404: "No such page", 405: "This method is not allowed here"}.get(exc.status_code, exc.detail)
            hint = "See docs/web.md for the pages and the JSON API" if exc.status_code == 404 else None
        headers = {"Retry-After": str(extra["retry_after_s"])} if "retry_after_s" in extra else None
        if _wants_json(request.scope):
            return JSON(error_payload(code, str(message), hint, **extra), status_code=status, headers=headers)
        html = self.env.get_template("error.html").render(status=status, code=code, message=str(message), hint=hint,
                                                          extra=extra, request=request, path=request.url.path)
        return HTMLResponse(html, status_code=status, headers=headers)

    # -- pages ------------------------------------------------------------------------------
    def index(self, request: Request) -> Response:
        store = self.reader()
        data = {"store": service.store_summary(store), "recent": service.search(store, limit=10)["results"],
                "api": API_ENDPOINTS}
        return self.page(request, "index.html", data, form={}, max_upload=self.max_upload_bytes)

    def api_index(self, request: Request) -> Response:
        return JSON({"endpoints": API_ENDPOINTS})

    def trace_get(self, request: Request) -> Response:
        article_id = request.query_params.get("id", "").strip()
        if not article_id:
            if _wants_json(request.scope):
                raise BadRequest("Give the article to trace as ?id=ID, or POST text to /api/trace")
            return RedirectResponse("/", status_code=303)
        return self.traced(lambda: self._trace_response(request, article_id, _limit(request.query_params.get("limit"))))

    async def trace_post(self, request: Request) -> Response:
        try:
            form = await request.form(max_files=1, max_fields=20, max_part_size=self.max_upload_bytes)
        except HTTPException as exc:  # Starlette's form parser: a part over the limit, a malformed body
            if "maximum size" in str(exc.detail):
                raise UploadTooLarge(
                    f"A field of the form is over the limit of {self.max_upload_bytes:,} bytes") from None
            raise BadRequest(f"The form cannot be read: {exc.detail}") from None
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        self.check_csrf(request, fields)
        upload = form.get("file")
        filename, data = None, None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            filename, data = upload.filename, await upload.read(self.max_upload_bytes + 1)
        limit = _limit(fields.get("limit"))
        try:
            article_id = await run_in_threadpool(self.traced, lambda: self._store_form(fields, filename, data))
        except UnspunError as exc:
            if _wants_json(request.scope):
                raise
            status, code, extra = _classify(exc)
            data = {"store": service.store_summary(self.reader()), "recent": [], "api": API_ENDPOINTS}
            return self.page(request, "index.html", data, status=status, form=fields,
                             error={"code": code, "message": str(exc.args[0] if exc.args else exc),
                                    "hint": exc.hint or None, **extra},
                             max_upload=self.max_upload_bytes)
        if _wants_json(request.scope):
            return await run_in_threadpool(self.traced, lambda: self._trace_response(request, article_id, limit))
        return RedirectResponse(f"/trace?{urlencode({'id': article_id, 'limit': limit})}", status_code=303)

    def _store_form(self, fields: dict, filename: str | None, data: bytes | None) -> str:
        """The article a trace form names: an uploaded file, pasted text or a stored id."""
        with self.lock:
            if filename is not None:
                if len(data) > self.max_upload_bytes:
                    raise UploadTooLarge(f"{filename!r} is over the upload limit of {self.max_upload_bytes:,} bytes")
                return service.ingest_upload(self.store, filename, data, self.settings)
            if fields.get("text", "").strip():
                return service.ingest_text(self.store, fields["text"], self.settings, title=fields.get("title"),
                                           lang=fields.get("lang", "").strip() or None)
            if fields.get("id", "").strip():
                article_id = fields["id"].strip()
                if not self.store.has_article(article_id):
                    raise ArticleNotFound(f"No article with id {article_id!r} in the store")
                return article_id
        raise BadRequest("Paste a text, choose a file or give an article id")

    async def api_trace(self, request: Request) -> Response:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json" and not request.headers.get("authorization") \
                and not request.headers.get("x-unspun-token"):
            # A page elsewhere can post a form to this address, but not a JSON body (the browser
            # would ask first, and this server never allows other origins).
            raise UnsupportedType(f"POST /api/trace takes Content-Type: application/json, not {ctype or 'none'!r}")
        try:
            body = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadRequest(f"The body is not JSON: {exc}") from None
        except RecursionError:
            raise BadRequest("The body is not JSON this server reads: it is nested too deeply") from None
        if not isinstance(body, dict):
            raise BadRequest('POST a JSON object: {"text": "...", "title": "...", "lang": "..."}')
        for key in ("text", "title", "lang", "id"):
            if body.get(key) is not None and not isinstance(body[key], str):
                raise BadRequest(f"{key!r} must be a string")
        if not body.get("text") and not body.get("id"):
            raise BadRequest('Give "text" (the article; its first line is the title unless "title" is given)'
                             ' or "id" (a stored article)')
        size = len((body.get("text") or "").encode("utf-8", "surrogatepass"))
        if size > self.max_upload_bytes:
            raise UploadTooLarge(f"The text is {size:,} bytes, over the limit of {self.max_upload_bytes:,}")
        limit = _limit(body.get("limit"))

        def run() -> Response:
            with self.lock:
                if body.get("text"):
                    article_id = service.ingest_text(self.store, body["text"], self.settings,
                                                     title=body.get("title"), lang=body.get("lang"))
                else:
                    article_id = body["id"]
                return self._trace_response(request, article_id, limit, force_json=True)

        return await run_in_threadpool(self.traced, run)

    def _trace_response(self, request: Request, article_id: str, limit: int, force_json: bool = False) -> Response:
        with self.lock:
            article = service.load_for_trace(self.store, article_id, self.settings)
            result = service.trace_article(self.store, article, self.settings, limit=limit)
            if force_json or _wants_json(request.scope):
                return JSON(result)
            artifacts = result["artifacts"]["artifacts"]
            sources = []
            for rank, src in enumerate(result["sources"], start=1):
                source = self.store.get_article(src["id"]) if self.store.has_article(src["id"]) else None
                rows = render.alignment_rows(src, article, source, artifacts, self.store.artifacts(src["id"]))
                sources.append({"rank": rank, "info": src, "rows": rows,
                                "counts": render.role_counts(src["alignment"]),
                                "change_counts": render.change_counts(src["alignment"])})
        return self.page(request, "trace.html", result, sources=sources, limit=limit,
                         unaligned=render.article_sentences(article, artifacts) if not sources else None)

    def article(self, request: Request) -> Response:
        article_id = self._path_id(request, "article_id")
        store = self.reader()
        detail = service.article_detail(store, article_id)
        article = store.get_article(article_id)
        paragraphs = render.article_sentences(article, detail["artifacts"])
        return self.page(request, "article.html", detail, paragraphs=paragraphs)

    def search(self, request: Request) -> Response:
        p = request.query_params
        limit = min(max(_int(p.get("limit"), 50), 1), 500)
        offset = min(max(_int(p.get("offset"), 0), 0), MAX_OFFSET)
        store = self.reader()
        try:
            result = service.search(store, p.get("q", ""), outlet=p.get("outlet") or None,
                                    lang=p.get("lang") or None, date_from=p.get("from") or None,
                                    date_to=p.get("to") or None, kind=p.get("kind") or None,
                                    limit=limit, offset=offset)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        facets = service.facets(store)
        for r in result["results"]:
            r["parts"] = service.snippet_parts(r["snippet"])
        data = dict(result, results=[{k: v for k, v in r.items() if k != "parts"} | {"snippet": service.plain_snippet(r["snippet"])}
                                     for r in result["results"]])
        if _wants_json(request.scope):
            return JSON(data)
        return self.page(request, "search.html", data, rows=result["results"], facets=facets)

    def api_search(self, request: Request) -> Response:
        request.scope["unspun.json"] = True
        return self.search(request)

    def analysis(self, request: Request):
        """The outlet graph under the page's filters (``since``, ``until``, ``lang``, ``kind``)."""
        p = request.query_params
        return service.analysis(self.reader(), self.analyses, since=p.get("since") or None,
                                until=p.get("until") or None, langs=[v for v in p.getlist("lang") if v],
                                kinds=[v for v in p.getlist("kind") if v])

    def outlets(self, request: Request) -> Response:
        data = {"outlets": service.outlets(self.analysis(request))}
        return self.page(request, "outlets.html", data)

    def outlet(self, request: Request) -> Response:
        data = service.outlet_profile(self.reader(), self.analysis(request), request.path_params["domain"])
        return self.page(request, "outlet.html", data)

    def network(self, request: Request) -> Response:
        p = request.query_params
        g = self.analysis(request)
        try:
            data = service.network(g, max_nodes=_number(p, "max_nodes", 150),
                                   community=_number(p, "community", None), focus=p.get("focus", "").strip() or None)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        if _wants_json(request.scope):
            return JSON(data)
        return self.page(request, "network.html", data, outlet_names=service.outlet_names(g),
                         facets=service.facets(self.reader()), max_nodes_limit=service.MAX_NODES)

    def stories(self, request: Request) -> Response:
        p = request.query_params
        limit = min(max(_number(p, "limit", 50), 1), 500)
        offset = min(max(_number(p, "offset", 0), 0), MAX_OFFSET)
        data = service.stories(self.reader(), self.analysis(request), limit=limit, offset=offset,
                               outlet=p.get("outlet", "").strip() or None)
        if _wants_json(request.scope):
            return JSON(data)
        return self.page(request, "stories.html", data, facets=service.facets(self.reader()))

    def story(self, request: Request) -> Response:
        story_id = self._path_id(request, "story_id")
        data = service.story(self.reader(), self.analysis(request), story_id)
        if _wants_json(request.scope):
            return JSON(data)
        return self.page(request, "story.html", data, timeline=render.timeline(data))

    def _path_id(self, request: Request, name: str) -> str:
        """An article id from the path; an id that itself ends in ".json" names the HTML page."""
        article_id = request.path_params[name]
        store = self.reader()
        if (request.scope.get("unspun.json_suffix_of") and not store.has_article(article_id)
                and store.has_article(article_id + ".json")):
            request.scope["unspun.json"] = False
            article_id += ".json"
        return article_id


API_ENDPOINTS = [
    {"method": "POST", "path": "/api/trace", "body": '{"text", "title"?, "lang"?, "limit"?} or {"id"}',
     "returns": "exactly what `unspun trace --json` prints"},
    {"method": "GET", "path": "/api/search?q=&outlet=&lang=&from=&to=&kind=&limit=&offset=",
     "returns": "matching articles"},
    {"method": "GET", "path": "/trace.json?id=", "returns": "the trace of a stored article"},
    {"method": "GET", "path": "/articles/ID.json", "returns": "an article, its sentences, artifacts and links"},
    {"method": "GET", "path": "/outlets.json, /outlets/DOMAIN.json", "returns": "outlets; what one copies, from whom"},
    {"method": "GET", "path": "/network.json?lang=&kind=&since=&until=&community=&max_nodes=&focus=",
     "returns": "outlets placed for drawing, folded into one node per community past max_nodes; who-copies-whom edges"},
    {"method": "GET", "path": "/stories.json?lang=&kind=&since=&until=&outlet=&limit=&offset=",
     "returns": "stories (families of linked articles) with their origin, largest first"},
    {"method": "GET", "path": "/stories/ID.json",
     "returns": "a story (ID: any member article's id): members, sources, kinds, timing"},
]


def _classify(exc: Exception) -> tuple[int, str, dict]:
    if isinstance(exc, HTTPException):
        codes = {400: "bad-request", 404: "not-found", 405: "method-not-allowed"}
        return exc.status_code, codes.get(exc.status_code, "http-error"), {}
    if isinstance(exc, ArticleNotFound):
        return 404, "not-found", {}
    if isinstance(exc, RejectedInput):
        return 422, "rejected", {"reason": exc.reason}
    if isinstance(exc, UploadTooLarge):
        return 413, "too-large", {}
    if isinstance(exc, (CsrfRejected, CrossSite)):
        return 403, "csrf" if isinstance(exc, CsrfRejected) else "cross-site", {}
    if isinstance(exc, UnsupportedType):
        return 415, "unsupported-type", {}
    if isinstance(exc, ServerBusy):
        return 503, "busy", {"retry_after_s": 5}
    if isinstance(exc, SettingError):
        return 400, "bad-setting", {}
    if isinstance(exc, (BadRequest, service.FilterError)):
        return 400, "bad-request", {}
    if isinstance(exc, StoreError):
        return 500, "store-error", {}
    if isinstance(exc, Unauthorized):
        return 401, "unauthorized", {}
    if isinstance(exc, UnspunError):
        return 500, "error", {}
    return 500, "internal", {}


def _limit(value: Any) -> int:
    return min(max(_int(value, 5), 1), 50)


def _number(params, name: str, default):
    """A whole number from the query, ``default`` when absent; ``BadRequest`` when it is not one."""
    value = params.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {value!r}") from None


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _qs(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _requery(request: Request, **changes) -> str:
    """The request's query string with the ``changes`` made (``None`` removes a parameter)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in changes and k != "token" and v]
    return urlencode(kept + [(k, v) for k, v in changes.items() if v not in (None, "")])


def _json_data(data: Any) -> Markup:
    """Data for a ``<script type="application/json">`` block: no ``<``, ``>``, ``&`` or line
    separators survive, so stored text can never close the element."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def create_app(db_path: str | Path, token: str | None = None, settings: Settings | None = None,
               max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES, allowed_hosts: set[str] | None = None):
    """The ASGI app over the store at ``db_path``.

    Args:
        token: when set, every request must carry it (``?token=``, ``Authorization: Bearer``,
            ``X-Unspun-Token`` or the cookie set after the first ``?token=`` visit).
        settings: the tunables traces run with (defaults otherwise).
        max_upload_bytes: request bodies (uploads, pasted text) above this are refused with 413.
        allowed_hosts: ``Host`` header names served. Default: loopback names only without a token
            (so other sites cannot reach the store through DNS rebinding), any with a token.
    Raises:
        StoreError: the store cannot be opened.
    """
    web = WebApp(db_path, settings, max_upload_bytes)
    routes = [
        Route("/", web.index),
        Route("/api", web.api_index),
        Route("/trace", web.trace_get, methods=["GET"]),
        Route("/trace", web.trace_post, methods=["POST"]),
        Route("/api/trace", web.api_trace, methods=["POST"]),
        Route("/api/search", web.api_search),
        Route("/search", web.search),
        Route("/articles/{article_id:path}", web.article),
        Route("/outlets", web.outlets),
        Route("/outlets/{domain:path}", web.outlet),
        Route("/network", web.network),
        Route("/stories", web.stories),
        Route("/stories/{story_id:path}", web.story),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def on_error(request: Request, exc: Exception) -> Response:
        return web.error(request, exc)

    async def on_crash(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("unspun.web").exception("error serving %s", request.url.path)
        return web.error(request, exc)

    handlers = {HTTPException: on_error, UnspunError: on_error, Exception: on_crash}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.web = web
    if allowed_hosts is None and token is None:
        allowed_hosts = set(LOOPBACK_HOSTS)
    # The limit leaves room for multipart framing around one upload of max_upload_bytes.
    guard = Guard(app, web.env, token, allowed_hosts, max_upload_bytes + 64_000)
    guard.web = web
    return guard
