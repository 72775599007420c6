"""The render commands (diagram, handbook, report) through a parser of their own, so
that the library's errors reach the test instead of an exit code."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

import verantwortung as v
from tests.render.conftest import XSS, mid_process, need_dot, outside_refs
from tests.render.test_mermaid import check
from verantwortung.cli.console import CommandUsageError
from verantwortung.cli.render import add_commands
from verantwortung.render import GraphvizNotFoundError
from verantwortung.store.sql import EventStore


def run(*argv: str) -> int:
    """Parse ``argv`` with the render commands and run the chosen one."""
    parser = argparse.ArgumentParser(prog="verantwortung")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int]
                ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=func.__doc__)
        p.set_defaults(func=func)
        return p

    add_commands(command)
    args = parser.parse_args(list(argv))
    return int(args.func(args))


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, str]:
    """A SQLite store with the mid-process region; returns (db path, process id)."""
    path = str(tmp_path / "cli.sqlite3")
    proc = mid_process()
    with EventStore(f"sqlite:///{path}") as store:
        store.add(proc, "verantwortungspartner")
    return path, proc.id


def test_diagram_of_a_template_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    """diagram TEMPLATE prints Mermaid by default."""
    assert 0 == run("diagram", "verantwortungspartner", "--lang", "en")
    declared = check(capsys.readouterr().out)
    assert "Preparation" == declared["preparation"]


def test_diagram_of_a_process(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """diagram --process ID --db URL draws where the stored process stands."""
    path, pid = db
    assert 0 == run("diagram", "--process", pid, "--db", path, "--format", "dot")
    out = capsys.readouterr().out
    assert out.startswith('digraph "verantwortungspartner" {')
    assert 'class="phase current"' in out


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_diagram_through_graphviz_to_a_file(fmt: str, tmp_path: Path) -> None:
    """-o FILE receives the SVG text or the PNG bytes."""
    need_dot()
    out = tmp_path / f"d.{fmt}"
    assert 0 == run("diagram", "verantwortungspartner", "--format", fmt, "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG" if fmt == "png" else b"<?xml")


def test_diagram_needs_exactly_one_source(db: tuple[str, str]) -> None:
    """Neither or both of TEMPLATE and --process is a usage error."""
    with pytest.raises(CommandUsageError, match="TEMPLATE or --process"):
        run("diagram")
    with pytest.raises(CommandUsageError, match="TEMPLATE or --process"):
        run("diagram", "verantwortungspartner", "--process", db[1], "--db", db[0])


def test_diagram_without_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """svg without Graphviz raises GraphvizNotFoundError (main prints it and exits 1)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFoundError, match="Graphviz"):
        run("diagram", "verantwortungspartner", "--format", "svg")


def test_unknown_process_and_template_raise_library_errors(db: tuple[str, str]) -> None:
    """An unknown id or template raises the library's errors (exit 1 in main)."""
    with pytest.raises(v.ProcessNotFound):
        run("diagram", "--process", "nope", "--db", db[0])
    with pytest.raises(v.TemplateError):
        run("handbook", "no-such-template")


def test_handbook_markdown_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """handbook prints Markdown; --format html -o FILE writes a self-contained page."""
    assert 0 == run("handbook", "verantwortungspartner-thueringen")
    assert capsys.readouterr().out.startswith(
        "# Verantwortungspartner Thüringen (vier Meilensteine, Impulsveranstaltung)\n")
    out = tmp_path / "handbook.html"
    assert 0 == run("handbook", "verantwortungspartner", "--format", "html", "--lang", "en",
                    "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert "<h1>Verantwortungspartner method (responsibility partners)</h1>" in page
    assert [] == outside_refs(page)


def test_report_to_a_file(db: tuple[str, str], tmp_path: Path) -> None:
    """report ID -o FILE writes the escaped, self-contained HTML report."""
    path, pid = db
    out = tmp_path / "report.html"
    assert 0 == run("report", pid, "--db", path, "--lang", "de", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert "<h1>Süd-Westthüringen</h1>" in page
    assert XSS not in page
    assert [] == outside_refs(page)


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    """-o into a missing folder is a usage error naming the file."""
    target = tmp_path / "missing" / "h.md"
    with pytest.raises(CommandUsageError, match="cannot write"):
        run("handbook", "verantwortungspartner", "-o", str(target))
