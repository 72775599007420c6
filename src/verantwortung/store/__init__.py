"""The event store on SQLAlchemy: SQLite by default, PostgreSQL for many workers."""

from .feed import FollowResult
from .rows import StoredEvent, StoreFired
from .sql import DEFAULT_URL, EventStore, ProcessInfo

__all__ = ["DEFAULT_URL", "EventStore", "FollowResult", "ProcessInfo", "StoreFired",
           "StoredEvent"]
