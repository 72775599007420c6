"""Hypothesis strategies and a ready state machine for any template (extra ``[test]``).

    from verantwortung.testing.strategies import event_sequences, template_machine

    @given(event_sequences(tpl))
    def test_my_rule(steps): ...

    TestMyTemplate = template_machine(tpl).TestCase   # checks the template's invariants

Decisions are drawn as small integers, so hypothesis shrinks a failing story to a
short one.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ..engine import Process
from ..exceptions import TransitionRefused
from ..model.specs import FieldSpec
from ..model.template import ProcessTemplate
from .explore import walk_step
from .planner import Planner, Step

__all__ = ["event_sequences", "field_values", "payloads", "template_machine"]


def field_values(spec: FieldSpec, ids: list[str] | None = None) -> st.SearchStrategy[Any]:
    """Valid values of one field (``ids``: existing ids a reference may point at)."""
    if spec.type == "id":
        return st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
    if spec.type in ("ref", "refs"):
        pool = st.sampled_from(ids) if ids else st.just("unknown")
        return pool if spec.type == "ref" else st.lists(pool, min_size=1, max_size=3)
    if spec.type == "int":
        return st.integers(spec.min if spec.min is not None else -(10**6),
                           spec.max if spec.max is not None else 10**6)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "date":
        return st.dates().map(lambda d: d.isoformat())
    if spec.type == "choice":
        return st.sampled_from(list(spec.values or [""]))
    # texts the payload validator's text policy accepts: no control or format characters
    letters = st.characters(blacklist_categories=("Cc", "Cs", "Cf"))
    return st.text(letters, min_size=1, max_size=40).filter(lambda s: s.strip() != "")


def payloads(template: ProcessTemplate, name: str,
             process: Process | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads of the right shape for a trigger or domain event of ``template``.

    References point at records of ``process`` when given. Required fields are
    always present, optional ones sometimes.
    """
    from ..engine import compiled_template

    ct = compiled_template(template)
    item = ct.triggers.get(name) or ct.events.get(name)
    if item is None:
        raise KeyError(name)
    fields = item.validate.fields

    def ids(spec: FieldSpec) -> list[str]:
        if process is None or not spec.to:
            return []
        return [str(r["id"]) for r in process.records(spec.to) if "id" in r]

    required = {k: field_values(f, ids(f)) for k, f in fields.items() if f.required}
    optional = {k: field_values(f, ids(f)) for k, f in fields.items() if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def event_sequences(draw: st.DrawFn, template: ProcessTemplate, max_steps: int = 40
                    ) -> list[Step]:
    """Stories of accepted steps (with data that satisfies guards on the way)."""
    planner = Planner(template)
    proc = planner.start()
    steps: list[Step] = []
    for _ in range(draw(st.integers(0, max_steps))):
        if proc.is_final:
            break
        steps.extend(walk_step(planner, proc, lambda n: draw(st.integers(0, max(n - 1, 0)))))
    return steps


def template_machine(template: ProcessTemplate) -> type[RuleBasedStateMachine]:
    """A hypothesis state machine that walks processes of ``template``.

    After every step: the template's ``invariants:`` hold, a refusal changed nothing,
    replay of the history equals the process, and the JSON round trip is lossless.
    """

    class TemplateMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.planner = Planner(template)
            self.proc = self.planner.start()

        @rule(data=st.data())
        def planned_step(self, data: st.DataObject) -> None:
            walk_step(self.planner, self.proc,
                      lambda n: data.draw(st.integers(0, max(n - 1, 0))))

        @rule(data=st.data())
        def any_step(self, data: st.DataObject) -> None:
            names = [t.id for t in template.triggers] + [e.id for e in template.events]
            name = data.draw(st.sampled_from(names))
            payload = data.draw(payloads(template, name, self.proc))
            before = (self.proc.state(), self.proc.history)
            try:
                self.proc.fire(name, payload=payload, at=self.proc.history[-1].at)
            except TransitionRefused:
                assert before == (self.proc.state(), self.proc.history)

        @invariant()
        def invariants_hold(self) -> None:
            broken = self.proc.invariant_violations()
            assert not broken, "; ".join(f"{r.code}: {r.message_en}" for r in broken)

        @invariant()
        def replay_and_json_agree(self) -> None:
            assert self.proc == Process.replay(template, self.proc.history)
            assert self.proc == Process.from_json(template, self.proc.to_json())

    TemplateMachine.__name__ = f"{template.id.replace('-', '_')}_machine"
    return TemplateMachine
