"""What every command of the CLI shares: exit codes, output, and the usage error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..model.text import counted

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "CommandUsageError", "counted", "err",
           "out", "out_json", "write_output"]

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


def out_json(value: Any) -> None:
    """``value`` as indented JSON on standard output (dates and other values as text)."""
    out(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def write_output(output: str | None, data: str | bytes) -> None:
    """Write ``data`` to the file ``output``, or to stdout."""
    if output is None or output == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
        return
    try:
        if isinstance(data, bytes):
            Path(output).write_bytes(data)
        else:
            Path(output).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise CommandUsageError(f"cannot write {output}: {exc.strerror or exc}") from None
