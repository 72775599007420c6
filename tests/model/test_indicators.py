"""Indicator specs and values: one measure each, read-only values, the 2.0 draft block."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import verantwortung as v
from verantwortung.model.indicators import Indicator
from verantwortung.model.process import freeze
from verantwortung.model.specs import IndicatorSpec


def test_the_bundled_template_declares_the_methods_key_figures() -> None:
    """2.0 declares the method's goals as indicators (network, cross-sector teams, projects,
    meetings, funding, consolidation), each with both labels; the Thüringen variant inherits
    them; 1.0 declares none."""
    tpl = v.load_template("verantwortungspartner")
    codes = {i.code for i in tpl.indicators}
    assert {"network_size", "partners_by_kind", "companies_engaged", "people_involved",
            "cross_sector_teams", "projects_by_status", "outcomes_by_kind",
            "meeting_attendance", "funding_raised", "communication_by_channel",
            "political_contacts", "consolidation_forms"} <= codes
    assert all(i.spec.label.de and i.spec.label.en for i in tpl.indicators)
    assert codes == {i.code for i in v.load_template("verantwortungspartner-thueringen")
                     .indicators}
    assert () == v.load_template("verantwortungspartner", version="1.0").indicators


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
