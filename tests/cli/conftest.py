"""Fixtures of the command-line tests: a store holding the demo region."""

from __future__ import annotations

from pathlib import Path

import pytest

from verantwortung.cli import main


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite store file holding the demo process (Mittelweser, 2013-09 to 2017-11)."""
    db = str(tmp_path / "demo.sqlite3")
    assert 0 == main(["demo", "--db", db])
    capsys.readouterr()
    return db
