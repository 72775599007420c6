"""ASGI middleware that every response passes: security headers, size limits, no tracebacks.

- A strict Content-Security-Policy (no script at all, styles and images only from this
  server, forms only to it, no framing), ``nosniff``, no referrer.
- Request bodies beyond ``max_body`` bytes are refused with 413 before they are read
  whole, whether the client announced their length or not.
- An exception becomes a 500 that shows an error id, and the traceback goes to the log
  (logger ``verantwortung.web``) under that id: nothing of the code reaches a client.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["CSP", "ErrorIds", "SecurityHeaders", "SizeLimit", "csp_with_style"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("verantwortung.web")

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]


def csp_with_style(sha256_b64: str) -> str:
    """The policy for a self-contained page (report, handbook) whose one ``<style>`` has
    this hash: the page's own style, nothing else."""
    return (f"default-src 'none'; style-src 'sha256-{sha256_b64}'; img-src data:; "
            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


class _HttpMiddleware:
    """An ASGI middleware that acts on HTTP requests only (``http``) and passes the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class SecurityHeaders(_HttpMiddleware):
    """Adds the security headers; a response that sets its own policy keeps it."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(h for h in _HEADERS if h[0] not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLargeError(Exception):
    pass


class _Tracked:
    """A ``send`` that remembers whether the response has started."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


async def _plain(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def _too_large(limit: int) -> dict[str, Any]:
    return {"type": "urn:verantwortung:problem:too-large", "status": 413,
            "title": "Request too large",
            "detail": f"a request may carry at most {limit:,} bytes"}


class SizeLimit(_HttpMiddleware):
    """Refuses request bodies larger than ``max_body`` bytes with 413."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        super().__init__(app)
        self.max_body = max_body

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _plain(send, 413, _too_large(self.max_body))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLargeError
            return message

        tracked = _Tracked(send)
        try:
            await self.app(scope, counted, tracked)
        except _TooLargeError:
            if not tracked.started:
                await _plain(send, 413, _too_large(self.max_body))


class ErrorIds(_HttpMiddleware):
    """The outermost layer: an unexpected error is logged with an id, and the client gets
    the id and a sentence, never a traceback."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked = _Tracked(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception:
            error_id = secrets.token_hex(6)
            log.exception("error %s on %s %s", error_id, scope.get("method"),
                          scope.get("path"))
            if tracked.started:  # the response is on its way: nothing more can be said
                return
            await _plain(send, 500, {
                "type": "urn:verantwortung:problem:internal-error", "status": 500,
                "title": "Internal error / Interner Fehler", "error_id": error_id,
                "detail": f"Das ging schief; der Fehler ist unter {error_id} protokolliert. "
                          f"Something went wrong; the error is logged as {error_id}."})
