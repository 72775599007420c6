"""Loading templates: bundled ids, every shipped YAML, parameters, located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from tests.conftest import MINIMAL, ROOT, SHIPPED_TEMPLATES, SHIPPED_YAML


@pytest.mark.parametrize("path", SHIPPED_TEMPLATES, ids=lambda p: p.name)
def test_shipped_templates_have_no_diagnostics(path: Path) -> None:
    """Every template in process_templates/ loads with no error and no warning."""
    assert [] == v.check_template(path)


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: p.name)
def test_every_shipped_yaml_reads_without_error_diagnostics(path: Path) -> None:
    """Every YAML the project ships is safe to read (no YAML-level error)."""
    from verantwortung.io.yaml_source import load_yaml_file

    assert [] == load_yaml_file(path).diagnostics


def test_bundled_ids_are_listed() -> None:
    """The bundled templates are found by id."""
    assert {"verantwortungspartner", "verantwortungspartner-thueringen"} <= set(
        v.bundled_templates())


def test_unknown_bundled_id_is_a_template_error() -> None:
    """An unknown id names the bundled ones."""
    with pytest.raises(v.TemplateError) as info:
        v.load_template("verantwortungspartnr")
    assert "E001" == info.value.diagnostics[0].code
    assert "verantwortungspartner" in info.value.diagnostics[0].message


def test_all_errors_are_reported_at_once(write) -> None:  # type: ignore[no-untyped-def]
    """Several mistakes in one file give several diagnostics, not the first one only."""
    path = write(MINIMAL.replace("to: kickoff}", "to: kickof}").replace(
        "from: closing", "from: closng") + "roles: {x: {label: {de: X}}}\n")
    codes = [d.code for d in v.check_template(path)]
    assert ["E201", "E201", "W101"] == sorted(codes)


def test_unknown_key_lists_allowed_keys(write) -> None:  # type: ignore[no-untyped-def]
    """A typo'd key is E101 at the key, and the message lists the allowed keys."""
    path = write(MINIMAL.replace("  kickoff: {label:", "  kickoff: {lable:"))
    [missing, unknown] = v.check_template(path)
    assert ("E102", 6, 12) == (missing.code, missing.line, missing.column)
    assert ("E101", 6, 13) == (unknown.code, unknown.line, unknown.column)
    assert "(did you mean 'label'?); allowed keys are label, description" in unknown.message


def test_wrong_type_in_a_union_is_one_diagnostic(write) -> None:  # type: ignore[no-untyped-def]
    """A value that fits none of a union's types gives one E103 naming the expected types."""
    path = write(MINIMAL + "parameters: {p: {default: [1]}}\n")
    [diag] = v.check_template(path)
    assert "E103" == diag.code
    assert "expected a whole number or a number or true or false or text" in diag.message


def test_parameters_override_defaults() -> None:
    """load_template(parameters=...) expands the series for the given values."""
    tpl = v.load_template("verantwortungspartner", parameters={"milestones_max": 4})
    assert 4 == sum(1 for p in tpl.phases if p.series == "milestone")
    assert 4 == tpl.values["milestones_max"]


@pytest.mark.parametrize("params", [
    {"milestones_max": 9}, {"milestones_max": "4"}, {"milestons_max": 4},
    {"milestones_min": 5, "milestones_max": 4},
])
def test_bad_parameters_raise_parameter_error(params: dict[str, object]) -> None:
    """Values outside bounds, of the wrong type, unknown, or inconsistent are refused."""
    with pytest.raises(v.ParameterError):
        v.load_template("verantwortungspartner", parameters=params)


def test_warnings_travel_with_the_template(write) -> None:  # type: ignore[no-untyped-def]
    """A template that loads keeps its warnings on .warnings."""
    path = write(MINIMAL.replace("{de: Abschluss, en: Closing}}", "{de: Abschluss}}"))
    tpl = v.load_template(path)
    assert ["W101"] == [w.code for w in tpl.warnings]


def test_template_error_message_lists_the_errors(write) -> None:  # type: ignore[no-untyped-def]
    """str(TemplateError) shows each error as path:line:col."""
    path = write(MINIMAL.replace("to: kickoff}", "to: kickof}"))
    with pytest.raises(v.TemplateError) as info:
        v.load_template(path)
    assert f"{path.name}:13:" in str(info.value) or ":13:" in str(info.value)


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: p.name)
def test_shipped_yaml_parses_without_libyaml_too(path: Path) -> None:
    """Shipped YAML is also valid for PyYAML's pure-Python parser (no libyaml quirks)."""
    import yaml

    assert isinstance(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader), dict)


def test_labels_only_for_known_choice_values(write) -> None:  # type: ignore[no-untyped-def]
    """A label for a value the choice does not have is E104 at that label's key."""
    path = write(MINIMAL + """\
collections:
  partners:
    label: {de: Partner, en: Partners}
    fields:
      kind:
        type: choice
        values: [company]
        labels:
          company: {de: Unternehmen, en: Company}
          firm: {de: Firma, en: Firm}
""")
    [diag] = v.check_template(path)
    assert ("E104", 30, 11) == (diag.code, diag.line, diag.column)


# -- one loader for every entry point ------------------------------------------------------

CUSTOM = MINIMAL + """\
  abort:
    label: {de: Abbrechen, en: Abort}
    from: "*"
    to: consolidation
    guards:
      no_patron:
        rule: {custom: has_patron}
        message: {de: Keine Schirmherrschaft., en: No patron.}
"""
CUSTOM_AT = (27, 24)  # line and column of 'has_patron' in CUSTOM


def _located(diagnostics: list[v.Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in diagnostics]


def test_unregistered_custom_rule_is_located_by_the_command_line(  # type: ignore[no-untyped-def]
        write, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`verantwortung new` with an unregistered custom rule prints E208 at its line, exit 1."""
    from verantwortung.cli import main

    path = write(CUSTOM)
    code = main(["new", str(path), "--region", "Thüringen",
                 "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    err = capsys.readouterr().err
    assert 1 == code
    assert "internal error" not in err
    assert f"{path}:{CUSTOM_AT[0]}:{CUSTOM_AT[1]}: E208" in err


def test_unregistered_custom_rule_is_located_by_the_scenario_runner(  # type: ignore[no-untyped-def]
        write) -> None:
    """A scenario whose template names an unregistered custom rule fails with E208."""
    from verantwortung.testing.scenario import ScenarioError, run_scenario

    write(CUSTOM, "custom.yaml")
    scenario = write("template: custom.yaml\nregion: Thüringen\nsteps:\n"
                     "  - expect_phase: preparation\n", "s.scenario.yaml")
    with pytest.raises(ScenarioError) as info:
        run_scenario(scenario)
    assert [("E208", *CUSTOM_AT)] == _located(info.value.diagnostics)


def test_store_loads_templates_with_the_custom_rule_registry(  # type: ignore[no-untyped-def]
        write, tmp_path: Path) -> None:
    """A stored process whose custom rule was unregistered gets E208, not a KeyError."""
    from verantwortung.rules import registry

    path = write(CUSTOM)
    registry.add("has_patron", lambda view, payload, args: True)
    try:
        tpl = v.load_template(path)
        with v.EventStore(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store:
            store.add(v.Process.start(tpl, region="Thüringen"))
    finally:
        registry.remove("has_patron")
    with v.EventStore(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store:
        pid = store.list()[0].id
        with pytest.raises(v.StoreError) as info:
            store.load(pid)
    assert f"{CUSTOM_AT[0]}:{CUSTOM_AT[1]}: E208" in str(info.value)


def test_resolve_source_names_bundled_ids_and_paths(tmp_path: Path) -> None:
    """A bare id is a bundled template; a .yaml name or a path is a file, relative or not."""
    from verantwortung.io.loader import bundled_path, resolve_source

    expected = [bundled_path("verantwortungspartner"), None, tmp_path / "own.yaml",
                tmp_path / "sub" / "own", Path("/abs/own.yaml")]
    actual = [resolve_source("verantwortungspartner", tmp_path),
              resolve_source("no-such-template", tmp_path),
              resolve_source("own.yaml", tmp_path), resolve_source("sub/own", tmp_path),
              resolve_source(Path("/abs/own.yaml"), tmp_path)]
    assert expected == actual


def test_resolve_reference_says_what_a_reference_names(tmp_path: Path) -> None:
    """A reference is a bundled id (shipped or not, with a version or not) or a path."""
    from verantwortung.io.loader import bundled_path, resolve_reference

    newest = resolve_reference("verantwortungspartner")
    older = resolve_reference("verantwortungspartner@1.0")
    gone = resolve_reference("verantwortungspartner@0.1")
    own = resolve_reference("own.yaml", tmp_path)
    expected = [(True, True, None, bundled_path("verantwortungspartner")),
                (True, True, "1.0", bundled_path("verantwortungspartner@1.0")),
                (True, False, "0.1", None), (False, False, None, tmp_path / "own.yaml")]
    assert expected == [(r.bundled, r.shipped, r.version, r.path)
                        for r in (newest, older, gone, own)]


def test_a_bare_bundled_id_pins_to_a_version_that_ships() -> None:
    """``pinned`` turns a bare bundled id into id@version while that version ships."""
    from verantwortung.io.loader import resolve_reference

    bare = resolve_reference("verantwortungspartner")
    assert "verantwortungspartner@1.0" == bare.pinned("1.0").text
    assert "verantwortungspartner" == bare.pinned("0.1").text
    assert "verantwortungspartner@2.0" == resolve_reference(
        "verantwortungspartner@2.0").pinned("1.0").text
    assert "own.yaml" == resolve_reference("own.yaml").pinned("1.0").text


def test_a_bundled_template_is_loaded_by_id_and_version() -> None:
    """id@version and version= load that version; a bare id loads the newest."""
    assert ["1.0", "2.0"] == v.bundled_versions("verantwortungspartner")
    assert "2.0" == v.load_template("verantwortungspartner").version
    assert "1.0" == v.load_template("verantwortungspartner@1.0").version
    assert "1.0" == v.load_template("verantwortungspartner", version="1.0").version
    assert "2.0" == v.load_template("verantwortungspartner@2.0").version
    assert "verantwortungspartner" == v.load_template("verantwortungspartner@1.0").id


def test_older_versions_are_not_listed_as_templates_of_their_own() -> None:
    """bundled_templates() names each template once; older files are versions of it."""
    assert "verantwortungspartner-1.0" not in v.bundled_templates()
    assert [] == v.bundled_versions("verantwortungspartner-1.0")


def test_a_version_that_does_not_ship_names_those_that_do() -> None:
    """An unknown version is E001 with the versions that ship."""
    with pytest.raises(v.TemplateError) as info:
        v.load_template("verantwortungspartner@3.0")
    assert ["E001"] == [d.code for d in info.value.diagnostics]
    assert "bundled versions of verantwortungspartner: 1.0, 2.0" in str(info.value)
    with pytest.raises(v.TemplateError):
        v.load_template("verantwortungspartner@1.0", version="2.0")


def test_a_file_is_checked_against_the_version_asked_for() -> None:
    """load_template(path, version=...) refuses a file of another version."""
    path = ROOT / "process_templates" / "verantwortungspartner-1.0.yaml"
    assert "1.0" == v.load_template(str(path), version="1.0").version
    with pytest.raises(v.TemplateError, match=r"version 1\.0, not 2\.0"):
        v.load_template(str(path), version="2.0")


def test_the_previous_version_ships_unchanged() -> None:
    """verantwortungspartner-1.0.yaml is the 1.0 template: consolidation is final there."""
    tpl = v.load_template("verantwortungspartner@1.0")
    assert ["consolidation", "aborted"] == [p.id for p in tpl.final_phases]
    assert "conclude" not in {t.id for t in tpl.triggers}


def test_a_variant_extends_a_version_of_its_base(write: Any) -> None:
    """extends: id@version builds on that version."""
    path = write('extends: verantwortungspartner@1.0\nid: alt\nversion: "1"\n'
                 'title: {de: Alt, en: Old}\n')
    assert ["consolidation", "aborted"] == [
        p.id for p in v.load_template(str(path)).final_phases]
