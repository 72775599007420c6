"""Deadlines in exploration: each becomes due on a date of a real story, and is cleared."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import verantwortung as v
from tests.conftest import SHIPPED_TEMPLATES
from verantwortung.testing import explore
from verantwortung.testing.deadline_check import TIME, check_deadlines
from verantwortung.testing.planner import Planner

HERE = Path(__file__).parent / "check_templates"


def test_every_bundled_deadline_becomes_due_and_is_cleared() -> None:
    """The six deadlines: each due after a story on a day due() names it, and cleared by
    the step the method expects (or, for the reminder, by its date passing)."""
    tpl = v.load_template("verantwortungspartner")
    found = explore(tpl).deadlines
    assert {"meeting_upcoming": TIME, "kickoff_overdue": "hold_kickoff",
            "milestone_overdue": "hold_milestone", "minutes_missing": "hold_milestone",
            "process_stalled": "hold_kickoff", "closing_overdue": "hold_closing"} == {
        code: o.cleared_by for code, o in found.items()}
    for code, outcome in found.items():
        proc = v.Process.start(tpl, region="Testregion", at=dt.datetime(2014, 1, 6,
                                                                        tzinfo=dt.UTC))
        for step in outcome.steps:
            proc.fire(step.name, payload=dict(step.payload), at=proc.history[-1].at)
        assert outcome.due is not None
        assert code in [d.code for d in proc.due(at=outcome.due)]
        assert code not in [d.code for d in proc.due(at=outcome.due - dt.timedelta(days=1))] \
            or outcome.due == proc.history[-1].at.date()


@pytest.mark.parametrize("path", SHIPPED_TEMPLATES, ids=lambda p: p.name)
def test_every_shipped_deadline_is_due_and_cleared_without_ending_the_process(
        path: Path) -> None:
    """Each deadline of every shipped template becomes due and is cleared while it runs."""
    tpl = v.load_template(path)
    found = explore(tpl).deadlines
    assert [d.code for d in tpl.deadlines] == list(found)
    assert [] == [o.code for o in found.values()
                  if o.due is None or o.cleared_by is None or o.ends]


def test_a_deadline_cleared_only_by_ending_the_process_says_so() -> None:
    """Nothing clears it but a final step: the outcome names that step and marks it."""
    tpl = v.load_template(HERE / "never_cleared_deadline.yaml")
    result = explore(tpl)
    outcome = check_deadlines(Planner(tpl), result.reach)["forever_due"]
    assert outcome.due is not None
    assert outcome.ends
    assert outcome.cleared_by == "consolidate"
    assert {"code": "forever_due", "due": outcome.due.isoformat(), "steps": len(outcome.steps),
            "cleared_by": "consolidate", "ends": True} == outcome.to_dict()
