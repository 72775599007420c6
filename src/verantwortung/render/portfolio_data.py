"""The figures of a portfolio of processes on one date: a row per process, and a summary.

A row says where a region stands on the date: its phase and since when, its last
activity, what is due, what blocks its next phase step (by reason code, from
``options()``) and its template's indicators. The summary counts processes per
phase and per blocking reason, gives the median and spread of how long each phase
took, and adds up the indicators. Everything is a pure function of the processes
and the date, so the figures of a reporting date are reproducible.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine.deadlines import Due
from ..engine.inputs import timestamp
from ..model.indicators import Indicator
from .graph import needs_input
from .handbook import rule_sentences

if TYPE_CHECKING:
    from ..engine.process import Process

__all__ = ["Blocker", "Duration", "Portfolio", "PortfolioRow", "Total", "build_portfolio",
           "report_date"]


@dataclass(frozen=True, slots=True)
class Blocker:
    """A reason that keeps a forward phase step from being taken."""

    code: str
    trigger: str
    message_de: str
    message_en: str


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    """One process on the date of the portfolio."""

    process_id: str
    region: str
    template: str
    template_version: str
    template_title: tuple[str, str]
    phase: str
    phase_label: tuple[str, str]
    final: bool
    phase_since: dt.date
    days_in_phase: int
    last_activity: dt.date
    events: int
    due: tuple[Due, ...]
    blockers: tuple[Blocker, ...]
    stuck: bool  # no forward phase step can be taken (input aside)
    indicators: tuple[Indicator, ...]
    durations: tuple[tuple[str, int], ...]  # (phase, days) of every phase left


@dataclass(frozen=True, slots=True)
class Duration:
    """How many days a phase took, over the processes that left it."""

    phase: str
    label: tuple[str, str]
    count: int
    median: float
    low: int
    high: int
    quartiles: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Total:
    """An indicator added up over the processes that have it."""

    code: str
    label: tuple[str, str]
    processes: int
    total: int
    parts: tuple[tuple[str, tuple[str, str], int], ...] = ()  # (value, labels, number)


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Rows and summary of a portfolio on ``at``."""

    at: dt.datetime
    rows: tuple[PortfolioRow, ...]
    phases: tuple[tuple[str, tuple[str, str], int], ...]  # (phase, labels, processes)
    blockers: tuple[tuple[str, tuple[str, str], int], ...]  # (code, rule labels, regions)
    durations: tuple[Duration, ...]
    totals: tuple[Total, ...]


def report_date(at: dt.datetime | dt.date | str | None) -> dt.datetime:
    """The moment figures are taken at: now, a timestamp, or the end of a given day."""
    if at is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(at, str) and len(at.strip()) == 10:
        at = dt.date.fromisoformat(at.strip())
    if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
        return dt.datetime.combine(at, dt.time.max, tzinfo=dt.UTC)
    return timestamp(at)


def _entered(proc: Process, started: dt.datetime | None) -> list[tuple[str, dt.datetime]]:
    """Each phase the process entered, with when: the initial phase at its start."""
    out = [(proc.template.initial_phase.id, started or proc.history[0].at)]
    for rec in proc.records("phases_entered"):
        out.append((str(rec["phase"]), dt.datetime.fromisoformat(str(rec["at"]))))
    return out


def _blockers(proc: Process, at: dt.datetime) -> tuple[tuple[Blocker, ...], bool]:
    if proc.is_final:
        return (), False
    anytime = {t.id for t in proc.template.triggers if t.any_source}
    forward = [o for o in proc.options(events=False, at=at)
               if o.kind == "trigger" and o.target is not None and o.name not in anytime]
    found: dict[str, Blocker] = {}
    for o in forward:
        if o.allowed:
            continue
        for r in o.reasons:
            if not needs_input(r) and r.code not in found:
                found[r.code] = Blocker(r.code, o.name, r.message("de"), r.message("en"))
    return tuple(found.values()), bool(forward) and not any(o.allowed for o in forward)


def _row(proc: Process, at: dt.datetime, started: dt.datetime | None) -> PortfolioRow:
    tpl = proc.template
    entered = _entered(proc, started)
    phase = tpl.phase(proc.phase)
    since = entered[-1][1]
    durations = tuple((a[0], (b[1].date() - a[1].date()).days)
                      for a, b in itertools.pairwise(entered))
    blockers, stuck = _blockers(proc, at)
    last = proc.events_since(proc.version - 1)[-1].at
    return PortfolioRow(
        process_id=proc.id, region=proc.region, template=tpl.id,
        template_version=tpl.version,
        template_title=(tpl.title.get("de"), tpl.title.get("en")), phase=proc.phase,
        phase_label=(phase.label.get("de"), phase.label.get("en")), final=phase.final,
        phase_since=since.date(), days_in_phase=max(0, (at.date() - since.date()).days),
        last_activity=last.date(), events=proc.version, due=proc.due(at=at),
        blockers=blockers, stuck=stuck, indicators=proc.indicators(), durations=durations)


def _phase_counts(rows: Iterable[PortfolioRow], labels: dict[str, tuple[str, str]],
                  order: dict[str, int]) -> tuple[tuple[str, tuple[str, str], int], ...]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.phase] = counts.get(r.phase, 0) + 1
    return tuple((p, labels[p], n) for p, n in sorted(counts.items(),
                                                       key=lambda kv: order[kv[0]]))


def _durations(rows: Iterable[PortfolioRow], labels: dict[str, tuple[str, str]],
               order: dict[str, int]) -> tuple[Duration, ...]:
    days: dict[str, list[int]] = {}
    for r in rows:
        for phase, n in r.durations:
            days.setdefault(phase, []).append(n)
    out = []
    for phase in sorted(days, key=lambda p: order.get(p, len(order))):
        values = sorted(days[phase])
        q = (statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1
             else [float(values[0])] * 3)
        out.append(Duration(phase, labels.get(phase, (phase, phase)), len(values),
                            float(statistics.median(values)), values[0], values[-1],
                            (q[0], q[2])))
    return tuple(out)


def _totals(rows: Iterable[PortfolioRow]) -> tuple[Total, ...]:
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        for ind in r.indicators:
            t = found.setdefault(ind.code, {"label": (ind.label_de, ind.label_en), "n": 0,
                                            "total": 0, "parts": {}})
            t["n"] += 1
            t["total"] += ind.total
            if isinstance(ind.value, dict):
                parts = t["parts"]
                for key, number in ind.value.items():
                    before = parts.get(key)
                    if before is None:
                        labels = (ind.part_label(key, "de"), ind.part_label(key, "en"))
                        parts[key] = (labels, int(number))
                    else:
                        parts[key] = (before[0], before[1] + int(number))
    return tuple(Total(code, t["label"], t["n"], t["total"],
                       tuple((k, lab, n) for k, (lab, n) in t["parts"].items()))
                 for code, t in found.items())


def build_portfolio(processes: Iterable[Process],
                    at: dt.datetime | dt.date | str | None = None, *,
                    started: Mapping[str, dt.datetime] | None = None) -> Portfolio:
    """The rows and summary of ``processes`` on ``at`` (default now; a date: its end).

    Each process is taken as it is: to see a store as of an earlier date, pass the
    processes replayed up to that date (``verantwortung portfolio --at``). ``started``
    may give when each process (by id) started, so a process restored with a lazy
    history does not read it for that.
    """
    when = report_date(at)
    procs = sorted(processes, key=lambda p: (p.region, p.id))
    rows = tuple(_row(p, when, (started or {}).get(p.id)) for p in procs)
    labels: dict[str, tuple[str, str]] = {}
    order: dict[str, int] = {}
    rules: dict[str, tuple[str, str]] = {}
    for p in procs:
        tpl = p.template
        for ph in tpl.phases:
            labels.setdefault(ph.id, (ph.label.get("de"), ph.label.get("en")))
            order.setdefault(ph.id, len(order))
    for tpl in {id(p.template): p.template for p in procs}.values():
        de, en = rule_sentences(tpl, "de"), rule_sentences(tpl, "en")
        for code in de:
            rules.setdefault(code, (de[code], en[code]))
    blocked: dict[str, int] = {}
    for r in rows:
        for b in r.blockers:
            blocked[b.code] = blocked.get(b.code, 0) + 1
            rules.setdefault(b.code, (b.message_de, b.message_en))
    blockers = tuple((code, rules[code], n) for code, n in sorted(
        blocked.items(), key=lambda kv: (-kv[1], kv[0])))
    return Portfolio(at=when, rows=rows, phases=_phase_counts(rows, labels, order),
                     blockers=blockers, durations=_durations(rows, labels, order),
                     totals=_totals(rows))
