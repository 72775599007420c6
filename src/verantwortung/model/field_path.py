"""One resolver for the field paths rules use: ``field``, ``ref.field`` ... within a
collection, and the ``record.field`` / ``payload.field`` paths of ``present`` and
``compare``.

A path follows references: ``partner.kind`` within ``circle`` reads the ``kind`` of the
partner a member's ``partner`` field names. :func:`resolve_field` says where a path
leads, or why it leads nowhere (so a static check can say it at the YAML);
:func:`path_field` is the short form for the spec a rule's path reads, or None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .document import CollectionSpec, FieldSpec

__all__ = ["FieldPath", "PathProblem", "path_field", "resolve_field"]

#: why a path leads nowhere: a collection or a field that is not there, a step into a
#: field that is not a reference, or a reference to a collection that is not there
PathProblem = Literal["unknown_collection", "unknown_field", "not_a_reference",
                      "unknown_target"]


@dataclass(frozen=True, slots=True)
class FieldPath:
    """Where a field path leads within a collection."""

    #: the specs of the fields the path passed, in order (the last one is where it
    #: stopped when there is a problem other than an unknown field)
    specs: tuple[FieldSpec, ...]
    problem: PathProblem | None = None
    #: the collection read last: where the problem is
    collection: str = ""
    #: the rest of the path from the field read last (``kind.x`` when ``kind`` cannot be
    #: looked into)
    rest: str = ""

    @property
    def field(self) -> FieldSpec | None:
        """The spec of the field the path ends in; None when it leads nowhere."""
        return self.specs[-1] if self.problem is None and self.specs else None

    @property
    def name(self) -> str:
        """The field read last (the first name of :attr:`rest`)."""
        return self.rest.partition(".")[0]


def resolve_field(collections: Mapping[str, CollectionSpec], collection: str,
                  path: str) -> FieldPath:
    """Follow ``path`` (``field`` or ``ref.field...``) from ``collection``."""
    specs: list[FieldSpec] = []
    rest = path
    while True:
        coll = collections.get(collection)
        if coll is None:
            problem: PathProblem = "unknown_collection" if not specs else "unknown_target"
            return FieldPath(tuple(specs), problem, collection, rest)
        head, _, tail = rest.partition(".")
        field = coll.fields.get(head)
        if field is None:
            return FieldPath(tuple(specs), "unknown_field", collection, rest)
        specs.append(field)
        if not tail:
            return FieldPath(tuple(specs), None, collection, rest)
        if field.type != "ref":
            return FieldPath(tuple(specs), "not_a_reference", collection, rest)
        collection, rest = field.to or "", tail


def path_field(path: str, collections: Mapping[str, CollectionSpec],
               payload: Mapping[str, FieldSpec | None]) -> FieldSpec | None:
    """The spec of the field a rule's path reads: ``payload.x`` from ``payload``,
    ``record.field...`` from ``collections``; None for a whole record or a path that
    leads nowhere."""
    head, _, rest = path.partition(".")
    if head == "payload":
        return payload.get(rest)
    return resolve_field(collections, head, rest).field if rest else None
