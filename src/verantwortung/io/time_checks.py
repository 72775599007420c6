"""Static checks of time rules and deadlines, located at the YAML that caused them.

Kept apart from :mod:`verantwortung.io.checks` (which calls in here) so both stay small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import did_you_mean
from ..model.document import CheckSpec
from ..model.rules import ANY_EVENT, ParamRef, SinceRule, UntilRule

if TYPE_CHECKING:
    from .checks import Loc, _Checker

__all__ = ["check_deadlines", "check_time_rule"]


def check_time_rule(checker: _Checker, rule: SinceRule | UntilRule, loc: Loc, key: str) -> None:
    """A time rule reads a known collection's date field, and numbers for its bounds.

    ``key`` is the rule's kind, ``since`` or ``until``: where its source is written.
    """
    source = rule.source
    for which, value in (("min", rule.min), ("max", rule.max)):
        if isinstance(value, ParamRef):
            checker.param(value, (*loc, which))
    if source == ANY_EVENT:
        if key == "until":
            checker.report((*loc, key), "E205", "'*' (the latest event) is only for 'since'; "
                           "'until' needs a collection with a date field")
        return
    coll = checker.collections.get(source)
    if coll is None:
        names = ", ".join(sorted(checker.collections))
        checker.report((*loc, key), "E205", f"unknown collection {source!r}"
                       f"{did_you_mean(source, checker.collections)}; collections are "
                       f"{names}, or '*' for the latest event")
        return
    checker.count(source, rule.where, loc)
    field = coll.fields.get(rule.field)
    floc = (*loc, "field") if "field" in rule.model_fields_set else (*loc, key)
    if field is None:
        checker.report(floc, "E206", f"collection {source!r} has no field {rule.field!r}"
                       f"{did_you_mean(rule.field, coll.fields)}; its date fields are "
                       f"{_dates(coll.fields)}")
    elif field.type != "date":
        checker.report(floc, "E212", f"field {rule.field!r} of {source!r} is {field.type}, "
                       f"not a date; its date fields are {_dates(coll.fields)}")
    # a phase entry also keeps the payload of the trigger that entered the phase
    known = set(coll.fields) | ({n for t in checker.doc.triggers.values() for n in t.payload}
                                if source == "phases_entered" else set())
    if rule.unset is not None and rule.unset not in known:
        checker.report((*loc, "unset"), "E206", f"collection {source!r} has no field "
                       f"{rule.unset!r}{did_you_mean(rule.unset, known)}")


def _dates(fields: Any) -> str:
    return ", ".join(sorted(n for n, f in fields.items() if f.type == "date")) or "none"


def check_deadlines(checker: _Checker) -> None:
    """Each deadline applies in known, non-final phases; its rule and message are checked."""
    doc = checker.doc
    for code, deadline in doc.deadlines.items():
        loc: Loc = ("deadlines", code)
        for i, ref in enumerate(deadline.phases):
            checker.phase_ref(ref, (*loc, "phases", i), source=True)
            if ref in checker.finals:
                checker.report((*loc, "phases", i), "E310", f"deadline {code!r} in final "
                               f"phase {ref!r}: nothing is due once a process has ended")
    specs = {code: CheckSpec(rule=d.rule, message=d.message) for code, d in doc.deadlines.items()}
    checker.checks(specs, ("deadlines",), {})
