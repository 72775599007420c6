"""The current state of one process: its phase and its records, folded from events.

State is derived data: the event log is the truth. Changes are applied only after
every check passed, or applied tentatively and undone (for event guards, which
judge the state the event would produce), so a refusal leaves the state as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.specs import CollectionSpec
from ..model.text import id_key
from ..rules.compile import Tally
from ..rules.timed import DateSet
from .dates_index import DateIndex

__all__ = ["Deferred", "Layout", "State"]

Undo = Callable[[], None]
#: the records of one collection, decoded when first read (a snapshot's large collection)
Deferred = Callable[[], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Layout:
    """Which collections hold one record, and which are indexed by id (shared per template)."""

    singles: frozenset[str]
    indexed: frozenset[str]

    @classmethod
    def of(cls, collections: Mapping[str, CollectionSpec]) -> Layout:
        """The layout of a template's collections (``tpl.all_collections``)."""
        return cls(frozenset(n for n, s in collections.items() if s.single),
                   frozenset(n for n, s in collections.items()
                             if "id" in s.fields and not s.single))


_NONE: tuple[dict[str, Any], ...] = ()


class _Kept:
    """What the fold keeps up to date besides the records: the counts rules asked for
    (per :class:`Tally`), the values of fields that must be unique, and the dates time
    rules read (per :class:`DateSet`)."""

    __slots__ = ("counts", "dates", "over", "values")

    def __init__(self) -> None:
        self.counts: dict[Tally, int] = {}
        self.over: dict[str, dict[Tally, None]] = {}  # collection -> the tallies counting it
        self.values: dict[tuple[str, str], dict[Any, int]] = {}  # (collection, field) -> uses
        self.dates: DateIndex | None = None  # made when a time rule first asks


def _same(record: Any) -> Any:
    return record


def _key(value: Any) -> Any:
    """A hashable stand-in for a field value (a list of ids becomes a tuple)."""
    return tuple(value) if isinstance(value, list) else value


class State:
    """Phase, records by collection, and an id index for collections that have ``id``.

    Containers are made on the first record, so a new process costs a few hundred
    bytes however many collections its template declares. Counts and unique values are
    kept from the first time a rule asks for them (:meth:`tally`, :meth:`holds`) and then
    follow every add, update and undo, so a rule costs O(1) per event, not O(collection).
    They rest on the engine's integrity checks: a reference names a record that exists
    when it is written, so adding a record never changes what another record's
    ``ref.field`` reads; an update can, and resets the counts that read through it.
    """

    __slots__ = (
        "_index",
        "_kept",
        "_keys",
        "_layout",
        "_lazy",
        "_records",
        "_single",
        "at",
        "changes",
        "facts",
        "last_at",
        "memo",
        "phase",
    )

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
        # per indexed collection: the folded form of every text id (id_key) -> the id, so
        # that a new id that reads as an old one (P1/p1, fullwidth) is found in O(1)
        self._keys: dict[str, dict[str, Any]] = {}
        self._kept: _Kept | None = None  # made when a rule first asks for a count
        # collections restored from a snapshot but not decoded yet (see restore()); records
        # added meanwhile wait in _records and follow the decoded ones
        self._lazy: dict[str, Deferred] | None = None
        # what time rules found in the records (their dates), kept until a record changes:
        # asking what is due again, on any day, does not scan the records again
        self.memo: dict[Any, Any] | None = None
        # how often each collection changed (adds, updates, removals, undos): facts kept
        # in ``facts`` hold while the collections they read have not changed since
        self.changes: dict[str, int] = {}
        self.facts: dict[Any, Any] = {}

    # -- the RecordView protocol used by compiled rules ------------------------------------

    def records(self, collection: str) -> Sequence[dict[str, Any]]:
        """All records of a collection (the single record as a one-item list)."""
        if collection in self._layout.singles:
            rec = self._single.get(collection)
            return _NONE if rec is None else (rec,)
        if self._lazy is not None and collection in self._lazy:
            self._decode(collection)
        return self._records.get(collection, _NONE)

    def single(self, collection: str) -> dict[str, Any] | None:
        """The record of a single-record collection, or None."""
        return self._single.get(collection)

    def lookup(self, collection: str, record_id: Any) -> dict[str, Any] | None:
        """The record with this id, or None."""
        if self._lazy is not None and collection in self._lazy:
            self._decode(collection)
        index = self._index.get(collection)
        return None if index is None else index.get(record_id)

    def same_id(self, collection: str, record_id: Any) -> Any:
        """The id of a record that ``record_id`` is or reads as (case folded, NFKC), or None."""
        if self.lookup(collection, record_id) is not None:  # (decodes a lazy collection)
            return record_id
        keys = self._keys.get(collection)
        if keys is None or not isinstance(record_id, str):
            return None
        return keys.get(id_key(record_id))

    def tally(self, tally: Tally) -> int:
        """How many records of ``tally.collection`` pass its test, kept up to date."""
        if tally.collection in self._layout.singles:
            return tally.recount(self)  # at most one record
        kept = self._kept
        if kept is None:
            kept = self._kept = _Kept()
        n = kept.counts.get(tally)
        if n is None:
            n = kept.counts[tally] = tally.recount(self)
            kept.over.setdefault(tally.collection, {})[tally] = None
        return n

    def holds(self, collection: str, field: str, value: Any) -> bool:
        """True when a record of ``collection`` has ``value`` in ``field`` (kept indexed)."""
        kept = self._kept
        if kept is None:
            kept = self._kept = _Kept()
        uses = kept.values.get((collection, field))
        if uses is None:
            uses = kept.values[(collection, field)] = {}
            for rec in self.records(collection):
                found = _key(rec.get(field))
                uses[found] = uses.get(found, 0) + 1
        return uses.get(_key(value), 0) > 0

    def dated(self, wanted: DateSet) -> Sequence[dt.date]:
        """The dates a time rule reads (:class:`DateSet`), in order, kept up to date."""
        if wanted.collection in self._layout.singles:
            return wanted.rescan(self)  # at most one record
        return self._dates().get(self, wanted)

    def dates_version(self, wanted: DateSet) -> Any:
        """What changes whenever the dates of ``wanted`` change (the collection's count of
        changes, for a single-record collection)."""
        if wanted.collection in self._layout.singles:
            return (wanted.collection, self.changes.get(wanted.collection, 0))
        return self._dates().version(self, wanted)

    def _dates(self) -> DateIndex:
        kept = self._kept
        if kept is None:
            kept = self._kept = _Kept()
        index = kept.dates
        if index is None:
            index = kept.dates = DateIndex()
        return index

    def _follow(self, collection: str, record: dict[str, Any], sign: int,
                dates: bool = True) -> None:
        """Count ``record`` in (sign 1) or out of (sign -1) what is kept of ``collection``."""
        kept = self._kept
        if kept is None:
            return
        if dates and kept.dates is not None:
            kept.dates.follow(self, collection, record, sign)
        counts = kept.counts
        for tally in kept.over.get(collection, ()):
            if tally.test(self, record):
                counts[tally] += sign
        for (name, field), uses in kept.values.items():
            if name == collection:
                found = _key(record.get(field))
                uses[found] = uses.get(found, 0) + sign

    def _change(self, collection: str, record: dict[str, Any], changes: Mapping[str, Any],
                drop: tuple[str, ...] = ()) -> None:
        """Update ``record`` in place (and take the fields ``drop`` out of it), keeping
        counts and unique values in step."""
        kept = self._kept
        if kept is None:
            record.update(changes)
            for key in drop:
                del record[key]
            return
        for tally in [t for t in kept.counts if collection in t.reads
                      and t.collection != collection]:  # a record others read through
            del kept.counts[tally], kept.over[tally.collection][tally]
        self._forget_reading(collection)
        index = kept.dates  # its dates move only where they change
        held = None if index is None else index.held(self, collection, record)
        self._follow(collection, record, -1, dates=False)
        record.update(changes)
        for key in drop:
            del record[key]
        self._follow(collection, record, 1, dates=False)
        if held:
            index.moved(self, record, held)  # type: ignore[union-attr]

    def _forget_reading(self, collection: str) -> None:
        """Drop the kept dates that other collections' tests read through ``collection``."""
        kept = self._kept
        if kept is not None and kept.dates is not None:
            kept.dates.forget_reading(collection)

    # -- changes ------------------------------------------------------------------------------

    def _touch(self, collection: str) -> None:
        """A record of ``collection`` changes: what was kept of the records is dropped."""
        self.memo = None
        self.changes[collection] = self.changes.get(collection, 0) + 1

    def is_single(self, collection: str) -> bool:
        """True for single-record collections."""
        return collection in self._layout.singles

    def add(self, collection: str, record: dict[str, Any]) -> Undo:
        """Add (or, for a single collection, set) a record; return how to undo it."""
        self._touch(collection)
        if collection in self._layout.singles:
            before = self._single.get(collection)
            self._single[collection] = record

            def undo_single() -> None:
                self._touch(collection)
                if before is None:
                    del self._single[collection]
                else:
                    self._single[collection] = before

            return undo_single
        if self._lazy is not None and collection in self._lazy and (
                collection in self._layout.indexed):
            self._decode(collection)  # its index must know every id
        # (a collection without ids may stay undecoded: the record waits after the others)
        records = self._records.setdefault(collection, [])
        records.append(record)
        index: dict[Any, dict[str, Any]] | None = None
        keys: dict[str, Any] | None = None
        key = ""
        if collection in self._layout.indexed:
            index = self._index.setdefault(collection, {})
            rid = record["id"]
            index[rid] = record
            if isinstance(rid, str):
                keys = self._keys.setdefault(collection, {})
                key = id_key(rid)
                keys.setdefault(key, rid)
        self._follow(collection, record, 1)

        def undo_add() -> None:
            self._touch(collection)
            self._follow(collection, record, -1)
            records.pop()
            if index is not None:
                del index[record["id"]]
            if keys is not None and keys.get(key) == record["id"]:
                del keys[key]

        return undo_add

    def add_all(self, collection: str, records: list[dict[str, Any]]) -> None:
        """Add ``records`` to a collection of several records without ids, as :meth:`add`
        one by one would (without an undo: for a replay that judged them all before)."""
        assert collection not in self._layout.singles
        assert collection not in self._layout.indexed
        self.memo = None
        self.changes[collection] = self.changes.get(collection, 0) + len(records)
        self._records.setdefault(collection, []).extend(records)
        if self._kept is not None:
            for record in records:
                self._follow(collection, record, 1)

    def is_indexed(self, collection: str) -> bool:
        """True for collections whose records are found by id."""
        return collection in self._layout.indexed

    def remove(self, collection: str, record: dict[str, Any]) -> Undo:
        """Take ``record`` out of ``collection`` (the event log keeps it); return the undo."""
        self._touch(collection)
        if collection in self._layout.singles:
            del self._single[collection]

            def undo_unset() -> None:
                self._touch(collection)
                self._single[collection] = record

            return undo_unset
        records = self.records(collection)
        assert isinstance(records, list)
        position = next(i for i, r in enumerate(records) if r is record)
        self._follow(collection, record, -1)
        self._forget_reading(collection)
        del records[position]
        index = self._index.get(collection)
        rid = record.get("id")
        keys = self._keys.get(collection) if isinstance(rid, str) else None
        key = id_key(rid) if isinstance(rid, str) else ""
        if index is not None:
            del index[rid]
        held = keys is not None and keys.get(key) == rid
        if held:
            del keys[key]  # type: ignore[union-attr]

        def undo_remove() -> None:
            self._touch(collection)
            records.insert(position, record)
            if index is not None:
                index[rid] = record
            if held:
                keys[key] = rid  # type: ignore[index]
            self._follow(collection, record, 1)
            self._forget_reading(collection)

        return undo_remove

    def update(self, collection: str, record: dict[str, Any], changes: Mapping[str, Any]
               ) -> Undo:
        """Change fields of a record of ``collection`` in place; return how to undo it."""
        before = {k: record[k] for k in changes if k in record}
        added = tuple(k for k in changes if k not in record)  # undo takes these out again
        self._touch(collection)
        self._change(collection, record, changes)

        def undo_update() -> None:
            self._touch(collection)
            self._change(collection, record, before, drop=added)

        return undo_update

    def restore(self, snapshot: Mapping[str, Any], *, owned: bool = False) -> None:
        """Load a :meth:`snapshot` into this (fresh) state.

        ``owned``: the snapshot was made for this call (decoded from JSON) and nothing
        else holds it, so its records are taken as they are instead of copied.

        A collection's records may be :data:`Deferred`: a function that returns them
        (owned), called when they are first read. A store loads a long history's large
        collections so: a load costs what the events after the snapshot cost.
        """
        take: Callable[[Any], dict[str, Any]] = _same if owned else dict
        self.phase = snapshot["phase"]
        singles = self._layout.singles
        for name, records in snapshot.get("records", {}).items():
            if callable(records):
                if name in singles or self._kept is not None:
                    records, owned_now = records(), True
                else:
                    if self._lazy is None:
                        self._lazy = {}
                    self._lazy[name] = records
                    continue
            else:
                owned_now = owned
            if name in singles:  # as add() does: the last one is the record
                for record in records:
                    self._single[name] = take(record)
                continue
            if self._kept is not None:  # counts are kept already: add() keeps them right
                for record in records:
                    self.add(name, record if owned_now else dict(record))
                continue
            self._fill(name, records if owned_now else list(map(dict, records)))
        for name, record in snapshot.get("single", {}).items():
            self._single[name] = take(record)
        self.memo = None
        self.changes.clear()
        self.facts.clear()

    def _fill(self, name: str, records: list[dict[str, Any]]) -> None:
        """Put ``records`` (owned) before those of ``name`` in bulk, with their index: while
        nothing counts them yet (counts are made when a rule first asks)."""
        items = self._records.setdefault(name, [])
        items[:0] = records  # the same list: an undo of a record added since pops from it
        if name in self._layout.indexed:
            index = self._index.setdefault(name, {})
            index.update((r["id"], r) for r in records)
            keys = self._keys.setdefault(name, {})
            for rid in reversed(index):  # the first of ids that read alike wins
                if isinstance(rid, str):
                    keys[id_key(rid)] = rid

    def _decode(self, name: str) -> None:
        """Decode the deferred records of ``name`` (what its loader raises, it raises)."""
        assert self._lazy is not None
        records = self._lazy[name]()
        del self._lazy[name]
        if not self._lazy:
            self._lazy = None
        self._fill(name, records)

    def snapshot(self) -> dict[str, Any]:
        """A deep, JSON-ready copy of every record (for equality and export)."""
        return _copy(self.view())  # type: ignore[no-any-return]

    def view(self) -> dict[str, Any]:
        """What :meth:`snapshot` gives, without copying the records: to be read (written
        as JSON), never changed."""
        for name in list(self._lazy or ()):
            self._decode(name)
        return {"phase": self.phase,
                "records": {k: v for k, v in self._records.items() if v},
                "single": dict(self._single)}


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (records hold nothing else): several times faster than
    ``copy.deepcopy``, which a summary written with every append would pay for."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
