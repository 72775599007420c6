"""Benchmark: costs that must follow the work, not the history (one run, side by side).

Run ``python benchmarks/bench_scale.py`` (``--quick`` for a smaller, rougher run). Every
row is a ratio of two measurements taken in this run, next to its goal; the script prints
the table and writes ``benchmarks/results/scale.json``. The peers:

* bare ``transitions`` (one shared ``Machine``, ``add_model``), without guards and with
  guards that compute the same conditions as the bundled template in plain Python;
* the dict FSM floor of ``bench_engine.py``;
* a bare SQLAlchemy Core insert and a raw ``sqlite3`` insert of the same event row;
* ``yamllint`` and a bare ``python -c "import sqlalchemy, pydantic, yaml"`` for start-up.

Times are the best of several runs with the collector on; process wall times are the
median of several runs after a warm-up.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import create_engine, event, insert
from transitions import Machine

import verantwortung
from verantwortung import EventStore, Process
from verantwortung.store.schema import events as events_table
from verantwortung.store.schema import metadata
from verantwortung.store.sql import _sqlite_pragmas

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
QUICK = "--quick" in sys.argv
#: ``--only store,json``: run only these groups of rows (names as in main())
ONLY = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")), [])
BIG = 20_000 if QUICK else 100_000      # events of a long history
MEMBERS = 2_000 if QUICK else 10_000    # circle members of a large record
REPEAT = 3 if QUICK else 5
TPL = verantwortung.load_template("verantwortungspartner")
PHASES, INITIAL = [p.id for p in TPL.phases], TPL.initial_phase.id
EDGES = [{"trigger": t.trigger, "source": t.source, "dest": t.dest} for t in TPL.transitions]
ACTOR, REGION = "facilitator", "Musterstadt"

# the bundled walk up to milestone_1 (16 events) and milestone_2 (21 events)
STORY: list[tuple[str, dict[str, Any]]] = [
    *[(e, p) for i in range(1, 6) for e, p in (
        ("partner_added", {"id": f"s{i}", "name": f"Firma {i}", "kind": "company"}),
        ("circle_member_joined", {"partner": f"s{i}"}))],
    ("facilitator_assigned", {"name": "Anna"}),
    ("theme_proposed", {"id": "st", "title": "Fachkräfte"}), ("theme_selected", {"theme": "st"}),
    ("logistics_clarified", {"host": "IHK"}), ("hold_kickoff", {}), ("hold_milestone", {}),
    ("vision_set", {"text": "2030"}), ("goal_added", {"id": "sg", "text": "Ziel"}),
    ("team_formed", {"id": "stm", "name": "Team", "members": ["s1"]}),
    ("project_added", {"id": "sp", "title": "Projekt", "team": "stm"}), ("hold_milestone", {})]
TO_MILESTONE_1, TO_MILESTONE_2 = 16, 21

ROWS: list[dict[str, Any]] = []


def best(run: Callable[[], object], setup: Callable[[], object] | None = None,
         repeat: int = REPEAT) -> float:
    """Best of ``repeat``: ``setup()`` untimed (its result is passed to ``run``), GC on."""
    result = float("inf")
    for _ in range(repeat):
        data = setup() if setup is not None else None
        gc.collect()
        t0 = perf_counter()
        run() if data is None else run(data)  # type: ignore[call-arg]
        result = min(result, perf_counter() - t0)
    return result


def row(name: str, ours: float, peer: float, goal: float, unit: str, *,
        higher_is_better: bool = False, note: str = "") -> None:
    """Record one row: ratio ours/peer (or peer/ours) against its goal."""
    ratio = ours / peer if peer else float("inf")
    ok = ratio >= goal if higher_is_better else ratio <= goal
    ROWS.append({"row": name, "ours": ours, "peer": peer, "ratio": ratio, "goal": goal,
                 "goal_kind": "≥" if higher_is_better else "≤", "unit": unit,
                 "ok": ok, "note": note})
    sign = "≥" if higher_is_better else "≤"
    print(f"{'PASS' if ok else 'MISS'}  {name:<64} {ratio:8.2f}×  (goal {sign} {goal}×)  "
          f"{note}", flush=True)


def started(steps: list[tuple[str, dict[str, Any]]]) -> Process:
    proc = Process.start(TPL, region=REGION, at="2014-01-01")
    for name, payload in steps:
        proc.fire(name, actor=ACTOR, payload=payload)
    return proc


def with_notes(n: int) -> Process:
    proc = Process.start(TPL, region=REGION, at="2014-01-01")
    for i in range(n - 1):
        proc.fire("note_added", payload={"text": f"Notiz {i}"})
    return proc


# -- store: load with a snapshot, fire after another writer ---------------------------------

def store_rows(folder: Path) -> None:
    url = f"sqlite:///{folder / 'scale.sqlite3'}"
    with EventStore(url, snapshot_every=0) as store:
        small, big = with_notes(1_000), with_notes(BIG)
        for proc in (small, big):
            store.add(proc)
            store.snapshot(proc.id)
        t_small = best(lambda: store.load(small.id))
        t_big = best(lambda: store.load(big.id))
    row(f"store.load with snapshot: {BIG:,} vs 1,000 events", t_big, t_small, 3.0, "s",
        note=f"{t_big * 1e3:.1f} ms vs {t_small * 1e3:.1f} ms")
    with EventStore(url, snapshot_every=0) as a, EventStore(url, snapshot_every=0) as b:
        tiny = with_notes(10)
        a.add(tiny)

        def after_other(pid: str) -> float:
            a.fire(pid, "note_added", payload={"text": "warm"})  # a holds it in its cache
            times = []
            for i in range(REPEAT):
                b.fire(pid, "note_added", payload={"text": f"b{i}"})
                t0 = perf_counter()
                a.fire(pid, "note_added", payload={"text": f"a{i}"})
                times.append(perf_counter() - t0)
            return min(times)
        t_tiny, t_long = after_other(tiny.id), after_other(big.id)
    row(f"store.fire after another writer: {BIG:,} vs 10 events", t_long, t_tiny, 3.0, "s",
        note=f"{t_long * 1e3:.1f} ms vs {t_tiny * 1e3:.2f} ms")


def append_rows(folder: Path) -> None:
    """One event per transaction: store.append next to a bare insert of the same row."""
    n = 300 if QUICK else 1_000
    url = f"sqlite:///{folder / 'append.sqlite3'}"
    with EventStore(url, snapshot_every=0) as store:
        proc = with_notes(1)
        store.add(proc)

        def ours() -> None:
            for i in range(n):
                version = proc.version
                proc.fire("note_added", payload={"text": f"n{i}"})
                store.append(proc, version)
        t_ours = best(ours, repeat=3) / n
        row_template = {"process_id": proc.id, "at": "2014-01-01T00:00:00+00:00",
                        "actor": None, "kind": "note_added", "payload": '{"text": "x"}',
                        "template": TPL.id, "template_version": TPL.version, "phase": INITIAL}
    engine = create_engine(f"sqlite:///{folder / 'bare.sqlite3'}")
    event.listen(engine, "connect", _sqlite_pragmas)  # the store's WAL settings, to be fair
    metadata.create_all(engine)
    counter = iter(range(1, 10**9))  # seq and position: unique, as the store's

    def bare() -> None:
        for _ in range(n):
            seq = next(counter)
            with engine.begin() as conn:
                conn.execute(insert(events_table), {**row_template, "seq": seq,
                                                    "id": f"e{seq}", "position": seq})
    with engine.begin() as conn:  # the process row the events refer to
        conn.exec_driver_sql(
            "INSERT INTO vt_processes VALUES (?, 't', '1', 's', 'r', 'p', 1, 'c', 'u')",
            (proc.id,))
    t_bare = best(bare, repeat=3) / n
    engine.dispose()
    raw = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    cols = ", ".join(c.name for c in events_table.columns)
    marks = ", ".join("?" for _ in events_table.columns)

    def sqlite_raw() -> None:
        for _ in range(n):
            seq = next(counter)
            raw.execute("BEGIN")
            raw.execute(f"INSERT INTO vt_events ({cols}) VALUES ({marks})",
                        (proc.id, seq, f"e{seq}", row_template["at"], None, "note_added",
                         row_template["payload"], TPL.id, TPL.version, INITIAL, seq))
            raw.execute("COMMIT")
    t_raw = best(sqlite_raw, repeat=3) / n
    raw.close()
    row("store.append, 1 event/transaction, SQLite vs bare SQLAlchemy insert", t_ours, t_bare,
        2.5, "s", note=f"{t_ours * 1e6:.0f} µs vs {t_bare * 1e6:.0f} µs "
        f"(raw sqlite3 {t_raw * 1e6:.0f} µs)")


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

    t_ours = best(ours, ours_setup) / n
    t_peer = best(peer, bare_setup) / n
    bare.remove_model(list(bare.models))
    row("phase trigger (hold_milestone) vs bare transitions trigger", t_ours, t_peer, 2.0, "s",
        note=f"{t_ours * 1e6:.1f} µs vs {t_peer * 1e6:.1f} µs")


def thread_rows(folder: Path) -> None:
    n = 100 if QUICK else 300
    url = f"sqlite:///{folder / 'threads.sqlite3'}"
    with EventStore(url, snapshot_every=0) as store:
        pids = []
        for _ in range(4):
            proc = with_notes(1)
            store.add(proc)
            pids.append(proc.id)

        def work(pid: str) -> None:
            for i in range(n):
                store.fire(pid, "note_added", payload={"text": f"t{i}"})

        def threaded(count: int) -> float:
            threads = [threading.Thread(target=work, args=(pid,)) for pid in pids[:count]]
            t0 = perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return count * n / (perf_counter() - t0)
        one = max(threaded(1) for _ in range(2))
        four = max(threaded(4) for _ in range(2))
    row("store.fire throughput: 4 threads on 4 processes vs 1 thread", four, one, 1.6,
        "events/s", higher_is_better=True, note=f"{four:,.0f}/s vs {one:,.0f}/s")


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


def big_template(folder: Path, n: int = 1_000) -> Path:
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
    edges = [{"trigger": t.trigger, "source": t.source, "dest": t.dest}
             for t in tpl0.transitions]
    t_ours = best(lambda tpl: Process.start(tpl, region=REGION),
                  lambda: verantwortung.load_template(path), repeat=3)
    t_peer = best(lambda: Machine(model=None, states=states, transitions=edges,
                                  initial=states[0], auto_transitions=False), repeat=3)
    row("first Process.start (compile), 1,000 phases/triggers vs transitions Machine",
        t_ours, t_peer, 5.0, "s", note=f"{t_ours * 1e3:.0f} ms vs {t_peer * 1e3:.1f} ms")


# -- start-up: whole commands ---------------------------------------------------------------

def wall(argv: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command over ``runs`` runs after one warm-up."""
    subprocess.run(argv, capture_output=True, check=False, env=env)
    times = []
    for _ in range(runs):
        t0 = perf_counter()
        subprocess.run(argv, capture_output=True, check=False, env=env)
        times.append(perf_counter() - t0)
    return statistics.median(times)


def startup_rows(folder: Path) -> None:
    bindir = Path(sys.executable).parent
    ours, yamllint = str(bindir / "verantwortung"), str(bindir / "yamllint")
    runs = 3 if QUICK else 7
    files = {"bundled": ROOT / "process_templates" / "verantwortungspartner.yaml",
             "Thüringen child": ROOT / "process_templates"
             / "verantwortungspartner-thueringen.yaml",
             "1,000-phase file": big_template(folder)}
    if Path(yamllint).exists():
        for name, path in files.items():
            t_ours = wall([ours, "validate", str(path)], runs)
            t_lint = wall([yamllint, str(path)], runs)
            row(f"verantwortung validate vs yamllint: {name}", t_ours, t_lint, 1.0, "s",
                note=f"{t_ours * 1e3:.0f} ms vs {t_lint * 1e3:.0f} ms")
    db = folder / "status.sqlite3"
    with EventStore(f"sqlite:///{db}") as store:
        proc = started(STORY[:3])
        store.add(proc)
    bare = wall([sys.executable, "-c", "import sqlalchemy, pydantic, yaml"], runs)
    for name, argv in (("status ID", [ours, "status", proc.id, "--db", str(db)]),
                       ("templates", [ours, "templates"])):
        t = wall(argv, runs)
        row(f"verantwortung {name} vs python -c 'import sqlalchemy, pydantic, yaml'", t, bare,
            1.3, "s", note=f"{t * 1e3:.0f} ms vs {bare * 1e3:.0f} ms")


def main() -> int:
    print(f"verantwortung {verantwortung.__version__}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores{' (quick run)' if QUICK else ''}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        groups: dict[str, Callable[[], None]] = {
            "store": lambda: store_rows(folder), "append": lambda: append_rows(folder),
            "records": record_rows, "options": options_rows, "trigger": trigger_rows,
            "threads": lambda: thread_rows(folder), "json": json_rows,
            "parameters": parameter_rows, "compile": lambda: compile_rows(folder),
            "startup": lambda: startup_rows(folder)}
        for name, run in groups.items():
            if not ONLY or name in ONLY:
                run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"quick": QUICK, "rows": ROWS}, ensure_ascii=False,
                                  indent=2), encoding="utf-8")
    missed = [r["row"] for r in ROWS if not r["ok"]]
    print(f"\n{len(ROWS) - len(missed)} of {len(ROWS)} goals met; results in "
          f"{RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
