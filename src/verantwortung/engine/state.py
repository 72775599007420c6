"""The current state of one process: its phase and its records, folded from events.

State is derived data: the event log is the truth. Changes are applied only after
every check passed, or applied tentatively and undone (for event guards, which
judge the state the event would produce), so a refusal leaves the state as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.document import BUILTIN_COLLECTIONS, CollectionSpec

__all__ = ["Layout", "State"]

Undo = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Layout:
    """Which collections hold one record, and which are indexed by id (shared per template)."""

    singles: frozenset[str]
    indexed: frozenset[str]

    @classmethod
    def of(cls, collections: Mapping[str, CollectionSpec]) -> Layout:
        """The layout of a template's collections (plus the built-in ones)."""
        specs = {**BUILTIN_COLLECTIONS, **collections}
        return cls(frozenset(n for n, s in specs.items() if s.single),
                   frozenset(n for n, s in specs.items() if "id" in s.fields and not s.single))


_NONE: tuple[dict[str, Any], ...] = ()


class State:
    """Phase, records by collection, and an id index for collections that have ``id``.

    Containers are made on the first record, so a new process costs a few hundred
    bytes however many collections its template declares.
    """

    __slots__ = ("_index", "_layout", "_records", "_single", "at", "last_at", "phase")

    def __init__(self, phase: str, layout: Layout) -> None:
        self.phase = phase
        # the date rules are judged on (the event being fired, or the date asked about)
        # and the date of the latest event: what time rules read
        self.at: dt.datetime | None = None
        self.last_at: dt.datetime | None = None
        self._layout = layout
        self._records: dict[str, list[dict[str, Any]]] = {}
        self._single: dict[str, dict[str, Any]] = {}
        self._index: dict[str, dict[Any, dict[str, Any]]] = {}

    # -- the RecordView protocol used by compiled rules ------------------------------------

    def records(self, collection: str) -> Sequence[dict[str, Any]]:
        """All records of a collection (the single record as a one-item list)."""
        if collection in self._layout.singles:
            rec = self._single.get(collection)
            return _NONE if rec is None else (rec,)
        return self._records.get(collection, _NONE)

    def single(self, collection: str) -> dict[str, Any] | None:
        """The record of a single-record collection, or None."""
        return self._single.get(collection)

    def lookup(self, collection: str, record_id: Any) -> dict[str, Any] | None:
        """The record with this id, or None."""
        index = self._index.get(collection)
        return None if index is None else index.get(record_id)

    # -- changes ------------------------------------------------------------------------------

    def is_single(self, collection: str) -> bool:
        """True for single-record collections."""
        return collection in self._layout.singles

    def add(self, collection: str, record: dict[str, Any]) -> Undo:
        """Add (or, for a single collection, set) a record; return how to undo it."""
        if collection in self._layout.singles:
            before = self._single.get(collection)
            self._single[collection] = record

            def undo_single() -> None:
                if before is None:
                    del self._single[collection]
                else:
                    self._single[collection] = before

            return undo_single
        records = self._records.setdefault(collection, [])
        records.append(record)
        index = (self._index.setdefault(collection, {})
                 if collection in self._layout.indexed else None)
        if index is not None:
            index[record["id"]] = record

        def undo_add() -> None:
            records.pop()
            if index is not None:
                del index[record["id"]]

        return undo_add

    def update(self, record: dict[str, Any], changes: Mapping[str, Any]) -> Undo:
        """Change fields of a record in place; return how to undo it."""
        before = {k: record.get(k) for k in changes}
        record.update(changes)

        def undo_update() -> None:
            record.update(before)

        return undo_update

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Load a :meth:`snapshot` into this (fresh) state."""
        self.phase = snapshot["phase"]
        for name, records in snapshot.get("records", {}).items():
            for record in records:
                self.add(name, dict(record))
        for name, record in snapshot.get("single", {}).items():
            self._single[name] = dict(record)

    def snapshot(self) -> dict[str, Any]:
        """A deep, JSON-ready copy of every record (for equality and export)."""
        return {"phase": self.phase,
                "records": copy.deepcopy({k: v for k, v in self._records.items() if v}),
                "single": copy.deepcopy(self._single)}
