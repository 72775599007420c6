"""The planner's parts that need no planner: values for fields, status routes, the custom
rules a rule uses, and the record view rules judge a process's copied records through."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..engine import Process
from ..model.rules import AllRule, NotRule
from ..model.specs import FieldSpec

__all__ = ["RecordsView", "conjunction", "matches", "plain_value", "route"]


def plain_value(proc: Process, name: str, spec: FieldSpec, fresh: Callable[[str], str],
                variant: int = 0) -> Any:
    """A valid value of a field that is not a reference (ids from ``fresh``).

    ``variant`` picks another value where there are several: the next choice, the
    next number up from the least, true instead of false.
    """
    if spec.type == "id":
        return fresh(name[:1] or "x")
    if spec.type == "int":
        least = spec.min if spec.min is not None else (
            1 if spec.max is None or spec.max >= 1 else spec.max)
        return least + variant if spec.max is None or least + variant <= spec.max else least
    if spec.type == "bool":
        return variant % 2 == 1
    if spec.type == "date":
        return proc.history[-1].at.date().isoformat()
    if spec.type == "choice":
        values = spec.values or [""]
        return values[variant % len(values)]
    return "Beispiel"


def conjunction(goals: Sequence[tuple[Any, bool]]) -> AllRule:
    """One rule that holds when every goal's rule judges as wanted."""
    return AllRule(all=[rule if want else NotRule(not_=rule) for rule, want in goals])


def route(moves: Mapping[str, Sequence[str]], start: Any,
           allowed: Sequence[Any]) -> list[Any] | None:
    """The shortest list of status values from ``start`` to one of ``allowed``."""
    if start in allowed:
        return []
    paths: dict[Any, list[Any]] = {start: []}
    queue = [start]
    while queue:
        here = queue.pop(0)
        for nxt in moves.get(here, ()):
            if nxt in paths:
                continue
            paths[nxt] = [*paths[here], nxt]
            if nxt in allowed:
                return paths[nxt]
            queue.append(nxt)
    return None


class RecordsView:
    """The RecordView protocol over a process's public, copied records."""

    def __init__(self, proc: Process) -> None:
        self.proc = proc

    def records(self, collection: str) -> list[dict[str, Any]]:
        return list(self.proc.records(collection))

    def single(self, collection: str) -> dict[str, Any] | None:
        spec = self.proc.template.all_collections.get(collection)
        if spec is None or not spec.single:
            return None
        found = self.proc.records(collection)
        return found[0] if found else None

    def lookup(self, collection: str, record_id: Any) -> dict[str, Any] | None:
        return next((r for r in self.proc.records(collection) if r.get("id") == record_id),
                    None)


def matches(proc: Process, collection: str, record: Mapping[str, Any],
             where: Mapping[str, Any]) -> bool:
    for path, expected in where.items():
        head, _, rest = path.partition(".")
        value = record.get(head)
        if rest:
            spec = proc.template.collections[collection].fields[head]
            target = next((r for r in proc.records(spec.to or "") if r.get("id") == value), None)
            if target is None or not matches(proc, spec.to or "", target, {rest: expected}):
                return False
            continue
        allowed = expected if isinstance(expected, (list, tuple)) else [expected]
        if value not in allowed:
            return False
    return True
