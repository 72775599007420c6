"""Moving a process to a newer template version, and replaying across the move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.engine.migration import migrate
from verantwortung.model.process import MIGRATED_EVENT

EXAMPLE = Path(__file__).parents[2] / "examples" / "migration"
OLD = v.load_template(EXAMPLE / "kreis-1.0.yaml")
NEW = v.load_template(EXAMPLE / "kreis-1.1.yaml")


def _gathering(firms: int = 3, *, parameters: dict[str, int] | None = None) -> v.Process:
    proc = v.Process.start(OLD, region="Kreis Nord", at="2014-02-03", parameters=parameters)
    for i in range(firms):
        proc.fire("member_joined", payload={"id": f"m{i}", "name": f"Firma {i}",
                                            "kind": "firm"})
    proc.fire("memo_written", payload={"text": "Treffen im Rathaus"})
    proc.fire("coffee_served", payload={"cups": 12})
    return proc


def test_the_move_is_one_event_that_names_both_templates_and_the_plan() -> None:
    """migrate appends template_migrated with from/to id, version, digest and the plan's."""
    old = _gathering()
    new = migrate(old, NEW, actor="facilitator")
    move = new.history[-1]
    assert (MIGRATED_EVENT, "facilitator", old.version + 1) == (move.kind, move.actor,
                                                                move.seq)
    assert {"from", "to", "plan"} == set(move.payload)
    assert ("kreis", "1.0", "1.1") == (move.payload["from"]["template"],
                                       move.payload["from"]["version"],
                                       move.payload["to"]["version"])
    assert old.history == new.history[:-1]  # the old events are kept as they were


def test_old_events_are_upcast_by_the_plan() -> None:
    """Phases, events, fields and choice values are renamed; dropped events leave no record."""
    new = migrate(_gathering(), NEW)
    assert ("preparation", "1.1") == (new.phase, new.template.version)
    assert {"id": "m0", "title": "Firma 0", "kind": "company"} == new.records("partners")[0]
    assert ({"text": "Treffen im Rathaus"},) == new.records("notes")
    with pytest.raises(KeyError):
        new.records("coffee")


def test_the_old_process_is_not_changed() -> None:
    """migrate builds a new process; the one it was given is as before."""
    old = _gathering()
    before = old.to_dict()
    migrate(old, NEW)
    assert before == old.to_dict()


def test_replay_and_json_round_trip_across_the_move_are_exact() -> None:
    """The migrated process, replayed or read back from JSON, equals itself, also after
    further events under the new rules."""
    new = migrate(_gathering(4), NEW)
    new.fire("note_added", payload={"text": "Neu"})
    new.fire("start_work")
    assert new == v.Process.replay(NEW, new.history)
    assert new == v.Process.from_json(NEW, new.to_json())
    assert "running" == v.Process.replay(NEW, json.loads(new.to_json())["history"]).phase


def test_the_new_rules_judge_what_comes_after_the_move() -> None:
    """Three companies were enough under 1.0; under 1.1 the kick-off needs four."""
    old = _gathering(3)
    assert old.can("start_work").allowed
    new = migrate(old, NEW)
    refusal = new.can("start_work")
    assert not refusal.allowed
    assert ["enough_partners"] == [r.code for r in refusal.reasons]
    assert "Unternehmen im Kreis: 3, nötig: mindestens 4." == refusal.reasons[0].message_de


def test_a_region_s_own_parameter_value_is_carried_over_under_its_new_name() -> None:
    """members_min set by the region becomes min_partners with the same value."""
    new = migrate(_gathering(2, parameters={"members_min": 2}), NEW)
    assert 2 == new.template.values["min_partners"]
    assert new.can("start_work").allowed


def test_an_event_the_plan_does_not_map_is_unmapped_with_its_name() -> None:
    """An old event kind without a counterpart and without drop is UnmappedError."""
    plan = NEW.migrations[0].model_copy(update={"drop": []})
    tpl = NEW.model_copy(update={"migrations": (plan,)})
    with pytest.raises(v.UnmappedError) as caught:
        migrate(_gathering(), tpl)
    assert ("coffee_served", 6) == (caught.value.kind, caught.value.seq)
    assert "map it or drop it" in str(caught.value)


def test_a_choice_value_without_a_mapping_is_unmapped() -> None:
    """A value the new field does not allow (firm, once its mapping is gone) names the
    event and the field."""
    old = _gathering()
    plan = NEW.migrations[0].model_copy(update={"values": {}})
    tpl = NEW.model_copy(update={"migrations": (plan,)})
    with pytest.raises(v.UnmappedError) as caught:
        migrate(old, tpl)
    assert (2, "member_joined") == (caught.value.seq, caught.value.kind)
    assert "firm" in caught.value.detail


def test_replay_refuses_a_plan_that_changed_since_the_move() -> None:
    """The plan's digest is in the event: another plan cannot reinterpret the history."""
    new = migrate(_gathering(), NEW)
    plan = NEW.migrations[0].model_copy(update={"drop": ["coffee_served", "memo_written"]})
    changed = NEW.model_copy(update={"migrations": (plan,)})
    with pytest.raises(v.ReplayError, match="not the one it was moved with"):
        v.Process.replay(changed, new.history)


def test_replay_refuses_another_target_template() -> None:
    """A history moved to 1.1 does not replay under the old template or another one."""
    new = migrate(_gathering(), NEW)
    with pytest.raises(v.ReplayError):
        v.Process.replay(OLD, new.history)


def test_without_a_plan_there_is_no_move() -> None:
    """A template without migrates_from for the process's version refuses to migrate."""
    with pytest.raises(v.ReplayError, match="no migration plan"):
        migrate(_gathering(), OLD.model_copy(update={"version": "9"}))


def test_an_unmigrated_old_history_still_does_not_load_under_the_new_version() -> None:
    """Only a recorded move lets a newer version read an old history."""
    with pytest.raises(v.ReplayError, match=r"written by template kreis 1\.0"):
        v.Process.replay(NEW, _gathering().history)


@given(st.lists(st.sampled_from(["member", "memo", "coffee"]), max_size=12),
       st.booleans())
def test_any_old_history_migrates_to_a_process_that_replays_exactly(
        steps: list[str], finish: bool) -> None:
    """For every history of 1.0, the migrated process replays and round-trips exactly."""
    proc = v.Process.start(OLD, region="R", at="2014-01-01",
                           parameters={"members_min": 1})
    for i, step in enumerate(steps):
        if step == "member":
            proc.fire("member_joined", payload={"id": f"m{i}", "name": "F", "kind": "firm"})
        elif step == "memo":
            proc.fire("memo_written", payload={"text": str(i)})
        else:
            proc.fire("coffee_served", payload={"cups": i})
    if finish and proc.can("start_work").allowed:
        proc.fire("start_work")
    new = migrate(proc, NEW)
    assert {"gathering": "preparation", "working": "running"}[proc.phase] == new.phase
    assert new == v.Process.replay(NEW, new.history)
    assert new == v.Process.from_json(NEW, new.to_json())
    assert steps.count("memo") == len(new.records("notes"))


def test_a_split_event_becomes_several_each_with_its_own_fields(tmp_path: Path) -> None:
    """coffee_served split into two new events: each gets the fields it declares."""
    text = (EXAMPLE / "kreis-1.1.yaml").read_text(encoding="utf-8")
    text = text.replace("collections:\n", "collections:\n  cups:\n    label: {de: Tassen, "
                        "en: Cups}\n    fields: {cups: {type: int}}\n  servings:\n    label: "
                        "{de: Runden, en: Rounds}\n    fields: {cups: {type: int}}\n", 1)
    text = text.replace("events:\n  partner_joined:", "events:\n  cups_counted:\n    label: "
                        "{de: Tassen gezählt, en: Cups counted}\n    adds: cups\n"
                        "  serving_logged:\n    label: {de: Runde, en: Round}\n"
                        "    adds: servings\n  partner_joined:", 1)
    text = text.replace("    drop: [coffee_served]",
                        "    split: {coffee_served: [cups_counted, serving_logged]}")
    path = tmp_path / "kreis-1.1.yaml"
    path.write_text(text, encoding="utf-8")
    tpl = v.load_template(path)
    new = migrate(_gathering(), tpl)
    assert (({"cups": 12},), ({"cups": 12},)) == (new.records("cups"),
                                                    new.records("servings"))
    assert new == v.Process.replay(tpl, new.history)
