"""Security headers, request size limits, no traceback in any response."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from verantwortung.store.sql import EventStore
from verantwortung.web import create_app

from .conftest import new_process


def test_every_response_carries_a_strict_policy(local: TestClient) -> None:
    """No script, nothing from outside, no framing; nosniff and no referrer."""
    for path in ("/", "/api/processes", "/static/style.css", "/processes/nope"):
        headers = local.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp
        assert "frame-ancestors 'none'" in csp
        assert ("nosniff", "no-referrer") == (headers["x-content-type-options"],
                                             headers["referrer-policy"])


def test_a_body_beyond_the_limit_is_413(store: EventStore) -> None:
    """A large body is refused before it is read whole, announced or streamed."""
    client = TestClient(create_app(store, max_body=1000))
    pid = new_process(client)
    big = b'{"trigger": "note_added", "payload": {"text": "' + b"x" * 2000 + b'"}}'
    response = client.post(f"/api/processes/{pid}/events", content=big,
                           headers={"Content-Type": "application/json"})
    assert 413 == response.status_code

    def chunks():  # type: ignore[no-untyped-def]
        yield big[:600]
        yield big[600:]

    streamed = client.post(f"/api/processes/{pid}/events", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert 413 == streamed.status_code
    assert 1 == client.get(f"/api/processes/{pid}").json()["version"]


def test_an_unexpected_error_shows_an_id_and_logs_the_traceback(
        store: EventStore, caplog: pytest.LogCaptureFixture) -> None:
    """A failing store: the client sees a 500 with an error id, the log has the rest."""
    client = TestClient(create_app(store), raise_server_exceptions=False)

    def broken(**_: object) -> None:
        raise RuntimeError("secret internals")

    store.list = broken  # type: ignore[method-assign,assignment]
    with caplog.at_level(logging.ERROR, logger="verantwortung.web"):
        response = client.get("/api/processes")
    assert 500 == response.status_code
    body = response.json()
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert body["error_id"] in caplog.text
    assert "secret internals" in caplog.text


def test_only_the_allowed_hosts_are_served(store: EventStore) -> None:
    """On loopback, a request for another Host (DNS rebinding) is refused."""
    client = TestClient(create_app(store, allowed_hosts=["127.0.0.1"]),
                        base_url="http://evil.example")
    assert 400 == client.get("/").status_code


def test_unknown_addresses_answer_in_the_shape_of_their_side(local: TestClient) -> None:
    """404 and 405 are problem+json under /api and a page in words elsewhere."""
    api = local.get("/api/nothing")
    assert (404, "application/problem+json") == (api.status_code,
                                                 api.headers["content-type"])
    assert 405 == local.delete("/api/processes").status_code
    page = local.get("/nothing")
    assert 404 == page.status_code
    assert "gibt es nicht" in page.text
