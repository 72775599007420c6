"""Where a store finds things: a template's source, an export's template, a SQLite file.

How a template reference resolves is :func:`verantwortung.io.loader.resolve_reference`'s
to say; this module only decides which reference to remember or to load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ..exceptions import StoreError
from ..io.loader import resolve_reference

__all__ = ["export_source", "missing_sqlite_file", "pinned_source", "template_source"]


def template_source(source: str | Path) -> str:
    """What to remember about where a template came from: a bundled id or an absolute path."""
    text = str(source)
    if resolve_reference(source).shipped:
        return text
    return str(Path(text).resolve())


def pinned_source(source: str, version: str) -> str:
    """The source a stored process loads its template from: a bare bundled id recorded
    for it means the version it was written with (``id@version``) while that version
    ships, so a store written before a new version keeps loading; anything else as it is.
    """
    return resolve_reference(source).pinned(version).text


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
        if resolve_reference(recorded).shipped:
            return pinned_source(recorded, str(version or ""))
        if Path(recorded).is_file():
            return recorded
        raise StoreError(f"the export was made with template {tid} {version} from "
                         f"{recorded}, which is gone; give the template with --template "
                         "(or source=)")
    if tid and resolve_reference(tid).shipped:
        return pinned_source(tid, str(version or ""))
    raise StoreError(f"the export was made with template {tid or '?'} {version or ''}, "
                     "which is not bundled; give the template's file with --template "
                     "(or source=)".replace("  ", " "))
