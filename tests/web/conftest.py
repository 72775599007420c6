"""Web fixtures: a store in a temporary folder, the app as the local user or with users."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web tests need the extra [web]")

from starlette.testclient import TestClient  # after the extra's check

from verantwortung.store.sql import EventStore
from verantwortung.web import User, create_app, hash_secret

TOKENS = {"anna": "token-of-anna", "paul": "token-of-paul"}
PASSWORDS = {"anna": "anna-secret-pw", "paul": "paul-secret-pw"}
ROLES = {"anna": "facilitator", "paul": "partner"}
XSS = "<script>alert(1)</script>"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def users() -> list[User]:
    """Anna the facilitator and Paul of a partner organisation, with password and token."""
    return [User(name, (ROLES[name],), hash_secret(PASSWORDS[name]), hash_secret(token))
            for name, token in TOKENS.items()]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    """An empty store in a temporary folder."""
    with EventStore(f"sqlite:///{tmp_path / 'web.sqlite3'}") as s:
        yield s


@pytest.fixture
def local(store: EventStore) -> TestClient:
    """The app without a users file: the local user with every role."""
    return TestClient(create_app(store), raise_server_exceptions=False)


@pytest.fixture
def secured(store: EventStore, users: list[User]) -> TestClient:
    """The app with Anna and Paul as its users."""
    return TestClient(create_app(store, users=users), raise_server_exceptions=False)


def bearer(name: str) -> dict[str, str]:
    """The Authorization header of a user's API token."""
    return {"Authorization": f"Bearer {TOKENS[name]}"}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def new_process(client: TestClient, region: str = "Thüringen", **headers: Any) -> str:
    """Start a process of the bundled template through the API; its id."""
    response = client.post("/api/processes", json={
        "template": "verantwortungspartner", "region": region}, headers=headers)
    assert 201 == response.status_code, response.text
    return str(response.json()["id"])


def fire(client: TestClient, pid: str, trigger: str, payload: dict[str, Any] | None = None,
         **headers: str) -> Any:
    """POST an event through the API."""
    return client.post(f"/api/processes/{pid}/events",
                       json={"trigger": trigger, "payload": payload or {}}, headers=headers)


#: what it takes for the bundled template's kick-off to pass
KICKOFF_READY: list[tuple[str, dict[str, Any]]] = [
    *[("partner_added", {"id": f"c{i}", "name": f"Firma {i}", "kind": "company"})
      for i in range(5)],
    *[("circle_member_joined", {"partner": f"c{i}"}) for i in range(5)],
    ("theme_proposed", {"id": "t1", "title": "Fachkräfte"}),
    ("theme_selected", {"theme": "t1"}),
    ("logistics_clarified", {"host": "IHK"}),
    ("facilitator_assigned", {"name": "Anna Schmidt"}),
]
