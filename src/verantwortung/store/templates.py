"""The templates a store runs: kept in the store, found again when their file is gone.

``vt_templates`` holds every template a stored process runs on, once per semantic
digest: its expanded definition (no ``extends:``, complete in itself; the column is
named ``document``, read here as ``definition``), id, version, and where it came
from. ``vt_process_templates`` names the digest each process runs on.
A load resolves the process's template source as before (a bundled id, a file, or the
store's ``templates=`` resolver) and compares digests:

* same digest: that template is used (a wording fix of the file shows);
* same id and version, another digest: the file was changed without a new version,
  and the load is refused with what differs;
* the source is gone or now has another version: the kept template is used, so a
  file may move or a bundled template get a new version while old processes keep
  running (a source that is there but does not load is an error that says where).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, String, Table, Text, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from ..exceptions import StoreError, TemplateError
from ..io.loader import load_text
from ..model.template import ProcessTemplate
from ..rules.registry import registry
from .rows import ProcessInfo, now
from .schema import metadata
from .sources import export_source, template_source
from .statements import Prepared

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["KEPT", "definition_text", "export_template", "import_template", "kept_row", "link",
           "process_templates", "remember", "stored_template", "template_for", "templates"]

templates = Table(
    "vt_templates", metadata,
    Column("digest", String(64), primary_key=True),
    Column("template", String(64), nullable=False),
    Column("version", String(32), nullable=False),
    # the expanded definition as JSON; the column keeps its name, so that stores
    # written before stay readable
    Column("document", Text, key="definition", nullable=False),
    Column("origin", Text, nullable=False),  # the source it was first stored from
    Column("created_at", String(40), nullable=False),
)

# which template each process runs on now (a migration moves it)
process_templates = Table(
    "vt_process_templates", metadata,
    Column("process_id", String(64), primary_key=True),
    Column("digest", String(64), nullable=False),
)

_UNREAD: Any = object()


def definition_text(tpl: ProcessTemplate) -> str:
    """The expanded definition of ``tpl`` as JSON text that :func:`load_text` reads."""
    return tpl.definition_text()


def remember(conn: Connection, tpl: ProcessTemplate, origin: str) -> str:
    """Keep ``tpl`` in the store (once per digest), in this transaction; its digest."""
    digest = tpl.digest
    row = {"digest": digest, "template": tpl.id, "version": tpl.version,
           "definition": tpl.definition_text(), "origin": origin, "created_at": now()}
    # two writers may keep the same template at once: the second one's row is a no-op
    # each dialect's insert is imported when a store of that kind keeps a template: the
    # PostgreSQL package (and its drivers' modules) costs a SQLite store's start-up ~50 ms
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(templates).values(row).on_conflict_do_nothing())
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(templates).values(row).on_conflict_do_nothing())
    elif conn.execute(select(templates.c.digest).where(
            templates.c.digest == digest)).first() is None:
        conn.execute(insert(templates), row)
    return digest


def link(conn: Connection, process_id: str, digest: str) -> None:
    """Record that ``process_id`` runs on the template ``digest`` (in this transaction)."""
    if conn.execute(update(process_templates).where(
            process_templates.c.process_id == process_id).values(digest=digest)
    ).rowcount == 0:
        conn.execute(insert(process_templates), {"process_id": process_id, "digest": digest})


#: the kept template of a process (built and compiled once: it runs on every load)
# run as driver SQL: each column is labelled with its key, so a row reads ``definition``
KEPT = Prepared(select(*(c.label(c.key) for c in templates.c)).select_from(process_templates.join(
    templates, templates.c.digest == process_templates.c.digest)).where(
    process_templates.c.process_id == bindparam("pid")))


def kept_row(conn: Connection, process_id: str) -> Any:
    """The ``vt_templates`` row of the template ``process_id`` runs on (or None)."""
    return KEPT.run(conn, {"pid": process_id}).first()


def _links(store: EventStore) -> OrderedDict[tuple[str, str, str], Any]:
    """The kept rows this store object has seen, by process, template id and version: a
    process's link changes only with a move, and a move changes its version."""
    found = store.__dict__.get("_kept_links")
    if found is None:
        found = store.__dict__["_kept_links"] = OrderedDict()
    return found


def note(store: EventStore, process_id: str, tpl: ProcessTemplate, origin: str) -> None:
    """Remember what :func:`remember` and :func:`link` stored for ``process_id``."""
    links = _links(store)
    links[(process_id, tpl.id, tpl.version)] = SimpleNamespace(
        digest=tpl.digest, template=tpl.id, version=tpl.version,
        definition=tpl.definition_text(), origin=origin)
    while len(links) > 10_000:
        links.popitem(last=False)


def _kept(store: EventStore, info: ProcessInfo) -> Any:
    key = (info.id, info.template, info.template_version)
    links = _links(store)
    if key not in links:
        with store._reading() as conn:
            links[key] = kept_row(conn, info.id)
        while len(links) > 10_000:
            links.popitem(last=False)
    return links[key]


def stored_template(store: EventStore, row: Any) -> ProcessTemplate:
    """The template of a ``vt_templates`` row (loaded once per store and digest)."""
    key = f"stored:{row.digest}"
    if key not in store._templates:
        try:
            store._templates[key] = load_text(
                row.definition, f"<stored {row.template} {row.version}>",
                custom_rules=registry)
        except TemplateError as exc:  # a custom rule that is no longer registered, say
            raise StoreError(f"the stored template {row.template} {row.version} no longer "
                             f"loads:\n{exc}") from exc
    return store._templates[key]


def template_for(store: EventStore, info: ProcessInfo, source: str,
                 kept: Any = _UNREAD) -> ProcessTemplate:
    """The template a stored process runs on (see the module docstring); ``kept``: its
    :func:`kept_row`, when the caller read it already."""
    if kept is _UNREAD:
        kept = _kept(store, info)
    try:
        tpl: ProcessTemplate | None = store._resolve(source)
        problem: TemplateError | None = None
    except TemplateError as exc:
        tpl, problem = None, exc
    if tpl is not None and (tpl.id, tpl.version) == (info.template, info.template_version):
        if kept is None or tpl.digest == kept.digest:
            return tpl
        changes = stored_template(store, kept).differences(tpl)
        raise StoreError(
            f"process {info.id}: template {tpl.id} {tpl.version} ({source}) was changed "
            "without a new version since the process was stored:\n  "
            + "\n  ".join(changes) + "\ngive the template a new version and a migration "
            "plan (migrates_from), then run verantwortung migrate")
    # a source that is gone (or now another version) gives way to the kept copy; one
    # that is there but broken is the user's to fix, and says where
    gone = problem is not None and any(d.code == "E001" for d in problem.diagnostics)
    if kept is not None and (problem is None or gone):
        return stored_template(store, kept)
    if problem is not None:
        raise StoreError(f"process {info.id}: its template {source} no longer loads:\n"
                         f"{problem}") from problem
    assert tpl is not None
    raise StoreError(f"process {info.id} was written by template {info.template} "
                     f"{info.template_version}; {source} is {tpl.id} {tpl.version}")


def export_template(store: EventStore, process_id: str) -> dict[str, Any]:
    """What an export carries of its template: the expanded document and its digest."""
    with store._reading() as conn:
        kept = kept_row(conn, process_id)
    if kept is None:
        return {}
    return {"template_digest": kept.digest, "template_document": json.loads(kept.definition)}


def import_template(store: EventStore, data: dict[str, Any], source: str | Path | None
                    ) -> tuple[ProcessTemplate, str]:
    """The template of an export, and the source to remember for it.

    A ``source`` given wins. Otherwise the export's recorded source (or bundled id) is
    used when it still has the digest the export carries; else the template the export
    carries itself. An export without either is a StoreError that says so.
    """
    if source is not None:
        text = template_source(source)
        return store._resolve(text), text
    embedded, digest = data.get("template_document"), data.get("template_digest")
    try:
        text = template_source(export_source(data))
        found: ProcessTemplate | None = store._resolve(text)
    except (StoreError, TemplateError):
        if not isinstance(embedded, dict):
            raise
        found, text = None, str(data.get("template_source") or "")
    if found is not None and (not isinstance(embedded, dict)
                              or found.digest == digest):
        return found, text
    assert isinstance(embedded, dict)
    name = f"<export {data.get('template')} {data.get('template_version')}>"
    try:
        tpl = load_text(json.dumps(embedded, ensure_ascii=False), name,
                        custom_rules=registry)
    except TemplateError as exc:
        raise StoreError(f"the template the export carries does not load:\n{exc}") from exc
    if tpl.digest != digest:
        raise StoreError("the template the export carries is not the one its digest names")
    return tpl, text or tpl.id
