"""A summary of every process, kept by the store: what a portfolio reads without replaying.

One row per process (table ``vt_summaries``): its version, phase, when it started and
entered its phase, its last event, its indicators, and its state (JSON, in a table of its
own, ``vt_summary_states``, so that the per-append UPDATE stays small). The store
writes the row in the transaction that appends the events, so it is never behind a
committed event, and an append pays for one prepared UPDATE of the small columns
(version, phase, phase since, last event). The state and the indicators are written
with them only every :func:`state_every` events, as snapshots are, because their size
follows the records, not the events appended; ``state_version`` says which version
they are of, and readers fold the events after it (fewer than ``state_every``, at most
1/32 of the history). It is derived data: :func:`rebuild` writes it again from the log,
and tests check that what readers get from it equals a full replay. A store from before
this table has no rows; readers then replay (and ``verantwortung rebuild-summaries``
fills them).

:func:`current` gives the processes as they are now, restored from their summaries
(the history before the state's event is read only if someone asks for it);
:func:`as_of` replays each process's events up to a date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    case,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..engine.process import Process
from ..exceptions import ReplayError, StoreError
from ..model.process import Event
from ..model.template import ProcessTemplate
from . import templates as kept_templates
from .rows import decode_events, info_of
from .schema import events, metadata, processes
from .sources import pinned_source
from .statements import Prepared
from .templates import process_templates, templates

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["Listed", "Summary", "as_of", "current", "ensure", "rebuild", "save",
           "state_every", "summaries", "summary_of", "summary_rows", "summary_states",
           "writes_state"]

summaries = Table(
    "vt_summaries", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("phase", String(64), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("phase_since", String(40), nullable=False),
    Column("last_at", String(40), nullable=False),
    Column("last_kind", String(64), nullable=False),
    Column("indicators", Text, nullable=False),  # JSON: {code: value} at state_version
    # JSON: Process.state() at state_version, in rows written before vt_summary_states
    # (newer rows keep it empty: see there)
    Column("state", Text, nullable=False),
    # the version state and indicators are of (NULL: of version, as rows written before)
    Column("state_version", Integer),
)

#: the state of a summary, in a table of its own: SQLite writes a whole row again when
#: one of its columns changes, and the small columns change with every append while the
#: state (which grows with the records, megabytes for a long history) changes only every
#: :func:`state_every` events
summary_states = Table(
    "vt_summary_states", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), primary_key=True),
    Column("state_version", Integer, nullable=False),
    Column("state", Text, nullable=False),  # JSON: Process.state() at state_version
)

#: the fewest events between two writes of a summary's state
STATE_EVERY_MIN = 8


def state_every(version: int) -> int:
    """How many events apart a summary's state is written at ``version``: at least
    :data:`STATE_EVERY_MIN`, and a power of two between 1/64 and 1/32 of the version, so
    its cost per append stays the same however large the state grows (a state follows the
    records, and records grow with the events), and a reader folds at most that many."""
    return max(STATE_EVERY_MIN, 1 << max(0, version.bit_length() - 6))


def writes_state(since: int, version: int) -> bool:
    """Whether an append from ``since`` to ``version`` writes the state: when it crosses a
    multiple of :func:`state_every` (powers of two, so the multiples of a later, larger
    one are multiples of every earlier one). Then the state is always fewer than
    ``state_every(version)`` events behind."""
    every = state_every(version)
    return version // every > since // every


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
    state_version: int


def _last(proc: Process) -> Event:
    return proc.events_since(proc.version - 1)[-1]


def _phase_since(proc: Process) -> str | None:
    """When the process entered its phase (None: it is still in its initial phase)."""
    entered = proc.records("phases_entered")
    return str(entered[-1]["at"]) if entered else None


def _figures(proc: Process) -> dict[str, str]:
    return {"indicators": json.dumps({i.code: i.value for i in proc.indicators()},
                                     ensure_ascii=False),
            "state": json.dumps(proc.state_view(), ensure_ascii=False)}


def summary_of(proc: Process, started_at: str | None = None, *,
               figures: dict[str, str] | None = None) -> Summary:
    """The summary of ``proc``, its state as of now (``started_at``: its first event's
    time, if known; ``figures``: its :func:`_figures`, if made already)."""
    started = started_at or proc.history[0].at.isoformat()
    last = _last(proc)
    return Summary(
        process_id=proc.id, version=proc.version, phase=proc.phase, started_at=started,
        phase_since=_phase_since(proc) or started, last_at=last.at.isoformat(),
        last_kind=last.kind, state_version=proc.version, **(figures or _figures(proc)))


def ensure(engine: Engine) -> None:
    """Create the summary table if the store has none yet (it then fills as it goes), and
    give one from before ``state_version`` that column (its rows hold the current state).

    A store that cannot be written (a read-only file) is left as it is: readers then
    replay, and the first append says why it cannot write.
    """
    with contextlib.suppress(DBAPIError):
        summaries.create(engine, checkfirst=True)
        summary_states.create(engine, checkfirst=True)
        try:
            with engine.connect() as conn:  # one cheap query, not an inspection
                conn.execute(select(summaries.c.state_version).limit(1)).all()
        except DBAPIError:  # no such column
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    f"ALTER TABLE {summaries.name} ADD COLUMN state_version INTEGER")


_SMALL = {"version": bindparam("version"), "phase": bindparam("phase"),
          # NULL: no phase entered since the start, so phase_since stays the start
          "phase_since": func.coalesce(bindparam("phase_since", type_=String),
                                       summaries.c.phase_since),
          "last_at": bindparam("last_at"), "last_kind": bindparam("last_kind")}
_WHERE = summaries.c.process_id == bindparam("pid")
#: what every append writes: the small columns only
STEP = Prepared(update(summaries).where(_WHERE).values(
    # a row from before the column: its state is of the version it had (old values on
    # the right of SET, in SQLite and PostgreSQL alike)
    _SMALL | {"state_version": func.coalesce(summaries.c.state_version,
                                             summaries.c.version)}))
#: every state_every events: the indicators too (the state goes to vt_summary_states;
#: the column here is emptied, so no older copy of the records stays behind)
FULL = Prepared(update(summaries).where(_WHERE).values(
    _SMALL | {"indicators": bindparam("indicators"), "state": "",
              "state_version": bindparam("version")}))
STATE = Prepared(update(summary_states).where(
    summary_states.c.process_id == bindparam("pid")).values(
    state=bindparam("state"), state_version=bindparam("version")))


def save(conn: Connection, proc: Process, since: int | None = None) -> None:
    """Write the summary of ``proc`` in the transaction of ``conn``.

    ``since``: the version the store held before this append; the state is written
    only when the append crosses a multiple of :func:`state_every` (without it, always:
    a new process, an erasure). A process without a row gets a whole one.
    """
    last = _last(proc)
    values: dict[str, Any] = {
        "pid": proc.id, "version": proc.version, "phase": proc.phase,
        "phase_since": _phase_since(proc), "last_at": last.at.isoformat(),
        "last_kind": last.kind}
    figures = None
    if since is None or writes_state(since, proc.version):
        figures = _figures(proc)
        done = FULL.run(conn, values | {"indicators": figures["indicators"]})
        if done.rowcount == 1:
            _write_state(conn, proc.id, proc.version, figures["state"])
    else:
        done = STEP.run(conn, values)
    if done.rowcount == 0:  # a new process, or one stored before this table existed
        _insert(conn, summary_of(proc, figures=figures))  # (the state is not dumped twice)


def _write_state(conn: Connection, pid: str, version: int, state: str) -> None:
    if STATE.run(conn, {"pid": pid, "version": version, "state": state}).rowcount == 0:
        conn.execute(summary_states.insert(), {"process_id": pid, "state_version": version,
                                               "state": state})


def _insert(conn: Connection, row: Summary) -> None:
    """A whole summary: its small columns in vt_summaries, its state in vt_summary_states."""
    conn.execute(summaries.insert(), {k: "" if k == "state" else getattr(row, k)
                                      for k in Summary.__slots__})
    _write_state(conn, row.process_id, row.state_version, row.state)


def rebuild(store: EventStore, process_ids: Iterable[str] | None = None) -> int:
    """Write the summaries again from the log (all processes, or those given); how many."""
    ids = list(process_ids) if process_ids is not None else [p.id for p in store.list()]
    for pid in ids:
        proc = store.load(pid, use_snapshot=False)
        row = summary_of(proc)
        with store.engine.begin() as conn:
            conn.execute(summary_states.delete().where(summary_states.c.process_id == pid))
            conn.execute(summaries.delete().where(summaries.c.process_id == pid))
            _insert(conn, row)
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
        rows = {r.process_id: r for r in conn.execute(summary_rows(conn, chosen))
                } if kept else {}
        firsts, tails = _logs(conn, chosen) if kept else ({}, {})
        links = _kept_templates(conn, chosen)
    procs: list[Process] = []
    started: dict[str, dt.datetime] = {}
    resolved: dict[tuple[Any, ...], ProcessTemplate] = {}
    for pid, info in infos.items():
        row = rows.get(pid)
        tail = None if row is None or row.version != info.version or pid not in firsts \
            or not row.state else _tail(tails.get(pid, []), row)
        if tail is None:  # no summary (or no state of it), or one a writer changed since
            proc = store.load(pid)
        else:
            link = links.get(pid)
            key = (info.template_source, info.template, info.template_version,
                   None if link is None else link.digest)
            if key not in resolved:  # one resolution per template, not per process
                resolved[key] = kept_templates.template_for(
                    store, info_of(info), pinned_source(info.template_source,
                                                        info.template_version), link)
            proc = _restored(store, resolved[key], firsts[pid], tail, row)
        started[pid] = dt.datetime.fromisoformat(row.started_at) if row is not None else \
            proc.history[0].at
        procs.append(proc)
    return Listed(tuple(procs), started)


def summary_rows(conn: Connection, chosen: Any) -> Any:
    """The chosen processes' summaries, each with the state of its ``state_version``: from
    vt_summary_states, or from its own column (a row written before that table)."""
    if not inspect(conn).has_table(summary_states.name):  # an older store, read-only
        return select(summaries).join(chosen, chosen.c.id == summaries.c.process_id)
    kept = summary_states.c
    own = func.coalesce(summaries.c.state_version, summaries.c.version)
    state = case((kept.state_version == own, kept.state), else_=summaries.c.state)
    columns = [c for c in summaries.c if c.name != "state"]
    return select(*columns, state.label("state")).select_from(summaries.join(
        chosen, chosen.c.id == summaries.c.process_id).outerjoin(
        summary_states, kept.process_id == summaries.c.process_id))


def _logs(conn: Connection, chosen: Any) -> tuple[dict[str, Event], dict[str, list[Event]]]:
    """The first event of each chosen process, and its events from its summary's state
    on (two range reads of the log: an OR would scan each process's events)."""
    firsts = {e.process: e for e in decode_events(conn.execute(select(events).join(
        chosen, (chosen.c.id == events.c.process_id) & (events.c.seq == 1))).all())}
    base = func.coalesce(summaries.c.state_version, summaries.c.version)
    found = decode_events(conn.execute(select(events).select_from(chosen.join(
        summaries, summaries.c.process_id == chosen.c.id).join(
        events, (events.c.process_id == chosen.c.id) & (events.c.seq >= base)
        & (events.c.seq <= chosen.c.version)))).all())
    tails: dict[str, list[Event]] = {}
    for e in found:
        tails.setdefault(e.process, []).append(e)
    for tail in tails.values():
        tail.sort(key=lambda e: e.seq)
    return firsts, tails


def _tail(found: list[Event], row: Any) -> list[Event] | None:
    """The events from the state of ``row`` to its version, or None when ``found`` does
    not hold them all: the log is read after the summary, and a writer may have moved
    the summary's state on in between (the events themselves never change)."""
    base = row.version if row.state_version is None else row.state_version
    tail = [e for e in found if base <= e.seq <= row.version]
    if not tail or tail[0].seq != base or tail[-1].seq != row.version:
        return None
    return tail


def _kept_templates(conn: Connection, chosen: Any) -> dict[str, Any]:
    """The kept template row each chosen process runs on (read once per template)."""
    links = dict(conn.execute(select(process_templates.c.process_id,
                                     process_templates.c.digest).join(
        chosen, chosen.c.id == process_templates.c.process_id)).all())
    rows = {r.digest: r for r in conn.execute(select(templates).where(
        templates.c.digest.in_(set(links.values()))))} if links else {}
    return {pid: rows[digest] for pid, digest in links.items() if digest in rows}


def _restored(store: EventStore, tpl: ProcessTemplate, first: Event, tail: list[Event],
              row: Any) -> Process:
    """The process from the summary's state and the events from its version on."""
    base = row.version if row.state_version is None else row.state_version
    try:
        if base <= 1:  # the state of the start event: the tail is the whole log
            return Process.replay(tpl, tail or [first])
        state = json.loads(row.state)
        return Process.restore(tpl, [first, *tail], state, base,
                               earlier=lambda: store.events(first.process)[:base - 1],
                               owned=True)
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
