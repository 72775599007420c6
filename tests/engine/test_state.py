"""The folded state: lazy containers, undo, snapshot and restore."""

from __future__ import annotations

import verantwortung as v
from verantwortung.engine.state import Layout, State

TPL = v.load_template("verantwortungspartner")
LAYOUT = Layout.of(TPL.collections)


def test_layout_knows_single_and_indexed_collections() -> None:
    """Single-record and id-indexed collections are told apart once per template."""
    assert {"facilitator", "logistics", "vision", "consolidation"} == set(LAYOUT.singles)
    assert {"partners", "themes", "goals", "teams", "projects"} <= LAYOUT.indexed
    assert "circle" not in LAYOUT.indexed


def test_undo_restores_exactly() -> None:
    """Undoing an add or an update gives back the state before it."""
    state = State("preparation", LAYOUT)
    state.add("partners", {"id": "p1", "kind": "company"})
    before = state.snapshot()
    undo = state.add("partners", {"id": "p2", "kind": "other"})
    undo()
    undo_single = state.add("vision", {"text": "2030"})
    undo_single()
    record = state.lookup("partners", "p1")
    assert record is not None
    state.update(record, {"kind": "other"})()
    assert before == state.snapshot()
    assert state.lookup("partners", "p2") is None


def test_snapshot_restore_round_trip() -> None:
    """restore(snapshot()) rebuilds records, singles and the id index."""
    state = State("kickoff", LAYOUT)
    state.add("partners", {"id": "p1", "kind": "company"})
    state.add("vision", {"text": "2030"})
    copy = State("preparation", LAYOUT)
    copy.restore(state.snapshot())
    assert state.snapshot() == copy.snapshot()
    assert {"id": "p1", "kind": "company"} == copy.lookup("partners", "p1")


def test_empty_state_reads_as_empty() -> None:
    """A fresh state has no records anywhere and makes no containers to say so."""
    state = State("preparation", LAYOUT)
    assert (0, None, None) == (len(state.records("partners")), state.single("vision"),
                               state.lookup("partners", "x"))
    assert {"phase": "preparation", "records": {}, "single": {}} == state.snapshot()
