"""The time commands of the CLI: ``due`` (what is due, across the store) and ``calendar``.

Both read only: a deadline is a function of a process's events and a date, so they ask
each stored process, on the date given by ``--at`` (default: now, UTC). ``calendar``
writes an iCalendar file (the extra ``[calendar]``: ``pip install 'verantwortung[calendar]'``)
with stable UIDs, so importing it again updates the entries instead of adding copies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .console import EXIT_OK, CommandUsageError, out, out_json
from .options import Command, add_at, add_db, add_format, add_lang, store_for

__all__ = ["add_commands", "calendar_bytes", "parse_at"]

_SEVERITY_WORDS = {"de": {"overdue": "überfällig", "reminder": "Erinnerung"},
                   "en": {"overdue": "overdue", "reminder": "reminder"}}


def parse_at(text: str | None) -> dt.datetime:
    """``--at`` as a time (UTC); now when it is not given. CommandUsageError if no date."""
    if text is None:
        return dt.datetime.now(dt.UTC)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandUsageError(f"--at {text!r} is not a date; write YYYY-MM-DD (or "
                                "YYYY-MM-DDTHH:MM)") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _due_rows(store: Any, at: dt.datetime, region: str | None,
              severity: str | None) -> list[tuple[Any, Any]]:
    """(process, due item) for every stored process, overdue first, then by date."""
    rows: list[tuple[Any, Any]] = []
    for proc in store.load_all(region=region):
        rows.extend((proc, d) for d in proc.due(at=at)
                    if severity is None or d.severity == severity)
    rows.sort(key=lambda r: (r[1].severity != "overdue", r[1].since, r[0].region, r[1].code))
    return rows


def cmd_due(args: argparse.Namespace) -> int:
    """List every stored process's due items on a date (default now), overdue first."""
    at = parse_at(args.at)
    with store_for(args) as store:
        rows = _due_rows(store, at, args.region, args.severity)
    if args.format == "json":
        out_json({"at": at.date().isoformat(), "due": [
            {"process": p.id, "region": p.region, "template": p.template.id, "phase": p.phase,
             **d.to_dict()} for p, d in rows]})
        return EXIT_OK
    lang = args.lang
    from ..rules.dates import human_date

    on = human_date(at.date(), lang)
    if not rows:
        out(f"Am {on} ist nichts fällig." if lang == "de" else f"Nothing is due on {on}.")
        return EXIT_OK
    out(f"Fällig am {on}:" if lang == "de" else f"Due on {on}:")
    for proc, d in rows:
        word = _SEVERITY_WORDS[lang][d.severity]
        since = ("seit " if lang == "de" else "since ") + d.since_text(lang)
        out(f"  {'!' if d.severity == 'overdue' else '·'} {proc.region} ({proc.id[:8]}) "
             f"– {d.label(lang)} ({word}, {since})")
        out(f"      {d.message(lang)}")
    return EXIT_OK


def _uid(*parts: str) -> str:
    """A UID that stays the same for the same entry, so a re-import updates it."""
    digest = hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"{digest}@verantwortung"


def _entries(proc: Any, at: dt.datetime, lang: str) -> Iterable[tuple[str, dt.date, str, str]]:
    """(uid, day, summary, description) of the scheduled events, meetings and due items."""
    tpl = proc.template
    from ..rules.dates import parse_day

    scheduled = tpl.collections.get("scheduled_events")
    labels = (scheduled.fields["kind"].labels or {}) if scheduled is not None and \
        "kind" in scheduled.fields else {}
    for n, rec in enumerate(proc.records("scheduled_events") if scheduled else ()):
        day = parse_day(rec.get("date"))
        if day is None:
            continue
        kind = str(rec.get("kind"))
        label = labels[kind].get(lang) if kind in labels else kind
        yield (_uid(proc.id, "scheduled", str(n)), day, f"{proc.region}: {label}",
               "geplant" if lang == "de" else "scheduled")
    for rec in proc.records("phases_entered"):
        day = parse_day(rec.get("at"))
        if day is None:
            continue
        label = tpl.phase(rec["phase"]).label.get(lang)
        yield (_uid(proc.id, "phase", rec["phase"]), day, f"{proc.region}: {label}",
               "durchgeführt" if lang == "de" else "held")
    for d in proc.due(at=at):
        yield (_uid(proc.id, "due", d.code), d.since, f"{proc.region}: {d.label(lang)}",
               d.message(lang))


def calendar_bytes(procs: Iterable[Any], at: dt.datetime, lang: str) -> bytes:
    """An iCalendar file of the processes' dates (CommandUsageError without icalendar)."""
    try:
        import icalendar
    except ImportError:
        raise CommandUsageError("calendar needs the icalendar package: pip install "
                                "'verantwortung[calendar]'") from None
    cal = icalendar.Calendar()
    cal.add("prodid", "-//verantwortung//Verantwortungspartner//DE")
    cal.add("version", "2.0")
    stamp = at.astimezone(dt.UTC).replace(microsecond=0)
    for proc in procs:
        for uid, day, summary, description in _entries(proc, at, lang):
            event = icalendar.Event()
            event.add("uid", uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", summary)
            event.add("description", description)
            cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def cmd_calendar(args: argparse.Namespace) -> int:
    """Write scheduled events, held meetings and due items as an iCalendar (.ics) file."""
    if (args.id is None) == (not args.all):
        raise CommandUsageError("give a process ID or --all, not both and not neither")
    at = parse_at(args.at)
    with store_for(args) as store:
        procs = (list(store.load_all()) if args.all
                 else [store.load(store.resolve(args.id))])
    data = calendar_bytes(procs, at, args.lang)
    Path(args.output).write_bytes(data)
    out(f"{args.output}: {len(procs)} {'process' if len(procs) == 1 else 'processes'}")
    return EXIT_OK


def _common(p: argparse.ArgumentParser) -> None:
    """--db, --at and --lang of due and calendar."""
    add_db(p)
    add_at(p, "the date to judge on, YYYY-MM-DD (default: now, UTC)")
    add_lang(p, "the texts")


def add_commands(command: Command) -> None:
    """Register ``due`` and ``calendar`` on the main parser."""
    p = command("due", cmd_due)
    _common(p)
    p.add_argument("--region", help="only processes of this region")
    p.add_argument("--severity", choices=["reminder", "overdue"], help="only these items")
    add_format(p)
    p = command("calendar", cmd_calendar)
    p.add_argument("id", nargs="?", metavar="ID", help="process id (or a unique prefix)")
    p.add_argument("--all", action="store_true", help="every stored process")
    p.add_argument("-o", "--output", metavar="FILE.ics", required=True,
                   help="the iCalendar file to write")
    _common(p)
