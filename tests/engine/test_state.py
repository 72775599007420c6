"""The folded state: lazy containers, undo, snapshot and restore."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.engine.state import Layout, State
from verantwortung.model.rules import CountRule
from verantwortung.rules.compile import compile_rule

TPL = v.load_template("verantwortungspartner")
LAYOUT = Layout.of(TPL.collections)


def test_layout_knows_single_and_indexed_collections() -> None:
    """Single-record and id-indexed collections are told apart once per template."""
    assert {"facilitator", "logistics", "vision", "patron"} == set(LAYOUT.singles)
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
    state.update("partners", record, {"kind": "other"})()
    assert before == state.snapshot()
    assert state.lookup("partners", "p2") is None


@given(st.booleans())
def test_undoing_an_update_takes_out_the_fields_it_added(counted: bool) -> None:
    """An undone update that set a field the record lacked leaves no such field behind
    (a refused status change with [to] left ``to: None`` and broke replay equality)."""
    state = State("preparation", LAYOUT)
    state.add("projects", {"id": "p1", "title": "Beispiel", "status": "idea"})
    if counted:  # with counts kept, the undo goes through the indexed path
        ideas = compile_rule(CountRule(count="projects", where={"status": "idea"}, min=0),
                             TPL.collections, TPL.values)
        assert 1 == ideas(state, {})[1]["count"]
    before = state.snapshot()
    record = state.lookup("projects", "p1")
    assert record is not None
    state.update("projects", record, {"status": "handed_over", "to": "Verein"})()
    assert before == state.snapshot()
    assert {"id": "p1", "title": "Beispiel", "status": "idea"} == record


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


# -- counts and unique values kept by the fold --------------------------------------------

_KINDS = ("company", "chamber", "other")
_RULES = [{"count": "circle", "where": {"partner.kind": "company"}, "min": 1},
          {"count": "circle", "where": {"speaker": True}, "max": 2},
          {"count": "circle", "where": {"partner.kind": ["company", "chamber"], "speaker": False},
           "min": 1},
          {"count": "partners", "where": {"kind": "company"}, "min": 1}]
_OPS = st.lists(st.tuples(st.sampled_from(["partner", "join", "kind", "speaker", "undo", "ask"]),
                          st.integers(0, 3), st.integers(0, 2)), max_size=40)


class _Plain:
    """The RecordView protocol over a state, without its kept counts: every count recounts."""

    def __init__(self, state: State) -> None:
        self.records, self.single, self.lookup = state.records, state.single, state.lookup


def _counts(state: Any, rules: list[Any]) -> list[int]:
    return [rule(state, {})[1]["count"] for rule in rules]


def _step(state: State, op: str, a: int, b: int, undos: list[Any]) -> None:
    partner = state.lookup("partners", f"p{a}")
    members = list(state.records("circle"))
    if op == "partner" and partner is None:
        undos.append(state.add("partners", {"id": f"p{a}", "kind": _KINDS[b]}))
    elif op == "join" and partner is not None and not state.holds("circle", "partner", f"p{a}"):
        undos.append(state.add("circle", {"partner": f"p{a}", "speaker": b == 0}))
    elif op == "kind" and partner is not None:
        undos.append(state.update("partners", partner, {"kind": _KINDS[b]}))
    elif op == "speaker" and members:
        undos.append(state.update("circle", members[a % len(members)], {"speaker": b == 0}))
    elif op == "undo" and undos:
        undos.pop()()


@given(_OPS)
@example([("partner", 0, 0), ("join", 0, 1), ("kind", 0, 2), ("undo", 0, 0)])
@example([("partner", 1, 0), ("join", 1, 1), ("speaker", 0, 0), ("undo", 0, 0), ("undo", 0, 0)])
def test_kept_counts_equal_a_recount_for_random_histories(ops: list[tuple[str, int, int]]
                                                         ) -> None:
    """Counts and unique values kept through adds, updates and undos equal a recount."""
    rules = [compile_rule(CountRule.model_validate(r), TPL.collections, TPL.values)
             for r in _RULES]
    state, undos = State("preparation", LAYOUT), []
    for op, a, b in ops:
        if op == "ask":  # rules start keeping their count at a random point of the history
            _counts(state, rules[: b + 1])
        _step(state, op, a, b, undos)
        assert _counts(_Plain(state), rules) == _counts(state, rules)
        members = {m["partner"] for m in state.records("circle")}
        assert [f"p{i}" in members for i in range(4)] == [
            state.holds("circle", "partner", f"p{i}") for i in range(4)]


@given(ids=st.lists(st.text(alphabet="aAbBpP1１ｐ", min_size=1, max_size=3), max_size=12),
       probe=st.text(alphabet="aAbBpP1１ｐ", min_size=1, max_size=3))
def test_same_id_equals_a_scan_of_the_records(ids: list[str], probe: str) -> None:
    """The folded id index finds what a scan with id_key finds, after adds and undos."""
    from verantwortung.model.text import id_key

    state = State("a", Layout(frozenset(), frozenset({"things"})))
    undos = []
    for rid in ids:
        if state.same_id("things", rid) is None:
            undos.append(state.add("things", {"id": rid}))
    for undo in undos[len(undos) // 2:][::-1]:
        undo()
    scan = next((r["id"] for r in state.records("things") if id_key(r["id"]) == id_key(probe)),
                None)
    assert scan == state.same_id("things", probe)
    restored = State("a", Layout(frozenset(), frozenset({"things"})))
    restored.restore(state.snapshot(), owned=True)
    assert scan == restored.same_id("things", probe)


def test_a_removed_record_leaves_counts_index_and_can_come_back() -> None:
    """remove() takes a record out of records, index and kept counts; undo puts it back."""
    state = State("preparation", LAYOUT)
    count = compile_rule(CountRule(count="partners", where={"kind": "company"}, min=0),
                         TPL.collections, TPL.values)
    for pid in ("p1", "p2", "p3"):
        state.add("partners", {"id": pid, "kind": "company"})
    assert 3 == count(state, {})[1]["count"]
    before = state.snapshot()
    record = state.lookup("partners", "p2")
    assert record is not None
    undo = state.remove("partners", record)
    assert (2, None) == (count(state, {})[1]["count"], state.lookup("partners", "p2"))
    assert ["p1", "p3"] == [r["id"] for r in state.records("partners")]
    undo()
    assert (3, before) == (count(state, {})[1]["count"], state.snapshot())


def test_removing_a_single_record_unsets_it() -> None:
    """A single collection's record can be removed and restored."""
    state = State("preparation", LAYOUT)
    state.add("vision", {"text": "2030"})
    undo = state.remove("vision", {"text": "2030"})
    assert None is state.single("vision")
    undo()
    assert {"text": "2030"} == state.single("vision")


def _deferred(records: list[dict[str, Any]], calls: list[str]) -> Any:
    def decode() -> list[dict[str, Any]]:
        calls.append("decoded")
        return [dict(r) for r in records]
    return decode


def test_a_deferred_collection_is_decoded_when_first_read() -> None:
    """restore() keeps a deferred collection undecoded; a record added to a collection
    without ids waits after the decoded ones, and an undo of it still works."""
    notes = [{"text": f"n{i}"} for i in range(3)]
    calls: list[str] = []
    state = State("preparation", LAYOUT)
    state.restore({"phase": "kickoff", "records": {"notes": _deferred(notes, calls)},
                   "single": {}}, owned=True)
    state.add("notes", {"text": "new"})
    undo = state.add("notes", {"text": "undone"})
    undo()
    assert [] == calls
    assert [*notes, {"text": "new"}] == list(state.records("notes"))
    assert ["decoded"] == calls
    state.records("notes")
    assert ["decoded"] == calls  # once


def test_a_deferred_collection_with_ids_is_decoded_before_an_add() -> None:
    """An indexed collection is decoded before a record is added: its index knows every
    id, and one that reads alike is found."""
    calls: list[str] = []
    state = State("preparation", LAYOUT)
    state.restore({"phase": "kickoff", "records": {
        "partners": _deferred([{"id": "P1", "kind": "company"}], calls)}, "single": {}},
        owned=True)
    assert "P1" == state.same_id("partners", "p1")
    state.add("partners", {"id": "p2", "kind": "other"})
    assert ["decoded"] == calls
    assert ["P1", "p2"] == [r["id"] for r in state.records("partners")]


@given(st.lists(st.sampled_from(["add", "undo", "read", "count"]), max_size=12))
def test_a_deferred_restore_equals_an_eager_one(ops: list[str]) -> None:
    """Whatever is added, undone, read or counted, a state restored with deferred
    collections ends as one restored eagerly."""
    snap = {"phase": "kickoff", "records": {
        "notes": [{"text": f"n{i}"} for i in range(4)],
        "partners": [{"id": f"p{i}", "kind": "company"} for i in range(3)]}, "single": {}}
    count = compile_rule(CountRule(count="notes", min=0), TPL.collections, TPL.values)
    states = []
    for lazy in (False, True):
        state = State("preparation", LAYOUT)
        calls: list[str] = []
        state.restore({**snap, "records": {k: _deferred(v, calls) if lazy else
                                           [dict(r) for r in v]
                                           for k, v in snap["records"].items()}}, owned=True)
        undos, seen = [], []
        for i, op in enumerate(ops):
            if op == "add":
                undos.append(state.add("notes", {"text": f"x{i}"}))
            elif op == "undo" and undos:
                undos.pop()()
            elif op == "read":
                seen.append(len(state.records("notes")))
            elif op == "count":
                seen.append(count(state, {})[1]["count"])
        states.append((state.snapshot(), seen))
    assert states[0] == states[1]
