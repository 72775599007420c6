"""Checks of what domain events do to records, beyond the names they use."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checks import _Checker

__all__ = ["check_removals"]


def check_removals(checker: _Checker) -> None:
    """A collection an event removes records from must not be referred to: the engine
    keeps every reference pointing at a record that exists (E213)."""
    doc = checker.doc
    for eid, spec in doc.events.items():
        if spec.removes is None:
            continue
        users = [f"{cid}.{name}" for cid, coll in doc.collections.items()
                 for name, field in coll.fields.items() if field.to == spec.removes]
        if users:
            checker.report(("events", eid, "removes"), "E213", f"records of "
                           f"{spec.removes!r} are referred to by {', '.join(users)}; "
                           "removing one would leave those references pointing at nothing")
