"""The web app for facilitators and the HTTP API (extra ``[web]``).

    from verantwortung.store import EventStore
    from verantwortung.web import create_app
    app = create_app(EventStore("sqlite:///verantwortung.sqlite3"))   # any ASGI server

``verantwortung serve`` runs it with uvicorn. Pages are server-rendered and need no
JavaScript; the API lives under ``/api`` (``/api/openapi.json`` describes it).
"""

from __future__ import annotations

from .app import MAX_BODY, create_app
from .auth import User, UsersFileError, hash_secret, load_users, local_user
from .sessions import SessionKeyError, session_key

__all__ = ["MAX_BODY", "SessionKeyError", "User", "UsersFileError", "create_app",
           "hash_secret", "load_users", "local_user", "session_key"]
