"""Who may do what: users, their roles, passwords and API tokens (sessions: :mod:`.sessions`).

A users file (YAML, read by the project's safe reader) lists each user with a role of
the template and an argon2 hash of a password (for the pages) and/or of a bearer token
(for the API)::

    users:
      - name: anna
        role: facilitator          # or roles: [facilitator, coordinator]
        password: "$argon2id$v=19$..."
        token: "$argon2id$v=19$..."

``verantwortung serve --hash`` prints the hash of a secret read from standard input.
Hashes come from argon2-cffi; verified tokens are remembered by their SHA-256 digest so
that a busy API client pays for argon2 once, not on every request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import Diagnostic, UsersFileError

__all__ = ["LOCAL_NAME", "User", "UsersFileError", "hash_secret", "load_users", "local_user",
           "verify_password", "verify_token"]

LOCAL_NAME = "local"
_FIELDS = ("name", "role", "roles", "password", "token")


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person: a name and the roles of the template they act in."""

    name: str
    roles: tuple[str, ...]
    password_hash: str | None = None
    token_hash: str | None = None
    #: every role of any template (the single user of a facilitator's laptop)
    every_role: bool = False

    def actor(self, allowed: Sequence[str] | None, known: Sequence[str] = ()) -> str:
        """``role:name`` for an event: the first of this user's roles the step allows.

        Without an allowed role the user's first role is named, and the engine refuses
        it with ``role_not_allowed``.
        """
        mine = tuple(known) if self.every_role else self.roles
        if allowed is not None:
            role = next((r for r in mine if r in allowed), None)
            if role is None and self.every_role and allowed:
                role = allowed[0]
        else:
            role = mine[0] if mine else None
        return f"{role or (self.roles[0] if self.roles else 'guest')}:{self.name}"

    def may(self, allowed: Sequence[str] | None) -> bool:
        """Whether one of this user's roles is among ``allowed`` (None: every role)."""
        return allowed is None or self.every_role or any(r in allowed for r in self.roles)


def local_user() -> User:
    """The one user of a server on loopback without a users file: every role."""
    return User(LOCAL_NAME, (), every_role=True)


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_secret(secret: str) -> str:
    """The argon2id hash of a password or token, for the users file."""
    return str(_hasher().hash(secret))


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` matches the user's password hash."""
    return _verify(user.password_hash, password)


def _verify(stored: str | None, secret: str) -> bool:
    if not stored or not secret:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, secret))
    except (VerificationError, InvalidHashError):
        return False


class _TokenCache:
    """Bearer tokens already verified, by digest: argon2 runs once per token."""

    def __init__(self, size: int = 256) -> None:
        self._known: OrderedDict[bytes, User] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def find(self, users: Sequence[User], token: str) -> User | None:
        digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            user = self._known.get(digest)
        if user is not None:
            return user
        user = next((u for u in users if _verify(u.token_hash, token)), None)
        if user is not None:
            with self._lock:
                self._known[digest] = user
                while len(self._known) > self._size:
                    self._known.popitem(last=False)
        return user


_TOKENS = _TokenCache()


def verify_token(users: Sequence[User], token: str) -> User | None:
    """The user whose API token this is, or None."""
    return _TOKENS.find(users, token) if token else None


# -- the users file ------------------------------------------------------------------------


def _user_of(entry: Any, index: int, doc: Any, problems: list[Diagnostic]) -> User | None:
    def report(loc: tuple[str | int, ...], code: str, message: str, key: bool = False) -> None:
        pos = doc.locate(("users", index, *loc), key=key)
        problems.append(Diagnostic(doc.path, pos.line, pos.column, code, message))

    if not isinstance(entry, dict):
        report((), "E103", "each user is a mapping with name, role, password and/or token")
        return None
    for key in entry:
        if key not in _FIELDS:
            report((key,), "E101", f"unknown key {key!r}; allowed keys are "
                   f"{', '.join(_FIELDS)}", key=True)
    name, role, roles = entry.get("name"), entry.get("role"), entry.get("roles")
    if not isinstance(name, str) or not name.strip():
        report(("name",), "E102", "a user needs a name (a non-empty text)")
        return None
    listed = [role] if isinstance(role, str) else roles if isinstance(roles, list) else None
    if not listed or not all(isinstance(r, str) and r for r in listed):
        report(("role",), "E102", f"user {name!r} needs a role (role: facilitator) or roles")
        return None
    hashes = {k: entry.get(k) for k in ("password", "token")}
    for key, value in hashes.items():
        if value is not None and not (isinstance(value, str) and value.startswith("$argon2")):
            report((key,), "E104", f"{key} of {name!r} must be an argon2 hash (from "
                   "'verantwortung serve --hash'), never the secret itself")
            return None
    if not any(hashes.values()):
        report((), "E102", f"user {name!r} needs a password or a token hash")
        return None
    return User(name.strip(), tuple(listed), hashes["password"], hashes["token"])


def load_users(path: str | Path) -> list[User]:
    """The users of a users file; :class:`UsersFileError` lists every problem located."""
    from ..io.yaml_source import Pos, load_yaml_file

    doc = load_yaml_file(path)
    if not doc.ok:
        raise UsersFileError(doc.diagnostics)
    users_list = doc.data.get("users") if isinstance(doc.data, dict) else None
    if not isinstance(users_list, list) or not users_list:
        pos = doc.locate(("users",)) if isinstance(doc.data, dict) else Pos(1, 1)
        raise UsersFileError([Diagnostic(doc.path, pos.line, pos.column, "E102",
                                         "the file needs 'users:', a list of users")])
    problems: list[Diagnostic] = []
    users = [u for i, e in enumerate(users_list) if (u := _user_of(e, i, doc, problems))]
    seen: set[str] = set()
    for i, u in enumerate(users):
        if u.name in seen:
            pos = doc.locate(("users", i, "name"))
            problems.append(Diagnostic(doc.path, pos.line, pos.column, "E104",
                                       f"user {u.name!r} is listed twice"))
        seen.add(u.name)
    if problems:
        raise UsersFileError(problems)
    return users
