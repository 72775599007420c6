"""Forms from payload fields: what a filled form sends is the payload it stands for."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.testing.strategies import payloads
from verantwortung.web.forms import form_fields, payload_fields, payload_from_form

TPL = v.load_template("verantwortungspartner")
NAMES = [t.id for t in TPL.triggers] + [e.id for e in TPL.events]


def _as_form(payload: dict[str, Any]) -> dict[str, list[str]]:
    """What a browser sends for a form filled with ``payload``."""
    form: dict[str, list[str]] = {}
    for key, value in payload.items():
        if isinstance(value, bool):
            if value:
                form[f"f.{key}"] = ["on"]
        elif isinstance(value, list):
            form[f"f.{key}"] = [str(x) for x in value]
        else:
            form[f"f.{key}"] = [str(value)]
    return form


def _expected(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    fields = payload_fields(TPL, name)
    out = {}
    for key, value in payload.items():
        if value is False and not fields[key].required:
            continue  # an unticked optional box sends nothing: the default holds
        out[key] = value.strip() if isinstance(value, str) else value
    return out


@given(data=st.data(), name=st.sampled_from(NAMES))
def test_a_filled_form_gives_back_its_payload(data: st.DataObject, name: str) -> None:
    """For every step and every valid payload, form data round-trips to that payload."""
    payload = data.draw(payloads(TPL, name))
    assert _expected(name, payload) == payload_from_form(TPL, name, _as_form(payload))


@pytest.mark.parametrize("name", NAMES)
def test_every_field_of_every_step_gets_a_labelled_input(name: str) -> None:
    """Each payload field becomes an input with a label and a known input kind."""
    proc = v.Process.start(TPL, region="X")
    fields = form_fields(proc, name, "de")
    assert list(payload_fields(TPL, name)) == [f.name for f in fields]
    assert all(f.label and f.input in {"text", "number", "date", "checkbox", "select",
                                       "multiselect"} for f in fields)


def test_a_number_that_is_no_number_reaches_the_engine_as_written() -> None:
    """'viele' in a number field is passed on, so the engine names the field at fault."""
    payload = payload_from_form(TPL, "hold_kickoff", {"f.attendance": ["viele"]})
    assert {"attendance": "viele"} == payload
    proc = v.Process.start(TPL, region="X")
    option = proc.can("hold_kickoff", payload=payload)
    assert "attendance" in [r.seen.get("field") for r in option.reasons]
