"""The process commands: new, list, status, fire, history, export, import, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from verantwortung.cli import main


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite store file in tmp_path."""
    return str(tmp_path / "cli.sqlite3")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_runs_the_whole_method(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """demo prints refusals in German and ends in consolidation, stored in the file."""
    code, out, _ = _run(capsys, "demo", "--db", db)
    assert 0 == code
    assert "Der Initiativkreis hat 3 Unternehmen; mindestens 5 sind nötig." in out
    assert "→ Verstetigung" in out
    code, out, _ = _run(capsys, "list", "--db", db, "--format", "json")
    [row] = json.loads(out)
    assert ("consolidation", "Mittelweser") == (row["phase"], row["region"])


def test_new_fire_status_history(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A process is created, refused with reasons, advanced, and its history listed."""
    code, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "Trier",
                        "--param", "milestones_max=4", "--db", db)
    pid = out.strip()
    assert (0, 32) == (code, len(pid))
    code, out, _ = _run(capsys, "fire", pid, "hold_kickoff", "--db", db, "--lang", "en")
    assert 1 == code
    assert "circle_too_small: The initiative circle has 0 companies" in out
    code, out, _ = _run(capsys, "fire", pid, "partner_added", "--db", db, "--data",
                        '{"id": "p1", "name": "Muster GmbH", "kind": "company"}')
    assert (0, "✓ partner_added (event 2), phase preparation") == (code, out.strip())
    code, out, _ = _run(capsys, "status", pid, "--db", db, "--format", "json")
    status = json.loads(out)
    kickoff = next(o for o in status["options"] if o["name"] == "hold_kickoff")
    assert (2, False) == (status["version"], kickoff["allowed"])
    code, out, _ = _run(capsys, "history", pid, "--db", db, "--format", "json")
    assert ["process_started", "partner_added"] == [e["kind"] for e in json.loads(out)]
    code, out, _ = _run(capsys, "status", pid, "--db", db)
    assert "Vorbereitungsphase" in out and "Der Initiativkreis hat 0 Unternehmen" in out


def test_data_from_file_and_bad_data(db: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--data @file reads JSON; invalid JSON is a usage error (exit 2)."""
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    pid = out.strip()
    payload = tmp_path / "p.json"
    payload.write_text('{"text": "Notiz"}', encoding="utf-8")
    assert 0 == _run(capsys, "fire", pid, "note_added", "--data", f"@{payload}", "--db", db)[0]
    code, _, err = _run(capsys, "fire", pid, "note_added", "--data", "{kaputt", "--db", db)
    assert 2 == code and "not valid JSON" in err
    assert 2 == _run(capsys, "new", "verantwortungspartner", "--region", "X",
                     "--param", "novalue", "--db", db)[0]
    code, _, err = _run(capsys, "new", "verantwortungspartner", "--region", " ", "--db", db)
    assert 2 == code and "region must be a non-empty text" in err
    assert 2 == _run(capsys, "new", "verantwortungspartner", "--region", "X", "--at",
                     "gestern", "--db", db)[0]


def test_export_import_round_trip(db: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """export writes JSON that import loads into another store."""
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    pid = out.strip()
    exported = tmp_path / "p.json"
    assert 0 == _run(capsys, "export", pid, "-o", str(exported), "--db", db)[0]
    other = str(tmp_path / "other.sqlite3")
    code, out, _ = _run(capsys, "import", str(exported), "--db", other)
    assert (0, pid) == (code, out.strip())
    assert 2 == _run(capsys, "import", str(tmp_path / "missing.json"), "--db", other)[0]


def test_errors_are_messages_not_tracebacks(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown ids, unknown templates and corrupt rows exit 1 with a message."""
    code, _, err = _run(capsys, "status", "nope", "--db", db)
    assert 1 == code and "no process 'nope'" in err
    code, _, err = _run(capsys, "new", "no-such-template", "--region", "X", "--db", db)
    assert 1 == code and "E001" in err
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    pid = out.strip()
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE vt_events SET payload = 'kaputt' WHERE seq = 1"))
    engine.dispose()
    code, _, err = _run(capsys, "status", pid, "--db", db)
    assert 1 == code and f"process {pid}, event 1: stored event is corrupt" in err
    assert "Traceback" not in err


def test_db_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """VERANTWORTUNG_DB chooses the store when --db is not given."""
    monkeypatch.setenv("VERANTWORTUNG_DB", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    _run(capsys, "new", "verantwortungspartner", "--region", "Env")
    assert (tmp_path / "env.sqlite3").exists()
