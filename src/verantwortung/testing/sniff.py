"""Telling a scenario file from a template without importing the scenario runner.

``verantwortung validate`` asks this of every file; only a scenario needs
:mod:`.scenario` (and with it the engine and the scenario models).
"""

from __future__ import annotations

from pathlib import Path

from ..io.yaml_source import Limits, SourceDoc, load_yaml_file

__all__ = ["SUFFIX", "is_scenario_file", "parsed"]

SUFFIX = ".scenario.yaml"

# the file is_scenario_file parsed last, by path, size and modification time: telling a
# scenario from a template and then checking it parses the file once, not twice
_PARSED: dict[str, tuple[tuple[int, int], SourceDoc]] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return stat.st_size, stat.st_mtime_ns


def parsed(path: Path) -> SourceDoc:
    """The YAML of ``path``: the parse :func:`is_scenario_file` kept, if the file is the
    same, else a new one."""
    kept = _PARSED.pop(str(path), None)
    if kept is not None and kept[0] == _stamp(path):
        return kept[1]
    return load_yaml_file(path)


def is_scenario_file(path: str | Path) -> bool:
    """True for ``*.scenario.yaml`` and for any YAML file whose top level has ``steps:``."""
    path = Path(path)
    if path.name.endswith(SUFFIX):
        return True
    if not path.is_file():
        return False  # e.g. a bundled template id
    try:  # a template never says 'steps': spare it a second parse
        with path.open("rb") as fh:
            if b"steps" not in fh.read(Limits().max_bytes + 1):
                return False
    except OSError:
        return False  # reading it as a template reports why it cannot be read
    stamp = _stamp(path)
    raw = load_yaml_file(path)
    found = raw.ok and isinstance(raw.data, dict) and "steps" in raw.data
    if found and stamp is not None:
        _PARSED.clear()
        _PARSED[str(path)] = (stamp, raw)
    return found
