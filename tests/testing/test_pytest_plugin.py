"""The pytest plugin: scenario files are test items whose failures name step and line."""

from __future__ import annotations

import os

import pytest

PLUGIN = "verantwortung.testing.pytest_plugin"

PASSING = """\
template: verantwortungspartner
region: Trier
steps:
  - do: partner_added
    at: 2013-09-02
    with: {id: weingut, name: Weingut Breitbach, kind: company}
  - do: hold_kickoff
    expect: refused
    reasons: [circle_too_small]
  - expect_phase: preparation
"""

# step 3 (`hold_kickoff`, expected to pass) starts on line 8, column 5
FAILING = """\
template: verantwortungspartner
region: Trier
steps:
  - do: partner_added
    at: 2013-09-02
    with: {id: weingut, name: Weingut Breitbach, kind: company}
  - expect_phase: preparation
  - do: hold_kickoff
    by: facilitator
  - expect_phase: kickoff
"""

BROKEN = """\
template: verantwortungspartner
steps:
  - do: hold_kickoff
    expct: refused
"""


def _plugin_args() -> list[str]:
    """Load the plugin explicitly only where its pytest11 entry point is not loaded.

    With autoloading on, the entry point registers the module already, and naming it
    again with -p would register it twice.
    """
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return ["-p", PLUGIN]
    return []


@pytest.fixture
def stories(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester directory with one passing and one failing scenario."""
    pytester.makefile(".scenario.yaml", passing=PASSING, failing=FAILING)
    return pytester


def test_entry_point_registers_the_plugin(pytestconfig: pytest.Config) -> None:
    """Installed, the plugin is loaded through its pytest11 entry point (unless disabled)."""
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        pytest.skip("plugin autoloading is disabled in this environment")
    assert True is pytestconfig.pluginmanager.has_plugin("verantwortung")


def test_one_item_per_scenario_file(stories: pytest.Pytester) -> None:
    """Each *.scenario.yaml is one item named after the file; other YAML is not collected."""
    stories.makefile(".yaml", other="template: verantwortungspartner\n")
    result = stories.runpytest("--collect-only", "-q", *_plugin_args())
    lines = result.stdout.lines
    assert "failing.scenario.yaml::failing" in lines
    assert "passing.scenario.yaml::passing" in lines
    assert not any("other.yaml" in line for line in lines)


def test_passing_and_failing_scenarios(stories: pytest.Pytester) -> None:
    """A scenario whose expectations hold passes; one that breaks an expectation fails."""
    result = stories.runpytest(*_plugin_args())
    result.assert_outcomes(passed=1, failed=1)
    assert 1 == result.ret


def test_failure_names_step_and_line(stories: pytest.Pytester) -> None:
    """The failure shows path:line:col and the step number, and what happened instead."""
    result = stories.runpytest(*_plugin_args())
    path = stories.path / "failing.scenario.yaml"
    result.stdout.fnmatch_lines([
        "*scenario: failing*",
        f"{path}:8:5: step 3: expected 'hold_kickoff' to be accepted, but it was refused:*",
    ])
    assert "circle_too_small" in result.stdout.str()


def test_failure_shows_no_library_traceback(stories: pytest.Pytester) -> None:
    """No traceback into the library: the report is the scenario's own message."""
    result = stories.runpytest(*_plugin_args())
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "scenario.py" not in out
    assert "pytest_plugin.py" not in out
    assert "ScenarioExpectationError" not in out


def test_load_error_is_a_located_failure(pytester: pytest.Pytester) -> None:
    """A scenario that cannot be loaded fails with its E101 diagnostic at line:col."""
    pytester.makefile(".scenario.yaml", broken=BROKEN)
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(failed=1)
    path = pytester.path / "broken.scenario.yaml"
    result.stdout.fnmatch_lines([
        "*the scenario has errors; no step ran:*",
        f"{path}:4:5: E101 unknown key 'expct' (did you mean 'expect'?)*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_explicit_plugin_without_autoload(stories: pytest.Pytester,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With entry-point autoloading off, -p loads the plugin and it works the same."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = stories.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    assert "Traceback" not in result.stdout.str()


def test_nothing_collected_without_the_plugin(stories: pytest.Pytester,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Scenario files are collected by the plugin, not by pytest itself."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = stories.runpytest()
    assert pytest.ExitCode.NO_TESTS_COLLECTED == result.ret


def test_runs_in_a_subprocess_too(stories: pytest.Pytester) -> None:
    """A separate pytest process, as a user runs it, gives the same outcomes."""
    result = stories.runpytest_subprocess(*_plugin_args())
    result.assert_outcomes(passed=1, failed=1)
    assert "Traceback" not in result.stdout.str()


def test_conformance_suite_on_a_healthy_template(pytester: pytest.Pytester) -> None:
    """--verantwortung-template runs six conformance checks that pass on the bundled one."""
    pytester.makepyfile("def test_nothing():\n    assert True\n")
    result = pytester.runpytest("--verantwortung-template", "verantwortungspartner",
                                "--verantwortung-runs", "3", *_plugin_args())
    result.assert_outcomes(passed=7)


def test_conformance_suite_names_the_culprit(pytester: pytest.Pytester) -> None:
    """A template with an unsatisfiable guard fails the guards check with its location."""
    from pathlib import Path

    broken = Path(__file__).parent / "check_templates" / "unsatisfiable_guard.yaml"
    result = pytester.runpytest("--verantwortung-template", str(broken),
                                "--verantwortung-runs", "3", *_plugin_args())
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(["*unsatisfiable_guard.yaml:12:7: C002 guard 'no_municipality'*"])
    assert "Traceback" not in result.stdout.str()


def test_unknown_names_fail_before_any_step(pytester: pytest.Pytester) -> None:
    """A misspelt trigger expected to be refused fails the item with S001 at its line."""
    pytester.makefile(".scenario.yaml", typo="""\
template: verantwortungspartner
steps:
  - do: hold_kickof
    expect: refused
  - expect_phase: kickof
""")
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(failed=1)
    path = pytester.path / "typo.scenario.yaml"
    result.stdout.fnmatch_lines([
        "*the scenario has errors; no step ran:*",
        f"{path}:3:9: S001 unknown trigger or event 'hold_kickof' (did you mean "
        "'hold_kickoff'?)",
        f"{path}:5:19: S004 unknown phase 'kickof' (did you mean 'kickoff'?)*",
    ])


def test_broken_invariant_fails_the_item(pytester: pytest.Pytester) -> None:
    """A step that breaks an invariant fails with the step's line and the invariant's code."""
    from pathlib import Path

    template = Path(__file__).parent / "check_templates" / "violated_invariant.yaml"
    steps = "".join(f"  - {{do: partner_added, with: {{id: p{n}, name: P{n}, kind: company}}}}\n"
                    f"  - {{do: circle_member_joined, with: {{partner: p{n}}}}}\n"
                    for n in range(1, 5))
    pytester.makefile(".scenario.yaml", big=f"template: {template}\nsteps:\n{steps}")
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(failed=1)
    path = pytester.path / "big.scenario.yaml"
    result.stdout.fnmatch_lines([
        f"{path}:10:5: step 8: breaks the invariant small_circle (*violated_invariant.yaml:6:3): "
        "4 members",
    ])
