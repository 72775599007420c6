"""Indicator specs and values: one measure each, read-only values, the 2.0 draft block."""

from __future__ import annotations

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from tests.conftest import ROOT
from verantwortung.model.document import IndicatorSpec
from verantwortung.model.indicators import Indicator
from verantwortung.model.process import freeze

DRAFT = ROOT / "process_templates" / "indicators-2.0.yaml.txt"


def test_the_draft_for_the_bundled_template_is_a_valid_indicators_block() -> None:
    """Every entry of the proposed 2.0 block is a well-formed indicator with both labels."""
    block = yaml.safe_load(DRAFT.read_text(encoding="utf-8"))["indicators"]
    specs = TypeAdapter(dict[str, IndicatorSpec]).validate_python(block)
    assert len(specs) >= 15
    assert all(s.label.de and s.label.en for s in specs.values())
    assert "spread" in DRAFT.read_text(encoding="utf-8")


@pytest.mark.parametrize("data", [
    {"label": {"de": "A", "en": "A"}},
    {"label": {"de": "A", "en": "A"}, "count": "x", "distinct": "x", "field": "f"},
    {"label": {"de": "A", "en": "A"}, "sum": "x"},
    {"label": {"de": "A", "en": "A"}, "count": "x", "spread": {"field": "m.k", "min": 0}},
])
def test_a_spec_has_exactly_one_measure_and_what_it_needs(data: dict[str, object]) -> None:
    """No measure, two measures, a sum without field, a spread of less than one: refused."""
    with pytest.raises(ValidationError):
        IndicatorSpec.model_validate(data)


def test_a_value_is_immutable_and_knows_its_total() -> None:
    """A frozen indicator; a breakdown's total is the sum of its parts."""
    ind = Indicator("k", "Art", "Kind", "count", freeze({"a": 2, "b": 3}),
                    freeze({"a": {"de": "Ä", "en": "A"}}))
    with pytest.raises(AttributeError):
        ind.code = "x"  # type: ignore[misc]
    assert (5, True, "Ä", "b") == (ind.total, ind.is_breakdown, ind.part_label("a", "de"),
                                   ind.part_label("b", "de"))
