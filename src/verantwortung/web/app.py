"""The ASGI app: ``create_app(store, authenticate=...)``.

Starlette rather than FastAPI: it is small (the app starts in milliseconds beside
the CLI), and every payload schema already lives in the template, so pydantic request
models would only repeat it; the OpenAPI document is written from the template
instead (:mod:`.openapi`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .._api import bundled_templates
from ..store.sql import EventStore
from .api import api_routes
from .auth import User
from .context import Authenticator, WebContext
from .pages import http_error, page_routes
from .safety import ErrorIds, SecurityHeaders, SizeLimit
from .sessions import MAX_AGE, Sessions

__all__ = ["MAX_BODY", "create_app"]

#: the largest request body accepted (bytes): a form or an event is far smaller
MAX_BODY = 256 * 1024
_STATIC = Path(__file__).resolve().parent / "static"


async def _favicon(request: Request) -> FileResponse:
    """The icon browsers ask for by themselves (the report and handbook name none)."""
    return FileResponse(_STATIC / "favicon.svg", media_type="image/svg+xml")


def create_app(store: EventStore, *, authenticate: Authenticator | None = None,
               users: Sequence[User] | None = None, lang: str = "de",
               templates: Mapping[str, str] | None = None,
               allowed_hosts: Iterable[str] | None = None, max_body: int = MAX_BODY,
               secure_cookies: bool = False, session_key: bytes | None = None,
               session_max_age: int = MAX_AGE) -> Starlette:
    """The web app and API on ``store``, for uvicorn or any ASGI server.

    Who is asking: ``authenticate(request)`` (an embedding app's own login) returns a
    :class:`~verantwortung.web.User` or None; else ``users`` (bearer tokens for the API,
    a sign-in page for the pages); with neither, one local user with every role.
    ``templates`` maps the ids a new process may be started from to their sources
    (default: the bundled templates); no request names a file. ``allowed_hosts``: the
    Host headers served (guards a loopback server against DNS rebinding).
    ``session_key`` signs the session cookies (:func:`~verantwortung.web.session_key`
    reads one from a file): with the same key, sessions survive a restart; without
    one, a random key ends them with the server. A session lasts ``session_max_age``
    seconds.
    """
    if lang not in ("de", "en"):
        raise ValueError(f"language {lang!r}; languages are de, en")
    sources = dict(templates) if templates is not None else {
        tid: tid for tid in bundled_templates()}
    ctx = WebContext(store, authenticate=authenticate,
                     users=list(users) if users is not None else None, lang=lang,
                     template_sources=sources, secure_cookies=secure_cookies,
                     sessions=Sessions(session_key, max_age=session_max_age))
    middleware = [Middleware(ErrorIds), Middleware(SecurityHeaders),
                  Middleware(SizeLimit, max_body=max_body)]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    routes = [*api_routes(), *page_routes(),
              Route("/favicon.ico", _favicon, methods=["GET"]),
              Mount("/static", app=StaticFiles(directory=_STATIC), name="static")]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={404: http_error, 405: http_error})
    app.state.ctx = ctx
    return app
