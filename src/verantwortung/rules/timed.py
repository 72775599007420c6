"""What time rules read of the records, and where their results can change.

A :class:`DateSet` names the dates one time rule reads: the ``field`` of the records
of a collection that pass its ``where`` (and ``unset``) tests. Like a :class:`Tally`
for counts, a view may keep the set up to date as records come and go (the engine's
state does: ``view.dated(date_set)``), so a time rule costs O(log n) however long the
history; any other view is scanned.

:class:`TimeEdges` gives the days where a time rule's result can change: all of them up
to a date (``edges(view, today)``, what the testing tools look through), or the latest
few before a date (:meth:`TimeEdges.latest`), which is how the engine tells since when
a deadline has been due without looking at every date of the history.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .dates import add_months, parse_day

if TYPE_CHECKING:
    from .compile import RecordView

__all__ = ["DateSet", "TimeEdges"]

RecordTest = Callable[["RecordView", dict[str, Any]], bool]


@dataclass(frozen=True, eq=False, slots=True)
class DateSet:
    """The dates a time rule reads: ``field`` of the records of ``collection`` passing
    every test (of the ``latest`` record only, when set).

    ``reads`` names the collections the tests look at: its own and those their
    ``ref.field`` paths follow. Compared by identity.
    """

    collection: str
    field: str
    tests: tuple[RecordTest, ...]
    reads: frozenset[str]
    latest: bool = False

    def day(self, view: RecordView, record: dict[str, Any]) -> dt.date | None:
        """The date ``record`` adds to the set, or None (it fails a test, or has no date)."""
        for test in self.tests:
            if not test(view, record):
                return None
        return parse_day(record.get(self.field))

    def rescan(self, view: RecordView) -> list[dt.date]:
        """The dates, in order, found from scratch."""
        records = view.records(self.collection)
        if self.latest:
            records = records[-1:]
        day = self.day
        return sorted([found for rec in records if (found := day(view, rec)) is not None])


Shift = Callable[[dt.date], dt.date]


class TimeEdges:
    """The days, after each date a time rule reads, on which its result can change.

    ``dates`` gives the dates in order; each shift moves a date to one such day, and
    moves later dates to later (or the same) days, so the days of one shift are in
    order as well. ``last_only``: the rule reads the latest date alone (``since``), so
    the edges of earlier dates do not change its result.
    """

    __slots__ = ("dates", "last_only", "shifts")

    def __init__(self, dates: Callable[[RecordView], Sequence[dt.date]],
                 shifts: tuple[Shift, ...], last_only: bool = False) -> None:
        self.dates, self.shifts, self.last_only = dates, shifts, last_only

    @classmethod
    def of(cls, dates: Callable[[RecordView], Sequence[dt.date]], *, since: bool, months: bool,
           lo: int | None, hi: int | None) -> TimeEdges:
        """The edges of a ``since`` (or ``until``) rule with bounds ``lo`` and ``hi``."""
        def by(amount: int) -> Shift:
            if months:
                return lambda day: add_months(day, amount)
            step = dt.timedelta(days=amount)
            return lambda day: day + step

        shifts = [by(1)]  # the next date moves on (until)
        # since: the amount reaches lo on day+lo, passes hi on day+hi+1;
        # until: it falls below lo on day-lo+1, reaches hi on day-hi
        if lo is not None:
            shifts.append(by(lo) if since else by(1 - lo))
        if hi is not None:
            shifts.append(by(hi + 1) if since else by(-hi))
        return cls(dates, tuple(shifts), since)

    def __call__(self, view: RecordView, today: dt.date) -> tuple[dt.date, ...]:
        """Every edge up to ``today`` (unordered, maybe repeated)."""
        shifts = self.shifts
        out = [shift(day) for day in self.dates(view) for shift in shifts]
        return tuple(d for d in out if d <= today)

    def latest(self, view: RecordView, today: dt.date, count: int
               ) -> tuple[list[dt.date], bool]:
        """The ``count`` latest edges up to ``today`` of each shift, latest first (maybe
        repeated), and whether they are all of them.

        The first ``count`` days of the list are the ``count`` latest edges of all; past
        those, edges may be missing unless all are there.
        """
        found = self.dates(view)
        if self.last_only:
            if not found:
                return [], True
            last = found[-1]
            out = [edge for shift in self.shifts if (edge := shift(last)) <= today]
            out.sort(reverse=True)
            return out, True
        out = []
        every = True
        for shift in self.shifts:
            end = bisect_right(found, today, key=shift)
            start = end - count if end > count else 0
            every = every and start == 0
            out.extend(map(shift, found[start:end]))
        out.sort(reverse=True)
        return out, every
