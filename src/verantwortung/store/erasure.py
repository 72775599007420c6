"""Erasing a person's personal data from a stored process: the one permitted change of
stored rows.

In one transaction, with the same optimistic concurrency as an append: the
``person_erased`` event is appended; every earlier event row that carried one of the
person's personal values gets its payload rewritten with the value replaced by a
tombstone (in place: same id, sequence number, position and time); the process's
snapshots, which hold the values in their state, are deleted and one is written again
from the rewritten history, sealed with its digest. Before anything commits, the
rewritten history is replayed and must give the state the erasure gave, else nothing
changes. On SQLite the rewrite runs with ``secure_delete`` and ends with a WAL
checkpoint, so the old bytes do not linger in free space or the write-ahead log; on
PostgreSQL the old row versions are gone after the next ``VACUUM``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..engine.corrections import ERASED
from ..engine.erasure import erased_payloads
from ..engine.process import Process
from ..exceptions import ConcurrencyError, StoreError
from . import integrity, loading, projection, statements
from .checks import check_rows
from .rows import now, reason_of
from .schema import events, snapshots

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["erase_person"]

_REWRITE = update(events).where(
    events.c.process_id == bindparam("pid"), events.c.seq == bindparam("s")
).values(payload=bindparam("p"))


def erase_person(store: EventStore, process_id: str, person_id: str, *, reason: str,
                 actor: str | None = None, at: str | dt.datetime | None = None,
                 collection: str | None = None) -> Process:
    """Erase the personal values of one person; return the process as now stored.

    TransitionRefused (nothing written) when the person is unknown, the reason missing
    or the actor's role may not erase; ConcurrencyError when another writer came first.
    """
    with store._locked(process_id):
        proc = store.load(process_id)
        version = proc.version
        payload = {"person": person_id, "reason": reason}
        if collection is not None:
            payload["collection"] = collection
        erasure = proc.fire(ERASED, actor=actor, payload=payload, at=at).event
        history = proc.history
        new = erased_payloads(proc.template, history, person_id,
                              erasure.payload["collection"])
        rewritten = Process.replay(proc.template, [
            e._replace(payload=new[e.seq]) if e.seq in new else e for e in history])
        if rewritten.state() != proc.state() or rewritten.phase != proc.phase:
            raise StoreError(f"process {process_id}: the history with the values erased does "
                             "not replay to the same state; nothing was changed")
        check_rows(proc.id, [erasure])
        store._forget(process_id)
        stored = _write(store, rewritten, version, new)
    store._listeners.notify(stored)
    return store.load(process_id)


def _write(store: EventStore, proc: Process, version: int,
           new: dict[int, dict[str, object]]) -> list:  # type: ignore[type-arg]
    sqlite = store.engine.dialect.name == "sqlite"
    erasure = proc.events_since(version)
    try:
        with store.engine.begin() as conn:
            if sqlite:  # overwritten bytes are zeroed, not left in the page's free space
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            done = statements.ADVANCE.run(conn, {
                "pid": proc.id, "expected": version,
                "last_id": proc.events_since(version - 1)[0].id,
                "new_version": proc.version, "new_phase": proc.phase, "now": now()})
            if done.rowcount != 1:
                raise ConcurrencyError(proc.id, version, None)
            if new:
                conn.execute(_REWRITE, [
                    {"pid": proc.id, "s": seq,
                     "p": json.dumps(p, ensure_ascii=False, sort_keys=True)}
                    for seq, p in sorted(new.items())])
            conn.execute(delete(snapshots).where(snapshots.c.process_id == proc.id))
            if store.snapshot_every and proc.version > 1:
                loading.write_snapshot(conn, proc)
            stored = store._insert_events(conn, erasure)
            projection.save(conn, proc)  # the summary keeps a copy of the records too
            integrity.forget_edits(conn, proc.id)  # these rewrites are the library's own
    except (ConcurrencyError, IntegrityError) as exc:
        raise ConcurrencyError(proc.id, version, None) from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"process {proc.id}: the database refused the erasure: "
                         f"{reason_of(exc)}") from exc
    if sqlite:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return stored
