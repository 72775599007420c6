"""The ``migrate`` command: move stored processes to a newer template version.

A dry run unless ``--apply``: for every process of an older version it prints the
phase before and after, every next step the new version refuses and why, invariants
newly broken, deadlines newly due, whether a final phase can still be reached, and the
status (ok, blocked, unmapped) with a summary of what changes for the region.
``--apply`` moves the ``ok`` ones (and those named by ``--force``). Exit 0 when every
process is (or would be) moved, 1 when some are not, 2 on a usage error.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from .console import EXIT_OK, EXIT_PROBLEMS, CommandUsageError, counted, err, out, out_json
from .options import Command, add_db, add_format, add_lang, store_for

__all__ = ["add_commands"]

_STATUS = {"de": {"ok": "ok", "blocked": "blockiert", "unmapped": "nicht abbildbar",
                  "migrated": "umgestellt"},
           "en": {"ok": "ok", "blocked": "blocked", "unmapped": "unmapped",
                  "migrated": "migrated"}}


def _reach(check: Any) -> Any:
    """The check with ``final_reachable``; a process that can no longer end is blocked."""
    from ..testing.reach import final_reachable

    reachable = final_reachable(check.new)
    status = check.status if reachable else "blocked"
    return replace(check, final_reachable=reachable, status=status)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Dry-run (or with --apply, do) the move of stored processes to --to TEMPLATE."""
    from .. import load_template
    from ..render.migration import what_changes
    from ..store import migrate_templates as mt

    tpl = load_template(args.to)
    if not tpl.migrations:
        raise CommandUsageError(f"{args.to} declares no migration plan (migrates_from), "
                                "so it takes over no process of another version")
    with store_for(args) as store:
        force = {store.resolve(f) for f in args.force or ()}
        if args.apply:
            results = mt.apply(store, tpl, args.to, region=args.region,
                               force=force, actor=args.actor, judge=_reach)
        else:
            results = mt.dry_run(store, tpl, region=args.region, judge=_reach)
    for pid in sorted(force - {r.process_id for r in results}):
        err(f"--force {pid[:8]}: not a process of an older version (nothing to move)")
    rows = [(r, what_changes(r, tpl)) for r in results]
    if args.format == "json":
        out_json({"to": {"template": tpl.id, "version": tpl.version},
                  "applied": args.apply, "processes": [
                      {**r.to_dict(), "summary": [line._asdict() for line in lines]}
                      for r, lines in rows]})
    else:
        _print(rows, args.lang, args.apply)
    done = sum(r.applied for r in results) if args.apply else sum(
        r.status == "ok" for r in results)
    return EXIT_OK if done == len(results) else EXIT_PROBLEMS


def _print(rows: list[tuple[Any, list[Any]]], lang: str, applied: bool) -> None:
    words = _STATUS[lang]
    for r, lines in rows:
        status = "migrated" if r.applied else r.status
        after = r.phase_after or "?"
        out(f"{r.region}  {r.process_id[:8]}  {r.from_version} -> {r.to_version}  "
             f"{r.phase_before} -> {after}  {words[status]}")
        if r.final_reachable is False:
            out("  " + ("Kein normaler Abschluss ist mehr erreichbar." if lang == "de"
                         else "No normal end can be reached any more."))
        for line in lines:
            out(f"  {line.de if lang == 'de' else line.en}")
    counts = {s: sum((("migrated" if r.applied else r.status) == s) for r, _ in rows)
              for s in ("migrated", "ok", "blocked", "unmapped")}
    if not rows:
        err("no stored process of an older version")
        return
    shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    tail = "" if applied else " (dry run: nothing was changed; --apply moves the ok ones)"
    err(f"{counted(len(rows), 'process', 'processes')}: {shown}{tail}")


def add_commands(command: Command) -> None:
    """Register ``migrate`` on the main parser."""
    p = command("migrate", cmd_migrate)
    p.add_argument("--to", required=True, metavar="TEMPLATE",
                   help="the newer template (bundled id or file) with its migrates_from plan")
    add_db(p)
    p.add_argument("--region", help="only the processes of this region")
    p.add_argument("--apply", action="store_true",
                   help="move the ok processes (default: a dry run that changes nothing)")
    p.add_argument("--force", action="append", metavar="ID",
                   help="also move this blocked process (id or prefix; repeatable)")
    p.add_argument("--actor", default=None, help="who migrates, recorded in the event")
    add_format(p)
    add_lang(p, "the summary")
