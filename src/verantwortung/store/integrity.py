"""Noticing event rows that were changed after they were written, on every load, cheaply.

The log is append-only: the library never updates or deletes an event row (erasure of
personal data is the one exception, and clears its own marks). A snapshot's digest
proves the rows under it only when they are read again, which a lazy history may never
do. So the database itself notes every change: triggers on ``vt_events`` write the
process and sequence number of each row that is updated (in a column the library
writes) or deleted into ``vt_event_edits``. A load looks there with one indexed query
and refuses a marked process with :class:`~verantwortung.CorruptEventError` naming the
first changed row, whatever the snapshot covers.

The triggers come with the store (SQLite and PostgreSQL) and are added to an older
store when it is opened. Someone who repaired a row on purpose removes its mark with
``DELETE FROM vt_event_edits WHERE process_id = '…'``; the snapshot digests still check
what they cover when the history is read.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    delete,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..exceptions import CorruptEventError
from .schema import events, metadata
from .statements import Prepared

__all__ = ["edits", "first_edit", "forget_edits", "install"]

edits = Table(
    "vt_event_edits", metadata,
    Column("process_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    PrimaryKeyConstraint("process_id", "seq", name="vt_event_edits_pk"),
)

# the columns the library writes once; ``position`` is left out: a schema migration
# numbers old rows
_WRITTEN = ("process_id", "seq", "id", "at", "actor", "kind", "payload", "template",
            "template_version", "phase")

_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS vt_events_edited AFTER UPDATE ON vt_events WHEN "
    + " OR ".join(f"old.{c} IS NOT new.{c}" for c in _WRITTEN)
    + " BEGIN INSERT OR IGNORE INTO vt_event_edits (process_id, seq) "
    "VALUES (old.process_id, old.seq); END",
    "CREATE TRIGGER IF NOT EXISTS vt_events_deleted AFTER DELETE ON vt_events "
    "BEGIN INSERT OR IGNORE INTO vt_event_edits (process_id, seq) "
    "VALUES (old.process_id, old.seq); END",
]
_POSTGRES = [
    "CREATE OR REPLACE FUNCTION vt_note_event_edit() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO vt_event_edits (process_id, seq) VALUES (OLD.process_id, OLD.seq) "
    "ON CONFLICT DO NOTHING; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE TRIGGER vt_events_edited AFTER UPDATE ON vt_events FOR EACH ROW "
    "WHEN (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WRITTEN)
    + ") EXECUTE FUNCTION vt_note_event_edit()",
    "CREATE OR REPLACE TRIGGER vt_events_deleted AFTER DELETE ON vt_events FOR EACH ROW "
    "EXECUTE FUNCTION vt_note_event_edit()",
]


def _installed(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        sql = ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
               "AND name IN ('vt_events_edited', 'vt_events_deleted')")
    else:
        sql = ("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
               "AND tgname IN ('vt_events_edited', 'vt_events_deleted') "
               f"AND tgrelid = '{events.name}'::regclass")
    return conn.exec_driver_sql(sql).scalar() == 2


def install(engine: Engine) -> None:
    """Give the store its edit marks table and triggers, when it has not got them yet."""
    with engine.connect() as conn:
        if _installed(conn):
            return
    if engine.dialect.name not in ("sqlite", "postgresql"):
        return  # another database: loads check the snapshot digests only
    edits.create(engine, checkfirst=True)
    try:
        with engine.begin() as conn:
            for sql in _SQLITE if engine.dialect.name == "sqlite" else _POSTGRES:
                conn.exec_driver_sql(sql)
    except DBAPIError:  # another process installed them at the same moment
        with engine.connect() as conn:
            if not _installed(conn):
                raise


# compiled once: a load runs it every time
_FIRST = Prepared(select(edits.c.seq).where(edits.c.process_id == bindparam("pid"))
                  .order_by(edits.c.seq).limit(1))


def first_edit(conn: Connection, process_id: str) -> None:
    """CorruptEventError naming the first row of the process that was changed, if any."""
    seq = _FIRST.run(conn, {"pid": process_id}).scalar()
    if seq is not None:
        raise CorruptEventError(process_id, int(seq), "the row was changed or removed after "
                                "it was written (the log is append-only); if that was a "
                                "repair, remove its mark from vt_event_edits")


def forget_edits(conn: Connection, process_id: str) -> None:
    """Clear the marks of a process (after the library's own rewrite: an erasure)."""
    conn.execute(delete(edits).where(edits.c.process_id == process_id))
