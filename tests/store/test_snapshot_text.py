"""Snapshot text: a first line that is sealed, and a line per large collection read lazily."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.store import snapshot_text


class CorruptError(Exception):
    """What the tests' ``corrupt`` makes."""


def _full(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` with every deferred part decoded."""
    return {**state, "records": {k: v() if callable(v) else v
                                 for k, v in state["records"].items()}}


_RECORD = st.dictionaries(st.sampled_from(["id", "text", "n"]),
                          st.one_of(st.text(), st.integers(), st.none()), max_size=3)
_STATES = st.fixed_dictionaries({
    "phase": st.sampled_from(["preparation", "kickoff"]),
    "records": st.dictionaries(st.sampled_from(["notes", "partners", "goals"]),
                               st.lists(_RECORD, max_size=6)),
    "single": st.dictionaries(st.sampled_from(["vision"]), _RECORD)})


@given(state=_STATES, part_min=st.integers(0, 7))
def test_decode_gives_back_what_encode_wrote(state: dict[str, Any], part_min: int) -> None:
    """For any state and threshold, decoding (and reading every part) gives the state,
    and the collections keep their order."""
    text = snapshot_text.encode(state, part_min)
    decoded = snapshot_text.decode(text, CorruptError)
    assert state == _full(decoded)
    assert list(state["records"]) == list(decoded["records"])
    assert "\n" not in snapshot_text.head(text)


@given(state=_STATES)
def test_a_state_of_small_collections_is_one_json_text(state: dict[str, Any]) -> None:
    """Below the threshold the text is plain JSON, as snapshots were before parts."""
    text = snapshot_text.encode(state, 1_000)
    assert json.dumps(state, ensure_ascii=False) == text == snapshot_text.head(text)


def test_a_part_is_decoded_only_when_read_and_checked_then() -> None:
    """A part changed after sealing passes the load and fails when its records are read,
    naming the collection."""
    state = {"phase": "kickoff", "records": {"notes": [{"text": f"n{i}"} for i in range(5)]},
             "single": {}}
    text = snapshot_text.encode(state, 2)
    forged = text.replace('"n3"', '"n9"')
    assert snapshot_text.head(forged) == snapshot_text.head(text)  # the seal still fits
    decoded = snapshot_text.decode(forged, CorruptError)
    with pytest.raises(CorruptError, match="the records of notes are not the ones"):
        decoded["records"]["notes"]()


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t + "\n[]", "goes on after its last part"),
    (lambda t: t[:-3], "not where its entry says"),
    (lambda t: t.replace('{"part": [', '{"part": [-', 1), "neither records nor a part"),
    (lambda t: t.replace('{"part": [', '{"other": 1, "part": [', 1),
     "neither records nor a part"),
])
def test_parts_that_do_not_fit_the_first_line_are_corrupt(change: Any, message: str) -> None:
    """Lengths that do not add up, or an entry that is no part, are corrupt at once."""
    state = {"phase": "kickoff", "records": {"notes": [{"text": "a"}, {"text": "b"}]},
             "single": {}}
    with pytest.raises(CorruptError, match=message):
        snapshot_text.decode(change(snapshot_text.encode(state, 1)), CorruptError)


def test_a_part_that_is_no_list_of_records_is_corrupt_when_read() -> None:
    """A part with the right digest but not its count of records is corrupt when read."""
    line = json.dumps([{"text": "a"}, 5])
    digest = snapshot_text._digest(line)
    first = json.dumps({"phase": "kickoff", "records": {"notes": {
        "part": [2, len(line), digest]}}, "single": {}})
    decoded = snapshot_text.decode(f"{first}\n{line}", CorruptError)
    with pytest.raises(CorruptError, match="are not 2 records"):
        decoded["records"]["notes"]()
