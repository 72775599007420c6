"""The console helpers: JSON on stdout, and output to a file or stdout."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from verantwortung.cli.console import CommandUsageError, out_json, write_output


def test_out_json_writes_indented_unicode_and_dates_as_text(
        capsys: pytest.CaptureFixture[str]) -> None:
    """out_json keeps umlauts, indents by two and writes a date as its ISO text."""
    out_json({"region": "Thüringen", "at": dt.date(2014, 1, 20)})
    text = capsys.readouterr().out
    assert '  "region": "Thüringen",' in text.splitlines()
    assert {"region": "Thüringen", "at": "2014-01-20"} == json.loads(text)


def test_write_output_to_stdout_ends_with_one_newline(capsys: pytest.CaptureFixture[str]) -> None:
    """Text goes to stdout with exactly one final newline; '-' means stdout too."""
    write_output(None, "a")
    write_output("-", "b\n")
    assert "a\nb\n" == capsys.readouterr().out


def test_write_output_to_files(tmp_path: Path) -> None:
    """Text is written as UTF-8 and bytes as they are."""
    write_output(str(tmp_path / "t.md"), "Bäckerei")
    write_output(str(tmp_path / "b.png"), b"\x89PNG")
    assert "Bäckerei" == (tmp_path / "t.md").read_text(encoding="utf-8")
    assert b"\x89PNG" == (tmp_path / "b.png").read_bytes()


def test_an_unwritable_file_is_a_usage_error(tmp_path: Path) -> None:
    """A file in a folder that does not exist: CommandUsageError naming the file."""
    target = tmp_path / "missing" / "x.html"
    with pytest.raises(CommandUsageError, match=f"cannot write {target}"):
        write_output(str(target), "x")
