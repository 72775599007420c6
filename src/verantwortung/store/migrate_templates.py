"""Moving stored processes to a newer template version: a dry run first, then apply.

:func:`dry_run` answers "is it safe?" for every process of an older version before
anything moves. Each process is migrated in memory (its old events upcast by the new
template's plan) and compared with itself before the move:

* ``unmapped``: an event, value or parameter the plan gives no place (named);
* ``blocked``: a next step that the old version allowed is refused now, or refused
  for a new reason (every reason given), or an invariant is newly broken;
* ``ok``: neither. Newly due deadlines are reported but block nothing.

:func:`apply` appends a ``template_migrated`` event to every ``ok`` process (and to
those ``force`` names), each in its own transaction with optimistic concurrency: when
another writer appended first, the process is read and judged again, and the move is
retried with a growing random wait. A process is moved whole or not at all (the event,
the index row, the template it now runs on and a fresh snapshot, in one transaction);
stored events are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select, update

from ..engine.deadlines import Due
from ..engine.migration import migrate
from ..engine.process import Process
from ..exceptions import ConcurrencyError, ReplayError, StoreError
from ..model.plan import follow
from ..model.process import Reason
from ..model.template import ProcessTemplate
from . import templates as kept
from .checks import check_rows
from .loading import write_snapshot
from .rows import now, write_errors
from .schema import processes
from .sources import template_source

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["MigrationCheck", "Refused", "apply", "check", "dry_run"]

Status = Literal["ok", "blocked", "unmapped"]
#: a further judgement of a check (the command line adds whether a final phase can
#: still be reached, which needs the planner of the testing tools)
Judge = Callable[["MigrationCheck"], "MigrationCheck"]


@dataclass(frozen=True)
class Refused:
    """A next step that the new version refuses where the old one did not (or not so)."""

    trigger: str
    label_de: str
    label_en: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"trigger": self.trigger, "label_de": self.label_de, "label_en": self.label_en,
                "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class MigrationCheck:
    """What moving one process to the new version does."""

    process_id: str
    region: str
    template: str
    from_version: str
    to_version: str
    phase_before: str
    phase_after: str | None
    status: Status
    refused: tuple[Refused, ...] = ()
    violations: tuple[Reason, ...] = ()
    newly_due: tuple[Due, ...] = ()
    unmapped: str | None = None
    applied: bool = False
    final_reachable: bool | None = None  # filled in by tools that plan (the CLI)
    old: Process | None = field(default=None, repr=False, compare=False)
    new: Process | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (without the processes)."""
        return {"process": self.process_id, "region": self.region, "template": self.template,
                "from_version": self.from_version, "to_version": self.to_version,
                "phase_before": self.phase_before, "phase_after": self.phase_after,
                "status": self.status, "refused": [r.to_dict() for r in self.refused],
                "violations": [r.to_dict() for r in self.violations],
                "newly_due": [d.code for d in self.newly_due], "unmapped": self.unmapped,
                "final_reachable": self.final_reachable, "applied": self.applied}


def check(old: Process, to: ProcessTemplate, *, actor: str | None = None,
          at: dt.datetime | None = None) -> MigrationCheck:
    """Migrate ``old`` in memory to ``to`` and judge the result (nothing is stored)."""
    when = at or dt.datetime.now(dt.UTC)
    base = MigrationCheck(old.id, old.region, old.template.id, old.template.version,
                          to.version, old.phase, None, "unmapped", old=old)
    if (old.template.id, old.template.version) == (to.id, to.version):
        # moved meanwhile (by another run): the move is done, nothing to do here
        return replace(base, phase_after=old.phase, status="ok", applied=True)
    plan = to.plan_from(old.template.id, old.template.version)
    if plan is None:
        return replace(base, unmapped=f"{to.id} {to.version} has no migration plan from "
                       f"{old.template.id} {old.template.version}")
    try:
        new = migrate(old, to, actor=actor, at=when)
    except ReplayError as exc:
        return replace(base, unmapped=str(exc))
    at_ = max(when, new.history[-1].at)
    before = {follow(plan.events, o.name): o for o in old.options(events=False, at=at_)}
    refused = []
    for option in new.options(events=False, at=at_):
        codes = {r.code for r in option.reasons}
        if "not_in_phase" in codes:
            continue
        earlier = before.get(option.name)
        seen = {r.code for r in earlier.reasons} if earlier is not None else set()
        if earlier is None or "not_in_phase" in seen:
            continue  # a step the old version did not offer here: new, not taken away
        fresh = tuple(r for r in option.reasons if r.code not in seen)
        if fresh:
            refused.append(Refused(option.name, option.label_de, option.label_en, fresh))
    broken = {r.code for r in old.invariant_violations()}
    violations = tuple(r for r in new.invariant_violations() if r.code not in broken)
    due_before = {d.code for d in old.due(at_)}
    newly_due = tuple(d for d in new.due(at_) if d.code not in due_before)
    status: Status = "blocked" if refused or violations else "ok"
    return replace(base, phase_after=new.phase, status=status, refused=tuple(refused),
                   violations=violations, newly_due=newly_due, new=new)


def _older(store: EventStore, to: ProcessTemplate, region: str | None) -> list[str]:
    """Ids of the stored processes of an older version that ``to`` may take over."""
    ids = {to.id, *(p.template or to.id for p in to.migrations)}
    found = [info for tid in sorted(ids) for info in store.list(template=tid, region=region)
             if (info.template, info.template_version) != (to.id, to.version)]
    return [info.id for info in sorted(found, key=lambda i: (i.region, i.id))]


def dry_run(store: EventStore, to: ProcessTemplate, *, region: str | None = None,
            at: dt.datetime | None = None, judge: Judge | None = None
            ) -> list[MigrationCheck]:
    """A :class:`MigrationCheck` for every process of an older version (or of ``region``)."""
    return [_judged(store, pid, to, None, at, judge) for pid in _older(store, to, region)]


def _judged(store: EventStore, pid: str, to: ProcessTemplate, actor: str | None,
            at: dt.datetime | None, judge: Judge | None) -> MigrationCheck:
    """:func:`check` of a stored process; one that does not load is ``unmapped``, why."""
    try:
        old = store.load(pid)
    except (StoreError, ReplayError) as exc:
        info = store.info(pid)
        return MigrationCheck(pid, info.region, info.template, info.template_version,
                              to.version, info.phase, None, "unmapped", unmapped=str(exc))
    result = check(old, to, actor=actor, at=at)
    return judge(result) if judge is not None and result.new is not None else result


def apply(store: EventStore, to: ProcessTemplate, source: str | Path, *, region: str | None = None,
          force: Collection[str] = (), actor: str | None = None,
          at: dt.datetime | None = None, judge: Judge | None = None
          ) -> list[MigrationCheck]:
    """Move every ``ok`` process (and those in ``force``) to ``to``; the checks, with
    ``applied`` set for the moved ones. ``source`` is where the store finds ``to`` (a
    bundled id or a path; the store keeps the template itself too)."""
    source = template_source(source)
    return [_apply_one(store, pid, to, source, pid in force, actor, at, judge)
            for pid in _older(store, to, region)]


def _apply_one(store: EventStore, pid: str, to: ProcessTemplate, source: str, forced: bool,
               actor: str | None, at: dt.datetime | None, judge: Judge | None
               ) -> MigrationCheck:
    for attempt in range(store.retries + 1):
        result = _judged(store, pid, to, actor, at, judge)
        if result.new is None or not (result.status == "ok" or forced):
            return result
        assert result.old is not None
        try:
            write_move(store, result.old.version, result.new, source)
            return replace(result, applied=True)
        except ConcurrencyError:
            if attempt >= store.retries:
                raise
        time.sleep(random.uniform(0, store.retry_delay * 2 ** min(attempt, 10)))
    raise AssertionError("unreachable")  # pragma: no cover


def write_move(store: EventStore, expected: int, new: Process, source: str) -> None:
    """Store the move of ``new`` (a migrated process) in one transaction.

    ConcurrencyError (and nothing written) when the stored version is not ``expected``.
    """
    moved: Sequence[Any] = new.events_since(expected)
    check_rows(new.id, moved)
    tpl = new.template
    with write_errors(new.id, expected), store.engine.begin() as conn:
        done = conn.execute(update(processes).where(
            processes.c.id == new.id, processes.c.version == expected).values(
            version=new.version, phase=new.phase, template=tpl.id,
            template_version=tpl.version, template_source=source, updated_at=now()))
        if done.rowcount != 1:
            actual = conn.execute(select(processes.c.version).where(
                processes.c.id == new.id)).scalar()
            raise ConcurrencyError(new.id, expected, actual)
        kept.link(conn, new.id, kept.remember(conn, tpl, source))
        write_snapshot(conn, new)  # the old version's snapshots are not used again
        stored = store._insert_events(conn, moved)
    kept.note(store, new.id, tpl, source)
    store._loaded.pop(new.id, None)
    store._listeners.notify(stored)
