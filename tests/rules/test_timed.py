"""Where time rules' results can change: the latest edges agree with the full list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from verantwortung.rules.timed import TimeEdges

_DAY0 = dt.date(2012, 1, 1)


@given(days=st.lists(st.integers(0, 400), max_size=30), today=st.integers(-50, 500),
       since=st.booleans(), months=st.booleans(),
       lo=st.one_of(st.none(), st.integers(0, 90)), hi=st.one_of(st.none(), st.integers(0, 90)),
       count=st.integers(1, 6))
def test_the_latest_edges_are_the_latest_of_all_edges(
        days: list[int], today: int, since: bool, months: bool, lo: int | None,
        hi: int | None, count: int) -> None:
    """latest() gives, latest first, the same first edges as the full list up to the day (of
    the latest date alone for since, whose result reads only that), and all when it says so."""
    found = sorted(_DAY0 + dt.timedelta(days=d) for d in days)
    day = _DAY0 + dt.timedelta(days=today)
    edges = TimeEdges.of(lambda view: found, since=since, months=months, lo=lo, hi=hi)
    view: Any = None
    latest, every = edges.latest(view, day, count)
    if since:  # the since rule reads the latest date alone
        full = sorted(TimeEdges.of(lambda view: found[-1:], since=True, months=months, lo=lo,
                                   hi=hi)(view, day), reverse=True)
        assert (full, True) == (latest, every)
        assert set(latest) <= set(edges(view, day))
    else:
        full = sorted(edges(view, day), reverse=True)
        assert full[:count] == latest[:count]
        if every:
            assert full == latest
