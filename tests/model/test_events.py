"""The payload fields of a domain event, from what it does to which collection."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import verantwortung as v
from verantwortung.model.events import collection_fields, event_fields, key_field
from verantwortung.model.specs import EventSpec, FieldSpec, TriggerSpec

TPL = v.load_template("verantwortungspartner")
COLLECTIONS = TPL.collections
TRIGGERS = TPL.document.triggers


def _fields(**spec: object) -> dict[str, FieldSpec]:
    return event_fields(EventSpec.model_validate({"label": {"de": "x"}, **spec}),
                        COLLECTIONS, TRIGGERS)


def test_an_update_keeps_optional_fields_optional() -> None:
    """status (it has a default) must be given; to (optional) may be left out."""
    fields = _fields(updates="projects", key="project", fields=["status", "to"])
    assert (True, True, False) == (fields["project"].required, fields["status"].required,
                                   fields["to"].required)
    assert ("ref", "projects") == (fields["project"].type, fields["project"].to)


def test_an_update_of_one_field_needs_it() -> None:
    """An update that names only an optional field must still change something."""
    assert _fields(updates="projects", key="project", fields=["team"])["team"].required


def test_a_removal_takes_the_key_and_its_own_payload() -> None:
    """removes: circle, key: partner -> the circle's partner field, plus the event's payload."""
    fields = _fields(removes="circle", key="partner",
                     payload={"reason": {"type": "text", "required": False}})
    assert ["partner", "reason"] == list(fields)
    assert ("ref", "partners", False) == (fields["partner"].type, fields["partner"].to,
                                          fields["partner"].unique)


def test_phases_entered_holds_the_payload_of_phase_triggers() -> None:
    """The records of phases_entered have the builtin fields and the triggers' payloads."""
    fields = collection_fields("phases_entered", COLLECTIONS, TRIGGERS)
    assert fields is not None
    assert {"phase", "series", "index", "at", "attendance", "attendees", "minutes",
            "results", "summary", "reason"} == set(fields)
    assert None is collection_fields("nowhere", COLLECTIONS, TRIGGERS)


def test_a_record_without_ids_is_found_by_a_field_of_its_own() -> None:
    """key_field: a ref to the id where there are ids, else the named field (or None)."""
    partners = COLLECTIONS["partners"].fields
    assert FieldSpec(type="ref", to="partners") == key_field("partners", "partner", partners)
    assert None is key_field("circle", "member", COLLECTIONS["circle"].fields)


@pytest.mark.parametrize("spec", [
    {"adds": "circle", "removes": "circle", "key": "partner"},
    {"removes": "circle"},
    {"removes": "circle", "key": "partner", "fields": ["speaker"]},
    {"key": "partner"},
])
def test_an_event_does_one_thing_and_says_with_what(spec: dict[str, object]) -> None:
    """adds, updates and removes exclude each other; removes needs a key, not fields."""
    with pytest.raises(ValidationError):
        EventSpec.model_validate({"label": {"de": "x"}, **spec})


def test_trigger_payloads_are_shared_in_order() -> None:
    """A field two triggers declare comes from the first one."""
    triggers = {"a": TriggerSpec.model_validate(
        {"label": {"de": "a"}, "from": "x", "to": "y", "payload": {"n": {"type": "int"}}}),
        "b": TriggerSpec.model_validate(
        {"label": {"de": "b"}, "from": "x", "to": "y", "payload": {"n": {"type": "text"}}})}
    fields = collection_fields("phases_entered", {}, triggers)
    assert fields is not None
    assert "int" == fields["n"].type
