"""The shared options: each declared once, the same on every command that takes it;
the store that --db names; the number arguments."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.cli import _parser
from verantwortung.cli.options import DB_ENV, db_url, positive, whole

CLI = Path(__file__).resolve().parents[2] / "src" / "verantwortung" / "cli"
SHARED = ("--db", "--lang", "--format", "--at", "--output")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _declared_flags(path: Path) -> list[str]:
    """The flags that ``path`` passes to ``add_argument`` as string literals."""
    return [arg.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument"
            for arg in node.args if isinstance(arg, ast.Constant)]


@pytest.mark.parametrize("path", [p for p in sorted(CLI.glob("*.py")) if p.name != "options.py"],
                         ids=lambda p: p.name)
def test_shared_options_are_declared_only_in_options(path: Path) -> None:
    """--db, --lang, --format and --at appear in add_argument only in cli/options.py."""
    assert [] == [f for f in _declared_flags(path) if f in SHARED[:4]]


@pytest.mark.parametrize("flag", SHARED)
def test_a_shared_option_reads_the_same_on_every_command(flag: str) -> None:
    """A shared option has one metavar everywhere, and its choices are among one set."""
    seen = {name: action for name, command in _commands().items()
            for action in command._actions if flag in action.option_strings}
    assert len(seen) >= 3
    assert 1 == len({a.metavar for a in seen.values()} - {"FILE.ics"})
    if flag == "--lang":
        assert {("de", "en")} == {tuple(a.choices or ()) for a in seen.values()}


def test_db_is_declared_on_every_command_that_opens_a_store() -> None:
    """Every command that reads or writes a store takes --db (and only those)."""
    with_db = {name for name, command in _commands().items()
               if any("--db" in a.option_strings for a in command._actions)}
    assert {"new", "list", "status", "fire", "erase", "history", "export", "import", "demo",
            "feed", "relay", "migrate", "diagram", "report", "portfolio",
            "rebuild-summaries", "due", "calendar", "serve"} == with_db


def test_db_url_reads_a_plain_path_as_a_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """--db a/b.sqlite3 is a SQLite file; a URL stays; without it the environment, then
    the default file in the working folder."""
    monkeypatch.delenv(DB_ENV, raising=False)
    assert "sqlite:///a/b.sqlite3" == db_url("a/b.sqlite3")
    assert "postgresql+psycopg://h/db" == db_url("postgresql+psycopg://h/db")
    assert "sqlite:///verantwortung.sqlite3" == db_url(None)
    monkeypatch.setenv(DB_ENV, "x.db")
    assert "sqlite:///x.db" == db_url(None)


@given(st.integers(-1000, 1000), st.integers(-5, 5))
def test_whole_accepts_exactly_the_numbers_from_its_least(value: int, least: int) -> None:
    """whole(least) returns every whole number >= least and refuses every smaller one."""
    parse = whole(least)
    if value >= least:
        assert value == parse(str(value))
    else:
        with pytest.raises(argparse.ArgumentTypeError, match=f"is less than {least}"):
            parse(str(value))


@pytest.mark.parametrize(("parse", "text", "message"), [
    (whole(0), "x", "'x' is not a whole number"),
    (whole(0, too_small="is negative"), "-1", "-1 is negative"),
    (positive, "0", "0 is not more than 0"),
    (positive, "soon", "'soon' is not a number"),
])
def test_number_arguments_say_why_they_refuse(parse: object, text: str, message: str) -> None:
    """A refused number names the text and what was expected."""
    assert callable(parse)
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse(text)
    assert message == str(caught.value)
