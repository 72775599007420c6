"""Where a store finds a template: bundled ids pinned to the version a process was written with."""

from __future__ import annotations

from verantwortung.store.sources import export_source, pinned_source


def test_a_bare_bundled_id_is_pinned_to_the_recorded_version() -> None:
    """verantwortungspartner written with 1.0 means verantwortungspartner@1.0."""
    assert "verantwortungspartner@1.0" == pinned_source("verantwortungspartner", "1.0")
    assert "verantwortungspartner@2.0" == pinned_source("verantwortungspartner", "2.0")


def test_other_sources_stay_as_they_are() -> None:
    """A file, an explicit version, or a version that does not ship is left alone."""
    assert "/srv/own.yaml" == pinned_source("/srv/own.yaml", "1.0")
    assert "verantwortungspartner@1.0" == pinned_source("verantwortungspartner@1.0", "2.0")
    assert "verantwortungspartner" == pinned_source("verantwortungspartner", "9.9")


def test_an_export_of_an_earlier_version_finds_that_version() -> None:
    """export_source pins a bundled source (or the bare template id) to its version."""
    assert "verantwortungspartner@1.0" == export_source(
        {"template": "verantwortungspartner", "template_version": "1.0",
         "template_source": "verantwortungspartner"})
    assert "verantwortungspartner@1.0" == export_source(
        {"template": "verantwortungspartner", "template_version": "1.0"})
