"""The dates time rules read, kept in the fold as events are applied.

A time rule reads the dates of a collection's records that pass its tests (a
:class:`~verantwortung.rules.timed.DateSet`). Scanning the records for them costs
O(history) each time the records change, so the first ``due()`` after an event would
cost as much as the history is long. Instead, from the first time a rule asks for a
set, the state keeps it in order and follows every add, update, removal and undo: one
insertion or deletion per record that passes, so asking costs O(log n) and an event
O(sets over its collection).

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
    """Per :class:`DateSet`, its dates in order (the latest last), kept up to date."""

    __slots__ = ("lists", "over")

    def __init__(self) -> None:
        self.lists: dict[DateSet, list[dt.date]] = {}
        self.over: dict[str, dict[DateSet, None]] = {}  # collection -> the sets of it

    def get(self, view: RecordView, wanted: DateSet) -> list[dt.date]:
        """The dates of ``wanted`` (found once, then kept; do not change the list)."""
        found = self.lists.get(wanted)
        if found is None:
            found = self.lists[wanted] = wanted.rescan(view)
            self.over.setdefault(wanted.collection, {})[wanted] = None
        return found

    def follow(self, view: RecordView, collection: str, record: dict[str, Any],
               sign: int) -> None:
        """Count ``record``'s dates in (sign 1) or out of (sign -1) the sets of ``collection``."""
        sets = self.over.get(collection)
        if not sets:
            return
        for wanted in tuple(sets):
            day = wanted.day(view, record)
            if day is None:
                continue
            found = self.lists[wanted]
            if sign > 0:
                insort(found, day)
                continue
            i = bisect_left(found, day)
            if i < len(found) and found[i] == day:
                del found[i]
            else:  # not counted in after all: find the set again when next asked
                self._drop(wanted)

    def forget_reading(self, collection: str) -> None:
        """Drop the sets of other collections whose tests read through ``collection``."""
        for wanted in [w for w in self.lists
                       if collection in w.reads and w.collection != collection]:
            self._drop(wanted)

    def _drop(self, wanted: DateSet) -> None:
        del self.lists[wanted], self.over[wanted.collection][wanted]
