"""What exploring a template found, as findings located at the template.

Kept apart from :mod:`verantwortung.testing.explore` (which calls in here) so both stay
small: the phases, guards, deadlines and transitions exploration could not cover.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ..exceptions import Diagnostic
from ..model.rules import CountRule, ParamRef
from ..model.template import Check, ProcessTemplate, SourceRef

if TYPE_CHECKING:
    from .explore import Exploration

__all__ = ["finding", "findings", "guards_to_check"]


def guards_to_check(tpl: ProcessTemplate) -> dict[tuple[str, str], Check]:
    """The guards to pass and refuse; not those the parameter values switch off."""
    out: dict[tuple[str, str], Check] = {}
    for t in tpl.transitions:
        for g in t.guards:
            if not _switched_off(g, tpl):
                out.setdefault((t.trigger, g.code), g)
    for ev in tpl.events:
        for g in ev.guards:
            if not _switched_off(g, tpl):
                out.setdefault((ev.id, g.code), g)
    return out


def _switched_off(guard: Check, tpl: ProcessTemplate) -> bool:
    """A count with a parameter minimum of 0 and no maximum always holds: a region's
    choice that is off (``themes_selected_before_kickoff: 0``), not a guard that fails to
    refuse by mistake."""
    rule = guard.spec.rule
    if not isinstance(rule, CountRule) or rule.max is not None \
            or not isinstance(rule.min, ParamRef):
        return False
    return bool(tpl.values.get(rule.min.param) == 0)


def finding(source: SourceRef | None, fallback: str, code: str, message: str,
             severity: str = "error") -> Diagnostic:
    """A finding at ``source``, or at the top of ``fallback`` (the template's file)."""
    path, line, col = (source.path, source.line, source.column) if source else (fallback, 1, 1)
    return Diagnostic(path, line, col, code, message,
                      "warning" if severity == "warning" else "error")


def findings(result: Exploration) -> None:
    """Add to ``result.findings`` what exploring could not cover (C001-C006, W401, W403)."""
    tpl = result.template
    fallback = tpl.files[0] if tpl.files else tpl.id
    _phase_findings(result, fallback)
    _guard_findings(result, fallback)
    _deadline_findings(result, fallback)
    _transition_findings(result, fallback)


def _phase_findings(result: Exploration, fallback: str) -> None:
    """Phases no story with data reaches (C001), and traps among those reached (C003)."""
    tpl = result.template
    reachable_statically = _static_reach(tpl)
    for p in tpl.phases:
        if p.id not in result.reach and p.id in reachable_statically:
            result.findings.append(finding(
                p.source, fallback, "C001", f"phase {p.id!r} is reachable in the graph, but no "
                "sequence of allowed events with data leads there"))
    for p in tpl.phases:
        if p.id in result.reach and not p.final and not any(
                s == p.id for _, s in result.taken):
            result.findings.append(finding(
                p.source, fallback, "C003", f"phase {p.id!r} is a trap: it is reached, but "
                "no transition out of it can ever pass"))


def _guard_findings(result: Exploration, fallback: str) -> None:
    """Guards that never pass (C002), and those that never refuse (W401)."""
    for (trigger, code), guard in guards_to_check(result.template).items():
        if (trigger, code) not in result.guards_passed:
            result.findings.append(finding(
                guard.source, fallback, "C002", f"guard {code!r} of {trigger!r} can never pass: "
                "no sequence of allowed events satisfies it"))
        elif (trigger, code, "") not in result.refusals:
            result.findings.append(finding(
                guard.source, fallback, "W401", f"guard {code!r} of {trigger!r} never refuses "
                "in exploration: it may always hold", "warning"))


def _deadline_findings(result: Exploration, fallback: str) -> None:
    """Deadlines that never become due (C006), or once due are never cleared (W403)."""
    for d in result.template.deadlines:
        found = result.deadlines.get(d.code)
        if found is not None and found.due is None:
            result.findings.append(finding(
                d.source, fallback, "C006", f"deadline {d.code!r} never becomes due: no story "
                "into its phases and no date makes its rule fail"))
        elif found is not None and (found.cleared_by is None or found.ends):
            result.findings.append(finding(
                d.source, fallback, "W403", f"deadline {d.code!r}, once due, is cleared by no "
                "step that keeps the process running, nor by time passing", "warning"))


def _transition_findings(result: Exploration, fallback: str) -> None:
    """Declared transitions that no story with data takes (C005)."""
    for (trigger, _origin), ts in result.declared.items():
        if not any((t.trigger, t.source) in result.taken for t in ts) and all(
                t.source in result.reach for t in ts[:1]):
            result.findings.append(finding(
                ts[0].origin, fallback, "C005", f"transition {trigger!r} from "
                f"{', '.join(t.source for t in ts)} is never taken with any data found"))


def _static_reach(tpl: ProcessTemplate) -> set[str]:
    seen = {tpl.initial_phase.id}
    queue = deque(seen)
    while queue:
        phase = queue.popleft()
        for t in tpl.transitions:
            if t.source == phase and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return seen
