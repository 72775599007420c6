"""A webhook receiver on 127.0.0.1 for the relay tests (loopback only, never outside)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from verantwortung.store.relay import verify_signature

SECRET = b"s3cret"


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that fails the first tries of every event."""

    fail_first: int = 2
    delay: float = 0.0
    accepted: list[dict[str, Any]] = field(default_factory=list)
    tries: dict[str, int] = field(default_factory=dict)
    bad_signatures: int = 0
    url: str = ""

    def answer(self, headers: Any, body: bytes) -> int:
        if not verify_signature(SECRET, headers["X-Verantwortung-Timestamp"], body,
                                headers["X-Verantwortung-Signature"]):
            self.bad_signatures += 1
            return 401
        ce = json.loads(body)
        assert ce["id"] == headers["X-Verantwortung-Delivery"]
        self.tries[ce["id"]] = self.tries.get(ce["id"], 0) + 1
        if ce["data"]["payload"].get("text") == "poison":
            return 422
        if self.tries[ce["id"]] <= self.fail_first:
            return 503
        self.accepted.append(ce)
        return 204


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    """A running receiver; its URL is on the loopback interface only."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(state.delay)
            self.send_response(state.answer(self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
