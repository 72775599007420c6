"""Worker functions for store tests that need real OS processes (imported by spawn)."""

from __future__ import annotations

import os
import signal
import time

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
