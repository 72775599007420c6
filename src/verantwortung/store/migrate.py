"""Opening a store: create its tables, or bring a store of an older schema up to date.

Schema 1 numbered events per process only. Schema 2 adds the store-wide ``position``
of every event and the counter row that hands positions out. A store of schema 1 is
migrated when it is opened, in one transaction that holds the database's write lock:
the column is added, every event gets a position, and the counter starts after the
last one. No event is changed otherwise, and none is lost: a failed migration leaves
the store as it was.

Schema 4 adds the tables of the templates the store runs (``vt_templates``) and which
one each process runs on (``vt_process_templates``); a process stored before has no
row there and loads from its template source as before.

Schema 3 adds two columns to the snapshots: the digest of the history a snapshot folds
and a seal over its state. Existing snapshots keep them empty and are then not used (a
load replays the events instead, and the next snapshot written has them); event rows
are not touched.

The positions of old events follow their time (``at``), then process id, then
sequence number — the same store always gets the same numbers, and the events of each
process keep their order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..exceptions import StoreNotFound
from .schema import dead_letters, events, followers, metadata, positions, processes, snapshots
from .templates import process_templates, templates

__all__ = ["backfill_order", "prepare"]

_NEW_TABLES = [positions, followers, dead_letters, templates, process_templates]


def prepare(engine: Engine, url: str, *, create: bool) -> None:
    """Make the store at ``engine`` ready: created (when ``create``) and migrated."""
    if create:
        metadata.create_all(engine)
    elif not inspect(engine).has_table(processes.name):
        raise StoreNotFound(url)
    if _ready(engine):
        return
    metadata.create_all(engine, tables=_NEW_TABLES)
    with engine.begin() as conn:
        _lock(conn)
        if "position" not in {c["name"] for c in inspect(conn).get_columns(events.name)}:
            _add_positions(conn)
        have = {c["name"] for c in inspect(conn).get_columns(snapshots.name)}
        for column in ("history_digest", "state_digest"):
            if column not in have:
                conn.exec_driver_sql(f"ALTER TABLE {snapshots.name} ADD COLUMN {column} "
                                     "VARCHAR(64)")
        last = int(conn.execute(select(events.c.position).order_by(
            events.c.position.desc()).limit(1)).scalar() or 0)
        if conn.execute(update(positions).where(positions.c.id == 1).values(
                last=last)).rowcount == 0:
            conn.execute(insert(positions), {"id": 1, "last": last})


def _ready(engine: Engine) -> bool:
    """Whether the store has positions and the counter row (one cheap query each)."""
    try:
        with engine.connect() as conn:
            conn.execute(select(events.c.position).limit(1)).all()
            conn.execute(select(snapshots.c.state_digest).limit(1)).all()
            conn.execute(select(process_templates.c.digest).limit(1)).all()
            return conn.execute(select(positions.c.id).where(positions.c.id == 1)
                                ).first() is not None
    except DBAPIError:  # no such column or table: a store of an older schema
        return False


def _lock(conn: Connection) -> None:
    """Hold the write lock for the whole migration, so two openers do not both migrate."""
    if conn.dialect.name == "sqlite":
        # pysqlite only begins a transaction before DML; DDL would commit on its own
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql(f"LOCK TABLE {events.name} IN ACCESS EXCLUSIVE MODE")


def _add_positions(conn: Connection) -> None:
    conn.exec_driver_sql(f"ALTER TABLE {events.name} ADD COLUMN position BIGINT "
                         "NOT NULL DEFAULT 0")
    rows = conn.execute(select(events.c.process_id, events.c.seq, events.c.at)).all()
    order = backfill_order([(r.process_id, r.seq, r.at) for r in rows])
    if order:
        conn.execute(update(events).where(
            events.c.process_id == bindparam("pid"), events.c.seq == bindparam("s")
        ).values(position=bindparam("p")), [
            {"pid": pid, "s": seq, "p": pos} for pos, (pid, seq) in enumerate(order, 1)])
    for index in events.indexes:
        index.create(conn)


def backfill_order(rows: list[tuple[str, int, str]]) -> list[tuple[str, int]]:
    """(process id, seq) of old events in position order: by time, process id, seq, with
    each process's events kept in sequence order even where their times disagree."""
    def when(text: str) -> dt.datetime:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:  # an unreadable time sorts first; loading the process says why
            return dt.datetime.min.replace(tzinfo=dt.UTC)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    ranked = sorted(rows, key=lambda r: (when(r[2]), r[0], r[1]))
    seqs: defaultdict[str, list[int]] = defaultdict(list)
    for pid, seq, _ in rows:
        seqs[pid].append(seq)
    for pid in seqs:
        seqs[pid].sort(reverse=True)
    # the slots a process gets stay where time puts them; its events fill them in order
    return [(pid, seqs[pid].pop()) for pid, _, _ in ranked]
