"""Item 1 and the file cases of item 4: only regular YAML files inside the roots are read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import verantwortung as v
from tests.conftest import MINIMAL
from verantwortung.testing.scenario import ScenarioError, run_scenario


def _codes(source: str | Path, **kwargs: object) -> list[tuple[str, str]]:
    """(code, message) of every diagnostic of ``source``."""
    return [(d.code, d.message) for d in v.check_template(source, **kwargs)]  # type: ignore[arg-type]


def test_extends_of_a_system_file_is_refused_without_reading_it(write) -> None:  # type: ignore[no-untyped-def]
    """``extends: /etc/passwd`` is E401, and no line of that file is quoted."""
    path = write("extends: /etc/passwd\n" + MINIMAL)
    found = _codes(path)
    assert ["E401"] == [code for code, _ in found]
    assert "root" not in found[0][1]


@pytest.mark.parametrize("name", ["/dev/stdin", "/dev/zero", "/proc/self/environ", "/etc"])
def test_devices_and_system_files_are_not_templates(name: str) -> None:
    """Devices, /proc and directories are E001 at once (no hang, no read)."""
    assert ["E001"] == [code for code, _ in _codes(name)]


def test_a_fifo_named_yaml_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO is not a regular file: E001, without blocking on a writer."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert [("E001", "is not a regular file (a device, FIFO or socket)")] == _codes(fifo)


def test_a_symlink_loop_is_a_diagnostic(tmp_path: Path) -> None:
    """Two symlinks pointing at each other give E001, not an exception."""
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert ["E001"] == [code for code, _ in _codes(tmp_path / "a.yaml")]


def test_a_symlink_named_yaml_to_another_file_is_refused(tmp_path: Path) -> None:
    """A ``.yaml`` symlink to a file of another name is not read."""
    (tmp_path / "pw.yaml").symlink_to("/etc/passwd")
    assert [("E001", "only files named *.yaml or *.yml are read")] == _codes(
        tmp_path / "pw.yaml")


@pytest.mark.parametrize(("reference", "problem"), [
    ("a\x00b.yaml", "the path holds a NUL character"),
    ("a" * 300 + ".yaml", "the file name is too long"),
])
def test_impossible_paths_are_diagnostics(reference: str, problem: str) -> None:
    """A NUL or an over-long name is E001 with the reason, not OSError/ValueError."""
    assert [("E001", problem)] == _codes(reference)


def test_a_long_extends_name_is_located_at_extends(write) -> None:  # type: ignore[no-untyped-def]
    """``extends:`` of 300 characters is E401 at the key's value, quoted short."""
    path = write("extends: " + "a" * 300 + ".yaml\n" + MINIMAL)
    found = v.check_template(path)
    assert [("E401", 1, 10)] == [(d.code, d.line, d.column) for d in found]
    assert len(found[0].message) < 300


def test_roots_refuse_a_file_outside_them(tmp_path: Path) -> None:
    """With ``roots``, a template outside every root is E001; the bundled ones stay readable."""
    outside = tmp_path / "secret.yaml"
    outside.write_text(MINIMAL, encoding="utf-8")
    inside = tmp_path / "inside"
    inside.mkdir()
    assert ["E001"] == [code for code, _ in _codes(outside, roots=[inside])]
    assert "verantwortungspartner" == v.load_template("verantwortungspartner", roots=()).id


def test_roots_apply_to_extends_too(tmp_path: Path) -> None:
    """A child inside the roots may not extend ``../`` a file outside them."""
    (tmp_path / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    inside = tmp_path / "inside"
    inside.mkdir()
    child = inside / "child.yaml"
    child.write_text("extends: ../base.yaml\nid: child\n", encoding="utf-8")
    assert ["E401"] == [code for code, _ in _codes(child, roots=[inside])]
    assert "child" == v.load_template(child).id  # the default: what the user can read


def test_a_symlink_out_of_the_roots_is_refused(tmp_path: Path) -> None:
    """The real path counts: a symlink inside the roots to a file outside is refused."""
    (tmp_path / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "link.yaml").symlink_to(tmp_path / "base.yaml")
    assert ["E001"] == [code for code, _ in _codes(inside / "link.yaml", roots=[inside])]


def test_a_scenario_template_outside_the_roots_is_refused(tmp_path: Path) -> None:
    """The scenario runner takes ``roots`` for its ``template:``."""
    (tmp_path / "t.yaml").write_text(MINIMAL, encoding="utf-8")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    scenario = folder / "x.scenario.yaml"
    scenario.write_text("template: ../t.yaml\nregion: R\nsteps:\n  - expect_phase: "
                        "preparation\n", encoding="utf-8")
    assert 1 == run_scenario(scenario).steps
    with pytest.raises(ScenarioError) as info:
        run_scenario(scenario, roots=[folder])
    assert ["E001"] == [d.code for d in info.value.diagnostics]


def test_a_diagnostic_quotes_only_a_short_escaped_excerpt(write) -> None:  # type: ignore[no-untyped-def]
    """An unknown key of 100,000 characters is quoted short, control characters escaped."""
    path = write(MINIMAL + '? "\\e[31m' + "k" * 100_000 + '"\n: 1\n')
    [found] = v.check_template(path)
    assert ("E101", True, False) == (found.code, len(found.message) < 300, "\x1b" in found.message)
