"""The compiled template: moves through transitions, deferred reason texts."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from tests.conftest import SHIPPED_TEMPLATES
from verantwortung.engine.compiled import _Carrier, compiled

TPL = v.load_template("verantwortungspartner")


class _Watched(Mapping[str, Any]):
    """A mapping that notes every key read from it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.read: list[str] = []

    def __getitem__(self, key: str) -> Any:
        self.read.append(key)
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def test_a_deferred_reason_renders_its_text_on_first_read() -> None:
    """Reason.deferred keeps the values and fills the messages only when they are read."""
    values = _Watched({"n": 2})
    reason = v.Reason.deferred("few", "{n} sind zu wenig.", "{n} are too few.", values,
                               seen={"n": 2})
    assert [] == values.read
    assert ("2 sind zu wenig.", "2 are too few.") == (reason.message_de, reason.message("en"))
    assert reason == v.Reason("few", "2 sind zu wenig.", "2 are too few.", seen={"n": 2})
    assert reason == pickle.loads(pickle.dumps(reason))
    with pytest.raises(AttributeError):
        reason.code = "other"  # type: ignore[misc]


def test_a_refusal_tells_the_values_it_saw_when_it_was_made() -> None:
    """A reason read after the records changed still shows the count it judged."""
    proc = v.Process.start(TPL, region="A")
    reason = next(r for o in proc.options() if o.name == "hold_kickoff" for r in o.reasons
                  if r.code == "circle_too_small")
    proc.fire("partner_added", payload={"id": "p1", "name": "F", "kind": "company"})
    proc.fire("circle_member_joined", payload={"partner": "p1"})
    assert 0 == reason.seen["count"]
    assert "0" in reason.message_en
    assert "1" not in reason.message_en


def test_threads_move_processes_of_one_template_at_once() -> None:
    """Phase triggers fired from many threads each reach their own phase; the shared
    Machine holds no model."""
    procs = [v.Process.start(TPL, region=f"R{i}") for i in range(8)]

    def abort(proc: v.Process) -> None:
        for _ in range(50):
            proc.fire("note_added", payload={"text": "x"})
        proc.fire("abort", payload={"reason": "Test"})

    threads = [threading.Thread(target=abort, args=(p,)) for p in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ["aborted"] * 8 == [p.phase for p in procs]
    assert [] == compiled(TPL).machine.models


def test_a_refusal_picks_the_message_form_by_its_count() -> None:
    """A guard message in forms by number says "1 Schuljahr" and "2 Schuljahre"."""
    from tests.conftest import ROOT

    tpl = v.load_template(ROOT / "examples" / "school_partnership" / "schule_wirtschaft.yaml")
    proc = v.Process.start(tpl.with_parameters(years_min=3), region="X")
    proc.fire("business_joined", payload={"id": "b1", "name": "Tischlerei", "trade": "craft"})
    proc.fire("agreement_signed", payload={"signed_on": "2024-08-01"})
    proc.fire("start_year")
    [one] = next(o for o in proc.options() if o.name == "complete").reasons
    assert one.message_de.startswith("Die Partnerschaft lief erst 1 Schuljahr;")
    proc.fire("placement_held", payload={"id": "p1", "business": "b1", "pupils": 3})
    proc.fire("start_year")
    [two] = next(o for o in proc.options() if o.name == "complete").reasons
    assert "The partnership has run for 2 school years" in two.message_en


def test_the_machine_is_built_at_the_first_move() -> None:
    """Compiling, starting and asking options() build no transitions Machine; the first
    phase trigger builds it, once, and later moves share it."""
    tpl = v.load_template("verantwortungspartner").with_parameters(circle_min_companies=1)
    proc = v.Process.start(tpl, region="A")
    proc.options()
    ct = compiled(tpl)
    assert ct._machine is None
    proc.fire("abort", payload={"reason": "Test"})
    machine = ct.machine
    assert (machine, "aborted") == (ct._machine, proc.phase)
    other = v.Process.start(tpl, region="B")
    other.fire("abort", payload={"reason": "Test"})
    assert machine is compiled(tpl).machine


@pytest.mark.parametrize("path", SHIPPED_TEMPLATES, ids=lambda p: p.stem)
def test_a_kept_move_is_what_the_machine_decides(path: Path) -> None:
    """Every edge of every shipped template moves where its transitions Event takes a
    fresh carrier, on the first move (asked of the machine) and on later ones (kept)."""
    ct = compiled(v.load_template(path))
    for t in ct.template.transitions:
        carrier = _Carrier()
        carrier.state = t.source
        assert ct.machine.events[t.trigger].trigger(carrier)
        assert [carrier.state] * 2 == [ct.move(t.trigger, t.source) for _ in range(2)]
        assert carrier.state == t.target
        assert ct._moves[(t.trigger, t.source)] == t.target
    assert [] == ct.machine.models



def test_triggers_without_a_payload_share_one_validator_under_their_own_names(
        write: Any) -> None:
    """Triggers without a payload share what their validator holds (built once per
    template), yet each carries its own name and judges as a validator of its own would."""
    from tests.conftest import MINIMAL
    from verantwortung.engine.payload import PayloadValidator

    for tpl in (TPL, v.load_template(write(MINIMAL))):
        triggers = compiled(tpl).triggers
        for name, trig in triggers.items():
            alone = PayloadValidator(name, trig.validate.fields)
            assert name == trig.validate.name
            for payload in (None, {}, {"reason": "Test"}, {"attendance": 3}, {"x": 1}):
                assert alone(payload) == trig.validate(payload)
            assert alone.empty == trig.validate.empty
    assert 1 == len({id(t.validate.empty) for t in triggers.values()})
