"""Firing as a signed-in user: onto the version the client read, or with retries.

The processes written through this app stay loaded between requests (the newest
``size`` of them), so a busy process is not replayed from the store on every fire. A
cached process is used only while the store's version is still its version: stored
events never change, so then its history is the store's. Whatever fails after a
process changed (a refusal changes nothing) drops it from the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..engine.process import Process
from ..exceptions import ConcurrencyError, TransitionRefused
from ..store.rows import StoreFired
from ..store.sql import EventStore
from .auth import User

__all__ = ["Writer"]


class Writer:
    """Fires events on a store's processes, one writer per process at a time."""

    def __init__(self, store: EventStore, size: int = 64, retries: int = 3) -> None:
        self.store = store
        self.size = size
        self.retries = retries
        self._cache: OrderedDict[str, Process] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, process_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(process_id, threading.Lock())

    def _current(self, process_id: str, version: int) -> Process:
        with self._guard:
            cached = self._cache.get(process_id)
        if cached is not None and cached.version == version:
            return cached
        proc = self.store.load(process_id)
        self._keep(proc)
        return proc

    def _keep(self, proc: Process) -> None:
        with self._guard:
            self._cache[proc.id] = proc
            self._cache.move_to_end(proc.id)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)

    def _drop(self, process_id: str) -> None:
        with self._guard:
            self._cache.pop(process_id, None)

    def fire(self, user: User, process_id: str, name: str, payload: Any, *,
             expected: int | None = None, role: str | None = None, at: str | None = None,
             actor_of: Any = None) -> StoreFired:
        """Fire ``name`` as ``user``. With ``expected``, only onto that version
        (ConcurrencyError otherwise); without, retried when another writer came first.
        ``actor_of(proc)`` names the actor. Raises TransitionRefused, ProcessNotFound."""
        if expected is not None:  # a stale client is told at once, without waiting its turn
            version = self.store.info(process_id).version  # ProcessNotFound
            if expected != version:
                raise ConcurrencyError(process_id, expected, version)
        with self._lock(process_id):
            for attempt in range(self.retries + 1):
                version = self.store.info(process_id).version  # ProcessNotFound
                if expected is not None and expected != version:
                    raise ConcurrencyError(process_id, expected, version)
                proc = self._current(process_id, version)
                actor = actor_of(proc) if actor_of is not None else None
                try:
                    fired = proc.fire(name, actor=actor, payload=payload, at=at)
                except TransitionRefused:
                    raise  # nothing changed: the cached process stays valid
                except BaseException:
                    self._drop(process_id)
                    raise
                try:
                    self.store.append(proc, version)
                except ConcurrencyError:
                    self._drop(process_id)
                    if expected is not None or attempt == self.retries:
                        raise
                    continue
                except BaseException:
                    self._drop(process_id)
                    raise
                return StoreFired(proc, fired)
        raise AssertionError("unreachable")  # pragma: no cover
