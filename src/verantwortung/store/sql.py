"""The event store: SQLite by default, PostgreSQL for many workers.

The event log is the only truth. Appending takes the version the writer read:
when another writer appended first, :class:`ConcurrencyError` is raised and
nothing is written (optimistic concurrency, checked in the same transaction that
inserts the events). Snapshots let a long process load without replaying all of it.
"""

from __future__ import annotations

import builtins
import datetime as dt
import random
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..engine.process import Process
from ..exceptions import (
    AmbiguousProcessId,
    ConcurrencyError,
    ProcessNotFound,
    StoreError,
    StoreNotFound,
    TransitionRefused,
)
from ..io.loader import VERSION_MARK, load, resolve_reference
from ..model.process import Event
from ..model.template import ProcessTemplate
from ..rules.registry import registry
from . import erasure, feed, integrity, loading, projection, statements
from . import templates as kept
from .checks import check_export, check_process, check_rows, check_state, why_not_added
from .feed_methods import FeedMethods
from .migrate import prepare
from .rows import (
    ProcessInfo,
    StoredEvent,
    StoreFired,
    decode_events,
    event_row,
    info_of,
    reason_of,
    write_errors,
)
from .rows import now as _now
from .schema import events, processes
from .sources import missing_sqlite_file, pinned_source, template_source

__all__ = ["DEFAULT_URL", "EventStore", "ProcessInfo", "StoreFired", "StoredEvent",
           "TemplateResolver"]

DEFAULT_URL = "sqlite:///verantwortung.sqlite3"
TemplateResolver = Callable[[str], ProcessTemplate]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable with WAL at a commit boundary
    cursor.close()


class EventStore(FeedMethods):
    """Processes and their events in a SQL database.

    ``url`` is an SQLAlchemy URL: ``sqlite:///file.sqlite3`` (default), or
    ``postgresql+psycopg://user@host/db`` (extra ``[postgres]``). With
    ``create=False`` the store must exist already: a SQLite file that is not there is
    not created, and a database without the store's tables raises
    :class:`~verantwortung.StoreNotFound` instead of getting them (for commands that
    only read).

    ``retries`` is how often :meth:`fire` tries again when another writer came first,
    waiting a random time up to ``retry_delay`` seconds, doubled on every try (backing
    off with jitter, so writers who collided do not collide again in step).
    """

    def __init__(self, url: str = DEFAULT_URL, *, snapshot_every: int = 500,
                 templates: TemplateResolver | None = None, busy_timeout: float = 10.0,
                 cache_size: int = 64, create: bool = True, retries: int = 8,
                 retry_delay: float = 0.005) -> None:
        if not (isinstance(retries, int) and retries >= 0 and retry_delay >= 0):
            raise ValueError("retries and retry_delay must be 0 or more")
        self.url = url
        self.snapshot_every = snapshot_every
        self.retries, self.retry_delay = retries, retry_delay
        self._templates: dict[str, ProcessTemplate] = {}
        # processes that store.fire worked on: a long history is not read again per call
        self._loaded: OrderedDict[str, Process] = OrderedDict()
        # a lock per process being fired on, so that fires on different processes run
        # at once (the database decides between writers); _guard: the cache and this
        # table, held for a dict operation only
        self._locks: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()
        self._guard = threading.Lock()
        self.cache_size = cache_size
        self._resolve = templates or self._load_template
        self._listeners = feed.Listeners()
        missing = None if create else missing_sqlite_file(url)
        if missing is not None:
            raise StoreNotFound(url, missing)
        try:
            if url.startswith("sqlite"):
                self.engine: Engine = create_engine(
                    url, connect_args={"timeout": busy_timeout})
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                self.engine = create_engine(url, pool_pre_ping=True)
            prepare(self.engine, url, create=create)
            projection.ensure(self.engine)  # a store from before the summaries gets them
            integrity.install(self.engine)
        except StoreNotFound:
            self.engine.dispose()
            raise
        except Exception as exc:  # an unreachable or unusable database
            detail = str(getattr(exc, "orig", None) or exc).strip()
            raise StoreError(f"cannot open store {url!r}: {detail}") from exc

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- templates ------------------------------------------------------------------------

    def _load_template(self, source: str) -> ProcessTemplate:
        if source not in self._templates:
            self._templates[source] = load(source, custom_rules=registry)
        return self._templates[source]

    def template_for(self, info: ProcessInfo, source: str) -> ProcessTemplate:
        """The template a stored process runs on: from ``source``, or as the store kept it
        (StoreError when the source changed without a new version, naming the change)."""
        return kept.template_for(self, info, pinned_source(source, info.template_version))

    # -- writing --------------------------------------------------------------------------

    def add(self, proc: Process, source: str | Path | None = None) -> None:
        """Store a new process with all its events (StoreError if the id exists).

        ``source`` is where its template is loaded from later: a bundled id or a path
        (default: the bundled id if there is one, else the template's file).
        """
        if source is None:
            tpl = proc.template
            bundled = resolve_reference(f"{tpl.id}{VERSION_MARK}{tpl.version}").path
            # files list the bases first: the template's own file is the last one
            own_file = Path(tpl.files[-1]).resolve() if tpl.files else None
            # the bundled id only when the template really is the bundled file: a copy
            # with the same id must be found again under its own path
            source = (tpl.id if bundled is not None and own_file == bundled.resolve()
                      else tpl.files[-1])
        origin = template_source(source)
        info_row = {
            "id": proc.id, "template": proc.template.id,
            "template_version": proc.template.version, "template_source":
            origin, "region": proc.region, "phase": proc.phase,
            "version": proc.version, "created_at": _now(), "updated_at": _now()}
        history = proc.history
        check_process(proc)
        check_rows(proc.id, history)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(processes), info_row)
                kept.link(conn, proc.id, kept.remember(conn, proc.template, origin))
                stored = self._insert_events(conn, history)
                projection.save(conn, proc)
        except IntegrityError as exc:
            with self._reading() as conn:
                raise StoreError(why_not_added(conn, proc.id, history)) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"process {proc.id}: the database refused it: "
                             f"{reason_of(exc)}") from exc
        kept.note(self, proc.id, proc.template, origin)
        self._listeners.notify(stored)

    def append(self, proc: Process, expected_version: int) -> int:
        """Write the events of ``proc`` after ``expected_version``; return the new version.

        Raises :class:`ConcurrencyError` (and writes nothing) when the stored version is
        not ``expected_version``: another writer appended first.
        """
        if not 0 < expected_version <= proc.version:
            raise ValueError(f"expected_version must be between 1 and {proc.version}, "
                             f"got {expected_version}")
        new = proc.events_since(expected_version)
        if not new:
            return expected_version
        check_rows(proc.id, new)
        ours = proc.events_since(expected_version - 1)[0].id
        with write_errors(proc.id, expected_version), self.engine.begin() as conn:
            # the stored event at expected_version must be the one this process built
            # on: otherwise its new events rest on a history that is not the store's
            done = statements.ADVANCE.run(conn, {
                "pid": proc.id, "expected": expected_version, "last_id": ours,
                "new_version": proc.version, "new_phase": proc.phase, "now": _now()})
            if done.rowcount != 1:
                actual = conn.execute(select(processes.c.version).where(
                    processes.c.id == proc.id)).scalar()
                if actual is None:
                    raise ProcessNotFound(proc.id)
                raise ConcurrencyError(proc.id, expected_version,
                                       None if actual == expected_version else actual)
            projection.save(conn, proc, expected_version)  # never behind a committed event
            if self.snapshot_every and (proc.version // self.snapshot_every
                                        > expected_version // self.snapshot_every):
                loading.write_snapshot(conn, proc)
            # last: the counter row is held from here to the commit, which is short
            stored = self._insert_events(conn, new)
        self._listeners.notify(stored)
        return proc.version

    def _insert_events(self, conn: Connection, new: Sequence[Event]) -> list[StoredEvent]:
        """Insert events at the next store-wide positions, in this transaction."""
        last = statements.TAKE_POSITIONS.run(conn, {"count": len(new)}).scalar_one()
        first = int(last) - len(new) + 1
        stored = [StoredEvent(first + i, e) for i, e in enumerate(new)]
        rows = [event_row(s.event, s.position) for s in stored]
        statements.INSERT_EVENTS.run(conn, rows[0] if len(rows) == 1 else rows)
        return stored

    def fire(self, process_id: str, name: str, *, actor: str | None = None,
             payload: dict[str, Any] | None = None, at: str | dt.datetime | None = None,
             retries: int | None = None) -> StoreFired:
        """Load, fire and append, retrying when another writer came first.

        Returns a :class:`~verantwortung.StoreFired`: the process and the
        :class:`~verantwortung.Fired` result (``proc, fired = store.fire(...)``). A refusal
        raises :class:`~verantwortung.TransitionRefused` and writes nothing. Another
        writer's append is retried up to ``retries`` times (default: the store's
        ``retries``), after a random wait that doubles each time; after the last,
        :class:`~verantwortung.ConcurrencyError` says nothing was written.
        """
        budget = self.retries if retries is None else retries
        for attempt in range(budget + 1):
            try:
                with self._locked(process_id):
                    return self._fire_once(process_id, name, actor, payload, at)
            except ConcurrencyError:
                if attempt >= budget:
                    raise
            # outside the lock: the wait must not hold up this store's other callers
            time.sleep(random.uniform(0, self.retry_delay * 2 ** min(attempt, 10)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _fire_once(self, process_id: str, name: str, actor: str | None,
                   payload: dict[str, Any] | None, at: str | dt.datetime | None
                   ) -> StoreFired:
        proc = self._current(process_id)
        version = proc.version
        try:
            fired = proc.fire(name, actor=actor, payload=payload, at=at)
        except TransitionRefused:
            raise  # a refusal changed nothing, so the cached process stays valid
        except BaseException:
            self._forget(process_id)  # anything else: trust nothing cached
            raise
        try:
            self.append(proc, version)
        except BaseException:
            self._forget(process_id)  # it holds an event that is not stored
            raise
        return StoreFired(proc, fired)

    def _current(self, process_id: str) -> Process:
        """The process as stored, from the cache when the store still builds on it.

        The stored event at the cached version must be the cached last event (ids are
        random, so never shared by two different events): that detects any change made
        to a cached process that was not stored. Events other writers appended after it
        are read and applied; anything else loads the process again.
        """
        with self._guard:
            cached = self._loaded.get(process_id)
        if cached is not None:
            ours = cached.events_since(cached.version - 1)[-1].id
            with self._reading() as conn:
                found = statements.CURRENT.run(conn, {"pid": process_id,
                                                      "seq": cached.version}).first()
                fits = found is not None and found.id == ours and (
                    found.version == cached.version
                    or (found.version > cached.version
                        and loading.catch_up(conn, cached, found.version)))
            if fits:
                with self._guard:
                    self._loaded[process_id] = cached
                    self._loaded.move_to_end(process_id)
                return cached
            self._forget(process_id)
        proc = self.load(process_id)
        with self._guard:
            self._loaded[process_id] = proc
            while len(self._loaded) > self.cache_size:
                self._loaded.popitem(last=False)
        return proc

    @contextmanager
    def _locked(self, process_id: str) -> Iterator[None]:
        """Hold the lock of one process (reentrant: a listener may fire on it again).

        Its guards and the append run under it; fires on other processes do not wait.
        """
        with self._guard:
            lock = self._locks.get(process_id)
            if lock is None:
                lock = self._locks[process_id] = threading.RLock()
        with lock:
            yield

    def _forget(self, process_id: str) -> None:
        """Drop the cached process (its next fire loads it again)."""
        with self._guard:
            self._loaded.pop(process_id, None)

    def snapshot(self, process_id: str) -> int:
        """Write a snapshot of the process's current state; return its sequence number."""
        proc = self.load(process_id)
        with self.engine.begin() as conn:
            loading.write_snapshot(conn, proc)
        return proc.version

    # -- reading --------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection whose database errors become StoreError with the driver's reason."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store {self.url!r}: {reason_of(exc)}") from exc

    def resolve(self, id_or_prefix: str) -> str:
        """The full id of the one process whose id is or starts with ``id_or_prefix``.

        Raises :class:`~verantwortung.ProcessNotFound` when none matches and
        :class:`~verantwortung.AmbiguousProcessId` (with the candidates) when several do.
        """
        if not id_or_prefix:
            raise ProcessNotFound(id_or_prefix)
        # LIKE with an escape character, so that '%' and '_' in the input match literally
        pattern = (id_or_prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_")
                   + "%")
        with self._reading() as conn:
            exact = conn.execute(select(processes.c.id).where(
                processes.c.id == id_or_prefix)).scalar()
            if exact is not None:
                return str(exact)
            found = list(conn.execute(select(processes.c.id).where(
                processes.c.id.like(pattern, escape="!")).order_by(processes.c.id)
                .limit(21)).scalars())
        if not found:
            raise ProcessNotFound(id_or_prefix)
        if len(found) > 1:
            raise AmbiguousProcessId(id_or_prefix, found)
        return str(found[0])

    def info(self, process_id: str) -> ProcessInfo:
        """The index row of a process (ProcessNotFound if there is none)."""
        with self._reading() as conn:
            row = conn.execute(select(processes).where(processes.c.id == process_id)).first()
        if row is None:
            raise ProcessNotFound(process_id)
        return info_of(row)

    def list(self, *, template: str | None = None, phase: str | None = None,
             region: str | None = None) -> list[ProcessInfo]:
        """Processes, newest first, filtered by template, phase and region."""
        return [info_of(row) for row in self._rows(template, phase, region)]

    def load_all(self, *, template: str | None = None, phase: str | None = None,
                 region: str | None = None) -> Iterator[Process]:
        """The processes :meth:`list` names, each as :meth:`load` gives it, read a page
        of processes per query (asking every stored process is not one load each)."""
        return loading.load_all(self, self._rows(template, phase, region))

    def _rows(self, template: str | None, phase: str | None, region: str | None
              ) -> builtins.list[Any]:
        query = select(processes).order_by(processes.c.created_at.desc(), processes.c.id)
        for column, value in ((processes.c.template, template), (processes.c.phase, phase),
                              (processes.c.region, region)):
            if value is not None:
                query = query.where(column == value)
        with self._reading() as conn:
            return list(conn.execute(query))

    def count(self) -> int:
        """How many processes are stored."""
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(processes)).scalar() or 0)

    # -- the store-wide feed -----------------------------------------------------------------

    def template_of(self, process_id: str) -> ProcessTemplate:
        """The template a stored process runs on (loaded once per source)."""
        with self._reading() as conn:
            row = conn.execute(select(processes).where(processes.c.id == process_id)).first()
        if row is None:
            raise ProcessNotFound(process_id)
        return self.template_for(info_of(row), row.template_source)

    def events(self, process_id: str, after: int = 0) -> builtins.list[Event]:
        """The stored events of a process, in order (CorruptEventError names a bad row)."""
        with self._reading() as conn:
            rows = conn.execute(select(events).where(
                events.c.process_id == process_id, events.c.seq > after
            ).order_by(events.c.seq)).all()
        return decode_events(rows)

    def load(self, process_id: str, *, use_snapshot: bool = True) -> Process:
        """The process, rebuilt from its latest snapshot and the events after it.

        Its history is lazy: the events before the snapshot are read from the store when
        someone asks for them (``proc.history``, ``to_dict``), and checked against the
        digest the snapshot carries.
        """
        return loading.load(self, process_id, use_snapshot=use_snapshot)

    def erase_person(self, process_id: str, person_id: str, *, reason: str,
                     actor: str | None = None, at: str | dt.datetime | None = None,
                     collection: str | None = None) -> Process:
        """Erase one person's personal data (fields marked ``personal``) from the process:
        tombstones in the stored rows and snapshots, and a ``person_erased`` event that
        holds none of it; returns the process as now stored (see ``store.erasure``)."""
        return erasure.erase_person(self, process_id, person_id, reason=reason, actor=actor,
                                    at=at, collection=collection)

    def export(self, process_id: str) -> dict[str, Any]:
        """:meth:`Process.to_dict` of a stored process, plus ``template_source``: where the
        store loads its template from (a bundled id or a file path), so that
        :meth:`import_process` finds the template again."""
        with self._reading() as conn:
            source = conn.execute(select(processes.c.template_source).where(
                processes.c.id == process_id)).scalar()
        if source is None:
            raise ProcessNotFound(process_id)
        data = self.load(process_id).to_dict()
        data["template_source"] = source
        data.update(kept.export_template(self, process_id))  # importable without the file
        return data

    def import_process(self, data: dict[str, Any], source: str | Path | None = None
                       ) -> Process:
        """Store a process exported with ``Process.to_dict``, validated like a replay.

        The state is recomputed from the history, never taken from the export: an
        export whose state, phase, template version, id or event fields disagree with
        it is refused (ReplayError).

        ``source`` is where its template comes from. Without it, the export's
        ``template_source`` (written by :meth:`export`) is used, or the bundled template
        of the export's ``template`` id; a template that is neither is a StoreError that
        says so, never a guess at a file.
        """
        tpl, source = kept.import_template(self, data, source)
        check_export(data, tpl)
        proc = Process.from_dict(tpl, data)
        check_state(data, proc)
        self.add(proc, source)
        return proc

