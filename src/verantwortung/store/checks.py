"""What the store checks before the database: the same limits on every backend, and
imports that are validated exactly like a replay.

PostgreSQL refuses a text longer than its column and a NUL character anywhere in a
text; SQLite keeps both. Checking here, before any statement runs, gives one clear
:class:`~verantwortung.StoreError` on both backends instead of a driver's message on
one and silent acceptance on the other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..engine.process import Process
from ..exceptions import ReplayError, StoreError
from ..model.process import Event
from ..model.template import ProcessTemplate
from .schema import events, processes

__all__ = ["check_export", "check_process", "check_rows", "check_state", "why_not_added"]

# the length of every bounded text column, from the schema itself
_LIMITS: dict[str, int] = {name: length for table in (events, processes)
                           for name, column in table.columns.items()
                           if (length := getattr(column.type, "length", None))}
_NAMES = {"process_id": "process id", "id": "event id", "template": "template id",
          "template_version": "template version", "kind": "event kind", "phase": "phase id",
          "region": "region", "actor": "actor"}
# characters no process id may hold: it names files in exports and paths in URLs
_PATH_PARTS = ("/", "\\", "..")


def check_process(proc: Process) -> None:
    """The process's own id and region fit the store (StoreError otherwise)."""
    _check_id(proc.id)
    _check_text(proc.id, "region", proc.region, None)


def check_rows(process_id: str, new: Iterable[Event]) -> None:
    """Every text of these events fits its column on every backend (StoreError)."""
    for e in new:
        where = f"event {e.seq} ({str(e.kind)[:64]})"
        for field in ("id", "kind", "template", "template_version", "phase", "actor"):
            _check_text(process_id, field, getattr(e, field), where)


def _check_id(process_id: str) -> None:
    if not isinstance(process_id, str) or not process_id:
        raise StoreError("a process id is a non-empty text")
    shown = _shown(process_id)
    if any(part in process_id for part in _PATH_PARTS) or not process_id.isprintable():
        raise StoreError(f"process id {shown} holds a path separator, '..' or a control "
                         "character; a process id is a plain name")
    _check_text(process_id, "process_id", process_id, None)


def _shown(text: str) -> str:
    """A text as a message may quote it: itself when plain and short, else escaped."""
    plain = isinstance(text, str) and text.isprintable() and len(text) <= 64
    return text if plain else ascii(str(text)[:64])


def _check_text(process_id: str, field: str, value: Any, where: str | None) -> None:
    if value is None and field == "actor":
        return
    name = _NAMES.get(field, field)
    place = f"process {process_id[:64]!a}" + (f", {where}" if where else "")
    if not isinstance(value, str):
        raise StoreError(f"{place}: the {name} is not a text")
    if "\x00" in value:
        raise StoreError(f"{place}: the {name} holds a NUL character, which the store "
                         "cannot keep")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"{place}: the {name} is not valid text (it holds a lone "
                         "surrogate)") from None
    limit = _LIMITS.get(field)
    if limit is not None and len(value) > limit:
        raise StoreError(f"{place}: the {name} has {len(value)} characters; the store "
                         f"keeps at most {limit}")


def check_export(data: Mapping[str, Any], tpl: ProcessTemplate) -> None:
    """An export's own fields agree with the template, and its events are well typed.

    What the history itself says is checked by replaying it; this refuses what a replay
    does not read: the export's id, template version, sequence numbers that are not
    whole numbers, times without a zone, events of another template version.
    """
    if data.get("template", tpl.id) != tpl.id or data.get(
            "template_version", tpl.version) != tpl.version:
        raise ReplayError(f"the export was written by template {data.get('template')} "
                          f"{data.get('template_version')}, not {tpl.id} {tpl.version}")
    history = data.get("history")
    if not isinstance(history, list) or not history:
        raise ReplayError("an exported process has a non-empty 'history' list of events")
    for i, item in enumerate(history, 1):
        _check_raw_event(i, item, tpl)
    first = history[0].get("process")
    if "id" in data and data["id"] != first:
        raise ReplayError(f"the export's id {data['id']!a} is not the process "
                          f"{first!a} its events belong to")
    ids = [item.get("id") for item in history]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise ReplayError(f"the history holds the event id {twice!a} more than once")


def _check_raw_event(i: int, item: Any, tpl: ProcessTemplate) -> None:
    if not isinstance(item, Mapping):
        raise ReplayError(f"event {i} of the history is not a mapping")
    seq = item.get("seq")
    if type(seq) is not int:
        raise ReplayError(f"event {i}: 'seq' must be a whole number, not {ascii(seq)[:40]}")
    at = item.get("at")
    try:
        when = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ReplayError(f"event {i}: 'at' must be an ISO 8601 time with a zone, not "
                          f"{ascii(at)[:40]}")
    written = (item.get("template"), item.get("template_version"))
    if written != (tpl.id, tpl.version) and tpl.plan_from(*map(str, written)) is None:
        raise ReplayError(f"event {i} was written by template {item.get('template')} "
                          f"{item.get('template_version')}, not {tpl.id} {tpl.version}")


def check_state(data: Mapping[str, Any], proc: Process) -> None:
    """The export's state, phase, region and parameters are what its history gives."""
    recomputed = {"phase": proc.phase, "region": proc.region, "state": proc.state(),
                  "parameters": dict(proc.template.values)}
    for key, value in recomputed.items():
        if key in data and _plain(data[key]) != _plain(value):
            raise ReplayError(f"the export's {key} is not what its history gives; "
                              "the state is always recomputed from the events")


def _plain(value: Any) -> Any:
    """``value`` as JSON reads it back (tuples are lists), to compare with an export."""
    try:
        return json.loads(json.dumps(value, sort_keys=True))
    except (TypeError, ValueError, RecursionError):
        return value


def why_not_added(conn: Connection, process_id: str, history: Sequence[Event]) -> str:
    """What an id clash that refused ``add`` was: the process, or one of its events."""
    if conn.execute(select(processes.c.id).where(
            processes.c.id == process_id)).first() is not None:
        return f"process {process_id} is already stored"
    ids = [e.id for e in history]
    for start in range(0, len(ids), 500):
        clash = conn.execute(select(events.c.id, events.c.process_id).where(
            events.c.id.in_(ids[start:start + 500])).limit(1)).first()
        if clash is not None:
            return (f"process {process_id}: its event {clash.id} is stored already, "
                    f"in process {clash.process_id} (a copy of an export under "
                    "another id?)")
    return f"process {process_id}: an id of it or of its events is stored already"
