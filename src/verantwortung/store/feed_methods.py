"""The store's methods for the event feed: read every event in order, follow, subscribe.

A mixin of :class:`~verantwortung.store.sql.EventStore`; the work is in :mod:`.feed`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from . import feed

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from .rows import StoredEvent
    from .sql import EventStore

__all__ = ["FeedMethods"]


class FeedMethods:
    """``read_all``, ``last_position``, ``follow`` and ``subscribe`` of a store."""

    _listeners: Any

    if TYPE_CHECKING:  # provided by the store
        def _reading(self) -> AbstractContextManager[Connection]: ...

    def _store(self) -> EventStore:
        return cast("EventStore", self)

    def read_all(self, after: int = 0, limit: int | None = None) -> Iterator[StoredEvent]:
        """Every event of every process after position ``after``, in position order.

        Positions run 1, 2, 3, ... in commit order without a gap, so ``after`` the last
        position seen continues where a reader stopped. Reads page by page (at most
        ``limit`` events); CorruptEventError names a bad row.
        """
        return feed.read_all(self._store(), after, limit)

    def last_position(self) -> int:
        """The position of the newest stored event (0 when there is none)."""
        with self._reading() as conn:
            return feed.last_position(conn)

    def follow(self, name: str, handler: feed.Handler, *, after: int | None = None,
               limit: int | None = None, until_idle: bool = False,
               stop: Callable[[], bool] | None = None, poll: float = 0.5,
               lease: float = 30.0) -> feed.FollowResult:
        """Run the named follower ``name``: ``handler(stored, conn)`` for each new event.

        The follower's position is kept in the store; it resumes there (``after``
        starts it at another position instead). Each event is handled in a
        transaction that also stores the new position: what the handler writes through
        ``conn`` commits with it, exactly once; a handler that raises rolls both back
        and the error propagates, so the event comes again next time (at least once;
        ``stored.event.id`` is the key to drop a repeat).

        It ends after ``limit`` events, when caught up (``until_idle``), or when
        ``stop()`` is true (checked between events and polls); otherwise it waits for
        new events, looking every ``poll`` seconds. The name is held by a lease of
        ``lease`` seconds, renewed as it goes: while another live follower holds it,
        :class:`~verantwortung.FollowerBusy` is raised and nothing happens.
        """
        return feed.follow(self._store(), name, handler, after=after, limit=limit,
                           until_idle=until_idle, stop=stop, poll=poll, lease=lease)

    def subscribe(self, listener: feed.Listener) -> Callable[[], None]:
        """Call ``listener(stored)`` after commit for every event this store object
        appends (``add``, ``append``, ``fire``, ``import_process``); returns a function
        that unsubscribes. A listener that raises is logged (logger
        ``verantwortung.store``) and changes nothing: the events are stored. Events
        other writers append reach :meth:`follow`, not listeners."""
        unsubscribe: Callable[[], None] = self._listeners.add(listener)
        return unsubscribe
