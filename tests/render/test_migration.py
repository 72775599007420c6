"""The de/en summary of what changes for a region when its process moves."""

from __future__ import annotations

from pathlib import Path

import verantwortung as v
from verantwortung.render.migration import what_changes
from verantwortung.store.migrate_templates import check

EXAMPLE = Path(__file__).parents[2] / "examples" / "migration"
OLD = v.load_template(EXAMPLE / "kreis-1.0.yaml")
NEW = v.load_template(EXAMPLE / "kreis-1.1.yaml")


def _ready(firms: int) -> v.Process:
    proc = v.Process.start(OLD, region="Nord")
    for i in range(firms):
        proc.fire("member_joined", payload={"id": f"m{i}", "name": "F", "kind": "firm"})
    return proc


def test_the_summary_derives_from_both_templates_and_the_region() -> None:
    """Parameter, renames, dropped events and the next step refused, in German and English."""
    lines = what_changes(check(_ready(3), NEW), NEW)
    assert [
        "Ab Version 1.1 gilt „Mindestzahl Unternehmen“: 4 (bisher 3).",
        "„Mitglied aufgenommen“ heißt ab Version 1.1 „Partner aufgenommen“.",
        "„Notiz geschrieben“ heißt ab Version 1.1 „Notiz“.",
        "„Kaffee serviert“ wird ab Version 1.1 nicht mehr geführt; die Einträge bleiben in "
        "der Historie.",
        "Ihre Region ist dann in der Phase „Vorbereitung“ (bisher „Sammeln“).",
        "„Arbeit beginnen“ ist dann nicht möglich: Unternehmen im Kreis: 3, nötig: "
        "mindestens 4.",
    ] == [line.de for line in lines]
    assert ("“Start work” is then not possible: Companies in the circle: 3; needed: at "
            "least 4.") == lines[-1].en


def test_a_region_with_enough_companies_hears_only_what_the_templates_change() -> None:
    """No refusal line where the next step still passes."""
    lines = what_changes(check(_ready(4), NEW), NEW)
    assert not any("nicht möglich" in line.de for line in lines)


def test_a_process_without_a_plan_is_told_so() -> None:
    """A version the template has no plan from says that it cannot take the process over."""
    other = NEW.model_copy(update={"migrations": ()})
    (line,) = what_changes(check(_ready(1), other), other)
    assert line.de.startswith("Version 1.1 kann Ihren Prozess nicht übernehmen")
    assert "no migration plan" in line.en


def test_the_report_of_a_moved_process_names_the_move_and_the_old_events_by_new_labels(
        ) -> None:
    """The history shows the move (1.0 → 1.1) and old events under their new labels."""
    from verantwortung.engine.migration import migrate
    from verantwortung.render import report

    page = report(migrate(_ready(2), NEW), "de", graphviz=False)
    assert "Auf eine neue Vorlagenversion umgestellt" in page
    assert "1.0 → 1.1" in page
    assert "Partner aufgenommen" in page
    assert "member_joined" not in page
