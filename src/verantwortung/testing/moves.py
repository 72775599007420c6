"""Routes along the status moves of a choice field (idea -> planned -> running)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["status_route"]


def status_route(moves: Mapping[str, Sequence[str]], start: Any,
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
