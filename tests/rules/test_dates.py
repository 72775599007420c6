"""Dates as people read them, and calendar arithmetic for time rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from verantwortung.rules.dates import Day, add_months, human_date, months_between, parse_day


def test_dates_are_written_as_a_person_reads_them() -> None:
    """German '4. Juli 2012', English '4 July 2012', with no locale involved."""
    assert ("4. Juli 2012", "4 July 2012") == (human_date(dt.date(2012, 7, 4), "de"),
                                             human_date(dt.date(2012, 7, 4), "en"))
    assert "1. März 2013" == human_date(dt.date(2013, 3, 1), "de")


def test_a_day_is_iso_text_that_knows_how_to_be_read() -> None:
    """A Day equals its ISO text and writes itself per language."""
    day = Day(dt.date(2012, 11, 2))
    assert ("2012-11-02", "2. November 2012") == (day, day.human("de"))


def test_date_fields_parse_from_text_dates_and_times() -> None:
    """ISO dates and times, dates and datetimes give a day; anything else None."""
    assert [dt.date(2012, 7, 4)] * 3 + [None, None] == [
        parse_day("2012-07-04"), parse_day("2012-07-04T10:00:00+00:00"),
        parse_day(dt.datetime(2012, 7, 4, 10)), parse_day("4.7.2012"), parse_day(None)]


def test_month_ends_are_kept_within_the_month() -> None:
    """31 January plus one month is the last day of February."""
    assert dt.date(2012, 2, 29) == add_months(dt.date(2012, 1, 31), 1)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.integers(min_value=0, max_value=240))
def test_adding_whole_months_is_measured_as_those_months(day: dt.date, months: int) -> None:
    """For every day, months_between(d, add_months(d, n)) == n, and a day less is n - 1."""
    later = add_months(day, months)
    assert months == months_between(day, later)
    if months:
        assert months - 1 == months_between(day, later - dt.timedelta(days=1))
