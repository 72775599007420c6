"""The portfolio commands: portfolio (HTML, JSON, CSV; --at) and rebuild-summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import verantwortung as v
from tests.cli.test_due import _run


def test_json_of_the_demo_store(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    """One row, the region in Verstetigung; the summary counts it."""
    code, out, err = _run(capsys, "portfolio", "--db", demo, "--format", "json")
    data = json.loads(out)
    assert (0, "") == (code, err)
    assert ["Mittelweser"] == [r["region"] for r in data["rows"]]
    assert [{"phase": "concluded", "processes": 1}] == [
        {k: p[k] for k in ("phase", "processes")} for p in data["summary"]["per_phase"]]


def test_at_a_reporting_date_replays_up_to_it(demo: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--at 2014-01-31: the demo region as it was then; before it started: no row."""
    code, out, _ = _run(capsys, "portfolio", "--db", demo, "--format", "json",
                        "--at", "2014-01-31")
    [row] = json.loads(out)["rows"]
    assert (0, "kickoff") == (code, row["phase"])
    code, out, _ = _run(capsys, "portfolio", "--db", demo, "--format", "json",
                        "--at", "2013-01-01")
    assert (0, []) == (code, json.loads(out)["rows"])


def test_html_and_csv_to_files(demo: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """-o FILE writes the page and the CSV (with its byte order mark)."""
    page, sheet = tmp_path / "p.html", tmp_path / "p.csv"
    assert 0 == _run(capsys, "portfolio", "--db", demo, "--format", "html", "-o",
                     str(page), "--lang", "en")[0]
    assert 0 == _run(capsys, "portfolio", "--db", demo, "--format", "csv", "-o",
                     str(sheet))[0]
    assert "Portfolio of regions" in page.read_text(encoding="utf-8")
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbfRegion,")


@pytest.mark.parametrize(("argv", "words"), [
    (["--format", "json", "--at", "31.01.2014"], "--at '31.01.2014' is not a date"),
    ([], "--format"),
    (["--format", "pdf"], "invalid choice"),
])
def test_bad_input_is_a_usage_error(demo: str, capsys: pytest.CaptureFixture[str],
                                    argv: list[str], words: str) -> None:
    """A date that is no date, no or an unknown format: exit 2 and why."""
    code, _, err = _run(capsys, "portfolio", "--db", demo, *argv)
    assert 2 == code
    assert words in err


def test_a_missing_store_is_a_problem(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """No store at --db: exit 1, and nothing is created."""
    db = tmp_path / "none.sqlite3"
    code, _, err = _run(capsys, "portfolio", "--db", str(db), "--format", "json")
    assert (1, False) == (code, db.exists())
    assert err


def test_rebuild_summaries(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    """rebuild-summaries says how many it wrote; the portfolio is the same after it."""
    before = _run(capsys, "portfolio", "--db", demo, "--format", "json", "--at", "2015-01-01")
    assert (0, "1 summary rebuilt from the event log\n", "") == _run(
        capsys, "rebuild-summaries", "--db", demo)
    assert before == _run(capsys, "portfolio", "--db", demo, "--format", "json",
                          "--at", "2015-01-01")


def test_the_collector_is_paused_while_the_portfolio_is_built(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cyclic garbage collector is off while the processes are built and on again
    afterwards, also when the command fails."""
    import gc

    from verantwortung.store import projection

    seen: list[bool] = []
    real = projection.current

    def watched(*args: object, **kwargs: object) -> projection.Listed:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(projection, "current", watched)
    assert 0 == _run(capsys, "portfolio", "--db", demo, "--format", "json")[0]
    assert ([False], True) == (seen, gc.isenabled())

    def failing(*args: object, **kwargs: object) -> projection.Listed:
        raise v.StoreError("kaputt")

    monkeypatch.setattr(projection, "current", failing)
    assert 1 == _run(capsys, "portfolio", "--db", demo, "--format", "json")[0]
    assert gc.isenabled()
