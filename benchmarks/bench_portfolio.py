"""Benchmark: ``verantwortung portfolio`` over 1,000 processes × 100 events on SQLite.

Run ``python benchmarks/bench_portfolio.py`` (``--quick``: 100 processes); it prints a
table and a PASS/MISS line and writes ``benchmarks/results/portfolio.json``.

The store holds 1,000 processes of the Musterstadt template (the bundled method with
seven indicators), each with 100 events: partners and circle members, the facilitator,
a theme, the kick-off and a milestone meeting, a team, projects and notes. Rows:

(a) ``verantwortung portfolio --format json`` (the command, in this process): read from
    the store's process summaries, no replay — the goal is under 2 s;
(b) the same with ``--at`` a date after the last event: every process replayed from its
    events (what the summaries save);
(a2) (a) again after each process received 0-7 more notes through ``store.fire``, so that
    summaries hold a state some events behind the log and the portfolio folds them;
(c) writing the store: the extra cost of the summary in the append transaction, as
    ``store.append`` of one event with and without it.

Times are the best of 3 runs (the replay: one run); the portfolio is also timed in CPU
time, which other programs on a shared machine do not inflate as much.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
import tempfile
import timeit
from pathlib import Path
from time import perf_counter, process_time

import verantwortung as v
from verantwortung.cli import main
from verantwortung.store import projection

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "portfolio.json"
TEMPLATE = ROOT / "examples" / "custom_template" / "musterstadt.yaml"
TPL = v.load_template(TEMPLATE)
EVENTS, REPEAT, GOAL = 100, 3, 2.0
DAY0 = dt.date(2012, 1, 2)


def story(region: str, events: int = EVENTS) -> v.Process:
    """A process of Musterstadt in milestone_1 with ``events`` events."""
    proc = v.Process.start(TPL, region=region, at=DAY0)
    kinds = ["company"] * 6 + ["municipality", "association", "chamber"]
    for i, kind in enumerate(kinds):
        proc.fire("partner_added", payload={"id": f"p{i}", "name": f"P{i}", "kind": kind},
                  at=DAY0)
    for i in range(6):
        proc.fire("circle_member_joined", payload={"partner": f"p{i}"}, at=DAY0)
    for name, payload in (("facilitator_assigned", {"name": "Anna"}),
                          ("theme_proposed", {"id": "t", "title": "Fachkräfte"}),
                          ("theme_selected", {"theme": "t"}),
                          ("logistics_clarified", {"host": "IHK"}),
                          ("hold_kickoff", {"minutes": "m"}), ("hold_milestone", {}),
                          ("team_formed", {"id": "team", "name": "T",
                                           "members": ["p0", "p6"]})):
        proc.fire(name, payload=payload, at=DAY0 + dt.timedelta(days=30))
    n = 0
    while proc.version < events:
        n += 1
        day = DAY0 + dt.timedelta(days=40 + n)
        if n % 10 == 0:
            proc.fire("project_added", payload={"id": f"x{n}", "title": f"Projekt {n}",
                                                "team": "team"}, at=day)
        else:
            proc.fire("note_added", payload={"text": f"Notiz {n}"}, at=day)
    return proc


def _best(fn: object, repeat: int = REPEAT) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))  # type: ignore[arg-type]


def _cpu(fn: object, repeat: int = REPEAT) -> float:
    """The least CPU time of this process over ``repeat`` runs: on a shared machine the
    wall time also counts the other programs' turns."""
    return min(timeit.repeat(fn, number=1, repeat=repeat,  # type: ignore[arg-type]
                             timer=process_time))


def _command(argv: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        assert 0 == main(argv)


def run(count: int) -> dict[str, object]:
    """Build the store, time the portfolio both ways and the append with its summary."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "portfolio.sqlite3")
        url = f"sqlite:///{db}"
        start = perf_counter()
        template = story("Vorlage")
        with v.EventStore(url) as store:
            for i in range(count):
                proc = v.Process.replay(TPL, template.history) if i == 0 else story(
                    f"Region {i:04d}")
                store.add(proc, str(TEMPLATE))
        built = perf_counter() - start
        summaries = _best(lambda: _command(["portfolio", "--db", db, "--format", "json"]))
        summaries_cpu = _cpu(lambda: _command(["portfolio", "--db", db, "--format", "json"]))
        replayed = _best(lambda: _command(["portfolio", "--db", db, "--format", "json",
                                           "--at", "2030-01-01"]), 1)
        with v.EventStore(url) as store:  # 0-7 notes more each: states behind the log
            for i, info in enumerate(store.list()):
                for j in range(i % 8):
                    store.fire(info.id, "note_added", payload={"text": f"y{j}"},
                               at="2019-01-01")
        tails = _best(lambda: _command(["portfolio", "--db", db, "--format", "json"]))
        tails_cpu = _cpu(lambda: _command(["portfolio", "--db", db, "--format", "json"]))
        with v.EventStore(url) as store:
            pid = store.list()[0].id
            proc = store.load(pid)
            n = 200

            def appends() -> None:
                for i in range(n):
                    proc.fire("note_added", payload={"text": f"x{i}"}, at="2020-01-01")
                    store.append(proc, proc.version - 1)

            with_summary = _best(appends, 1) / n
            save = projection.save
            projection.save = lambda *args: None  # type: ignore[assignment]
            try:
                without = _best(appends, 1) / n
            finally:
                projection.save = save
    return {"processes": count, "events_per_process": EVENTS, "build_s": round(built, 1),
            "portfolio_from_summaries_s": round(summaries, 3),
            "portfolio_from_summaries_cpu_s": round(summaries_cpu, 3),
            "portfolio_replayed_s": round(replayed, 3),
            "portfolio_with_tails_s": round(tails, 3),
            "portfolio_with_tails_cpu_s": round(tails_cpu, 3),
            "append_with_summary_ms": round(with_summary * 1000, 3),
            "append_without_summary_ms": round(without * 1000, 3),
            "goal_s": GOAL, "pass": summaries < GOAL, "pass_cpu": summaries_cpu < GOAL}


def main_() -> int:
    """Print the table; write the results file."""
    count = 100 if "--quick" in sys.argv else 1_000
    result = run(count)
    rows = [("portfolio from the summaries (wall)", f"{result['portfolio_from_summaries_s']} s"),
            ("portfolio from the summaries (CPU)",
             f"{result['portfolio_from_summaries_cpu_s']} s"),
            ("portfolio with --at (every process replayed)",
             f"{result['portfolio_replayed_s']} s"),
            ("after 0-7 more notes each (wall / CPU)",
             f"{result['portfolio_with_tails_s']} / {result['portfolio_with_tails_cpu_s']} s"),
            ("store.append of one event, with the summary",
             f"{result['append_with_summary_ms']} ms"),
            ("store.append of one event, without it", f"{result['append_without_summary_ms']} ms"),
            ("building the store", f"{result['build_s']} s")]
    print(f"{count} processes × {EVENTS} events (SQLite)")
    for name, value in rows:
        print(f"  {name:<48} {value:>12}")
    print(("PASS" if result["pass"] else "MISS") + f": portfolio under {GOAL} s (wall); "
          + ("PASS" if result["pass_cpu"] else "MISS") + " in CPU time")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
