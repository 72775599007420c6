"""Runs of stored events judged at once: the same result as one by one, for every input."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import verantwortung as v
from tests.conftest import SHIPPED_YAML
from tests.engine.test_stateful import STORY
from verantwortung.engine.bulk import normal_payloads
from verantwortung.engine.compiled import compiled
from verantwortung.engine.payload import PayloadValidator
from verantwortung.model.specs import FieldSpec

TPL = v.load_template("verantwortungspartner")
CT = compiled(TPL)
START = STORY[:16]  # the bundled walk up to milestone_1
#: texts around what the validator and the text policy change or refuse
TEXTS = st.one_of(
    st.sampled_from(["Notiz", " Notiz", "Notiz ", "", " ", "a\nb", "a\r\nb", "a\tb", "\x00",
                     "\x1c", "\u200e", "e\u0301", "é", "\u00a0x", "x\u2028", "x" * 20_001]),
    st.text(max_size=12))
#: values of a wrong type, or where only some validators take them
ODD = st.sampled_from([None, 1, 1.5, True, ["a"], {"a": 1}, "association", "bogus"])


@contextmanager
def one_by_one() -> Iterator[None]:
    """Replay every event on its own (the path without runs)."""
    kept, CT.bulk = CT.bulk, frozenset()
    try:
        yield
    finally:
        CT.bulk = kept


def outcome(export: str) -> tuple[str, Any]:
    """What from_json makes of an export: the process in every detail, or the error."""
    try:
        proc = v.Process.from_json(TPL, export)
    except v.ReplayError as exc:
        return "refused", str(exc)
    state = proc._state
    return "replayed", (proc.to_json(), state.phase, state.at, state.last_at,
                        dict(state.changes), [o.to_dict() for o in proc.options()])


EDITS: list[tuple[str, Any]] = [
    *[("text", t) for t in [" Notiz", "Notiz ", "", " ", "a\r\nb", "\x00", "\x1c", "\u200e",
                            "e\u0301", "\u00a0x", "x" * 20_001, None, 1, ["a"], "a\nb"]],
    ("form", "bogus"), ("form", 1), ("form", "other"), ("extra", 1), ("drop", None),
    ("seq", 1), ("seq", -1), ("process", "another"),
    ("phase", "kickoff"), ("at", "2013-12-31T00:00:00+00:00"), ("at", "2014-01-01T00:00:00"),
    ("actor", "nobody"), ("actor", "partner:X"), ("actor", None), ("actor", 5)]


def _edit(event: dict[str, Any], field: str, value: Any) -> None:
    if field in ("text", "form"):
        event["payload"][field] = value
    elif field == "extra":
        event["payload"]["unexpected"] = value
    elif field == "drop":
        event["payload"].clear()
    elif field == "seq":
        event["seq"] += value
    else:
        event[field] = value


@st.composite
def exports(draw: st.DrawFn) -> str:
    """An export of a process with runs of notes and consolidation forms, hand-edited."""
    proc = v.Process.start(TPL, region="Teststadt", at="2014-01-01")
    if draw(st.booleans()):
        for name, payload in START:
            proc.fire(name, actor="facilitator", payload=payload)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(["note_added", "consolidation_chosen", "vision_set"]))
        actor = draw(st.sampled_from([None, "facilitator", "partner"]))
        for i in range(draw(st.integers(1, 8))):
            text = draw(TEXTS) if draw(st.integers(0, 4)) == 0 else f"Notiz {i}"
            payload = ({"text": text} if name != "consolidation_chosen" else
                       {"form": draw(st.sampled_from(["association", "other"]))})
            with contextlib.suppress(v.TransitionRefused):
                proc.fire(name, actor=actor, payload=payload)
    data = json.loads(proc.to_json())  # plain dicts, as an editor would change them
    history = data["history"]
    for _ in range(draw(st.integers(0, 3))):  # hand edits of the events after the start
        if len(history) > 1:
            field, value = draw(st.sampled_from(EDITS))
            _edit(history[draw(st.integers(1, len(history) - 1))], field, value)
    return json.dumps(data)


@given(exports())
@example(json.dumps(v.Process.start(TPL, region="R", at="2014-01-01").to_dict()))
def test_a_run_replays_as_its_events_one_by_one(export: str) -> None:
    """Any export, hand-edited or not, gives the same process (or the same refusal) with
    runs judged at once as with every event judged on its own."""
    with one_by_one():
        expected = outcome(export)
    assert expected == outcome(export)


@pytest.mark.parametrize("every", [False, True], ids=["the sixth", "every one"])
@pytest.mark.parametrize(("field", "value"), EDITS, ids=repr)
def test_an_edit_in_a_run_replays_as_one_by_one(field: str, value: Any, every: bool) -> None:
    """Each kind of hand edit of the sixth of ten notes (or of all of them) gives the same
    process, or the same refusal, with runs judged at once as with every event alone."""
    proc = v.Process.start(TPL, region="R", at="2014-01-01")
    for i in range(10):
        proc.fire("note_added", actor="facilitator", payload={"text": f"Notiz {i}"})
    data = json.loads(proc.to_json())
    for event in data["history"][1:] if every else [data["history"][6]]:
        _edit(event, field, value)
    export = json.dumps(data)
    with one_by_one():
        expected = outcome(export)
    assert expected == outcome(export)


def test_a_long_run_of_notes_is_judged_at_once() -> None:
    """A history of notes replays through the runs, equal to the process it came from."""
    proc = v.Process.start(TPL, region="R", at="2014-01-01")
    for i in range(300):
        proc.fire("note_added", actor="facilitator", payload={"text": f"Notiz {i}"})
    assert "note_added" in CT.bulk
    assert proc == v.Process.from_json(TPL, proc.to_json())


def test_a_bad_note_deep_in_a_run_is_refused_with_its_number() -> None:
    """A note edited to hold a control character is refused on replay, by its number."""
    proc = v.Process.start(TPL, region="R", at="2014-01-01")
    for i in range(100):
        proc.fire("note_added", payload={"text": f"Notiz {i}"})
    data = json.loads(proc.to_json())
    data["history"][60]["payload"]["text"] = "Notiz\x00"
    with pytest.raises(v.ReplayError, match=r"event 61 \(note_added\) is refused on replay: "
                       "invalid_payload"):
        v.Process.from_dict(TPL, data)


TEMPLATES = [p for p in SHIPPED_YAML if "scenario" not in p.name and "phases:" in p.read_text(
    encoding="utf-8")]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_only_events_that_nothing_else_refuses_run_at_once(path: Any) -> None:
    """In every shipped template, a kind replayed in runs has no guards, advisories,
    references, unique values, updates or removals, and adds no record with an id."""
    tpl = v.load_template(path)
    ct = compiled(tpl)
    for name in ct.bulk:
        ev = ct.events[name]
        assert ((), (), None, None) == (ev.guards, ev.advisories, ev.updates, ev.removes)
        assert all(f.type not in ("ref", "refs", "date") and not f.unique
                   for f in ev.fields.values())
        assert ev.adds is None or (not tpl.collections[ev.adds].single
                                   and "id" not in tpl.collections[ev.adds].fields)


FIELDS = {"text": FieldSpec(type="text"), "code": FieldSpec(type="id", required=False),
          "form": FieldSpec(type="choice", values=["a", "b"], required=False),
          "flag": FieldSpec(type="bool", required=False, default=False),
          "n": FieldSpec(type="int", required=False, min=0, max=10)}
VALIDATOR = PayloadValidator("probe", FIELDS)
VALUES = {"text": TEXTS, "code": TEXTS, "form": st.one_of(ODD, st.sampled_from(["a", "b"])),
          "flag": st.one_of(ODD, st.booleans()),
          "n": st.one_of(ODD, st.integers(-3, 12), st.just(2 ** 70))}


@st.composite
def payload_dicts(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from([*FIELDS, "other"]), unique=True))
    return {k: draw(VALUES.get(k, ODD)) for k in keys}


@given(st.lists(payload_dicts(), min_size=1, max_size=4))
def test_payloads_in_normal_form_are_what_the_validator_gives(
        payloads: list[dict[str, Any]]) -> None:
    """The bulk check takes payloads only when the validator finds them valid and keeps
    them as they are; then it gives what the validator gives, key order too."""
    found = normal_payloads(VALIDATOR, copy.deepcopy(payloads))
    results = [VALIDATOR(p) for p in payloads]
    if found is not None:
        assert [(list(d.items()), []) for d in found] == [
            (list(d.items()), r) for d, r in results]
        assert all({**VALIDATOR.defaults, **p} == d for p, (d, _) in zip(payloads, results,
                                                                        strict=True))


@given(st.lists(payload_dicts(), min_size=1, max_size=4))
def test_the_validator_s_own_output_is_taken_in_bulk(payloads: list[dict[str, Any]]) -> None:
    """What the validator gives for valid payloads passes the bulk check (when all have
    the same fields), so a stored history replays through the runs."""
    data = [d for d, reasons in map(VALIDATOR, payloads) if not reasons]
    if data and len({tuple(d) for d in data}) == 1:
        assert data == normal_payloads(VALIDATOR, data)
