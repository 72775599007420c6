"""Rows in, records out: how events and process index rows are encoded and decoded.

Payloads are JSON text that we encode and decode ourselves, so one unreadable row is
reported with its process id and sequence number instead of failing a whole query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ..engine.process import Process
from ..exceptions import ConcurrencyError, CorruptEventError, StoreError
from ..model.process import Event, Fired

__all__ = ["ProcessInfo", "StoreFired", "StoredEvent", "chain", "chain_rows", "decode_events",
           "decode_stored", "event_row", "info_of", "now", "reason_of", "seal"]


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """One row of the process index."""

    id: str
    template: str
    template_version: str
    region: str
    phase: str
    version: int
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {k: getattr(self, k) for k in self.__slots__}


class StoredEvent(NamedTuple):
    """An event as the store holds it: with its place in the store-wide sequence.

    ``position`` counts every event of the store, 1, 2, 3, ... in commit order, with no
    gap; ``event.id`` is unique, the key to drop an event delivered twice.
    """

    position: int
    event: Event

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: the event's fields plus ``position``."""
        return {"position": self.position, **self.event.to_dict()}


class StoreFired(NamedTuple):
    """What :meth:`EventStore.fire <verantwortung.EventStore.fire>` returns: the process as
    now stored and the :class:`~verantwortung.Fired` result of the event it appended.

    A named tuple, so ``proc, fired = store.fire(...)`` unpacks as before.
    """

    process: Process
    fired: Fired


def now() -> str:
    """The current time in UTC, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat()


def event_row(e: Event, position: int) -> dict[str, Any]:
    """The row of an event at a store-wide position."""
    return {"process_id": e.process, "seq": e.seq, "id": e.id, "at": e.at.isoformat(),
            "actor": e.actor, "kind": e.kind,
            "payload": json.dumps(e.payload, ensure_ascii=False, sort_keys=True),
            "template": e.template, "template_version": e.template_version, "phase": e.phase,
            "position": position}


def chain(digest: str, history: Iterable[Event]) -> str:
    """The digest of a history: ``digest`` (of the events before) chained over ``history``.

    Each step hashes the previous digest with the event's row as the store writes it, so
    a snapshot's digest names exactly the events it folds, and a later snapshot extends
    an earlier one's digest without reading the events before it again.
    """
    for e in history:
        row = event_row(e, 0)
        digest = _step(digest, [row[c] for c in _COLUMNS])
    return digest


def chain_rows(digest: str, rows: Iterable[Any]) -> str:
    """:func:`chain` over event rows as they are stored (columns in table order)."""
    for r in rows:
        digest = _step(digest, list(r[:10]))
    return digest


def seal(history_digest: str, state_text: str) -> str:
    """The digest that ties a snapshot's state to the history it folds."""
    return hashlib.sha256(f"{history_digest}\n{state_text}".encode()).hexdigest()


_COLUMNS = ("process_id", "seq", "id", "at", "actor", "kind", "payload", "template",
            "template_version", "phase")


def _step(digest: str, values: list[Any]) -> str:
    text = json.dumps([digest, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def decode_events(rows: Sequence[Any]) -> list[Event]:
    """Decode event rows (columns in table order); CorruptEventError names a bad row."""
    payloads: list[Any] | None = None
    try:  # one JSON parse for all payloads; on any doubt, row by row to find the culprit
        payloads = json.loads("[" + ",".join(r[6] for r in rows) + "]")
        if len(payloads) != len(rows) or not all(isinstance(p, dict) for p in payloads):
            payloads = None
    except (ValueError, TypeError, RecursionError):
        payloads = None
    out: list[Event] = []
    for i, (pid, seq, eid, at, actor, kind, raw, template, version, phase, *_) in enumerate(
            rows):
        try:
            payload = payloads[i] if payloads is not None else json.loads(raw)
            if not isinstance(payload, dict):
                raise ValueError("payload is not a JSON object")
            when = dt.datetime.fromisoformat(at)
            if when.tzinfo is None:  # written by hand or by another tool: taken as UTC
                when = when.replace(tzinfo=dt.UTC)
        except RecursionError:
            raise CorruptEventError(pid, seq, "the payload is nested too deeply") from None
        except (ValueError, TypeError) as exc:
            raise CorruptEventError(pid, seq, str(exc)) from exc
        out.append(Event(eid, pid, seq, when, actor, kind, payload, template, version, phase))
    return out


def decode_stored(rows: Sequence[Any]) -> list[StoredEvent]:
    """Decode event rows that end with their position."""
    return [StoredEvent(int(row[10]), e) for row, e in zip(rows, decode_events(rows),
                                                           strict=True)]


def reason_of(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's statement dump and links."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


@contextmanager
def write_errors(process_id: str, expected: int) -> Iterator[None]:
    """Database errors of a write to ``process_id`` as the store reports them: a clash or a
    lock is a ConcurrencyError (another writer came first), anything else a StoreError."""
    try:
        yield
    except IntegrityError as exc:
        raise ConcurrencyError(process_id, expected, None) from exc
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ConcurrencyError(process_id, expected, None) from exc
        raise StoreError(f"process {process_id}: {reason_of(exc)}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"process {process_id}: the database refused it: "
                         f"{reason_of(exc)}") from exc


def info_of(row: Any) -> ProcessInfo:
    """A process index row as a record."""
    return ProcessInfo(id=row.id, template=row.template, template_version=row.template_version,
                       region=row.region, phase=row.phase, version=row.version,
                       created_at=row.created_at, updated_at=row.updated_at)
