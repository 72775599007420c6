"""Stateful property tests of the engine on the bundled template.

Random sequences of domain events and phase triggers (valid and invalid payloads,
any actor) interleave with steps of a known-good story, so runs reach every phase.
After every step: a refusal changed nothing, replay equals the process, the JSON
round trip is lossless, and the method's phase rules hold. Between steps, a caller
tries to change every object the process handed out; none of it reaches the history.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import verantwortung as v
from verantwortung.engine.compiled import compiled

TPL = v.load_template("verantwortungspartner")
CT = compiled(TPL)
NAMES = sorted([*CT.triggers, *CT.events])
ACTORS = [None, "facilitator", "initiative_circle:Jana", "partner", "project_team"]
IDS = ["p1", "p2", "p3", "t1", "x"]

STORY: list[tuple[str, dict[str, Any]]] = [
    *[(e, p) for i in range(1, 6) for e, p in (
        ("partner_added", {"id": f"s{i}", "name": f"Firma {i}", "kind": "company"}),
        ("circle_member_joined", {"partner": f"s{i}"}))],
    ("facilitator_assigned", {"name": "Anna"}),
    ("theme_proposed", {"id": "st", "title": "Fachkräfte"}),
    ("theme_selected", {"theme": "st"}),
    ("logistics_clarified", {"host": "IHK"}),
    ("hold_kickoff", {}),
    ("hold_milestone", {}),
    ("vision_set", {"text": "2030"}),
    ("goal_added", {"id": "sg", "text": "Ziel"}),
    ("team_formed", {"id": "stm", "name": "Team", "members": ["s1"]}),
    ("project_added", {"id": "sp", "title": "Projekt", "team": "stm"}),
    ("hold_milestone", {}),
    ("hold_milestone", {}),
    ("hold_closing", {}),
    ("consolidation_chosen", {"form": "association"}),
    ("consolidate", {}),
]


def _value(field: Any) -> st.SearchStrategy[Any]:
    kind = field.type
    if kind in ("id", "ref"):
        return st.sampled_from(IDS)
    if kind == "refs":
        return st.lists(st.sampled_from(IDS), max_size=3)
    if kind == "int":
        return st.integers(-2, 3000)
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return st.sampled_from(["2014-01-01", "gestern", "2014-13-40"])
    if kind == "choice":
        return st.sampled_from([*(field.values or ()), "bogus"])
    return st.sampled_from(["Text", "", "Ä"])


@st.composite
def payloads(draw: st.DrawFn, name: str) -> dict[str, Any]:
    item = CT.triggers.get(name) or CT.events[name]
    fields = item.validate.fields
    out = {k: draw(_value(f)) for k, f in fields.items()
           if draw(st.integers(0, 9)) > 0 or not f.required}
    if draw(st.integers(0, 19)) == 0:
        out["unexpected"] = 1
    return out


def _mutators(value: Any) -> list[Callable[[], Any]]:
    if isinstance(value, dict):
        key = next(iter(value), "k")
        return [lambda: value.__setitem__(key, "x"), lambda: value.update(x=1),
                lambda: value.setdefault("x", 1), lambda: value.pop(key), value.clear,
                lambda: value.__ior__({"x": 1})]
    if isinstance(value, list):
        return [lambda: value.append("x"), lambda: value.insert(0, "x"), value.clear,
                lambda: value.__setitem__(slice(None), ["x"]), value.reverse,
                lambda: value.__iadd__(["x"])]
    return []


def _tamper(value: Any) -> None:
    """Try every in-place change on ``value`` and everything inside it."""
    if isinstance(value, tuple) or hasattr(value, "__dataclass_fields__"):
        items = value if isinstance(value, tuple) else [
            getattr(value, f) for f in value.__dataclass_fields__]
        for item in items:
            _tamper(item)
        return
    inner = list(value.values()) if isinstance(value, dict) else (
        list(value) if isinstance(value, list) else [])
    for item in inner:
        _tamper(item)
    for change in _mutators(value):
        with contextlib.suppress(TypeError, AttributeError, KeyError):
            change()


def _history_json(proc: v.Process) -> str:
    return json.dumps([e.to_dict() for e in proc.history], sort_keys=True)


class EngineMachine(RuleBasedStateMachine):
    """Drives one process with random and story steps."""

    def __init__(self) -> None:
        super().__init__()
        self.proc = v.Process.start(TPL, region="Teststadt", at="2014-01-01")
        self.story = 0
        self.handed_out: list[Any] = []  # what fire returned and the payloads given to it

    def _fire(self, name: str, actor: str | None, payload: dict[str, Any]) -> None:
        before_state, before_history = self.proc.state(), self.proc.history
        self.handed_out.append(payload)
        try:
            self.handed_out.append(self.proc.fire(name, actor=actor, payload=payload))
        except v.TransitionRefused as exc:
            refusal = exc
        else:
            assert len(before_history) + 1 == len(self.proc.history)
            return
        self.handed_out.append(refusal.reasons)
        assert refusal.reasons
        assert before_state == self.proc.state()
        assert before_history == self.proc.history

    @rule(data=st.data(), name=st.sampled_from(NAMES), actor=st.sampled_from(ACTORS))
    def random_step(self, data: st.DataObject, name: str, actor: str | None) -> None:
        self._fire(name, actor, data.draw(payloads(name)))

    @precondition(lambda self: self.story < len(STORY))
    @rule()
    def story_step(self) -> None:
        name, payload = STORY[self.story]
        self.story += 1
        self._fire(name, "facilitator", payload)

    @precondition(lambda self: self.proc.phase.startswith("milestone_"))
    @rule()
    def another_milestone(self) -> None:
        self._fire("hold_milestone", "facilitator", {})

    @rule(at=st.sampled_from(["2013-12-31", "2020-01-01"]))
    def dated_step(self, at: str) -> None:
        before = self.proc.history
        try:
            self.proc.fire("note_added", payload={"text": "Notiz"}, at=at)
        except v.TransitionRefused as exc:
            codes = {r.code for r in exc.reasons}
        else:
            return
        assert codes <= {"event_out_of_order", "not_in_phase"}
        assert before == self.proc.history

    @rule()
    def tamper_with_everything_handed_out(self) -> None:
        """No object a caller holds can change the history (or the fold of it)."""
        before = _history_json(self.proc)
        records = [self.proc.records(c) for c in CT.collections]
        _tamper([self.handed_out, self.proc.history, records, self.proc.state(),
                 self.proc.options(), self.proc.to_dict(), self.proc.invariant_violations()])
        assert before == _history_json(self.proc)
        assert self.proc == v.Process.replay(TPL, self.proc.history)

    @invariant()
    def replay_equals_process(self) -> None:
        assert self.proc == v.Process.replay(TPL, self.proc.history)

    @invariant()
    def json_round_trip_is_lossless(self) -> None:
        assert self.proc == v.Process.from_json(TPL, self.proc.to_json())

    @invariant()
    def method_rules_hold(self) -> None:
        held = [r for r in self.proc.records("phases_entered") if r["series"] == "milestone"]
        assert len(held) <= TPL.values["milestones_max"]
        if self.proc.phase in ("closing", "consolidation", "concluded"):
            assert len(held) >= TPL.values["milestones_min"]
        if self.proc.is_final:
            assert [] == [o.name for o in self.proc.options() if o.allowed]

    @invariant()
    def template_invariants_hold(self) -> None:
        assert [] == [r.code for r in self.proc.invariant_violations()]

    @invariant()
    def note_phase(self) -> None:
        event(f"phase {self.proc.phase}")  # shown with --hypothesis-show-statistics

    @invariant()
    def timestamps_never_go_backwards(self) -> None:
        times = [e.at for e in self.proc.history]
        assert sorted(times) == times
        assert list(range(1, len(times) + 1)) == [e.seq for e in self.proc.history]


EngineMachine.TestCase.settings = settings(stateful_step_count=60, deadline=None)
TestEngine = EngineMachine.TestCase
