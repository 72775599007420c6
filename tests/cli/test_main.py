"""The command line (cli/__init__): parser, exit codes, --rules, and no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from verantwortung.cli import main


@pytest.mark.parametrize("argv", [[], ["validate"], ["nope"], ["validate", "--format", "x", "a"],
                                  ["templates", "--bogus"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Missing arguments and unknown commands or options exit 2."""
    assert 2 == main(argv)
    assert "Traceback" not in capsys.readouterr().err


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--help and --version exit 0."""
    assert 0 == main(["--help"])
    assert 0 == main(["--version"])
    assert "0.1.0" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli() -> None:
    """python -m verantwortung is the same command."""
    done = subprocess.run([sys.executable, "-m", "verantwortung", "codes"],
                          capture_output=True, text=True, check=False)
    assert 0 == done.returncode
    assert "E001" in done.stdout


def test_every_option_of_every_command_says_what_it_does() -> None:
    """--help explains every argument of every command; none is left without a text."""
    import argparse

    from verantwortung.cli import _parser

    parser = _parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    silent = [f"{name} {'/'.join(action.option_strings) or action.dest}"
              for name, command in sub.choices.items() for action in command._actions
              if not isinstance(action, argparse._HelpAction) and not action.help]
    assert [] == silent


EVERY_RULE = Path(__file__).resolve().parents[2] / "examples" / "every_rule"


def test_rules_option_imports_custom_rules_before_the_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    """--rules FILE.py registers a region's rules, so check works on its template."""
    from verantwortung.rules import registry

    if "every_rule_company_speaker" in registry:  # registered by the example's own tests
        registry.remove("every_rule_company_speaker")
    template = str(EVERY_RULE / "every_rule.yaml")
    assert 1 == main(["check", template])
    assert "E208 unknown custom rule 'every_rule_company_speaker'" in capsys.readouterr().out
    assert 0 == main(["--rules", str(EVERY_RULE / "every_rule_rules.py"), "check", template])
    assert "guards passable:           21/21 (100%)" in capsys.readouterr().out


def test_rules_option_that_cannot_be_imported_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A --rules module that is not there exits 2 with one line saying why."""
    assert 2 == main(["--rules", "no_such_rules_module", "codes"])
    err = capsys.readouterr().err
    assert "--rules no_such_rules_module: ModuleNotFoundError: No module named" in err
    assert "Traceback" not in err


CLI = Path(__file__).resolve().parents[2] / "src" / "verantwortung" / "cli"


def test_every_function_of_the_cli_fits_on_a_screen() -> None:
    """No function of the cli package is longer than 50 lines."""
    import ast

    long = {f"{path.name}:{node.name}": n for path in sorted(CLI.glob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (n := (node.end_lineno or node.lineno) - node.lineno + 1) > 50}
    assert {} == long


def test_no_function_of_the_cli_is_more_complex_than_12() -> None:
    """ruff's McCabe check (C901) at 12 finds nothing in the cli package."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--select",
                           "C90", "--config", "lint.mccabe.max-complexity=12", "--output-format",
                           "concise", str(CLI)], capture_output=True, text=True, check=False)
    assert (0, "") == (done.returncode, "".join(
        line + "\n" for line in done.stdout.splitlines() if "C901" in line))


def test_the_table_of_commands_names_what_each_group_registers() -> None:
    """cli.COMMANDS gives every command the group that registers it, and no other."""
    import argparse
    from importlib import import_module

    from verantwortung import cli

    registered: dict[str, str] = {}
    for group in cli.GROUPS:
        def command(name: str, func: object, group: str = group) -> argparse.ArgumentParser:
            registered[name] = group
            return argparse.ArgumentParser()

        import_module(f"verantwortung.cli.{group}").add_commands(command)
    assert registered == cli.COMMANDS


@pytest.mark.parametrize(("argv", "groups"), [
    (["validate", "x.yaml"], ("templates",)),
    (["--rules", "status", "status", "ID"], ("process",)),
    (["--rul", "x.py", "run", "a.scenario.yaml"], ("scenarios",)),
    (["--rules=x.py", "serve"], ("serve",)),
    (["--help"], None), (["--version"], None), ([], None), (["valdate"], None)])
def test_a_command_line_builds_the_parser_of_its_command_only(
        argv: list[str], groups: tuple[str, ...] | None) -> None:
    """A command's group is found past --rules and its value; without a known command
    (help, version, a typo) every group's commands are registered."""
    from verantwortung import cli

    assert (groups or cli.GROUPS) == cli._groups(argv)


def test_a_typo_in_the_command_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command is a usage error that lists the commands of every group."""
    assert 2 == main(["valdate", "x.yaml"])
    err = capsys.readouterr().err
    assert all(name in err for name in ("'validate'", "'status'", "'serve'", "'calendar'"))
