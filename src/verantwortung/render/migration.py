"""What changes for a region when its process moves to a newer template version.

Derived from the two templates, the plan between them and the dry run's judgement of
the region's own process: parameter values that change, events that are renamed or no
longer kept, the phase the region will be in, and every next step the new version
refuses, with the new version's own message. In German and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..model.plan import follow
from ..model.specs import Text
from ..model.template import ProcessTemplate
from ..store.migrate_templates import MigrationCheck

__all__ = ["Line", "what_changes"]


class Line(NamedTuple):
    """One sentence of the summary, in German and English."""

    de: str
    en: str


def _label(tpl: ProcessTemplate, kind: str) -> Text:
    """The label of a trigger or event of ``tpl`` (its id when there is none)."""
    for trig in tpl.triggers:
        if trig.id == kind:
            return trig.label
    for ev in tpl.events:
        if ev.id == kind:
            return ev.spec.label
    return Text(de=kind, en=kind)


def _phase(tpl: ProcessTemplate, phase: str) -> Text:
    return next((p.label for p in tpl.phases if p.id == phase), Text(de=phase, en=phase))


def what_changes(check: MigrationCheck, to: ProcessTemplate) -> list[Line]:
    """The summary for the region of ``check`` (a dry-run result) moving to ``to``."""
    v, old = to.version, check.old
    if old is None:
        return [Line(f"Ihr Prozess lässt sich nicht lesen: {check.unmapped}",
                     f"Your process cannot be read: {check.unmapped}")]
    was = old.template
    plan = to.plan_from(was.id, was.version)
    if plan is None or check.new is None:
        return [Line(f"Version {v} kann Ihren Prozess nicht übernehmen: {check.unmapped}",
                     f"Version {v} cannot take over your process: {check.unmapped}")]
    lines = _template_lines(was, to, plan.events, plan.drop, old.template.values,
                            check.new.template.values, plan.parameters)
    if check.phase_after != check.phase_before and check.phase_after is not None:
        a, b = _phase(was, check.phase_before), _phase(to, check.phase_after)
        lines.append(Line(f"Ihre Region ist dann in der Phase „{b.get('de')}“ (bisher "
                          f"„{a.get('de')}“).", f"Your region will then be in the phase "
                          f"“{b.get('en')}” (was “{a.get('en')}”)."))
    for refused in check.refused:
        for r in refused.reasons:
            lines.append(Line(f"„{refused.label_de}“ ist dann nicht möglich: {r.message_de}",
                              f"“{refused.label_en}” is then not possible: {r.message_en}"))
    for r in check.violations:
        lines.append(Line(f"Nicht mehr erfüllt: {r.message_de}",
                          f"No longer met: {r.message_en}"))
    for d in check.newly_due:
        lines.append(Line(f"Dann fällig: {d.label_de}. {d.message_de}",
                          f"Then due: {d.label_en}. {d.message_en}"))
    return lines


def _template_lines(was: ProcessTemplate, to: ProcessTemplate, events: dict[str, str],
                    drop: list[str], old_values: Mapping[str, Any],
                    new_values: Mapping[str, Any], renamed: dict[str, str | None]
                    ) -> list[Line]:
    """What changes between the templates themselves, for this region's values."""
    v = to.version
    lines = []
    back = {follow({k: n for k, n in renamed.items() if n}, k): k for k in old_values}
    for name, spec in to.parameters.items():
        source = back.get(name, name)
        if source in old_values and new_values.get(name) != old_values[source]:
            label = spec.label or Text(de=name, en=name)
            lines.append(Line(
                f"Ab Version {v} gilt „{label.get('de')}“: {new_values.get(name)} (bisher "
                f"{old_values[source]}).", f"From version {v} on, “{label.get('en')}” is "
                f"{new_values.get(name)} (was {old_values[source]})."))
    for kind in events:
        a, b = _label(was, kind), _label(to, follow(events, kind))
        lines.append(Line(f"„{a.get('de')}“ heißt ab Version {v} „{b.get('de')}“.",
                          f"“{a.get('en')}” is called “{b.get('en')}” from version {v} on."))
    for kind in drop:
        a = _label(was, kind)
        lines.append(Line(f"„{a.get('de')}“ wird ab Version {v} nicht mehr geführt; die "
                          "Einträge bleiben in der Historie.",
                          f"“{a.get('en')}” is no longer kept from version {v} on; the "
                          "entries stay in the history."))
    return lines
