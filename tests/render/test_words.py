"""The glossary and UI words."""

from __future__ import annotations

import pytest

import verantwortung as v
from verantwortung.model.specs import FieldSpec, Text
from verantwortung.render.words import field_label, label, ui, value_label


@pytest.mark.parametrize(("value", "lang", "expected"), [
    ("company", "de", "Unternehmen"), ("company", "en", "Company"),
    ("handed_over", "de", "Übergeben"), (True, "de", "ja"), (False, "en", "no"),
    ("unknown_value", "de", "unknown_value"),
])
def test_value_labels(value: object, lang: str, expected: str) -> None:
    """Choice values get glossary words; unknown values stay as written."""
    assert expected == value_label(value, lang)


def test_field_labels_prefer_the_template() -> None:
    """A field's own label wins over the glossary, the glossary over the name."""
    own = FieldSpec(type="text", label=Text(de="Eigen", en="Own"))
    assert ("Eigen", "Art", "zzz") == (field_label("kind", "de", own),
                                       field_label("kind", "de"), field_label("zzz", "de"))


def test_ui_and_label() -> None:
    """UI words fill placeholders; labels fall back to the other language or a default."""
    assert "nächstes Meilensteintreffen" == ui("next_member", "de", series="Meilensteintreffen")
    assert "Nur" == label(Text(de="Nur"), "en")
    assert "x" == label(None, "de", "x")


def test_template_labels_win_and_depend_on_the_field() -> None:
    """A choice field's own labels come first; the same value reads per field."""
    tpl = v.load_template("verantwortungspartner")
    kind = tpl.collections["partners"].fields["kind"]
    form = tpl.collections["consolidation_forms"].fields["form"]
    assert ("Verein", "Vereinsgründung") == (value_label("association", "de", kind),
                                             value_label("association", "de", form))
    assert "Association founded" == value_label("association", "en", form)
    assert "Verein" == value_label("association", "de")  # no field: the glossary
