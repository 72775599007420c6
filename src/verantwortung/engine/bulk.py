"""Replaying a run of stored domain events of one kind at once, judged column by column.

A long history is mostly the same few events (notes, meetings, contacts) one after the
other. :func:`apply_run` judges such a run as :meth:`Process.replay` judges each event —
sequence, process, phase, time order, role, payload and text policy, the record it adds
— but a check at a time over the whole run (a few passes in C) instead of every check
per event. It applies only kinds whose events nothing else can refuse (see
:attr:`CompiledEvent.bulk`: no guards or advisories, no references or unique values,
no record ids), and only when every event passes every check and its payload is
already in the form the validator gives (as stored events are). Otherwise it changes
nothing and returns False: the events are then replayed one by one, which refuses the
first that does not fit with its reason, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from operator import attrgetter, itemgetter, le
from typing import Any

from ..model.process import Event, FrozenDict
from ..model.specs import FieldSpec
from ..model.text import LIMITS, TextKind, check_text
from .compiled import CompiledEvent, CompiledTemplate
from .payload import MAX_VALUES, PayloadValidator
from .reasons import role_reasons
from .state import State

__all__ = ["apply_run", "normal_payloads"]

_SEQ, _PROCESS, _AT, _ACTOR = attrgetter("seq"), attrgetter("process"), attrgetter("at"), \
    attrgetter("actor")
_PAYLOAD, _PHASE = attrgetter("payload"), attrgetter("phase")
_MAPPINGS = frozenset({dict, FrozenDict})
_TEXT_KINDS: dict[str, TextKind] = {"id": "id", "text": "text"}
_INT_RANGE = 2 ** 63  # beyond it, leave the judging to pydantic


def _texts_normal(column: Sequence[Any], kind: TextKind) -> bool:
    """Every value is a text the validator keeps as it is: stripped, not empty, within
    the kind's length, and unchanged by the text policy."""
    if set(map(type, column)) != {str} or not all(column):
        return False
    if column != list(map(str.strip, column)) or max(map(len, column)) > LIMITS[kind]:
        return False
    for value in column:
        if not (value.isascii() and value.isprintable()):  # the policy's slow case
            text, problem = check_text(value, kind)
            if problem is not None or text != value:
                return False
    return True


def _column_normal(column: Sequence[Any], spec: FieldSpec) -> bool:
    """Whether every value of one field is valid and in normal form."""
    kind = _TEXT_KINDS.get(spec.type)
    if kind is not None:
        return _texts_normal(column, kind)
    if spec.type == "choice":
        return set(map(type, column)) == {str} and set(column) <= set(spec.values or ())
    if spec.type == "bool":
        return set(map(type, column)) == {bool}
    if spec.type == "int":
        if set(map(type, column)) != {int}:
            return False
        lo, hi = min(column), max(column)
        return (-_INT_RANGE < lo and hi < _INT_RANGE and (spec.min is None or lo >= spec.min)
                and (spec.max is None or hi <= spec.max))
    return False  # dates are rewritten, references checked: one by one


def normal_payloads(validate: PayloadValidator, payloads: Sequence[Mapping[str, Any]]
                    ) -> list[dict[str, Any]] | None:
    """``validate(p)[0]`` for every payload, when each is valid and in normal form (as a
    stored event's payload is) and all have the same keys; None otherwise."""
    if not payloads or not set(map(type, payloads)) <= _MAPPINGS:
        return None
    shapes = set(map(tuple, payloads))
    if len(shapes) != 1:
        return None
    given = next(iter(shapes))
    fields, defaults = validate.fields, validate.defaults
    names = [k for k in fields if k in given or k in defaults]  # the validator's order
    if (len(given) >= MAX_VALUES or not set(given) <= fields.keys()
            or not set(validate.required) <= set(given)):
        return None
    columns = []
    for name in names:
        column = (list(map(itemgetter(name), payloads)) if name in given
                  else [defaults[name]] * len(payloads))
        if not _column_normal(column, fields[name]):
            return None
        columns.append(column)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def apply_run(ct: CompiledTemplate, state: State, history: list[Event], run: list[Event],
              seq: int, process: str) -> bool:
    """Apply ``run`` (stored events of one bulk kind, the first numbered ``seq``) to
    ``state`` and ``history`` when every event passes every check; False, nothing
    changed, when one does not (replay them one by one then, for the reason)."""
    ev: CompiledEvent = ct.events[run[0].kind]
    if not ev.bulk or state.phase not in ev.phases:
        return False
    n = len(run)
    if (list(map(_SEQ, run)) != list(range(seq, seq + n)) or set(map(_PROCESS, run)) != {process}
            or set(map(_PHASE, run)) != {state.phase}):
        return False
    ats = list(map(_AT, run))
    if set(map(type, ats)) != {dt.datetime}:
        return False
    before = [history[-1].at, *ats[:-1]] if history else ats
    if not all(map(le, before, ats)):  # event_out_of_order
        return False
    words, roles = ct.words, ct.template.roles
    if any(role_reasons(actor, roles, ev.name, ev.roles, words)
           for actor in set(map(_ACTOR, run))):
        return False
    data = normal_payloads(ev.validate, list(map(_PAYLOAD, run)))
    if data is None:
        return False
    if ev.adds is not None:
        kept = [k for k in data[0] if k in ev.keeps]
        records = ([{k: d[k] for k in kept} for d in data] if len(kept) != len(data[0])
                   else data)
        if ev.starts:
            records = [{**ev.starts, **r} for r in records]
        state.add_all(ev.adds, records)
    history.extend(e if type(e.payload) is FrozenDict else e.frozen() for e in run)
    state.last_at = ats[-2] if n > 1 else (history[-2].at if len(history) > 1 else None)
    state.at = ats[-1]
    return True
