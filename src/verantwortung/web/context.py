"""What every request handler shares: the store, the known templates, users and sessions."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from starlette.requests import Request

from ..model.template import ProcessTemplate
from ..store.sql import EventStore
from .auth import User, local_user, verify_token
from .sessions import Session, Sessions
from .writing import Writer

__all__ = ["COOKIE", "Authenticator", "WebContext", "context_of"]

COOKIE = "vt_session"
#: an embedding app's own login: the user of a request, or None (not signed in)
Authenticator = Callable[[Request], User | None]


@dataclass
class WebContext:
    """The state of one app. ``users`` None and no ``authenticate``: the local user."""

    store: EventStore
    authenticate: Authenticator | None = None
    users: Sequence[User] | None = None
    lang: str = "de"
    template_sources: Mapping[str, str] = field(default_factory=dict)
    sessions: Sessions = field(default_factory=Sessions)
    secure_cookies: bool = False
    _loaded: dict[str, ProcessTemplate] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        """True when one local user with every role works without signing in."""
        return self.users is None and self.authenticate is None

    def template(self, template_id: str) -> ProcessTemplate:
        """A known template by id (KeyError for one this server does not offer)."""
        if template_id not in self._loaded:
            from .._api import load_template

            self._loaded[template_id] = load_template(self.template_sources[template_id])
        return self._loaded[template_id]

    @cached_property
    def writer(self) -> Writer:
        """Fires events as the signed-in users, keeping busy processes loaded."""
        return Writer(self.store)

    @cached_property
    def jinja(self) -> Any:
        """The page templates, HTML-escaped by default."""
        from jinja2 import Environment, PackageLoader, select_autoescape

        env = Environment(loader=PackageLoader("verantwortung.web", "templates"),
                          autoescape=select_autoescape(default=True, default_for_string=True),
                          trim_blocks=True, lstrip_blocks=True)
        return env

    # -- who is asking -------------------------------------------------------------------

    def api_user(self, request: Request) -> User | None:
        """The user of an API request: the embedding app's, a bearer token's, or local."""
        if self.authenticate is not None:
            return self.authenticate(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip() and self.users is not None:
            return verify_token(self.users, token.strip())
        return local_user() if self.local else None

    def session(self, request: Request) -> Session | None:
        """The browser's session of this request, if its cookie carries a valid one."""
        return self.sessions.get(request.cookies.get(COOKIE), self.users or ())

    def page_user(self, request: Request, session: Session | None) -> User | None:
        """The user of a page request: the embedding app's, the session's, or local."""
        if self.authenticate is not None:
            return self.authenticate(request)
        if session is not None and session.user is not None:
            return session.user
        return local_user() if self.local else None


def context_of(request: Request) -> WebContext:
    """The context of the app serving ``request``."""
    ctx: WebContext = request.app.state.ctx
    return ctx
