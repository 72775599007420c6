"""Benchmark: the SQL event store (``verantwortung.store.sql.EventStore``), SQLite and PostgreSQL.

Run ``python benchmarks/bench_store.py``: a table and a summary, and
``benchmarks/results/store.json``. SQLite uses a temporary file; PostgreSQL runs when
``VERANTWORTUNG_BENCH_PG_URL`` is set, in a schema ``vt_bench_<pid>`` of its own (dropped at
the end). Measured, with ``note_added`` events: 1. appends, one event a transaction
(``fire`` + ``append``), ``store.fire`` at 10 to 5,000 events, batches of 100; 2. loading
10,000 events with and without snapshots, and the fetching and decoding alone; 3. floors:
``Process.replay`` / ``restore`` in memory and SQLAlchemy Core inserts into a scratch table.
Times are the best of 5 runs (rounds of 100 appends), each after ``gc.collect()``. Part 4
(``--feed``): 8 OS-process writers and ``read_all``; part 5 (``--threads``): ``store.fire``
from 1 and 4 threads, one shared store and a store per thread.
"""

from __future__ import annotations

import gc
import importlib.metadata
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

import sqlalchemy as sa

import verantwortung
from verantwortung import Process
from verantwortung.store.schema import events, metadata, snapshots
from verantwortung.store.sql import EventStore

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "store.json"
PG_ENV = "VERANTWORTUNG_BENCH_PG_URL"
REPEAT, LONG, BATCH, APPENDS, EVERY = 5, 10_000, 100, 100, 500
WRITERS, EACH, READ_ALL = 8, 250, 100_000
FIRES = {10: 40, 1_000: 20, 5_000: 10}  # history length: store.fire calls a run
TPL = verantwortung.load_template("verantwortungspartner")
REGION = "Musterstadt"
Rate = dict[str, float]
WRITES = [("append_short", f"(a) fire+append, 1/tx, history 1-{REPEAT * APPENDS + 1}"),
          ("append_long", f"(a) fire+append, 1/tx, history {LONG:,}+"),
          *[(f"fire_{n}", f"(b) store.fire, history {n:,}") for n in FIRES],
          ("batched", f"(c) {BATCH} fires + 1 append (to {LONG:,})"),
          ("add", f"store.add, {LONG:,} events in 1 tx"),
          ("floor_single", "floor: Core insert, 1 row/tx"),
          ("floor_many", f"floor: Core insert, {LONG:,} rows in 1 tx")]
LOADS = [("load_full", "load(use_snapshot=False)"),
         ("load_explicit", "load, store.snapshot(id) at 10,000"),
         ("load_auto", "load, auto snapshot at 10,000 (tail 0)"),
         ("load_tail", "load, auto snapshot at 9,500 (tail 500)"),
         ("events", "store.events(id): rows -> Event"),
         ("select", "bare select(events)...all()"),
         ("snapshot", "store.snapshot(id): load + write, once")]


def note(proc: Process, i: int) -> None:
    proc.fire("note_added", payload={"text": f"Notiz {i}: Treffen vorbereitet"})


def grown(n: int) -> Process:
    proc = Process.start(TPL, region=REGION)
    for i in range(n - 1):
        note(proc, i)
    return proc


def best(fn: Callable[[], object], setup: Callable[[], object] | None = None,
         repeat: int = REPEAT) -> float:
    out = float("inf")  # seconds: the best run of fn, each after setup() and a collection
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        t0 = perf_counter()
        fn()
        out = min(out, perf_counter() - t0)
    return out


def rate(n: int, seconds: float, calls: int) -> Rate:
    return {"events": n, "calls": calls, "seconds": seconds, "events_per_s": n / seconds,
            "ms_per_call": seconds / calls * 1e3}


def appends(store: EventStore, proc: Process, batch: int = 1, calls: int = APPENDS,
            repeat: int = REPEAT) -> Rate:
    """``calls`` x (fire ``batch`` notes, append them in one transaction)."""
    def run() -> None:
        for _ in range(calls):
            version = proc.version
            for i in range(batch):
                note(proc, version + i)
            store.append(proc, version)
    return rate(calls * batch, best(run, repeat=repeat), calls)


def floors(store: EventStore, proc: Process) -> dict[str, Rate]:
    table = sa.Table("vt_bench_scratch", sa.MetaData(), *(
        sa.Column(c.name, c.type, nullable=c.nullable, unique=c.unique) for c in events.c),
        sa.PrimaryKeyConstraint("process_id", "seq", name="vt_bench_scratch_pk"))
    rows = [{"process_id": e.process, "seq": e.seq, "id": e.id, "at": e.at.isoformat(),
             "actor": e.actor, "kind": e.kind, "template": e.template,
             "payload": json.dumps(e.payload, ensure_ascii=False, sort_keys=True),
             "template_version": e.template_version, "phase": e.phase, "position": i}
            for i, e in enumerate(proc.history, 1)]

    def fresh() -> None:
        table.drop(store.engine, checkfirst=True)
        table.create(store.engine)

    def insert(chunks: list[list[dict[str, Any]]]) -> None:
        for chunk in chunks:
            with store.engine.begin() as conn:
                conn.execute(sa.insert(table), chunk)
    many = best(lambda: insert([rows]), fresh)
    single = best(lambda: insert([[r] for r in rows[:APPENDS]]), fresh)
    table.drop(store.engine)
    return {"floor_many": rate(LONG, many, 1), "floor_single": rate(APPENDS, single, APPENDS)}


def loads(store: EventStore, auto: Process, plain: Process) -> dict[str, float]:
    def bare() -> None:
        with store.engine.connect() as conn:
            conn.execute(sa.select(events).where(events.c.process_id == auto.id)
                         .order_by(events.c.seq)).all()
    out = {"events": best(lambda: store.events(auto.id)), "select": best(bare),
           "load_full": best(lambda: store.load(auto.id, use_snapshot=False)),
           "snapshot": best(lambda: store.snapshot(plain.id), repeat=1),
           "load_explicit": best(lambda: store.load(plain.id)),
           "load_auto": best(lambda: store.load(auto.id))}
    with store.engine.begin() as conn:
        conn.execute(sa.delete(snapshots).where(snapshots.c.process_id == auto.id,
                                                snapshots.c.seq == LONG))
    out["load_tail"] = best(lambda: store.load(auto.id))
    loaded = store.load(auto.id)
    assert loaded.version == LONG
    assert loaded.state() == auto.state()
    return out


def fires(store: EventStore) -> dict[str, Rate]:
    out = {}
    for n, calls in FIRES.items():
        proc = grown(n)
        store.add(proc)
        if n >= EVERY:
            store.snapshot(proc.id)  # as the automatic snapshots of a grown process

        def run(pid: str = proc.id, calls: int = calls) -> None:
            for i in range(calls):
                store.fire(pid, "note_added", payload={"text": f"Notiz {i}"})
        out[f"fire_{n}"] = rate(calls, best(run), calls)
    return out


def run_backend(url: str) -> dict[str, Any]:
    store = EventStore(url, snapshot_every=EVERY)
    try:
        metadata.drop_all(store.engine)  # a fresh table set
        metadata.create_all(store.engine)
        short = Process.start(TPL, region=REGION)
        store.add(short)
        res: dict[str, Any] = {"append_short": appends(store, short)}
        auto = grown(BATCH)  # then 99 batches: auto snapshots at 500, 1,000, ..., 10,000
        store.add(auto)
        res["batched"] = appends(store, auto, BATCH, LONG // BATCH - 1, 1)
        res |= floors(store, auto)
        added: list[Process] = []
        res["add"] = rate(LONG, best(lambda: store.add(added[-1]),
                                     lambda: added.append(grown(LONG))), 1)
        res |= loads(store, auto, added[-1]) | fires(store)
        res["append_long"] = appends(store, auto)
    finally:
        store.close()
    return res


def writer(url: str, pid: str, each: int, start: Any) -> tuple[float, float]:
    """One OS process: ``each`` x (fire a note, append it) on its own process."""
    store = EventStore(url)
    proc = store.load(pid)
    start.wait()
    t0 = perf_counter()
    for i in range(each):
        version = proc.version
        note(proc, i)
        store.append(proc, version)
    t1 = perf_counter()
    store.close()
    return t0, t1


def concurrent_appends(url: str, writers: int = WRITERS, each: int = EACH) -> Rate:
    """``writers`` OS processes append at once, each to its own process; the rate is all
    their events over the time from the first start to the last end."""
    import multiprocessing

    store = EventStore(url)
    pids = []
    for w in range(writers):
        proc = Process.start(TPL, region=f"{REGION} {w}")
        store.add(proc)
        pids.append(proc.id)
    store.close()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(writers) as pool:
        start = manager.Event()
        pending = pool.starmap_async(writer, [(url, pid, each, start) for pid in pids])
        time.sleep(2)  # every worker has imported and loaded its process
        start.set()
        spans = pending.get()
    seconds = max(b for _, b in spans) - min(a for a, _ in spans)
    return rate(writers * each, seconds, writers * each)


def read_all_rate(url: str, total: int = READ_ALL) -> Rate:
    """``store.read_all()`` over ``total`` events of 10 processes (best of REPEAT)."""
    store = EventStore(url)
    for _ in range(total // LONG):
        store.add(grown(LONG))
    n = store.last_position()

    def run() -> None:
        assert n == sum(1 for _ in store.read_all())
    out = rate(n, best(run), 1)
    store.close()
    return out


def run_feed(url: str) -> dict[str, Any]:
    """Part 4: the store-wide feed."""
    store = EventStore(url)
    metadata.drop_all(store.engine)
    metadata.create_all(store.engine)
    store.close()
    return {"writers": best_rate(lambda: concurrent_appends(url)),
            "read_all": read_all_rate(url)}


def best_rate(fn: Callable[[], Rate], repeat: int = 3) -> Rate:
    return max((fn() for _ in range(repeat)), key=lambda r: r["events_per_s"])


def pg_schema(url: str) -> tuple[str, str, Callable[[], None]]:
    """A URL whose search_path is a new schema, the server's settings, and a cleanup."""
    schema, admin = f"vt_bench_{os.getpid()}", sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        about = ", ".join(f"{k} {conn.execute(sa.text(f'SHOW {k}')).scalar()}" for k in (
            "server_version", "fsync", "synchronous_commit"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
    scoped = sa.make_url(url).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    return scoped, about, drop


def summary(name: str, r: dict[str, Any], mem: dict[str, float]) -> None:
    def ms(key: str, per_event: bool = False) -> float:
        return float(1e3 / r[key]["events_per_s"] if per_event else r[key]["ms_per_call"])
    fetch, decode = r["select"], r["events"] - r["select"]
    print(f"  {name}:\n    writes: 1 event a transaction costs {ms('append_short'):.2f} ms, "
          f"{ms('append_short') / ms('batched', True):.0f}x an event in batches of {BATCH} "
          f"({ms('batched', True):.3f} ms) -> the per-transaction cost dominates;\n"
          f"    store.append is {ms('append_short') / ms('floor_single'):.1f}x the 1-row Core "
          f"floor ({ms('floor_single'):.2f} ms), store.add {ms('add') / ms('floor_many'):.1f}x"
          f" its floor; at {LONG:,} events append takes {ms('append_long'):.2f} ms")
    print(f"    store.fire: {ms('fire_10'):.2f} / {ms('fire_1000'):.2f} / {ms('fire_5000'):.2f} "
          f"ms at 10 / 1,000 / 5,000 events ({ms('fire_5000') / ms('append_short'):.1f}x a "
          "1-event append; the store keeps processes it loaded and only checks where the "
          "log ends)")
    print(f"    load: a snapshot makes it {r['load_full'] / r['load_auto']:.1f}x faster only: "
          f"it saves the replay ({mem['replay'] * 1e3:.1f} ms; restore "
          f"{mem['restore'] * 1e3:.1f} ms), but all {LONG:,} rows\n    are still fetched "
          f"({fetch * 1e3:.1f} ms, {fetch / r['load_auto']:.0%}) and decoded into events "
          f"({decode * 1e3:.1f} ms, {decode / r['load_auto']:.0%} of the load) -> "
          f"{'decoding' if decode > fetch else 'fetching'} rows dominates")


def print_feed(backends: dict[str, dict[str, Any]]) -> None:
    head = "".join(f"{b:>26}" for b in backends)
    print(f"\n4. The store-wide feed\n  {'':<44}{head}")
    rows = [("writers", f"{WRITERS} OS processes x {EACH} appends, own process"),
            ("read_all", f"read_all() over {READ_ALL:,} events")]
    for key, label in rows:
        print(f"  {label:<44}" + "".join(
            f"{r['feed'][key]['events_per_s']:>13,.0f}/s {r['feed'][key]['seconds']:7.2f} s"
            for r in backends.values()))


THREADS, FIRES_EACH = 4, 150


def threaded_fires(url: str, threads: int, shared: bool, each: int = FIRES_EACH) -> Rate:
    """``threads`` threads, each ``store.fire``-ing ``each`` notes on its own process,
    through one shared store object (``shared``) or one store per thread."""
    stores = [EventStore(url, snapshot_every=0)] * threads if shared else [
        EventStore(url, snapshot_every=0) for _ in range(threads)]
    pids = []
    for store in stores:
        proc = Process.start(TPL, region=REGION)
        store.add(proc)
        store.fire(proc.id, "note_added", payload={"text": "warm"})  # cached, connected
        pids.append(proc.id)
    start = threading.Barrier(threads + 1)

    def work(store: EventStore, pid: str) -> None:
        start.wait()
        for i in range(each):
            store.fire(pid, "note_added", payload={"text": f"Notiz {i}"})
    workers = [threading.Thread(target=work, args=sp) for sp in zip(stores, pids, strict=True)]
    for t in workers:
        t.start()
    start.wait()
    t0 = perf_counter()
    for t in workers:
        t.join()
    out = rate(threads * each, perf_counter() - t0, threads * each)
    for store in set(stores):
        store.close()
    return out


def run_threads(url: str) -> dict[str, Any]:
    """Part 5: store.fire from 1 and from THREADS threads, each on its own process, with
    one shared store and with a store per thread (best of 3 each, alternating)."""
    runs: dict[str, list[Rate]] = {}
    for _ in range(3):
        for threads, shared, key in ((1, True, "one"), (THREADS, True, "shared"),
                                     (THREADS, False, "own")):
            runs.setdefault(key, []).append(threaded_fires(url, threads, shared))
    out: dict[str, Any] = {k: max(v, key=lambda r: r["events_per_s"]) for k, v in runs.items()}
    for key in ("shared", "own"):
        out[f"{key}_ratio"] = out[key]["events_per_s"] / out["one"]["events_per_s"]
    return out


def print_threads(backends: dict[str, dict[str, Any]]) -> None:
    head = "".join(f"{b:>26}" for b in backends)
    print(f"\n5. store.fire from threads, each on its own process (goal: {THREADS} threads "
          f">= 1.6x one)\n  {'':<44}{head}")
    for key, label in (("one", "1 thread"), ("shared", f"{THREADS} threads, one shared store"),
                       ("own", f"{THREADS} threads, a store each")):
        print(f"  {label:<44}" + "".join(
            f"{r['threads'][key]['events_per_s']:>13,.0f}/s "
            + (f"{r['threads'][key + '_ratio']:6.2f}x" if key != "one" else " " * 7)
            for r in backends.values()))


def main() -> int:
    if "--feed" in sys.argv[1:]:
        return main_part("feed", run_feed, print_feed)
    if "--threads" in sys.argv[1:]:
        return main_part("threads", run_threads, print_threads)
    py = sys.version.split()[0]
    psy = next((d.version for d in importlib.metadata.distributions(name="psycopg")), "-")
    print(f"Python {py}, SQLAlchemy {sa.__version__}, psycopg {psy}, SQLite "
          f"{sqlite3.sqlite_version}; {TPL.id} {TPL.version}; snapshot_every={EVERY}")
    res: dict[str, Any] = {"python": py, "sqlalchemy": sa.__version__, "psycopg": psy,
                           "sqlite": sqlite3.sqlite_version, "snapshot_every": EVERY}
    long = grown(LONG)
    history, state = long.history, long.state()
    res["memory"] = mem = {
        "replay": best(lambda: Process.replay(TPL, history)),
        "restore": best(lambda: Process.restore(TPL, history, state, LONG))}
    backends: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = perf_counter()
        backends["SQLite"] = run_backend(f"sqlite:///{Path(tmp) / 'store.sqlite3'}")
        backends["SQLite"]["feed"] = run_feed(f"sqlite:///{Path(tmp) / 'feed.sqlite3'}")
        backends["SQLite"]["threads"] = run_threads(f"sqlite:///{Path(tmp) / 't.sqlite3'}")
        print(f"SQLite (temporary file, WAL, synchronous=NORMAL): {perf_counter() - t0:.1f} s")
    if url := os.environ.get(PG_ENV):
        scoped, res["postgresql"], drop = pg_schema(url)
        try:
            t0 = perf_counter()
            backends["PostgreSQL"] = run_backend(scoped)
            backends["PostgreSQL"]["feed"] = run_feed(scoped)
            backends["PostgreSQL"]["threads"] = run_threads(scoped)
            print(f"PostgreSQL ({res['postgresql']}): {perf_counter() - t0:.1f} s")
        finally:
            drop()
    else:
        print(f"PostgreSQL: SKIPPED, {PG_ENV} is not set "
              "(e.g. postgresql+psycopg://postgres@127.0.0.1:54329/verantwortung)")
    res["backends"] = backends
    head = "".join(f"{b:>26}" for b in backends)
    print(f"\n1. Writes: events/s, ms per call (best of {REPEAT})\n  {'':<44}{head}")
    for key, label in WRITES:
        print(f"  {label:<44}" + "".join(
            f"{r[key]['events_per_s']:>13,.0f}/s {r[key]['ms_per_call']:7.2f} ms"
            for r in backends.values()))
    print(f"\n2. Reading {LONG:,} events: ms, speed-up vs use_snapshot=False (best of {REPEAT})"
          f"\n  {'':<44}{head}")
    for key, label in LOADS:
        print(f"  {label:<44}" + "".join(f"{r[key] * 1e3:>14.2f} ms {r['load_full'] / r[key]:6.1f}x"
                                         for r in backends.values()))
    print(f"\n3. In memory, no database (best of {REPEAT})\n  {'Process.replay(TPL, history)':<44}"
          f"{mem['replay'] * 1e3:>14.2f} ms {LONG / mem['replay']:>10,.0f} events/s\n  "
          f"{'Process.restore(TPL, history, state, 10000)':<44}{mem['restore'] * 1e3:>14.2f} ms")
    print_feed(backends)
    print_threads(backends)
    print("\nSummary")
    for name, r in backends.items():
        summary(name, r, mem)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


def main_part(key: str, run: Callable[[str], dict[str, Any]],
              show: Callable[[dict[str, dict[str, Any]]], None]) -> int:
    """Only one part (``--feed``: 4, ``--threads``: 5), on SQLite and PostgreSQL."""
    backends: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        backends["SQLite"] = {key: run(f"sqlite:///{Path(tmp) / f'{key}.sqlite3'}")}
    if url := os.environ.get(PG_ENV):
        scoped, _, drop = pg_schema(url)
        try:
            backends["PostgreSQL"] = {key: run(scoped)}
        finally:
            drop()
    show(backends)
    return 0


if __name__ == "__main__":
    sys.exit(main())
