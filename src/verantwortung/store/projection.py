"""A summary of every process, kept by the store: what a portfolio reads without replaying.

One row per process (table ``vt_summaries``): its version, phase, when it started and
entered its phase, its last event, its indicators and its current state (JSON). The
store writes the row in the transaction that appends the events, so it is never
behind a committed event. It is derived data: :func:`rebuild` writes it again from
the log, and tests check it equals a full replay. A store from before this table has
no rows; readers then replay (and ``verantwortung portfolio --rebuild`` fills them).

:func:`current` gives the processes as they are now, restored from their summaries
(the history before the last event is read only if someone asks for it);
:func:`as_of` replays each process's events up to a date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..engine.process import Process
from ..exceptions import ReplayError, StoreError
from ..model.process import Event
from .rows import decode_events, info_of
from .schema import events, metadata, processes

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["Listed", "Summary", "as_of", "current", "ensure", "rebuild", "save", "summaries",
           "summary_of"]

summaries = Table(
    "vt_summaries", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("phase", String(64), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("phase_since", String(40), nullable=False),
    Column("last_at", String(40), nullable=False),
    Column("last_kind", String(64), nullable=False),
    Column("indicators", Text, nullable=False),  # JSON: {code: value} of proc.indicators()
    Column("state", Text, nullable=False),  # JSON: Process.state()
)


@dataclass(frozen=True, slots=True)
class Summary:
    """The summary row of one process (what :func:`summary_of` computes)."""

    process_id: str
    version: int
    phase: str
    started_at: str
    phase_since: str
    last_at: str
    last_kind: str
    indicators: str
    state: str


def _last(proc: Process) -> Event:
    return proc.events_since(proc.version - 1)[-1]


def summary_of(proc: Process, started_at: str | None = None) -> Summary:
    """The summary of ``proc`` (``started_at``: its first event's time, if known)."""
    entered = proc.records("phases_entered")
    started = started_at or proc.history[0].at.isoformat()
    last = _last(proc)
    return Summary(
        process_id=proc.id, version=proc.version, phase=proc.phase, started_at=started,
        phase_since=str(entered[-1]["at"]) if entered else started,
        last_at=last.at.isoformat(), last_kind=last.kind,
        indicators=json.dumps({i.code: i.value for i in proc.indicators()},
                              ensure_ascii=False),
        state=json.dumps(proc.state(), ensure_ascii=False))


def ensure(engine: Engine) -> None:
    """Create the summary table if the store has none yet (it then fills as it goes).

    A store that cannot be written (a read-only file) is left as it is: readers then
    replay, and the first append says why it cannot write.
    """
    with contextlib.suppress(DBAPIError):
        summaries.create(engine, checkfirst=True)


def save(conn: Connection, proc: Process) -> None:
    """Write the summary of ``proc`` in the transaction of ``conn`` (insert or update)."""
    row = summary_of(proc, started_at="-")
    values = {k: getattr(row, k) for k in Summary.__slots__ if k not in (
        "process_id", "started_at")}
    if row.phase_since == "-":  # still in its initial phase: since it started
        del values["phase_since"]
    done = conn.execute(summaries.update().where(
        summaries.c.process_id == proc.id).values(values))
    if done.rowcount == 0:  # a new process, or one stored before this table existed
        full = summary_of(proc)
        conn.execute(summaries.insert(), {k: getattr(full, k) for k in Summary.__slots__})


def rebuild(store: EventStore, process_ids: Iterable[str] | None = None) -> int:
    """Write the summaries again from the log (all processes, or those given); how many."""
    ids = list(process_ids) if process_ids is not None else [p.id for p in store.list()]
    for pid in ids:
        proc = store.load(pid, use_snapshot=False)
        row = summary_of(proc)
        with store.engine.begin() as conn:
            conn.execute(summaries.delete().where(summaries.c.process_id == pid))
            conn.execute(summaries.insert(), {k: getattr(row, k) for k in Summary.__slots__})
    return len(ids)


@dataclass(frozen=True, slots=True)
class Listed:
    """Processes for a portfolio, and when each started (by process id)."""

    processes: tuple[Process, ...]
    started: dict[str, dt.datetime]


def _chosen(template: str | None, region: str | None) -> Any:
    query = select(processes)
    if template is not None:
        query = query.where(processes.c.template == template)
    if region is not None:
        query = query.where(processes.c.region == region)
    return query


def current(store: EventStore, *, template: str | None = None,
            region: str | None = None) -> Listed:
    """Every chosen process as it is now: from its summary, or replayed if it has none."""
    chosen = _chosen(template, region).subquery()
    with store._reading() as conn:
        infos = {r.id: r for r in conn.execute(select(chosen))}
        kept = inspect(conn).has_table(summaries.name)  # not in a store opened read-only
        rows = {r.process_id: r for r in conn.execute(select(summaries).join(
            chosen, chosen.c.id == summaries.c.process_id))} if kept else {}
        firsts = _events_at(conn, chosen, chosen.c.id, 1) if kept else {}
        lasts = _events_at(conn, chosen, chosen.c.id, chosen.c.version) if kept else {}
    procs: list[Process] = []
    started: dict[str, dt.datetime] = {}
    for pid, info in infos.items():
        row = rows.get(pid)
        if row is None or row.version != info.version or pid not in firsts:
            proc = store.load(pid)
        else:
            tpl = store.template_for(info_of(info), info.template_source)
            proc = _restored(store, tpl, firsts[pid], lasts[pid], row)
        started[pid] = dt.datetime.fromisoformat(row.started_at) if row is not None else \
            proc.history[0].at
        procs.append(proc)
    return Listed(tuple(procs), started)


def _events_at(conn: Connection, chosen: Any, pid: Any, seq: Any) -> dict[str, Event]:
    rows = conn.execute(select(events).join(chosen, (pid == events.c.process_id)
                                            & (events.c.seq == seq))).all()
    return {e.process: e for e in decode_events(rows)}


def _restored(store: EventStore, tpl: Any, first: Event, last: Event, row: Any) -> Process:
    if row.version <= 1:
        return Process.replay(tpl, [first])
    try:
        state = json.loads(row.state)
        return Process.restore(tpl, [first, last], state, row.version,
                               earlier=lambda: store.events(first.process)[:row.version - 1])
    except (ReplayError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"process {first.process}: its summary does not fit its log "
                         f"({exc}); rebuild the summaries") from exc


def as_of(store: EventStore, at: dt.datetime, *, template: str | None = None,
          region: str | None = None) -> Listed:
    """Every chosen process replayed from its events up to ``at`` (started by then)."""
    with store._reading() as conn:
        infos = list(conn.execute(_chosen(template, region)))
    procs: list[Process] = []
    started: dict[str, dt.datetime] = {}
    for info in infos:
        history = [e for e in store.events(info.id) if e.at <= at]
        if not history:
            continue  # it started after the date
        tpl = store.template_for(info_of(info), info.template_source)
        procs.append(Process.replay(tpl, history))
        started[info.id] = history[0].at
    return Listed(tuple(procs), started)
