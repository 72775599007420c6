"""The process commands of the CLI: new, list, status, fire, history, export, import, demo.

They work on an event store given by ``--db URL`` (or ``VERANTWORTUNG_DB``; default a
SQLite file ``verantwortung.sqlite3`` in the working folder; a plain file path means
a SQLite file). Output is human-readable by default and JSON with ``--format json``.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._console import EXIT_OK, EXIT_PROBLEMS, CommandUsageError, counted
from ._console import out as _out
from .model.glossary import quote

if TYPE_CHECKING:
    from .model.template import ProcessTemplate

__all__ = ["add_process_commands"]

DB_ENV = "VERANTWORTUNG_DB"


def _db_url(value: str | None) -> str:
    url = value or os.environ.get(DB_ENV) or "sqlite:///verantwortung.sqlite3"
    return url if "://" in url else f"sqlite:///{url}"


def store_for(args: argparse.Namespace, *, create: bool = False) -> Any:
    """The store of ``--db``; only commands that write (``create=True``) may create it."""
    from .store.sql import EventStore

    return EventStore(_db_url(args.db), create=create)


def _json(value: Any) -> None:
    _out(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _param(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CommandUsageError(f"--param takes KEY=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return key, value


def _data(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    if text.startswith("@"):
        name = text
        try:
            text = Path(text[1:]).read_bytes().decode("utf-8")
        except OSError as exc:
            raise CommandUsageError(f"--data {name}: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, ValueError):  # ValueError: a NUL in the file name
            raise CommandUsageError(f"--data {name}: not a UTF-8 text file") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise CommandUsageError("--data nests too deep to be a payload") from None
    except ValueError as exc:
        raise CommandUsageError(f"--data is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CommandUsageError("--data must be a JSON object of payload fields")
    return value


def cmd_new(args: argparse.Namespace) -> int:
    """Start a process of TEMPLATE for a region; print its id."""
    from .engine.process import Process
    from .io.loader import load
    from .rules.registry import registry

    params = dict(_param(p) for p in args.param or ())
    tpl = load(args.template, custom_rules=registry)
    try:
        proc = Process.start(tpl, region=args.region, parameters=params or None,
                             actor=args.actor, at=args.at)
    except ValueError as exc:  # an empty region or a date that is no date
        raise CommandUsageError(str(exc)) from None
    with store_for(args, create=True) as store:
        store.add(proc, args.template)
    if args.format == "json":
        _json({"id": proc.id, "phase": proc.phase, "region": proc.region})
    else:
        _out(proc.id)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    """List stored processes (newest first)."""
    with store_for(args) as store:
        rows = store.list(template=args.template, phase=args.phase, region=args.region)
    if args.format == "json":
        _json([r.to_dict() for r in rows])
        return EXIT_OK
    for r in rows:
        _out(f"{r.id}  {r.template:<24} {r.phase:<14} v{r.version:<5} {r.region}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """Show the phase, what can be done next, every blocking reason and advisory."""
    with store_for(args) as store:
        proc = store.load(store.resolve(args.id))
    options, due = proc.options(), proc.due()
    if args.format == "json":
        _json({"id": proc.id, "region": proc.region, "phase": proc.phase,
               "version": proc.version, "options": [o.to_dict() for o in options],
               "due": [d.to_dict() for d in due]})
        return EXIT_OK
    from .render.words import field_label

    lang = args.lang
    de = lang == "de"
    label = proc.template.phase(proc.phase).label.get(lang)
    events = counted(proc.version, *(("Ereignis", "Ereignisse") if de else ("event", "events")))
    _out(f"{proc.region} – {label} ({proc.phase}), {events}")
    for d in due:  # what is due comes first: it is what needs doing
        _out(f"  {'!' if d.severity == 'overdue' else '·'} {d.label(lang)}: {d.message(lang)}")
    for o in (o for o in options if o.kind == "trigger"):
        # a step that only waits for its own input (abort's reason) is not blocked
        mark = ("✎" if o.needs_input else "✓") if o.allowed else "✗"
        target = f" → {o.target}" if o.target else ""
        _out(f"  {mark} {o.name}{target}: {o.label_de if de else o.label_en}")
        if o.allowed and o.needs_input:
            fields = proc.template.trigger(o.name).payload
            _out(f"      {'braucht Angaben' if de else 'needs input'}: " + ", ".join(
                field_label(f, lang, fields.get(f)) for f in o.needs_input))
        for r in o.reasons:
            if r.code != "not_in_phase":
                _out(f"      · {r.message(lang)}")
        for a in o.advisories:
            _out(f"      ! {a.message(lang)}")
    if proc.is_final:
        _out("  Endphase: hier geschieht nichts mehr." if de else
             "  Final phase: nothing more can happen.")
        return EXIT_OK
    allowed = [o.name for o in options if o.kind == "event" and o.allowed]
    _out(("  Mögliche Ereignisse: " if de else "  Possible events: ") + ", ".join(allowed))
    return EXIT_OK


def cmd_fire(args: argparse.Namespace) -> int:
    """Fire a trigger or record a domain event (retries when another writer came first)."""
    from .exceptions import TransitionRefused

    payload = _data(args.data)
    with store_for(args) as store:
        try:
            proc, fired = store.fire(store.resolve(args.id), args.trigger, actor=args.actor,
                                     payload=payload, at=args.at)
        except TransitionRefused as refused:
            if args.format == "json":
                _json({"accepted": False, "reasons": [r.to_dict() for r in refused.reasons]})
            else:
                _out(f"✗ {_refused_line(store, args, refused.phase)}:")
                for r in refused.reasons:
                    _out(f"  · {r.code}: {r.message(args.lang)}")
            return EXIT_PROBLEMS
    if args.format == "json":
        _json({"accepted": True, "event": fired.event.to_dict(),
               "advisories": [a.to_dict() for a in fired.advisories]})
    else:
        _out(f"✓ {_fired_line(proc, args.trigger, fired.event.seq, args.lang)}")
        for a in fired.advisories:
            _out(f"  ! {a.code}: {a.message(args.lang)}")
    return EXIT_OK


def _step_words(tpl: ProcessTemplate, name: str, phase: str, lang: str) -> tuple[str, str]:
    """A step's and a phase's labels in ``lang`` (their ids when the template lacks them)."""
    found = {t.id: t.label for t in tpl.triggers} | {e.id: e.spec.label for e in tpl.events}
    step = found[name].get(lang) if name in found else name
    try:
        where = tpl.phase(phase).label.get(lang)
    except KeyError:
        where = phase
    return quote(step, lang), quote(where, lang)


def _refused_line(store: Any, args: argparse.Namespace, phase: str) -> str:
    try:
        tpl = store.load(store.resolve(args.id)).template
    except Exception:  # the refusal is what matters; the labels are a courtesy
        return f"{args.trigger} ({phase})"
    step, where = _step_words(tpl, args.trigger, phase, args.lang)
    return (f"{step} in der Phase {where} abgelehnt" if args.lang == "de" else
            f"{step} refused in the phase {where}")


def _fired_line(proc: Any, name: str, seq: int, lang: str) -> str:
    step, where = _step_words(proc.template, name, proc.phase, lang)
    return (f"{step} (Ereignis {seq}), Phase {where}" if lang == "de" else
            f"{step} (event {seq}), phase {where}")


def cmd_history(args: argparse.Namespace) -> int:
    """Print the events of a process."""
    with store_for(args) as store:
        history = store.events(store.info(store.resolve(args.id)).id)
    if args.format == "json":
        _json([e.to_dict() for e in history])
        return EXIT_OK
    for e in history:
        payload = json.dumps(e.payload, ensure_ascii=False)
        _out(f"{e.seq:>5}  {e.at:%Y-%m-%d %H:%M}  {e.kind:<28} {e.phase:<14} "
             f"{e.actor or '-':<20} {payload}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export a process (identity, state, full history) as JSON."""
    with store_for(args) as store:
        data = store.export(store.resolve(args.id))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        _out(text)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Import a process exported with 'export' (its history is replayed to verify it)."""
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandUsageError(f"{args.file}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CommandUsageError(f"{args.file}: not JSON: {exc}") from None
    if not isinstance(data, dict) or "history" not in data:
        raise CommandUsageError(f"{args.file}: not a process export (no 'history')")
    with store_for(args, create=True) as store:
        proc = store.import_process(data, args.template)
    _out(proc.id)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Run a fictional region through the whole method, printing each step."""
    from .demo import run_demo

    with store_for(args, create=True) as store:
        run_demo(store, lang=args.lang)
    return EXIT_OK


def add_process_commands(
    command: Callable[[str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser],
) -> None:
    """Register the process commands on the main parser."""

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", metavar="URL", help=f"store URL or SQLite file (env {DB_ENV}; "
                       "default sqlite:///verantwortung.sqlite3)")

    def common(p: argparse.ArgumentParser, *, lang: bool = True) -> None:
        db(p)
        p.add_argument("--format", choices=["text", "json"], default="text",
                       help="human-readable text (default) or JSON for scripts")
        if lang:
            p.add_argument("--lang", choices=["de", "en"], default="de",
                           help="language of labels and messages (default de)")

    ident = "process id, or a unique start of it (as 'list' and the report show it)"
    actor = ("who acts: a role of the template, optionally with a name "
             "('facilitator:Anna'); without it the call is trusted and skips the role check")
    at = "when it happened: YYYY-MM-DD or an ISO date and time (default: now, UTC)"
    p = command("new", cmd_new)
    p.add_argument("template", help="bundled template id or path")
    p.add_argument("--region", required=True, help="the region the process runs in")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="a parameter of the template (repeatable; VALUE is read as JSON "
                        "when it parses, else as text)")
    p.add_argument("--actor", help=actor)
    p.add_argument("--at", metavar="DATE", help=at)
    common(p, lang=False)
    p = command("list", cmd_list)
    p.add_argument("--phase", help="only processes in this phase (a phase id)")
    p.add_argument("--template", help="only processes of this template id")
    p.add_argument("--region", help="only processes of this region")
    common(p, lang=False)
    p = command("status", cmd_status)
    p.add_argument("id", help=ident)
    common(p)
    p = command("fire", cmd_fire)
    p.add_argument("id", help=ident)
    p.add_argument("trigger", help="a phase trigger or a domain event of the template")
    p.add_argument("--actor", help=actor)
    p.add_argument("--at", metavar="DATE", help=at)
    p.add_argument("--data", metavar="JSON|@FILE",
                   help="the payload as a JSON object, or @FILE to read it from a file")
    common(p)
    p = command("history", cmd_history)
    p.add_argument("id", help=ident)
    common(p, lang=False)
    p = command("export", cmd_export)
    p.add_argument("id", help=ident)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    db(p)
    p = command("import", cmd_import)
    p.add_argument("file", help="a JSON file written by 'export'")
    p.add_argument("--template", help="template id or path (default: where the export "
                   "says its template came from, or the bundled template of its id)")
    db(p)
    p = command("demo", cmd_demo)
    db(p)
    p.add_argument("--lang", choices=["de", "en"], default="de",
                   help="language of the story (default de)")
