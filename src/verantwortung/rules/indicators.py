"""Compile indicator specs once into plain functions of a process's records.

An indicator is compiled like a rule: field paths become getter chains, ``where``
filters become tests, parameter references become constants. A plain count with a
``where`` is a :class:`~verantwortung.rules.compile.Tally`, so the engine's state keeps
it up to date; sums, distinct counts, spreads and breakdowns walk the collection
once per call. The result is a whole number, or a mapping of numbers per value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..model.specs import IndicatorSpec, SpreadSpec
from .compile import RecordView, _Compiler

__all__ = ["IndicatorFn", "breakdown_keys", "compile_indicator"]

Record = dict[str, Any]
Test = Callable[[RecordView, Record], bool]
IndicatorFn = Callable[[RecordView], "int | dict[str, int]"]


def _spread(compiler: _Compiler, collection: str, spread: SpreadSpec) -> Test:
    """Records whose ``refs``/``ref`` field names records of ``min`` or more field values."""
    head, _, rest = spread.field.partition(".")
    target = compiler.collections[collection].fields[head].to or ""
    get = compiler.getter(target, rest)
    least = spread.min

    def varied(view: RecordView, rec: Record) -> bool:
        ids = rec.get(head)
        ids = ids if isinstance(ids, list) else [] if ids is None else [ids]
        found = set()
        for rid in ids:
            other = view.lookup(target, rid)
            value = None if other is None else get(view, other)
            if value is not None:
                found.add(value)
        return len(found) >= least

    return varied


def _filter(compiler: _Compiler, spec: IndicatorSpec) -> Test | None:
    collection = spec.collection
    tests = [compiler._test(compiler.getter(collection, path), compiler.value(expected))
             for path, expected in spec.where.items()]
    if spec.spread is not None:
        tests.append(_spread(compiler, collection, spec.spread))
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]
    return lambda view, rec: all(t(view, rec) for t in tests)


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def breakdown_keys(spec: IndicatorSpec, collections: Mapping[str, Any]) -> tuple[str, ...]:
    """The values a breakdown always lists (a choice field's values), in their order."""
    if spec.by is None:
        return ()
    coll = collections.get(spec.collection)
    head, _, rest = spec.by.partition(".")
    while coll is not None and rest:
        field = coll.fields.get(head)
        coll = collections.get(field.to or "") if field is not None else None
        head, _, rest = rest.partition(".")
    field = coll.fields.get(head) if coll is not None else None
    return tuple(field.values or ()) if field is not None and field.type == "choice" else ()


Amount = Callable[[RecordView, Record], int]


def _amount(compiler: _Compiler, spec: IndicatorSpec) -> Amount:
    """What one record adds: its ``field`` for a sum, else 1."""
    get_amount = (compiler.getter(spec.collection, spec.field or "") if spec.measure == "sum"
                  else None)

    def amount(view: RecordView, rec: Record) -> int:
        return 1 if get_amount is None else _number(get_amount(view, rec))

    return amount


def _distinct(compiler: _Compiler, spec: IndicatorSpec, keep: Test | None) -> IndicatorFn:
    """How many different values ``field`` has among the kept records (lists flattened)."""
    collection = spec.collection
    get_value = compiler.getter(collection, spec.field or "")

    def distinct(view: RecordView) -> int:
        seen: set[Any] = set()
        for rec in view.records(collection):
            if keep is None or keep(view, rec):
                value = get_value(view, rec)
                items = value if isinstance(value, list) else [value]
                seen.update(v for v in items if v is not None)
        return len(seen)

    return distinct


def _breakdown(compiler: _Compiler, spec: IndicatorSpec, keep: Test | None,
               amount: Amount) -> IndicatorFn:
    """The amounts per value of ``by``: a choice field's values first, in their order."""
    collection = spec.collection
    get_key = compiler.getter(collection, spec.by or "")
    listed = breakdown_keys(spec, compiler.collections)

    def split(view: RecordView) -> dict[str, int]:
        out = dict.fromkeys(listed, 0)
        for rec in view.records(collection):
            if keep is not None and not keep(view, rec):
                continue
            key = get_key(view, rec)
            if key is None or isinstance(key, (list, dict)):
                continue  # a record without the value is in no part
            name = str(key).lower() if isinstance(key, bool) else str(key)
            out[name] = out.get(name, 0) + amount(view, rec)
        listed_part = {k: out[k] for k in listed}
        rest = {k: out[k] for k in sorted(out) if k not in listed_part}
        return {**listed_part, **rest}

    return split


def compile_indicator(spec: IndicatorSpec, collections: Mapping[str, Any],
                      values: Mapping[str, Any]) -> IndicatorFn:
    """The function computing ``spec`` from a process's records (a view as rules read)."""
    compiler = _Compiler(collections, values, {})
    collection = spec.collection
    keep = _filter(compiler, spec)
    if spec.measure == "count" and spec.by is None and spec.spread is None:
        counted = compiler.counter(collection, spec.where)  # kept up to date by the state
        return lambda view: counted(view)
    if spec.measure == "distinct":
        return _distinct(compiler, spec, keep)
    amount = _amount(compiler, spec)
    if spec.by is not None:
        return _breakdown(compiler, spec, keep, amount)

    def total(view: RecordView) -> int:
        return sum(amount(view, rec) for rec in view.records(collection)
                   if keep is None or keep(view, rec))

    return total
