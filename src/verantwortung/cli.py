"""The ``verantwortung`` command.

Exit codes: 0 success, 1 problems found (or an expectation failed), 2 usage error.
Heavy modules (pydantic, the loader) are imported inside the commands, so that
``verantwortung --help`` and ``validate`` start fast. No traceback reaches a user.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

__all__ = ["main"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                       show_default=True, help="Human-readable text or JSON for scripts.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="verantwortung", prog_name="verantwortung")
def cli() -> None:
    """Run the Verantwortungspartner method as a state machine.

    Templates are YAML files (or bundled ids such as 'verantwortungspartner').
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_FORMAT
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
def validate(paths: tuple[str, ...], fmt: str, strict: bool) -> int:
    """Check templates; print every problem as PATH:LINE:COL: CODE message."""
    from ._api import check_template

    files: list[dict[str, Any]] = []
    errors = warnings = 0
    for path in paths:
        diagnostics = check_template(path)
        n_err = sum(d.severity == "error" for d in diagnostics)
        errors += n_err
        warnings += len(diagnostics) - n_err
        files.append({"path": path, "valid": n_err == 0,
                      "diagnostics": [d.to_dict() for d in diagnostics]})
        if fmt == "text":
            for d in diagnostics:
                click.echo(str(d))
    failed = errors > 0 or (strict and warnings > 0)
    if fmt == "json":
        click.echo(json.dumps({"files": files, "errors": errors, "warnings": warnings,
                               "ok": not failed}, ensure_ascii=False, indent=2))
    else:
        noun = "file" if len(paths) == 1 else "files"
        click.echo(f"{errors} error(s), {warnings} warning(s) in {len(paths)} {noun}",
                   err=True)
    return EXIT_PROBLEMS if failed else EXIT_OK


@cli.command()
@_FORMAT
@click.option("--lang", type=click.Choice(["de", "en"]), default="en", show_default=True)
def templates(fmt: str, lang: str) -> int:
    """List the bundled templates."""
    from ._api import bundled_templates, check_template, load_template
    from .exceptions import TemplateError

    rows: list[dict[str, Any]] = []
    for tid in bundled_templates():
        try:
            tpl = load_template(tid)
        except TemplateError:
            rows.append({"id": tid, "version": None, "title": None, "valid": False})
            continue
        rows.append({"id": tid, "version": tpl.version, "title": tpl.title.get(lang),
                     "valid": True, "extends": tpl.document.extends})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max((len(r["id"]) for r in rows), default=0)
    for r in rows:
        if r["valid"]:
            base = f"  (extends {r['extends']})" if r.get("extends") else ""
            click.echo(f"{r['id']:<{width}}  {r['version']:<6}  {r['title']}{base}")
        else:
            first = check_template(r["id"])[0]
            click.echo(f"{r['id']:<{width}}  INVALID  {first}")
    return EXIT_OK


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def schema(output: Path | None) -> int:
    """Print the JSON Schema of the template format (for editors)."""
    from ._api import template_schema_json

    text = template_schema_json()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    return EXIT_OK


@cli.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Also print every event of each run.")
def run(scenarios: tuple[Path, ...], verbose: bool) -> int:
    """Run scenario files; report each failed expectation with its step and line."""
    from .testing.scenario import ScenarioError, describe, run_scenario

    failed = 0
    for path in scenarios:
        try:
            result = run_scenario(path)
        except ScenarioError as exc:
            failed += 1
            for d in exc.diagnostics:
                click.echo(str(d))
            continue
        failed += not result.ok
        for line in describe(result, verbose=verbose):
            click.echo(line)
    click.echo(f"{len(scenarios) - failed} passed, {failed} failed", err=True)
    return EXIT_PROBLEMS if failed else EXIT_OK


@cli.command()
def codes() -> int:
    """List the diagnostic codes (E: error, W: warning)."""
    from .io.codes import CODES

    for code, title in CODES.items():
        click.echo(f"{code}  {title}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the command line and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="verantwortung", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_PROBLEMS if exc.exit_code == 1 else int(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except Exception as exc:  # last resort: an internal error, never a traceback
        from .exceptions import VerantwortungError

        kind = "error" if isinstance(exc, VerantwortungError) else "internal error"
        click.echo(f"verantwortung: {kind}: {exc}", err=True)
        return EXIT_PROBLEMS
    return int(result) if isinstance(result, int) else EXIT_OK
