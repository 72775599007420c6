"""The statements of the append path, compiled once per database dialect.

``conn.execute(insert(...))`` builds the statement, generates its cache key and binds
its parameters on every call: most of an append's time on SQLite. These are built
once, compiled once per dialect, and run as driver SQL with their parameters in the
driver's own order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from .schema import events, positions, processes

__all__ = ["ADVANCE", "CURRENT", "INSERT_EVENTS", "TAKE_POSITIONS", "Prepared"]


class Prepared:
    """One statement, compiled per dialect on first use, run with named parameters."""

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        # per dialect: the SQL text, the parameter order (None: by name), the values of
        # the statement's own constants
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def run(self, conn: Connection, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
            ) -> CursorResult[Any]:
        """Execute with ``params`` (a list of mappings runs it for each)."""
        name = conn.dialect.name
        found = self._compiled.get(name)
        if found is None:
            compiled = self._statement.compile(dialect=conn.dialect)
            assert isinstance(compiled, SQLCompiler)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            constants = {k: v for k, v in compiled.params.items() if v is not None}
            found = self._compiled[name] = (str(compiled), order, constants)
        sql, order, constants = found
        if isinstance(params, Mapping):
            return conn.exec_driver_sql(sql, self._bind(params, order, constants))
        return conn.exec_driver_sql(sql, [self._bind(p, order, constants) for p in params])

    @staticmethod
    def _bind(params: Mapping[str, Any], order: tuple[str, ...] | None,
              constants: dict[str, Any]) -> Any:
        values = {**constants, **params} if constants else params
        return dict(values) if order is None else tuple(values[k] for k in order)


#: raise the version from :expected to :version, only where the stored event at
#: :expected is the one the writer built on (:last_id)
ADVANCE = Prepared(
    update(processes)
    .where(processes.c.id == bindparam("pid"), processes.c.version == bindparam("expected"),
           exists(select(events.c.id).where(
               events.c.process_id == bindparam("pid"),
               events.c.seq == bindparam("expected"),
               events.c.id == bindparam("last_id"))))
    .values(version=bindparam("new_version"), phase=bindparam("new_phase"),
            updated_at=bindparam("now")))

TAKE_POSITIONS = Prepared(
    update(positions).where(positions.c.id == 1)
    .values(last=positions.c.last + bindparam("count", type_=positions.c.last.type))
    .returning(positions.c.last))

INSERT_EVENTS = Prepared(insert(events))  # compiled without values: every column, by name

#: the stored version of :pid and the id of its event at :seq (a cached process's last)
CURRENT = Prepared(
    select(processes.c.version, events.c.id).select_from(processes.outerjoin(
        events, (events.c.process_id == processes.c.id) & (events.c.seq == bindparam("seq"))))
    .where(processes.c.id == bindparam("pid")))
