"""The README's examples work: its YAML loads and its Python runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import verantwortung as v
from verantwortung.testing import load_scenario

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(yaml|python)\n(.*?)```", README, flags=re.S)
YAML = [text for kind, text in BLOCKS if kind == "yaml"]
PYTHON = [text for kind, text in BLOCKS if kind == "python"]


@pytest.mark.parametrize("text", YAML, ids=lambda t: t.split("\n", 1)[0][:40])
def test_readme_yaml_blocks_load(text: str, tmp_path: Path) -> None:
    """Each YAML example is a template that loads, or a scenario that validates."""
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    if "steps:" in text:
        assert load_scenario(path).doc.steps
    else:
        errors = [d for d in v.check_template(path) if d.severity == "error"]
        assert [] == [str(d) for d in errors]


def test_readme_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python examples run as written, in order, like one session (in a scratch folder)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    session: dict[str, object] = {}
    for text in PYTHON:  # the README is ours: running it is the test
        exec(compile(text, "README.md", "exec"), session)
    proc = session["proc"]
    assert isinstance(proc, v.Process)
    assert "preparation" == proc.phase
    assert (tmp_path / "regions.sqlite3").exists()


def test_readme_has_examples() -> None:
    """The README keeps its examples (so the tests above cannot pass by finding none)."""
    assert len(YAML) >= 3
    assert len(PYTHON) >= 2
