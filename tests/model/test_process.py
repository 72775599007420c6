"""Runtime records: events are deeply immutable and still JSON-ready."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.model.process import (
    Actor,
    Event,
    FrozenDict,
    FrozenList,
    actor_role,
    freeze,
    split_actor,
)

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=12)


def _event(payload: Any) -> Event:
    at = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    return Event("e1", "p", 1, at, None, "team_formed", payload, "t", "1", "preparation")


def _mutations(value: Any) -> list[tuple[str, tuple[Any, ...]]]:
    if isinstance(value, dict):
        key = next(iter(value), "k")
        return [("__setitem__", ("x", 1)), ("__delitem__", (key,)), ("update", ({"x": 1},)),
                ("setdefault", ("x", 1)), ("pop", (key,)), ("popitem", ()), ("clear", ()),
                ("__ior__", ({"x": 1},))]
    return [("append", (1,)), ("extend", ([1],)), ("insert", (0, 1)), ("remove", (None,)),
            ("__setitem__", (0, 1)), ("__delitem__", (0,)), ("pop", ()), ("clear", ()),
            ("sort", ()), ("reverse", ()), ("__iadd__", ([1],)), ("__imul__", (2,))]


@pytest.mark.parametrize("value", [FrozenDict({"a": 1}), FrozenList([1, 2])],
                         ids=["dict", "list"])
def test_every_mutator_raises_type_error(value: Any) -> None:
    """Each way to change a frozen dict or list in place is a TypeError."""
    before = copy.copy(value)
    for name, args in _mutations(value):
        with pytest.raises(TypeError):
            getattr(value, name)(*args)
    assert before == value


def test_event_payload_is_frozen_deeply() -> None:
    """Nested lists and mappings of a frozen payload are frozen too (not shared)."""
    members = ["p1", "p2"]
    payload = freeze({"members": members, "meta": {"tags": ["a"]}})
    members.append("ghost")
    assert ({"members": ["p1", "p2"], "meta": {"tags": ["a"]}}, FrozenList, FrozenDict) == (
        payload, type(payload["members"]), type(payload["meta"]))
    with pytest.raises(TypeError):
        payload["meta"]["tags"].append("b")


def test_event_from_dict_freezes_the_payload() -> None:
    """An event read from outside has a frozen payload, equal to the plain one."""
    data = _event({"members": ["p1"]}).to_dict()
    event = Event.from_dict(data)
    assert (FrozenDict, {"members": ["p1"]}) == (type(event.payload), event.payload)
    with pytest.raises(TypeError):
        event.payload["members"].append("ghost")


@given(JSON)
def test_frozen_values_keep_json_copy_and_pickle(value: Any) -> None:
    """For every JSON value: frozen, it equals the original, dumps the same, copies, pickles."""
    frozen = freeze(value)
    assert (value, json.dumps(value)) == (frozen, json.dumps(frozen))
    assert (frozen, frozen) == (copy.deepcopy(frozen), pickle.loads(pickle.dumps(frozen)))
    assert type(frozen) is type(pickle.loads(pickle.dumps(frozen)))


def test_freezing_a_frozen_value_returns_it() -> None:
    """freeze() of an already frozen value costs nothing: the same object comes back."""
    payload = freeze({"a": [1]})
    assert payload is freeze(payload)
    assert payload is copy.deepcopy(payload)


def test_reinitialising_does_not_change_a_frozen_value() -> None:
    """Calling __init__ again on a frozen value leaves it as it is."""
    payload, items = FrozenDict({"a": 1}), FrozenList([1])
    payload.__init__({"b": 2})  # type: ignore[misc]
    items.__init__([2, 3])  # type: ignore[misc]
    assert ({"a": 1}, [1]) == (payload, items)


def test_the_plain_path_of_from_dict_equals_pydantics() -> None:
    """A well-formed event dict gives the event pydantic gives; anything else goes to it."""
    from verantwortung.model.process import _event_adapter, _plain_event

    good = {"id": "e1", "process": "p", "seq": 2, "at": "2014-01-01T10:00:00+01:00",
            "actor": None, "kind": "note_added", "payload": {"text": "x"},
            "template": "t", "template_version": "1", "phase": "a"}
    fields = _event_adapter().validate_python(good)
    assert Event(**fields) == _plain_event(good) == Event.from_dict(good)
    for bad in ({**good, "seq": "2"}, {**good, "at": "2014-01-01T10:00"}, {**good, "x": 1},
                {**good, "actor": 5}, {**good, "payload": []}, {**good, "at": "gestern"}):
        assert _plain_event(bad) is None
    with pytest.raises(ValueError, match="actor"):
        Event.from_dict({**good, "actor": 5})
    assert dt.UTC == Event.from_dict({**good, "at": "2014-01-01T10:00"}).at.tzinfo


@given(st.text().filter(lambda t: ":" not in t), st.text())
def test_an_actor_splits_at_its_first_colon(role: str, name: str) -> None:
    """role:name splits into the role and the rest (colons in the name stay in it)."""
    assert Actor(role, name) == split_actor(f"{role}:{name}")
    assert role == actor_role(f"{role}:{name}")


def test_an_actor_without_a_name_is_its_role() -> None:
    """A bare role has an empty name; no actor has no role."""
    assert (Actor("facilitator", ""), None) == (split_actor("facilitator"), actor_role(None))


_GOOD = {"id": "e1", "process": "p", "seq": 2, "at": "2014-01-01T10:00:00+01:00",
         "actor": None, "kind": "note_added", "payload": {"text": "x"},
         "template": "t", "template_version": "1", "phase": "a"}
# what may differ from a well-formed event: another value of a field, a missing or an
# extra key, another key order
_FIELD_VALUES = st.sampled_from([
    ("seq", 3), ("seq", "2"), ("seq", True), ("at", "2014-01-01T10:00"), ("at", "gestern"),
    ("at", "2014-01-02T00:00:00Z"), ("actor", "facilitator"), ("actor", 5), ("id", 7),
    ("payload", []), ("payload", {1: "x"}), ("payload", {"a": {"b": [1]}}), ("kind", None),
    ("phase", "b"), ("template_version", 1)])


@st.composite
def _event_dicts(draw: st.DrawFn) -> Any:
    data = dict(_GOOD, seq=draw(st.integers(1, 10**6)), payload=draw(
        st.dictionaries(st.text(max_size=3), JSON, max_size=3)))
    for key, value in draw(st.lists(_FIELD_VALUES, max_size=2)):
        data[key] = value
    change = draw(st.sampled_from(["none", "none", "drop", "extra", "order", "not a dict"]))
    if change == "drop":
        del data["phase"]
    elif change == "extra":
        data["x"] = 1
    elif change == "order":
        data = dict(reversed(data.items()))
    elif change == "not a dict":
        return list(data.items())
    return data


@given(st.lists(_event_dicts(), max_size=6))
def test_events_from_dicts_equals_from_dict_one_by_one(items: list[Any]) -> None:
    """Decoding a list in bulk gives what from_dict gives per item, or the same error."""
    from verantwortung.model.process import events_from_dicts

    def each() -> Any:
        return [Event.from_dict(e) for e in items]

    problem: ValueError | TypeError | None = None
    try:
        expected = each()
    except (ValueError, TypeError) as exc:
        problem = exc
    if problem is not None:
        with pytest.raises(type(problem)) as raised:
            events_from_dicts(items)
        assert str(problem) == str(raised.value)
        return
    found = events_from_dicts(items)
    assert expected == found
    assert [type(e.payload) for e in expected] == [type(e.payload) for e in found]
    assert all(type(e) is Event and e.at.tzinfo is not None for e in found)


def test_a_well_formed_history_is_decoded_in_bulk() -> None:
    """A list of well-formed event dicts is checked column by column; a bad one is not."""
    from verantwortung.model.process import _plain_events

    items = [_GOOD, {**_GOOD, "seq": 3, "actor": "facilitator", "payload": {"a": [1]}}]
    found = _plain_events(items)
    assert found is not None
    assert [Event.from_dict(e) for e in items] == found
    assert isinstance(found[1].payload["a"], FrozenList)
    assert _plain_events([*items, {**_GOOD, "at": "2014-01-01T10:00"}]) is None
    assert _plain_events([]) is None
