"""The scenario commands of the CLI: ``run`` (scenario files) and ``check`` (exploration).

``run`` executes scenario files and reports each failed expectation with its step and
line. ``check`` runs the static checks of a template and then explores it with data:
which phases and transitions are reached, which guards can pass and refuse, which
invariants hold over random runs; it can write the paths it found as scenario files.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .console import EXIT_OK, EXIT_PROBLEMS, counted, err, out, out_json
from .options import Command, add_format, whole

if TYPE_CHECKING:
    from ..exceptions import Diagnostic
    from ..testing import Exploration

__all__ = ["add_commands", "cmd_check", "cmd_run"]


def cmd_run(args: argparse.Namespace) -> int:
    """Run scenario files; report each failed expectation with its step and line."""
    from ..testing import ScenarioError, run_scenario
    from ..testing.scenario import describe

    failed = 0
    for path in args.scenarios:
        try:
            result = run_scenario(path)
        except ScenarioError as exc:
            failed += 1
            for d in exc.diagnostics:
                out(str(d))
            continue
        failed += not result.ok
        for line in describe(result, verbose=args.verbose):
            out(line)
    err(f"{len(args.scenarios) - failed} passed, {failed} failed")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _progress(enabled: bool) -> Callable[[str], None]:
    """A progress line on a terminal's standard error, or nothing."""
    def progress(text: str) -> None:
        if enabled:
            sys.stderr.write(f"\r{text:<60}")
            sys.stderr.flush()
    return progress


def _explore(args: argparse.Namespace, tpl: Any) -> Exploration:
    """Explore ``tpl`` and add the random runs, showing progress on a terminal."""
    from ..testing import explore, random_runs

    tty = sys.stderr.isatty() and args.format == "text"
    progress = _progress(tty)
    result = explore(tpl, progress=progress)
    random_runs(tpl, result, runs=args.runs, seed=args.seed, progress=progress)
    if tty:
        sys.stderr.write("\r" + " " * 60 + "\r")
    return result


def _emit(args: argparse.Namespace, result: Exploration) -> list[str]:
    """Write the explored paths as scenario files into --emit-scenarios (if given)."""
    if not args.emit_scenarios:
        return []
    from ..io.loader import resolve_source
    from ..testing import emit_scenarios

    target = Path(args.emit_scenarios)
    source = resolve_source(args.template)
    ref = args.template
    if source is not None and ("/" in args.template or args.template.endswith(".yaml")):
        # a file is named relative to the scenarios, so they run from where they are
        ref = os.path.relpath(source.resolve(), target.resolve())
    return [str(p) for p in emit_scenarios(result, target, ref)]


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a // b if b else 100}%)"


def _print_coverage(coverage: dict[str, Any]) -> None:
    """The coverage lines of ``check`` in text."""
    ph, tr, ex, gu, inv = (coverage[k] for k in
                           ("phases", "transitions", "expanded", "guards", "invariants"))
    out(f"phases reached with data:  {_pct(ph['reached'], ph['total'])}")
    out(f"transitions covered:       {_pct(tr['covered'], tr['total'])}")
    if ex["never_taken"]:
        out(f"  expanded edges never taken: {', '.join(ex['never_taken'])}")
    out(f"guards passable:           {_pct(gu['passable'], gu['total'])}")
    out(f"guards refusable:          {_pct(gu['refusable'], gu['total'])}")
    out(f"invariants:                {inv['count']} checked over "
        f"{counted(inv['runs'], 'random run', 'random runs')} "
        f"({counted(inv['steps'], 'step', 'steps')})")
    dl = coverage["deadlines"]
    if dl["total"]:
        out(f"deadlines due, cleared:    {_pct(dl['due'], dl['total'])}, "
            f"{_pct(dl['cleared'], dl['total'])}")


def _report(args: argparse.Namespace, diagnostics: list[Diagnostic], result: Exploration,
            emitted: list[str]) -> int:
    """Print what ``check`` found, as text or JSON; the exit code."""
    coverage = result.coverage()
    findings = sorted(result.findings)
    failed = any(d.severity == "error" for d in (*diagnostics, *findings)) or (
        args.strict and bool(diagnostics or findings))
    if args.format == "json":
        out_json({"ok": not failed, "coverage": coverage,
                  "diagnostics": [d.to_dict() for d in diagnostics],
                  "findings": [d.to_dict() for d in findings], "scenarios": emitted})
        return EXIT_PROBLEMS if failed else EXIT_OK
    for d in findings:
        out(str(d))
    _print_coverage(coverage)
    if emitted:
        out(f"{counted(len(emitted), 'scenario', 'scenarios')} written to {args.emit_scenarios}")
    return EXIT_PROBLEMS if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Static checks plus exploration with data: reachability, coverage, invariants."""
    from ..io.loader import analyze
    from ..rules import registry

    tpl, diagnostics = analyze(args.template, custom_rules=registry)
    for d in diagnostics:
        out(str(d))
    if tpl is None:
        err("the template has errors; exploration needs a template that loads")
        return EXIT_PROBLEMS
    result = _explore(args, tpl)
    return _report(args, list(diagnostics), result, _emit(args, result))


def add_commands(command: Command) -> None:
    """Register run and check on the main parser."""
    p = command("run", cmd_run)
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="*.scenario.yaml files")
    p.add_argument("-v", "--verbose", action="store_true", help="also print every event")
    p = command("check", cmd_check)
    p.add_argument("template", help="template file or bundled id")
    p.add_argument("--runs", type=whole(0, too_small="is negative"), default=20,
                   help="random runs (default 20)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the random runs: the same seed gives the same runs (default 0)")
    p.add_argument("--emit-scenarios", metavar="DIR", help="write scenario files into DIR")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    add_format(p)

