"""The feed commands: feed (CloudEvents), relay (webhooks, dead letters), schema --events."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

import verantwortung as v
from tests.store._receiver import SECRET, Receiver, closed_port, running_receiver
from verantwortung.cli import main
from verantwortung.store.schema import followers

TPL = v.load_template("verantwortungspartner")
ATTRIBUTES = {"specversion", "type", "source", "id", "time", "subject", "datacontenttype",
              "vtposition", "data"}


@pytest.fixture
def db(demo: str) -> str:
    """A SQLite store file holding the demo region."""
    return demo


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 that fails the first try of every event."""
    with running_receiver() as state:
        state.fail_first = 1
        yield state


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _new_process(store: v.EventStore) -> str:
    proc = v.Process.start(TPL, region="Jena")  # the demo region has ended: notes go here
    store.add(proc)
    return proc.id


def _feed(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> list[dict[str, Any]]:
    code, out, _ = _run(capsys, "feed", "--db", db, *argv)
    assert 0 == code
    return [json.loads(line) for line in out.splitlines()]


def test_feed_prints_every_event_as_a_cloudevent(db: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """One CloudEvent 1.0 a line, in position order, with labels and the template."""
    items = _feed(capsys, db)
    with v.EventStore(f"sqlite:///{db}") as store:
        stored = list(store.read_all())
    assert [s.position for s in stored] == [ce["vtposition"] for ce in items]
    assert all(ATTRIBUTES == set(ce) for ce in items)
    first = items[1]
    assert ("1.0", "verantwortung.partner_added", "urn:verantwortung", stored[1].event.id,
            stored[1].event.process, "application/json") == (
        first["specversion"], first["type"], first["source"], first["id"],
        first["subject"], first["datacontenttype"])
    assert {"de": "Partner aufgenommen", "en": "Partner added"} == first["data"]["label"]
    assert {"id": "verantwortungspartner", "version": TPL.version} == first["data"][
        "template"]
    assert stored[1].event.payload == first["data"]["payload"]
    assert items == json.loads(_run(capsys, "feed", "--db", db, "--format", "json")[1])


def test_feed_after_and_limit_page_through(db: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """--after continues after a position, --limit stops; text shows one line each."""
    assert [6, 7] == [ce["vtposition"] for ce in _feed(capsys, db, "--after", "5",
                                                        "--limit", "2")]
    code, out, _ = _run(capsys, "feed", "--db", db, "--format", "text", "--limit", "2",
                        "--lang", "en")
    lines = out.splitlines()
    assert (0, 2) == (code, len(lines))
    assert lines[1].split()[0] == "2"
    assert lines[1].endswith("Partner added")


def test_feed_refuses_an_after_beyond_the_end(db: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--after past the last position is a usage error that says where the feed ends."""
    last = len(_feed(capsys, db))
    assert [] == _feed(capsys, db, "--after", str(last))
    code, out, err = _run(capsys, "feed", "--db", db, "--after", str(last + 1))
    assert (2, "") == (code, out)
    assert f"--after {last + 1} is beyond the end of the feed: the last event is at " \
           f"position {last}" in err
    code, _, err = _run(capsys, "feed", "--db", db, "--follow", "--format", "json")
    assert 2 == code
    assert "--follow" in err


def test_feed_reads_but_never_creates_a_store(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """feed on a missing store says so (exit 1) and leaves no file behind."""
    missing = tmp_path / "none.sqlite3"
    code, _, err = _run(capsys, "feed", "--db", str(missing))
    assert 1 == code
    assert "no store" in err
    assert not missing.exists()


def test_feed_follow_prints_events_as_they_are_stored(db: str) -> None:
    """--follow waits and prints an event appended after it started."""
    with v.EventStore(f"sqlite:///{db}") as store:
        pid = _new_process(store)
        last = store.last_position()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-m", "verantwortung", "feed", "--db", db,
                              "--after", str(last), "--follow", "--limit", "1", "--poll",
                              "0.05"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(0.5)
        with v.EventStore(f"sqlite:///{db}") as store:
            store.fire(pid, "note_added", payload={"text": "später"})
        out, _ = child.communicate(timeout=60)
    finally:
        child.kill()
    [ce] = [json.loads(line) for line in out.splitlines()]
    assert (last + 1, "später") == (ce["vtposition"], ce["data"]["payload"]["text"])


def _check(schema: dict[str, Any], value: Any) -> None:
    """The parts of JSON Schema the event schemas use, enough to check a feed with."""
    if "const" in schema:
        assert schema["const"] == value
    if "enum" in schema:
        assert value in schema["enum"]
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict)
        assert set(schema.get("required", [])) <= set(value)
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(schema.get("properties", {}))
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _check(sub, value[key])
    elif kind == "string":
        assert isinstance(value, str)
        assert len(value) >= schema.get("minLength", 0)
    elif kind == "integer":
        assert isinstance(value, int)
        assert value >= schema.get("minimum", value)
    elif kind == "array":
        assert isinstance(value, list)
        for item in value:
            _check(schema["items"], item)


def test_schema_events_describes_every_kind_the_feed_writes(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """schema --events has a schema per trigger and event, and the demo's feed fits it."""
    code, out, _ = _run(capsys, "schema", "--events", "verantwortungspartner")
    schemas = json.loads(out)
    kinds = ({"process_started", "event_corrected", "event_retracted", "person_erased",
              "template_migrated"}
             | {t.id for t in TPL.triggers} | {e.id for e in TPL.events})
    assert (0, {f"verantwortung.{k}" for k in kinds}) == (code, set(schemas))
    partner = schemas["verantwortung.partner_added"]["properties"]["data"]["properties"][
        "payload"]
    assert ["id", "kind", "name"] == sorted(partner["required"])
    assert "company" in partner["properties"]["kind"]["enum"]
    for ce in _feed(capsys, db):
        _check(schemas[ce["type"]], ce)
    code, _, err = _run(capsys, "schema", "--events", "no-such-template")
    assert 1 == code
    assert "no-such-template" in err


def test_relay_posts_signed_events_and_lists_dead_letters(
        db: str, receiver: Receiver, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """relay delivers every event once in order through failed tries; a refused one is a
    dead letter (exit 1), listed by --dead-letters; a second run resumes."""
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET + b"\n")
    with v.EventStore(f"sqlite:///{db}") as store:
        pid = _new_process(store)
        store.fire(pid, "note_added", payload={"text": "poison"})
        last = store.last_position()
    argv = ["relay", "--db", db, "--to", receiver.url, "--secret-file", str(secret),
            "--until-idle", "--backoff", "0.001", "--max-tries", "2"]
    code, _, err = _run(capsys, *argv)
    assert (1, 0) == (code, receiver.bad_signatures)
    assert f"{last - 1} delivered, 1 to the dead letters, at position {last}" in err
    assert list(range(1, last)) == [ce["vtposition"] for ce in receiver.accepted]
    code, out, _ = _run(capsys, "relay", "--db", db, "--dead-letters", "--format", "json")
    [dead] = json.loads(out)
    assert (0, last, "note_added", 2) == (code, dead["position"], dead["kind"], dead["tries"])
    with v.EventStore(f"sqlite:///{db}") as store:
        store.fire(pid, "note_added", payload={"text": "danach"})
    code, _, err = _run(capsys, *argv)
    assert (0, last + 1) == (code, receiver.accepted[-1]["vtposition"])


def test_relay_refuses_bad_input_clearly(db: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A URL that is none, a missing secret file: usage errors; an unreachable receiver or
    a name held by a live relay: exit 1 with a message, and nothing moves."""
    code, _, err = _run(capsys, "relay", "--db", db, "--to", "ftp://example.org/")
    assert 2 == code
    assert "not an http:// or https:// URL" in err
    code, _, err = _run(capsys, "relay", "--db", db, "--to", "http://127.0.0.1:9/",
                        "--secret-file", str(tmp_path / "missing"))
    assert 2 == code
    assert "--secret-file" in err
    code, _, err = _run(capsys, "relay", "--db", db)
    assert 2 == code
    assert "--to URL is required" in err
    down = f"http://127.0.0.1:{closed_port()}/"
    code, _, err = _run(capsys, "relay", "--db", db, "--to", down, "--until-idle",
                        "--max-tries", "2", "--backoff", "0.001")
    assert 1 == code
    assert f"cannot deliver to {down} after 2 tries" in err
    with v.EventStore(f"sqlite:///{db}") as store, store.engine.begin() as conn:
        conn.execute(insert(followers), {"name": "busy", "position": 0,
                                         "owner": "elsewhere:42", "updated_at": "",
                                         "lease_until": time.time() + 60})
    code, _, err = _run(capsys, "relay", "--db", db, "--to", down, "--name", "busy",
                        "--until-idle")
    assert 1 == code
    assert "follower 'busy' is in use by elsewhere:42" in err
    code, out, err = _run(capsys, "relay", "--db", db, "--dead-letters")
    assert (0, "") == (code, out)
    assert "0 dead letters" in err
