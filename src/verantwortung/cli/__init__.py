"""The ``verantwortung`` command.

Exit codes: 0 success, 1 problems found (or an expectation failed), 2 usage error.

The parser is the standard library's argparse: it costs a few milliseconds to
import where richer CLI libraries cost tens, and ``validate`` is meant to start as
fast as a YAML linter. Each group of commands lives in a module of its own
(:mod:`.templates`, :mod:`.scenarios`, :mod:`.process`, ...) with an ``add_commands``
that registers them; the options they share are declared once in :mod:`.options`.
Heavy modules (pydantic, the loader, the store) are imported inside the commands. No
traceback reaches a user.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import NoReturn

from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandUsageError, err

__all__ = ["main"]

#: the modules of the command groups, in the order ``--help`` lists their commands
GROUPS = ("templates", "scenarios", "process", "feed", "migrate", "render", "portfolio",
          "due", "serve")
#: the group of each command: a command line that names one builds only its group's
#: parser (a test pins this table to what the groups register)
COMMANDS = {
    **dict.fromkeys(("validate", "templates", "schema", "codes"), "templates"),
    **dict.fromkeys(("run", "check"), "scenarios"),
    **dict.fromkeys(("new", "list", "status", "fire", "erase", "history", "export", "import",
                     "demo"), "process"),
    **dict.fromkeys(("feed", "relay"), "feed"),
    "migrate": "migrate",
    **dict.fromkeys(("diagram", "handbook", "report"), "render"),
    **dict.fromkeys(("portfolio", "rebuild-summaries"), "portfolio"),
    **dict.fromkeys(("due", "calendar"), "due"),
    "serve": "serve",
}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``main`` returns exit codes."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        err(f"{self.prog}: error: {message}")
        raise SystemExit(EXIT_USAGE)


def _groups(args: Sequence[str]) -> tuple[str, ...]:
    """The groups whose commands the parser needs for ``args``: the one of the command it
    names, or all of them (for ``--help``, ``--version`` or a command that does not exist)."""
    rest = iter(args)
    for arg in rest:
        if len(arg) > 2 and "--rules".startswith(arg):  # argparse takes "--rul x" too
            next(rest, None)
        elif not arg.startswith("-"):
            group = COMMANDS.get(arg)
            return (group,) if group is not None else GROUPS
    return GROUPS


def _parser(groups: Sequence[str] = GROUPS) -> argparse.ArgumentParser:
    """The main parser with every command of ``groups`` (by default, of every group)."""
    from .. import __version__

    parser = _Parser(prog="verantwortung", description="Run the Verantwortungspartner method "
                     "as a state machine. Templates are YAML files or bundled ids such as "
                     "'verantwortungspartner'.")
    parser.add_argument("--version", action="version", version=f"verantwortung {__version__}")
    parser.add_argument("--rules", action="append", metavar="MODULE|FILE.py", default=[],
                        help="import a module (or a .py file) that registers custom rules "
                             "before the command runs; repeatable (installed rules come from "
                             "the entry point group 'verantwortung.rules' without it)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        doc = (func.__doc__ or "").strip()
        p = sub.add_parser(name, help=doc, description=doc)
        p.set_defaults(func=func)
        return p

    for group in groups:
        import_module(f"{__name__}.{group}").add_commands(command)
    return parser


def _import_rules(specs: Sequence[str]) -> None:
    """Import the --rules modules; a module that cannot be imported is a usage error."""
    if not specs:
        return
    from ..rules.registry import import_rules

    for spec in specs:
        try:
            import_rules(spec)
        except Exception as exc:  # the module's own error, told in one line
            raise CommandUsageError(f"--rules {spec}: {type(exc).__name__}: {exc}") from None


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; every error becomes a message and an exit code."""
    try:
        _import_rules(args.rules)
        return int(args.func(args))
    except CommandUsageError as exc:
        err(f"verantwortung {args.command}: error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except Exception as exc:  # last resort: an error message, never a traceback
        from ..exceptions import VerantwortungError

        # our own errors and the operating system's (a folder that does not exist, a full
        # disk) are the user's to fix; anything else is ours, and says so
        kind = "error" if isinstance(exc, (VerantwortungError, OSError)) else "internal error"
        err(f"verantwortung: {kind}: {exc}")
        return EXIT_PROBLEMS


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the command line and return its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_groups(args_list))
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help and --version exit 0, usage errors 2
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "func", None) is None:
        parser.print_usage(sys.stderr)
        err("verantwortung: error: a command is required (see --help)")
        return EXIT_USAGE
    return _run(args)

