"""The store's tables (SQLAlchemy Core): append-only events, a process index, snapshots.

Payloads and snapshot states are stored as JSON text that we encode and decode
ourselves, so one unreadable row is reported with its process id and sequence
number instead of failing a whole query, and the round trip is exact on every
database.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

__all__ = ["SCHEMA_VERSION", "events", "metadata", "processes", "snapshots"]

SCHEMA_VERSION = 1

metadata = MetaData()

processes = Table(
    "vt_processes", metadata,
    Column("id", String(64), primary_key=True),
    Column("template", String(64), nullable=False),
    Column("template_version", String(32), nullable=False),
    Column("template_source", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("phase", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)
Index("vt_processes_by_template", processes.c.template, processes.c.phase)
Index("vt_processes_by_region", processes.c.region)

events = Table(
    "vt_events", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("id", String(64), nullable=False, unique=True),
    Column("at", String(40), nullable=False),
    Column("actor", Text),
    Column("kind", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("template", String(64), nullable=False),
    Column("template_version", String(32), nullable=False),
    Column("phase", String(64), nullable=False),
    PrimaryKeyConstraint("process_id", "seq", name="vt_events_pk"),
)

snapshots = Table(
    "vt_snapshots", metadata,
    Column("process_id", String(64), ForeignKey("vt_processes.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    PrimaryKeyConstraint("process_id", "seq", name="vt_snapshots_pk"),
)
