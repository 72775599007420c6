"""Telling a scenario file from a template (testing/sniff.py), without the scenario runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from verantwortung.testing import scenario_diagnostics, sniff

ROOT = Path(__file__).resolve().parents[2]


def test_telling_a_scenario_from_a_template_parses_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """is_scenario_file and the check after it read a scenario's YAML once, not twice."""
    source = ROOT / "examples" / "scenarios" / "mittelweser.scenario.yaml"
    path = tmp_path / "story.yaml"  # not named *.scenario.yaml: its content tells
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list[object] = []
    real = sniff.load_yaml_file

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sniff, "load_yaml_file", counted)
    assert sniff.is_scenario_file(path)
    assert [] == scenario_diagnostics(path)
    assert [path] == calls


def test_a_scenario_changed_after_it_was_told_apart_is_read_again(tmp_path: Path) -> None:
    """A file edited between is_scenario_file and the check is checked as it is now."""
    path = tmp_path / "story.yaml"
    path.write_text("template: verantwortungspartner\nregion: X\nsteps: []\n",
                    encoding="utf-8")
    assert sniff.is_scenario_file(path)
    path.write_text("template: verantwortungspartner\nregion: X\nstep: []\n",
                    encoding="utf-8")
    assert {"E101", "E102"} == {d.code for d in scenario_diagnostics(path)}


@pytest.mark.parametrize("path", sorted(ROOT.glob("process_templates/*.yaml"), key=str),
                         ids=lambda p: p.name)
def test_a_shipped_template_is_no_scenario(path: Path) -> None:
    """No template that ships reads as a scenario file."""
    assert not sniff.is_scenario_file(path)


def test_a_scenario_is_told_by_its_name_or_its_steps(tmp_path: Path) -> None:
    """*.scenario.yaml is a scenario by its name; another YAML by a top-level steps:."""
    named = tmp_path / "x.scenario.yaml"
    named.write_text("", encoding="utf-8")
    stepped, mentions = tmp_path / "a.yaml", tmp_path / "b.yaml"
    stepped.write_text("template: t\nsteps: []\n", encoding="utf-8")
    mentions.write_text("id: t\ndescription: {en: 'three steps'}\n", encoding="utf-8")
    assert (True, True, False, False) == (
        sniff.is_scenario_file(named), sniff.is_scenario_file(stepped),
        sniff.is_scenario_file(mentions), sniff.is_scenario_file("verantwortungspartner"))


def test_sniffing_imports_neither_the_engine_nor_pydantic() -> None:
    """Importing the sniffer (what validate asks of every file) leaves the scenario
    runner, the engine and pydantic unimported."""
    code = ("import sys\nfrom verantwortung.testing.sniff import is_scenario_file\n"
            "print(sorted(m for m in ('pydantic', 'verantwortung.engine', "
            "'verantwortung.testing.scenario') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert "[]" == out
