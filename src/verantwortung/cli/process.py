"""The process commands of the CLI: new, list, status, fire, history, export, import, erase,
demo.

They work on an event store given by ``--db URL`` (or ``VERANTWORTUNG_DB``; default a
SQLite file ``verantwortung.sqlite3`` in the working folder; a plain file path means
a SQLite file). Output is human-readable by default and JSON with ``--format json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.glossary import field_label, quote
from .console import EXIT_OK, EXIT_PROBLEMS, CommandUsageError, counted, out, out_json
from .options import Command, add_at, add_db, add_format, add_lang, add_output, store_for

if TYPE_CHECKING:
    from ..model.template import ProcessTemplate
    from ..store import EventStore

__all__ = ["add_commands"]


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
    from .. import Process, load_template

    params = dict(_param(p) for p in args.param or ())
    tpl = load_template(args.template)
    try:
        proc = Process.start(tpl, region=args.region, parameters=params or None,
                             actor=args.actor, at=args.at)
    except ValueError as exc:  # an empty region or a date that is no date
        raise CommandUsageError(str(exc)) from None
    with store_for(args, create=True) as store:
        store.add(proc, args.template)
    if args.format == "json":
        out_json({"id": proc.id, "phase": proc.phase, "region": proc.region})
    else:
        out(proc.id)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    """List stored processes (newest first)."""
    with store_for(args) as store:
        rows = store.list(template=args.template, phase=args.phase, region=args.region)
    if args.format == "json":
        out_json([r.to_dict() for r in rows])
        return EXIT_OK
    for r in rows:
        out(f"{r.id}  {r.template:<24} {r.phase:<14} v{r.version:<5} {r.region}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """Show the phase, what can be done next, every blocking reason and advisory."""
    with store_for(args) as store:
        proc = store.load(store.resolve(args.id))
    options, due = proc.options(), proc.due()
    if args.format == "json":
        out_json({"id": proc.id, "region": proc.region, "phase": proc.phase,
               "version": proc.version, "options": [o.to_dict() for o in options],
               "due": [d.to_dict() for d in due]})
        return EXIT_OK
    lang = args.lang
    de = lang == "de"
    label = proc.template.phase(proc.phase).label.get(lang)
    events = counted(proc.version, *(("Ereignis", "Ereignisse") if de else ("event", "events")))
    out(f"{proc.region} – {label} ({proc.phase}), {events}")
    for d in due:  # what is due comes first: it is what needs doing
        out(f"  {'!' if d.severity == 'overdue' else '·'} {d.label(lang)}: {d.message(lang)}")
    for o in (o for o in options if o.kind == "trigger"):
        # a step that only waits for its own input (abort's reason) is not blocked
        mark = ("✎" if o.needs_input else "✓") if o.allowed else "✗"
        target = f" → {o.target}" if o.target else ""
        out(f"  {mark} {o.name}{target}: {o.label_de if de else o.label_en}")
        if o.allowed and o.needs_input:
            fields = proc.template.trigger(o.name).payload
            out(f"      {'braucht Angaben' if de else 'needs input'}: " + ", ".join(
                field_label(f, lang, fields.get(f)) for f in o.needs_input))
        for r in o.reasons:
            if r.code != "not_in_phase":
                out(f"      · {r.message(lang)}")
        for a in o.advisories:
            out(f"      ! {a.message(lang)}")
    if proc.is_final:
        out("  Endphase: hier geschieht nichts mehr." if de else
             "  Final phase: nothing more can happen.")
        return EXIT_OK
    allowed = [o.name for o in options if o.kind == "event" and o.allowed]
    out(("  Mögliche Ereignisse: " if de else "  Possible events: ") + ", ".join(allowed))
    return EXIT_OK


def cmd_fire(args: argparse.Namespace) -> int:
    """Fire a trigger or record a domain event (retries when another writer came first)."""
    from ..exceptions import TransitionRefused

    payload = _data(args.data)
    with store_for(args) as store:
        try:
            proc, fired = store.fire(store.resolve(args.id), args.trigger, actor=args.actor,
                                     payload=payload, at=args.at)
        except TransitionRefused as refused:
            if args.format == "json":
                out_json({"accepted": False, "reasons": [r.to_dict() for r in refused.reasons]})
            else:
                out(f"✗ {_refused_line(store, args, refused.phase)}:")
                for r in refused.reasons:
                    out(f"  · {r.code}: {r.message(args.lang)}")
            return EXIT_PROBLEMS
    if args.format == "json":
        out_json({"accepted": True, "event": fired.event.to_dict(),
               "advisories": [a.to_dict() for a in fired.advisories]})
    else:
        out(f"✓ {_fired_line(proc, args.trigger, fired.event.seq, args.lang)}")
        for a in fired.advisories:
            out(f"  ! {a.code}: {a.message(args.lang)}")
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


def _refused_line(store: EventStore, args: argparse.Namespace, phase: str) -> str:
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


def cmd_erase(args: argparse.Namespace) -> int:
    """Erase one person's personal data (name, e-mail, phone) from a stored process."""
    from ..exceptions import TransitionRefused

    with store_for(args) as store:
        try:
            proc = store.erase_person(store.resolve(args.id), args.person, reason=args.reason,
                                      actor=args.actor, at=args.at,
                                      collection=args.collection)
        except TransitionRefused as refused:
            if args.format == "json":
                out_json({"erased": False, "reasons": [r.to_dict() for r in refused.reasons]})
            else:
                out("✗ Nichts gelöscht:" if args.lang == "de" else "✗ Nothing was erased:")
                for r in refused.reasons:
                    out(f"  · {r.code}: {r.message(args.lang)}")
            return EXIT_PROBLEMS
    event = proc.history[-1]
    if args.format == "json":
        out_json({"erased": True, "event": event.to_dict()})
    elif args.lang == "de":
        out(f"✓ Personenbezogene Angaben zu {args.person} gelöscht "
             f"({', '.join(event.payload['fields'])}; Ereignis {event.seq})")
    else:
        out(f"✓ Erased the personal data of {args.person} "
             f"({', '.join(event.payload['fields'])}; event {event.seq})")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    """Print the events of a process."""
    with store_for(args) as store:
        history = store.events(store.info(store.resolve(args.id)).id)
    if args.format == "json":
        out_json([e.to_dict() for e in history])
        return EXIT_OK
    for e in history:
        payload = json.dumps(e.payload, ensure_ascii=False)
        out(f"{e.seq:>5}  {e.at:%Y-%m-%d %H:%M}  {e.kind:<28} {e.phase:<14} "
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
        out(text)
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
    out(proc.id)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Run a fictional region through the whole method, printing each step."""
    from .demo import run_demo

    with store_for(args, create=True) as store:
        run_demo(store, lang=args.lang)
    return EXIT_OK


IDENT = "process id, or a unique start of it (as 'list' and the report show it)"
ACTOR = ("who acts: a role of the template, optionally with a name "
         "('facilitator:Anna'); without it the call is trusted and skips the role check")
WHEN = "when it happened: YYYY-MM-DD or an ISO date and time (default: now, UTC)"
LANG = "labels and messages"


def _common(p: argparse.ArgumentParser, *, lang: bool = True) -> None:
    """--db and --format of every process command, and --lang of those that speak."""
    add_db(p)
    add_format(p)
    if lang:
        add_lang(p, LANG)


def _acting(p: argparse.ArgumentParser) -> None:
    """--actor and --at of a command that writes an event."""
    p.add_argument("--actor", help=ACTOR)
    add_at(p, WHEN)


def _add_new_list_status(command: Command) -> None:
    """new, list and status."""
    p = command("new", cmd_new)
    p.add_argument("template", help="bundled template id or path")
    p.add_argument("--region", required=True, help="the region the process runs in")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="a parameter of the template (repeatable; VALUE is read as JSON "
                        "when it parses, else as text)")
    _acting(p)
    _common(p, lang=False)
    p = command("list", cmd_list)
    p.add_argument("--phase", help="only processes in this phase (a phase id)")
    p.add_argument("--template", help="only processes of this template id")
    p.add_argument("--region", help="only processes of this region")
    _common(p, lang=False)
    p = command("status", cmd_status)
    p.add_argument("id", help=IDENT)
    _common(p)


def _add_fire_erase(command: Command) -> None:
    """fire and erase: the commands that append an event to a stored process."""
    p = command("fire", cmd_fire)
    p.add_argument("id", help=IDENT)
    p.add_argument("trigger", help="a phase trigger or a domain event of the template")
    _acting(p)
    p.add_argument("--data", metavar="JSON|@FILE",
                   help="the payload as a JSON object, or @FILE to read it from a file")
    _common(p)
    p = command("erase", cmd_erase)
    p.add_argument("id", help=IDENT)
    p.add_argument("person", help="the id of the person whose personal data is erased")
    p.add_argument("--reason", required=True,
                   help="why (kept in the log; do not repeat the erased data in it)")
    p.add_argument("--collection", help="the collection the person is in (default: the "
                   "first collection with personal fields that has this id)")
    _acting(p)
    _common(p)


def add_commands(command: Command) -> None:
    """Register the process commands on the main parser."""
    _add_new_list_status(command)
    _add_fire_erase(command)
    p = command("history", cmd_history)
    p.add_argument("id", help=IDENT)
    _common(p, lang=False)
    p = command("export", cmd_export)
    p.add_argument("id", help=IDENT)
    add_output(p)
    add_db(p)
    p = command("import", cmd_import)
    p.add_argument("file", help="a JSON file written by 'export'")
    p.add_argument("--template", help="template id or path (default: where the export "
                   "says its template came from, or the bundled template of its id)")
    add_db(p)
    p = command("demo", cmd_demo)
    add_db(p)
    add_lang(p, "the story")
