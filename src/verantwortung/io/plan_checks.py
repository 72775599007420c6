"""Checks of the migration plans a template declares (``migrates_from:``).

What a plan maps *to* must exist in this template: phases (E501), events, triggers and
parameters (E502). Renames are followed as a chain, so a chain that returns to its
start can never end (E503). A plan from the template's own version, or a second plan
from one version, is refused (E504). Every problem is located at the entry that
causes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..exceptions import Diagnostic, did_you_mean
from ..model.template import ProcessTemplate
from .locate import Sources

__all__ = ["check_plans"]

Loc = tuple[str | int, ...]
Report = Callable[[Diagnostic], None]


def check_plans(tpl: ProcessTemplate, src: Sources, report: Report) -> None:
    """Report every problem of ``tpl``'s migration plans, located."""
    phases = [p.id for p in tpl.phases]
    kinds = [*(t.id for t in tpl.triggers), *(e.id for e in tpl.events)]
    seen: set[tuple[str, str]] = set()
    for i, plan in enumerate(tpl.migrations):
        base: Loc = ("migrates_from", i)
        origin = (plan.template or tpl.id, plan.version)
        if origin == (tpl.id, tpl.version) or origin in seen:
            said = (f"{origin[0]} {origin[1]} is this template's own version: a plan "
                    "takes over processes of an older one"
                    if origin == (tpl.id, tpl.version)
                    else f"a plan from {origin[0]} {origin[1]} is written above already")
            report(src.diagnostic((*base, "version"), "E504", said))
        seen.add(origin)
        _targets(plan.phases, phases, (*base, "phases"), "E501", "phase", src, report)
        _targets(plan.events, kinds, (*base, "events"), "E502", "event or trigger", src,
                 report)
        for old, parts in plan.split.items():
            for j, part in enumerate(parts):
                if part not in kinds:
                    report(src.diagnostic((*base, "split", old, j), "E502", f"{old} is split "
                                          f"into {part}, which is no event or trigger of this "
                                          f"template{did_you_mean(part, kinds)}"))
        params = {k: v for k, v in plan.parameters.items() if v is not None}
        _targets(params, list(tpl.parameters), (*base, "parameters"), "E502", "parameter",
                 src, report)
        for name, renames in (("phases", plan.phases), ("events", plan.events),
                              ("parameters", params)):
            _cycles(renames, (*base, name), src, report)
        for event, fields in plan.fields.items():
            _cycles(fields, (*base, "fields", event), src, report)


def _targets(renames: Mapping[str, str], known: list[str], loc: Loc, code: str,
             what: str, src: Sources, report: Report) -> None:
    """Each chain of renames must end at a known id."""
    for old, new in renames.items():
        end = _end(renames, old)
        if end is not None and new not in renames and end not in known:
            report(src.diagnostic((*loc, old), code, f"{old} maps onto {end}, which is "
                                  f"no {what} of this template{did_you_mean(end, known)}"))


def _end(renames: Mapping[str, str], name: str) -> str | None:
    """Where the chain from ``name`` ends (None when it runs in a cycle)."""
    seen = {name}
    while name in renames:
        name = renames[name]
        if name in seen:
            return None
        seen.add(name)
    return name


def _cycles(renames: Mapping[str, str], loc: Loc, src: Sources, report: Report) -> None:
    """One diagnostic per cycle, at the entry that closes it (in file order)."""
    told: set[str] = set()
    for start in renames:
        if start in told or _end(renames, start) is not None:
            continue
        chain, name = [start], renames[start]
        while name != start and name in renames and name not in chain:
            chain.append(name)
            name = renames[name]
        if name != start:
            continue  # leads into a cycle that is reported at its own start
        told.update(chain)
        shown = " -> ".join([*chain, start])
        report(src.diagnostic((*loc, chain[-1]), "E503",
                              f"the renames form a cycle ({shown}): a rename chain must "
                              "end at an id of this template"))
