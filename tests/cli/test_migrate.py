"""verantwortung migrate: a dry run by default, --apply, --force, exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import verantwortung as v
from verantwortung.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "migration"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _store(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A store with three kreis 1.0 processes: ready (3 firms), short (2), stopped."""
    db = str(tmp_path / "kreis.sqlite3")
    old = v.load_template(EXAMPLE / "kreis-1.0.yaml")
    ids = {}
    with v.EventStore(f"sqlite:///{db}") as store:
        for region, firms, stop in (("Nord", 3, False), ("Süd", 2, False), ("West", 1, True)):
            proc = v.Process.start(old, region=region, at="2014-03-01")
            for i in range(firms):
                proc.fire("member_joined", payload={"id": f"m{i}", "name": f"F{i}",
                                                    "kind": "firm"})
            if stop:
                proc.fire("stop", payload={"reason": "Kein Träger"})
            store.add(proc)
            ids[region] = proc.id
    return db, ids


def test_the_dry_run_reports_and_changes_nothing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Text in German: phases before and after, status, the summary; exit 1 when blocked."""
    db, _ = _store(tmp_path)
    to = str(EXAMPLE / "kreis-1.1.yaml")
    code, out, err = _run(capsys, "migrate", "--to", to, "--db", db)
    assert 1 == code
    assert "Nord" in out
    assert "gathering -> preparation  blockiert" in out
    assert "„Arbeit beginnen“ ist dann nicht möglich: Unternehmen im Kreis: 3, nötig: " \
           "mindestens 4." in out
    assert "Ab Version 1.1 gilt „Mindestzahl Unternehmen“: 4 (bisher 3)." in out
    assert "„Kaffee serviert“ wird ab Version 1.1 nicht mehr geführt" in out
    assert "3 processes: 1 ok, 2 blocked (dry run: nothing was changed" in err
    assert 1 == _run(capsys, "migrate", "--to", to, "--db", db)[0]  # still nothing moved


def test_json_and_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json holds every check with its summary in both languages."""
    db, ids = _store(tmp_path)
    code, out, _ = _run(capsys, "migrate", "--to", str(EXAMPLE / "kreis-1.1.yaml"), "--db",
                        db, "--format", "json", "--region", "Süd")
    data = json.loads(out)
    assert (1, False) == (code, data["applied"])
    (only,) = data["processes"]
    assert (ids["Süd"], "blocked", True) == (only["process"], only["status"],
                                             only["final_reachable"])
    assert any("needed: at least 4" in line["en"] for line in only["summary"])


def test_apply_moves_the_ok_ones_and_force_the_named_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--apply moves ok processes (exit 1 while some stay); --force ID moves a blocked one."""
    db, ids = _store(tmp_path)
    to = str(EXAMPLE / "kreis-1.1.yaml")
    code, out, _ = _run(capsys, "migrate", "--to", to, "--db", db, "--apply")
    assert 1 == code
    assert "West" in out
    assert "umgestellt" in out
    code, out, _ = _run(capsys, "migrate", "--to", to, "--db", db, "--apply",
                        "--force", ids["Nord"][:8], "--force", ids["Süd"], "--lang", "en")
    assert (0, 2) == (code, out.count("migrated"))
    code, out, _ = _run(capsys, "status", ids["Nord"], "--db", db, "--format", "json")
    assert (0, "preparation") == (code, json.loads(out)["phase"])
    assert 0 == _run(capsys, "migrate", "--to", to, "--db", db)[0]  # nothing left
    code, _, err = _run(capsys, "migrate", "--to", to, "--db", db, "--apply", "--force",
                        ids["West"])
    assert (0, f"--force {ids['West'][:8]}: not a process of an older version") == (
        code, err.splitlines()[0].split(" (")[0])


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No --to, or a template without a plan, is a usage error."""
    db, _ = _store(tmp_path)
    assert 2 == _run(capsys, "migrate", "--db", db)[0]
    code, _, err = _run(capsys, "migrate", "--to", str(EXAMPLE / "kreis-1.0.yaml"),
                        "--db", db)
    assert (2, True) == (code, "declares no migration plan" in err)


def test_a_broken_plan_is_reported_located(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A plan onto an unknown phase is a located error, and nothing runs."""
    db, _ = _store(tmp_path)
    bad = tmp_path / "kreis-1.1.yaml"
    bad.write_text((EXAMPLE / "kreis-1.1.yaml").read_text(encoding="utf-8").replace(
        "working: running", "working: runing"), encoding="utf-8")
    code, _, err = _run(capsys, "migrate", "--to", str(bad), "--db", db)
    assert 1 == code
    assert "E501 working maps onto runing, which is no phase of this template " \
           "(did you mean 'running'?)" in err
    assert f"{bad}:" in err or "kreis-1.1.yaml:" in err
