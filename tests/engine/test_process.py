"""The Process API: start, fire, refusals with every reason, options, replay, JSON, listeners."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from verantwortung.engine.compiled import compiled

TPL = v.load_template("verantwortungspartner")


def _ready_for_kickoff(proc: v.Process, companies: int = 5) -> None:
    for i in range(companies):
        proc.fire("partner_added", payload={"id": f"p{i}", "name": f"F{i}", "kind": "company"})
        proc.fire("circle_member_joined", payload={"partner": f"p{i}"})
    proc.fire("facilitator_assigned", payload={"name": "Anna"})
    proc.fire("theme_proposed", payload={"id": "t", "title": "Fachkräfte"})
    proc.fire("theme_selected", payload={"theme": "t"})
    proc.fire("logistics_clarified", payload={"host": "IHK"})


@pytest.fixture
def proc() -> v.Process:
    """A fresh process of the bundled template."""
    return v.Process.start(TPL, region="Trier", at="2014-01-01")


def test_start(proc: v.Process) -> None:
    """A new process is in the initial phase with one process_started event, which
    records the region and the semantic digest of the template."""
    assert "preparation" == proc.phase
    assert ["process_started"] == [e.kind for e in proc.history]
    assert {"region": "Trier", "template_digest": TPL.digest} == (
        proc.history[0].payload)
    assert ("verantwortungspartner", "2.0") == (proc.history[0].template,
                                                proc.history[0].template_version)


def test_start_needs_a_region() -> None:
    """An empty region is refused."""
    with pytest.raises(ValueError, match="region"):
        v.Process.start(TPL, region=" ")


@pytest.mark.parametrize(("region", "says"), [
    (" ", "it is empty"), (5, "got 5, which is not a text"), (None, "got None"),
    ("Tr\udcffier", "is not valid text"), ("A\u202eB", "text direction control")])
def test_a_bad_region_is_a_library_error_that_says_why(region: object, says: str) -> None:
    """A region that is no usable text raises InvalidRegion (a VerantwortungError) naming why."""
    with pytest.raises(v.InvalidRegion, match="region of a new process") as info:
        v.Process.start(TPL, region=region)  # type: ignore[arg-type]
    assert isinstance(info.value, v.VerantwortungError)
    assert says in str(info.value)


def test_refusal_carries_every_reason_in_both_languages(proc: v.Process) -> None:
    """hold_kickoff on an empty process names all four missing preconditions."""
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("hold_kickoff")
    reasons = {r.code: r for r in info.value.reasons}
    assert ["circle_too_small", "no_theme_identified", "logistics_open", "no_facilitator"] == [
        r.code for r in info.value.reasons]
    circle = reasons["circle_too_small"]
    assert "Der Initiativkreis hat 0 Unternehmen; die Mindestzahl ist 5." == circle.message_de
    assert "Companies in the initiative circle: 0; the minimum is 5." == circle.message_en
    assert {"count": 0, "min": 5, "max": None, "collection": "circle"} == circle.seen
    assert circle.source is not None
    assert "verantwortungspartner.yaml:" in circle.source


def test_refusal_changes_nothing(proc: v.Process) -> None:
    """A refused call leaves state and history exactly as they were."""
    before = (proc.state(), proc.history)
    with pytest.raises(v.TransitionRefused):
        proc.fire("partner_added", payload={"id": "p1", "name": "", "kind": "firm"})
    assert before == (proc.state(), proc.history)


def test_circle_counts_only_companies(proc: v.Process) -> None:
    """Chambers in the circle do not count towards circle_min_companies."""
    _ready_for_kickoff(proc, companies=4)
    proc.fire("partner_added", payload={"id": "ihk", "name": "IHK", "kind": "chamber"})
    proc.fire("circle_member_joined", payload={"partner": "ihk"})
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("hold_kickoff")
    assert ["circle_too_small"] == [r.code for r in info.value.reasons]


def test_kickoff_and_phase_record(proc: v.Process) -> None:
    """An accepted trigger moves the phase and records the meeting with its payload."""
    _ready_for_kickoff(proc)
    fired = proc.fire("hold_kickoff", actor="facilitator:Anna", payload={"attendance": 80})
    assert ("kickoff", "kickoff") == (fired.phase, proc.phase)
    assert "facilitator:Anna" == fired.event.actor
    [entered] = proc.records("phases_entered")
    assert ("kickoff", 80) == (entered["phase"], entered["attendance"])


@pytest.mark.parametrize(("payload", "field", "de", "en"), [
    ({"id": "p1", "name": "A", "kind": "firm"}, "kind", "Art:", "Kind:"),
    ({"id": "p1", "kind": "company"}, "name", "Name fehlt", "Name is missing"),
    ({"id": "p1", "name": "A", "kind": "company", "colour": "red"}, "colour", "„colour“",
     "“colour”"),
    ({"id": 7, "name": "A", "kind": "company"}, "id", "Kennung:", "Id:"),
    ({"id": "p1", "name": "A", "kind": "company", "size": "huge"}, "size", "Größe:", "Size:"),
])
def test_invalid_payload_names_the_field(proc: v.Process, payload: dict[str, Any],
                                         field: str, de: str, en: str) -> None:
    """Each payload problem is an invalid_payload reason naming its field by its label."""
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("partner_added", payload=payload)
    [reason] = info.value.reasons
    assert ("invalid_payload", field) == (reason.code, reason.seen["field"])
    assert (True, True) == (de in reason.message_de, en in reason.message_en)


def test_references_and_duplicates(proc: v.Process) -> None:
    """Unknown references and duplicate ids are invalid_payload."""
    proc.fire("partner_added", payload={"id": "p1", "name": "A", "kind": "company"})
    for name, payload in [("partner_added", {"id": "p1", "name": "B", "kind": "company"}),
                          ("circle_member_joined", {"partner": "p9"})]:
        with pytest.raises(v.TransitionRefused) as info:
            proc.fire(name, payload=payload)
        assert ["invalid_payload"] == [r.code for r in info.value.reasons]


def test_roles(proc: v.Process) -> None:
    """An actor whose role is not allowed is refused; no actor means a trusted call."""
    _ready_for_kickoff(proc)
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("hold_kickoff", actor="partner:Max")
    assert ["role_not_allowed"] == [r.code for r in info.value.reasons]
    assert "kickoff" == proc.fire("hold_kickoff").phase


def test_time_never_goes_backwards(proc: v.Process) -> None:
    """An event dated before the last one is event_out_of_order; a bad date too."""
    proc.fire("note_added", payload={"text": "a"}, at="2014-03-01")
    for at, code in (("2014-02-01", "event_out_of_order"), ("kein Datum", "invalid_timestamp"),
                     ("2014-02-30", "invalid_timestamp")):
        with pytest.raises(v.TransitionRefused) as info:
            proc.fire("note_added", payload={"text": "b"}, at=at)
        assert [code] == [r.code for r in info.value.reasons]


def test_unknown_roles_are_refused(proc: v.Process) -> None:
    """An actor whose role the template does not know is refused, even where any role may act."""
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("note_added", actor="koordinator:Jens", payload={"text": "x"})
    assert ["unknown_role"] == [r.code for r in info.value.reasons]
    assert "facilitator" in info.value.reasons[0].message_en


def test_unknown_trigger(proc: v.Process) -> None:
    """A name that is neither trigger nor event is refused as unknown_trigger."""
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("hold_party")
    assert ["unknown_trigger"] == [r.code for r in info.value.reasons]


def test_abort_needs_a_reason_and_ends_everything(proc: v.Process) -> None:
    """abort without reason is refused; with one it ends the process for good."""
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("abort")
    assert ["reason_required"] == [r.code for r in info.value.reasons]
    proc.fire("abort", payload={"reason": "Keine Unternehmen gefunden"})
    assert proc.is_final
    assert [] == [o.name for o in proc.options() if o.allowed]
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("note_added", payload={"text": "zu spät"})
    assert ["not_in_phase"] == [r.code for r in info.value.reasons]


def test_options_matrix(proc: v.Process) -> None:
    """options() lists every trigger and event with allowed, target and reasons."""
    options = {o.name: o for o in proc.options()}
    assert set(compiled(TPL).triggers) | set(compiled(TPL).events) == set(options)
    kickoff = options["hold_kickoff"]
    assert (False, "kickoff", "trigger") == (kickoff.allowed, kickoff.target, kickoff.kind)
    assert 4 == len(kickoff.reasons)
    assert options["partner_added"].allowed
    assert not options["hold_closing"].allowed
    json.dumps([o.to_dict() for o in proc.options()])  # JSON-ready


def test_can_checks_one_name_with_a_payload(proc: v.Process) -> None:
    """can() answers for one trigger or event, judging a given payload, changing nothing."""
    before = proc.state()
    assert proc.can("partner_added", payload={"id": "a", "name": "A", "kind": "company"}).allowed
    assert not proc.can("partner_added", payload={"id": "a"}).allowed
    assert before == proc.state()
    with pytest.raises(KeyError):
        proc.can("nope")


def test_advisories_do_not_block(proc: v.Process) -> None:
    """The projects advisory shows in options and in the fire result, but fires."""
    _ready_for_kickoff(proc)
    proc.fire("hold_kickoff")
    proc.fire("hold_milestone")
    proc.fire("vision_set", payload={"text": "V"})
    proc.fire("goal_added", payload={"id": "g", "text": "G"})
    proc.fire("team_formed", payload={"id": "tm", "name": "T", "members": ["p1"]})
    proc.fire("project_added", payload={"id": "pr", "title": "P", "team": "tm"})
    proc.fire("hold_milestone")
    proc.fire("hold_milestone")
    option = proc.can("hold_closing")
    assert option.allowed
    assert ["projects_outside_expectation"] == [a.code for a in option.advisories]
    fired = proc.fire("hold_closing")
    assert "Projekte: 1; üblich sind 3 bis 5." == fired.advisories[0].message_de


def test_listeners_see_every_accepted_event(proc: v.Process) -> None:
    """A listener is called once per accepted event, never for refusals."""
    seen: list[str] = []
    unsubscribe = proc.subscribe(lambda p, e: seen.append(e.kind))
    proc.fire("note_added", payload={"text": "a"})
    with pytest.raises(v.TransitionRefused):
        proc.fire("hold_kickoff")
    unsubscribe()
    proc.fire("note_added", payload={"text": "b"})
    assert ["note_added"] == seen


def test_replay_and_json_round_trip(proc: v.Process) -> None:
    """replay(history) and from_json(to_json()) give an equal process."""
    _ready_for_kickoff(proc)
    proc.fire("hold_kickoff")
    assert proc == v.Process.replay(TPL, proc.history)
    assert proc == v.Process.from_json(TPL, proc.to_json())
    assert proc == v.Process.replay(TPL, [e.to_dict() for e in proc.history])


def test_replay_refuses_inconsistent_histories(proc: v.Process) -> None:
    """Gaps, a foreign template, or a missing start are ReplayError."""
    proc.fire("note_added", payload={"text": "a"})
    proc.fire("note_added", payload={"text": "b"})
    history = list(proc.history)
    with pytest.raises(v.ReplayError):
        v.Process.replay(TPL, [history[0], history[2]])
    with pytest.raises(v.ReplayError):
        v.Process.replay(TPL, history[1:])
    other = v.load_template("verantwortungspartner-thueringen")
    with pytest.raises(v.ReplayError):
        v.Process.replay(other, history)


def test_parameters_per_process() -> None:
    """A process started with parameters replays with them."""
    proc = v.Process.start(TPL, region="Emsdetten", parameters={"milestones_max": 4})
    assert 4 == proc.template.values["milestones_max"]
    assert proc == v.Process.replay(TPL, proc.history)
    with pytest.raises(v.ParameterError):
        v.Process.start(TPL, region="X", parameters={"milestones_max": 6})


def test_processes_share_one_machine() -> None:
    """All processes of a template use one compiled machine and add nothing to it."""
    a = v.Process.start(TPL, region="A")
    b = v.Process.start(TPL, region="B")
    a.fire("abort", payload={"reason": "Test"})
    ct = compiled(TPL)
    assert [] == ct.machine.models
    assert a.template is b.template


def test_a_process_is_freed_without_gc() -> None:
    """No reference cycles: a dropped process is freed by reference counting alone."""
    gc.disable()
    try:
        proc = v.Process.start(TPL, region="A")
        proc.fire("note_added", payload={"text": "x"})
        ref = weakref.ref(proc)
        del proc
        assert ref() is None
    finally:
        gc.enable()


def test_a_custom_rule_that_raises_changes_nothing(write) -> None:  # type: ignore[no-untyped-def]
    """A custom rule's exception becomes RuleError; the event's record is taken back."""
    from verantwortung.rules import registry

    def picky(view: Any, payload: Any, args: Any) -> bool:
        return int(payload["text"]) > 0

    path = write(Path(TPL.files[0]).read_text(encoding="utf-8").replace(
        """  note_added:
    label: {de: Notiz festgehalten, en: Note added}
    adds: notes""", """  note_added:
    label: {de: Notiz festgehalten, en: Note added}
    adds: notes
    guards:
      picky:
        rule: {custom: picky}
        message: {de: Zahl, en: Number}"""))
    registry.add("picky", picky)
    try:
        tpl = v.load_template(path)
        proc = v.Process.start(tpl, region="R")
        proc.fire("note_added", payload={"text": "5"})
        before = (proc.state(), proc.history)
        with pytest.raises(v.RuleError, match="picky"):
            proc.fire("note_added", payload={"text": "hallo"})
        assert before == (proc.state(), proc.history)
        assert proc == v.Process.replay(tpl, proc.history)
    finally:
        registry.remove("picky")


def test_parameters_of_a_loaded_template_are_recorded() -> None:
    """A process on a template loaded with parameters replays, and exports, with them."""
    tpl = v.load_template("verantwortungspartner", parameters={"milestones_max": 4})
    proc = v.Process.start(tpl, region="R")
    assert {"milestones_max": 4} == proc.history[0].payload["parameters"]
    assert 4 == v.Process.replay(TPL, proc.history).template.values["milestones_max"]
    assert 4 == v.Process.from_json(TPL, proc.to_json()).template.values["milestones_max"]


def test_a_project_starts_at_its_first_status(proc: v.Process) -> None:
    """project_added takes no status (the contract's fields); projects start as ideas."""
    _ready_for_kickoff(proc)
    proc.fire("hold_kickoff")
    proc.fire("team_formed", payload={"id": "t1", "name": "T", "members": ["p0"]})
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("project_added", payload={"id": "x", "title": "X", "team": "t1",
                                            "status": "completed"})
    assert ["status"] == [r.seen["field"] for r in info.value.reasons]
    proc.fire("project_added", payload={"id": "x", "title": "X", "team": "t1"})
    assert "idea" == proc.records("projects")[0]["status"]


def test_records_do_not_share_lists_with_the_history(proc: v.Process) -> None:
    """Changing a returned record changes neither the process nor its history."""
    _ready_for_kickoff(proc)
    proc.fire("hold_kickoff")
    proc.fire("team_formed", payload={"id": "t1", "name": "T", "members": ["p0"]})
    proc.records("teams")[0]["members"].append("ghost")
    assert ["p0"] == proc.records("teams")[0]["members"]
    assert ["p0"] == proc.history[-1].payload["members"]
    assert proc == v.Process.replay(TPL, proc.history)


def test_options_agree_with_fire_without_a_payload() -> None:
    """For every trigger in every phase of a story, can() says what fire() then does.

    Without a payload, fire() succeeds exactly when the option is allowed and needs no input.
    """
    from verantwortung.testing import explore

    for story in explore(TPL).reach.values():
        base = v.Process.start(TPL, region="R", at="2014-01-01")
        for step in story:
            base.fire(step.name, payload=dict(step.payload))
        for trigger in [t.id for t in TPL.triggers] + ["note_added", "partner_added"]:
            trial = v.Process.replay(TPL, base.history)
            option = trial.can(trigger)
            allowed = option.allowed and not option.needs_input
            try:
                trial.fire(trigger)
                fired = True
            except v.TransitionRefused:
                fired = False
            assert fired == allowed, (trigger, base.phase)


def test_an_event_reports_every_reason(proc: v.Process) -> None:
    """A duplicate id dated in the past gives both reasons, not the first one."""
    proc.fire("partner_added", payload={"id": "p1", "name": "A", "kind": "company"},
              at="2014-03-01")
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("partner_added", payload={"id": "p1", "name": "B", "kind": "company"},
                  at="2014-02-01")
    assert {"event_out_of_order", "invalid_payload"} == {r.code for r in info.value.reasons}


def test_bad_arguments_are_refusals_or_value_errors(proc: v.Process) -> None:
    """A timestamp of the wrong type is refused; a region of broken text is a ValueError."""
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("note_added", payload={"text": "x"}, at=5)  # type: ignore[arg-type]
    assert ["invalid_timestamp"] == [r.code for r in info.value.reasons]
    with pytest.raises(ValueError, match="not valid text"):
        v.Process.start(TPL, region="Tr\udcffier")


def test_naive_timestamps_from_outside_are_utc(proc: v.Process) -> None:
    """Imported events without a time zone are read as UTC, so later events compare."""
    data = json.loads(proc.to_json())
    for event in data["history"]:
        event["at"] = event["at"][:19]
    copy = v.Process.from_dict(TPL, data)
    copy.fire("note_added", payload={"text": "weiter"})
    assert copy.history[0].at.tzinfo is not None


def _team(proc: v.Process) -> v.Fired:
    _ready_for_kickoff(proc)
    proc.fire("hold_kickoff")
    return proc.fire("team_formed", payload={"id": "tm", "name": "T", "members": ["p0"]})


def test_a_fired_payload_cannot_change_the_history(proc: v.Process) -> None:
    """Changing the payload fire returned, or a list in it, is a TypeError; history stays."""
    fired = _team(proc)
    with pytest.raises(TypeError):
        fired.event.payload["name"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        fired.event.payload["members"].append("ghost")
    assert ({"id": "tm", "name": "T", "members": ["p0"]}, True) == (
        proc.history[-1].payload, v.Process.replay(TPL, proc.history) == proc)


def test_replayed_events_are_frozen_and_unshared(proc: v.Process) -> None:
    """Events handed to replay as plain data are copied frozen: the caller keeps no handle."""
    _team(proc)
    plain = [e._replace(payload={k: (list(x) if isinstance(x, list) else x)
                                 for k, x in e.payload.items()}) for e in proc.history]
    again = v.Process.replay(TPL, plain)
    plain[-1].payload["members"].append("ghost")
    plain[-1].payload["name"] = "x"
    assert (again, ["p0"]) == (proc, again.history[-1].payload["members"])



def test_options_mark_a_guard_on_the_input_as_needs_input(proc: v.Process) -> None:
    """abort is allowed but needs a reason; hold_kickoff is blocked by the records."""
    options = {o.name: o for o in proc.options()}
    abort, kickoff = options["abort"], options["hold_kickoff"]
    assert (True, ("reason",), ["reason_required"]) == (
        abort.allowed, abort.needs_input, [r.code for r in abort.reasons])
    assert (False, ()) == (kickoff.allowed, kickoff.needs_input)
    assert ["reason"] == abort.to_dict()["needs_input"]
    assert ["reason"] == abort.reasons[0].to_dict()["needs_input"]


def test_a_given_payload_is_judged_in_full(proc: v.Process) -> None:
    """can() with a payload blocks on every reason; the input reasons still name their fields."""
    option = proc.can("abort", payload={})
    assert (False, ("reason",)) == (option.allowed, option.needs_input)
    assert proc.can("abort", payload={"reason": "Keine Partner"}).allowed


def test_event_options_name_the_required_fields(proc: v.Process) -> None:
    """Without a payload, an event in its phase is allowed and needs its required fields."""
    options = {o.name: o for o in proc.options()}
    assert (True, ("id", "name", "kind")) == (options["partner_added"].allowed,
                                              options["partner_added"].needs_input)
    assert (True, ("id", "name", "kind")) == (proc.can("partner_added").allowed,
                                              proc.can("partner_added").needs_input)




@pytest.fixture
def inputs(write: Any) -> v.Process:
    """A process in kick-off of a template whose triggers read their input."""
    from tests.conftest import INPUT_TRIGGERS, MINIMAL

    proc = v.Process.start(v.load_template(write(MINIMAL + INPUT_TRIGGERS)), region="R")
    proc.fire("hold_kickoff")
    return proc


def test_missing_fields_and_input_guards_are_needed_input(inputs: v.Process) -> None:
    """A missing required field and a guard on the payload are needs, in the order met."""
    option = {o.name: o for o in inputs.options()}["close_early"]
    assert (True, ("reason", "votes"), ["invalid_payload", "enough_votes"]) == (
        option.allowed, option.needs_input, [r.code for r in option.reasons])
    assert ("reason", "votes") == inputs.can("close_early").needs_input
    assert "closing" == inputs.fire("close_early", payload={"reason": "r", "votes": 3}).phase


def test_a_guard_reading_payload_and_records_blocks(inputs: v.Process) -> None:
    """A guard that reads the records as well as the input is a block, not a need."""
    option = {o.name: o for o in inputs.options()}["close_when_due"]
    assert (False, ()) == (option.allowed, option.needs_input)


def test_a_lazy_restore_reads_the_earlier_events_only_when_asked() -> None:
    """Process.restore with earlier= equals a replay and calls earlier() once, on demand."""
    tpl = v.load_template("verantwortungspartner")
    proc = v.Process.start(tpl, region="Trier", at="2014-01-01")
    for i in range(6):
        proc.fire("note_added", payload={"text": str(i)})
    history, calls = proc.history, []

    def earlier() -> list[v.Event]:
        calls.append(1)
        return list(history[:3])

    lazy = v.Process.restore(tpl, [history[0], *history[3:]],
                             v.Process.replay(tpl, history[:4]).state(), 4, earlier=earlier)
    assert ([], 7) == (calls, lazy.version)
    lazy.fire("note_added", payload={"text": "more"})
    proc.fire("note_added", payload={"text": "more"})
    assert proc.history[:7] == lazy.history[:7]
    assert [1] == calls


def test_the_start_event_and_a_domain_payload_cannot_be_changed(proc: v.Process) -> None:
    """history[0]'s payload and a fired payload raise when set; replay still equals proc."""
    fired = proc.fire("partner_added", payload={"id": "px", "name": "X", "kind": "company"})
    with pytest.raises(TypeError):
        fired.event.payload["kind"] = "association"  # type: ignore[index]
    with pytest.raises(TypeError):
        proc.history[0].payload["region"] = "anderswo"  # type: ignore[index]
    assert ("company", proc) == (proc.history[-1].payload["kind"],
                                 v.Process.replay(TPL, proc.history))


def test_state_view_is_state_without_the_copy() -> None:
    """state_view() equals state(), shares the records (no copy), and the next event
    shows in it; state() stays a copy that nothing changes."""
    proc = v.Process.start(TPL, region="Musterstadt", at="2024-01-01")
    proc.fire("note_added", payload={"text": "eins"})
    copy, view = proc.state(), proc.state_view()
    assert copy == view
    proc.fire("note_added", payload={"text": "zwei"})
    assert ["eins", "zwei"] == [r["text"] for r in view["records"]["notes"]]
    assert ["eins"] == [r["text"] for r in copy["records"]["notes"]]
