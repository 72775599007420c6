"""Calendar days for time rules and for messages people read.

A :class:`Day` is an ISO date text (JSON-ready, equal to ``"2012-07-04"``) that a
message writes as a person reads it: "4. Juli 2012" in German, "4 July 2012" in
English. The month names are written out here, so no locale of the machine plays
a part.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["Day", "add_months", "day_text", "human_date", "localized", "months_between",
           "parse_day"]

_MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


class Day(str):
    """A date as ISO text; :meth:`human` writes it for a reader."""

    __slots__ = ()

    def __new__(cls, day: dt.date) -> Day:
        return super().__new__(cls, day.isoformat())

    @property
    def date(self) -> dt.date:
        """The date itself."""
        return dt.date.fromisoformat(self)

    def human(self, lang: str) -> str:
        """"4. Juli 2012" (de) or "4 July 2012" (en)."""
        return human_date(self.date, lang)


@lru_cache(maxsize=4096)
def day_text(day: dt.date) -> Day:
    """The :class:`Day` of a date (the same few dates are read again and again)."""
    return Day(day)


def human_date(day: dt.date, lang: str = "en") -> str:
    """A date as a person reads it: "4. Juli 2012" (de), "4 July 2012" (en)."""
    month = _MONTHS["de" if lang == "de" else "en"][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "de" else f"{day.day} {month} {day.year}"


@lru_cache(maxsize=4096)
def _parse(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_day(value: Any) -> dt.date | None:
    """The calendar day of a date field (ISO text, a date or a datetime), or None."""
    if type(value) is str:  # the common case first: fields hold ISO text
        return _parse(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _parse(value) if isinstance(value, str) else None


def months_between(first: dt.date, second: dt.date) -> int:
    """Whole calendar months from ``first`` to ``second`` (negative when it lies before).

    The most months that :func:`add_months` can add to the earlier date without passing
    the later one, so the two agree at month ends too (31 January + 1 month = 29 February).
    """
    if second < first:
        return -months_between(second, first)
    months = (second.year - first.year) * 12 + second.month - first.month
    return months - 1 if add_months(first, months) > second else months


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st becomes the month's last day where needed."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def localized(values: dict[str, Any], lang: str,
              among: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``values`` with every :class:`Day` written for ``lang`` (itself when it has none).

    ``among``: where the days can be (a rule's seen values), looked through instead of
    every value. The copy keeps the mapping's class, so a ``__missing__`` of it applies.
    """
    days = [k for k, v in (values if among is None else among).items() if type(v) is Day]
    if not days:
        return values
    out = type(values)(values)
    for key in days:
        out[key] = Day.human(values[key], lang)
    return out
