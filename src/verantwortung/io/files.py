"""Opening a template or scenario file: only regular YAML files, only inside the roots.

A template reference comes from a file (``extends:``, a scenario's ``template:``), from
the command line, or, in a web app, from other people. So the library opens only a
regular file named ``*.yaml``/``*.yml`` of bounded size: never a device, a FIFO, a
directory or ``/proc``, and never a path with a NUL or a name longer than the file
system allows. With ``roots``, the file (its real path, symlinks followed) must lie
inside one of them; the bundled templates are always readable. ``roots=None`` allows
whatever the user can read, which is what the command line wants.

Every refusal is a diagnostic at 1:1 of the file, never an exception; the reference
is quoted as a short, escaped excerpt.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SUFFIXES", "Opened", "Roots", "excerpt", "normalise_roots", "read_file"]

#: the names a template or scenario file may have
SUFFIXES = (".yaml", ".yml")
#: folders a reference may be read from; None: anything the user can read
Roots = tuple[Path, ...] | None
_MAX_NAME = 255  # one path component, as POSIX file systems allow
_MAX_PATH = 4096


def excerpt(text: object, limit: int = 40) -> str:
    """``text`` as a short escaped quote: control characters shown as escapes, cut at ``limit``."""
    shown = repr(str(text))
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


def normalise_roots(roots: Iterable[str | Path] | None) -> Roots:
    """The real paths of ``roots`` (None stays None: no restriction)."""
    if roots is None:
        return None
    return tuple(Path(os.path.realpath(r)) for r in roots)


@dataclass(frozen=True, slots=True)
class Opened:
    """What reading a file gave: its bytes, or why it was not read."""

    raw: bytes | None = None
    code: str = ""
    problem: str = ""
    size: int = 0


def _inside(real: Path, roots: tuple[Path, ...]) -> bool:
    return any(real == root or root in real.parents for root in roots)


def _name_problem(text: str) -> str | None:
    if "\x00" in text:
        return "the path holds a NUL character"
    if len(text) > _MAX_PATH or any(len(part.encode("utf-8", "surrogateescape")) > _MAX_NAME
                                    for part in text.split("/")):
        return "the file name is too long"
    if not text.lower().endswith(SUFFIXES):
        return "only files named *.yaml or *.yml are read"
    return None


def _real(path: Path) -> Path | str:
    """The real path, or why it has none (a symlink loop, an unreadable folder)."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return "file not found"
    except (OSError, RuntimeError) as exc:  # ELOOP, ENOTDIR, EACCES, ...
        return f"cannot read file: {getattr(exc, 'strerror', None) or 'symlink loop'}"


def _located(path: Path, roots: Roots, always: tuple[Path, ...]) -> Path | Opened:
    """The real path of a file that may be read, or the E001 problem why not."""
    problem = _name_problem(str(path))
    if problem is not None:
        return Opened(code="E001", problem=problem)
    real = _real(path)
    if isinstance(real, str):
        return Opened(code="E001", problem=real)
    if roots is not None and not _inside(real, (*roots, *always)):
        return Opened(code="E001", problem="outside the folders templates may be read from")
    if not real.name.lower().endswith(SUFFIXES):  # a symlink named .yaml to something else
        return Opened(code="E001", problem="only files named *.yaml or *.yml are read")
    return real


def _kind_problem(real: Path, mode: int) -> str | None:
    """Why an opened file is not one to read: a directory, a device, a system file."""
    if stat.S_ISDIR(mode):
        return "is a directory, not a template file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a device, FIFO or socket)"
    if real.parts[1:2] in (("proc",), ("sys",), ("dev",)):
        return "is a system file, not a template file"
    return None


def read_file(path: Path, max_bytes: int, roots: Roots = None,
              always: tuple[Path, ...] = ()) -> Opened:
    """The bytes of ``path`` (at most ``max_bytes`` + 1), or the E001/E002 problem.

    ``always`` are folders readable whatever ``roots`` says (the bundled templates).
    """
    real = _located(path, roots, always)
    if isinstance(real, Opened):
        return real
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        return Opened(code="E001", problem="is a directory, not a template file")
    except OSError as exc:
        return Opened(code="E001", problem=f"cannot read file: {exc.strerror or exc}")
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        problem = _kind_problem(real, info.st_mode)
        if problem is not None:
            return Opened(code="E001", problem=problem)
        if info.st_size > max_bytes:
            return Opened(code="E002", size=info.st_size)
        try:
            raw = fh.read(max_bytes + 1)
        except OSError as exc:
            return Opened(code="E001", problem=f"cannot read file: {exc.strerror or exc}")
    if len(raw) > max_bytes:
        return Opened(code="E002", size=len(raw))
    return Opened(raw=raw)
