"""How far a template keeps to the shape of the Verantwortungspartner method: warnings only.

The method opens with a public kick-off, develops projects in three to five milestone
meetings, presents them at a closing event and ends in consolidation. A template may
depart from that (a region's choice); the warnings say where it does, for a template
that opts in with ``conforms_to: verantwortungspartner``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model.rules import ParamRef
from ..model.template import ProcessTemplate

__all__ = ["check_method"]

Loc = tuple[str | int, ...]


def check_method(tpl: ProcessTemplate, say: Callable[[Loc, str, str], None]) -> None:
    """Warn (W301–W304) where the phase model departs from the method's shape.

    Only for a template that says it keeps that shape (``conforms_to:
    verantwortungspartner``, as the bundled templates do and their variants inherit): a
    template of another process gets none of these warnings.
    """
    if tpl.conforms_to != "verantwortungspartner":
        return
    ids = {p.series or p.id for p in tpl.phases}
    if "kickoff" not in ids:
        say(("phases",), "W301", "the method opens with a public kick-off "
            "(Auftaktveranstaltung); this template has no 'kickoff' phase")
    if not tpl.series:
        say(("phases",), "W302", "the method develops projects in three to five milestone "
            "meetings; this template has no phase series for them")
    for found in tpl.series:
        pid, spec = found.id, found.declared
        lows: list[float] = []
        highs: list[float] = []
        for value, out in ((spec.min, lows), (spec.max, highs)):
            if isinstance(value, ParamRef):
                p = tpl.parameters[value.param]
                out.extend(v for v in (p.min, p.max, p.default) if isinstance(v, (int, float)))
            else:
                out.append(value)
        if min(lows, default=3) < 3 or max(highs, default=5) > 5:
            say(("phases", pid, "series"), "W302", f"series {pid!r} allows "
                f"{min(lows, default=3)} to {max(highs, default=5)} meetings; the method "
                "holds three to five milestone meetings")
    if "closing" not in ids:
        say(("phases",), "W303", "the method presents results at a closing event "
            "(Abschlussveranstaltung); this template has no 'closing' phase")
    if "consolidation" not in ids:
        say(("phases",), "W304", "the method ends in consolidation (Verstetigung); this "
            "template has no 'consolidation' phase")
