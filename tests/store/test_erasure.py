"""Erasing a person's personal data: no trace in the database, the export or the snapshots;
the log still replays to the same phase and records, minus the values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import verantwortung as v
from verantwortung.engine.erasure import TOMBSTONE

PEOPLE = v.load_template(Path(__file__).parents[1] / "engine" / "people.yaml")
SECRETS = ("Anna Schmidt", "Anna Schmitt", "anna.schmidt@example.org", "+49 361 5550123")


def _story(store: v.EventStore) -> v.Process:
    """A process with a person whose data is in adds, updates, a correction and snapshots."""
    proc = v.Process.start(PEOPLE, region="Erfurt", at="2014-01-01")
    store.add(proc)
    fire = store.fire
    fire(proc.id, "partner_added", payload={"id": "p1", "name": "Muster GmbH",
                                            "kind": "company"})
    _, added = fire(proc.id, "person_added", payload={
        "id": "pe1", "name": "Anna Schmidt", "partner": "p1",
        "email": "anna.schmidt@example.org"})
    fire(proc.id, "person_added", payload={"id": "pe2", "name": "Bernd Weber"})
    fire(proc.id, "person_updated", payload={"id": "pe1", "phone": "+49 361 5550123"})
    fire(proc.id, "event_corrected", actor="facilitator", payload={
        "event": added.event.id, "reason": "Schreibweise", "payload": {
            "id": "pe1", "name": "Anna Schmitt", "partner": "p1",
            "email": "anna.schmidt@example.org"}})
    store.snapshot(proc.id)
    fire(proc.id, "note_added", payload={"text": "Treffen vereinbart"})
    return store.load(proc.id)


def _everything(url: str) -> str:
    """Every value of every table of the store, as one text."""
    engine = create_engine(url)
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if url.startswith("sqlite")
            else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
        rows = [str(tuple(r)) for n in names for r in conn.execute(text(f"SELECT * FROM {n}"))]
    engine.dispose()
    return "\n".join(rows)


def test_erasure_leaves_no_trace_and_replays(store_url: str, tmp_path: Path) -> None:
    """After erase_person no erased string is in any table, file or export; replay equals."""
    with v.EventStore(store_url, snapshot_every=3) as store:
        before = _story(store)
        assert all(s in _everything(store_url) for s in SECRETS[1:])
        erased = store.erase_person(before.id, "pe1", reason="Antrag auf Löschung",
                                    actor="facilitator")
        exported = json.dumps(store.export(before.id), ensure_ascii=False)
        assert erased == v.Process.replay(PEOPLE, store.events(before.id))
        assert erased == store.load(before.id, use_snapshot=False)
        last = erased.history[-1]
    dump = _everything(store_url)
    for secret in SECRETS:
        assert secret not in dump
        assert secret not in exported
    assert "Bernd Weber" in dump
    assert "Muster GmbH" in exported
    assert (before.phase, before.version + 1) == (erased.phase, erased.version)
    people = {r["id"]: r for r in erased.records("people")}
    assert {"id": "pe1", "name": TOMBSTONE, "partner": "p1", "email": TOMBSTONE,
            "phone": TOMBSTONE} == people["pe1"]
    assert {"id": "pe2", "name": "Bernd Weber"} == people["pe2"]
    assert ("person_erased", {"person": "pe1", "collection": "people",
                              "fields": ["name", "email", "phone"],
                              "reason": "Antrag auf Löschung"}) == (last.kind, last.payload)
    if store_url.startswith("sqlite"):
        raw = Path(store_url.removeprefix("sqlite:///"))
        files = [p for p in raw.parent.iterdir() if p.name.startswith(raw.name)]
        blob = b"".join(p.read_bytes() for p in files)  # before VACUUM: secure_delete
        engine = create_engine(store_url)
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
        engine.dispose()
        blob += b"".join(p.read_bytes() for p in files if p.exists())
        for secret in SECRETS:
            assert secret.encode() not in blob


def test_an_erasure_is_refused_with_reasons_and_changes_nothing(store_url: str) -> None:
    """An unknown person, a role that may not erase or no reason: refused, nothing written."""
    with v.EventStore(store_url) as store:
        proc = _story(store)
        rows = store.events(proc.id)
        with pytest.raises(v.TransitionRefused) as info:
            store.erase_person(proc.id, "nobody", reason="x")
        assert ["unknown_person"] == [r.code for r in info.value.reasons]
        with pytest.raises(v.TransitionRefused) as info:
            store.erase_person(proc.id, "pe1", reason=" ", actor="partner")
        assert ["role_not_allowed", "invalid_payload"] == [r.code for r in info.value.reasons]
        assert rows == store.events(proc.id)


def test_an_erasure_racing_a_writer_is_a_concurrency_error(store_url: str) -> None:
    """When another writer appends in between, nothing of the erasure is written."""
    from verantwortung.store import erasure

    with v.EventStore(store_url) as store, v.EventStore(store_url) as other:
        proc = _story(store)
        real = erasure._write

        def late(*args: object) -> object:
            other.fire(proc.id, "note_added", payload={"text": "dazwischen"})
            return real(*args)  # type: ignore[arg-type]

        erasure._write = late  # type: ignore[assignment]
        try:
            with pytest.raises(v.ConcurrencyError):
                store.erase_person(proc.id, "pe1", reason="Antrag")
        finally:
            erasure._write = real
        assert "Anna Schmitt" in _everything(store_url)
        assert "person_erased" not in [e.kind for e in store.events(proc.id)]


def test_the_cli_erases_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """verantwortung erase says what it erased; an unknown person exits 1 with the reason."""
    from verantwortung.cli import main

    db = tmp_path / "cli.sqlite3"
    with v.EventStore(f"sqlite:///{db}") as store:
        proc = _story(store)
    assert 1 == main(["erase", proc.id[:8], "zz", "--reason", "x", "--db", str(db),
                      "--lang", "en"])
    assert "unknown_person" in capsys.readouterr().out
    assert 0 == main(["erase", proc.id[:8], "pe1", "--reason", "Antrag", "--db", str(db),
                      "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert (True, ["name", "email", "phone"]) == (out["erased"], out["event"]["payload"]["fields"])
