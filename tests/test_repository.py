"""Habits of the repository itself that no other test sees."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# an absolute path of one machine: a home or root folder, or the checkout's own parent
_MACHINE_PATH = re.compile("(/" + "home/[a-z]+/|/" + "root/|/" + "work/)")


def _tracked_files() -> list[Path]:
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                              check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in done.stdout.decode("utf-8").split("\0") if name]


def test_no_file_names_a_path_of_one_machine() -> None:
    """Docs, scripts and code use `python` and relative paths, never one machine's paths."""
    found = []
    for path in _tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{path.relative_to(ROOT)}:{n}" for n, line in
                  enumerate(text.splitlines(), 1) if _MACHINE_PATH.search(line)]
    assert [] == found
