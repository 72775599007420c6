"""Scenario files: every shipped story passes, and broken ones are reported precisely."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest

from tests.conftest import MINIMAL
from verantwortung import load_template
from verantwortung.cli import main
from verantwortung.engine.reasons import GENERIC
from verantwortung.testing import ScenarioError, load_scenario, run_scenario
from verantwortung.testing.scenario import describe

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_SCENARIOS = sorted(ROOT.glob("examples/**/*.scenario.yaml"), key=str)
REFUSALS = ROOT / "examples" / "scenarios" / "refusals"

# step 3 (`hold_kickoff`) starts on line 8, column 5: the tests below rely on it
WRONG = """\
template: verantwortungspartner
region: Passau
steps:
  - do: partner_added
    at: 2014-01-13
    with: {id: brauerei, name: Brauhaus Ilzbrücke, kind: company}
  - expect_phase: preparation
  - do: hold_kickoff
    by: facilitator
  - expect_phase: kickoff
"""

PASSING = """\
template: verantwortungspartner
region: Passau
steps:
  - do: partner_added
    at: 2014-01-13
    with: {id: brauerei, name: Brauhaus Ilzbrücke, kind: company}
  - do: hold_kickoff
    by: facilitator
    expect: refused
    reasons: [circle_too_small]
  - expect_phase: preparation
"""

# a template small enough to write next to a scenario
MINI_TEMPLATE = MINIMAL


@pytest.fixture
def scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scenario text into tmp_path and return its path."""

    def _scenario(text: str, name: str = "story.scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _scenario


def _load_error(path: Path) -> ScenarioError:
    """The ScenarioError that running ``path`` raises."""
    with pytest.raises(ScenarioError) as info:
        run_scenario(path)
    return info.value


# -- every shipped scenario passes ------------------------------------------------------


def test_scenarios_are_shipped() -> None:
    """examples/ ships the full story, the refusal stories and the Thüringen story."""
    names = {p.relative_to(ROOT / "examples").as_posix() for p in SHIPPED_SCENARIOS}
    assert {"scenarios/mittelweser.scenario.yaml",
            "scenarios/thueringen/thueringen.scenario.yaml",
            "scenarios/refusals/circle_too_small.scenario.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS,
                         ids=[p.relative_to(ROOT).as_posix() for p in SHIPPED_SCENARIOS])
def test_shipped_scenario_passes(path: Path) -> None:
    """Every scenario under examples/ holds all its expectations and runs every step."""
    result = run_scenario(path)
    assert [] == [str(f) for f in result.failures]
    assert True is result.ok
    assert result.steps == result.ran
    assert len(load_scenario(path).doc.steps) == result.ran


def _reason_codes() -> set[str]:
    """Every refusal code of the bundled template: its guards and the generic ones."""
    tpl = load_template("verantwortungspartner")
    return ({g.code for t in tpl.transitions for g in t.guards}
            | {g.code for e in tpl.events for g in e.guards} | set(GENERIC))


def test_every_refusal_reason_has_its_own_scenario() -> None:
    """Each guard code of the bundled template and each generic code has <code>.scenario.yaml."""
    # a scenario file refuses an impossible date when it is loaded, before any step runs,
    # so invalid_timestamp is shown by test_impossible_later_date_says_why instead
    missing = sorted(c for c in _reason_codes() - {"invalid_timestamp"}
                     if not (REFUSALS / f"{c}.scenario.yaml").is_file())
    assert [] == missing


@pytest.mark.parametrize("path", sorted(REFUSALS.glob("*.scenario.yaml"), key=str),
                         ids=lambda p: p.name)
def test_refusal_scenario_expects_its_own_code(path: Path) -> None:
    """A refusal scenario named after a reason code has a step expecting that code."""
    code = path.name.removesuffix(".scenario.yaml")
    steps = load_scenario(path).doc.steps
    expected = [s.reasons for s in steps if s.expect == "refused"]
    if code in _reason_codes():
        assert any(code in reasons for reasons in expected)
    else:  # a scenario about parameters, not about one code
        assert [] != expected


# -- a failed expectation names the step and its line -----------------------------------


def test_failure_names_step_number_and_position(scenario) -> None:  # type: ignore[no-untyped-def]
    """A wrong expectation is reported as path:line:col: step N: what happened."""
    path = scenario(WRONG)
    result = run_scenario(path)
    assert False is result.ok
    [failure] = result.failures
    assert 3 == failure.step
    assert (str(path), 8, 5) == (failure.source.path, failure.source.line,
                                 failure.source.column)
    assert str(failure).startswith(f"{path}:8:5: step 3: ")
    assert "expected 'hold_kickoff' to be accepted, but it was refused" in str(failure)
    assert "circle_too_small" in str(failure)


def test_scenario_stops_at_the_first_failure(scenario) -> None:  # type: ignore[no-untyped-def]
    """Later steps build on a state the story did not intend, so they are not run."""
    result = run_scenario(scenario(WRONG))
    assert (4, 3) == (result.steps, result.ran)
    assert result.process is not None
    assert "preparation" == result.process.phase


def test_cli_run_reports_the_failed_step(scenario, capsys) -> None:  # type: ignore[no-untyped-def]
    """`verantwortung run` exits 1 and prints the failure line with path:line:col."""
    path = scenario(WRONG)
    failure = str(run_scenario(path).failures[0])
    assert 1 == main(["run", str(path)])
    out, err = capsys.readouterr()
    assert failure in out.splitlines()
    assert f"{path}:8:5: step 3: " in out
    assert "0 passed, 1 failed" in err
    assert "Traceback" not in out + err


def test_cli_run_passing_scenario_exits_0(scenario, capsys) -> None:  # type: ignore[no-untyped-def]
    """A scenario whose expectations all hold exits 0 and says where it ended."""
    path = scenario(PASSING)
    assert 0 == main(["run", str(path)])
    out, err = capsys.readouterr()
    assert f"{path}: ok, 3 steps, ends in preparation" in out.splitlines()
    assert "1 passed, 0 failed" in err


def test_cli_run_counts_passed_and_failed(scenario, capsys) -> None:  # type: ignore[no-untyped-def]
    """Several files: one failure makes the run exit 1, and the summary counts both."""
    good, bad = scenario(PASSING, "good.scenario.yaml"), scenario(WRONG, "bad.scenario.yaml")
    assert 1 == main(["run", str(good), str(bad)])
    assert "1 passed, 1 failed" in capsys.readouterr().err


def test_cli_run_verbose_lists_the_events(scenario, capsys) -> None:  # type: ignore[no-untyped-def]
    """-v prints every event of the run with its date and the phase after it."""
    assert 0 == main(["run", "-v", str(scenario(PASSING))])
    lines = capsys.readouterr().out.splitlines()
    assert any("2014-01-13 partner_added" in line and "-> preparation" in line
               for line in lines)
    assert not any("hold_kickoff" in line for line in lines)  # refused: not an event


def test_refused_when_ok_expected_lists_every_reason(scenario) -> None:  # type: ignore[no-untyped-def]
    """A refusal where acceptance was expected shows each reason code with its message."""
    [failure] = run_scenario(scenario(WRONG)).failures
    for code in ("circle_too_small", "no_theme_identified", "logistics_open", "no_facilitator"):
        assert code in failure.message
    assert "Companies in the initiative circle: 0; the minimum is 5." in failure.message


def test_accepted_when_refusal_expected(scenario) -> None:  # type: ignore[no-untyped-def]
    """A step expected to be refused that is accepted is a failure."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: partner_added
            with: {id: stadt, name: Stadt Passau, kind: municipality}
            expect: refused
        """)
    [failure] = run_scenario(path).failures
    assert "expected 'partner_added' to be refused, but it was accepted" == failure.message


def test_refused_for_other_reasons(scenario) -> None:  # type: ignore[no-untyped-def]
    """A refusal without the expected code names the missing code and the actual ones."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: hold_kickoff
            expect: refused
            reasons: [circle_too_small, no_vision]
        """)
    [failure] = run_scenario(path).failures
    assert failure.message.startswith("'hold_kickoff' was refused, but without no_vision; ")
    assert ("its reasons were circle_too_small, no_theme_identified, logistics_open, "
            "no_facilitator") in failure.message


def test_expect_phase_mismatch_names_both_phases(scenario) -> None:  # type: ignore[no-untyped-def]
    """A wrong expect_phase says which phase was expected and which one the process is in."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, with: {text: Erstes Treffen}}
          - expect_phase: kickoff
        """)
    [failure] = run_scenario(path).failures
    assert 2 == failure.step
    assert "expected phase 'kickoff', but the process is in 'preparation'" == failure.message


def test_expect_phase_checked_after_do(scenario) -> None:  # type: ignore[no-untyped-def]
    """A step with do and expect_phase checks the phase after firing."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, with: {text: Erstes Treffen}, expect_phase: kickoff}
        """)
    [failure] = run_scenario(path).failures
    assert "expected phase 'kickoff', but the process is in 'preparation'" == failure.message


def test_missing_advisories_are_reported(scenario) -> None:  # type: ignore[no-untyped-def]
    """An expected advisory that the step did not give is a failure naming it."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: note_added
            with: {text: Erstes Treffen}
            advisories: [projects_outside_expectation]
        """)
    [failure] = run_scenario(path).failures
    assert "expected advisories projects_outside_expectation; got none" == failure.message


def test_step_without_at_happens_at_previous_time(scenario) -> None:  # type: ignore[no-untyped-def]
    """The process starts on the first date; an undated step takes the previous event's time."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, with: {text: ohne Datum}}
          - {do: note_added, at: 2012-07-04, with: {text: MT1}}
          - {do: note_added, with: {text: am selben Tag}}
        """)
    result = run_scenario(path)
    assert result.process is not None
    day = dt.datetime(2012, 7, 4, tzinfo=dt.UTC)
    assert [day] * 4 == [e.at for e in result.process.history]


def test_date_going_backwards_is_refused(scenario) -> None:  # type: ignore[no-untyped-def]
    """A step dated before the previous event fails as event_out_of_order."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, at: 2013-06-24, with: {text: MT4}}
          - {do: note_added, at: 2012-07-04, with: {text: MT1}}
        """)
    [failure] = run_scenario(path).failures
    assert 2 == failure.step
    assert "event_out_of_order" in failure.message


def test_describe_ok_result(scenario) -> None:  # type: ignore[no-untyped-def]
    """describe() of a passing run is one line with the step count and the final phase."""
    path = scenario(PASSING)
    assert [f"{path}: ok, 3 steps, ends in preparation"] == describe(run_scenario(path))


def test_parameters_override_template_defaults(scenario) -> None:  # type: ignore[no-untyped-def]
    """parameters: in a scenario change the template's values for that run."""
    path = scenario("""\
        template: verantwortungspartner
        parameters: {circle_min_companies: 1}
        steps:
          - {do: note_added, with: {text: x}}
        """)
    result = run_scenario(path)
    assert result.process is not None
    assert 1 == result.process.template.values["circle_min_companies"]


def test_template_override_replaces_the_reference(scenario) -> None:  # type: ignore[no-untyped-def]
    """template_override runs the scenario on a given template, with its parameters."""
    path = scenario("""\
        template: gibt-es-nicht
        parameters: {milestones_max: 4}
        steps:
          - expect_phase: preparation
        """)
    result = run_scenario(path, template_override=load_template("verantwortungspartner"))
    assert True is result.ok
    assert result.process is not None
    assert ("verantwortungspartner", 4) == (result.process.template.id,
                                            result.process.template.values["milestones_max"])


# -- scenario files that cannot be loaded ----------------------------------------------


def test_unknown_step_key_is_located(scenario) -> None:  # type: ignore[no-untyped-def]
    """A misspelt key in a step is E101 at its line and column, with a suggestion."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, with: {text: x}}
          - do: hold_kickoff
            expct: refused
        """)
    error = _load_error(path)
    [diag] = error.diagnostics
    assert ("E101", 5, 5) == (diag.code, diag.line, diag.column)
    assert str(path) == diag.path
    assert "unknown key 'expct' (did you mean 'expect'?)" in diag.message
    assert f"{path}:5:5: E101 " in str(error)


def test_cli_run_load_error_exits_1_without_traceback(scenario, capsys) -> None:  # type: ignore[no-untyped-def]
    """The CLI prints the located diagnostic of a broken scenario and exits 1."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: hold_kickoff
            expct: refused
        """)
    assert 1 == main(["run", str(path)])
    out, err = capsys.readouterr()
    assert any(line.startswith(f"{path}:4:5: E101 ") for line in out.splitlines())
    assert "Traceback" not in out + err
    assert "0 passed, 1 failed" in err


def test_unknown_top_level_key(scenario) -> None:  # type: ignore[no-untyped-def]
    """A misspelt top-level key is E101 at its position too."""
    path = scenario("""\
        templat: verantwortungspartner
        steps:
          - expect_phase: preparation
        """)
    codes = [(d.code, d.line, d.column) for d in _load_error(path).diagnostics]
    assert ("E101", 1, 1) in codes


def test_unknown_bundled_template(scenario) -> None:  # type: ignore[no-untyped-def]
    """A template id that is neither bundled nor a file is a ScenarioError naming it."""
    path = scenario("""\
        template: gibt-es-nicht
        steps:
          - expect_phase: preparation
        """)
    error = _load_error(path)
    assert ["E001"] == [d.code for d in error.diagnostics]
    assert "gibt-es-nicht" in str(error)
    assert "verantwortungspartner" in str(error)  # the bundled ones are listed


def test_missing_template_file(scenario, capsys) -> None:  # type: ignore[no-untyped-def]
    """A template path that does not exist is a ScenarioError; the CLI exits 1."""
    path = scenario("""\
        template: vorlagen/fehlt.yaml
        steps:
          - expect_phase: preparation
        """)
    error = _load_error(path)
    assert ["E001"] == [d.code for d in error.diagnostics]
    assert "fehlt.yaml" in str(error)
    assert 1 == main(["run", str(path)])
    assert "Traceback" not in "".join(capsys.readouterr())


def test_reasons_need_expect_refused(scenario) -> None:  # type: ignore[no-untyped-def]
    """`reasons` on a step that expects acceptance is a located load error."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - do: hold_kickoff
            reasons: [circle_too_small]
        """)
    [diag] = _load_error(path).diagnostics
    assert (3, 5) == (diag.line, diag.column)
    assert "'reasons' needs 'expect: refused'" in diag.message


def test_step_needs_do_or_expect_phase(scenario) -> None:  # type: ignore[no-untyped-def]
    """A step with nothing to do or expect is a located load error naming what a step takes."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, with: {text: x}}
          - by: facilitator
        """)
    [diag] = _load_error(path).diagnostics
    assert (4, 5) == (diag.line, diag.column)
    assert ("a step needs 'do', 'expect_phase', 'now', 'expect_due' or 'expect_not_due'"
            in diag.message)


def test_with_needs_do(scenario) -> None:  # type: ignore[no-untyped-def]
    """`with` on a step that only checks the phase is a load error."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {expect_phase: preparation, with: {text: x}}
        """)
    [diag] = _load_error(path).diagnostics
    assert "'with', 'by', 'at' and 'reasons' belong to a 'do' step" in diag.message


def test_expect_value_must_be_ok_or_refused(scenario) -> None:  # type: ignore[no-untyped-def]
    """expect takes only ok or refused."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: hold_kickoff, expect: blocked}
        """)
    [diag] = _load_error(path).diagnostics
    assert 3 == diag.line
    assert "blocked" in diag.message or "refused" in diag.message


def test_scenario_needs_steps(scenario) -> None:  # type: ignore[no-untyped-def]
    """A scenario without steps cannot be loaded."""
    path = scenario("template: verantwortungspartner\nsteps: []\n")
    assert [] != list(_load_error(path).diagnostics)


def test_yaml_syntax_error_is_located(scenario) -> None:  # type: ignore[no-untyped-def]
    """Broken YAML in a scenario is a ScenarioError with a line, not a parser traceback."""
    path = scenario("template: verantwortungspartner\nsteps:\n  - {do: note_added\n")
    [diag, *_] = _load_error(path).diagnostics
    assert str(path) == diag.path
    assert diag.line >= 3


def test_parameter_out_of_bounds_is_located(scenario) -> None:  # type: ignore[no-untyped-def]
    """A parameter value the template does not allow is E307 at the parameters entry."""
    path = scenario("""\
        template: verantwortungspartner
        parameters: {milestones_max: 9}
        steps:
          - expect_phase: preparation
        """)
    [diag] = _load_error(path).diagnostics
    assert ("E307", 2) == (diag.code, diag.line)
    assert "milestones_max" in diag.message


def test_template_path_relative_to_scenario(tmp_path, monkeypatch, scenario) -> None:  # type: ignore[no-untyped-def]
    """A template path is read relative to the scenario file, not the working directory."""
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "mini.yaml").write_text(MINI_TEMPLATE, encoding="utf-8")
    path = scenario("""\
        template: mini.yaml
        region: Trier
        steps:
          - do: hold_kickoff
          - do: hold_closing
            expect: refused
            reasons: [not_in_phase]
          - do: hold_milestone
          - expect_phase: milestone_1
          - do: hold_closing
          - expect_phase: closing
        """, "stories/mini.scenario.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_scenario(path)
    assert [] == result.failures
    assert result.process is not None
    assert ("mini", "closing") == (result.process.template.id, result.process.phase)


def test_broken_template_next_to_scenario(tmp_path, scenario) -> None:  # type: ignore[no-untyped-def]
    """A template with errors makes the scenario fail with the template's diagnostics."""
    (tmp_path / "kaputt.yaml").write_text(
        MINI_TEMPLATE.replace("to: kickoff}", "to: kickof}"), encoding="utf-8")
    path = scenario("template: kaputt.yaml\nsteps:\n  - expect_phase: preparation\n")
    diags = _load_error(path).diagnostics
    assert ["E201"] == [d.code for d in diags]
    assert diags[0].path.endswith("kaputt.yaml")


# -- problems found once, fixed, and kept fixed ---------------------------------------


def test_impossible_first_date_is_located(scenario) -> None:  # type: ignore[no-untyped-def]
    """An impossible date on the first dated step is reported at its line, not as a crash."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, at: 2014-02-30, with: {text: x}}
        """)
    try:
        result = run_scenario(path)
    except ScenarioError as exc:
        lines = [d.line for d in exc.diagnostics]
    else:
        assert [(1, 3)] == [(f.step, f.source.line) for f in result.failures]
        return
    assert [3] == lines


def test_empty_region_is_located(scenario) -> None:  # type: ignore[no-untyped-def]
    """An empty region is a located load error, not a crash."""
    path = scenario("""\
        template: verantwortungspartner
        region: ""
        steps:
          - expect_phase: preparation
        """)
    [diag] = _load_error(path).diagnostics
    assert 2 == diag.line


def test_impossible_later_date_says_why(scenario) -> None:  # type: ignore[no-untyped-def]
    """An impossible date on a later step says the date is invalid, not that it is too early."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, at: 2014-02-03, with: {text: x}}
          - {do: note_added, at: 2014-02-30, with: {text: x}}
        """)
    try:
        result = run_scenario(path)
    except ScenarioError as exc:
        lines = [d.line for d in exc.diagnostics]
    else:
        [failure] = result.failures
        assert "before the last event" not in failure.message
        return
    assert [4] == lines


# -- invariants are checked after every step ---------------------------------------------

MUSTERSTADT = ROOT / "examples" / "custom_template" / "musterstadt.yaml"

# a variant of Musterstadt without the guard that keeps its one_chamber_in_circle invariant
LAX = """\
extends: {base}
id: musterstadt-lax
version: "1.0"
title: {{de: Musterstadt ohne Schranke, en: Musterstadt without the check}}
events:
  circle_member_joined:
    guards:
      second_chamber: {{remove: true}}
"""

# four events break the invariant; step 4 starts on line 7, column 5
TWO_CHAMBERS = """\
template: lax.yaml
region: Musterstadt
steps:
  - {do: partner_added, at: 2015-02-02, with: {id: ihk, name: IHK, kind: chamber}}
  - {do: partner_added, with: {id: hwk, name: Handwerkskammer, kind: chamber}}
  - {do: circle_member_joined, with: {partner: ihk}}
  - {do: circle_member_joined, with: {partner: hwk}}
  - expect_phase: preparation
"""


@pytest.fixture
def lax(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The lax variant beside the scenario files; returns the loaded template."""
    path = tmp_path / "lax.yaml"
    path.write_text(LAX.format(base=os.path.relpath(MUSTERSTADT, path.parent)),
                    encoding="utf-8")
    return load_template(path)


def test_step_that_breaks_an_invariant_fails(scenario, lax) -> None:  # type: ignore[no-untyped-def]
    """The step after which an invariant no longer holds fails with its code and location."""
    path = scenario(TWO_CHAMBERS)
    result = run_scenario(path)
    [failure] = result.failures
    source = lax.source_of(("invariants", "one_chamber_in_circle"))
    assert (4, 7, 5) == (failure.step, failure.source.line, failure.source.column)
    assert (f"breaks the invariant one_chamber_in_circle ({source}): The initiative circle "
            "has 2 chambers; the region agreed on one at most.") == failure.message
    assert 4 == result.ran
    assert str(source).endswith("musterstadt.yaml:62:3")


def test_cli_run_fails_on_a_broken_invariant(scenario, lax, capsys) -> None:  # type: ignore[no-untyped-def]
    """`verantwortung run` exits 1 and prints the step's line and the invariant's code."""
    path = scenario(TWO_CHAMBERS)
    assert 1 == main(["run", str(path)])
    out, err = capsys.readouterr()
    assert out.startswith(f"{path}:7:5: step 4: breaks the invariant one_chamber_in_circle (")
    assert "0 passed, 1 failed" in err


def test_holding_invariants_let_the_scenario_pass(scenario, lax) -> None:  # type: ignore[no-untyped-def]
    """One chamber in the circle keeps the invariant, and the scenario passes."""
    path = scenario(TWO_CHAMBERS.replace("name: Handwerkskammer, kind: chamber",
                                         "name: Bäckerei, kind: company"))
    assert [] == [str(f) for f in run_scenario(path).failures]


def test_expect_due_names_the_date_and_what_is_due(scenario) -> None:  # type: ignore[no-untyped-def]
    """A deadline expected but not due fails with the date judged and the items due."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, at: 2012-01-02, with: {text: x}}
          - now: 2012-04-02
          - expect_due: [kickoff_overdue]
        """)
    [failure] = run_scenario(path).failures
    assert (3, "expected kickoff_overdue to be due on 2012-04-02; due are process_stalled") == (
        failure.step, failure.message)


def test_expect_not_due_tells_the_message_of_what_is_due(scenario) -> None:  # type: ignore[no-untyped-def]
    """A deadline due against expect_not_due fails with the deadline's own message."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, at: 2012-01-02, with: {text: x}}
          - now: 2012-04-02
          - expect_not_due: [process_stalled]
        """)
    [failure] = run_scenario(path).failures
    assert ("expected process_stalled not to be due on 2012-04-02, but: 91 days have passed "
            "since the last entry on 2 January 2012; longest pause without an entry in days: "
            "90.") == failure.message


def test_a_now_going_backwards_is_a_located_error(scenario) -> None:  # type: ignore[no-untyped-def]
    """now: before the story's latest date is S006 at the date, before anything runs."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, at: 2012-05-02, with: {text: x}}
          - now: 2012-04-01
        """)
    [diag] = _load_error(path).diagnostics
    assert ((4, 10, "S006"), "now: 2012-04-01 goes back before the story's date 2012-05-02 "
            "(the 'at' of an earlier step); a story's dates never go backwards") == (
        (diag.line, diag.column, diag.code), diag.message)


def test_now_is_a_step_of_its_own(scenario) -> None:  # type: ignore[no-untyped-def]
    """A do step with now: is a located load error: a do step has at:."""
    path = scenario("""\
        template: verantwortungspartner
        steps:
          - {do: note_added, now: 2012-05-02, with: {text: x}}
        """)
    [diag] = _load_error(path).diagnostics
    assert "'now' is a step of its own" in diag.message


def test_a_scenario_names_a_version_of_a_bundled_template(scenario) -> None:  # type: ignore[no-untyped-def]
    """template: verantwortungspartner@1.0 runs on that version (its consolidation is final)."""
    path = scenario("""\
        template: verantwortungspartner@1.0
        steps:
          - {do: partner_added, with: {id: a, name: A GmbH, kind: company}}
          - do: consolidation_chosen
            with: {form: association}
            expect: refused
            reasons: [not_in_phase]
        """)
    result = run_scenario(path)
    assert result.process is not None
    assert ([], "1.0") == (result.failures, result.process.template.version)
