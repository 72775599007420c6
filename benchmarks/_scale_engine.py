"""Rows of ``bench_scale.py`` that measure the engine: records, options, triggers, JSON, compile."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transitions import Machine

import verantwortung
from _scale_common import (
    ACTOR,
    BIG,
    EDGES,
    INITIAL,
    MEMBERS,
    PHASES,
    REGION,
    STORY,
    TO_MILESTONE_1,
    TO_MILESTONE_2,
    TPL,
    best,
    row,
    started,
    with_notes,
)
from verantwortung import Process
from verantwortung.engine import compiled_template

# -- engine: record size, options, phase triggers, threads, JSON, compile -------------------

def record_rows() -> None:
    def with_members(n: int) -> Process:
        proc = started([])
        for i in range(n):
            proc.fire("partner_added", payload={"id": f"p{i}", "name": f"F{i}", "kind": "company"})
            proc.fire("circle_member_joined", payload={"partner": f"p{i}"})
        for i in range(200):  # partners waiting to join, for the timed calls
            proc.fire("partner_added", payload={"id": f"w{i}", "name": f"W{i}",
                                                "kind": "company"})
        return proc

    def joins(proc: Process) -> None:
        for i in range(200):
            proc.fire("circle_member_joined", payload={"partner": f"w{i}"})
    small = best(joins, lambda: with_members(4), repeat=3) / 200
    large = best(joins, lambda: with_members(MEMBERS), repeat=1) / 200
    row(f"circle_member_joined with {MEMBERS:,} members vs 4", large, small, 2.0, "s",
        note=f"{large * 1e6:.0f} µs vs {small * 1e6:.1f} µs")

    def adds(proc: Process) -> None:  # new ids: each is checked against every known one
        for i in range(200):
            proc.fire("partner_added", payload={"id": f"n{i}", "name": f"N{i}",
                                                "kind": "company"})
    small = best(adds, lambda: with_members(4), repeat=3) / 200
    large = best(adds, lambda: with_members(MEMBERS), repeat=1) / 200
    row(f"partner_added (id collision check) with {MEMBERS + 200:,} partners vs 204", large,
        small, 2.0, "s", note=f"{large * 1e6:.0f} µs vs {small * 1e6:.1f} µs")
    history_small = with_members(MEMBERS // 10).history
    history_large = with_members(MEMBERS).history
    t_s = best(lambda: Process.replay(TPL, history_small), repeat=3) / len(history_small)
    t_l = best(lambda: Process.replay(TPL, history_large), repeat=1) / len(history_large)
    row(f"replay per event: {len(history_large):,} vs {len(history_small):,} record events",
        t_l, t_s, 2.0, "s", note=f"{t_l * 1e6:.1f} µs vs {t_s * 1e6:.1f} µs per event "
        "(linear replay gives 1×)")


class GuardedModel:
    """A transitions model whose conditions compute the bundled template's guards."""

    state: str
    trigger: Callable[..., bool]

    def __init__(self) -> None:
        self.partners: dict[str, dict[str, Any]] = {}
        self.records: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("circle", "selected_themes", "logistics", "facilitator", "vision",
                            "goals", "teams", "projects", "consolidation")}
        self.milestones = 0

    def circle_ok(self) -> bool:
        return sum(self.partners[m["partner"]]["kind"] == "company"
                   for m in self.records["circle"]) >= 5

    def theme_ok(self) -> bool:
        return len(self.records["selected_themes"]) >= 1

    def logistics_ok(self) -> bool:
        return bool(self.records["logistics"])

    def facilitator_ok(self) -> bool:
        return bool(self.records["facilitator"])

    def vision_goal_team_ok(self) -> bool:
        return all(self.records[k] for k in ("vision", "goals", "teams"))

    def enough_milestones(self) -> bool:
        return self.milestones >= 3

    def projects_ok(self) -> bool:
        return len(self.records["projects"]) >= 1

    def form_ok(self) -> bool:
        return bool(self.records["consolidation"])

    def reason_ok(self) -> bool:
        return False  # abort needs input


GUARDS = {"hold_kickoff": ["circle_ok", "theme_ok", "logistics_ok", "facilitator_ok"],
          "hold_closing": ["enough_milestones", "projects_ok"], "consolidate": ["form_ok"],
          "abort": ["reason_ok"]}


def guarded_machine() -> Machine:
    edges = []
    for e in EDGES:
        conditions = list(GUARDS.get(e["trigger"], []))
        if e["trigger"] == "hold_milestone" and e["source"] != "kickoff":
            conditions.append("vision_goal_team_ok")
        edges.append({**e, "conditions": conditions})
    return Machine(model=None, states=PHASES, transitions=edges, initial=INITIAL,
                   auto_transitions=False)


def peer_in(phase_steps: list[tuple[str, dict[str, Any]]], m: Machine) -> GuardedModel:
    model = GuardedModel()
    for name, payload in phase_steps:  # the same record as ours, in plain Python
        if name == "partner_added":
            model.partners[payload["id"]] = payload
        elif name == "circle_member_joined":
            model.records["circle"].append(payload)
        elif name in ("theme_selected",):
            model.records["selected_themes"].append(payload)
        elif name == "logistics_clarified":
            model.records["logistics"].append(payload)
        elif name == "facilitator_assigned":
            model.records["facilitator"].append(payload)
    m.add_model(model)
    model.state = PHASES[PHASES.index("milestone_1")] if len(phase_steps) >= TO_MILESTONE_1 \
        else INITIAL
    if len(phase_steps) >= TO_MILESTONE_2:
        model.state = "milestone_2"
        model.records["vision"].append({})
        model.records["goals"].append({})
        model.records["teams"].append({})
        model.records["projects"].append({})
    return model


def options_rows() -> None:
    m = guarded_machine()
    for phase, upto in (("preparation", 3), ("milestone_2", TO_MILESTONE_2)):
        proc = started(STORY[:upto])
        model = peer_in(STORY[:upto], m)

        def peer(model: GuardedModel = model) -> None:
            for _ in range(1_000):
                for t in m.get_triggers(model.state):
                    getattr(model, f"may_{t}")()

        def ours(proc: Process = proc) -> None:
            for _ in range(1_000):
                proc.options(events=False)
        t_ours, t_peer = best(ours) / 1_000, best(peer) / 1_000
        row(f"options(events=False) in {phase} vs transitions may_* with the same guards",
            t_ours, t_peer, 1.0, "s", note=f"{t_ours * 1e6:.1f} µs vs {t_peer * 1e6:.1f} µs")


def _ready_models(n: int, machine: Machine) -> list[GuardedModel]:
    """``n`` guarded peers in milestone_1 whose records let ``hold_milestone`` pass."""
    models = []
    for _ in range(n):
        model = peer_in(STORY[:TO_MILESTONE_2 - 1], machine)
        for k in ("vision", "goals", "teams"):
            model.records[k].append({})
        models.append(model)
    return models


class _Floor:
    """The dict FSM floor: one slot per process, the phase table a dict."""

    __slots__ = ("phase",)

    def __init__(self) -> None:
        self.phase = "milestone_1"


_TABLE = {(e["source"], e["trigger"]): e["dest"] for e in EDGES}


def _floor_moves(models: list[_Floor]) -> None:
    for f in models:
        f.phase = _TABLE[(f.phase, "hold_milestone")]


def trigger_rows() -> None:
    n = 2_000
    history = started(STORY[:TO_MILESTONE_2 - 1]).history  # milestone_1, ready for the next
    bare = Machine(model=None, states=PHASES, transitions=EDGES, initial=INITIAL,
                   auto_transitions=False)

    def ours_setup() -> list[Process]:
        return [Process.replay(TPL, history) for _ in range(n)]

    def ours(procs: list[Process]) -> None:
        for p in procs:
            p.fire("hold_milestone", actor=ACTOR)

    class Bare:
        state: str
        trigger: Callable[..., bool]

    def bare_setup() -> list[Bare]:
        models = []
        for _ in range(n):
            b = Bare()
            bare.add_model(b, initial="milestone_1")
            models.append(b)
        return models

    def peer(models: list[Bare]) -> None:
        for b in models:
            b.trigger("hold_milestone")

    guarded = guarded_machine()
    t_ours = best(ours, ours_setup) / n
    t_peer = best(peer, bare_setup) / n
    t_guarded = best(peer, lambda: _ready_models(n, guarded)) / n
    t_floor = best(_floor_moves, lambda: [_Floor() for _ in range(n)]) / n
    bare.remove_model(list(bare.models))
    guarded.remove_model(list(guarded.models))
    row("phase trigger (hold_milestone) vs bare transitions trigger", t_ours, t_peer, 2.0, "s",
        note=f"{t_ours * 1e6:.1f} µs vs {t_peer * 1e6:.1f} µs (with the same guards "
        f"{t_guarded * 1e6:.1f} µs, dict FSM {t_floor * 1e6:.2f} µs)")


def json_rows() -> None:
    text = with_notes(BIG).to_json()
    t_ours = best(lambda: Process.from_json(TPL, text), repeat=3)
    t_json = best(lambda: json.loads(text), repeat=3)
    rate = BIG / t_ours
    row(f"Process.from_json at {BIG:,} events (events/s vs 120,000/s)", rate, 120_000, 1.0,
        "events/s", higher_is_better=True,
        note=f"{rate:,.0f}/s (json.loads alone {BIG / t_json:,.0f}/s)")


def parameter_rows() -> None:
    """Replaying a process started with parameters costs what a default one costs."""
    plain = started(STORY[:TO_MILESTONE_1]).history
    tuned = Process.start(TPL, region=REGION, at="2014-01-01",
                          parameters={"milestones_max": 4, "circle_min_companies": 5})
    for name, payload in STORY[:TO_MILESTONE_1]:
        tuned.fire(name, actor=ACTOR, payload=payload)
    history = tuned.history

    def replays(events: Any) -> Callable[[], None]:
        def run() -> None:
            for _ in range(200):
                Process.replay(TPL, events)
        return run
    t_tuned, t_plain = best(replays(history)) / 200, best(replays(plain)) / 200
    row("replay of a process with parameters vs with defaults", t_tuned, t_plain, 1.1, "s",
        note=f"{t_tuned * 1e6:.0f} µs vs {t_plain * 1e6:.0f} µs")


def big_template(folder: Path, n: int = 199) -> Path:
    """A chain of ``n + 1`` phases; a template may declare at most 200 phases or triggers."""
    lines = ["id: scale", 'version: "1.0"', "title: {de: Groß, en: Large}",
             "collections:", "  notes:", "    label: {de: Notizen, en: Notes}",
             "    fields: {text: {type: text}}",
             "events:", "  note_added: {label: {de: Notiz, en: Note}, adds: notes}",
             "phases:", "  p0: {initial: true, label: {de: P0, en: P0}}"]
    lines += [f"  p{i}: {{label: {{de: P{i}, en: P{i}}}}}" for i in range(1, n)]
    lines += [f"  p{n}: {{final: true, label: {{de: Ende, en: End}}}}", "triggers:"]
    for i in range(n):
        lines += [f"  go_{i}:", f"    label: {{de: Weiter {i}, en: Next {i}}}",
                  f"    from: p{i}", f"    to: p{i + 1}", "    guards:",
                  f"      need_{i}:", "        rule: {count: notes, min: 1}",
                  "        message: {de: Eine Notiz fehlt., en: A note is missing.}"]
    path = folder / "scale.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def compile_rows(folder: Path) -> None:
    path = big_template(folder)
    tpl0 = verantwortung.load_template(path)
    states = [p.id for p in tpl0.phases]
    edges = [{"trigger": t.trigger, "source": t.source, "dest": t.target}
             for t in tpl0.transitions]
    def whole(tpl: Any) -> None:
        # what the first moves build on demand is timed too: the Machine and every
        # payload validator, so the row weighs the same work as when start built them
        Process.start(tpl, region=REGION)
        ct = compiled_template(tpl)
        ct.machine  # noqa: B018 - built on first use
        for step in (*ct.triggers.values(), *ct.events.values()):
            step.validate.empty  # noqa: B018 - builds the payload validator where needed
            step.validate._adapter  # noqa: B018

    t_start = best(lambda tpl: Process.start(tpl, region=REGION),
                   lambda: verantwortung.load_template(path), repeat=3)
    t_ours = best(whole, lambda: verantwortung.load_template(path), repeat=3)
    t_peer = best(lambda: Machine(model=None, states=states, transitions=edges,
                                  initial=states[0], auto_transitions=False), repeat=3)
    row(f"first Process.start (compile), {len(states)} phases/triggers vs transitions Machine",
        t_ours, t_peer, 5.0, "s", note=f"{t_ours * 1e3:.0f} ms vs {t_peer * 1e3:.1f} ms "
        f"(the start alone, Machine and validators built later: {t_start * 1e3:.0f} ms)")
