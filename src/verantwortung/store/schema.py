"""The store's tables (SQLAlchemy Core): append-only events, a process index, snapshots,
the store-wide position counter, followers and dead letters.

Payloads and snapshot states are stored as JSON text that we encode and decode
ourselves, so one unreadable row is reported with its process id and sequence
number instead of failing a whole query, and the round trip is exact on every
database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.engine import Connection

__all__ = ["SCHEMA_VERSION", "dead_letters", "events", "followers", "metadata", "positions",
           "processes", "snapshots"]

#: 1: events numbered per process only; 2: every event has a store-wide ``position``;
#: 3: a snapshot carries the digest of the history it folds and a seal over its state;
#: 4: the templates the store runs are kept in it (store/templates.py)
SCHEMA_VERSION = 4

metadata = MetaData()

processes = Table(
    "vt_processes", metadata,
    Column("id", String(64), primary_key=True),
    Column("template", String(64), nullable=False),
    Column("template_version", String(32), nullable=False),
    Column("template_source", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("phase", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)
Index("vt_processes_by_template", processes.c.template, processes.c.phase)
Index("vt_processes_by_region", processes.c.region)

events = Table(
    "vt_events", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("id", String(64), nullable=False, unique=True),
    Column("at", String(40), nullable=False),
    Column("actor", Text),
    Column("kind", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("template", String(64), nullable=False),
    Column("template_version", String(32), nullable=False),
    Column("phase", String(64), nullable=False),
    # the store-wide sequence: 1, 2, 3, ... in commit order, written with the event
    Column("position", BigInteger, nullable=False, server_default="0"),
    PrimaryKeyConstraint("process_id", "seq", name="vt_events_pk"),
)
Index("vt_events_by_position", events.c.position, unique=True)

# One row (id 1) holding the last position given out. An append raises it in its own
# transaction, so the row lock orders appenders by commit and a rollback returns the
# numbers it took: a database sequence would leave holes and hand out numbers in an
# order other than the commit order.
positions = Table(
    "vt_positions", metadata,
    Column("id", Integer, primary_key=True),
    Column("last", BigInteger, nullable=False),
)


def _first_counter_row(target: Table, connection: Connection, **_: Any) -> None:
    """The row comes with the table, however the table is made (a store, a test, a tool)."""
    connection.execute(target.insert(), {"id": 1, "last": 0})


event.listen(positions, "after_create", _first_counter_row)

# A named follower: how far it has read, and who holds it (a lease that expires, so a
# follower that was killed does not block its name for ever).
followers = Table(
    "vt_followers", metadata,
    Column("name", String(200), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("owner", String(200)),
    Column("lease_until", Float, nullable=False, server_default="0"),
    Column("updated_at", String(40), nullable=False),
)

# Events a follower gave up on (the relay, after its last try), kept to be looked at.
dead_letters = Table(
    "vt_dead_letters", metadata,
    Column("follower", String(200), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("process_id", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("tries", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    PrimaryKeyConstraint("follower", "position", name="vt_dead_letters_pk"),
)

snapshots = Table(
    "vt_snapshots", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    # rows.chain over events 1..seq, and rows.seal(that, state): a snapshot without them
    # (written before schema 3) is not trusted, so a load replays past it
    Column("history_digest", String(64)),
    Column("state_digest", String(64)),
    PrimaryKeyConstraint("process_id", "seq", name="vt_snapshots_pk"),
)
