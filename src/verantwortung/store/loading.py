"""Loading a process: from its latest sealed snapshot, with a lazy history.

A load reads the index row, the latest snapshot that carries its digests, the first
event (region, parameters, template) and the events from the snapshot's own on. The
events before the snapshot are read, page by page, only when someone asks for them
(``proc.history``, an export, a report); then the digest of the history they form must
be the snapshot's, or :class:`~verantwortung.CorruptEventError` names the snapshot.
The same holds for the snapshot's large collections (:mod:`.snapshot_text`): they are
decoded, and checked against the seal, when their records are first read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.engine import Connection

from ..engine.process import Process
from ..exceptions import CorruptEventError, ProcessNotFound, ReplayError, StoreError
from ..model.process import Event
from ..model.template import ProcessTemplate
from . import integrity, snapshot_text
from .rows import chain, chain_rows, decode_events, info_of, now, seal
from .schema import events, processes, snapshots

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["PAGE", "catch_up", "load", "load_all", "write_snapshot"]

#: events read per query when a lazy history is read
PAGE = 2000


def load(store: EventStore, process_id: str, *, use_snapshot: bool = True) -> Process:
    """The process, rebuilt from its latest sealed snapshot and the events after it."""
    with store._reading() as conn:
        row = conn.execute(select(processes).where(processes.c.id == process_id)).first()
        if row is None:
            raise ProcessNotFound(process_id)
        integrity.first_edit(conn, process_id)  # a row changed by hand: one indexed query
        snap = _latest_snapshot(conn, process_id, row.version) if use_snapshot else None
        query = select(events).where(events.c.process_id == process_id,
                                     events.c.seq <= row.version).order_by(events.c.seq)
        # events are append-only and land in the transaction that raises the version,
        # so reading up to the version read above is a consistent view even while
        # other writers append; with a snapshot, the first event and those from the
        # snapshot's own on (two range reads: an OR would scan the whole log)
        rows = list(conn.execute(query if snap is None else query.where(
            events.c.seq >= snap.seq)).all())
        if snap is not None:
            rows[:0] = conn.execute(query.where(events.c.seq == 1)).all()
    return _build(store, row, snap, rows)


def load_all(store: EventStore, rows: Sequence[Any], *, page: int = 200) -> Iterator[Process]:
    """The processes of these index rows, in their order, read a page at a time.

    Each is rebuilt as :func:`load` does (from its latest sealed snapshot and the events
    after it), but a page costs four queries, not three per process.
    """
    for start in range(0, len(rows), page):
        chunk = rows[start:start + page]
        with store._reading() as conn:
            snaps = _latest_snapshots(conn, chunk)
            logs = _logs(conn, chunk, snaps)
        for row in chunk:
            yield _build(store, row, snaps.get(row.id), logs.get(row.id, []))


def _latest_snapshots(conn: Connection, rows: Sequence[Any]) -> dict[str, Any]:
    """The newest sealed snapshot at or before its version of each of ``rows``'s processes."""
    version = {row.id: row.version for row in rows}
    best: dict[str, int] = {}
    for pid, seq in conn.execute(select(snapshots.c.process_id, snapshots.c.seq).where(
            snapshots.c.process_id.in_(version), snapshots.c.seq > 1,
            snapshots.c.state_digest.is_not(None))):
        if seq <= version[pid] and seq > best.get(pid, 0):
            best[pid] = seq
    if not best:
        return {}
    return {snap.process_id: snap for snap in conn.execute(select(
        snapshots.c.process_id, snapshots.c.seq, snapshots.c.state,
        snapshots.c.history_digest, snapshots.c.state_digest).where(
        tuple_(snapshots.c.process_id, snapshots.c.seq).in_(list(best.items()))))}


def _logs(conn: Connection, rows: Sequence[Any], snaps: Mapping[str, Any]
          ) -> dict[str, list[Any]]:
    """Per process, the event rows :func:`load` reads: all of them up to its version, or
    with a snapshot the first one and those from the snapshot's own on."""
    whole = [row.id for row in rows if row.id not in snaps]
    queries = [select(events).where(events.c.process_id.in_(whole))] if whole else []
    if snaps:
        snap = snapshots.alias("snap")
        queries.append(select(events).join(snap, snap.c.process_id == events.c.process_id).where(
            tuple_(snap.c.process_id, snap.c.seq).in_([(p, s.seq) for p, s in snaps.items()]),
            or_(events.c.seq == 1, events.c.seq >= snap.c.seq)))
    version = {row.id: row.version for row in rows}
    out: dict[str, list[Any]] = {}
    for query in queries:
        for event in conn.execute(query.order_by(events.c.process_id, events.c.seq)):
            if event.seq <= version[event.process_id]:
                out.setdefault(event.process_id, []).append(event)
    return out


def _build(store: EventStore, row: Any, snap: Any, rows: list[Any]) -> Process:
    """A process from its index row, its snapshot (or None) and the event rows read."""
    process_id = row.id
    info = info_of(row)
    tpl = store.template_for(info, row.template_source)
    history = decode_events(rows)
    if snap is not None and history[1].template_version != info.template_version:
        # a snapshot from before a move to another template version holds a state of
        # the older one: replay instead (the move wrote a snapshot of its own)
        return load(store, process_id, use_snapshot=False)
    expected = info.version if snap is None else 2 + info.version - snap.seq
    if len(history) != expected or [e.seq for e in history[:1]] not in ([], [1]):
        raise StoreError(f"process {process_id}: index says version {info.version}, "
                         f"the log does not have the events 1 to {info.version}")
    try:
        if snap is None:
            return Process.replay(tpl, history)
        state = _state_of(process_id, snap, tpl)
        last = rows[1]
        proc = Process.restore(tpl, history, state, snap.seq, owned=True, earlier=lambda: (
            _earlier(store, process_id, snap.seq, snap.history_digest, last)))
    except (ReplayError, KeyError, TypeError, ValueError) as exc:
        seq = snap.seq if snap is not None else info.version
        raise CorruptEventError(process_id, seq, f"the log does not replay: {exc}") from exc
    if proc.phase not in {p.id for p in proc.template.phases}:
        raise CorruptEventError(process_id, snap.seq,
                                f"snapshot: phase {proc.phase!r} is not in the template")
    return proc


def _latest_snapshot(conn: Connection, process_id: str, version: int) -> Any:
    """The newest snapshot at or before ``version`` that carries its digests (or None)."""
    snap = conn.execute(select(snapshots.c.seq, snapshots.c.state, snapshots.c.history_digest,
                               snapshots.c.state_digest).where(
        snapshots.c.process_id == process_id, snapshots.c.seq <= version,
        snapshots.c.state_digest.is_not(None)
    ).order_by(snapshots.c.seq.desc()).limit(1)).first()
    return snap if snap is not None and snap.seq > 1 else None


def _state_of(process_id: str, snap: Any, tpl: ProcessTemplate) -> dict[str, Any]:
    """The snapshot's state, once its seal and shape are checked (CorruptEventError)."""
    def corrupt(detail: str) -> CorruptEventError:
        return CorruptEventError(process_id, snap.seq, f"snapshot: {detail}")

    if not isinstance(snap.state, str) or seal(snap.history_digest or "", snapshot_text.head(
            snap.state)) != snap.state_digest:
        raise corrupt("its state is not the one it was sealed with")
    try:
        # its large collections stay text until they are read (snapshot_text)
        state = snapshot_text.decode(snap.state, corrupt)
    except RecursionError:
        raise corrupt("the state is nested too deeply") from None
    except ValueError as exc:
        raise corrupt(str(exc)) from exc
    known = set(tpl.all_collections)
    if not (isinstance(state, dict) and isinstance(state.get("phase"), str)
            and _all_of(state.get("records", {}), known, _RECORDS)
            # by type, in C: a state of 100,000 records is checked in a few milliseconds
            and all(callable(v) or set(map(type, v)) <= _DICT
                    for v in state.get("records", {}).values())
            and _all_of(state.get("single", {}), known, dict)):
        raise corrupt("not a snapshot of a process state")
    return state


_DICT = {dict}
_RECORDS: tuple[type, ...] = (list, Callable)  # type: ignore[assignment]  # abc, at run time


def _all_of(value: Any, keys: set[str], kind: type | tuple[type, ...]) -> bool:
    """Whether ``value`` maps known names to values of ``kind``."""
    return isinstance(value, Mapping) and all(
        k in keys and isinstance(v, kind) for k, v in value.items())


def _earlier(store: EventStore, process_id: str, seq: int, digest: str | None,
             last: Any) -> list[Event]:
    """Events 1 to ``seq - 1``, read page by page, checked against the snapshot's digest."""
    out: list[Event] = []
    running = ""
    while len(out) < seq - 1:
        with store._reading() as conn:
            rows = conn.execute(select(events).where(
                events.c.process_id == process_id, events.c.seq > len(out),
                events.c.seq < seq).order_by(events.c.seq).limit(PAGE)).all()
        if not rows:
            break
        out.extend(decode_events(rows))
        running = chain_rows(running, rows)
    if chain_rows(running, [last]) != digest:
        raise CorruptEventError(process_id, seq, "the events up to the snapshot are not "
                                "the ones it was taken from")
    return out


def catch_up(conn: Connection, proc: Process, version: int) -> bool:
    """Apply to ``proc`` what other writers stored after it, up to ``version``.

    False when the stored events do not continue ``proc`` (then load it again).
    """
    rows = conn.execute(select(events).where(
        events.c.process_id == proc.id, events.c.seq > proc.version,
        events.c.seq <= version).order_by(events.c.seq)).all()
    try:
        proc.catch_up(decode_events(rows))
    except (ReplayError, StoreError):
        return False
    return proc.version == version


def write_snapshot(conn: Connection, proc: Process) -> None:
    """Store the state of ``proc`` at its version, sealed with the digest of its history.

    The digest continues the newest sealed snapshot before it, so only the events after
    that one are hashed (a lazy history is not read).
    """
    done = conn.execute(select(snapshots.c.seq, snapshots.c.history_digest).where(
        snapshots.c.process_id == proc.id, snapshots.c.seq <= proc.version,
        snapshots.c.state_digest.is_not(None)).order_by(snapshots.c.seq.desc()).limit(1)
    ).first()
    if done is not None and done.seq == proc.version:
        return
    base_seq, base = (done.seq, done.history_digest) if done is not None else (0, "")
    digest = chain(base, proc.events_since(base_seq))
    state = snapshot_text.encode(proc.state_view())
    values = {"state": state, "history_digest": digest,
              "state_digest": seal(digest, snapshot_text.head(state)),
              "created_at": now()}
    updated = conn.execute(snapshots.update().where(
        snapshots.c.process_id == proc.id, snapshots.c.seq == proc.version).values(values))
    if updated.rowcount == 0:
        conn.execute(snapshots.insert(), {"process_id": proc.id, "seq": proc.version,
                                          **values})

