"""Check a scenario's steps against its template before the first step runs.

A misspelt name in a scenario does not always fail when the story runs: ``do:
hold_kickof`` with ``expect: refused`` is refused (as ``unknown_trigger``) and so
"passes", and an unknown code in ``reasons:`` or an unknown phase in
``expect_phase:`` is found only when that step is reached. So every name a step
uses is looked up in the template first, and every miss is reported at once as
``path:line:col: CODE message``:

- ``do:`` must be a trigger or domain event (S001),
- the role in ``by:`` must be one of the template's roles (S002),
- the codes in ``reasons:`` and ``advisories:`` must be codes the process can give:
  the generic ones and every guard, advisory and invariant code (S003),
- ``expect_phase:`` must be a phase (S004),
- the keys of ``with:`` must be payload fields of that trigger or event (S005),
- a ``now:`` never goes back before the story's date, the latest ``at:`` or ``now:``
  before it (S006),
- the codes in ``expect_due:`` and ``expect_not_due:`` must be deadlines (S007).

A step that shows such a refusal on purpose says so: ``reasons: [unknown_trigger]``,
``[unknown_role]`` or ``[invalid_payload]`` lets the unknown trigger, role or
payload field through to the engine, which refuses it with that reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from ..engine import GENERIC, LIBRARY_FIELDS, compiled_template
from ..exceptions import Diagnostic, did_you_mean
from ..io.locate import Sources
from ..model.process import split_actor
from ..model.template import ProcessTemplate

if TYPE_CHECKING:
    from .scenario import Step

__all__ = ["check_steps", "known_codes", "moment"]

Loc = tuple[str | int, ...]


def known_codes(tpl: ProcessTemplate) -> frozenset[str]:
    """Every reason code a process of ``tpl`` can give: generic, guards, advisories, invariants."""
    checks = [*(c for t in tpl.transitions for c in (*t.guards, *t.advisories)),
              *(c for e in tpl.events for c in (*e.guards, *e.advisories)),
              *tpl.invariants]
    return frozenset(GENERIC) | {c.code for c in checks}


def _listed(kind: str, names: Iterable[str]) -> str:
    """``; phases are a, b, c`` (in the given order) for short lists, nothing for long ones."""
    shown = list(names)
    return f"; {kind} are {', '.join(shown)}" if 0 < len(shown) <= 15 else ""


class _StepChecker:
    """Looks up the names of one template; collects a diagnostic for every unknown one."""

    def __init__(self, tpl: ProcessTemplate, sources: Sources) -> None:
        ct = compiled_template(tpl)
        self.sources = sources
        self.fields: dict[str, Collection[str]] = {
            **{name: t.validate.fields for name, t in ct.triggers.items()},
            **{name: e.validate.fields for name, e in ct.events.items()},
            **LIBRARY_FIELDS}  # corrections and erasure, written by the library
        self.roles = sorted(tpl.roles)
        self.phases = [p.id for p in tpl.phases]
        self.codes = known_codes(tpl)
        self.deadlines = [d.code for d in tpl.deadlines]
        self.found: list[Diagnostic] = []
        self.last: tuple[dt.datetime, str] | None = None  # the story's latest date, and key

    def report(self, loc: Loc, code: str, message: str, *, key: bool = False) -> None:
        self.found.append(self.sources.diagnostic(loc, code, message, key=key))

    def step(self, loc: Loc, step: Step) -> None:
        if step.do is not None:
            self.do(loc, step)
        if step.by is not None:
            self.role(loc, step.by, step.reasons)
        self.reason_codes((*loc, "reasons"), "reason", step.reasons)
        self.reason_codes((*loc, "advisories"), "advisory", step.advisories)
        for key in ("expect_due", "expect_not_due"):
            for n, code in enumerate(getattr(step, key) or ()):
                if code not in self.deadlines:
                    self.report((*loc, key, n), "S007", f"unknown deadline {code!r}"
                                f"{did_you_mean(code, self.deadlines)}"
                                f"{_listed('deadlines', self.deadlines)}")
        self.dates(loc, step)
        if step.expect_phase is not None and step.expect_phase not in self.phases:
            self.report((*loc, "expect_phase"), "S004", f"unknown phase {step.expect_phase!r}"
                        f"{did_you_mean(step.expect_phase, self.phases)}"
                        f"{_listed('phases', self.phases)}")

    def dates(self, loc: Loc, step: Step) -> None:
        for key in ("at", "now"):
            value = getattr(step, key)
            if value is None:
                continue
            when = moment(value)
            # an 'at' before the story's date is a refusal a scenario may show on purpose
            # (event_out_of_order); a 'now' going back is a mistake in the story
            if key == "now" and self.last is not None and when < self.last[0]:
                self.report((*loc, key), "S006", f"{key}: {when:%Y-%m-%d} goes back before "
                            f"the story's date {self.last[0]:%Y-%m-%d} (the '{self.last[1]}' of "
                            "an earlier step); a story's dates never go backwards")
            elif self.last is None or when >= self.last[0]:
                self.last = (when, key)

    def reason_codes(self, loc: Loc, kind: str, codes: list[str]) -> None:
        for n, code in enumerate(codes):
            if code not in self.codes:
                self.report((*loc, n), "S003", f"unknown {kind} code {code!r}"
                            f"{did_you_mean(code, sorted(self.codes))}")

    def do(self, loc: Loc, step: Step) -> None:
        assert step.do is not None
        fields = self.fields.get(step.do)
        if fields is None:
            if "unknown_trigger" not in step.reasons:
                self.report((*loc, "do"), "S001", f"unknown trigger or event {step.do!r}"
                            f"{did_you_mean(step.do, self.fields)}")
            return
        if step.with_ is None or "invalid_payload" in step.reasons:
            return
        for key in (k for k in step.with_ if k not in fields):
            message = (f"unknown payload field {key!r} of {step.do!r}"
                       f"{did_you_mean(key, fields)}{_listed('its fields', fields)}"
                       if fields else f"unknown payload field {key!r}: {step.do!r} takes "
                       "no payload")
            self.report((*loc, "with", key), "S005", message, key=True)

    def role(self, loc: Loc, actor: str, reasons: Collection[str]) -> None:
        role = split_actor(actor).role
        if self.roles and role not in self.roles and "unknown_role" not in reasons:
            self.report((*loc, "by"), "S002", f"unknown role {role!r}"
                        f"{did_you_mean(role, self.roles)}{_listed('roles', self.roles)}")


def moment(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A step's date as a time (UTC when it has no zone)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)  # a real date: the step's model checked it
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def check_steps(steps: Iterable[tuple[int, Step]], tpl: ProcessTemplate,
                sources: Sources) -> list[Diagnostic]:
    """A located diagnostic for every unknown name in ``steps`` (0-based index, step)."""
    checker = _StepChecker(tpl, sources)
    for index, step in steps:
        checker.step(("steps", index), step)
    return checker.found

