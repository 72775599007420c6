"""One store object shared by threads: fires on different processes do not wait for
each other; fires on one process take turns."""

from __future__ import annotations

import threading
from typing import Any

import verantwortung as v

TPL = v.load_template("verantwortungspartner")


def test_fires_on_different_processes_run_at_the_same_time(store_url: str) -> None:
    """Two threads each inside a fire (in a listener, after their append) meet at a
    barrier: no lock of the store is held across one process's fire and another's."""
    with v.EventStore(store_url) as store:
        pids = []
        for region in ("Saale", "Unstrut"):
            proc = v.Process.start(TPL, region=region)
            store.add(proc)
            pids.append(proc.id)
        barrier = threading.Barrier(2, timeout=10)
        met: list[str] = []

        def meet(stored: Any) -> None:
            barrier.wait()  # a listener that raises is only logged: note who passed
            met.append(stored.event.process)

        store.subscribe(meet)
        threads = [threading.Thread(target=store.fire, args=(pid, "note_added"),
                                    kwargs={"payload": {"text": "da"}}) for pid in pids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(pids) == sorted(met)


def test_threads_firing_on_one_process_take_turns(store_url: str) -> None:
    """Four threads, 15 notes each, on one process through one store: every note is
    stored once, numbered 2..61, and the store's cached process equals a fresh load."""
    with v.EventStore(store_url, retries=0) as store:
        proc = v.Process.start(TPL, region="Ilm")
        store.add(proc)

        def notes(name: str) -> None:
            for i in range(15):
                store.fire(proc.id, "note_added", payload={"text": f"{name} {i}"})

        threads = [threading.Thread(target=notes, args=(f"t{n}",)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stored = store.events(proc.id)
        assert list(range(1, 62)) == [e.seq for e in stored]
        texts = sorted(e.payload["text"] for e in stored[1:])
        assert sorted(f"t{n} {i}" for n in range(4) for i in range(15)) == texts
        last, _ = store.fire(proc.id, "note_added", payload={"text": "Ende"})
        assert store.load(proc.id, use_snapshot=False) == last
