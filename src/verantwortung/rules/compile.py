"""Compile rule specs once into plain Python callables.

A compiled rule is ``fn(view, payload) -> (passed, seen)`` where ``seen`` holds the
values the rule looked at (``count``, ``min``, ...), ready for the message
placeholders. Nothing is parsed or interpreted per call: field paths become
getter chains, parameter references become constants, filters become tuples.

An ``all`` or ``any`` shows the values of the sub-rule that decided it, as a
short-circuit evaluation would stop there: a failing ``all`` its first failing
sub-rule, a passing ``any`` its first passing one, otherwise the last sub-rule.
Names only other sub-rules saw keep their values, so every placeholder the
junction offers is filled. ``not`` shows what its sub-rule saw.

:func:`build_rule` also says what a rule reads (:class:`Reads`): fields of the
payload, and whether it looks at the process's records at all. A guard that reads
only the payload is one that input alone can satisfy.

Time rules (``since``, ``until``) read the reference date from the view: its ``at``
(the date of the event being fired, or the date a query asks about) and, for
``since: "*"``, its ``last_at`` (the latest event). :func:`build_timed` also returns,
for each time rule, the dates where its result can change: the engine walks back
over them to tell since when a deadline has been due.
"""

from __future__ import annotations

import datetime as dt
import operator
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from ..model.rule_walk import RuleVisitor
from ..model.rules import (
    ANY_EVENT,
    AllRule,
    AnyRule,
    CompareRule,
    CountOperand,
    CountRule,
    CustomRule,
    FieldOperand,
    NotRule,
    ParamRef,
    PresentRule,
    Rule,
    SinceRule,
    UntilRule,
)
from ..model.specs import BUILTIN_COLLECTIONS, CollectionSpec
from .dates import day_text, months_between
from .timed import DateSet, TimeEdges

__all__ = ["Compiled", "CompiledRule", "Edges", "Reads", "RecordView", "Tally", "Timed",
           "build_rule", "build_timed", "compile_rule", "reference_day"]

Seen = dict[str, Any]
Compiled = Callable[["RecordView", Mapping[str, Any]], tuple[bool, Seen]]
#: the dates (up to a reference date) at which a time rule's result can change
Edges = Callable[["RecordView", dt.date], tuple[dt.date, ...]]


class RecordView(Protocol):
    """What a compiled rule may read of a process: records, single records, lookups."""

    def records(self, collection: str) -> Sequence[dict[str, Any]]:
        """All records of a collection, in the order they were added."""

    def single(self, collection: str) -> dict[str, Any] | None:
        """The record of a single-record collection, or None."""

    def lookup(self, collection: str, record_id: Any) -> dict[str, Any] | None:
        """The record with ``id`` == ``record_id``, or None."""


@dataclass(frozen=True, slots=True)
class Reads:
    """What a compiled rule reads: payload fields (in order) and whether any record."""

    payload: tuple[str, ...] = ()
    records: bool = False  # also true for a custom rule, which may read anything

    @property
    def input_only(self) -> bool:
        """True when only the payload decides the rule: input alone can satisfy it."""
        return bool(self.payload) and not self.records


@dataclass(frozen=True, eq=False, slots=True)
class Tally:
    """A filtered count a rule asks for: the records of ``collection`` that pass ``test``.

    A view that offers ``tally(t) -> int`` (the engine's state does) keeps the number up
    to date as records are added and changed, so a rule costs O(1) however large the
    collection; any other view is recounted. ``reads`` names the collections ``test``
    looks at: its own and those its ``ref.field`` paths follow. Compared by identity.
    """

    collection: str
    test: Callable[[RecordView, dict[str, Any]], bool]
    reads: frozenset[str]

    def recount(self, view: RecordView) -> int:
        """Count from scratch."""
        test = self.test
        return sum(1 for rec in view.records(self.collection) if test(view, rec))


class CompiledRule(NamedTuple):
    """A compiled rule and what it reads."""

    fn: Compiled
    reads: Reads


#: what ``present`` does not count as a value (never changed)
_EMPTY: tuple[Any, ...] = (None, "", [], {})
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">=": operator.ge, ">": operator.gt,
}


def _holds(fn: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    """Whether ``a op b``; false when the values do not compare (None against a number)."""
    try:
        return bool(fn(a, b))
    except TypeError:
        return False


class _Compiler(RuleVisitor[Compiled]):
    def __init__(self, collections: Mapping[str, CollectionSpec], values: Mapping[str, Any],
                 custom: Mapping[str, Callable[..., Any]]) -> None:
        self.collections = {**BUILTIN_COLLECTIONS, **collections}
        self.values = values
        self.custom = custom
        self.payload_fields: dict[str, None] = {}  # ordered set of the payload fields read
        self.reads_records = False
        self.edges: list[TimeEdges] = []  # one per time rule compiled
        # the collections the rule reads ("*": the latest event), None once a custom rule
        # (which may read anything) is compiled; besides the dates of ``date_sets``
        self.read_from: set[str] | None = set()
        self.date_sets: list[DateSet] = []

    def _reads(self, collections: set[str]) -> None:
        if self.read_from is not None:
            self.read_from |= collections

    def value(self, v: Any) -> Any:
        if isinstance(v, ParamRef):
            return self.values[v.param]
        if isinstance(v, list):
            return tuple(self.value(x) for x in v)
        return v

    def getter(self, collection: str, path: str) -> Callable[[RecordView, dict[str, Any]], Any]:
        """A function reading ``field`` or ``ref.field...`` from a record of ``collection``."""
        head, _, rest = path.partition(".")
        if not rest:
            return lambda view, rec: rec.get(head)
        target = self.collections[collection].fields[head].to or ""
        inner = self.getter(target, rest)

        def follow(view: RecordView, rec: dict[str, Any]) -> Any:
            ref = view.lookup(target, rec.get(head))
            return None if ref is None else inner(view, ref)

        return follow

    def followed(self, collection: str, path: str) -> set[str]:
        """The collections a ``field`` or ``ref.field...`` path of ``collection`` reads."""
        seen = {collection}
        head, _, rest = path.partition(".")
        while rest:
            collection = self.collections[collection].fields[head].to or ""
            seen.add(collection)
            head, _, rest = rest.partition(".")
        return seen

    def counter(self, collection: str,
                where: Mapping[str, Any]) -> Callable[[RecordView], int]:
        self.reads_records = True
        tests: list[Callable[[RecordView, dict[str, Any]], bool]] = []
        reads = {collection}
        for path, expected in where.items():
            tests.append(self._test(self.getter(collection, path), self.value(expected)))
            reads |= self.followed(collection, path)
        self._reads(reads)
        if not tests:
            return lambda view: len(view.records(collection))
        if len(tests) == 1:
            test = tests[0]
        else:
            def test(view: RecordView, rec: dict[str, Any]) -> bool:
                return all(t(view, rec) for t in tests)
        tally = Tally(collection, test, frozenset(reads))

        def count(view: RecordView) -> int:
            kept = getattr(view, "tally", None)  # a process's state keeps the count up to date
            return tally.recount(view) if kept is None else int(kept(tally))

        return count

    @staticmethod
    def _test(get: Callable[[RecordView, dict[str, Any]], Any],
              value: Any) -> Callable[[RecordView, dict[str, Any]], bool]:
        if isinstance(value, tuple):
            allowed = frozenset(value)
            return lambda view, rec: get(view, rec) in allowed
        return lambda view, rec: bool(get(view, rec) == value)

    def field(self, path: str) -> Callable[[RecordView, Mapping[str, Any]], Any]:
        head, _, rest = path.partition(".")
        if head == "payload":
            self.payload_fields[rest] = None
            return lambda view, payload: payload.get(rest)
        self.reads_records = True
        self._reads(self.followed(head, rest) if rest else {head})
        if not rest:
            return lambda view, payload: view.single(head)
        get = self.getter(head, rest)

        def read(view: RecordView, payload: Mapping[str, Any]) -> Any:
            rec = view.single(head)
            return None if rec is None else get(view, rec)

        return read

    def operand(self, op: Any) -> Callable[[RecordView, Mapping[str, Any]], Any]:
        if isinstance(op, CountOperand):
            if not op.where:  # the common case, read in one call: how many records
                self.reads_records = True
                name = op.count
                return lambda view, payload: len(view.records(name))
            count = self.counter(op.count, op.where)
            return lambda view, payload: count(view)
        if isinstance(op, FieldOperand):
            return self.field(op.field)
        constant = self.value(op)
        return lambda view, payload: constant

    # -- one method per kind of rule (see :class:`~verantwortung.model.rule_walk.RuleVisitor`)

    def visit_count(self, rule: CountRule) -> Compiled:
        return self._count(rule)

    def visit_present(self, rule: PresentRule) -> Compiled:
        read = self.field(rule.present)
        path = rule.present

        def present(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            value = read(view, payload)
            return value not in _EMPTY, {"path": path, "value": value}

        return present

    def visit_compare(self, rule: CompareRule) -> Compiled:
        return self._compare(rule)

    def visit_all(self, rule: AllRule) -> Compiled:
        return self._junction(rule.all, stop=False)

    def visit_any(self, rule: AnyRule) -> Compiled:
        return self._junction(rule.any, stop=True)

    def visit_not(self, rule: NotRule) -> Compiled:
        inner = self.visit(rule.not_)

        def negate(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            ok, seen = inner(view, payload)
            return not ok, seen

        return negate

    def visit_custom(self, rule: CustomRule) -> Compiled:
        return self._custom(rule)

    def visit_since(self, rule: SinceRule) -> Compiled:
        return self._time(rule, since=True)

    def visit_until(self, rule: UntilRule) -> Compiled:
        return self._time(rule, since=False)

    def _count(self, rule: CountRule) -> Compiled:
        count = self.counter(rule.count, rule.where)
        lo = self.value(rule.min) if rule.min is not None else None
        hi = self.value(rule.max) if rule.max is not None else None
        name = rule.count

        def check(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            n = count(view)
            ok = (lo is None or n >= lo) and (hi is None or n <= hi)
            return ok, {"count": n, "min": lo, "max": hi, "collection": name}

        return check

    def _compare(self, rule: CompareRule) -> Compiled:
        left, right = self.operand(rule.compare.left), self.operand(rule.compare.right)
        fn, op = _OPS[rule.compare.op], rule.compare.op
        if not isinstance(rule.compare.right, (CountOperand, FieldOperand)):
            b = self.value(rule.compare.right)  # a constant: no call per evaluation

            def compare_to(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
                a = left(view, payload)
                return _holds(fn, a, b), {"left": a, "right": b, "op": op}

            return compare_to

        def compare(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            a, b = left(view, payload), right(view, payload)
            return _holds(fn, a, b), {"left": a, "right": b, "op": op}

        return compare

    def _junction(self, rules: Sequence[Rule], *, stop: bool) -> Compiled:
        """``stop``: the result a short-circuit evaluation stops at (a failure for ``all``,
        a pass for ``any``)."""
        parts = [self.visit(r) for r in rules]

        def junction(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            seen: Seen = {}
            decided: Seen | None = None
            for part in parts:
                ok, part_seen = part(view, payload)
                seen.update(part_seen)
                if decided is None and ok == stop:
                    decided = part_seen
            if decided is None:  # no sub-rule stopped it: the last one decided, and is on top
                return not stop, seen
            seen.update(decided)
            return stop, seen

        return junction

    def _custom(self, rule: CustomRule) -> Compiled:
        self.reads_records = True  # a function may read anything; never "input only"
        self.read_from = None
        func = self.custom[rule.custom]
        args = dict(rule.args)

        def custom(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            result = func(view, payload, args)
            if isinstance(result, tuple):
                ok, seen = result
                return bool(ok), dict(seen)
            return bool(result), {}

        return custom


    # -- time -------------------------------------------------------------------------

    def _dates(self, rule: SinceRule | UntilRule
               ) -> Callable[[RecordView], Sequence[dt.date]]:
        """The dates of the records a time rule looks at (the latest event's for ``*``)."""
        self.reads_records = True
        source = rule.source
        if source == ANY_EVENT:
            self._reads({ANY_EVENT})
            return lambda view: [_day(last)] if (last := getattr(view, "last_at", None)) else []
        tests = [self._test(self.getter(source, path), self.value(expected))
                 for path, expected in rule.where.items()]
        reads = {source}.union(*(self.followed(source, path) for path in rule.where))
        if rule.unset is not None:
            unset = rule.unset
            tests.append(lambda view, rec: rec.get(unset) in (None, "", [], {}))
        wanted = DateSet(source, rule.field, tuple(tests), frozenset(reads), rule.latest)
        scan = wanted.rescan
        if rule.latest:  # the latest record's alone: the collection is read, not kept dates
            self._reads(reads)
        else:
            self.date_sets.append(wanted)

        def dates(view: RecordView) -> Sequence[dt.date]:
            # a view judged on several days of one unchanged state keeps what was found
            memo: dict[Any, Sequence[dt.date]] | None = getattr(view, "memo", None)
            if memo is not None:
                found = memo.get(dates)
                if found is None:
                    found = memo[dates] = find(view)
                return found
            return find(view)

        def find(view: RecordView) -> Sequence[dt.date]:
            # a process's state keeps the dates up to date (in order, the latest last);
            # the latest record's alone is found at once
            kept = None if wanted.latest else getattr(view, "dated", None)
            return scan(view) if kept is None else kept(wanted)

        return dates

    def _time(self, rule: SinceRule | UntilRule, *, since: bool) -> Compiled:
        dates = self._dates(rule)
        lo = self.value(rule.min) if rule.min is not None else None
        hi = self.value(rule.max) if rule.max is not None else None
        months = rule.unit == "months"
        unit, passes_missing = rule.unit, rule.missing == "pass"
        name = rule.source

        def pick(view: RecordView, today: dt.date) -> dt.date | None:
            found = dates(view)  # in order
            if not found:
                return None
            if since:
                return found[-1]
            i = bisect_left(found, today)  # the next date; else the last one
            return found[i] if i < len(found) else found[-1]

        def measure(view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, Seen]:
            today = getattr(view, "at", None)
            if type(today) is not dt.date:  # a day asked about is the common case
                today = reference_day(view)
            day = None if today is None else pick(view, today)
            if today is None or day is None:
                return passes_missing, {unit: None, "date": None, "min": lo, "max": hi,
                                        "collection": name}
            first, second = (day, today) if since else (today, day)
            amount = months_between(first, second) if months else (second - first).days
            ok = (lo is None or amount >= lo) and (hi is None or amount <= hi)
            return ok, {unit: amount, "date": day_text(day), "min": lo, "max": hi,
                        "collection": name}

        self.edges.append(TimeEdges.of(dates, since=since, months=months,
                                       lo=None if lo is None else int(lo),
                                       hi=None if hi is None else int(hi)))
        return measure


def _day(value: dt.datetime) -> dt.date:
    return value.date()


def reference_day(view: RecordView) -> dt.date | None:
    """The date a view is judged on (its ``at``), or None when it has none."""
    at = getattr(view, "at", None)
    if type(at) is dt.date:  # the common case: a day asked about
        return at
    if isinstance(at, dt.datetime):
        return at.date()
    return at if isinstance(at, dt.date) else None


def compile_rule(rule: Any, collections: Mapping[str, CollectionSpec], values: Mapping[str, Any],
                 custom: Mapping[str, Callable[..., Any]] | None = None) -> Compiled:
    """Compile ``rule`` for a template's collections and parameter values.

    Custom rules are called as ``func(view, payload, args)`` and return a bool or
    ``(bool, seen_values)``.
    """
    return build_rule(rule, collections, values, custom).fn


def build_rule(rule: Any, collections: Mapping[str, CollectionSpec], values: Mapping[str, Any],
               custom: Mapping[str, Callable[..., Any]] | None = None) -> CompiledRule:
    """:func:`compile_rule`, together with what the compiled rule reads."""
    compiler = _Compiler(collections, values, {} if custom is None else custom)
    fn = compiler.visit(rule)
    return CompiledRule(fn, Reads(tuple(compiler.payload_fields), compiler.reads_records))


class Timed(NamedTuple):
    """A compiled rule, where its time rules' results can change, and what it reads."""

    fn: Compiled
    edges: tuple[TimeEdges, ...]  # one per time rule in it
    #: the collections it reads ("*": the latest event), besides the dates of
    #: ``date_sets``; None: anything (a custom rule)
    collections: frozenset[str] | None
    date_sets: tuple[DateSet, ...]  # the dates its time rules read (a view may keep them)


def build_timed(rule: Any, collections: Mapping[str, CollectionSpec], values: Mapping[str, Any],
                custom: Mapping[str, Callable[..., Any]] | None = None) -> Timed:
    """A compiled rule and, for every time rule in it, where its result can change."""
    compiler = _Compiler(collections, values, custom or {})
    fn = compiler.visit(rule)
    read = compiler.read_from
    return Timed(fn, tuple(compiler.edges), None if read is None else frozenset(read),
                 tuple(compiler.date_sets))
