"""Browser sessions in a signed cookie: they survive a restart of the server.

The cookie carries the session's id, its CSRF token, the signed-in user's name and
when it was issued, signed with HMAC-SHA256 under the server's session key (as Flask
and Rails keep their sessions). Nothing is kept per session on the server, so a
restart, or a second worker on the same key, knows every session. The user is looked
up by name on every request: someone taken out of the users file is signed out, and a
changed role applies at once. A session ends after ``max_age`` seconds; signing out
forgets its id for that long in this server (a copy of the cookie made before then
would still work on a restarted server until it expires: keep ``max_age`` short, and
change the key to sign everyone out).

The key comes from :func:`session_key`: a file of 64 hex digits, made with owner-only
permissions on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import SessionKeyError
from .auth import User

__all__ = ["MAX_AGE", "Session", "SessionKeyError", "Sessions", "session_key"]

#: how long a session lasts (seconds): a working day
MAX_AGE = 12 * 3600
_KEY_BYTES = 32


@dataclass(slots=True)
class Session:
    """A browser's session: its CSRF token and, once signed in, its user."""

    id: str
    csrf: str
    user: User | None = None
    issued: int = 0  # seconds since the epoch

    def csrf_ok(self, token: str | None) -> bool:
        """Whether a form carried this session's CSRF token."""
        return token is not None and hmac.compare_digest(self.csrf, token)


def session_key(path: str | Path) -> bytes:
    """The key in the file at ``path``, made (64 hex digits, mode 0600) if it is missing."""
    file = Path(path)
    try:
        if not file.exists():
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(_KEY_BYTES) + "\n")
        text = file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SessionKeyError(f"{file}: cannot read or make the session key "
                              f"({getattr(exc, 'strerror', None) or exc})") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise SessionKeyError(f"{file}: a session key is at least 32 hex digits "
                              "(delete the file to have a new one made)")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    """Sessions signed into their cookie under ``key`` (a random key when None: then
    they end with this server)."""

    def __init__(self, key: bytes | None = None, *, max_age: int = MAX_AGE,
                 clock: Callable[[], float] = time.time, size: int = 10_000) -> None:
        self._key = key if key is not None else secrets.token_bytes(_KEY_BYTES)
        self.max_age, self._clock, self._size = max_age, clock, size
        self._dropped: OrderedDict[str, int] = OrderedDict()  # signed out: id -> issued
        self._lock = threading.Lock()

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def cookie(self, session: Session) -> str:
        """The cookie value that carries ``session``."""
        body = _b64(json.dumps({"s": session.id, "c": session.csrf, "t": session.issued,
                                "u": session.user.name if session.user else None},
                               separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._sign(body)}"

    def get(self, cookie: str | None, users: Sequence[User] = ()) -> Session | None:
        """The session this cookie carries (its user one of ``users``), or None when the
        cookie is missing, forged, expired or signed out."""
        if not cookie or len(cookie) > 4096 or cookie.count(".") != 1:
            return None
        body, signature = cookie.split(".")
        try:
            if not hmac.compare_digest(self._sign(body), signature):
                return None
            data = json.loads(_unb64(body))
            sid, csrf, issued, name = data["s"], data["c"], data["t"], data["u"]
        except (ValueError, KeyError, TypeError, UnicodeError):
            return None
        if not (isinstance(sid, str) and isinstance(csrf, str) and type(issued) is int):
            return None
        if not 0 <= self._clock() - issued <= self.max_age:
            return None
        with self._lock:
            if sid in self._dropped:
                return None
        user = next((u for u in users if u.name == name), None) if name is not None else None
        if name is not None and user is None:  # no longer in the users file
            return None
        return Session(sid, csrf, user, issued)

    def new(self, user: User | None = None) -> Session:
        """A fresh session with a new id and CSRF token."""
        return Session(secrets.token_urlsafe(24), secrets.token_urlsafe(24), user,
                       int(self._clock()))

    def drop(self, session: Session) -> None:
        """Sign a session out: its cookie is refused from now on, until it would expire."""
        now = self._clock()
        with self._lock:
            self._dropped[session.id] = session.issued
            while self._dropped and (len(self._dropped) > self._size or now - next(
                    iter(self._dropped.values())) > self.max_age):
                self._dropped.popitem(last=False)
