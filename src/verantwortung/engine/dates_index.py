"""The dates time rules read, kept in the fold as events are applied.

A time rule reads the dates of a collection's records that pass its tests (a
:class:`~verantwortung.rules.timed.DateSet`). Scanning the records for them costs
O(history) each time the records change, so the first ``due()`` after an event would
cost as much as the history is long. Instead, from the first time a rule asks for a
set, the state keeps it in order and follows every add, update, removal and undo: one
insertion or deletion per record that passes, so asking costs O(1) (and a bisection
to find a date) and an event O(sets over its collection). Each set has a version that
changes whenever its dates do, so what was found from them (a deadline's results) can
be kept until then; an update that leaves a record's date where it was keeps it.

The same assumptions as the kept counts hold (see :class:`~verantwortung.engine.state.State`):
a record's tests change only through an update of the record itself, or of a record it
refers to; in the latter case the sets reading through it are dropped and found again
when next asked.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from typing import Any

from ..rules.compile import RecordView
from ..rules.timed import DateSet

__all__ = ["DateIndex"]


class DateIndex:
    """Per :class:`DateSet`, its dates in order (the latest last), kept up to date, and
    a version that changes whenever they do (what was found from them holds while it
    is the same)."""

    __slots__ = ("clock", "lists", "over", "versions")

    def __init__(self) -> None:
        self.lists: dict[DateSet, list[dt.date]] = {}
        self.over: dict[str, dict[DateSet, None]] = {}  # collection -> the sets of it
        self.versions: dict[DateSet, int] = {}
        self.clock = 0  # the last version given: a set found again never has an old one

    def get(self, view: RecordView, wanted: DateSet) -> list[dt.date]:
        """The dates of ``wanted`` (found once, then kept; do not change the list)."""
        found = self.lists.get(wanted)
        if found is None:
            found = self.lists[wanted] = wanted.rescan(view)
            self.over.setdefault(wanted.collection, {})[wanted] = None
            self._changed(wanted)
        return found

    def version(self, view: RecordView, wanted: DateSet) -> int:
        """The version of ``wanted``'s dates (found first if they are not kept yet)."""
        version = self.versions.get(wanted)
        if version is None:
            self.get(view, wanted)
            version = self.versions[wanted]
        return version

    def _changed(self, wanted: DateSet) -> None:
        self.clock += 1
        self.versions[wanted] = self.clock

    def follow(self, view: RecordView, collection: str, record: dict[str, Any],
               sign: int) -> None:
        """Count ``record``'s dates in (sign 1) or out of (sign -1) the sets of ``collection``."""
        sets = self.over.get(collection)
        if not sets:
            return
        for wanted in tuple(sets):
            day = wanted.day(view, record)
            if day is not None:
                self._move(wanted, None if sign > 0 else day, day if sign > 0 else None)

    def held(self, view: RecordView, collection: str, record: dict[str, Any]
             ) -> list[tuple[DateSet, dt.date | None]]:
        """What ``record`` adds to each set of ``collection`` (before it is updated)."""
        return [(w, w.day(view, record)) for w in self.over.get(collection, ())]

    def moved(self, view: RecordView, record: dict[str, Any],
              held: list[tuple[DateSet, dt.date | None]]) -> None:
        """``record`` was updated: move its dates where they changed (:meth:`held` before)."""
        for wanted, before in held:
            after = wanted.day(view, record)
            if after != before and wanted in self.lists:
                self._move(wanted, before, after)

    def _move(self, wanted: DateSet, old: dt.date | None, new: dt.date | None) -> None:
        found = self.lists[wanted]
        if old is not None:
            i = bisect_left(found, old)
            if i == len(found) or found[i] != old:  # not counted in after all: find the
                self._drop(wanted)                    # set again when next asked
                return
            del found[i]
        if new is not None:
            insort(found, new)
        self._changed(wanted)

    def forget_reading(self, collection: str) -> None:
        """Drop the sets of other collections whose tests read through ``collection``."""
        for wanted in [w for w in self.lists
                       if collection in w.reads and w.collection != collection]:
            self._drop(wanted)

    def _drop(self, wanted: DateSet) -> None:
        del self.lists[wanted], self.over[wanted.collection][wanted], self.versions[wanted]
