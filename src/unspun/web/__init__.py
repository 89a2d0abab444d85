"""The web interface over a store: ``create_app`` builds the ASGI app, ``serve`` runs it.

Pages, their JSON twins and the JSON API are described in ``docs/web.md``.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path

from ..errors import TokenRequired
from ..settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8008


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # any other host name may resolve to a public address


def create_app(db_path: str | Path, token: str | None = None, settings: Settings | None = None, **options):
    """The ASGI app over the store at ``db_path``; see ``unspun.web.app.create_app``."""
    from .app import create_app as _create

    return _create(db_path, token=token, settings=settings, **options)


def serve(db: str | Path = "unspun.db", host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          token: str | None = None, settings: Settings | None = None,
          max_upload_bytes: int | None = None, log_level: str = "info") -> None:
    """Serve the web interface until interrupted.

    Args:
        db: the store file.
        host, port: where to listen; 127.0.0.1:8008 by default.
        token: required for any host that is not loopback; every request must then carry it.
        max_upload_bytes: request-body limit (5 MB by default).
    Raises:
        TokenRequired: ``host`` is not a loopback address and no token was given.
    """
    if not is_loopback(host) and not token:
        raise TokenRequired(f"Refusing to listen on {host}: it is reachable from other machines and no token was given")
    if token is not None and len(token) < 8:
        raise TokenRequired("The token is too short (at least 8 characters)", hint="Use a long random token, "
                            "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe())'`")
    import uvicorn

    from .app import DEFAULT_MAX_UPLOAD_BYTES

    app = create_app(db, token=token, settings=settings,
                     max_upload_bytes=max_upload_bytes or DEFAULT_MAX_UPLOAD_BYTES)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)


__all__ = ["create_app", "serve", "TokenRequired", "is_loopback", "DEFAULT_HOST", "DEFAULT_PORT"]
