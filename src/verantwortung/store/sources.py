"""Where a store finds things: a template's source, an export's template, a SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ..exceptions import StoreError
from ..io.loader import VERSION_MARK, bundled_path, names_bundled, split_reference

__all__ = ["export_source", "missing_sqlite_file", "pinned_source", "template_source"]


def template_source(source: str | Path) -> str:
    """What to remember about where a template came from: a bundled id or an absolute path."""
    text = str(source)
    if names_bundled(source) and bundled_path(text) is not None:
        return text
    return str(Path(text).resolve())


def pinned_source(source: str, version: str) -> str:
    """The source a stored process loads its template from: a bare bundled id recorded
    for it means the version it was written with (``id@version``) while that version
    ships, so a store written before a new version keeps loading; anything else as it is.
    """
    if not names_bundled(source) or split_reference(source)[1] is not None:
        return source
    pinned = f"{source}{VERSION_MARK}{version}"
    return pinned if bundled_path(pinned) is not None else source


def missing_sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names when it does not exist; None otherwise (in memory,
    another database, or a file that is there)."""
    try:
        parsed = make_url(url)
    except Exception:  # an unparseable URL: create_engine says why
        return None
    database = parsed.database or ""
    if (not parsed.drivername.startswith("sqlite") or database in ("", ":memory:")
            or database.startswith("file:") or Path(database).exists()):
        return None
    return database


def export_source(data: dict[str, Any]) -> str:
    """Where an export's template is found: its recorded source, else a bundled id."""
    tid = str(data.get("template") or "")
    version = data.get("template_version")
    recorded = data.get("template_source")
    if isinstance(recorded, str) and recorded:
        if names_bundled(recorded) and bundled_path(recorded) is not None:
            return pinned_source(recorded, str(version or ""))
        if Path(recorded).is_file():
            return recorded
        raise StoreError(f"the export was made with template {tid} {version} from "
                         f"{recorded}, which is gone; give the template with --template "
                         "(or source=)")
    if tid and bundled_path(tid) is not None:
        return pinned_source(tid, str(version or ""))
    raise StoreError(f"the export was made with template {tid or '?'} {version or ''}, "
                     "which is not bundled; give the template's file with --template "
                     "(or source=)".replace("  ", " "))
