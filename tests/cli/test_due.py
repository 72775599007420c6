"""The time commands: due (what is due across the store) and calendar (.ics)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import verantwortung as v
from verantwortung.cli import main

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / \
    "deadlines.scenario.yaml"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def story(tmp_path: Path) -> str:
    """A store holding the deadlines scenario's process (Ilmtal, 2012–2013)."""
    from verantwortung.testing import run_scenario

    proc = run_scenario(SCENARIO).process
    assert proc is not None
    db = str(tmp_path / "story.sqlite3")
    with v.EventStore(f"sqlite:///{db}", create=True) as store:
        store.add(proc, "verantwortungspartner")
    return db


def test_due_at_2013_01_01_over_the_demo_store_says_nothing_is_due(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo region starts in September 2013: on 1 January 2013 nothing is due."""
    assert (0, "Am 1. Januar 2013 ist nichts fällig.\n", "") == _run(
        capsys, "due", "--db", demo, "--at", "2013-01-01")


def test_due_over_the_demo_store_lists_the_missing_minutes(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    """On 1 April 2014 the first milestone meeting of 10 March has no minutes (the kick-off
    has): overdue since 25 March."""
    code, out, _ = _run(capsys, "due", "--db", demo, "--at", "2014-04-01", "--lang", "en")
    assert 0 == code
    assert "Minutes missing (overdue, since 25 March 2014)" in out
    assert ("The minutes of the meeting on 10 March 2014 are still missing after 22 days "
            "(time allowed in days: 14).") in out
    assert "20 January 2014" not in out


def test_due_as_json_lists_every_item_with_its_process(
        story: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json: the date and, per item, process, region, code, severity and since."""
    code, out, _ = _run(capsys, "due", "--db", story, "--at", "2012-11-03", "--format", "json")
    data = json.loads(out)
    assert (0, "2012-11-03") == (code, data["at"])
    assert [("minutes_missing", "overdue", "2012-07-19"),
            ("process_stalled", "overdue", "2012-10-31"),
            ("milestone_overdue", "overdue", "2012-11-02")] == [
        (d["code"], d["severity"], d["since"]) for d in data["due"]]
    assert {"Ilmtal"} == {d["region"] for d in data["due"]}


def test_due_filters_by_severity_and_region(story: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """--severity reminder and --region of another region leave nothing."""
    for extra in (["--severity", "reminder"], ["--region", "Trier"]):
        code, out, _ = _run(capsys, "due", "--db", story, "--at", "2012-11-03", "--format",
                            "json", *extra)
        assert (0, []) == (code, json.loads(out)["due"])


def test_an_unparseable_at_is_a_usage_error(story: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """--at 2013-13-01 exits 2 with a message saying how to write a date; nothing else."""
    assert (2, "", "verantwortung due: error: --at '2013-13-01' is not a date; write "
            "YYYY-MM-DD (or YYYY-MM-DDTHH:MM)\n") == _run(
        capsys, "due", "--db", story, "--at", "2013-13-01")


def test_status_shows_what_is_due(story: str, capsys: pytest.CaptureFixture[str]) -> None:
    """status names what is due now: the finished story's closing event lacks nothing,
    but it has been quiet for far longer than 90 days."""
    code, out, _ = _run(capsys, "status", "--db", story, _only_id(story), "--format", "json")
    assert (0, ["process_stalled"]) == (code, [d["code"] for d in json.loads(out)["due"]])
    code, out, _ = _run(capsys, "status", "--db", story, _only_id(story), "--lang", "en")
    assert "  ! Process stalled: " in out.splitlines()[1]


def _only_id(db: str) -> str:
    with v.EventStore(f"sqlite:///{db}") as store:
        return store.list()[0].id


def test_calendar_parses_back_with_stable_uids(story: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The .ics parses back; scheduled events, meetings and due items; UIDs stay the same."""
    icalendar = pytest.importorskip("icalendar")
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert 0 == main(["calendar", "--all", "--db", story, "-o", str(first),
                      "--at", "2012-11-03"])
    assert 0 == main(["calendar", _only_id(story), "--db", story, "-o", str(second),
                      "--at", "2012-11-03"])
    capsys.readouterr()
    cals = [icalendar.Calendar.from_ical(p.read_bytes()) for p in (first, second)]
    uids = [[str(e["uid"]) for e in c.walk("VEVENT")] for c in cals]
    assert uids[0] == uids[1]
    assert len(uids[0]) == len(set(uids[0]))
    summaries = {str(e["summary"]) for e in cals[0].walk("VEVENT")}
    assert {"Ilmtal: Auftaktveranstaltung", "Ilmtal: Meilensteintreffen",
            "Ilmtal: Meilensteintreffen überfällig"} <= summaries


def test_calendar_needs_an_id_or_all(story: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Neither an id nor --all is a usage error (exit 2)."""
    code, _, err = _run(capsys, "calendar", "--db", story, "-o", str(tmp_path / "x.ics"))
    assert (2, "verantwortung calendar: error: give a process ID or --all, not both and not "
            "neither\n") == (code, err)
