"""Deadlines: what is due when, as a pure function of the template, the log and a date."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import verantwortung as v

PARTNERS = [("optik", "Saale-Optik GmbH"), ("metallbau", "Metallbau Kühnel GmbH"),
            ("porzellan", "Porzellanmanufaktur Ilmtal KG"), ("bank", "Regionalbank eG"),
            ("software", "Weimarer Softwarehaus GmbH")]


@pytest.fixture(scope="module")
def tpl() -> v.ProcessTemplate:
    """The bundled template."""
    return v.load_template("verantwortungspartner")


def _prepared(tpl: v.ProcessTemplate, at: str = "2012-02-06") -> v.Process:
    """A process in preparation that can hold its kick-off."""
    proc = v.Process.start(tpl, region="Thüringen", at=at)
    for pid, name in PARTNERS:
        proc.fire("partner_added", payload={"id": pid, "name": name, "kind": "company"}, at=at)
        proc.fire("circle_member_joined", payload={"partner": pid}, at=at)
    proc.fire("facilitator_assigned", payload={"name": "Birgit Hartmann"}, at=at)
    proc.fire("theme_proposed", payload={"id": "fk", "title": "Fachkräfte"}, at=at)
    proc.fire("theme_selected", payload={"theme": "fk"}, at=at)
    proc.fire("logistics_clarified", payload={"host": "IHK Erfurt"}, at=at)
    return proc


def _thueringen(tpl: v.ProcessTemplate) -> v.Process:
    """Kick-off in April, MT1 on 4 July 2012, with minutes, and some work in between."""
    proc = _prepared(tpl)
    proc.fire("hold_kickoff", payload={"minutes": "Themen vorgestellt"}, at="2012-04-25")
    proc.fire("hold_milestone", payload={"minutes": "Projektskizzen"}, at="2012-07-04")
    proc.fire("vision_set", payload={"text": "Fachkräfte bleiben"}, at="2012-09-10")
    proc.fire("goal_added", payload={"id": "g", "text": "Praktika"}, at="2012-09-10")
    proc.fire("team_formed", payload={"id": "t", "name": "Schule", "members": ["optik"]},
              at="2012-09-10")
    return proc


def _codes(proc: v.Process, at: str) -> list[str]:
    return [d.code for d in proc.due(at=at)]


def test_milestone_overdue_from_the_121st_day_naming_the_last_meeting(
        tpl: v.ProcessTemplate) -> None:
    """MT1 on 4 July 2012 and no meeting since: milestone_overdue is due from 2 Nov 2012."""
    proc = _thueringen(tpl)
    assert "milestone_overdue" not in _codes(proc, "2012-11-01")
    [due] = [d for d in proc.due(at="2012-11-04") if d.code == "milestone_overdue"]
    assert (dt.date(2012, 11, 2), "overdue") == (due.since, due.severity)
    assert ("Seit dem letzten Treffen am 4. Juli 2012 sind 123 Tage vergangen; empfohlener "
            "längster Abstand in Tagen: 120.") == due.message("de")
    assert ("123 days have passed since the last meeting on 4 July 2012; recommended "
            "longest interval in days: 120.") == due.message("en")
    assert {"days": 123, "date": "2012-07-04", "max": 120} == {
        k: due.seen[k] for k in ("days", "date", "max")}


def test_the_next_meeting_clears_milestone_overdue(tpl: v.ProcessTemplate) -> None:
    """Holding the next milestone meeting on 4 November 2012 clears the overdue item."""
    proc = _thueringen(tpl)
    proc.fire("hold_milestone", payload={"minutes": "Fortschritt"}, at="2012-11-04")
    assert [] == _codes(proc, "2012-11-04")


def test_a_parameter_moves_the_deadline(tpl: v.ProcessTemplate) -> None:
    """With milestone_interval_max_days 90, the same story is overdue from 3 October."""
    proc = _thueringen(tpl.with_parameters(milestone_interval_max_days=90))
    [due] = [d for d in proc.due(at="2012-11-04") if d.code == "milestone_overdue"]
    assert dt.date(2012, 10, 3) == due.since


def test_overdue_items_come_before_reminders(tpl: v.ProcessTemplate) -> None:
    """A reminder and an overdue item on one date: the overdue one is listed first."""
    proc = _thueringen(tpl)
    proc.fire("event_scheduled", payload={"kind": "milestone", "date": "2012-11-10"},
              at="2012-11-02")
    assert ["milestone_overdue", "meeting_upcoming"] == _codes(proc, "2012-11-03")


def test_due_as_of_an_earlier_date_judges_the_story_up_to_it(tpl: v.ProcessTemplate) -> None:
    """Asked about a date before later events, due() sees only the events up to it."""
    proc = _thueringen(tpl)
    proc.fire("hold_milestone", payload={"minutes": "Fortschritt"}, at="2012-11-04")
    assert ["milestone_overdue"] == _codes(proc, "2012-11-03")
    assert [] == _codes(proc, "2011-12-31")


def test_due_refuses_a_date_that_is_no_date(tpl: v.ProcessTemplate) -> None:
    """An unparseable date is a ValueError that names it."""
    with pytest.raises(ValueError, match="2012-13-01"):
        _thueringen(tpl).due(at="2012-13-01")


def test_due_items_are_json_ready(tpl: v.ProcessTemplate) -> None:
    """to_dict gives ISO dates and both messages; json.dumps takes it as it is."""
    import json

    [due] = [d for d in _thueringen(tpl).due(at="2012-11-04") if d.code == "milestone_overdue"]
    data = json.loads(json.dumps(due.to_dict()))
    assert ("2012-11-02", "2012-07-04") == (data["since"], data["seen"]["date"])


def test_a_time_guard_blocks_a_trigger_until_its_date(write: Any) -> None:
    """A guard 'at least 180 days after the kick-off' refuses earlier and shows in options."""
    path = write('''\
extends: verantwortungspartner
id: patient
version: "1"
title: {de: Geduldig, en: Patient}
triggers:
  hold_closing:
    guards:
      too_early:
        rule: {since: phases_entered, where: {phase: kickoff}, min: 180}
        message:
          de: Seit dem Auftakt am {date} sind erst {days} Tage vergangen; nötig sind {min}.
          en: Only {days} days since the kick-off on {date}; {min} are needed.
''', "patient.yaml")
    tpl = v.load_template(str(path))
    proc = _thueringen(tpl)
    proc.fire("hold_milestone", payload={"minutes": "m"}, at="2012-09-20")
    proc.fire("hold_milestone", payload={"minutes": "m"}, at="2012-09-21")
    proc.fire("project_added", payload={"id": "p", "title": "Atlas", "team": "t"},
              at="2012-09-21")
    [option] = [o for o in proc.options(at="2012-10-01") if o.name == "hold_closing"]
    assert (False, ["too_early"]) == (option.allowed, [r.code for r in option.reasons])
    with pytest.raises(v.TransitionRefused) as refused:
        proc.fire("hold_closing", at="2012-10-01")
    [reason] = refused.value.reasons
    assert ("too_early", "Seit dem Auftakt am 25. April 2012 sind erst 159 Tage vergangen; "
            "nötig sind 180.") == (reason.code, reason.message("de"))
    assert "Only 159 days since the kick-off on 25 April 2012; 180 are needed." == \
        reason.message("en")
    [later] = [o for o in proc.options(at="2012-10-22") if o.name == "hold_closing"]
    assert later.allowed
    assert "closing" == proc.fire("hold_closing", at="2012-10-22").phase


# -- the same due() however the process was rebuilt -------------------------------------

_DAY0 = dt.date(2012, 1, 2)

_STEPS = st.lists(st.tuples(
    st.integers(min_value=0, max_value=150),  # days after the previous step
    st.sampled_from(["note", "schedule", "meet", "meet_with_minutes"]),
    st.integers(min_value=-30, max_value=60),  # a scheduled date relative to the step
), max_size=12)


def _story(tpl: v.ProcessTemplate, steps: list[tuple[int, str, int]]) -> tuple[v.Process, str]:
    """A random dated history; returns the process and the latest date in it."""
    day = _DAY0
    proc = _prepared(tpl, day.isoformat())
    for gap, what, offset in steps:
        day += dt.timedelta(days=gap)
        at = day.isoformat()
        if what == "note":
            proc.fire("note_added", payload={"text": "n"}, at=at)
        elif what == "schedule":
            date = (day + dt.timedelta(days=offset)).isoformat()
            proc.fire("event_scheduled", payload={"kind": "milestone", "date": date}, at=at)
        elif proc.phase in ("preparation", "kickoff"):
            trigger = "hold_kickoff" if proc.phase == "preparation" else "hold_milestone"
            payload = {"minutes": "m"} if what == "meet_with_minutes" else {}
            proc.fire(trigger, payload=payload, at=at)
    return proc, day.isoformat()


_TPL = v.load_template("verantwortungspartner")


@given(steps=_STEPS, later=st.integers(min_value=-60, max_value=400))
def test_due_is_the_same_after_replay_and_a_json_round_trip(
        steps: list[tuple[int, str, int]], later: int) -> None:
    """For random dated histories, replay and from_json give the same due items."""
    tpl = _TPL
    proc, last = _story(tpl, steps)
    at = (dt.date.fromisoformat(last) + dt.timedelta(days=later)).isoformat()
    expected = proc.due(at=at)
    assert expected == v.Process.replay(tpl, proc.history).due(at=at)
    assert expected == v.Process.from_json(tpl, proc.to_json()).due(at=at)


@given(steps=_STEPS, later=st.integers(min_value=0, max_value=400))
def test_due_is_the_same_after_a_store_load_with_and_without_a_snapshot(
        tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, str, int]],
        later: int) -> None:
    """A stored process, loaded from its events or from a snapshot, has the same due()."""
    tpl = _TPL
    proc, last = _story(tpl, steps)
    at = (dt.date.fromisoformat(last) + dt.timedelta(days=later)).isoformat()
    path: Path = tmp_path_factory.mktemp("due") / "s.sqlite3"
    with v.EventStore(f"sqlite:///{path}", create=True) as store:
        store.add(proc, "verantwortungspartner")
        plain = store.load(proc.id, use_snapshot=False)
        store.snapshot(proc.id)
        snapped = store.load(proc.id)
    assert proc.due(at=at) == plain.due(at=at) == snapped.due(at=at)


def _told(items: tuple[v.Due, ...]) -> list[tuple[Any, ...]]:
    return [(d, d.message_de, d.message_en) for d in items]


@given(steps=_STEPS, days=st.lists(st.integers(min_value=-60, max_value=400), min_size=1,
                                   max_size=6))
def test_due_asked_again_on_other_days_and_after_events_is_never_stale(
        steps: list[tuple[int, str, int]], days: list[int]) -> None:
    """What due() keeps between calls never shows: any days, any order, events between
    (notes, dates, minutes, a phase change, refusals)."""
    proc, last = _story(_TPL, steps)
    for i, later in enumerate(days):
        at = (dt.date.fromisoformat(last) + dt.timedelta(days=later)).isoformat()
        fresh = v.Process.replay(_TPL, proc.history)
        assert _told(fresh.due(at=at)) == _told(proc.due(at=at))
        # an event dated like the latest one: what it changes shows from that day on
        ahead = (dt.date.fromisoformat(last) + dt.timedelta(days=later % 30)).isoformat()
        name, payload = [("note_added", {"text": "n"}),
                         ("event_scheduled", {"kind": "milestone", "date": ahead}),
                         ("minutes_recorded", {"phase": proc.phase, "minutes": "m"}),
                         ("hold_milestone", {})][i % 4]
        # refused when not in this phase, or by a guard: then nothing changed
        with contextlib.suppress(v.TransitionRefused):
            proc.fire(name, payload=payload, at=proc.history[-1].at)


def test_due_messages_are_written_when_read(tpl: v.ProcessTemplate) -> None:
    """due() does not write messages nobody reads; each reads as before when asked."""
    proc = _thueringen(tpl)
    [due] = [d for d in proc.due(at="2012-11-04") if d.code == "milestone_overdue"]
    assert "message_de" not in {f.name for f in dataclasses.fields(due)}
    assert ("Seit dem letzten Treffen am 4. Juli 2012 sind 123 Tage vergangen; empfohlener "
            "längster Abstand in Tagen: 120.") == due.message("de") == due.message_de
    assert "123 days have passed since the last meeting on 4 July 2012; recommended " \
        "longest interval in days: 120." == due.message("en") == due.to_dict()["message_en"]


@given(steps=_STEPS, later=st.integers(min_value=0, max_value=400))
@example(steps=[(0, "schedule", n) for n in (20, 25, 30, 35, 40, 45)], later=43)  # a long walk
def test_since_is_the_first_day_of_the_run_of_due_days_ending_on_the_day_asked(
        steps: list[tuple[int, str, int]], later: int) -> None:
    """Judged on the records as they are, a deadline fails on every day from its since to the
    day asked about, and passes on the day before (unless that is before the phase began)."""
    from verantwortung.engine.deadlines import _Dated, deadlines_of

    proc, last = _story(_TPL, steps)
    today = dt.date.fromisoformat(last) + dt.timedelta(days=later)
    state, last_at = proc._state, proc.history[-1].at
    rules = {d.check.code: d.check.fn for d in deadlines_of(proc._ct)}
    entered = dt.date.fromisoformat(state.records("phases_entered")[-1]["at"][:10]) \
        if state.records("phases_entered") else proc.history[0].at.date()

    def passes(code: str, day: dt.date) -> bool:
        return rules[code](_Dated(state, day, last_at, {}), {})[0]

    for due in proc.due(at=today):
        days = (today - due.since).days
        assert [False] * (days + 1) == [
            passes(due.code, due.since + dt.timedelta(days=n)) for n in range(days + 1)]
        assert due.since <= entered or passes(due.code, due.since - dt.timedelta(days=1))
