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
    """demo prints refusals in German, goes on in the Verstetigung and ends normally."""
    code, out, _ = _run(capsys, "demo", "--db", db)
    assert 0 == code
    assert "Der Initiativkreis hat 4 Unternehmen; die Mindestzahl ist 5." in out
    assert "→ Verstetigung" in out
    assert "→ Beendet" in out
    code, out, _ = _run(capsys, "list", "--db", db, "--format", "json")
    [row] = json.loads(out)
    assert ("concluded", "Mittelweser") == (row["phase"], row["region"])


def test_new_fire_status_history(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A process is created, refused with reasons, advanced, and its history listed."""
    code, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "Trier",
                        "--param", "milestones_max=4", "--db", db)
    pid = out.strip()
    assert (0, 32) == (code, len(pid))
    code, out, _ = _run(capsys, "fire", pid, "hold_kickoff", "--db", db, "--lang", "en")
    assert 1 == code
    assert "circle_too_small: Companies in the initiative circle: 0" in out
    code, out, _ = _run(capsys, "fire", pid, "partner_added", "--db", db, "--data",
                        '{"id": "p1", "name": "Muster GmbH", "kind": "company"}')
    assert (0, "✓ „Partner aufgenommen“ (Ereignis 2), Phase „Vorbereitungsphase“") == (
        code, out.strip())
    code, out, _ = _run(capsys, "status", pid, "--db", db, "--format", "json")
    status = json.loads(out)
    kickoff = next(o for o in status["options"] if o["name"] == "hold_kickoff")
    assert (2, False) == (status["version"], kickoff["allowed"])
    code, out, _ = _run(capsys, "history", pid, "--db", db, "--format", "json")
    assert ["process_started", "partner_added"] == [e["kind"] for e in json.loads(out)]
    code, out, _ = _run(capsys, "status", pid, "--db", db)
    assert "Vorbereitungsphase" in out
    assert "Der Initiativkreis hat 0 Unternehmen" in out


def test_data_from_file_and_bad_data(db: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--data @file reads JSON; invalid JSON is a usage error (exit 2)."""
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    pid = out.strip()
    payload = tmp_path / "p.json"
    payload.write_text('{"text": "Notiz"}', encoding="utf-8")
    assert 0 == _run(capsys, "fire", pid, "note_added", "--data", f"@{payload}", "--db", db)[0]
    code, _, err = _run(capsys, "fire", pid, "note_added", "--data", "{kaputt", "--db", db)
    assert 2 == code
    assert "not valid JSON" in err
    assert 2 == _run(capsys, "new", "verantwortungspartner", "--region", "X",
                     "--param", "novalue", "--db", db)[0]
    code, _, err = _run(capsys, "new", "verantwortungspartner", "--region", " ", "--db", db)
    assert 2 == code
    assert "region of a new process must be a non-empty line of text" in err
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
    code, _, err = _run(capsys, "new", "no-such-template", "--region", "X", "--db", db)
    assert 1 == code
    assert "E001" in err
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    pid = out.strip()
    code, _, err = _run(capsys, "status", "nope", "--db", db)
    assert 1 == code
    assert "no process 'nope'" in err
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE vt_events SET payload = 'kaputt' WHERE seq = 1"))
    engine.dispose()
    code, _, err = _run(capsys, "status", pid, "--db", db)
    assert 1 == code
    assert f"process {pid}, event 1: stored event is corrupt" in err
    assert "Traceback" not in err


def test_db_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """VERANTWORTUNG_DB chooses the store when --db is not given."""
    monkeypatch.setenv("VERANTWORTUNG_DB", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    _run(capsys, "new", "verantwortungspartner", "--region", "Env")
    assert (tmp_path / "env.sqlite3").exists()


@pytest.mark.parametrize("argv", [
    ["list"], ["status", "abc"], ["history", "abc"], ["export", "abc"], ["fire", "abc", "x"],
    ["report", "abc", "-o", "r.html"], ["diagram", "--process", "abc"],
])
def test_read_commands_do_not_create_a_store(argv: list[str], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A command that does not write says there is no store and creates no file."""
    db = tmp_path / "none.sqlite3"
    code, _, err = _run(capsys, *argv, "--db", str(db))
    assert 1 == code
    assert f"no store at {db}: nothing is stored there yet" in err
    assert [] == list(tmp_path.iterdir())


def test_a_unique_start_of_an_id_names_the_process(db: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """status, fire, history, export and report take the short id that list and repr show."""
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    pid = out.strip()
    code, out, _ = _run(capsys, "status", pid[:8], "--db", db, "--format", "json")
    assert (0, pid) == (code, json.loads(out)["id"])
    code, out, _ = _run(capsys, "fire", pid[:6], "note_added", "--db", db,
                        "--data", '{"text": "Kurz"}')
    assert 0 == code
    code, out, _ = _run(capsys, "history", pid[:4], "--db", db, "--format", "json")
    assert ["process_started", "note_added"] == [e["kind"] for e in json.loads(out)]


def test_an_ambiguous_start_of_an_id_lists_the_candidates(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A prefix of several ids is refused with every candidate; nothing is chosen for you."""
    ids = []
    while len({i[:1] for i in ids}) == len(ids):  # until two ids share a first character
        _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
        ids.append(out.strip())
    prefix = ids[-1][:1]
    code, _, err = _run(capsys, "status", prefix, "--db", db)
    candidates = sorted(i for i in ids if i.startswith(prefix))
    assert 1 == code
    assert f"'{prefix}' is the start of {len(candidates)} process ids: " in err
    assert all(c in err for c in candidates)


def test_import_finds_a_custom_template_from_the_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export of a process on a template file imports without --template, also when
    the file is gone (the export carries the template); without either, the missing
    template is named instead of a guessed path."""
    example = Path(__file__).parents[2] / "examples" / "custom_template" / "musterstadt.yaml"
    template = tmp_path / "musterstadt.yaml"
    template.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    db, other = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    _, out, _ = _run(capsys, "new", str(template), "--region", "Musterstadt", "--db", db)
    pid = out.strip()
    exported = tmp_path / "p.json"
    assert 0 == _run(capsys, "export", pid, "-o", str(exported), "--db", db)[0]
    code, out, err = _run(capsys, "import", str(exported), "--db", other)
    assert (0, pid, "") == (code, out.strip(), err)
    template.unlink()
    gone = str(tmp_path / "c.sqlite3")
    code, out, err = _run(capsys, "import", str(exported), "--db", gone)
    assert (0, pid, "") == (code, out.strip(), err)
    code, out, err = _run(capsys, "status", pid, "--db", gone, "--format", "json")
    assert (0, "preparation") == (code, json.loads(out)["phase"])
    data = json.loads(exported.read_text(encoding="utf-8"))
    del data["template_source"], data["template_document"]
    exported.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = _run(capsys, "import", str(exported), "--db", str(tmp_path / "d.sqlite3"))
    assert 1 == code
    assert "which is not bundled; give the template's file with --template" in err


def _only_id(db: str) -> str:
    with create_engine(f"sqlite:///{db}").connect() as conn:
        return str(conn.execute(text("SELECT id FROM vt_processes")).scalar())


def test_status_marks_a_step_that_only_needs_input(db: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """abort waits only for its reason: status marks it ✎ with the field, not ✗ or ✓."""
    _, out, _ = _run(capsys, "new", "verantwortungspartner", "--region", "X", "--db", db)
    code, out, _ = _run(capsys, "status", out.strip(), "--db", db, "--lang", "en")
    lines = out.splitlines()
    abort = next(i for i, line in enumerate(lines) if " abort " in line)
    assert 0 == code
    assert lines[abort].startswith("  ✎ abort → aborted")
    assert "      needs input: reason" == lines[abort + 1]
    assert lines[0].endswith(", 1 event")
    _, out, _ = _run(capsys, "status", lines[0] and _only_id(db), "--db", db)
    assert "      braucht Angaben: Begründung" in out.splitlines()
