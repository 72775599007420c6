"""What every command of the CLI shares: exit codes, output, and the usage error."""

from __future__ import annotations

import sys

from .model.text import counted

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "CommandUsageError", "counted", "err",
           "out"]

#: 0 success, 1 problems found (or an expectation failed), 2 usage error
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class CommandUsageError(Exception):
    """Bad command-line input discovered after parsing (exit 2)."""


def out(text: str = "") -> None:
    """A line on standard output."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """A line on standard error."""
    sys.stderr.write(text + "\n")


