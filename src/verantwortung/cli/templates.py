"""The template commands of the CLI: validate, templates, schema, codes.

``validate`` checks templates and scenario files and prints every problem as
``PATH:LINE:COL: CODE message``; ``templates`` lists the bundled templates; ``schema``
prints the JSON Schema of the template format (or of a template's events); ``codes``
lists the diagnostic codes. None of them opens a store.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from .console import EXIT_OK, EXIT_PROBLEMS, counted, err, out, out_json
from .options import Command, add_format, add_lang, add_output

__all__ = ["add_commands", "cmd_codes", "cmd_schema", "cmd_templates", "cmd_validate"]


def cmd_validate(args: argparse.Namespace) -> int:
    """Check templates and scenario files; print every problem as PATH:LINE:COL: CODE message."""
    from .. import check_template
    from ..testing.sniff import is_scenario_file

    files: list[dict[str, Any]] = []
    errors = warnings = 0
    for path in args.paths:
        scenario = is_scenario_file(path)
        if scenario:  # the scenario runner (and the engine) only for a scenario
            from ..testing.scenario import scenario_diagnostics

            diagnostics = scenario_diagnostics(path)
        else:
            diagnostics = check_template(path)
        n_err = sum(d.severity == "error" for d in diagnostics)
        errors += n_err
        warnings += len(diagnostics) - n_err
        files.append({"path": path, "kind": "scenario" if scenario else "template",
                      "valid": n_err == 0, "diagnostics": [d.to_dict() for d in diagnostics]})
        if args.format == "text":
            for d in diagnostics:
                out(str(d))
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "json":
        out_json({"files": files, "errors": errors, "warnings": warnings, "ok": not failed})
    else:
        err(f"{counted(errors, 'error', 'errors')}, {counted(warnings, 'warning', 'warnings')}"
            f" in {counted(len(args.paths), 'file', 'files')}")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _template_rows(lang: str) -> list[dict[str, Any]]:
    """One row per bundled template: id, version, title, whether it loads, what it extends."""
    from .. import TemplateError, bundled_templates, bundled_versions, load_template

    rows: list[dict[str, Any]] = []
    for tid in bundled_templates():
        versions = bundled_versions(tid)
        try:
            tpl = load_template(tid)
        except TemplateError:
            rows.append({"id": tid, "version": None, "title": None, "valid": False})
            continue
        rows.append({"id": tid, "version": tpl.version, "title": tpl.title.get(lang),
                     "valid": True, "extends": tpl.extends, "versions": versions})
    return rows


def cmd_templates(args: argparse.Namespace) -> int:
    """List the bundled templates."""
    from .. import check_template

    rows = _template_rows(args.lang)
    if args.format == "json":
        out_json(rows)
        return EXIT_OK
    width = max((len(r["id"]) for r in rows), default=0)
    for r in rows:
        if r["valid"]:
            base = f"  (extends {r['extends']})" if r.get("extends") else ""
            older = [f"{r['id']}@{v}" for v in r["versions"] if v != r["version"]]
            also = f"  (also {', '.join(older)})" if older else ""
            out(f"{r['id']:<{width}}  {r['version']:<6}  {r['title']}{base}{also}")
        else:
            first = check_template(r["id"])[0]
            out(f"{r['id']:<{width}}  INVALID  {first}")
    return EXIT_OK


def _schema_text(events: str | None) -> str:
    """The template format's JSON Schema, or with ``events`` the CloudEvent schemas of
    that template's event kinds, as the text ``schema`` writes."""
    if events is None:
        # the shipped file is the schema of the template model (a test pins the two together)
        return resources.files("verantwortung").joinpath("template.schema.json").read_text(
            encoding="utf-8")
    from .. import load_template
    from ..store.cloudevents import event_schemas

    return json.dumps(event_schemas(load_template(events)), ensure_ascii=False, indent=2) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the template format (for editors), or with --events
    TEMPLATE a JSON Schema of the CloudEvent of each of the template's event kinds."""
    text = _schema_text(args.events)
    if args.output is None:
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return EXIT_OK


def cmd_codes(args: argparse.Namespace) -> int:
    """List the diagnostic codes (E: error, W: warning)."""
    from ..io.codes import CODES

    for code, title in CODES.items():
        out(f"{code}  {title}")
    return EXIT_OK


def add_commands(command: Command) -> None:
    """Register validate, templates, schema and codes on the main parser."""
    p = command("validate", cmd_validate)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="template files, bundled ids or scenario files (*.scenario.yaml, or "
                   "any YAML with steps:)")
    add_format(p)
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p = command("templates", cmd_templates)
    add_format(p)
    add_lang(p, "the titles", default="en")
    p = command("schema", cmd_schema)
    add_output(p)
    p.add_argument("--events", metavar="TEMPLATE", help="instead: the JSON Schema of each "
                   "event kind of TEMPLATE as the feed writes it, keyed by CloudEvents type")
    command("codes", cmd_codes)
