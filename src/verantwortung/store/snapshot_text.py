"""How a snapshot's state is written as text, so that a load decodes only what it reads.

A state whose collections are all small is one JSON text (as snapshots always were). A
collection of :data:`PART_MIN` records or more goes on a line of its own after it; in the
first line, its entry under ``records`` then describes that line instead of holding the
records: ``{"part": [records, length, sha256 of the line]}``. JSON text written by
:func:`json.dumps` has no raw line break (it escapes them in strings), so the lines are
found by their lengths.

The store seals the first line only (:func:`head`): the parts' digests in it tie each
part to the seal. A load reads the first line and checks its seal and shape; a part is
checked against its digest and decoded when its records are first read (a
:data:`~verantwortung.engine.state.Deferred` of the state). A part that does not match
raises the error ``corrupt`` makes, then, as a lazy history does for the events before
a snapshot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["PART_MIN", "decode", "encode", "head"]

#: the fewest records a collection has to be written as a part of its own
PART_MIN = 256

Corrupt = Callable[[str], Exception]


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8", "surrogatepass")).hexdigest()


def encode(state: Mapping[str, Any], part_min: int | None = None) -> str:
    """``state`` (a process's :meth:`~verantwortung.Process.state`) as snapshot text, each
    collection of ``part_min`` (default :data:`PART_MIN`) records or more a part."""
    records = state.get("records", {})
    least = PART_MIN if part_min is None else part_min
    large = [name for name, items in records.items() if len(items) >= least]
    if not large:
        return json.dumps(state, ensure_ascii=False)
    lines = {name: json.dumps(records[name], ensure_ascii=False) for name in large}
    first = {**state, "records": {
        name: {"part": [len(items), len(lines[name]), _digest(lines[name])]}
        if name in lines else items for name, items in records.items()}}
    return "\n".join([json.dumps(first, ensure_ascii=False), *lines.values()])


def head(text: str) -> str:
    """The first line of snapshot text: what the seal covers."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def decode(text: str, corrupt: Corrupt) -> dict[str, Any]:
    """The state in ``text``, each part a function that decodes it (and checks it first).

    Raises what ``corrupt(detail)`` makes when the parts do not fit the first line. The
    first line's seal and the state's shape are the caller's to check.
    """
    first = head(text)
    state = json.loads(first)
    records = state.get("records") if isinstance(state, dict) else None
    if not isinstance(records, dict):
        return state  # type: ignore[no-any-return]  # the caller says what is wrong
    start = len(first) + 1
    for name, value in records.items():
        if not isinstance(value, dict):
            continue
        part = value.get("part")
        if not (len(value) == 1 and isinstance(part, list) and len(part) == 3
                and all(type(n) is int and n >= 0 for n in part[:2])
                and isinstance(part[2], str)):
            raise corrupt(f"the entry of {name} is neither records nor a part")
        count, length, digest = part
        end = start + length
        if end > len(text) or (end < len(text) and text[end] != "\n"):
            raise corrupt(f"the part of {name} is not where its entry says")
        records[name] = _deferred(text, start, end, count, digest, _naming(corrupt, name))
        start = end + 1
    if start != len(text) + 1:
        raise corrupt("the text goes on after its last part")
    return state  # type: ignore[no-any-return]


def _naming(corrupt: Corrupt, name: str) -> Corrupt:
    return lambda detail: corrupt(f"the records of {name} {detail}")


def _deferred(text: str, start: int, end: int, count: int, digest: str,
              corrupt: Corrupt) -> Callable[[], list[dict[str, Any]]]:
    def records() -> list[dict[str, Any]]:
        line = text[start:end]
        if _digest(line) != digest:
            raise corrupt("are not the ones the snapshot was sealed with")
        try:
            items = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise corrupt(f"do not read as JSON ({exc})") from None
        if not (isinstance(items, list) and len(items) == count
                and set(map(type, items)) <= {dict}):
            raise corrupt(f"are not {count} records")
        return items

    return records
