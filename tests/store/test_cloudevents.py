"""CloudEvents of the library's own events: labels and payload schemas."""

from __future__ import annotations

import pytest

import verantwortung as v
from verantwortung.store.cloudevents import event_schemas, kind_label

TPL = v.load_template("verantwortungspartner")


@pytest.mark.parametrize(("kind", "en", "required"), [
    ("event_corrected", "Event corrected", ["event", "reason", "payload"]),
    ("event_retracted", "Event retracted", ["event", "reason"]),
    ("person_erased", "Personal data erased", ["person", "collection", "fields", "reason"])])
def test_library_events_have_labels_and_schemas(kind: str, en: str,
                                                required: list[str]) -> None:
    """Corrections and erasure are labelled and described like the template's events."""
    assert en == kind_label(TPL, kind)["en"]
    schema = event_schemas(TPL)[f"verantwortung.{kind}"]
    payload = schema["properties"]["data"]["properties"]["payload"]
    assert required == payload["required"]
