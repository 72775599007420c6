"""The relay: every stored event, in order, as a signed webhook (CloudEvents over HTTP).

The relay is a named follower (:meth:`EventStore.follow`), so it resumes from its
stored position after a restart. Each event is POSTed as one CloudEvent in structured
mode (``Content-Type: application/cloudevents+json``) with these headers:

``X-Verantwortung-Timestamp``
    the time of the try, in whole seconds since 1970 (UTC);
``X-Verantwortung-Signature``
    ``sha256=<hex>``: HMAC-SHA256 with the shared secret over the timestamp, a dot and
    the body (``f"{timestamp}.".encode() + body``) — only with a secret;
``X-Verantwortung-Delivery``
    the event id, the key to drop a delivery that came twice (at least once).

A 2xx answer delivers the event. Any other answer, a refused connection or a timeout is
a failed try; the next one follows after an exponential back-off with jitter (``backoff``
seconds, doubled per try up to ``max_backoff``, each delay drawn between half and all
of it). After ``max_tries``:

* when the receiver answered (with an error status), the event goes into the dead
  letters (table ``vt_dead_letters``) in the transaction that moves the position past it,
  and the relay goes on with the next event;
* when the receiver could not be reached at all, the relay stops with
  :class:`~verantwortung.DeliveryError` before the event: its position stays, nothing is
  lost, and the next start tries that event again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..exceptions import DeliveryError
from .cloudevents import CONTENT_TYPE, DEFAULT_SOURCE, CloudEvents
from .rows import StoredEvent, now
from .schema import dead_letters

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["DeadLetter", "Relay", "RelayResult", "list_dead_letters", "sign",
           "verify_signature"]

SIGNATURE_HEADER = "X-Verantwortung-Signature"
TIMESTAMP_HEADER = "X-Verantwortung-Timestamp"
DELIVERY_HEADER = "X-Verantwortung-Delivery"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the HMAC of timestamp, '.', body."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_signature(secret: bytes, timestamp: str, body: bytes, signature: str, *,
                     tolerance: float = 300.0, now: float | None = None) -> bool:
    """Whether a receiver should trust a delivery: the signature matches and the
    timestamp is at most ``tolerance`` seconds away (against replays)."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event a follower gave up on, with its last error."""

    follower: str
    position: int
    event_id: str
    process_id: str
    kind: str
    tries: int
    error: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(frozen=True, slots=True)
class RelayResult:
    """What a relay run did."""

    delivered: int
    dead_lettered: int
    position: int


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook is not followed elsewhere: urllib would turn a POST into a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(slots=True)
class _Outcome:
    ok: bool
    answered: bool  # the receiver answered (with a status), rather than not at all
    detail: str


class Relay:
    """Posts the store's events to ``url``; see the module documentation."""

    def __init__(self, store: EventStore, url: str, *, secret: bytes | None = None,
                 name: str = "relay", max_tries: int = 5, timeout: float = 10.0,
                 backoff: float = 0.5, max_backoff: float = 30.0,
                 source: str = DEFAULT_SOURCE,
                 sleep: Callable[[float], object] = time.sleep) -> None:
        if max_tries < 1:
            raise ValueError("max_tries must be 1 or more")
        self.store, self.url, self.secret, self.name = store, url, secret, name
        self.max_tries, self.timeout = max_tries, timeout
        self.backoff, self.max_backoff = backoff, max_backoff
        self._sleep = sleep
        self._cloudevent = CloudEvents(store, source)
        self._opener = urllib.request.build_opener(_NoRedirects)
        self._delivered = self._dead = 0

    def run(self, *, limit: int | None = None, until_idle: bool = False,
            stop: Callable[[], bool] | None = None, poll: float = 1.0,
            lease: float = 60.0) -> RelayResult:
        """Relay events until ``limit``, idle or ``stop()``; FollowerBusy if the name is
        held by a live relay, DeliveryError when the receiver cannot be reached."""
        self._delivered = self._dead = 0
        result = self.store.follow(self.name, self._handle, limit=limit,
                                   until_idle=until_idle, stop=stop, poll=poll,
                                   lease=max(lease, self._longest_try() * 2))
        return RelayResult(self._delivered, self._dead, result.position)

    def _longest_try(self) -> float:
        """How long delivering one event may take at most: the lease must outlast it."""
        waits = sum(min(self.max_backoff, self.backoff * 2 ** i)
                    for i in range(self.max_tries - 1))
        return float(waits + self.max_tries * self.timeout)

    def delay(self, tries: int) -> float:
        """The wait after the ``tries``-th failed try: exponential, capped, jittered."""
        full = min(self.max_backoff, self.backoff * 2 ** (tries - 1))
        return random.uniform(full / 2, full)

    def _handle(self, stored: StoredEvent, conn: Connection) -> None:
        body = json.dumps(self._cloudevent(stored), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        outcome = _Outcome(False, False, "no try")
        for tries in range(1, self.max_tries + 1):
            outcome = self._post(body, stored.event.id)
            if outcome.ok:
                self._delivered += 1
                return
            if tries < self.max_tries:
                self._sleep(self.delay(tries))
        if not outcome.answered:
            raise DeliveryError(self.url, self.max_tries, outcome.detail)
        e = stored.event
        conn.execute(insert(dead_letters), {
            "follower": self.name, "position": stored.position, "event_id": e.id,
            "process_id": e.process, "kind": e.kind, "tries": self.max_tries,
            "error": outcome.detail, "created_at": now()})
        self._dead += 1

    def _post(self, body: bytes, event_id: str) -> _Outcome:
        stamp = str(int(time.time()))
        headers = {"Content-Type": CONTENT_TYPE, TIMESTAMP_HEADER: stamp,
                   DELIVERY_HEADER: event_id, "User-Agent": "verantwortung-relay"}
        if self.secret is not None:
            headers[SIGNATURE_HEADER] = sign(self.secret, stamp, body)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            exc.close()
            return _Outcome(False, True, f"HTTP {exc.code} {exc.reason}")
        except (urllib.error.URLError, OSError) as exc:  # refused, unknown host, timeout
            reason = getattr(exc, "reason", None) or exc
            return _Outcome(False, False, str(reason))
        if 200 <= status < 300:
            return _Outcome(True, True, f"HTTP {status}")
        return _Outcome(False, True, f"HTTP {status}")


def list_dead_letters(store: EventStore, follower: str | None = None) -> list[DeadLetter]:
    """The dead letters of one follower (or of all), oldest first."""
    query = select(dead_letters).order_by(dead_letters.c.follower, dead_letters.c.position)
    if follower is not None:
        query = query.where(dead_letters.c.follower == follower)
    with store._reading() as conn:
        return [DeadLetter(**dict(row._mapping)) for row in conn.execute(query)]
