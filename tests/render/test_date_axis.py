"""The date axis under the report's timeline: marks on their days, ticks by span, escaping."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from verantwortung.render.date_axis import DatedMark, date_axis

D = dt.date


def test_marks_sit_on_their_days_and_ticks_follow_the_span() -> None:
    """Held meetings above, scheduled and due below, in day order; months as ticks for a
    year, quarters for two, and the day spoken of drawn as a line when it is near."""
    marks = [DatedMark(D(2012, 4, 25), "Auftakt", "held"),
             DatedMark(D(2012, 7, 4), "1. Meilensteintreffen", "held"),
             DatedMark(D(2012, 11, 20), "Meilensteintreffen", "scheduled"),
             DatedMark(D(2012, 11, 2), "Meilensteintreffen überfällig", "due")]
    svg = date_axis(marks, D(2012, 2, 6), D(2012, 11, 4), "de", "Stand 4. November 2012")
    assert ['data-day="2012-04-25"', 'data-day="2012-07-04"'] == re.findall(
        r'(?<=class="mark held" )data-day="[^"]+"', svg)
    assert 'class="mark scheduled" data-day="2012-11-20"' in svg
    assert 'class="mark due" data-day="2012-11-02"' in svg
    assert ">März 2012<" in svg
    assert ">Nov. 2012<" in svg
    assert ">Stand 4. November 2012<" in svg
    assert 'stroke-dasharray="3 3"' in svg  # the day spoken of, near the marks
    longer = date_axis(marks, D(2011, 1, 1), D(2012, 11, 4), "en", "As of")
    assert ">Jan 2011<" in longer
    assert ">Apr 2011<" in longer
    assert ">Feb 2011<" not in longer


def test_a_day_far_after_the_marks_is_named_not_drawn() -> None:
    """Asked years later, the axis ends at the last mark and names the day with an arrow."""
    svg = date_axis([DatedMark(D(2012, 4, 25), "Auftakt", "held")], D(2012, 2, 6),
                    D(2026, 12, 1), "de", "Stand 1. Dezember 2026")
    assert ">Stand 1. Dezember 2026 →<" in svg
    assert 'stroke-dasharray="3 3"' not in svg
    assert ">Jan. 2026<" not in svg


def test_every_label_is_text() -> None:
    """A label like a script stays escaped text."""
    svg = date_axis([DatedMark(D(2012, 3, 1), "<script>x</script>", "scheduled")],
                    D(2012, 1, 1), D(2012, 3, 2), "en", "<b>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<b>" not in svg


@given(st.lists(st.tuples(st.dates(D(2000, 1, 1), D(2040, 1, 1)),
                          st.sampled_from(["held", "scheduled", "due"])), max_size=12),
       st.dates(D(2000, 1, 1), D(2040, 1, 1)), st.dates(D(2000, 1, 1), D(2040, 1, 1)))
def test_every_mark_stays_on_the_axis(marks: list[tuple[dt.date, str]], start: dt.date,
                                      today: dt.date) -> None:
    """For any days, every mark is drawn once, and inside the axis's width."""
    svg = date_axis([DatedMark(d, "x", k) for d, k in marks], start, today)  # type: ignore[arg-type]
    assert len(marks) == svg.count('<g class="mark ')
    for x in re.findall(r'<text x="([\d.-]+)"', svg):
        assert 0 <= float(x) <= 1000
