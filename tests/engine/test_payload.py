"""Payload validation: normalised values, defaults, and one reason per bad field."""

from __future__ import annotations

from verantwortung.engine.payload import PayloadValidator
from verantwortung.model.specs import FieldSpec

FIELDS = {
    "kind": FieldSpec(type="choice", values=["kickoff", "milestone"]),
    "date": FieldSpec(type="date"),
    "seats": FieldSpec(type="int", min=0, max=500, required=False),
    "public": FieldSpec(type="bool", required=False, default=True),
}
CHECK = PayloadValidator("event_scheduled", FIELDS)


def test_valid_payload_is_normalised() -> None:
    """Dates become ISO text and defaults are filled in."""
    data, reasons = CHECK({"kind": "kickoff", "date": "2014-05-05"})
    assert ({"kind": "kickoff", "date": "2014-05-05", "public": True}, []) == (data, reasons)


def test_every_bad_field_is_its_own_reason() -> None:
    """Three problems give three invalid_payload reasons naming their fields."""
    _, reasons = CHECK({"kind": "party", "date": "2014-02-30", "seats": 900})
    assert ["date", "kind", "seats"] == sorted(r.seen["field"] for r in reasons)
    assert {"invalid_payload"} == {r.code for r in reasons}


def test_strict_types() -> None:
    """Numbers are not texts and texts are not numbers: no silent coercion."""
    _, reasons = CHECK({"kind": "kickoff", "date": "2014-05-05", "seats": "12"})
    assert ["seats"] == [r.seen["field"] for r in reasons]


def test_not_a_mapping() -> None:
    """A payload that is not a mapping is refused with a clear message."""
    _, [reason] = CHECK(["kickoff"])  # type: ignore[arg-type]
    assert "must be a mapping" in reason.message_en


def test_validators_with_the_same_fields_share_one_pydantic_adapter() -> None:
    """Two triggers with equal payload fields reuse one adapter."""
    fields = {"reason": FieldSpec(type="text")}
    a, b = PayloadValidator("abort", fields), PayloadValidator("stop", fields)
    assert a._adapter is b._adapter
    assert ["Begründung fehlt."] == [r.message_de for r in b({})[1]]


def test_the_pydantic_validator_is_built_by_the_first_payload_that_needs_it() -> None:
    """A new validator builds no TypeAdapter; an empty payload without required fields
    needs none; the first real payload builds it, and gives what a built one gives."""
    check = PayloadValidator("event_scheduled", FIELDS)
    assert "_adapter" not in vars(check)
    optional = PayloadValidator("note", {"text": FieldSpec(type="text", required=False)})
    assert ({}, []) == optional(None)
    assert "_adapter" not in vars(optional)
    assert ({"kind": "kickoff", "date": "2014-05-05", "public": True}, []) == check(
        {"kind": "kickoff", "date": "2014-05-05"})
    assert "_adapter" in vars(check)
