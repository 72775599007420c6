"""Item 7 through the command line: every failure is a clear line, never "internal error"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from verantwortung.cli import main


def _new(db: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert 0 == main(["new", "verantwortungspartner", "--region", "Trier", "--db", db])
    return capsys.readouterr().out.strip()


@pytest.mark.parametrize("content", [b"\xff\xfe{\"text\": 1}", b"[" * 100_000 + b"]" * 100_000,
                                     b"{\"text\": " + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_a_hostile_data_file_is_a_usage_error(tmp_path: Path, content: bytes,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """``--data @file`` with non-UTF-8 bytes or 100,000-deep JSON exits 2 with one line."""
    db = str(tmp_path / "s.sqlite3")
    pid = _new(db, capsys)
    data = tmp_path / "data.json"
    data.write_bytes(content)
    code = main(["fire", pid, "note_added", "--db", db, "--data", f"@{data}"])
    err = capsys.readouterr().err
    assert (2, False) == (code, "internal error" in err)
    assert 1 == len(err.strip().splitlines())


def test_an_actor_with_undecodable_bytes_is_refused(tmp_path: Path) -> None:
    """``--actor $'coordinator:\\xff'`` is refused (exit 1) with a reason, not a crash."""
    db = str(tmp_path / "s.sqlite3")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = [sys.executable, "-m", "verantwortung"]
    new = subprocess.run([*run, "new", "verantwortungspartner", "--region", "Trier", "--db", db],
                         capture_output=True, env=env, check=True)
    pid = new.stdout.decode().strip()
    done = subprocess.run([*run, "fire", pid, "note_added", "--db", db, "--data",
                           '{"text": "x"}', os.fsencode("--actor"), b"coordinator:\xff"],
                          capture_output=True, env=env)
    out = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert (1, False) == (done.returncode, "internal error" in out)
    assert "invalid_actor" in out


def test_a_far_future_date_is_refused_on_the_command_line(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    """``fire --at 9999-12-31`` is refused with timestamp_in_future, exit 1."""
    db = str(tmp_path / "s.sqlite3")
    pid = _new(db, capsys)
    code = main(["fire", pid, "note_added", "--db", db, "--data", '{"text": "x"}',
                 "--at", "9999-12-31"])
    assert (1, True) == (code, "timestamp_in_future" in capsys.readouterr().out)
