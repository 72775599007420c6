"""The feed commands of the CLI: feed (every event as a CloudEvent) and relay (webhooks).

Both read the store of ``--db`` and never create one. ``feed`` prints one CloudEvent
1.0 JSON object a line (``--format jsonl``, the default), a JSON array (``json``) or a
line for people (``text``). ``relay`` posts the events to a URL as signed webhooks, as
the follower ``--name`` that resumes where it stopped.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .console import EXIT_OK, EXIT_PROBLEMS, CommandUsageError, counted, err, out, out_json
from .options import Command, add_db, add_format, add_lang, positive, store_for, whole

if TYPE_CHECKING:
    from ..store import EventStore

#: the CloudEvents ``source`` of ``store.cloudevents.DEFAULT_SOURCE``, repeated here so that
#: building the parser does not import the store (and SQLAlchemy) for every command
DEFAULT_SOURCE = "urn:verantwortung"

__all__ = ["DEFAULT_SOURCE", "add_commands"]


def _check_after(store: EventStore, after: int) -> None:
    end = store.last_position()
    if after > end:
        raise CommandUsageError(f"--after {after} is beyond the end of the feed: the last "
                                f"event is at position {end}")


def _text_line(ce: dict[str, Any], lang: str) -> str:
    data = ce["data"]
    return (f"{ce['vtposition']:>7}  {ce['time'][:16].replace('T', ' ')}  "
            f"{ce['subject'][:8]}  {data['seq']:>4}  {ce['type'][len('verantwortung.'):]:<26}"
            f" {data['label'][lang]}")


def cmd_feed(args: argparse.Namespace) -> int:
    """Print every stored event of every process as a CloudEvent, in store-wide order."""
    from ..store.cloudevents import CloudEvents

    if args.follow and args.format == "json":
        raise CommandUsageError("--follow writes events as they come: use --format jsonl "
                                "or text")
    with store_for(args) as store:
        _check_after(store, args.after)
        convert = CloudEvents(store, args.source)
        position, shown, items = args.after, 0, []
        while args.limit is None or shown < args.limit:
            left = None if args.limit is None else args.limit - shown
            batch = list(store.read_all(after=position, limit=left))
            for stored in batch:
                ce = convert(stored)
                if args.format == "json":
                    items.append(ce)
                else:
                    out(_text_line(ce, args.lang) if args.format == "text"
                         else json.dumps(ce, ensure_ascii=False, separators=(",", ":")))
                position, shown = stored.position, shown + 1
            if not args.follow:
                break
            if not batch:
                time.sleep(args.poll)
    if args.format == "json":
        out_json(items)
    return EXIT_OK


def _secret(path: str | None) -> bytes | None:
    if path is None:
        return None
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as exc:
        raise CommandUsageError(f"--secret-file {path}: {exc.strerror or exc}") from None
    if not secret:
        raise CommandUsageError(f"--secret-file {path} is empty")
    return secret


def _dead_letters(args: argparse.Namespace) -> int:
    from ..store.relay import list_dead_letters

    with store_for(args) as store:
        letters = list_dead_letters(store, args.name)
    if args.format == "json":
        out_json([d.to_dict() for d in letters])
        return EXIT_OK
    for d in letters:
        out(f"{d.position:>7}  {d.process_id[:8]}  {d.kind:<26} "
             f"{counted(d.tries, 'try', 'tries')}  "
             f"{d.created_at[:19]}  {d.error}")
    err(f"{counted(len(letters), 'dead letter', 'dead letters')} of relay {args.name!r}")
    return EXIT_OK


def cmd_relay(args: argparse.Namespace) -> int:
    """Post every event to a URL as a signed webhook, in order, resuming where it stopped."""
    from ..store.relay import Relay

    if args.dead_letters:
        return _dead_letters(args)
    if args.to is None:
        raise CommandUsageError("--to URL is required (or --dead-letters)")
    parts = urllib.parse.urlsplit(args.to)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandUsageError(f"--to {args.to!r} is not an http:// or https:// URL")
    secret = _secret(args.secret_file)
    with store_for(args) as store:
        relay = Relay(store, args.to, secret=secret, name=args.name,
                      max_tries=args.max_tries, timeout=args.timeout, backoff=args.backoff,
                      source=args.source)
        result = relay.run(limit=args.limit, until_idle=args.until_idle, poll=args.poll)
    err(f"relay {args.name!r}: {result.delivered} delivered, {result.dead_lettered} to "
         f"the dead letters, at position {result.position}")
    return EXIT_PROBLEMS if result.dead_lettered else EXIT_OK


def _common(p: argparse.ArgumentParser) -> None:
    """--db, --limit, --poll and --source of feed and relay."""
    add_db(p)
    p.add_argument("--limit", type=whole(0), metavar="N", help="stop after N events")
    p.add_argument("--poll", type=positive, default=1.0, metavar="SECONDS",
                   help="how often to look for new events while waiting (default 1)")
    p.add_argument("--source", default=DEFAULT_SOURCE, metavar="URI",
                   help=f"the CloudEvents 'source' (default {DEFAULT_SOURCE})")


def _add_relay(command: Command) -> None:
    p = command("relay", cmd_relay)
    _common(p)
    p.add_argument("--to", metavar="URL", help="the webhook receiver (http:// or https://)")
    p.add_argument("--secret-file", metavar="FILE",
                   help="a file holding the shared secret that signs each delivery "
                        "(HMAC-SHA256); without it deliveries are not signed")
    p.add_argument("--name", default="relay",
                   help="the relay's name: its position is stored under it (default relay)")
    p.add_argument("--max-tries", type=whole(1), default=5, metavar="N",
                   help="tries per event before it goes to the dead letters (default 5)")
    p.add_argument("--timeout", type=positive, default=10.0, metavar="SECONDS",
                   help="how long to wait for the receiver per try (default 10)")
    p.add_argument("--backoff", type=positive, default=0.5, metavar="SECONDS",
                   help="the first wait after a failed try, doubled per try up to 30 s "
                        "(default 0.5)")
    p.add_argument("--until-idle", action="store_true",
                   help="stop when every stored event is relayed (default: keep waiting)")
    p.add_argument("--dead-letters", action="store_true",
                   help="list the events this relay gave up on, and do nothing else")
    add_format(p, help="of --dead-letters: text (default) or JSON")


def add_commands(command: Command) -> None:
    """Register feed and relay on the main parser (without importing the store)."""
    p = command("feed", cmd_feed)
    _common(p)
    p.add_argument("--after", type=whole(0), default=0, metavar="N",
                   help="start after position N (default 0: from the first event)")
    p.add_argument("--follow", action="store_true",
                   help="keep running and print new events as they are stored")
    add_format(p, ("jsonl", "json", "text"),
               help="one CloudEvent per line (default), a JSON array, or text")
    add_lang(p, "the labels in --format text")
    _add_relay(command)
