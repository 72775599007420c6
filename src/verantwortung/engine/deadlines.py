"""What is due when: a pure function of the template, the event log and a date.

Nothing is scheduled and nothing needs re-arming: a deadline's rule is judged on the
process as it is, on the date asked about (``Process.due(at=...)``), so a replayed,
imported or restored process knows its deadlines as well as the original did.

A deadline applies in its phases; its rule says what should hold, and when the rule
fails on the date asked about, the deadline is due. Since when is found by walking
back over the dates where a time rule's result can change (never before the current
phase was entered, for the deadline did not apply before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Literal

from ..model.rule_walk import custom_names
from ..model.rules import ANY_EVENT
from ..model.template import ProcessTemplate
from ..model.text import Plural
from ..rules.compile import RecordView, build_timed
from ..rules.dates import human_date, parse_day
from ..rules.registry import registry
from ..rules.timed import DateSet, TimeEdges
from .compiled import CompiledCheck, CompiledTemplate, shown_values
from .state import State

__all__ = ["CompiledDeadline", "Due", "deadlines_of", "due_items", "turning_days"]

Severity = Literal["reminder", "overdue"]
_ORDER = {"overdue": 0, "reminder": 1}


@dataclass(frozen=True, slots=True)
class Due:
    """A deadline that is due: since when, what the rule saw, and what to tell people.

    The messages are written when read (most callers sort and count due items, or
    show them in one language).
    """

    code: str
    severity: Severity
    since: dt.date  # the date it became due
    label_de: str
    label_en: str
    seen: Mapping[str, Any]
    source: str | None
    texts: tuple[str | Plural, str | Plural]  # the message templates, de and en
    check: CompiledCheck = field(compare=False, repr=False)  # what writes the messages
    values: Mapping[str, Any] = field(compare=False, repr=False)  # what fills them

    @property
    def message_de(self) -> str:
        """The message in German."""
        return self.check.text(self.values, "de")

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.check.text(self.values, "en")

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (de or en)."""
        return self.check.text(self.values, "de" if lang == "de" else "en")

    def label(self, lang: str = "en") -> str:
        """The deadline's name in ``lang``."""
        return self.label_de if lang == "de" else self.label_en

    def since_text(self, lang: str = "en") -> str:
        """The date it became due, as a person reads it."""
        return human_date(self.since, lang)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (dates as ISO 8601)."""
        return {"code": self.code, "severity": self.severity, "since": self.since.isoformat(),
                "label_de": self.label_de, "label_en": self.label_en,
                "message_de": self.message_de, "message_en": self.message_en,
                "seen": dict(self.seen), "source": self.source}


@dataclass(frozen=True, slots=True)
class CompiledDeadline:
    """A deadline ready to judge: its check (rule and messages) and the rule's edges."""

    check: CompiledCheck
    severity: Severity
    phases: frozenset[str]
    label_de: str
    label_en: str
    edges: tuple[TimeEdges, ...]
    texts: tuple[str | Plural, str | Plural]  # the message templates, de and en
    # the collections its rule reads besides the dates of ``date_sets``, None: anything
    # (a custom rule); whether it reads the latest event's date
    reads: tuple[str, ...] | None
    reads_latest: bool
    date_sets: tuple[DateSet, ...]


class _Dated:
    """A process's records, judged on one day (what time rules read as ``at``)."""

    __slots__ = ("_view", "at", "dated", "last_at", "memo", "tally")

    def __init__(self, view: RecordView, at: dt.date, last_at: dt.datetime | None,
                 memo: dict[Any, Any], kept: tuple[Any, Any] | None = None) -> None:
        # memo: what one deadline found in these records (see _memo), shared by the views
        # it is judged on, for the records do not change while it judges them
        self._view, self.at, self.last_at, self.memo = view, at, last_at, memo
        # what a process's state keeps up to date: the dates and counts rules read
        self.dated, self.tally = kept if kept is not None else (
            getattr(view, "dated", None), getattr(view, "tally", None))

    def on(self, day: dt.date) -> _Dated:
        """The same records, judged on ``day``."""
        return _Dated(self._view, day, self.last_at, self.memo, (self.dated, self.tally))

    def records(self, collection: str) -> Sequence[dict[str, Any]]:
        return self._view.records(collection)

    def single(self, collection: str) -> dict[str, Any] | None:
        return self._view.single(collection)

    def lookup(self, collection: str, record_id: Any) -> dict[str, Any] | None:
        return self._view.lookup(collection, record_id)


# id(compiled template) -> (it, its deadlines); it is kept alive, so its id is not reused
_COMPILED: dict[int, tuple[CompiledTemplate, tuple[CompiledDeadline, ...]]] = {}


def deadlines_of(ct: CompiledTemplate) -> tuple[CompiledDeadline, ...]:
    """The compiled deadlines of a compiled template (built once)."""
    entry = _COMPILED.get(id(ct))
    if entry is not None and entry[0] is ct:
        return entry[1]
    found = _compile(ct.template)
    if len(_COMPILED) > 256:
        _COMPILED.clear()
    _COMPILED[id(ct)] = (ct, found)
    return found


def _compile(tpl: ProcessTemplate) -> tuple[CompiledDeadline, ...]:
    context = {k: (int(v) if isinstance(v, float) and v.is_integer() else v)
               for k, v in tpl.values.items()}
    out = []
    for d in tpl.deadlines:
        custom = {name: registry[name] for name in custom_names(d.spec.rule)}
        fn, edges, reads, date_sets = build_timed(d.spec.rule, tpl.collections, tpl.values,
                                                  custom)
        check = CompiledCheck(
            code=d.code, hard=d.spec.severity == "overdue", fn=fn,
            message_de=d.spec.message.text("de"), message_en=d.spec.message.text("en"),
            source=str(d.source) if d.source else None,
            context={**context, "trigger": "-", "phase": "-"})
        out.append(CompiledDeadline(
            check, d.spec.severity, frozenset(d.phases), d.spec.label.get("de"),
            d.spec.label.get("en"), edges, (check.message_de, check.message_en),
            None if reads is None else tuple(sorted(reads - {ANY_EVENT})),
            reads is None or ANY_EVENT in reads, date_sets))
    return tuple(out)


def due_items(ct: CompiledTemplate, view: RecordView, phase: str, last_at: dt.datetime | None,
              started: Callable[[], dt.date | None], at: dt.datetime) -> tuple[Due, ...]:
    """Every deadline due on the day of ``at``: overdue first, then by date and code.

    ``started`` gives the day the process started; it is asked only when no phase
    entry is recorded (a lazily loaded history is not read for nothing).
    """
    today = at.date()
    entered = _phase_entered(view, started)
    found = []
    state = view if isinstance(view, State) else None
    shared: dict[Any, Any] = {}  # any other view: what is found holds for this call only
    kept = (getattr(view, "dated", None), getattr(view, "tally", None))
    for deadline in deadlines_of(ct):
        if phase not in deadline.phases:
            continue
        memo = shared if state is None else _memo(state, deadline, last_at)
        dated = _Dated(view, today, last_at, memo, kept)
        check = deadline.check
        ok, seen = check.judge(dated, {})
        if ok:
            continue
        shown, values = shown_values(seen)
        found.append(Due(check.code, deadline.severity, _since(deadline, dated, entered),
                         deadline.label_de, deadline.label_en, shown, check.source,
                         deadline.texts, check, values))
    if len(found) > 1:
        found.sort(key=lambda d: (_ORDER[d.severity], d.since, d.code))
    return tuple(found)


def _memo(state: State, deadline: CompiledDeadline, last_at: dt.datetime | None
          ) -> dict[Any, Any]:
    """Where what a deadline found in a state's records is kept: the dates its time rules
    read, its rule's result on a given day, since when it is due on a day asked about.

    What depends on a day is kept under that day. All of it holds while the dates the
    rule's time rules read (their version), the other collections it reads and (if it
    reads that) the day of the latest event stay the same, so an event elsewhere (a
    note, minutes recorded for a meeting whose date it reads) leaves it as it is. A rule
    that may read anything (a custom rule) keeps it until any record or the latest event
    changes.
    """
    reads = deadline.reads
    if reads is None:
        memo = state.memo
        if memo is None or memo.get(_LAST_AT) != last_at:
            memo = state.memo = {_LAST_AT: last_at}
        return memo
    changes = state.changes
    stamp: tuple[Any, ...] = tuple(map(changes.get, reads, repeat(0)))
    if deadline.date_sets:
        stamp += tuple(map(state.dates_version, deadline.date_sets))
    if deadline.reads_latest:  # a time rule reads the day of the latest event
        stamp += (None if last_at is None else last_at.date(),)
    entry = state.facts.get(id(deadline))
    if entry is None or entry[0] is not deadline or entry[1] != stamp or len(entry[2]) > 4096:
        entry = state.facts[id(deadline)] = (deadline, stamp, {})
    return entry[2]


_LAST_AT = object()  # the memo's key for the latest event's date it was made for
_ENTERED = "phases_entered"  # where the day the current phase was entered is read


def _phase_entered(view: RecordView, started: Callable[[], dt.date | None]) -> dt.date | None:
    entries = view.records(_ENTERED)
    if entries:
        return parse_day(entries[-1].get("at"))
    return started()


def _since(deadline: CompiledDeadline, dated: _Dated, entered: dt.date | None) -> dt.date:
    """The first day of the run of days, ending today, on which the deadline was due.

    The rule's result is constant between its edges, so it is judged once per edge,
    walking back from today, until the day before an edge finds it not due. The walk
    asks for the latest few edges, and for more only when it gets past them (the dates
    are kept in order by the fold), so it costs the edges it passes, not the history;
    the result on the day before an edge depends on the records, not on today, and is
    kept in the memo.
    """
    today, memo = dated.at, dated.memo
    code = deadline.check.code
    asked: dt.date | None = memo.get((code, entered, today))  # asked again on the same day
    if asked is not None:
        return asked
    floor = entered if entered is not None and entered <= today else today
    one_day = dt.timedelta(days=1)
    judge = deadline.check.fn  # only pass or fail matters here, not the message
    probe = dated.on(today)  # the same records, judged on the day before an edge
    count = 4
    while asked is None:
        edges, every = _latest(deadline.edges, dated, today, count)
        before = None
        for edge in edges if every else edges[:count]:
            if edge == before:
                continue
            if edge <= floor:
                asked = floor
                break
            before = edge
            passed = memo.get((code, edge))
            if passed is None:
                probe.at = edge - one_day
                passed = memo[(code, edge)] = judge(probe, {})[0]
            if passed:
                asked = edge
                break
        else:
            if every:
                asked = floor
        count *= 8
    memo[(code, entered, today)] = asked
    return asked


def _latest(edges: tuple[TimeEdges, ...], view: RecordView, today: dt.date, count: int
            ) -> tuple[list[dt.date], bool]:
    """:meth:`TimeEdges.latest` over all time rules of a deadline."""
    if len(edges) == 1:
        return edges[0].latest(view, today, count)
    out: list[dt.date] = []
    every = True
    for e in edges:
        found, all_of_them = e.latest(view, today, count)
        out.extend(found)
        every = every and all_of_them
    out.sort(reverse=True)
    return out, every


def turning_days(ct: CompiledTemplate, view: RecordView, last_at: dt.datetime | None,
                 code: str) -> list[dt.date]:
    """The days on which the result of deadline ``code``'s rule can change for these
    records, in order (the rule is constant from one to the next): where to look when
    asking whether, and when, it can become due (the testing tools ask)."""
    found = next((d for d in deadlines_of(ct) if d.check.code == code), None)
    if found is None:
        raise KeyError(code)
    dated = _Dated(view, dt.date.max, last_at, {})
    return sorted({d for e in found.edges for d in e(dated, dt.date.max)})
