"""The template format's JSON Schema is shipped and equals the models'."""

from __future__ import annotations

import json
from pathlib import Path

import verantwortung as v
from verantwortung._api import template_schema_json

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "verantwortung" / "template.schema.json"


def test_shipped_schema_equals_the_models() -> None:
    """src/verantwortung/template.schema.json is exactly what the models produce."""
    assert template_schema_json() == SHIPPED.read_text(encoding="utf-8")


def test_schema_describes_the_top_level_keys() -> None:
    """The schema lists the sections a template has, with aliases like 'from'."""
    schema = v.template_schema()
    assert {"id", "version", "title", "phases", "triggers", "events", "extends"} <= set(
        schema["properties"])
    assert "from" in json.dumps(schema["$defs"]["TransitionSpec"])
    assert ["id", "phases", "title", "version"] == sorted(schema["required"])
