"""Benchmark: ``due()`` next to ``options()``, and ``verantwortung due`` over a store.

Run ``python benchmarks/bench_time.py`` (``--quick``: 100 stored processes instead of
1,000); it prints a table and a PASS/MISS line and writes ``benchmarks/results/time.json``.

(a) ``due()`` on a process of 1,000 events (a run through the kick-off and a milestone
    meeting, then notes, scheduled events and meetings' worth of records) against
    ``options()`` on the same process: the goal is that asking what is due costs no more
    than asking what can be done next, asked again and asked first after an event: a
    note, an ``event_scheduled`` (a date the time rules read) or a ``minutes_recorded``
    (it changes a phase entry that three deadlines read, but not its date);
    each call follows an event of its own, and the process grows from 820 to 1,180
    events while it is timed; and, recorded next to them, the first call of each on a
    process just replayed, when nothing is kept yet;
(b) ``verantwortung due`` (the command, in this process) over 1,000 stored processes of
    30 events, half of them with a snapshot: the wall time is recorded, and next to it
    the same store asked with one ``store.load`` per process (the peer in this run).

Times are the best of 15 runs, (a)'s two calls alternating, so their ratio holds on a
loaded machine; after an event, the median of 60 calls of each per kind of event, in
alternating pairs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import statistics
import sys
import tempfile
import timeit
from pathlib import Path
from time import perf_counter

import verantwortung as v
from verantwortung.cli import main

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "time.json"
TPL = v.load_template("verantwortungspartner")
EVENTS, CALLS = 1_000, 2_000
DAY0 = dt.date(2012, 1, 2)


def long_process(events: int = EVENTS) -> v.Process:
    """A process in milestone_1 with ``events`` events, one or two a day."""
    proc = v.Process.start(TPL, region="Musterstadt", at=DAY0)
    for i in range(1, 6):
        proc.fire("partner_added", payload={"id": f"p{i}", "name": f"F{i}", "kind": "company"},
                  at=DAY0)
        proc.fire("circle_member_joined", payload={"partner": f"p{i}"}, at=DAY0)
    for name, payload in (("facilitator_assigned", {"name": "Anna"}),
                          ("theme_proposed", {"id": "t", "title": "Fachkräfte"}),
                          ("theme_selected", {"theme": "t"}),
                          ("logistics_clarified", {"host": "IHK"}),
                          ("hold_kickoff", {"minutes": "m"}), ("hold_milestone", {})):
        proc.fire(name, payload=payload, at=DAY0)
    n = 0
    while proc.version < events:
        n += 1
        day = DAY0 + dt.timedelta(days=n // 2)
        if n % 10 == 0:
            proc.fire("event_scheduled", payload={
                "kind": "milestone", "date": (day + dt.timedelta(days=20)).isoformat()}, at=day)
        else:
            proc.fire("note_added", payload={"text": f"Notiz {n}"}, at=day)
    return proc


def best_of_pair(first: object, second: object, calls: int, rounds: int = 15
                 ) -> tuple[float, float]:
    """Seconds per call of each, best of ``rounds`` alternating runs: on a shared
    machine a burst of load then falls on both, not on one of them."""
    timers = timeit.Timer(first), timeit.Timer(second)  # type: ignore[arg-type]
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for timer, found in zip(timers, times, strict=True):
            found.append(timer.timeit(calls) / calls)
    return min(times[0]), min(times[1])


#: the events timed after, and what each changes for the deadlines
KINDS = {"note": "no record a time rule reads (a note)",
         "scheduled": "a date time rules read (an event_scheduled)",
         "minutes": "a meeting's minutes, not its date (minutes_recorded)"}


def _event(proc: v.Process, kind: str, i: int) -> None:
    day = proc.history[-1].at + dt.timedelta(hours=1)  # a day of 24 events, then the next
    if kind == "note":
        proc.fire("note_added", payload={"text": f"Nachtrag {i}"}, at=day)
    elif kind == "scheduled":
        date = (day + dt.timedelta(days=20 + i)).date().isoformat()
        proc.fire("event_scheduled", payload={"kind": "milestone", "date": date}, at=day)
    else:
        proc.fire("minutes_recorded", payload={"phase": "milestone_1", "minutes": f"P{i}"},
                  at=day)


def first_after_an_event(proc: v.Process, at: dt.datetime, pairs: int = 60
                         ) -> dict[str, tuple[float, float]]:
    """Per kind of event: median seconds of due() and of options(), each the first call
    after an event of its own (untimed), in alternating pairs: what a page pays that
    shows a process after every change (so it asked the same before the event)."""
    calls = (lambda: proc.due(at=at), lambda: proc.options(at=at))
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in KINDS}
    for i in range(pairs * len(KINDS)):
        kind = list(KINDS)[i % len(KINDS)]
        for call, found in zip(calls, times[kind], strict=True):
            call()  # as a page shown after every change asked before this event
            _event(proc, kind, i)
            start = perf_counter()
            call()
            found.append(perf_counter() - start)
    return {k: (statistics.median(d), statistics.median(o)) for k, (d, o) in times.items()}


def first_on_a_replay(proc: v.Process, at: dt.datetime, pairs: int = 15
                      ) -> tuple[float, float]:
    """Median seconds of the first due() and of the first options() on a process just
    replayed (nothing kept yet: due() finds the dates its rules read, options() counts
    what its guards count), in alternating pairs."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(pairs):
        for name, found in zip(("due", "options"), times, strict=True):
            fresh = v.Process.replay(TPL, proc.history)
            call = getattr(fresh, name)
            start = perf_counter()
            call(at=at)
            found.append(perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def bench_calls() -> dict[str, float]:
    """(a): µs per due() and per options() on a 1,000-event process, asked again and
    asked first after an event."""
    proc = long_process()
    at = proc.history[-1].at + dt.timedelta(days=200)  # several items due
    assert proc.due(at=at), "the benchmark process must have something due"
    due, options = best_of_pair(lambda: proc.due(at=at), lambda: proc.options(at=at),
                                CALLS // 4)
    replayed, replayed_peer = first_on_a_replay(proc, at)
    grown = long_process(EVENTS - 180)  # 820 events, 1,180 when timed
    after = first_after_an_event(grown, grown.history[-1].at + dt.timedelta(days=200))
    out = {"events": proc.version, "due_items": len(proc.due(at=at)),
           "due_us": due * 1e6, "options_us": options * 1e6, "ratio": due / options,
           "events_after": grown.version, "first_due_on_a_replay_us": replayed * 1e6,
           "first_options_on_a_replay_us": replayed_peer * 1e6,
           "first_ratio_replay": replayed / replayed_peer}
    for kind, (first, peer) in after.items():
        out[f"first_due_after_{kind}_us"] = first * 1e6
        out[f"options_after_{kind}_us"] = peer * 1e6
        out[f"first_ratio_{kind}"] = first / peer
    return out


def bench_command(processes: int) -> dict[str, float]:
    """(b): seconds for ``verantwortung due`` over ``processes`` stored processes of 30
    events each, every other one with a snapshot; next to it, the same store asked one
    ``store.load`` per process (the command's way before ``load_all``)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'time.sqlite3'}"
        with v.EventStore(url, create=True, snapshot_every=0) as store:
            for i in range(processes):
                proc = v.Process.start(TPL, region=f"Region {i % 15}", at=DAY0)
                day = DAY0 + dt.timedelta(days=i % 30)
                proc.fire("event_scheduled", payload={"kind": "kickoff", "date": "2012-03-01"},
                          at=day)
                for n in range(28):
                    proc.fire("note_added", payload={"text": f"Notiz {n}"}, at=day)
                store.add(proc, "verantwortungspartner")
                if i % 2:
                    store.snapshot(proc.id)
        start = perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main(["due", "--db", url, "--at", "2012-06-01", "--format", "json"])
        seconds = perf_counter() - start
        items = len(json.loads(out.getvalue())["due"])
        start = perf_counter()
        with v.EventStore(url, create=False) as store:
            one_by_one = sum(len(store.load(info.id).due(at="2012-06-01"))
                             for info in store.list())
        per_load = perf_counter() - start
    assert 0 == code
    assert items == one_by_one
    return {"processes": processes, "items": items, "seconds": seconds,
            "one_load_each_seconds": per_load, "ratio": seconds / per_load}


def main_bench(argv: list[str]) -> int:
    """Run both parts, print the table, write the results; 0 when due() <= options()."""
    calls = bench_calls()
    command = bench_command(100 if "--quick" in argv else 1_000)
    ok = calls["due_us"] <= calls["options_us"] and all(
        calls[f"first_ratio_{kind}"] <= 1 for kind in KINDS)
    print(f"(a) 1,000-event process: due() {calls['due_us']:8.1f} µs   "
          f"options() {calls['options_us']:8.1f} µs   = {calls['ratio']:.2f}×   "
          f"({calls['due_items']} items due)")
    for kind, what in KINDS.items():
        print(f"    first after an event that changes {what}: "
              f"due() {calls[f'first_due_after_{kind}_us']:6.1f} µs   "
              f"options() {calls[f'options_after_{kind}_us']:6.1f} µs   "
              f"= {calls[f'first_ratio_{kind}']:.2f}×")
    print(f"    first on a process just replayed (nothing kept): "
          f"due() {calls['first_due_on_a_replay_us']:6.1f} µs   "
          f"options() {calls['first_options_on_a_replay_us']:6.1f} µs   "
          f"= {calls['first_ratio_replay']:.2f}× (recorded)")
    print(f"(b) verantwortung due over {command['processes']} stored processes: "
          f"{command['seconds']:.2f} s ({command['items']} items); one store.load each: "
          f"{command['one_load_each_seconds']:.2f} s = {command['ratio']:.2f}×")
    print(f"{'PASS' if ok else 'MISS'}: due() costs no more than options(), asked again "
          "and first after an event")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"calls": calls, "command": command, "pass": ok},
                                  indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main_bench(sys.argv[1:]))
