"""The ``verantwortung`` command.

Exit codes: 0 success, 1 problems found (or an expectation failed), 2 usage error.

The parser is the standard library's argparse: it costs a few milliseconds to
import where richer CLI libraries cost tens, and ``validate`` is meant to start as
fast as a YAML linter. Heavy modules (pydantic, the loader) are imported inside
the commands. No traceback reaches a user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandUsageError, counted
from ._console import err as _err
from ._console import out as _out

__all__ = ["main"]



def cmd_validate(args: argparse.Namespace) -> int:
    """Check templates and scenario files; print every problem as PATH:LINE:COL: CODE message."""
    from ._api import check_template
    from .testing.scenario import is_scenario_file, scenario_diagnostics

    files: list[dict[str, Any]] = []
    errors = warnings = 0
    for path in args.paths:
        scenario = is_scenario_file(path)
        diagnostics = scenario_diagnostics(path) if scenario else check_template(path)
        n_err = sum(d.severity == "error" for d in diagnostics)
        errors += n_err
        warnings += len(diagnostics) - n_err
        files.append({"path": path, "kind": "scenario" if scenario else "template",
                      "valid": n_err == 0, "diagnostics": [d.to_dict() for d in diagnostics]})
        if args.format == "text":
            for d in diagnostics:
                _out(str(d))
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "json":
        _out(json.dumps({"files": files, "errors": errors, "warnings": warnings,
                         "ok": not failed}, ensure_ascii=False, indent=2))
    else:
        _err(f"{counted(errors, 'error', 'errors')}, {counted(warnings, 'warning', 'warnings')}"
             f" in {counted(len(args.paths), 'file', 'files')}")
    return EXIT_PROBLEMS if failed else EXIT_OK


def cmd_templates(args: argparse.Namespace) -> int:
    """List the bundled templates."""
    from ._api import bundled_templates, bundled_versions, check_template, load_template
    from .exceptions import TemplateError

    rows: list[dict[str, Any]] = []
    for tid in bundled_templates():
        versions = bundled_versions(tid)
        try:
            tpl = load_template(tid)
        except TemplateError:
            rows.append({"id": tid, "version": None, "title": None, "valid": False})
            continue
        rows.append({"id": tid, "version": tpl.version, "title": tpl.title.get(args.lang),
                     "valid": True, "extends": tpl.extends, "versions": versions})
    if args.format == "json":
        _out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max((len(r["id"]) for r in rows), default=0)
    for r in rows:
        if r["valid"]:
            base = f"  (extends {r['extends']})" if r.get("extends") else ""
            older = [f"{r['id']}@{v}" for v in r["versions"] if v != r["version"]]
            also = f"  (also {', '.join(older)})" if older else ""
            _out(f"{r['id']:<{width}}  {r['version']:<6}  {r['title']}{base}{also}")
        else:
            first = check_template(r["id"])[0]
            _out(f"{r['id']:<{width}}  INVALID  {first}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the template format (for editors), or with --events
    TEMPLATE a JSON Schema of the CloudEvent of each of the template's event kinds."""
    from ._api import template_schema_json

    if args.events is not None:
        from ._api import load_template
        from .store.cloudevents import event_schemas

        text = json.dumps(event_schemas(load_template(args.events)), ensure_ascii=False,
                          indent=2) + "\n"
    else:
        text = template_schema_json()
    if args.output is None:
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return EXIT_OK


def cmd_codes(args: argparse.Namespace) -> int:
    """List the diagnostic codes (E: error, W: warning)."""
    from .io.codes import CODES

    for code, title in CODES.items():
        _out(f"{code}  {title}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Run scenario files; report each failed expectation with its step and line."""
    from .testing.scenario import ScenarioError, describe, run_scenario

    failed = 0
    for path in args.scenarios:
        try:
            result = run_scenario(path)
        except ScenarioError as exc:
            failed += 1
            for d in exc.diagnostics:
                _out(str(d))
            continue
        failed += not result.ok
        for line in describe(result, verbose=args.verbose):
            _out(line)
    _err(f"{len(args.scenarios) - failed} passed, {failed} failed")
    return EXIT_PROBLEMS if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Static checks plus exploration with data: reachability, coverage, invariants."""
    from .io.loader import analyze, resolve_source
    from .rules.registry import registry
    from .testing.emit import emit_scenarios
    from .testing.explore import explore, random_runs

    tpl, diagnostics = analyze(args.template, custom_rules=registry)
    for d in diagnostics:
        _out(str(d))
    if tpl is None:
        _err("the template has errors; exploration needs a template that loads")
        return EXIT_PROBLEMS
    tty = sys.stderr.isatty() and args.format == "text"

    def progress(text: str) -> None:
        if tty:
            sys.stderr.write(f"\r{text:<60}")
            sys.stderr.flush()

    result = explore(tpl, progress=progress)
    random_runs(tpl, result, runs=args.runs, seed=args.seed, progress=progress)
    if tty:
        sys.stderr.write("\r" + " " * 60 + "\r")
    coverage = result.coverage()
    findings = sorted(result.findings)
    failed = any(d.severity == "error" for d in (*diagnostics, *findings)) or (
        args.strict and bool(diagnostics or findings))
    emitted: list[str] = []
    if args.emit_scenarios:
        out = Path(args.emit_scenarios)
        source = resolve_source(args.template)
        ref = args.template
        if source is not None and ("/" in args.template or args.template.endswith(".yaml")):
            ref = os.path.relpath(source.resolve(), out.resolve())
        emitted = [str(p) for p in emit_scenarios(result, out, ref)]
    if args.format == "json":
        _out(json.dumps({"ok": not failed, "coverage": coverage,
                         "diagnostics": [d.to_dict() for d in diagnostics],
                         "findings": [d.to_dict() for d in findings],
                         "scenarios": emitted}, ensure_ascii=False, indent=2))
        return EXIT_PROBLEMS if failed else EXIT_OK
    for d in findings:
        _out(str(d))
    ph, tr, ex, gu, inv = (coverage[k] for k in
                           ("phases", "transitions", "expanded", "guards", "invariants"))

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({100 * a // b if b else 100}%)"

    _out(f"phases reached with data:  {pct(ph['reached'], ph['total'])}")
    _out(f"transitions covered:       {pct(tr['covered'], tr['total'])}")
    if ex["never_taken"]:
        _out(f"  expanded edges never taken: {', '.join(ex['never_taken'])}")
    _out(f"guards passable:           {pct(gu['passable'], gu['total'])}")
    _out(f"guards refusable:          {pct(gu['refusable'], gu['total'])}")
    _out(f"invariants:                {inv['count']} checked over "
         f"{counted(inv['runs'], 'random run', 'random runs')} "
         f"({counted(inv['steps'], 'step', 'steps')})")
    dl = coverage["deadlines"]
    if dl["total"]:
        _out(f"deadlines due, cleared:    {pct(dl['due'], dl['total'])}, "
             f"{pct(dl['cleared'], dl['total'])}")
    if emitted:
        _out(f"{counted(len(emitted), 'scenario', 'scenarios')} written to {args.emit_scenarios}")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _count(text: str) -> int:
    """A whole number >= 0 for argparse."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``main`` returns exit codes."""

    def error(self, message: str) -> Any:  # never returns: raises SystemExit
        self.print_usage(sys.stderr)
        _err(f"{self.prog}: error: {message}")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    from . import __version__

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

    def fmt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--format", choices=["text", "json"], default="text",
                       help="human-readable text (default) or JSON for scripts")

    p = command("validate", cmd_validate)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="template files, bundled ids or scenario files (*.scenario.yaml, or "
                   "any YAML with steps:)")
    fmt(p)
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p = command("templates", cmd_templates)
    fmt(p)
    p.add_argument("--lang", choices=["de", "en"], default="en",
                   help="language of the titles (default en)")
    p = command("schema", cmd_schema)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--events", metavar="TEMPLATE", help="instead: the JSON Schema of each "
                   "event kind of TEMPLATE as the feed writes it, keyed by CloudEvents type")
    command("codes", cmd_codes)
    p = command("run", cmd_run)
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="*.scenario.yaml files")
    p.add_argument("-v", "--verbose", action="store_true", help="also print every event")
    p = command("check", cmd_check)
    p.add_argument("template", help="template file or bundled id")
    p.add_argument("--runs", type=_count, default=20, help="random runs (default 20)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the random runs: the same seed gives the same runs (default 0)")
    p.add_argument("--emit-scenarios", metavar="DIR", help="write scenario files into DIR")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    fmt(p)
    from ._commands_feed import add_feed_commands
    from ._commands_migrate import add_migrate_commands
    from ._commands_portfolio import add_portfolio_commands
    from ._commands_process import add_process_commands
    from ._commands_render import add_render_commands
    from ._commands_time import add_time_commands
    from ._commands_web import add_web_commands

    add_process_commands(command)
    add_feed_commands(command)
    add_migrate_commands(command)
    add_render_commands(command)
    add_portfolio_commands(command)
    add_time_commands(command)
    add_web_commands(command)
    return parser


def _import_rules(specs: Sequence[str]) -> None:
    """Import the --rules modules; a module that cannot be imported is a usage error."""
    if not specs:
        return
    from .rules.registry import import_rules

    for spec in specs:
        try:
            import_rules(spec)
        except Exception as exc:  # the module's own error, told in one line
            raise CommandUsageError(f"--rules {spec}: {type(exc).__name__}: {exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the command line and return its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help and --version exit 0, usage errors 2
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "func", None) is None:
        parser.print_usage(sys.stderr)
        _err("verantwortung: error: a command is required (see --help)")
        return EXIT_USAGE
    try:
        _import_rules(args.rules)
        return int(args.func(args))
    except CommandUsageError as exc:
        _err(f"verantwortung {args.command}: error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except Exception as exc:  # last resort: an error message, never a traceback
        from .exceptions import VerantwortungError

        # our own errors and the operating system's (a folder that does not exist, a full
        # disk) are the user's to fix; anything else is ours, and says so
        kind = "error" if isinstance(exc, (VerantwortungError, OSError)) else "internal error"
        _err(f"verantwortung: {kind}: {exc}")
        return EXIT_PROBLEMS
