"""Scenario files are checked against their template before the first step runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.io.test_corpus import expectations
from verantwortung import load_template
from verantwortung.engine.reasons import GENERIC
from verantwortung.io.codes import CODES
from verantwortung.io.locate import Sources
from verantwortung.testing import ScenarioError, run_scenario, scenario_diagnostics
from verantwortung.testing.scenario import Step
from verantwortung.testing.scenario_check import check_steps, known_codes

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "scenarios"
CASES = sorted(CORPUS.glob("*.yaml"))
SHIPPED_SCENARIOS = sorted(ROOT.glob("examples/**/*.scenario.yaml"), key=str)
MUSTERSTADT = ROOT / "examples" / "custom_template" / "musterstadt.yaml"
BUNDLED = load_template("verantwortungspartner")


@pytest.fixture
def scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scenario text into tmp_path and return its path."""

    def _scenario(text: str, name: str = "story.scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _scenario


def _keys(path: Path) -> list[tuple[str, int, int, str]]:
    """What scenario_diagnostics reports for a corpus file, as sorted expectation keys."""
    return sorted((d.code, d.line, d.column, Path(d.path).name)
                  for d in scenario_diagnostics(path))


# -- the corpus of broken scenario files ----------------------------------------------------


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_scenario_corpus_matches_expectations(path: Path) -> None:
    """Each corpus scenario reports exactly the expected codes at their lines and columns."""
    assert expectations(path) == _keys(path)


def test_scenario_corpus_covers_every_scenario_code() -> None:
    """Every S-code appears in some corpus expectation."""
    expected = {c for c in CODES if c.startswith("S")}
    covered = {code for path in CASES for code, *_ in expectations(path)}
    assert expected == expected & covered


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS,
                         ids=[p.relative_to(ROOT).as_posix() for p in SHIPPED_SCENARIOS])
def test_shipped_scenario_validates_clean(path: Path) -> None:
    """Every scenario under examples/ names only what its template knows."""
    assert [] == [str(d) for d in scenario_diagnostics(path)]


# -- the messages ---------------------------------------------------------------------------


def test_misspelt_trigger_expected_refused_does_not_pass(scenario) -> None:  # type: ignore[no-untyped-def]
    """`do: hold_kickof` with `expect: refused` is S001 with a suggestion, not a pass."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: hold_kickof
            expect: refused
        """)
    with pytest.raises(ScenarioError) as info:
        run_scenario(path)
    assert [f"{path}:3:9: S001 unknown trigger or event 'hold_kickof' (did you mean "
            "'hold_kickoff'?)"] == [str(d) for d in info.value.diagnostics]


def test_unknown_names_are_reported_before_the_first_step(scenario) -> None:  # type: ignore[no-untyped-def]
    """A first step that would fail does not hide the unknown phase of a later step."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: hold_kickoff
          - expect_phase: milestone_7
        """)
    with pytest.raises(ScenarioError) as info:
        run_scenario(path)
    assert [("S004", 4, 19)] == [(d.code, d.line, d.column) for d in info.value.diagnostics]
    assert "unknown phase 'milestone_7' (did you mean 'milestone_" in str(info.value)


def test_unknown_payload_field_names_the_declared_fields(scenario) -> None:  # type: ignore[no-untyped-def]
    """A misspelt payload key is S005 at the key, naming the trigger's or event's fields."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: theme_proposed
            with: {id: pendler, titel: Pendler zurückgewinnen}
        """)
    [diag] = scenario_diagnostics(path)
    assert ("S005", 4, 25) == (diag.code, diag.line, diag.column)
    assert ("unknown payload field 'titel' of 'theme_proposed' (did you mean 'title'?); "
            "its fields are id, title, category") == diag.message


def test_actor_name_after_the_role_is_not_part_of_it(scenario) -> None:  # type: ignore[no-untyped-def]
    """`by: "facilitator:Anna Schmidt"` names the known role facilitator."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, by: "facilitator:Anna Schmidt", with: {text: x}}
        """)
    assert [] == scenario_diagnostics(path)


def test_any_actor_is_known_when_the_template_has_no_roles(tmp_path, scenario) -> None:  # type: ignore[no-untyped-def]
    """A template without roles does not check actors, and neither does the scenario check."""
    from tests.conftest import MINIMAL

    (tmp_path / "mini.yaml").write_text(MINIMAL, encoding="utf-8")
    path = scenario("template: mini.yaml\nsteps:\n  - {do: hold_kickoff, by: wer_auch_immer}\n")
    assert [] == scenario_diagnostics(path)


def test_codes_of_the_extended_template_are_known(scenario) -> None:  # type: ignore[no-untyped-def]
    """A guard a variant adds (musterstadt's no_sponsor) is a known reason code."""
    path = scenario(f"""\
        template: {MUSTERSTADT}
        steps:
          - do: hold_closing
            expect: refused
            reasons: [not_in_phase, no_sponsor]
          - do: hold_closing
            expect: refused
            reasons: [no_sponsors]
        """)
    assert [("S003", 8, 15)] == [(d.code, d.line, d.column) for d in scenario_diagnostics(path)]


def test_broken_template_and_broken_steps_are_reported_together(tmp_path, scenario) -> None:  # type: ignore[no-untyped-def]
    """A template that does not load is reported; the scenario's own format errors too."""
    from tests.conftest import MINIMAL

    (tmp_path / "kaputt.yaml").write_text(MINIMAL.replace("to: kickoff}", "to: kickof}"),
                                          encoding="utf-8")
    path = scenario("template: kaputt.yaml\nsteps:\n  - {expect_phase: x, expct: ok}\n")
    assert {("E101", "story.scenario.yaml"), ("E201", "kaputt.yaml")} == {
        (d.code, Path(d.path).name) for d in scenario_diagnostics(path)}


def test_known_codes_are_generic_guard_advisory_and_invariant_codes() -> None:
    """Known reason codes: the generic ones and every guard, advisory and invariant code."""
    codes = known_codes(BUNDLED)
    assert set(GENERIC) <= codes
    assert {"circle_too_small", "no_theme_selected", "projects_outside_expectation",
            "speakers_within_limit"} <= codes


NAMES = sorted({t.id for t in BUNDLED.triggers} | {e.id for e in BUNDLED.events})


@given(name=st.sampled_from(NAMES) | st.from_regex(r"[a-z_]{1,20}", fullmatch=True))
def test_s001_exactly_for_names_the_template_does_not_have(name: str) -> None:
    """For any name, a `do:` step is S001 if and only if it is no trigger or event."""
    sources = Sources({}, {}, "story.scenario.yaml")
    found = check_steps([(0, Step(do=name))], BUNDLED, sources)
    assert (name not in NAMES) == ("S001" in [d.code for d in found])
