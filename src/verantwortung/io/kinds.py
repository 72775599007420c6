"""What kind of value a ``compare`` operand gives: number, text, date or yes/no.

The load-time check of a comparison (:func:`..model.rules.comparison_problem`) needs
the kinds of both sides; they come from constants, parameter types and field types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from ..model.document import CollectionSpec, ParameterSpec
from ..model.field_path import resolve_field
from ..model.rules import CountOperand, ParamRef

__all__ = ["Payload", "operand_kind"]

#: the payload's field names; a mapping also gives their specs (None: not known)
Payload = Collection[str]
_FIELD_KINDS = {"int": "number", "number": "number", "text": "text", "id": "text", "ref": "text",
                "choice": "text", "date": "date", "bool": "bool"}


def operand_kind(op: Any, collections: Mapping[str, CollectionSpec],
                 parameters: Mapping[str, ParameterSpec], payload: Payload) -> str | None:
    """number, text, date or bool: what a compare operand gives (None: not known)."""
    if isinstance(op, (bool, int, float, str)):
        return _value_kind(op)
    if isinstance(op, CountOperand):
        return "number"
    if isinstance(op, ParamRef):
        spec = parameters.get(op.param)
        return None if spec is None else _FIELD_KINDS.get(spec.type)
    head, _, rest = op.field.partition(".")
    coll = collections.get(head)
    if head == "payload":
        field = payload.get(rest) if isinstance(payload, Mapping) else None
    elif coll is None or not coll.single or not rest:
        return None
    else:  # problems with the path are reported apart
        field = resolve_field(collections, head, rest).field
    return None if field is None else _FIELD_KINDS.get(field.type)


def _value_kind(value: bool | int | float | str) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "text"
        return "date"
    return "number"
