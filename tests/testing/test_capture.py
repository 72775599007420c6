"""capture() and the history predicates."""

from __future__ import annotations

import pytest

import verantwortung as v
from verantwortung.testing import capture, fired, phase_entered, refused_with

TPL = v.load_template("verantwortungspartner")


def test_capture_records_accepted_and_refused() -> None:
    """Inside the block every accepted event and refusal is recorded; outside nothing."""
    proc = v.Process.start(TPL, region="R")
    with capture(proc) as log:
        proc.fire("note_added", payload={"text": "a"})
        with pytest.raises(v.TransitionRefused):
            proc.fire("hold_kickoff")
    proc.fire("note_added", payload={"text": "b"})
    assert ["note_added"] == [e.kind for e in log.accepted]
    assert refused_with("circle_too_small")(log)
    assert not refused_with("no_vision")(log)
    assert ["circle_too_small", "no_theme_identified", "logistics_open", "no_facilitator"] == (
        log.refusal_codes)


def test_predicates_over_a_history() -> None:
    """phase_entered and fired answer about a history or a capture."""
    proc = v.Process.start(TPL, region="R")
    proc.fire("abort", payload={"reason": "Test"})
    assert phase_entered("aborted")(proc.history)
    assert not phase_entered("kickoff")(proc.history)
    assert not phase_entered("preparation")(proc.history)
    assert fired("abort", times=1)(proc.history)
    assert not fired("note_added")(proc.history)
