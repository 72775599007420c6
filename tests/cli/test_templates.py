"""The template commands: validate (templates and scenarios), templates, schema, codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT, SHIPPED_TEMPLATES
from verantwortung.cli import main

LINE = re.compile(r"^.+:\d+:\d+: [EW]\d{3} .+$")


def test_validate_shipped_templates_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """validate on the bundled templates prints nothing to stdout and exits 0."""
    assert 0 == main(["validate", *map(str, SHIPPED_TEMPLATES)])
    out, err = capsys.readouterr()
    assert "" == out
    assert "0 errors, 0 warnings" in err


def test_validate_prints_one_line_per_diagnostic(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """Each problem is a PATH:LINE:COL: CODE message line; exit 1."""
    path = write(MINIMAL.replace("to: kickoff}", "to: kickof}"))
    assert 1 == main(["validate", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert 1 == len(lines)
    assert LINE.match(lines[0])
    assert lines[0].startswith(f"{path}:13:") or ":13:" in lines[0]
    assert " E201 unknown phase 'kickof' (did you mean 'kickoff'?)" in lines[0]


def test_warnings_pass_unless_strict(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """Warnings alone exit 0; with --strict they exit 1."""
    path = write(MINIMAL.replace("{de: Abschluss, en: Closing}}", "{de: Abschluss}}"))
    assert 0 == main(["validate", str(path)])
    assert 1 == main(["validate", "--strict", str(path)])
    assert "W101" in capsys.readouterr().out


def test_validate_json(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """--format json gives files, diagnostics with all fields, and totals."""
    path = write(MINIMAL.replace("to: kickoff}", "to: kickof}"))
    assert 1 == main(["validate", "--format", "json", str(path)])
    report = json.loads(capsys.readouterr().out)
    assert (1, 0, False) == (report["errors"], report["warnings"], report["ok"])
    [diag] = report["files"][0]["diagnostics"]
    assert {"path", "line", "column", "code", "severity", "message"} == set(diag)


def test_templates_lists_the_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    """templates lists ids, versions and titles; JSON on request."""
    assert 0 == main(["templates"])
    assert "verantwortungspartner " in capsys.readouterr().out
    assert 0 == main(["templates", "--format", "json", "--lang", "de"])
    rows = json.loads(capsys.readouterr().out)
    assert "Verantwortungspartner-Methode" == next(
        r for r in rows if r["id"] == "verantwortungspartner")["title"]


def test_templates_lists_the_versions_that_ship(capsys: pytest.CaptureFixture[str]) -> None:
    """Each template once, at its newest version, naming the earlier ones by reference."""
    assert 0 == main(["templates"])
    out = capsys.readouterr().out
    assert "(also verantwortungspartner@1.0)" in out
    assert 1 == sum(line.startswith("verantwortungspartner ") for line in out.splitlines())
    assert 0 == main(["templates", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert ("2.0", ["1.0", "2.0"]) == next(
        (r["version"], r["versions"]) for r in rows if r["id"] == "verantwortungspartner")


def test_schema_to_file(tmp_path: Path) -> None:
    """schema -o writes the JSON Schema."""
    out = tmp_path / "s.json"
    assert 0 == main(["schema", "-o", str(out)])
    assert "phases" in json.loads(out.read_text(encoding="utf-8"))["properties"]


def test_codes_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    """codes prints each code with its title."""
    from verantwortung.io.codes import CODES

    assert 0 == main(["codes"])
    assert len(CODES) == len(capsys.readouterr().out.splitlines())


SHIPPED_SCENARIOS = sorted((ROOT / "examples").rglob("*.scenario.yaml"))

TYPO_STORY = """\
template: verantwortungspartner
steps:
  - do: partner_added
    with: {id: brauerei, name: Brauhaus, knd: company}
    by: koordinator
  - do: hold_kickof
    expect: refused
    reasons: [circle_to_small]
"""


def test_validate_accepts_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    """validate on every shipped scenario file prints nothing and exits 0."""
    assert 0 == main(["validate", *map(str, SHIPPED_SCENARIOS)])
    out, err = capsys.readouterr()
    assert "" == out
    assert f"0 errors, 0 warnings in {len(SHIPPED_SCENARIOS)} files" in err


def test_validate_reports_every_unknown_name_of_a_scenario(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """A scenario's unknown payload key, role, trigger and reason code: one line each, exit 1."""
    path = write(TYPO_STORY, "typo.scenario.yaml")
    assert 1 == main(["validate", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert [f"{path}:4:42: S005", f"{path}:5:9: S002", f"{path}:6:9: S001",
            f"{path}:8:15: S003"] == [" ".join(line.split(" ")[:2]) for line in lines]


def test_validate_knows_a_scenario_by_its_steps(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """A YAML file without the .scenario.yaml suffix is a scenario when it has steps:."""
    path = write(TYPO_STORY, "story.yaml")
    assert 1 == main(["validate", "--format", "json", str(path)])
    [report] = json.loads(capsys.readouterr().out)["files"]
    assert ("scenario", False) == (report["kind"], report["valid"])
    assert ["S005", "S002", "S001", "S003"] == [d["code"] for d in report["diagnostics"]]


def test_validate_json_for_templates_and_scenarios(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """--format json marks each file as template or scenario, with the same totals."""
    template, story = write(MINIMAL, "mini.yaml"), write(TYPO_STORY, "typo.scenario.yaml")
    assert 1 == main(["validate", "--format", "json", str(template), str(story)])
    report = json.loads(capsys.readouterr().out)
    assert [("template", True), ("scenario", False)] == [(f["kind"], f["valid"])
                                                         for f in report["files"]]
    assert (4, 0, False) == (report["errors"], report["warnings"], report["ok"])
