"""Stored processes of the bundled template in many phases, for migration tests."""

from __future__ import annotations

from typing import Any

import verantwortung as v

# how far each story goes: the phase it ends in, and the companies in its circle
STORIES: dict[str, tuple[str, int]] = {
    "Altmark": ("preparation", 5),  # ready for the kick-off under 1.0, not under 1.1
    "Bördeland": ("preparation", 6),
    "Calau": ("kickoff", 6),
    "Dahme": ("milestone_1", 6),
    "Elbe-Elster": ("milestone_3", 5),  # its kick-off had five: an invariant of 1.1 breaks
    "Fläming": ("closing", 6),
    "Görlitz": ("consolidation", 6),
    "Harz": ("aborted", 5),
}

_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("facilitator_assigned", {"name": "Anna Schmidt"}),
    ("logistics_clarified", {"host": "IHK"}),
    ("theme_proposed", {"id": "t1", "title": "Fachkräfte"}),
    ("theme_selected", {"theme": "t1"}),
    ("note_added", {"text": "Erstes Treffen im Rathaus"}),
    ("hold_kickoff", {}),
    ("hold_milestone", {}),
    ("vision_set", {"text": "Eine Region, die ausbildet"}),
    ("goal_added", {"id": "g1", "text": "20 Lehrstellen"}),
    ("team_formed", {"id": "tm1", "name": "Ausbildung", "members": ["p0"]}),
    ("project_added", {"id": "pr1", "title": "Lehrstellenbörse", "team": "tm1"}),
    ("hold_milestone", {}),
    ("hold_milestone", {}),
    ("hold_closing", {}),
    ("consolidation_chosen", {"form": "association"}),
    ("consolidate", {}),
]


def story(tpl: v.ProcessTemplate, region: str, phase: str, companies: int) -> v.Process:
    """A process of ``tpl`` in ``region``, told until it reaches ``phase``."""
    proc = v.Process.start(tpl, region=region, at="2013-01-07")
    for i in range(companies):
        proc.fire("partner_added", payload={"id": f"p{i}", "name": f"Firma {i}",
                                            "kind": "company"})
        proc.fire("circle_member_joined", payload={"partner": f"p{i}"})
    if phase == "aborted":
        proc.fire("abort", payload={"reason": "Kein Träger gefunden"})
        return proc
    for name, payload in _STEPS:
        # a region in preparation has done all it can before the kick-off
        if proc.phase == phase and (phase != "preparation" or name == "hold_kickoff"):
            break
        proc.fire(name, payload=payload)
    assert phase == proc.phase
    return proc


def stored_regions(store: v.EventStore, tpl: v.ProcessTemplate) -> dict[str, str]:
    """Every story of :data:`STORIES` stored; region -> process id."""
    ids = {}
    for region, (phase, companies) in STORIES.items():
        proc = story(tpl, region, phase, companies)
        store.add(proc)
        ids[region] = proc.id
    return ids
