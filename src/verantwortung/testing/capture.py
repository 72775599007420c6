"""Capture what happens to a process, and predicates to ask about it.

    with capture(proc) as log:
        proc.fire("partner_added", payload=...)
        ...
    assert refused_with("circle_too_small")(log)
    assert phase_entered("kickoff")(proc.history)

Like structlog's ``capture_logs``: a small, public testing helper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..engine import Process
from ..exceptions import TransitionRefused
from ..model.process import Event

__all__ = ["Captured", "capture", "fired", "phase_entered", "refused_with"]


@dataclass(slots=True)
class Captured:
    """Accepted events and refusals seen while capturing."""

    accepted: list[Event] = field(default_factory=list)
    refused: list[TransitionRefused] = field(default_factory=list)

    @property
    def refusal_codes(self) -> list[str]:
        """Every reason code of every refusal, in order."""
        return [r.code for refusal in self.refused for r in refusal.reasons]


@contextmanager
def capture(proc: Process) -> Iterator[Captured]:
    """Record accepted events and refusals of ``proc`` inside the ``with`` block."""
    log = Captured()
    stop_accepted = proc.subscribe(lambda p, event: log.accepted.append(event))
    stop_refused = proc.subscribe_refusals(lambda p, refusal: log.refused.append(refusal))
    try:
        yield log
    finally:
        stop_accepted()
        stop_refused()


History = Sequence[Event] | Captured


def _events(history: History) -> Sequence[Event]:
    return history.accepted if isinstance(history, Captured) else history


def phase_entered(phase: str) -> Callable[[History], bool]:
    """Predicate: some event moved the process into ``phase``."""

    def check(history: History) -> bool:
        events = _events(history)
        previous = None
        for event in events:
            if event.phase == phase and event.phase != previous and event.seq > 1:
                return True
            previous = event.phase
        return False

    return check


def refused_with(code: str) -> Callable[[Captured], bool]:
    """Predicate: some captured refusal carried reason ``code``."""
    return lambda log: code in log.refusal_codes


def fired(name: str, times: int | None = None) -> Callable[[History], bool]:
    """Predicate: ``name`` was accepted (exactly ``times`` times, if given)."""

    def check(history: History) -> bool:
        count = sum(1 for e in _events(history) if e.kind == name)
        return count > 0 if times is None else count == times

    return check
