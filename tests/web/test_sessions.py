"""Sessions in a signed cookie: they survive a restart, and nothing forged gets in."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.store.sql import EventStore
from verantwortung.web import SessionKeyError, User, create_app, session_key
from verantwortung.web.sessions import Sessions

from .conftest import PASSWORDS, TestClient, csrf_of

KEY = bytes(range(32))
ANNA = User("anna", ("facilitator",), "$argon2id$x")


class _Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_checks_its_csrf_token_in_constant_time() -> None:
    """Only the session's own token passes."""
    s = Sessions(KEY).new()
    assert (True, False, False) == (s.csrf_ok(s.csrf), s.csrf_ok("x"), s.csrf_ok(None))


def test_a_cookie_made_by_one_server_is_read_by_another_with_the_same_key() -> None:
    """Same key: the same session and user (a restart); another key: no session."""
    first = Sessions(KEY)
    session = first.new(ANNA)
    cookie = first.cookie(session)
    again = Sessions(KEY).get(cookie, [ANNA])
    assert again is not None
    assert (session.id, session.csrf, ANNA) == (again.id, again.csrf, again.user)
    assert Sessions(bytes(32)).get(cookie, [ANNA]) is None


def test_a_session_ends_after_its_time_on_sign_out_and_with_its_user() -> None:
    """Expired, signed out, or the user gone from the users file: no session."""
    clock = _Clock()
    sessions = Sessions(KEY, max_age=3600, clock=clock)
    session = sessions.new(ANNA)
    cookie = sessions.cookie(session)
    clock.now += 3600
    assert sessions.get(cookie, [ANNA]) is not None
    assert sessions.get(cookie, []) is None  # anna was taken out of the users file
    clock.now += 1
    assert sessions.get(cookie, [ANNA]) is None
    fresh = sessions.new(ANNA)
    sessions.drop(fresh)
    assert sessions.get(sessions.cookie(fresh), [ANNA]) is None


@given(st.text(max_size=300))
def test_no_forged_or_garbled_cookie_is_a_session(cookie: str) -> None:
    """Any text that is not a cookie the key signed is no session, and never an error."""
    assert Sessions(KEY).get(cookie, [ANNA]) is None


def test_a_changed_name_in_a_signed_cookie_is_refused() -> None:
    """Editing the cookie's content (another user's name) breaks its signature."""
    import base64
    import json

    sessions = Sessions(KEY)
    cookie = sessions.cookie(sessions.new(User("paul", ("partner",), "$argon2id$x")))
    body, signature = cookie.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["u"] = "anna"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    assert sessions.get(f"{forged}.{signature}", [ANNA]) is None


def test_a_session_key_file_is_made_owner_only_and_read_again(tmp_path: Path) -> None:
    """The first call makes the key file (mode 0600); later calls read the same key."""
    path = tmp_path / "users.yaml.session-key"
    key = session_key(path)
    assert 32 == len(key)
    assert key == session_key(path)
    assert 0o600 == stat.S_IMODE(path.stat().st_mode)


def test_a_session_key_file_that_is_no_key_says_so(tmp_path: Path) -> None:
    """A file of the wrong content, or one that cannot be made, is a clear error."""
    path = tmp_path / "bad.key"
    path.write_text("not hex\n", encoding="ascii")
    with pytest.raises(SessionKeyError, match="at least 32 hex digits"):
        session_key(path)
    with pytest.raises(SessionKeyError, match="cannot read or make"):
        session_key(tmp_path / "missing-folder" / "x.key")


def test_a_signed_in_user_stays_signed_in_after_a_restart(tmp_path: Path,
                                                          users: list[User]) -> None:
    """Sign in, stop the app, start a new one on the same key: the page knows the user."""
    key = session_key(tmp_path / "key")
    with EventStore(f"sqlite:///{tmp_path / 'web.sqlite3'}") as store:
        before = TestClient(create_app(store, users=users, session_key=key))
        page = before.get("/login").text
        before.post("/login", data={"csrf": csrf_of(page), "name": "anna",
                                    "password": PASSWORDS["anna"]})
        cookie = before.cookies["vt_session"]
        after = TestClient(create_app(store, users=users, session_key=key),
                           cookies={"vt_session": cookie})
        response = after.get("/", follow_redirects=False)
        assert 200 == response.status_code
        assert "anna" in response.text
        other = TestClient(create_app(store, users=users), cookies={"vt_session": cookie})
        assert 303 == other.get("/", follow_redirects=False).status_code
