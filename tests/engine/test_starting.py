"""What every replay checks first: decoding the events of a history in bulk."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.engine.starting import decoded
from verantwortung.model.process import Event
from verantwortung.testing.strategies import event_sequences

TPL = v.load_template("verantwortungspartner")


def _story(steps: list[Any]) -> v.Process:
    proc = v.Process.start(TPL, region="Trier", at="2014-01-01")
    for step in steps:
        proc.fire(step.name, actor=step.actor, payload=dict(step.payload))
    return proc


@settings(max_examples=30, deadline=None)
@given(steps=event_sequences(TPL, max_steps=25))
def test_an_exported_history_decodes_as_its_events(steps: list[Any]) -> None:
    """For any story, its exported event dicts decode to its events and replay to it."""
    proc = _story(steps)
    dicts = json.loads(proc.to_json())["history"]
    assert list(proc.history) == decoded(dicts)
    assert proc == v.Process.replay(TPL, dicts) == v.Process.from_json(TPL, proc.to_json())


@given(index=st.integers(0, 5), field=st.sampled_from(["seq", "at", "payload", "kind"]),
       value=st.sampled_from([None, "2014", 3, [], {}]))
def test_one_bad_event_is_refused_as_one_by_one(index: int, field: str, value: Any) -> None:
    """A history with one event that does not fit gives the error a decode one by one gives."""
    proc = _story([])
    for i in range(5):
        proc.fire("note_added", payload={"text": f"Notiz {i}"})
    dicts = json.loads(proc.to_json())["history"]
    dicts[index][field] = value
    problem: ValueError | None = None
    try:
        expected: Any = [Event.from_dict(e) for e in dicts]
    except ValueError as exc:
        problem = exc
    if problem is None:
        assert expected == decoded(dicts)
        return
    with pytest.raises(v.ReplayError) as raised:
        decoded(dicts)
    assert f"not a valid event: {problem}" == str(raised.value)
