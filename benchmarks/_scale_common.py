"""Shared pieces of ``bench_scale.py``: sizes, the bundled walk, timing and the result rows."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

import verantwortung
from verantwortung import Process

ROOT = Path(__file__).resolve().parents[1]
QUICK = "--quick" in sys.argv
#: ``--only store,json``: run only these groups of rows (names as in main())
ONLY = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")), [])
BIG = 20_000 if QUICK else 100_000      # events of a long history
MEMBERS = 2_000 if QUICK else 10_000    # circle members of a large record
REPEAT = 3 if QUICK else 5
#: ``--cpu``: time the rows of one thread by the CPU time of this process, not the wall
#: clock (steadier on a machine shared with other work; the thread rows stay on the wall)
CLOCK = process_time if "--cpu" in sys.argv else perf_counter
TPL = verantwortung.load_template("verantwortungspartner")
PHASES, INITIAL = [p.id for p in TPL.phases], TPL.initial_phase.id
EDGES = [{"trigger": t.trigger, "source": t.source, "dest": t.target} for t in TPL.transitions]
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
        t0 = CLOCK()
        run() if data is None else run(data)  # type: ignore[call-arg]
        result = min(result, CLOCK() - t0)
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
