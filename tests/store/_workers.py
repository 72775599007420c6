"""Worker functions for store tests that need real OS processes (imported by spawn)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import verantwortung as v


def fire_notes(url: str, process_id: str, worker: int, count: int) -> tuple[int, int]:
    """Append ``count`` notes with retries; return (accepted, conflicts seen)."""
    store = v.EventStore(url)
    conflicts = 0
    accepted = 0
    for i in range(count):
        text = f"w{worker}-{i}"
        while True:
            proc = store.load(process_id)
            version = proc.version
            proc.fire("note_added", payload={"text": text})
            try:
                store.append(proc, version)
            except v.ConcurrencyError:
                conflicts += 1
                continue
            accepted += 1
            break
    store.close()
    return accepted, conflicts


def append_forever(url: str, process_id: str) -> None:
    """Append notes until killed (for the SIGKILL test)."""
    store = v.EventStore(url, snapshot_every=25)
    i = 0
    while True:
        store.fire(process_id, "note_added", payload={"text": f"n{i}"}, retries=100)
        i += 1


def kill_soon(pid: int, after: float) -> None:  # pragma: no cover - helper
    time.sleep(after)
    os.kill(pid, signal.SIGKILL)


def append_across(url: str, process_ids: list[str], worker: int, count: int
                  ) -> list[tuple[int, str]]:
    """Append ``count`` notes spread over the processes; return (position, event id) of
    each, in the order this worker committed them."""
    store = v.EventStore(url)
    committed: list[tuple[int, str]] = []
    store.subscribe(lambda stored: committed.append((stored.position, stored.event.id)))
    for i in range(count):
        pid = process_ids[(worker * 7 + i) % len(process_ids)]
        store.fire(pid, "note_added", payload={"text": f"w{worker}-{i}"}, retries=1000)
    store.close()
    return committed


def follow_count(url: str, name: str, total: int) -> list[tuple[int, str, str, int]]:
    """Follow until ``total`` events were seen; return (position, id, process, seq) each."""
    store = v.EventStore(url)
    seen: list[tuple[int, str, str, int]] = []

    def handler(stored: v.StoredEvent, conn: object) -> None:
        e = stored.event
        seen.append((stored.position, e.id, e.process, e.seq))
    store.follow(name, handler, limit=total, poll=0.01)
    store.close()
    return seen


SEEN_TABLE = "vt_test_seen"


def follow_recording(url: str, name: str, log_path: str, lease: float) -> None:
    """Follow until idle, recording each event in SEEN_TABLE through the follower's
    connection (exactly once) and in a file (an outside effect: at least once)."""
    from sqlalchemy import text

    store = v.EventStore(url)

    def handler(stored: v.StoredEvent, conn: Any) -> None:
        with open(log_path, "a", encoding="utf-8") as log:  # noqa: PTH123 - a log line
            log.write(f"{stored.position}\n")
        conn.execute(text(f"INSERT INTO {SEEN_TABLE} (position) VALUES (:p)"),
                     {"p": stored.position})
        time.sleep(0.01)  # slow enough to be killed between two events
    while True:
        try:
            store.follow(name, handler, until_idle=True, lease=lease, poll=0.01)
            break
        except v.FollowerBusy:  # the killed follower's lease has not run out yet
            time.sleep(lease / 4)
    store.close()
