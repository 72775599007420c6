"""Random walks draw every decision: optional fields, references to any record, moves."""

from __future__ import annotations

from pathlib import Path

import verantwortung as v
from verantwortung.testing.planner import Planner
from verantwortung.testing.walk import random_payload

TPL = v.load_template(Path(__file__).parent / "check_templates" / "running_project_lead.yaml")


def _with_partners(planner: Planner) -> v.Process:
    proc = planner.start()
    for pid in ("p1", "p2", "p3"):
        proc.fire("partner_added", payload={"id": pid, "name": pid, "kind": "company"})
    return proc


def test_an_optional_reference_may_point_at_the_oldest_record() -> None:
    """With the optional field drawn in and the first index drawn, the lead is p1."""
    planner = Planner(TPL)
    proc = _with_partners(planner)
    fields = planner.ct.events["project_added"].fields
    payload = random_payload(planner, proc, fields, lambda n: 1 if n == 2 else 0)
    assert "p1" == (payload or {}).get("lead")


def test_an_optional_field_may_be_left_out() -> None:
    """Drawing 0 for "include it?" leaves the optional lead out."""
    planner = Planner(TPL)
    proc = _with_partners(planner)
    fields = planner.ct.events["project_added"].fields
    assert "lead" not in (random_payload(planner, proc, fields, lambda n: 0) or {})


def test_a_status_is_drawn_from_the_moves_of_the_record() -> None:
    """An update draws the record first, then a status its moves allow from there."""
    planner = Planner(TPL)
    proc = _with_partners(planner)
    proc.fire("project_added", payload={"id": "x", "title": "X"})
    ev = planner.ct.events["project_status_changed"]
    payload = random_payload(planner, proc, ev.fields, lambda n: n - 1, updating=ev)
    assert {"project": "x", "status": "dropped"} == payload
