"""The store-wide feed: positions, reading every event in order, followers, listeners.

Positions come from one counter row that an append raises in its own transaction
(see :mod:`.schema`). On PostgreSQL the row lock makes appenders wait for each other
from that update to their commit, so position N+1 is only handed out after N is
committed (or rolled back, which returns the number); on SQLite the database lock
does the same. A reader therefore never sees a hole that fills later, and reading
``position > after`` is a complete, ordered page.

A follower is a name with a stored position and a lease. :func:`follow` claims the
lease (refused with :class:`~verantwortung.FollowerBusy` while another live follower
holds it), then calls the handler once per event, each in a transaction that also
moves the position and renews the lease: what the handler writes through the
connection it is given commits together with the new position (exactly once), while
effects outside the database happen at least once — the event id is the key to drop
a repeat.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..exceptions import FollowerBusy, StoreError
from .rows import StoredEvent, decode_stored, now
from .schema import events, followers, positions

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["FollowResult", "Handler", "Listener", "Listeners", "follow", "last_position",
           "read_all", "take_positions"]

log = logging.getLogger("verantwortung.store")

Listener = Callable[[StoredEvent], object]
Handler = Callable[[StoredEvent, Connection], object]
PAGE = 2000


def take_positions(conn: Connection, count: int) -> int:
    """Reserve ``count`` positions in this transaction; return the first of them."""
    last = conn.execute(update(positions).where(positions.c.id == 1)
                        .values(last=positions.c.last + count)
                        .returning(positions.c.last)).scalar_one()
    return int(last) - count + 1


def last_position(conn: Connection) -> int:
    """The position of the last committed event (0 in an empty store)."""
    return int(conn.execute(select(positions.c.last).where(positions.c.id == 1)).scalar() or 0)


def read_all(store: EventStore, after: int = 0, limit: int | None = None,
             page: int = PAGE) -> Iterator[StoredEvent]:
    """Every stored event after position ``after``, in position order, page by page."""
    if after < 0:
        raise ValueError(f"after must be 0 or more, got {after}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    left = limit
    while left is None or left > 0:
        size = page if left is None else min(page, left)
        with store._reading() as conn:
            rows = _page(conn, after, size)
        batch = decode_stored(rows)
        yield from batch
        if len(batch) < size:
            return
        after = batch[-1].position
        if left is not None:
            left -= len(batch)


_COLUMNS = ", ".join(c.name for c in events.c)


def _page(conn: Connection, after: int, size: int) -> list[Any]:
    """Up to ``size`` event rows after position ``after``, as plain tuples.

    Straight through the driver's cursor: building SQLAlchemy rows cost a fifth of
    read_all's time. The only values in the statement are two whole numbers.
    """
    sql = (f"SELECT {_COLUMNS} FROM {events.name} WHERE position > {int(after)} "
           f"ORDER BY position LIMIT {int(size)}")
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    except conn.dialect.loaded_dbapi.Error as exc:  # what SQLAlchemy would have wrapped
        raise StoreError(f"cannot read the feed: {str(exc).strip().splitlines()[0]}"
                         ) from exc
    finally:
        cursor.close()


class Listeners:
    """In-process callbacks for the events one store object appended, after commit.

    A listener that raises does not undo or stop anything: the events are stored. Its
    error is logged (logger ``verantwortung.store``) and the other listeners still run.
    """

    def __init__(self) -> None:
        self._items: list[Listener] = []
        self._lock = threading.Lock()

    def add(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener``; the returned function unregisters it."""
        with self._lock:
            self._items.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._items:
                    self._items.remove(listener)
        return remove

    def notify(self, stored: Sequence[StoredEvent]) -> None:
        """Call every listener with every event, in order."""
        with self._lock:
            items = list(self._items)
        for item in stored:
            for listener in items:
                try:
                    listener(item)
                except Exception:
                    log.exception("a store listener raised on event %s (position %d); the "
                                  "event is stored", item.event.id, item.position)


@dataclass(frozen=True, slots=True)
class FollowResult:
    """How a follow run ended: events handled, and the follower's position now."""

    name: str
    delivered: int
    position: int


@dataclass(slots=True)
class _Lease:
    name: str
    owner: str
    seconds: float
    renewed: float = 0.0


def follow(store: EventStore, name: str, handler: Handler, *, after: int | None = None,
           limit: int | None = None, until_idle: bool = False,
           stop: Callable[[], bool] | None = None, poll: float = 0.5,
           lease: float = 30.0) -> FollowResult:
    """Run the follower ``name``: see :meth:`EventStore.follow`."""
    if not name:
        raise ValueError("a follower needs a name")
    if lease <= 0 or poll < 0:
        raise ValueError("lease must be positive and poll 0 or more")
    claim = _Lease(name, f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
                   lease)
    position = _claim(store, claim, after)
    delivered = 0
    try:
        while limit is None or delivered < limit:
            if stop is not None and stop():
                break
            want = PAGE if limit is None else min(PAGE, limit - delivered)
            batch = list(read_all(store, position, want))
            for stored in batch:
                _deliver(store, claim, stored, handler)
                position = stored.position
                delivered += 1
            if batch:
                continue
            if until_idle:
                break
            if time.monotonic() - claim.renewed > lease / 3:
                _renew(store, claim, position)
            time.sleep(poll)
    finally:
        _release(store, claim)
    return FollowResult(name, delivered, position)


def _claim(store: EventStore, claim: _Lease, after: int | None) -> int:
    """Take the lease of ``claim.name`` (FollowerBusy if it is live elsewhere); its position."""
    with store.engine.begin() as conn:
        end = last_position(conn)
        exists = conn.execute(select(followers.c.name).where(
            followers.c.name == claim.name)).first() is not None
    if after is not None and not 0 <= after <= end:
        raise ValueError(f"follower {claim.name}: cannot start after position {after}: "
                         f"the feed ends at {end}")
    if not exists:
        try:
            with store.engine.begin() as conn:
                conn.execute(insert(followers), {"name": claim.name, "position": 0,
                                                 "owner": None, "lease_until": 0.0,
                                                 "updated_at": now()})
        except IntegrityError:  # another follower created it at the same moment
            pass
    values: dict[str, Any] = {"owner": claim.owner, "updated_at": now(),
                              "lease_until": time.time() + claim.seconds}
    if after is not None:
        values["position"] = after
    with store.engine.begin() as conn:
        taken = conn.execute(update(followers).where(
            followers.c.name == claim.name,
            followers.c.owner.is_(None) | (followers.c.lease_until < time.time())
        ).values(**values)).rowcount
        row = conn.execute(select(followers).where(followers.c.name == claim.name)).one()
    if not taken:
        raise FollowerBusy(claim.name, str(row.owner), float(row.lease_until))
    claim.renewed = time.monotonic()
    return int(row.position)


def _advance(conn: Connection, claim: _Lease, position: int) -> None:
    """Move the follower to ``position`` if it still holds the lease, else FollowerBusy."""
    moved = conn.execute(update(followers).where(
        followers.c.name == claim.name, followers.c.owner == claim.owner
    ).values(position=position, lease_until=time.time() + claim.seconds,
             updated_at=now())).rowcount
    if moved != 1:  # the lease ran out and another follower took the name over
        raise FollowerBusy(claim.name, "another follower", time.time())


def _deliver(store: EventStore, claim: _Lease, stored: StoredEvent, handler: Handler) -> None:
    with store.engine.begin() as conn:
        handler(stored, conn)
        _advance(conn, claim, stored.position)
    claim.renewed = time.monotonic()


def _renew(store: EventStore, claim: _Lease, position: int) -> None:
    with store.engine.begin() as conn:
        _advance(conn, claim, position)
    claim.renewed = time.monotonic()


def _release(store: EventStore, claim: _Lease) -> None:
    """Give the name free for the next follower (nothing if the lease went elsewhere)."""
    try:
        with store.engine.begin() as conn:
            conn.execute(update(followers).where(
                followers.c.name == claim.name, followers.c.owner == claim.owner
            ).values(owner=None, lease_until=0.0, updated_at=now()))
    except Exception:  # the lease runs out on its own; the position is already stored
        log.warning("follower %s: could not release its lease", claim.name, exc_info=True)
