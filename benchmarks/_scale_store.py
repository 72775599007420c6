"""Rows of ``bench_scale.py`` that measure the event store: load, fire, append, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from time import perf_counter

from sqlalchemy import create_engine, event, insert

from _scale_common import BIG, CLOCK, INITIAL, QUICK, REPEAT, TPL, best, row, with_notes
from verantwortung import EventStore
from verantwortung.store.schema import events as events_table
from verantwortung.store.schema import metadata
from verantwortung.store.sql import _sqlite_pragmas

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
                t0 = CLOCK()
                a.fire(pid, "note_added", payload={"text": f"a{i}"})
                times.append(CLOCK() - t0)
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
