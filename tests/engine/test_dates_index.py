"""The dates time rules read, kept by the fold: always equal to a scan of the records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.engine.state import State

TPL = v.load_template(str(Path(__file__).with_name("visits.yaml")))
DAY0 = dt.date(2012, 3, 1)


class _Plain:
    """The RecordView protocol over a state, without anything it keeps: a scan each time."""

    def __init__(self, state: State) -> None:
        self.records, self.single, self.lookup = state.records, state.single, state.lookup


def _kept(proc: v.Process) -> dict[Any, list[dt.date]]:
    kept = proc._state._kept
    return {} if kept is None or kept.dates is None else kept.dates.lists


def _told(items: tuple[v.Due, ...]) -> list[tuple[Any, ...]]:
    return [(d, d.message_de, d.message_en) for d in items]


def _start() -> v.Process:
    proc = v.Process.start(TPL, region="Saale-Holzland", at=DAY0)
    for pid, kind in (("a", "company"), ("b", "municipality")):
        proc.fire("partner_added", payload={"id": pid, "name": pid.upper(), "kind": kind},
                  at=DAY0)
    return proc


_OPS = st.lists(st.tuples(
    st.sampled_from(["plan", "move", "report", "cancel", "kind", "note", "refused", "ask"]),
    st.integers(0, 3),  # which visit (or partner)
    st.integers(-20, 60),  # a date relative to the step, or the day asked about
), max_size=25)


def _step(proc: v.Process, op: str, a: int, b: int, day: dt.date) -> None:
    visit, date = f"v{a}", (day + dt.timedelta(days=b)).isoformat()
    known = proc._state.lookup("visits", visit) is not None
    try:
        if op == "plan" and not known:
            proc.fire("visit_planned", payload={"id": visit, "partner": "ab"[a % 2],
                                                "date": date}, at=day)
        elif op == "move" and known:
            proc.fire("visit_moved", payload={"id": visit, "date": date}, at=day)
        elif op == "report" and known:
            proc.fire("visit_reported", payload={"id": visit, "report": "gut"}, at=day)
        elif op == "cancel" and known:
            proc.fire("visit_cancelled", payload={"id": visit}, at=day)
        elif op == "kind":
            proc.fire("partner_kind_changed", payload={
                "id": "ab"[a % 2], "kind": ("company", "other")[b % 2]}, at=day)
        elif op == "note":
            proc.fire("note_added", payload={"text": "n"}, at=day)
        elif op == "refused":  # a partner nobody added: refused, nothing changes
            proc.fire("visit_planned", payload={"id": "x", "partner": "z", "date": date},
                      at=day)
    except v.TransitionRefused:
        assert op == "refused"


@given(_OPS)
@example([("ask", 0, 0), ("plan", 0, 5), ("kind", 0, 1), ("ask", 0, 40), ("kind", 0, 0),
          ("ask", 0, 40)])
@example([("ask", 0, 0), ("plan", 1, 5), ("move", 1, -3), ("report", 1, 0), ("cancel", 1, 0),
          ("ask", 0, 3)])
def test_kept_dates_equal_a_scan_of_the_records_for_random_histories(
        ops: list[tuple[str, int, int]]) -> None:
    """Dates kept through adds, moves, reports, removals, references and refusals equal a scan
    and a replay's; due() equals a fresh replay's on every day asked about."""
    proc, day = _start(), DAY0
    for i, (op, a, b) in enumerate(ops):
        day += dt.timedelta(days=i % 3)
        if op == "ask":  # time rules start keeping their dates at a random point
            at = day + dt.timedelta(days=abs(b))  # on or after the latest event
            fresh = v.Process.replay(TPL, proc.history)
            assert _told(fresh.due(at=at)) == _told(proc.due(at=at))
            kept, found = _kept(proc), _kept(fresh)  # found again from the history
            assert found == {wanted: kept[wanted] for wanted in found}
        else:
            _step(proc, op, a, b, day)
        plain = _Plain(proc._state)
        for wanted, dates in _kept(proc).items():
            assert wanted.rescan(plain) == dates
    asked = any(op == "ask" for op, _, _ in ops)
    assert asked == bool(_kept(proc))


def test_an_event_no_deadline_reads_keeps_what_due_found() -> None:
    """A note changes no date a deadline reads: what due() found for those is kept as it was."""
    proc = _start()
    proc.fire("visit_planned", payload={"id": "v", "partner": "a", "date": "2012-03-05"},
              at=DAY0)
    before = proc.due(at="2012-05-01")
    facts = dict(proc._state.facts)
    proc.fire("note_added", payload={"text": "Anruf"}, at=DAY0 + dt.timedelta(days=1))
    after = proc.due(at="2012-05-01")
    kept = {k for k, f in facts.items() if proc._state.facts.get(k) is f}
    # every deadline but the one that reads the latest event (process_stalled)
    assert {d.check.code for d, *_ in facts.values()} - {"process_stalled"} == {
        d.check.code for d, *_ in (facts[k] for k in kept)}
    assert before == after


def test_a_change_of_a_field_no_date_depends_on_keeps_the_dates() -> None:
    """Minutes recorded for a meeting do not move its date: the kept dates keep their version."""
    proc = _start()
    proc.due(at=DAY0)  # the deadlines start keeping what they read
    index = proc._state._kept.dates  # type: ignore[union-attr]
    assert index is not None
    proc.fire("visit_planned", payload={"id": "v", "partner": "b", "date": "2012-03-05"},
              at=DAY0)
    versions = dict(index.versions)
    proc.fire("visit_reported", payload={"id": "v", "report": "gut"}, at=DAY0)
    changed = [w for w, version in index.versions.items() if version != versions.get(w)]
    # only the visits without a report lost one: the visit's date is where it was
    assert [[]] == [index.lists[w] for w in changed]
